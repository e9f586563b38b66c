package expr

import (
	"strings"
	"testing"
)

func testScope() *Scope {
	return &Scope{
		States: []string{"Draft", "Open", "Done"},
		Vars: []Var{
			{Name: "n", Type: TCounter, Slot: 0},
			{Name: "ok", Type: TBool, Slot: 1},
			{Name: "name", Type: TString, Slot: 2},
			{Name: "tags", Type: TList, Slot: 3},
			{Name: "i", Type: TInt, Slot: 4},
			{Name: "url", Type: TString, Slot: 5, Field: true},
		},
		Params:  []Param{{Name: "p", Type: TAny}, {Name: "k", Type: TInt}, {Name: "s", Type: TString}},
		Actions: []string{"Expire", "Open"},
	}
}

func frame() *Frame {
	return &Frame{
		Status: 1,
		Vars:   []Value{IntVal(2), BoolVal(true), StringVal("x"), ListVal([]string{"a", "b"}), IntVal(-3), {}},
		Params: []Value{{}, IntVal(5), StringVal("a")},
	}
}

func TestPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want bool
	}{
		{"ok", true},
		{"!ok", false},
		{"n > 1", true},
		{"n >= 3", false},
		{"n < 3 && ok", true},
		{"n == 2 || false", true},
		{"i < 0", true},
		{"i == -3", true},
		{"status == 'Open'", true},
		{"status != 'Open'", false},
		{"status in ['Draft', 'Done']", false},
		{"status not in ['Draft', 'Done']", true},
		{"status in ['Done'] => n > 100", true},
		{"status in ['Open'] => n > 100", false},
		{"ok => ok => n > 1", true},
		{"name == 'x'", true},
		{"name != ''", true},
		{"'a' in tags", true},
		{"'z' in tags", false},
		{"'z' not in tags", true},
		{"len(tags) == 2", true},
		{"empty(tags)", false},
		{"empty(url)", true},
		{"url == null", true},
		{"url != null", false},
		{"name in ['x', 'y']", true},
		{"n in [1, 2]", true},
		{"params.k > n", true},
		{"params.s in tags", true},
		{"params.p == null", true},
		{"(n > 1 || ok) && !(name == 'y')", true},
		{"!!ok", true},
		{"true", true},
		{"false || !true", false},
		{"name == 'it\\'s'", false},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			e, err := ParsePredicate(tc.src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			p, err := CompilePredicate(e, testScope())
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if got := p.Test(frame()); got != tc.want {
				t.Errorf("Test = %v, want %v", got, tc.want)
			}
			// Round trip: the formatted expression parses to the same text.
			e2, err := ParsePredicate(Format(e))
			if err != nil {
				t.Fatalf("reparse %q: %v", Format(e), err)
			}
			if Format(e2) != Format(e) {
				t.Errorf("round trip: %q != %q", Format(e2), Format(e))
			}
		})
	}
}

func TestPredicateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		off int
		msg string
	}{
		{"", 0, "empty expression"},
		{"n >", 3, "expected an operand, found end of input"},
		{"n = 1", 2, "unexpected '=' in a predicate (comparison is '==')"},
		{"n > 1 &", 6, "unexpected '&' (logical and is '&&')"},
		{"n | ok", 2, "unexpected '|' (logical or is '||')"},
		{`name == "x"`, 8, "strings use single quotes inside a spec expression: 'text'"},
		{"name == 'x", 8, "unterminated string (strings use single quotes: 'text')"},
		{"1 < n < 3", 6, "comparisons do not chain; join them with '&&'"},
		{"nn > 1", 0, "unknown variable 'nn' (did you mean 'n'?)"},
		{"status == 'Dnoe'", 10, "unknown state 'Dnoe' (did you mean 'Done'?)"},
		{"status in ['Open', 'Shut']", 19, "unknown state 'Shut' (known: Draft, Open, Done)"},
		{"n", 0, "n is a counter, not a condition; compare it (e.g. n > 0)"},
		{"name", 0, "name is a string, not a condition; compare it (e.g. name != '')"},
		{"n == 'x'", 2, "cannot compare n (counter) with 'x' (string)"},
		{"name < 'x'", 5, "< compares numbers, but name is a string"},
		{"ok > null", 3, "null can only be compared with == or !="},
		{"len(n) > 1", 4, "len() takes a list, but 'n' is a counter"},
		{"len(tags)", 0, "len(tags) is a number; compare it (e.g. len(tags) > 0)"},
		{"n in tags", 2, "list elements are strings, but n is a counter"},
		{"'a' in name", 7, "'name' is a string; 'in' needs a list or [...]"},
		{"n in [1, 'a']", 9, "n is a counter, but the list holds 'a'"},
		{"params.q", 0, "unknown parameter 'q' (did you mean 'p'?)"},
		{"foo(n)", 0, "unknown function 'foo' (predicates have len() and empty())"},
		{"a.b", 1, "unexpected '.' after 'a' (parameters are read as params.name)"},
		{"n > 1)", 5, "unexpected ')' after the expression"},
		{"(n > 1", 6, "expected ')', found end of input"},
		{"n in [n]", 6, "a list after 'in' holds literals only, found 'n'"},
		{"Ws[ref].state == 'x'", 8, "only .status of a related entity can be read, found '.state'"},
		{"99999999999999999999 > n", 0, "integer 99999999999999999999 out of range"},
		{"n > 1 $", 6, "unexpected character '$'"},
		{"12ab", 2, "unexpected 'a' after number"},
		{strings.Repeat("!", 70) + "ok", 63, "expression nests deeper than 64 levels"},
		{strings.Repeat("(", 70) + "ok" + strings.Repeat(")", 70), 64, "expression nests deeper than 64 levels"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			e, err := ParsePredicate(tc.src)
			if err == nil {
				_, err = CompilePredicate(e, testScope())
			}
			var ee *Error
			if err == nil {
				t.Fatalf("no error, want %q", tc.msg)
			}
			ee, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if ee.Msg != tc.msg || ee.Off != tc.off {
				t.Errorf("got %d %q, want %d %q", ee.Off, ee.Msg, tc.off, tc.msg)
			}
		})
	}
}

func TestInvariantScopeRefusesFields(t *testing.T) {
	sc := testScope()
	sc.NoFields, sc.What = true, "invariant"
	e, _ := ParsePredicate("url != ''")
	_, err := CompilePredicate(e, sc)
	if err == nil || !strings.Contains(err.Error(), "a invariant cannot read field 'url'") && !strings.Contains(err.Error(), "cannot read field 'url'") {
		t.Fatalf("got %v", err)
	}
}

func TestParamTypeBinding(t *testing.T) {
	sc := testScope()
	e, _ := ParsePredicate("params.p > 1")
	if _, err := CompilePredicate(e, sc); err != nil {
		t.Fatal(err)
	}
	if sc.Params[0].Type != TInt {
		t.Fatalf("params.p bound to %v, want int", sc.Params[0].Type)
	}
	e, _ = ParsePredicate("params.p == 'x'")
	if _, err := CompilePredicate(e, sc); err == nil || !strings.Contains(err.Error(), "cannot compare params.p (int) with 'x' (string)") {
		t.Fatalf("second use as string: %v", err)
	}
}

func TestEffects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src   string
		check func(f *Frame) bool
	}{
		{"n += 1", func(f *Frame) bool { return f.Vars[0].N == 3 }},
		{"n -= 5", func(f *Frame) bool { return f.Vars[0].N == 0 }}, // counters stop at 0
		{"i -= 5", func(f *Frame) bool { return f.Vars[4].N == -8 }},
		{"n = params.k", func(f *Frame) bool { return f.Vars[0].N == 5 }},
		{"n += params.k", func(f *Frame) bool { return f.Vars[0].N == 7 }},
		{"ok = false", func(f *Frame) bool { return !f.Vars[1].Truth() && f.Vars[1].K == Bool }},
		{"name = 'y'", func(f *Frame) bool { return f.Vars[2].S == "y" }},
		{"name = params.s", func(f *Frame) bool { return f.Vars[2].S == "a" }},
		{"name = null", func(f *Frame) bool { return f.Vars[2].IsNull() }},
		{"append(tags, 'c')", func(f *Frame) bool { return len(f.Vars[3].L) == 3 && f.Vars[3].L[2] == "c" }},
		{"append(tags, params.s)", func(f *Frame) bool { return len(f.Vars[3].L) == 3 && f.Vars[3].L[2] == "a" }},
		{"remove_at(tags, 0)", func(f *Frame) bool { return len(f.Vars[3].L) == 1 && f.Vars[3].L[0] == "b" }},
		{"remove_at(tags, 7)", func(f *Frame) bool { return len(f.Vars[3].L) == 2 }},
		{"schedule('Expire', 60)", func(f *Frame) bool { return f.Vars[0].N == 2 }},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			s, err := ParseEffect(tc.src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if s2, err := ParseEffect(s.Format()); err != nil || s2.Format() != s.Format() {
				t.Fatalf("round trip %q: %v", s.Format(), err)
			}
			e, err := CompileEffect(s, testScope())
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			f := frame()
			orig := f.Vars[3].L
			e.Exec(f)
			if !tc.check(f) {
				t.Errorf("unexpected frame %v", f.Vars)
			}
			if len(orig) != 2 || orig[0] != "a" || orig[1] != "b" {
				t.Errorf("list mutated in place: %v", orig)
			}
		})
	}
}

func TestEffectErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		off int
		msg string
	}{
		{"n == 1", 2, "an effect assigns with '=', not '=='"},
		{"n", 1, "expected '=', '+=', '-=' or '(' after 'n', found end of input"},
		{"1 = n", 0, "an effect starts with a variable or a call, found 1"},
		{"status = 'Done'", 0, "'status' cannot be assigned"},
		{"nn += 1", 0, "unknown state variable 'nn' (did you mean 'n'?)"},
		{"url = 'x'", 0, "'url' is an entity field; effects write state variables only"},
		{"ok += 1", 0, "'ok' is a bool; += and -= need a counter or int"},
		{"n = 'x'", 4, "'n' needs a counter, but 'x' is a string"},
		{"n = -1", 4, "counter 'n' cannot be negative"},
		{"append(n, 'x')", 7, "append() needs a list, but 'n' is a counter"},
		{"append(tags, 1)", 13, "append() needs a string, but 1 is a int"},
		{"remove_at(tags, 'x')", 16, "remove_at() needs a int, but 'x' is a string"},
		{"schedule('Expir', 5)", 0, "schedule() names unknown action 'Expir' (did you mean 'Expire'?)"},
		{"schedule('Expire', 0)", 19, "schedule() needs a delay of at least 1 second"},
		{"schedule_at('Expire', name)", 0, "schedule_at() is not supported: specs have no timestamp variables yet; use schedule('Expire', seconds)"},
		{"emit('x')", 0, "unknown effect 'emit' (effects are x = v, x += n, x -= n, append, remove_at, schedule, schedule_at, spawn)"},
		{"n += 1; ok = true", 6, "unexpected character ';'"},
		{"n += 1 ok", 7, "unexpected 'ok' after the effect (write one statement per list item)"},
		{"spawn('T', 'A', n)", 16, "spawn() stores the child id in a string variable, but 'n' is a counter"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			s, err := ParseEffect(tc.src)
			if err == nil {
				_, err = CompileEffect(s, testScope())
			}
			ee, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v, want %q", err, err, tc.msg)
			}
			if ee.Msg != tc.msg || ee.Off != tc.off {
				t.Errorf("got %d %q, want %d %q", ee.Off, ee.Msg, tc.off, tc.msg)
			}
		})
	}
}

func TestEarlyForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"increment replies", "replies += 1"},
		{"decrement item_count", "item_count -= 1"},
		{"set has_plan true", "has_plan = true"},
		{"set x false", "x = false"},
	} {
		if got, ok := EarlyEffect(tc.in); !ok || got != tc.want {
			t.Errorf("EarlyEffect(%q) = %q, %v", tc.in, got, ok)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"is_true planner_set", "planner_set"},
		{"is_false done", "!done"},
	} {
		if got, ok := EarlyPredicate(tc.in); !ok || got != tc.want {
			t.Errorf("EarlyPredicate(%q) = %q, %v", tc.in, got, ok)
		}
	}
	for _, s := range []string{"n += 1", "increment", "increment a b", "set x"} {
		if _, ok := EarlyEffect(s); ok {
			t.Errorf("EarlyEffect(%q) rewrote a non-early clause", s)
		}
	}
}

func FuzzParsePredicate(f *testing.F) {
	for _, s := range []string{"n > 1 && ok", "status in ['A', 'B'] => !empty(tags)", "'a' not in tags || params.k >= -3", "W[ref].status == 'x'", "((ok))", "len(tags) == 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParsePredicate(src)
		if err != nil {
			return
		}
		out := Format(e)
		e2, err := ParsePredicate(out)
		if err != nil {
			t.Fatalf("formatted %q of %q does not parse: %v", out, src, err)
		}
		if Format(e2) != out {
			t.Fatalf("round trip changed %q to %q", out, Format(e2))
		}
		if p, err := CompilePredicate(e, testScope()); err == nil {
			p.Test(frame())
		}
	})
}

func FuzzParseEffect(f *testing.F) {
	for _, s := range []string{"n += 1", "append(tags, params.s)", "remove_at(tags, 0)", "schedule('Expire', 60)", "spawn('T', 'A', name, 'id')", "name = 'x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := ParseEffect(src)
		if err != nil {
			return
		}
		out := s.Format()
		s2, err := ParseEffect(out)
		if err != nil || s2.Format() != out {
			t.Fatalf("round trip of %q: %q, %v", src, out, err)
		}
		if e, err := CompileEffect(s, testScope()); err == nil {
			e.Exec(frame())
		}
	})
}

func TestNullComparisonDoesNotTypeParams(t *testing.T) {
	sc := testScope()
	e, _ := ParsePredicate("params.p == null")
	if _, err := CompilePredicate(e, sc); err != nil {
		t.Fatal(err)
	}
	if sc.Params[0].Type != TAny {
		t.Errorf("params.p bound to %v by a null comparison", sc.Params[0].Type)
	}
}

func TestAddSaturates(t *testing.T) {
	for _, tc := range []struct {
		src  string
		from int64
		want int64
	}{
		{"i += 9", 9223372036854775800, 9223372036854775807},
		{"i -= 9", -9223372036854775800, -9223372036854775808},
		{"n += 1", 9223372036854775807, 9223372036854775807},
	} {
		s, err := ParseEffect(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		e, err := CompileEffect(s, testScope())
		if err != nil {
			t.Fatal(err)
		}
		f := frame()
		f.Vars[0], f.Vars[4] = IntVal(tc.from), IntVal(tc.from)
		e.Exec(f)
		got := f.Vars[4].N
		if s.Target == "n" {
			got = f.Vars[0].N
		}
		if got != tc.want {
			t.Errorf("%s from %d = %d, want %d", tc.src, tc.from, got, tc.want)
		}
	}
}
