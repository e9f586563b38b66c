package smt

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func newTestZ3(t *testing.T) *z3 {
	t.Helper()
	runtime.LockOSThread()
	z, err := newZ3()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		z.close()
		runtime.UnlockOSThread()
	})
	return z
}

// Z3's default error handler exits the process; the package's handler
// turns an error into a Go error and the context stays usable.
func TestZ3ErrorHandler(t *testing.T) {
	z := newTestZ3(t)
	i, err := z.mkConst("i", sortInt)
	if err != nil {
		t.Fatal(err)
	}
	defer i.release()
	b, err := z.mkConst("b", sortBool)
	if err != nil {
		t.Fatal(err)
	}
	defer b.release()
	_, err = z.mkEq(i, b)
	var ze *Z3Error
	if !errors.As(err, &ze) || !strings.Contains(ze.Msg, "Sorts Int and Bool are incompatible") {
		t.Fatalf("mkEq(Int, Bool) = %v, want a sort error", err)
	}

	// The same mistake in a query's text, with its position.
	_, err = z.solve("(declare-const x Int)\n(assert (= x true))", 1000, nil)
	if !errors.As(err, &ze) || !strings.Contains(ze.Msg, "line 2") || !strings.Contains(ze.Msg, "incompatible") {
		t.Fatalf("solve = %v, want a positioned sort error", err)
	}
	if _, err := z.solve("(assert (= y 1))", 1000, nil); err == nil || !strings.Contains(err.Error(), "unknown constant y") {
		t.Fatalf("solve = %v, want unknown constant", err)
	}

	// Still alive and usable.
	a, err := z.solve("(declare-const x Int)(assert (> x 41))(assert (< x 43))", 1000, []constDecl{{"x", sortInt}})
	if err != nil || a.status != sat || a.model["x"].n.Int64() != 42 {
		t.Fatalf("after errors: %+v, %v", a, err)
	}
}

// pigeonhole says n+1 pigeons fit in n holes: unsat, and hard for a SAT
// solver.
func pigeonhole(n int) string {
	var b strings.Builder
	for i := 0; i <= n; i++ {
		for j := 0; j < n; j++ {
			fmt.Fprintf(&b, "(declare-const p%d_%d Bool)\n", i, j)
		}
	}
	for i := 0; i <= n; i++ {
		b.WriteString("(assert (or")
		for j := 0; j < n; j++ {
			fmt.Fprintf(&b, " p%d_%d", i, j)
		}
		b.WriteString("))\n")
	}
	for j := 0; j < n; j++ {
		for i := 0; i <= n; i++ {
			for k := i + 1; k <= n; k++ {
				fmt.Fprintf(&b, "(assert (not (and p%d_%d p%d_%d)))\n", i, j, k, j)
			}
		}
	}
	return b.String()
}

// The resource limit makes a hard query unknown, never sat or unsat, after
// the same amount of work on any machine.
func TestRlimit(t *testing.T) {
	z := newTestZ3(t)
	hard := pigeonhole(9)
	a, err := z.solve(hard, 50000, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.status != unknown {
		t.Fatalf("answer = %v, want unknown", a.status)
	}
	b, err := z.solve(hard, 50000, nil)
	if err != nil || b.status != unknown || b.rlimit != a.rlimit {
		t.Fatalf("second run: %v used %d, first used %d (%v)", b.status, b.rlimit, a.rlimit, err)
	}
	c, err := z.solve(pigeonhole(3), 50000, nil)
	if err != nil || c.status != unsat {
		t.Fatalf("small pigeonhole: %v (%v)", c.status, err)
	}
}

// Strings reach Z3 as the runtime's bytes: quotes, backslashes, escapes
// written out, control bytes, UTF-8 (len counts bytes) and invalid UTF-8.
func TestStringLiterals(t *testing.T) {
	z := newTestZ3(t)
	for _, s := range []string{"", "plain", `it's "quoted"`, `back\slash`, `\u{41}`, "é", "‹other›", "\x00\n\t\x7f", "\xff\xfe"} {
		src := "(declare-const x String)(assert (= x " + strLit(s) + "))(assert (= (str.len x) " + intLit(int64(len(s))) + "))"
		a, err := z.solve(src, 100000, []constDecl{{"x", sortString}})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if a.status != sat || a.model["x"].s != s {
			t.Errorf("%q: %v, model %q", s, a.status, a.model["x"].s)
		}
	}
}

func TestTermFolding(t *testing.T) {
	cases := []struct{ got, want string }{
		{and("true", "a", "true"), "a"},
		{and("a", "false"), "false"},
		{or("false", "a", "b"), "(or a b)"},
		{not(not("(= a b)")), "(= a b)"},
		{not("(not a) b"), "(not (not a) b)"},
		{implies("a", "false"), "(not a)"},
		{ite("c", "true", "false"), "c"},
		{eq("1", "2"), "false"},
		{eq(`"a"`, `"a"`), "true"},
		{eq(`"a"`, `"b"`), "false"},
		{eq("(- 1)", "1"), "false"},
		{eq("x", "1"), "(= x 1)"},
		{intLit(-5), "(- 5)"},
		{realLit(0.5), "0.5"},
		{realLit(-2), "(- 2.0)"},
		{toReal(val{v: "(- 3)"}), "(- 3.0)"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("%d: got %s, want %s", i, c.got, c.want)
		}
	}
}

// interrupt, from another goroutine, stops a running check: that is how a
// cancelled context reaches Z3.
func TestInterrupt(t *testing.T) {
	z := newTestZ3(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(50 * time.Millisecond)
		z.interrupt()
	}()
	start := time.Now()
	a, err := z.solve(pigeonhole(12), 1<<31, nil)
	<-done
	if err != nil || a.status != unknown {
		t.Fatalf("answer = %v (%s), %v; want unknown", a.status, a.reason, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupt took %v", d)
	}
}
