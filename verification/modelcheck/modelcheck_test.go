package modelcheck_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/specengine/ioa"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/internal/vtest"
	"github.com/temperhq/temper/verification/modelcheck"
	"github.com/temperhq/temper/verification/report"
)

func loadSpec(t testing.TB, src string) *specengine.Bundle {
	t.Helper()
	return vtest.Load(t, map[string][]byte{"corpus/spec.ioa.toml": []byte(src)})
}

// renderTrace renders a trace one step a line: the action (create for the
// first), its parameters, and the state after it, status first.
func renderTrace(tr []report.Step) string {
	var b strings.Builder
	for _, s := range tr {
		act := s.Action
		if act == "" {
			act = "create"
		}
		b.WriteString("\n" + act)
		if len(s.Params) > 0 {
			b.WriteString(renderMap(s.Params))
		}
		b.WriteString(" -> " + renderMap(s.State))
	}
	return b.String()
}

func renderMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "status" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	if st, ok := m["status"]; ok {
		parts = append(parts, fmt.Sprintf("status=%v", st))
	}
	for _, k := range keys {
		v := m[k]
		switch x := v.(type) {
		case nil:
			v = "null"
		case string:
			v = "'" + x + "'"
		}
		parts = append(parts, fmt.Sprintf("%s=%v", k, v))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func findingLine(f report.Finding) string {
	subject := f.Invariant
	if subject == "" {
		subject = f.Action
	}
	if subject == "" {
		subject = f.State
	}
	return fmt.Sprintf("%s %s %s", f.Severity, f.Kind, subject)
}

func TestCorpus(t *testing.T) {
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := loadSpec(t, c.spec)
			r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, findingLine(f))
			}
			if strings.Join(got, "\n") != strings.Join(c.findings, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.findings, "\n"))
			}
			for i, f := range r.Findings {
				want, ok := c.traces[i]
				if tr := renderTrace(f.Trace); ok && tr != want {
					t.Errorf("trace of %s:%s\nwant:%s", findingLine(f), tr, want)
				}
				t.Logf("%s: %s%s", findingLine(f), f.Msg, renderTrace(f.Trace))
			}
			if r.Passed != c.pass {
				t.Errorf("passed = %v, want %v (%s)", r.Passed, c.pass, r.Summary)
			}
		})
	}
}

// tasksAssignFixed is the guard the bundled Task spec's Assign has: when
// the guard only compares the agent with the empty string (as it first
// shipped, with a nullable CSDL parameter), an Assign without the agent
// (null) passes it and clears the assignee of a started task.
const (
	tasksAssignGuard = `guard = "params.agent != ''"`
	tasksAssignFixed = `guard = "params.agent != null && params.agent != ''"`
)

func TestApps(t *testing.T) {
	cases := []struct {
		name     string
		load     func(testing.TB) *specengine.Bundle
		findings []string
		summary  string
	}{
		{"knowledge", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "knowledge") },
			[]string{"warning deadlock Draft"},
			"9 states, 30 transitions, 1 invariant holds, 1 deadlock (warning), no liveness properties"},
		// The seed: an entry created with empty content stays in Draft, a
		// warning, since the seed declares no terminal states and no
		// liveness.
		{"seed", vtest.Seed,
			[]string{"warning deadlock Draft"},
			"9 states, 30 transitions, 1 invariant holds, 1 deadlock (warning), no liveness properties"},
		{"tasks", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "tasks") }, nil,
			"12 states, 72 transitions, 2 invariants hold, no deadlock, 1 liveness property holds"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := c.load(t)
			r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, findingLine(f))
				verifyCounterexample(t, b, f)
			}
			if !r.Passed || strings.Join(got, "\n") != strings.Join(c.findings, "\n") {
				t.Errorf("passed=%v findings:\n%s\nwant:\n%s", r.Passed, strings.Join(got, "\n"), strings.Join(c.findings, "\n"))
			}
			if r.Summary != c.summary {
				t.Errorf("summary %q, want %q", r.Summary, c.summary)
			}
			if r.Level != report.L1 || r.Stats["states"] == 0 || r.Stats["transitions"] == 0 || r.Stats["states_per_sec"] <= 0 {
				t.Errorf("level %s, stats %v", r.Level, r.Stats)
			}
		})
	}
}

// TestTasksAsFirstShipped pins what L1 finds in the Task spec as it first
// shipped: Assign's guard admits a missing agent, so a started task can
// lose its assignee.
func TestTasksAsFirstShipped(t *testing.T) {
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	spec := string(files["tasks/Task.ioa.toml"])
	if !strings.Contains(spec, tasksAssignFixed) {
		t.Fatal("the bundled Task spec's Assign guard changed; update this test")
	}
	files["tasks/Task.ioa.toml"] = []byte(strings.Replace(spec, tasksAssignFixed, tasksAssignGuard, 1))
	files["tasks/model.csdl.xml"] = []byte(strings.Replace(string(files["tasks/model.csdl.xml"]),
		`<Parameter Name="agent" Type="Edm.String" Nullable="false"/>`, `<Parameter Name="agent" Type="Edm.String"/>`, 1))
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed || len(r.Findings) != 1 {
		t.Fatalf("want exactly the known violation: %s", (&report.Report{Levels: []*report.Result{r}}).Text())
	}
	f := r.Findings[0]
	want := `
create -> {status=Open assignee='‹other›' description=null labels=null priority=0 reason=null reopened=0 reviewed=false title='‹other›'}
Start -> {status=InProgress assignee='‹other›' description=null labels=null priority=0 reason=null reopened=0 reviewed=false title='‹other›'}
Assign -> {status=InProgress assignee=null description=null labels=null priority=0 reason=null reopened=0 reviewed=false title='‹other›'}`
	if findingLine(f) != "error invariant-violation StartedTasksHaveAnAssignee" || renderTrace(f.Trace) != want {
		t.Errorf("%s:%s\nwant:%s", findingLine(f), renderTrace(f.Trace), want)
	}
	verifyCounterexample(t, b, f)
}

// TestCounterexamplesReplay replays every trace of the corpus through
// Apply and checks it ends in the violation it reports.
func TestCounterexamplesReplay(t *testing.T) {
	n := 0
	for _, c := range corpus {
		b := loadSpec(t, c.spec)
		r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			if len(f.Trace) > 0 {
				n++
			}
			verifyCounterexample(t, b, f)
		}
	}
	if n < 10 {
		t.Errorf("only %d traces replayed", n)
	}
}

// verifyCounterexample replays f's trace and checks the last state shows
// the violation f reports.
func verifyCounterexample(t *testing.T, b *specengine.Bundle, f report.Finding) {
	t.Helper()
	if len(f.Trace) == 0 {
		return
	}
	tbl := b.Tables[f.Entity]
	states, err := modelcheck.Replay(tbl, f.Trace)
	if err != nil {
		t.Errorf("%s: %v", findingLine(f), err)
		return
	}
	last := states[len(states)-1]
	d := domain.New(tbl, domain.Options{})
	enabled := func(s *specengine.State, a *specengine.Action) bool {
		var st specengine.Step
		for _, p := range d.ParamSets[a.Index] {
			if tbl.Apply(&st, s, a.Index, p) == specengine.OK {
				return true
			}
		}
		return false
	}
	anyEnabled := func(s *specengine.State) bool {
		for _, a := range tbl.Actions {
			if !a.Implicit && enabled(s, a) {
				return true
			}
		}
		return false
	}
	switch f.Kind {
	case report.InvariantViolation:
		for _, inv := range tbl.Invariants {
			if inv.Name != f.Invariant {
				continue
			}
			for i, s := range states {
				fr := expr.Frame{Status: s.Status, Vars: s.Vars}
				broken := (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&fr)
				if broken != (i == len(states)-1) {
					t.Errorf("%s: state %d broken=%v", findingLine(f), i, broken)
				}
			}
		}
	case report.Deadlock:
		if anyEnabled(&last) || tbl.States[last.Status] != f.State {
			t.Errorf("%s: the last state %s has an enabled action", findingLine(f), tbl.States[last.Status])
		}
	case report.CallbackNotEnabled:
		a, _ := tbl.Action(f.Action)
		if enabled(&last, a) {
			t.Errorf("%s: the callback is enabled in the last state", findingLine(f))
		}
	case report.Liveness:
		var l ioa.Liveness
		for _, x := range tbl.Liveness {
			if x.Name == f.Invariant {
				l = x
			}
		}
		_, after, found := strings.Cut(f.Msg, "repeat from the state after step ")
		if !found {
			if anyEnabled(&last) {
				t.Errorf("%s: the run does not stop", findingLine(f))
			}
			break
		}
		var k int
		if _, err := fmt.Sscanf(after, "%d", &k); err != nil {
			t.Fatal(err)
		}
		// The loop returns to its start, up to variables nothing reads.
		for j, v := range tbl.Vars {
			if d.Read[j] && !states[k].Vars[j].Equal(last.Vars[j]) {
				t.Errorf("%s: %s differs at the loop's ends", findingLine(f), v.Name)
			}
		}
		if states[k].Status != last.Status {
			t.Errorf("%s: the loop does not close", findingLine(f))
		}
		for _, s := range states[k:] {
			for _, r := range l.Reaches {
				if tbl.States[s.Status] == r {
					t.Errorf("%s: the loop reaches %s", findingLine(f), r)
				}
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	bundles := []*specengine.Bundle{vtest.App(t, "tasks"), vtest.App(t, "knowledge")}
	for _, c := range corpus {
		bundles = append(bundles, loadSpec(t, c.spec))
	}
	for _, b := range bundles {
		var runs [2]*report.Result
		for i := range runs {
			r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			delete(r.Stats, "states_per_sec")
			r.Duration = 0
			runs[i] = r
		}
		if !reflect.DeepEqual(runs[0], runs[1]) {
			t.Errorf("%s: two runs differ:\n%+v\n%+v", b.TableList[0].Entity, runs[0], runs[1])
		}
	}
}

// TestAgainstNaiveBFS checks the packed exploration finds exactly the
// states the plain baseline finds, and that every state's trace replays.
func TestAgainstNaiveBFS(t *testing.T) {
	bundles := []*specengine.Bundle{vtest.App(t, "tasks"), vtest.App(t, "knowledge"), loadSpec(t, manyListsSpec), loadSpec(t, wideSpec(9))}
	for _, c := range corpus {
		bundles = append(bundles, loadSpec(t, c.spec))
	}
	for _, b := range bundles {
		for _, tbl := range b.TableList {
			d := domain.New(tbl, domain.Options{})
			g, err := modelcheck.Explore(context.Background(), tbl, d, modelcheck.Options{NoProjection: true})
			if err != nil {
				t.Fatal(err)
			}
			states, transitions := naiveBFS(tbl, d)
			if g.Len() != states || g.Transitions != int64(transitions) {
				t.Errorf("%s: %d states, %d transitions; naive BFS: %d, %d", tbl.Entity, g.Len(), g.Transitions, states, transitions)
			}
			for i := 0; i < g.Len(); i++ {
				tr := g.Trace(i)
				got, err := modelcheck.Replay(tbl, tr)
				if err != nil {
					t.Fatalf("%s state %d: %v", tbl.Entity, i, err)
				}
				want := g.State(i)
				if !reflect.DeepEqual(report.StateMap(tbl, &got[len(got)-1]), report.StateMap(tbl, &want)) {
					t.Errorf("%s state %d: trace ends in %v", tbl.Entity, i, tr[len(tr)-1].State)
				}
			}
			pg, err := modelcheck.Explore(context.Background(), tbl, d, modelcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if pg.Len() > g.Len() {
				t.Errorf("%s: projection grew the state space: %d > %d", tbl.Entity, pg.Len(), g.Len())
			}
		}
	}
}

// wideSpec has n lists of at most one item: 2^n states whose packed key
// needs more than one word.
func wideSpec(n int) string {
	var b strings.Builder
	b.WriteString("[automaton]\nname = \"Wide\"\nstates = [\"Open\"]\ninitial = \"Open\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\n[[state]]\nname = \"l%d\"\ntype = \"list\"\ninitial = []\n", i)
		fmt.Fprintf(&b, "\n[[action]]\nname = \"Add%d\"\nfrom = [\"Open\"]\nguard = \"empty(l%d)\"\neffect = \"append(l%d, 'x')\"\n", i, i, i)
		fmt.Fprintf(&b, "\n[[action]]\nname = \"Clear%d\"\nfrom = [\"Open\"]\neffect = \"remove_at(l%d, 0)\"\n", i, i)
	}
	return b.String()
}

// manyListsSpec makes a list take more distinct values than the first
// packed width holds, forcing a restart with a wider field.
const manyListsSpec = `
[automaton]
name = "Bag"
states = ["Open"]
initial = "Open"

[[state]]
name = "items"
type = "list"
initial = []

[[action]]
name = "Put"
from = ["Open"]
params = [{ name = "item", type = "string" }]
guard = "params.item in ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] && len(items) < 3"
effect = "append(items, params.item)"

[[action]]
name = "Take"
from = ["Open"]
effect = "remove_at(items, 0)"

[[invariant]]
name = "Short"
assert = "len(items) <= 3"
`

func TestWidening(t *testing.T) {
	b := loadSpec(t, manyListsSpec)
	tbl := b.TableList[0]
	g, err := modelcheck.Explore(context.Background(), tbl, nil, modelcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 1 + 8 + 64 + 512 lists of up to three items.
	if g.Len() != 585 || g.Restarts == 0 {
		t.Errorf("%d states after %d restarts, want 585 after at least one", g.Len(), g.Restarts)
	}
}

func TestReached(t *testing.T) {
	b := loadSpec(t, `
[automaton]
name = "R"
states = ["A", "B", "Unused"]
initial = "A"
terminal = ["B", "Unused"]

[[action]]
name = "Go"
from = ["A"]
to = "B"
`)
	g, err := modelcheck.Explore(context.Background(), b.TableList[0], nil, modelcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := g.Reached(); !reflect.DeepEqual(got, []bool{true, true, false}) {
		t.Errorf("reached %v", got)
	}
	if g.Len() != 2 || !g.Expanded(0) || !g.Expanded(1) {
		t.Errorf("%d states", g.Len())
	}
}

func TestTruncation(t *testing.T) {
	unbounded := `
[automaton]
name = "U"
states = ["Open"]
initial = "Open"

[[state]]
name = "n"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
effect = "n += 1"

[[invariant]]
name = "NonNegative"
assert = "n >= 0"
`
	cases := []struct {
		name   string
		opts   modelcheck.Options
		states int
		msg    string
	}{
		// Literals 0 (and its neighbour 1) leave the default bound 3:
		// n = 0..3 are expanded, n = 4 is reached and checked only.
		{"bound", modelcheck.Options{}, 5, "beyond a bound"},
		{"raised bound", modelcheck.Options{Domain: domain.Options{Bound: 10}}, 12, "beyond a bound"},
		{"cap", modelcheck.Options{MaxStates: 3}, 3, "MaxStates"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := modelcheck.Check(context.Background(), loadSpec(t, unbounded), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Passed || int(r.Stats["states"]) != c.states || len(r.Findings) != 1 ||
				r.Findings[0].Kind != report.Truncated || !strings.Contains(r.Findings[0].Msg, c.msg) || !strings.HasSuffix(r.Summary, ", truncated") {
				t.Errorf("%s: %v %+v", r.Summary, r.Passed, r.Findings)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := modelcheck.Check(ctx, loadSpec(t, benchSpec(4, 24, 2)), modelcheck.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestLivenessOnGrid runs the liveness check on a larger graph: Stop is
// enabled only at c0 == 4, so a weakly fair run can step every counter up
// and down forever; the loop takes each action once rather than walking
// to states where they are disabled.
func TestLivenessOnGrid(t *testing.T) {
	src := strings.Replace(benchSpec(4, 4, 2), `states = ["Running"]`, "states = [\"Running\", \"Stopped\"]\nterminal = [\"Stopped\"]", 1)
	src += `
[[action]]
name = "Stop"
from = ["Running"]
to = "Stopped"
guard = "c0 == 4"

[[liveness]]
name = "Stops"
from = ["Running"]
reaches = ["Stopped"]
`
	b := loadSpec(t, src)
	r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Passed || len(r.Findings) != 1 || r.Findings[0].Kind != report.Liveness {
		t.Fatalf("%s: %+v", r.Summary, r.Findings)
	}
	f := r.Findings[0]
	var acts []string
	for _, s := range f.Trace[1:] {
		acts = append(acts, s.Action)
	}
	if got, want := strings.Join(acts, " "), "Up0 Down0 Up1 Down1 Up2 Down2 Up3 Down3 On0 Off0 On1 Off1"; got != want {
		t.Errorf("loop %s, want %s", got, want)
	}
	if want := "3,000 states"; !strings.HasPrefix(r.Summary, want) {
		t.Errorf("summary %q", r.Summary)
	}
	verifyCounterexample(t, b, f)
}
