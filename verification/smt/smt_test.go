package smt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/internal/vtest"
	"github.com/temperhq/temper/verification/report"
)

// loadSpecs loads inline specs (derived CSDL model).
func loadSpecs(t testing.TB, specs ...string) *specengine.Bundle {
	t.Helper()
	files := map[string][]byte{}
	for _, s := range specs {
		name := "S"
		if i := strings.Index(s, `name = "`); i >= 0 {
			name = s[i+8:]
			name = name[:strings.IndexByte(name, '"')]
		}
		files[name+".ioa.toml"] = []byte(s)
	}
	return vtest.Load(t, files)
}

func check(t testing.TB, b *specengine.Bundle, opts Options) *report.Result {
	t.Helper()
	res, err := Check(context.Background(), b, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if res.Level != report.L0 {
		t.Fatalf("level = %s", res.Level)
	}
	return res
}

func TestBundledApps(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		load    func(testing.TB) *specengine.Bundle
		summary string
		// warnings expected, as kind/invariant/action
		warnings []string
	}{
		{
			name:    "seed",
			load:    vtest.Seed,
			summary: "5 guards satisfiable, 1 invariant inductive over 5 actions, 0 unreachable states",
		},
		{
			name:    "knowledge",
			load:    func(t testing.TB) *specengine.Bundle { return vtest.App(t, "knowledge") },
			summary: "5 guards satisfiable, 1 invariant inductive over 5 actions, 0 unreachable states",
		},
		{
			name:    "tasks",
			load:    func(t testing.TB) *specengine.Bundle { return vtest.App(t, "tasks") },
			summary: "9 guards satisfiable, 2 invariants inductive over 9 actions, 0 unreachable states",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := check(t, c.load(t), Options{})
			if !res.Passed || res.Errors() != 0 {
				t.Fatalf("L0 failed: %s\n%+v", res.Summary, res.Findings)
			}
			if res.Summary != c.summary {
				t.Errorf("summary = %q, want %q", res.Summary, c.summary)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Kind+"/"+f.Invariant+"/"+f.Action)
			}
			if strings.Join(got, ",") != strings.Join(c.warnings, ",") {
				t.Errorf("findings = %v, want %v", got, c.warnings)
			}
			if res.Stats["queries"] == 0 || res.Stats["unknown"] != 0 {
				t.Errorf("stats = %v", res.Stats)
			}
		})
	}
}

// The task tracker as it first shipped: Assign's guard params.agent != ”
// holds for a null agent (null equals only null), which clears the
// assignee of a started task. L0 reports it with a model that names the
// parameter and the next state, and Apply reproduces the step.
func TestTasksNullAgent(t *testing.T) {
	t.Parallel()
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	guard := regexp.MustCompile(`(?m)^guard = "params\.agent[^"\n]*"$`)
	spec := files["tasks/Task.ioa.toml"]
	if !guard.Match(spec) {
		t.Fatalf("Assign's guard not found in the tasks app")
	}
	files["tasks/Task.ioa.toml"] = guard.ReplaceAll(spec, []byte(`guard = "params.agent != ''"`))
	// With the CSDL's Nullable="false" the runtime refuses a null agent, so
	// make the parameter nullable, as it first shipped.
	model := string(files["tasks/model.csdl.xml"])
	files["tasks/model.csdl.xml"] = []byte(strings.Replace(model, `<Parameter Name="agent" Type="Edm.String" Nullable="false"/>`, `<Parameter Name="agent" Type="Edm.String"/>`, 1))
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	res := check(t, b, Options{})
	if !res.Passed || len(res.Findings) != 1 {
		t.Fatalf("%s\n%s", res.Summary, findingsText(res))
	}
	f := res.Findings[0]
	if f.Kind != report.NonInductive || f.Invariant != "StartedTasksHaveAnAssignee" || f.Action != "Assign" {
		t.Errorf("finding = %s %s %s", f.Kind, f.Invariant, f.Action)
	}
	if f.Model["params.agent"] != "null" || f.Model["next.assignee"] != "null" {
		t.Errorf("model = %v", f.Model)
	}
	if !strings.Contains(f.Msg, "Apply reproduces the step") {
		t.Errorf("message = %q", f.Msg)
	}
}

const head = `
[automaton]
name = "S"
states = ["A", "B", "C"]
initial = "A"
`

// want is one expected finding: kind, severity and the name it carries.
type want struct {
	kind     string
	severity report.Severity
	name     string // action, state or invariant
	model    map[string]string
	// check, if set, vets the model where it is not unique.
	check func(m map[string]string) bool
}

func TestFindings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		spec   string
		passed bool
		want   []want
	}{
		{
			name: "dead guard",
			spec: head + `
[[state]]
name = "n"
type = "int"
initial = 0
[[action]]
name = "Go"
from = ["A"]
to = "B"
guard = "n > 1 && n < 1"
[[action]]
name = "Skip"
from = ["A"]
to = "C"
[[action]]
name = "Back"
from = ["B", "C"]
to = "A"
`,
			want: []want{{kind: report.DeadAction, severity: report.Error, name: "Go"}, {kind: report.UnreachableState, severity: report.Error, name: "B"}},
		},
		{
			name: "unreachable state",
			spec: `
[automaton]
name = "S"
states = ["A", "B", "Orphan", "Done"]
initial = "A"
terminal = ["Done"]
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "Home"
from = ["Orphan"]
to = "A"
`,
			want: []want{{kind: report.UnreachableState, severity: report.Error, name: "Orphan"}, {kind: report.UnreachableState, severity: report.Error, name: "Done"}},
		},
		{
			name: "true but not inductive",
			spec: head + `
[[state]]
name = "x"
type = "int"
initial = 0
[[state]]
name = "y"
type = "int"
initial = 0
[[action]]
name = "Copy"
from = ["A"]
to = "B"
effect = "x = y"
[[action]]
name = "Back"
from = ["B"]
to = "C"
[[invariant]]
name = "XZero"
assert = "x == 0"
`,
			passed: true,
			want:   []want{{kind: report.NonInductive, severity: report.Warning, name: "XZero"}},
		},
		{
			name: "string invariant",
			spec: `
[automaton]
name = "S"
states = ["Draft", "Indexed"]
initial = "Draft"
[[state]]
name = "content"
type = "string"
[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"
guard = "content != ''"
[[action]]
name = "Edit"
from = ["Indexed"]
params = [{ name = "text", type = "string" }]
effect = "content = params.text"
[[invariant]]
name = "IndexRequiresContent"
when = ["Indexed"]
assert = "content != ''"
`,
			passed: true,
			want: []want{{kind: report.NonInductive, severity: report.Warning, name: "IndexRequiresContent", model: map[string]string{
				"params.text": "''", "next.content": "''", "status": "Indexed",
			}}},
		},
		{
			name: "string invariant kept by its guard",
			spec: `
[automaton]
name = "S"
states = ["Draft", "Indexed"]
initial = "Draft"
[[state]]
name = "content"
type = "string"
[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"
guard = "content != ''"
[[action]]
name = "Edit"
from = ["Indexed"]
params = [{ name = "text", type = "string" }]
guard = "params.text != ''"
effect = "content = params.text"
[[invariant]]
name = "IndexRequiresContent"
when = ["Indexed"]
assert = "content != ''"
`,
			passed: true,
		},
		{
			name: "initial state breaks an invariant",
			spec: head + `
[[state]]
name = "title"
type = "string"
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "Titled"
assert = "title != ''"
`,
			want: []want{{kind: report.InvariantViolation, severity: report.Error, name: "Titled", model: map[string]string{"title": "''"}}},
		},
		{
			name: "field invariant makes a guard dead",
			spec: head + `
[[state]]
name = "n"
type = "int"
[[action]]
name = "Go"
from = ["A"]
to = "B"
guard = "n == 7"
[[action]]
name = "Skip"
from = ["A"]
to = "C"
[[action]]
name = "Back"
from = ["C"]
to = "B"
[[field_invariant]]
name = "NotSeven"
assert = "n != 7"
`,
			passed: true,
			want:   []want{{kind: report.DeadAction, severity: report.Error, name: "Go"}},
		},
		{
			name: "counter stops at zero",
			spec: head + `
[[state]]
name = "c"
type = "counter"
initial = 0
[[action]]
name = "Dec"
from = ["A", "B", "C"]
params = [{ name = "k", type = "int" }]
effect = "c -= params.k"
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "NonNegative"
assert = "c >= 0"
`,
			passed: true,
		},
		{
			name: "int goes below zero",
			spec: head + `
[[state]]
name = "i"
type = "int"
initial = 0
[[action]]
name = "Dec"
from = ["A", "B", "C"]
effect = "i -= 5"
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "NonNegative"
assert = "i >= 0"
`,
			passed: true,
			want: []want{{kind: report.NonInductive, severity: report.Warning, name: "NonNegative", check: func(m map[string]string) bool {
				i, err1 := strconv.Atoi(m["i"])
				next, err2 := strconv.Atoi(m["next.i"])
				return err1 == nil && err2 == nil && i >= 0 && next == i-5 && next < 0
			}}},
		},
		{
			name: "+= on null gives a number",
			spec: head + `
[[state]]
name = "i"
type = "int"
[[action]]
name = "Inc"
from = ["A"]
to = "B"
effect = "i += 1"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "Counted"
when = ["B", "C"]
assert = "i != null"
`,
			passed: true,
		},
		{
			name: "assigning a null parameter",
			spec: head + `
[[state]]
name = "i"
type = "int"
initial = 0
[[action]]
name = "Set"
from = ["A"]
to = "B"
params = [{ name = "v", type = "int" }]
effect = "i = params.v"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "Set"
assert = "i != null"
`,
			passed: true,
			want:   []want{{kind: report.NonInductive, severity: report.Warning, name: "Set", model: map[string]string{"params.v": "null", "next.i": "null"}}},
		},
		{
			name: "append makes a list non-empty",
			spec: head + `
[[state]]
name = "l"
type = "list"
[[action]]
name = "Add"
from = ["A"]
to = "B"
params = [{ name = "t", type = "string" }]
guard = "params.t != null"
effect = "append(l, params.t)"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "Filled"
when = ["B", "C"]
assert = "!empty(l) && len(l) >= 1"
`,
			passed: true,
		},
		{
			name: "remove_at may drop a literal",
			spec: head + `
[[state]]
name = "l"
type = "list"
initial = ["a"]
[[action]]
name = "Drop"
from = ["A", "B"]
params = [{ name = "at", type = "int" }]
effect = "remove_at(l, params.at)"
[[action]]
name = "Add"
from = ["A", "B"]
effect = "append(l, 'a')"
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "On"
from = ["B"]
to = "C"
[[invariant]]
name = "HasA"
assert = "'a' in l"
`,
			passed: true,
			want: []want{{kind: report.NonInductive, severity: report.Warning, name: "HasA", check: func(m map[string]string) bool {
				return strings.Contains(m["l"], "'a'") && !strings.Contains(m["next.l"], "'a'") && m["params.at"] != "null"
			}}},
		},
		{
			name: "spawn stores a non-empty id",
			spec: head + `
[[state]]
name = "child"
type = "string"
[[action]]
name = "Fork"
from = ["A"]
to = "B"
params = [{ name = "id", type = "string" }]
effect = "spawn('S', 'Go', child, params.id)"
[[action]]
name = "Go"
from = ["B"]
to = "C"
[[invariant]]
name = "HasChild"
when = ["B", "C"]
assert = "child != null && child != ''"
`,
			passed: true,
		},
		{
			name: "terminal state and when",
			spec: `
[automaton]
name = "S"
states = ["Open", "Done"]
initial = "Open"
terminal = ["Done"]
[[state]]
name = "ok"
type = "bool"
initial = false
[[action]]
name = "Approve"
from = ["Open"]
effect = "ok = true"
[[action]]
name = "Finish"
from = ["Open"]
to = "Done"
guard = "ok"
[[action]]
name = "Note"
from = ["Open", "Done"]
[[invariant]]
name = "DoneIsOk"
when = ["Done"]
assert = "ok"
`,
			passed: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			res := check(t, loadSpecs(t, c.spec), Options{})
			passed := c.passed
			for _, w := range c.want {
				if w.severity == report.Error {
					passed = false
				}
			}
			if res.Passed != passed {
				t.Errorf("passed = %v, want %v (%s)", res.Passed, passed, res.Summary)
			}
			if len(res.Findings) != len(c.want) {
				t.Fatalf("findings: got %d, want %d:\n%s", len(res.Findings), len(c.want), findingsText(res))
			}
			for i, w := range c.want {
				f := res.Findings[i]
				name := f.Action
				switch w.kind {
				case report.UnreachableState:
					name = f.State
				case report.NonInductive, report.InvariantViolation:
					name = f.Invariant
				}
				if f.Kind != w.kind || f.Severity != w.severity || name != w.name {
					t.Errorf("finding %d = %s %s %s, want %s %s %s\n%s", i, f.Kind, f.Severity, name, w.kind, w.severity, w.name, f.Msg)
				}
				if w.check != nil && !w.check(f.Model) {
					t.Errorf("finding %d: model %v", i, f.Model)
				}
				for k, v := range w.model {
					if f.Model[k] != v {
						t.Errorf("finding %d: model[%s] = %q, want %q (model %v)", i, k, f.Model[k], v, f.Model)
					}
				}
				if f.Kind == report.NonInductive && !strings.Contains(f.Msg, "Apply reproduces") {
					t.Errorf("finding %d not replayed by Apply: %s", i, f.Msg)
				}
			}
		})
	}
}

func findingsText(r *report.Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(string(f.Severity) + " " + f.Kind + ": " + f.Msg + "\n")
	}
	return b.String()
}

// TestNullSemantics checks guards whose satisfiability hinges on the
// runtime's null rules (eval.go): null equals only null, ordering with null
// is false, empty() holds for null, ” and [], 'x' in list is false for a
// null x, len() counts bytes.
func TestNullSemantics(t *testing.T) {
	t.Parallel()
	cases := []struct {
		guard string
		dead  bool
	}{
		{"s != ''", false},
		{"s != '' && s == null", false},
		{"empty(s) && s != null && s != ''", true},
		{"len(s) > 0 && empty(s)", true},
		{"!(i >= 0 || i < 0)", false},
		{"!(i >= 0 || i < 0) && i != null", true},
		{"i == null && i != null", true},
		{"i != 3 && i == null", false},
		{"b == false && !b", false},
		{"!b && b != false && b != null", true},
		{"b && b == null", true},
		{"s in ['a', null] && s != 'a' && s != null", true},
		{"s in ['a', null] && s != 'a'", false},
		{"s not in ['a'] && s == null", false},
		{"'a' in l && empty(l)", true},
		{"'a' in l && 'b' in l && len(l) == 1", true},
		{"'a' in l && 'b' in l && len(l) == 2", false},
		{"len(l) == 0 && !empty(l)", true},
		{"l == null && len(l) == 0", false},
		{"l != null && empty(l)", false},
		{"params.t in l && len(l) == 0", true},
		{"params.t in l && params.t == null", true},
		{"params.t not in l && params.t == null", false},
		{"params.t in l && params.t != 'a' && params.t != 'b' && len(l) == 2 && 'a' in l && 'b' in l", true},
		{"len(s) == 2 && s == 'é'", false},
		{"len(s) == 1 && s == 'é'", true},
		{`s == 'it\'s' && len(s) == 4`, false},
		{`s == 'a"b\\c' && len(s) == 5`, false},
		{"c < 0", true},
		{"status == 'A' && status != 'A'", true},
		{"status == params.t && params.t == 'B'", true},
		{"status == params.t && params.t == 'A'", false},
		{"status in ['B', 'C']", true},
		{"status != null", false},
		{"status == null", true},
		{"params.f > 1 && params.f < 2", false},
		{"params.f > 1 && i == params.f && i < 2", true},
		{"params.f == 2 && i == params.f", false},
		{"T[ref].status == 'X'", false},
		{"T[ref].status == 'Z'", true},
		{"T[ref].status == null", false},
	}
	for _, c := range cases {
		t.Run(c.guard, func(t *testing.T) {
			t.Parallel()
			spec := head + `
[[state]]
name = "s"
type = "string"
[[state]]
name = "i"
type = "int"
[[state]]
name = "c"
type = "counter"
initial = 0
[[state]]
name = "b"
type = "bool"
[[state]]
name = "l"
type = "list"
[[state]]
name = "ref"
type = "string"
[[action]]
name = "G"
from = ["A"]
to = "B"
params = [{ name = "t", type = "string" }, { name = "f", type = "float" }]
guard = '''` + c.guard + `'''
[[action]]
name = "H"
from = ["A", "B"]
to = "C"
`
			other := `
[automaton]
name = "T"
states = ["X", "Y"]
initial = "X"
[[action]]
name = "Flip"
from = ["X"]
to = "Y"
`
			b := loadSpecs(t, spec, other)
			an, err := Analyze(context.Background(), b, b.Tables["S"], Options{})
			if err != nil {
				t.Fatal(err)
			}
			g, _ := an.Table.Action("G")
			if an.Dead(g.Index) != c.dead {
				t.Errorf("dead = %v, want %v (%v)", an.Dead(g.Index), c.dead, an.GuardSat[g.Index])
			}
		})
	}
}

// An rlimit too small to decide anything: every query is unknown, reported
// as such, nothing is counted as proved, and nothing fails.
func TestUnknownIsNotAPass(t *testing.T) {
	t.Parallel()
	res := check(t, vtest.App(t, "tasks"), Options{Rlimit: 1})
	if res.Stats["unknown"] == 0 {
		t.Fatalf("no unknown answers with rlimit 1: %v", res.Stats)
	}
	if !strings.Contains(res.Summary, "0 invariants inductive") || !strings.Contains(res.Summary, "queries unknown") {
		t.Errorf("summary = %q", res.Summary)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Kind == UnknownResult {
			n++
			if f.Severity != report.Warning || !strings.Contains(f.Msg, "rlimit 1") {
				t.Errorf("finding = %+v", f)
			}
		}
	}
	if n != int(res.Stats["unknown"]) {
		t.Errorf("%d unknown findings for %v unknown answers", n, res.Stats["unknown"])
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(ctx, vtest.App(t, "tasks"), Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestDumpDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	res := check(t, vtest.App(t, "tasks"), Options{DumpDir: dir})
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != int(res.Stats["queries"]) {
		t.Fatalf("%d files for %v queries", len(ents), res.Stats["queries"])
	}
	data, err := os.ReadFile(filepath.Join(dir, "Task.step.StartedTasksHaveAnAssignee.Assign.smt2"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "(check-sat)\n; result: unsat\n") {
		t.Errorf("dump ends with %q", string(data[len(data)-40:]))
	}
}
