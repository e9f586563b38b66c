package proptest_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/internal/vtest"
	"github.com/temperhq/temper/verification/proptest"
	"github.com/temperhq/temper/verification/report"
)

// counterSpec breaks n <= 2 after three Incs; Dec, Noise and Close make
// random sequences longer than that.
const counterSpec = `
[automaton]
name = "Counter"
states = ["Open", "Closed"]
initial = "Open"
terminal = ["Closed"]

[[state]]
name = "n"
type = "counter"
initial = 0

[[state]]
name = "noise"
type = "int"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
effect = "n += 1"

[[action]]
name = "Dec"
from = ["Open"]
effect = "n -= 1"

[[action]]
name = "Noise"
from = ["Open"]
params = [{ name = "v", type = "int" }]
effect = "noise = params.v"

[[action]]
name = "Close"
from = ["Open"]
to = "Closed"

[[invariant]]
name = "AtMostTwo"
assert = "n <= 2"
`

// twoInvariantsSpec breaks two invariants; each gets its own
// counterexample.
const twoInvariantsSpec = `
[automaton]
name = "Pair"
states = ["Open"]
initial = "Open"

[[state]]
name = "a"
type = "counter"
initial = 0

[[state]]
name = "b"
type = "counter"
initial = 0

[[action]]
name = "IncA"
from = ["Open"]
effect = "a += 1"

[[action]]
name = "IncB"
from = ["Open"]
effect = "b += 1"

[[invariant]]
name = "ALow"
assert = "a <= 1"

[[invariant]]
name = "BLow"
assert = "b <= 3"
`

func TestBundledAppsPass(t *testing.T) {
	tests := []struct {
		name string
		b    func(testing.TB) *specengine.Bundle
	}{
		{"tasks", func(t testing.TB) *specengine.Bundle { return vtest.FixedApp(t, "tasks") }},
		{"knowledge", func(t testing.TB) *specengine.Bundle { return vtest.FixedApp(t, "knowledge") }},
		{"seed", vtest.Seed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := proptest.Check(context.Background(), tc.b(t), proptest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Level != report.L3 || !r.Passed || len(r.Findings) > 0 {
				t.Fatalf("want a clean pass:\n%s", text(r))
			}
			if !strings.HasPrefix(r.Summary, "200 checks × ≤50 steps") || !strings.HasSuffix(r.Summary, "; 0 failures") {
				t.Errorf("summary %q", r.Summary)
			}
			if r.Stats["sequences"] < 200 || r.Stats["steps"] == 0 {
				t.Errorf("stats %v", r.Stats)
			}
		})
	}
}

// TestBundledTaskAssignWithoutAgent pins the bug vtest.TaskAssignFix works
// around, with its two-step counterexample.
func TestBundledTaskAssignWithoutAgent(t *testing.T) {
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	// The task tracker as it first shipped: Assign's guard let a null
	// agent through (null equals only null) and the CSDL did not require
	// the parameter.
	spec := string(files["tasks/Task.ioa.toml"])
	fixed := `guard = "params.agent != null && params.agent != ''"`
	if !strings.Contains(spec, fixed) {
		t.Fatal("the bundled Task spec's Assign guard changed; update this test")
	}
	files["tasks/Task.ioa.toml"] = []byte(strings.Replace(spec, fixed, `guard = "params.agent != ''"`, 1))
	files["tasks/model.csdl.xml"] = []byte(strings.Replace(string(files["tasks/model.csdl.xml"]),
		`<Parameter Name="agent" Type="Edm.String" Nullable="false"/>`, `<Parameter Name="agent" Type="Edm.String"/>`, 1))
	r, err := proptest.Check(context.Background(), vtest.Load(t, files), proptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := firstError(t, r)
	if f.Invariant != "StartedTasksHaveAnAssignee" || len(f.Trace) != 3 || f.Trace[2].Action != "Assign" {
		t.Errorf("unexpected finding:\n%s", text(r))
	}
}

// TestShrinksToShortest: every broken property is reported with a trace
// as short as the shortest one, which a breadth-first search over the
// same abstraction finds here independently.
func TestShrinksToShortest(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		invariant string
		want      int // trace length: the create and the steps
		last      string
	}{
		{"counter", counterSpec, "AtMostTwo", 4, "Inc"},
		{"bool", vtest.Source(t, "switch-fires-unarmed"), "OnlyArmedFires", 2, "Fire"},
		{"string", vtest.Source(t, "account-renamed-root"), "NeverRoot", 2, "Rename"},
		{"list", vtest.Source(t, "bag-overfilled"), "AtMostTwoItems", 4, "Put"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := vtest.Inline(t, tc.src)
			if got := shortestTrace(t, b.TableList[0], tc.invariant); got != tc.want {
				t.Fatalf("reference search finds %d, test expects %d", got, tc.want)
			}
			r, err := proptest.Check(context.Background(), b, proptest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			f := firstError(t, r)
			if f.Kind != report.InvariantViolation || f.Invariant != tc.invariant {
				t.Fatalf("want %s:\n%s", tc.invariant, text(r))
			}
			if len(f.Trace) != tc.want || f.Trace[0].Action != "" || f.Trace[len(f.Trace)-1].Action != tc.last {
				t.Errorf("trace of %d steps, want %d ending with %s:\n%s", len(f.Trace), tc.want, tc.last, text(r))
			}
			if f.Seed == nil || *f.Seed != proptest.DefaultSeed || f.Action != tc.last {
				t.Errorf("finding %+v", f)
			}
		})
	}
}

func TestEveryBrokenInvariantReported(t *testing.T) {
	r, err := proptest.Check(context.Background(), vtest.Inline(t, twoInvariantsSpec), proptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, f := range r.Findings {
		got[f.Invariant] = len(f.Trace)
	}
	if want := map[string]int{"ALow": 3, "BLow": 5}; !reflect.DeepEqual(got, want) || r.Passed {
		t.Errorf("invariant → trace length %v, want %v:\n%s", got, want, text(r))
	}
}

// TestSeedReproduces: the same seed gives the same result; rapid's own
// flags are left as they were.
func TestSeedReproduces(t *testing.T) {
	before := flagValues()
	b := vtest.Inline(t, counterSpec)
	o := proptest.Options{Seed: 42, Checks: 50, MaxSteps: 30}
	a, err := proptest.Check(context.Background(), b, o)
	if err != nil {
		t.Fatal(err)
	}
	again, err := proptest.Check(context.Background(), b, o)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Findings, again.Findings) || a.Summary != again.Summary || a.Stats["steps"] != again.Stats["steps"] {
		t.Errorf("seed 42 gave two results:\n%s\n%s", text(a), text(again))
	}
	if !strings.Contains(a.Summary, "seed 42") || *firstError(t, a).Seed != 42 {
		t.Errorf("summary %q", a.Summary)
	}
	if after := flagValues(); !reflect.DeepEqual(before, after) {
		t.Errorf("rapid flags changed: %v → %v", before, after)
	}
}

func flagValues() map[string]string {
	m := map[string]string{}
	flag.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "rapid.") {
			m[f.Name] = f.Value.String()
		}
	})
	return m
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := proptest.Check(ctx, vtest.FixedApp(t, "tasks"), proptest.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := proptest.Check(context.Background(), nil, proptest.Options{}); !errors.Is(err, proptest.ErrNoBundle) {
		t.Errorf("err = %v, want ErrNoBundle", err)
	}
}

// shortestTrace is the reference: a breadth-first search over the domain
// (every initial state, every action and parameter set) for the first
// state that breaks the invariant, returned as a trace length (the create
// counts one).
func shortestTrace(t *testing.T, tb *specengine.Table, invariant string) int {
	t.Helper()
	idx := -1
	for i, inv := range tb.Invariants {
		if inv.Name == invariant {
			idx = i
		}
	}
	d := domain.New(tb, domain.Options{})
	var st specengine.Step
	frontier := d.Initials()
	seen := map[string]bool{}
	for depth := 1; depth < 20; depth++ {
		var next []specengine.State
		for i := range frontier {
			s := &frontier[i]
			if tb.CheckInvariants(&st, s) == idx {
				return depth
			}
			for a := range tb.Actions {
				for _, p := range d.ParamSets[a] {
					if tb.Apply(&st, s, a, p) != specengine.OK {
						continue
					}
					k := key(tb, &st.Next)
					if !seen[k] {
						seen[k] = true
						next = append(next, st.Next.Clone())
					}
				}
			}
		}
		frontier = next
	}
	t.Fatalf("%s is never broken", invariant)
	return 0
}

func key(tb *specengine.Table, s *specengine.State) string {
	parts := []string{tb.States[s.Status]}
	for _, v := range s.Vars {
		parts = append(parts, v.K.String()+":"+v.String())
	}
	return strings.Join(parts, "|")
}

func firstError(t *testing.T, r *report.Result) report.Finding {
	t.Helper()
	if r.Passed {
		t.Fatalf("want a failure:\n%s", text(r))
	}
	for _, f := range r.Findings {
		if f.Severity == report.Error {
			return f
		}
	}
	t.Fatalf("failed without an error finding:\n%s", text(r))
	return report.Finding{}
}

func text(r *report.Result) string {
	return (&report.Report{Levels: []*report.Result{r}}).Text()
}

func BenchmarkCheck(b *testing.B) {
	for _, name := range []string{"tasks", "knowledge"} {
		bundle := vtest.FixedApp(b, name)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				r, err := proptest.Check(context.Background(), bundle, proptest.Options{})
				if err != nil || !r.Passed {
					b.Fatal(err, r.Summary)
				}
			}
		})
	}
}

// TestOutsideGoTest runs L3 from an ordinary program (testdata/outside)
// with its own flags: rapid must work without the test runner.
func TestOutsideGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(gobin, "run", "./testdata/outside", "-seed", "5")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "200 checks × ≤50 steps per entity type (1 entity type), seed 5; 1 failure\ninvariant AtMostTwo violated after 3 steps: n <= 2\n"
	if string(out) != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}
