package ioa

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
)

const head = "[automaton]\nname = \"K\"\nstates = [\"A\", \"B\"]\ninitial = \"A\"\n"

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"unknown top table", head + "[[actoin]]\nname = \"x\"\n", "k.ioa.toml:5:1: unknown key 'actoin' in the spec (did you mean 'action'?)"},
		{"unknown action key", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\ngaurd = \"true\"\n", "k.ioa.toml:8:1: unknown key 'gaurd' in [[action]] (did you mean 'guard'?)"},
		{"unknown automaton key", "[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"A\"\nstate = 1\n", "k.ioa.toml:5:1: unknown key 'state' in [automaton] (did you mean 'states'?)"},
		{"missing automaton", "[[state]]\nname = \"x\"\ntype = \"bool\"\n", "k.ioa.toml:1:1: missing [automaton] table"},
		{"missing states", "[automaton]\nname = \"K\"\ninitial = \"A\"\n", "k.ioa.toml:1:1: [automaton] is missing required key 'states'"},
		{"duplicate state", "[automaton]\nname = \"K\"\nstates = [\"A\", \"A\"]\ninitial = \"A\"\n", "k.ioa.toml:3:17: state \"A\" is listed twice"},
		{"bad state name", "[automaton]\nname = \"K\"\nstates = [\"A B\"]\ninitial = \"A\"\n", "k.ioa.toml:3:12: state name \"A B\" must be a letter"},
		{"wrong type", head + "[[action]]\nname = \"Go\"\nfrom = 3\n", "k.ioa.toml:7:8: action.from must be an array of strings, found an integer"},
		{"bad var type", head + "[[state]]\nname = \"x\"\ntype = \"float\"\n", "k.ioa.toml:7:8: unknown variable type \"float\""},
		{"bad initial", head + "[[state]]\nname = \"n\"\ntype = \"counter\"\ninitial = \"abc\"\n", "k.ioa.toml:8:11: initial value of \"n\": \"abc\" is not an integer"},
		{"negative counter", head + "[[state]]\nname = \"n\"\ntype = \"counter\"\ninitial = -1\n", "a counter cannot be negative"},
		{"bad kind", head + "[[action]]\nname = \"Go\"\nkind = \"inbound\"\nfrom = [\"A\"]\n", "k.ioa.toml:7:8: action kind \"inbound\" must be input, internal or output"},
		{"missing from", head + "[[action]]\nname = \"Go\"\n", "k.ioa.toml:5:1: [[action]] \"Go\" is missing required key 'from'"},
		{"bad param", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nparams = [{ name = \"p\", type = \"blob\" }]\n", "unknown parameter type \"blob\""},
		{"dup param", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nparams = [\"p\", \"p\"]\n", "parameter \"p\" is declared twice"},
		{"trigger kind", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\n[[action.triggers]]\nname = \"t\"\nkind = \"email\"\n", "k.ioa.toml:10:8: trigger kind \"email\" must be entity or wasm"},
		{"trigger hook", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\n[[action.triggers]]\nname = \"t\"\nkind = \"hook\"\n", "unsupported: trigger kind \"hook\""},
		{"params and params_from", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\n[[action.triggers]]\nname = \"t\"\nkind = \"entity\"\ntarget_entity = \"X\"\ntarget_action = \"Y\"\nparams = { a = 1 }\nparams_from = { a = \"b\" }\n", "params and params_from both set \"a\""},
		{"resolve type", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\n[[action.triggers]]\nname = \"t\"\nkind = \"entity\"\ntarget_entity = \"X\"\ntarget_action = \"Y\"\nresolve_target = { type = \"nearest\" }\n", "resolve_target type \"nearest\" must be"},
		{"liveness needs", head + "[[liveness]]\nname = \"L\"\nfrom = [\"A\"]\n", "[[liveness]] \"L\" needs reaches = [...] or has_actions = true"},
		{"timeout seconds", head + "[[state_timeout]]\nstate = \"A\"\nafter_seconds = 0\non_timeout = \"Go\"\n", "after_seconds must be at least 1"},
		{"unsupported vector", head + "[[vector]]\nname = \"v\"\n", "k.ioa.toml:5:1: unsupported: the spec key 'vector'"},
		{"toml syntax", "[automaton\n", "k.ioa.toml:1:"},
		{"effect table", head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\neffect = [{ type = \"frobnicate\" }]\n", "unsupported: effect table type \"frobnicate\""},
		{"array table as table", head + "[action]\nname = \"Go\"\n", "[action] must be written [[action]]"},
		{"no further transitions needs when", head + "[[invariant]]\nname = \"I\"\nassert = \"no_further_transitions\"\n", "no_further_transitions needs when = [states]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("k.ioa.toml", []byte(tc.src))
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

func TestParseForms(t *testing.T) {
	t.Parallel()
	src := head + `terminal = ["B"]
[[state]]
name = "n"
type = "counter"
initial = "0"
[[state]]
name = "m"
type = "int"
initial = 7
[[state]]
name = "ok"
type = "bool"
initial = "true"
[[state]]
name = "tags"
type = "list"
initial = []
[[state]]
name = "body"
type = "string"
[[action]]
name = "Go"
from = ["A"]
to = "B"
guard = "is_true ok"
effect = "increment n"
params = ["x", { name = "y", type = "int" }]
hint = "go"
[[action]]
name = "Stay"
kind = "internal"
from = ["A"]
effect = [{ type = "set", var = "ok", value = false }, "append(tags, 'a')", { type = "schedule", action = "Go", delay_seconds = 5 }]
[[action]]
name = "Done"
kind = "output"
[[invariant]]
name = "I"
when = ["B"]
assert = "n > 0"
`
	s, err := Parse("k.ioa.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Vars[0].Initial; got == nil || got.K != expr.Int || got.N != 0 {
		t.Errorf("counter initial %v", got)
	}
	if got := s.Vars[1].Initial; got.N != 7 {
		t.Errorf("int initial %v", got)
	}
	if got := s.Vars[2].Initial; !got.Truth() {
		t.Errorf("bool initial %v", got)
	}
	if s.Vars[4].Initial != nil {
		t.Error("string without initial is not an input")
	}
	g := s.Actions[0]
	if g.Guard.Text != "ok" || g.Effects[0].Text != "n += 1" || g.To != "B" || g.Kind != KindInput {
		t.Errorf("action Go: %+v", g)
	}
	if len(g.Params) != 2 || g.Params[0].Type != expr.TAny || g.Params[1].Type != expr.TInt {
		t.Errorf("params %+v", g.Params)
	}
	st := s.Actions[1]
	want := []string{"ok = false", "append(tags, 'a')", "schedule('Go', 5)"}
	for i, w := range want {
		if st.Effects[i].Text != w {
			t.Errorf("effect %d = %q, want %q", i, st.Effects[i].Text, w)
		}
	}
	if st.To != "" || st.Kind != KindInternal {
		t.Errorf("self-loop: %+v", st)
	}
	if !s.Actions[2].Event {
		t.Error("output action without from is not an event")
	}
	if len(s.Warnings) < 3 {
		t.Errorf("early forms gave %d warnings: %v", len(s.Warnings), s.Warnings)
	}
	// The guard's position points inside the TOML string.
	if p := g.Guard.Pos; p.Line != 29 || p.Col != 10 {
		t.Errorf("guard at %v, want 29:10", p)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(head + "[[action]]\nname = \"Go\"\nfrom = [\"A\"]\nguard = \"true\"\n"))
	root := "../../../shared/conformance"
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".ioa.toml") {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.ioa.toml", data)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if s == nil {
			t.Fatal("nil spec without error")
		}
	})
}
