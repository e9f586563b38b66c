package specengine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
)

func loadApp(t testing.TB, name string) *specengine.Bundle {
	t.Helper()
	files, err := apps.Files(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return b
}

func TestSeedLoadsWithImplicitCallbacks(t *testing.T) {
	requireConformance(t)
	files := map[string][]byte{}
	for _, n := range []string{"Knowledge.ioa.toml", "model.csdl.xml"} {
		data, err := os.ReadFile(filepath.Join(conformance, "seed", n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = data
	}
	for _, withModel := range []bool{true, false} {
		in := map[string][]byte{"Knowledge.ioa.toml": files["Knowledge.ioa.toml"]}
		if withModel {
			in["model.csdl.xml"] = files["model.csdl.xml"]
		}
		b, err := specengine.Load(in)
		if err != nil {
			t.Fatalf("model=%v: %v", withModel, err)
		}
		k := b.Tables["Knowledge"]
		if k == nil {
			t.Fatal("no Knowledge table")
		}
		if b.DerivedModel == withModel {
			t.Errorf("DerivedModel = %v with model=%v", b.DerivedModel, withModel)
		}
		wantSet := "KnowledgeEntries"
		if !withModel {
			wantSet = "Knowledges"
		}
		if k.EntitySet != wantSet {
			t.Errorf("entity set %q, want %q", k.EntitySet, wantSet)
		}
		for _, cb := range []string{"IndexSucceeded", "IndexFailed"} {
			a, ok := k.Action(cb)
			if !ok || !a.Implicit {
				t.Errorf("%s is not an implicit callback action", cb)
			}
		}
		n := 0
		for _, w := range b.Warnings {
			if strings.Contains(w.Msg, "implicit callback") {
				n++
				if w.Pos.Line != 40 {
					t.Errorf("warning at %v, want line 40", w.Pos)
				}
			}
		}
		if n != 2 {
			t.Errorf("%d implicit-callback warnings, want 2", n)
		}
	}
}

// TestApplyOutcomes walks the task tracker through every outcome.
func TestApplyOutcomes(t *testing.T) {
	b := loadApp(t, "tasks")
	tt := b.Tables["Task"]
	act := func(name string) int {
		a, ok := tt.Action(name)
		if !ok {
			t.Fatalf("no action %s", name)
		}
		return a.Index
	}
	s, err := tt.New("t1", map[string]any{"title": "Review PR #42", "assignee": "agent-codereview"})
	if err != nil {
		t.Fatal(err)
	}
	var st specengine.Step
	steps := []struct {
		action string
		params map[string]any
		want   specengine.Outcome
		status string
	}{
		{"Complete", nil, specengine.WrongState, "Open"},
		{"Prioritize", map[string]any{"level": 9.0}, specengine.GuardFalse, "Open"},
		{"Prioritize", map[string]any{"level": 3.0}, specengine.OK, "Open"},
		{"Start", nil, specengine.OK, "InProgress"},
		{"Complete", nil, specengine.GuardFalse, "InProgress"},
		{"Review", nil, specengine.OK, "InProgress"},
		{"Block", map[string]any{"reason": "waiting on CI"}, specengine.OK, "Blocked"},
		{"Unblock", nil, specengine.OK, "InProgress"},
		{"Complete", nil, specengine.OK, "Done"},
		{"Cancel", nil, specengine.WrongState, "Done"},
	}
	for i, step := range steps {
		a := act(step.action)
		params, err := tt.Params(tt.Actions[a], step.params)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := tt.Apply(&st, &s, a, params)
		if got != step.want {
			t.Fatalf("step %d %s: outcome %v (%v), want %v", i, step.action, got, tt.Err(&st, &s, a), step.want)
		}
		if got == specengine.OK {
			if st.Next.Version != s.Version+1 {
				t.Errorf("version %d after %d", st.Next.Version, s.Version)
			}
			s = st.Next.Clone()
		}
		if tt.States[s.Status] != step.status {
			t.Fatalf("step %d: status %s, want %s", i, tt.States[s.Status], step.status)
		}
		if inv := tt.CheckInvariants(&st, &s); inv >= 0 {
			t.Fatalf("step %d: invariant %s violated", i, tt.Invariants[inv].Name)
		}
	}
	f := tt.Fields(&s)
	if f["priority"] != int64(3) || f["reason"] != "waiting on CI" || f["reviewed"] != true {
		t.Errorf("fields %v", f)
	}
	if got := tt.Apply(&st, &s, 99, nil); got != specengine.UnknownAction {
		t.Errorf("unknown action: %v", got)
	}
	var te *specengine.TransitionError
	if err := tt.Err(&st, &s, 99); !errors.As(err, &te) || te.Outcome != specengine.UnknownAction {
		t.Errorf("Err = %v", err)
	}
}

func TestApplyBadParamsAndFieldInvariant(t *testing.T) {
	b := loadApp(t, "tasks")
	tt := b.Tables["Task"]
	if _, err := tt.New("t", map[string]any{"assignee": "a"}); err == nil || !strings.Contains(err.Error(), "TitleRequired") {
		t.Errorf("create without title: %v", err)
	}
	for _, body := range []map[string]any{
		{"title": "x", "status": "Done"},
		{"title": "x", "priority": 3.0},
		{"title": "x", "nope": 1.0},
		{"title": 3.0},
	} {
		var fe *specengine.FieldError
		if _, err := tt.New("t", body); !errors.As(err, &fe) {
			t.Errorf("body %v: %v, want a FieldError", body, err)
		}
	}
	s, err := tt.New("t", map[string]any{"title": "x"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tt.Action("Assign")
	if _, err := tt.Params(a, map[string]any{"agent": 3.0}); err == nil {
		t.Error("Params accepted a number for a string")
	}
	if _, err := tt.Params(a, map[string]any{"who": "x"}); err == nil {
		t.Error("Params accepted an unknown parameter")
	}
	var st specengine.Step
	if got := tt.Apply(&st, &s, a.Index, []expr.Value{expr.IntVal(3)}); got != specengine.BadParams {
		t.Errorf("Apply with an int for a string: %v", got)
	}
	if got := tt.Apply(&st, &s, a.Index, []expr.Value{expr.StringVal("a"), expr.StringVal("b")}); got != specengine.BadParams {
		t.Errorf("Apply with too many params: %v", got)
	}
}

func TestApplyDoesNotAliasLists(t *testing.T) {
	files := map[string][]byte{"L.ioa.toml": []byte(`
[automaton]
name = "L"
states = ["A"]
initial = "A"
[[state]]
name = "tags"
type = "list"
initial = []
[[action]]
name = "Tag"
from = ["A"]
params = [{ name = "t", type = "string" }]
effect = ["append(tags, params.t)", "schedule('Tag', 5)"]
`)}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	tt := b.Tables["L"]
	s, _ := tt.New("l", nil)
	var st specengine.Step
	tt.Apply(&st, &s, 0, []expr.Value{expr.StringVal("a")})
	s1 := st.Next.Clone()
	tt.Apply(&st, &s1, 0, []expr.Value{expr.StringVal("b")})
	if len(s1.Vars[0].L) != 1 || len(st.Next.Vars[0].L) != 2 {
		t.Errorf("lists alias: %v then %v", s1.Vars[0], st.Next.Vars[0])
	}
	if len(st.Out) != 1 || st.Out[0].Kind != specengine.OutSchedule || st.Out[0].Seconds != 5 {
		t.Errorf("outgoing %+v", st.Out)
	}
}

func TestBundleErrors(t *testing.T) {
	spec := func(body string) string {
		return "[automaton]\nname = \"K\"\nstates = [\"A\", \"B\"]\ninitial = \"A\"\n" + body
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unknown state in from", map[string]string{"k.ioa.toml": spec("[[action]]\nname = \"Go\"\nfrom = [\"C\"]\nto = \"B\"\n")},
			"k.ioa.toml:7:10: action Go: from names unknown state \"C\""},
		{"bad guard", map[string]string{"k.ioa.toml": spec("[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nguard = \"x > 1\"\n")},
			"k.ioa.toml:8:10: guard of Go: unknown variable 'x'"},
		{"unknown initial", map[string]string{"k.ioa.toml": "[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"Z\"\n"},
			"k.ioa.toml:4:12: initial names unknown state \"Z\""},
		{"terminal left", map[string]string{"k.ioa.toml": spec("terminal = [\"B\"]\n[[action]]\nname = \"Back\"\nfrom = [\"B\"]\nto = \"A\"\n")},
			"action Back leaves terminal state B"},
		{"no entity type", map[string]string{"k.ioa.toml": spec(""), "m.csdl.xml": `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="Other"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType></Schema></edmx:DataServices></edmx:Edmx>`},
			"spec K binds to no EntityType named K"},
		{"trigger target", map[string]string{"k.ioa.toml": spec("[[action]]\nname = \"Go\"\nfrom = [\"A\"]\n[[action.triggers]]\nname = \"t\"\nkind = \"entity\"\ntarget_entity = \"Nope\"\ntarget_action = \"X\"\n")},
			"trigger \"t\" targets unknown entity type \"Nope\""},
		{"state timeout action", map[string]string{"k.ioa.toml": spec("[[state_timeout]]\nstate = \"A\"\nafter_seconds = 5\non_timeout = \"Nope\"\n")},
			"state_timeout on_timeout names unknown action \"Nope\""},
		{"unknown file", map[string]string{"x.txt": "hi"}, "x.txt: unknown file kind"},
		{"param type clash", map[string]string{"k.ioa.toml": spec("[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nparams = [{ name = \"n\", type = \"string\" }]\n"),
			"m.csdl.xml": `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="K"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType><Action Name="Go" IsBound="true"><Parameter Name="b" Type="N.K"/><Parameter Name="n" Type="Edm.Int32"/></Action></Schema></edmx:DataServices></edmx:Edmx>`},
			"parameter n of action Go is Edm.Int32 in the CSDL but string in the spec"},
		{"derived entity type", map[string]string{"k.ioa.toml": spec(""),
			"m.csdl.xml": `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="K"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType><EntityType Name="Special" BaseType="N.K"><Property Name="x" Type="Edm.String"/></EntityType></Schema></edmx:DataServices></edmx:Edmx>`},
			"entity type Special derives from K: derived entity types (BaseType) are not supported"},
		{"media entity", map[string]string{"k.ioa.toml": spec(""),
			"m.csdl.xml": `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="K" HasStream="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType></Schema></edmx:DataServices></edmx:Edmx>`},
			"media entities are not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range tc.files {
				files[k] = []byte(v)
			}
			_, err := specengine.Load(files)
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *diag.Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error\n%v\nwant it to contain\n%s", err, tc.want)
			}
		})
	}
}

func TestHashIsCanonical(t *testing.T) {
	a := map[string][]byte{"k.ioa.toml": []byte("[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"A\"\n")}
	b := map[string][]byte{"dir/k.ioa.toml": []byte("# comment\n[automaton]\ninitial   = \"A\"\n\nstates = [ \"A\" ]\nname = \"K\"\n")}
	c := map[string][]byte{"k.ioa.toml": []byte("[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"A\"\nterminal = [\"A\"]\n")}
	if specengine.Hash(a) != specengine.Hash(b) {
		t.Error("hash depends on whitespace, comments, key order or directory")
	}
	if specengine.Hash(a) == specengine.Hash(c) {
		t.Error("hash ignores a change")
	}
	if !strings.HasPrefix(specengine.Hash(a), "sha256:") {
		t.Error("hash is not labelled")
	}
}

// BenchmarkApply measures one transition evaluation of the task tracker
// (guard, effects, field invariant) with a reused Step.
func BenchmarkApply(b *testing.B) {
	bundle := loadApp(b, "tasks")
	tt := bundle.Tables["Task"]
	s, err := tt.New("t1", map[string]any{"title": "x", "assignee": "a"})
	if err != nil {
		b.Fatal(err)
	}
	start, _ := tt.Action("Start")
	reopen, _ := tt.Action("Reopen")
	var st specengine.Step
	if tt.Apply(&st, &s, start.Index, nil) != specengine.OK {
		b.Fatal("Start rejected")
	}
	inProgress := st.Next.Clone()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if tt.Apply(&st, &inProgress, reopen.Index, nil) != specengine.OK {
			b.Fatal("Reopen rejected")
		}
	}
}

// BenchmarkApplyGuardFalse measures a rejected action (the validator path).
func BenchmarkApplyGuardFalse(b *testing.B) {
	bundle := loadApp(b, "tasks")
	tt := bundle.Tables["Task"]
	s, _ := tt.New("t1", map[string]any{"title": "x"})
	start, _ := tt.Action("Start")
	var st specengine.Step
	b.ReportAllocs()
	for b.Loop() {
		if tt.Apply(&st, &s, start.Index, nil) != specengine.GuardFalse {
			b.Fatal("Start accepted without assignee")
		}
	}
}

func TestDerivedModelKeepsInferredParamTypes(t *testing.T) {
	b, err := specengine.Load(map[string][]byte{"C.ioa.toml": []byte(`
[automaton]
name = "C"
states = ["A"]
initial = "A"
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Add"
from = ["A"]
params = ["k"]
guard = "params.k > 0"
effect = ["n += params.k"]
`)})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := b.Tables["C"].Action("Add")
	if a.Params[0].Type != expr.TInt {
		t.Errorf("k typed %v, want int", a.Params[0].Type)
	}
	for _, ca := range b.Model.Schemas[0].Actions {
		if ca.Name == "Add" && ca.Parameters[1].Type != "Edm.Int64" {
			t.Errorf("derived CSDL types k as %s", ca.Parameters[1].Type)
		}
	}
}

func TestRequiredParams(t *testing.T) {
	tt := loadApp(t, "tasks").Tables["Task"]
	s, err := tt.New("t", map[string]any{"title": "x"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tt.Action("Prioritize") // level is Nullable="false" in the CSDL
	var st specengine.Step
	for _, params := range [][]expr.Value{nil, {{}}} {
		if got := tt.Apply(&st, &s, a.Index, params); got != specengine.BadParams {
			t.Errorf("Prioritize with %v: %v, want bad params", params, got)
		}
		if err := tt.Err(&st, &s, a.Index); err == nil || !strings.Contains(err.Error(), "level of Prioritize is required") {
			t.Errorf("message: %v", err)
		}
	}
}
