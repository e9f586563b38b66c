package smt

import (
	"fmt"
	"strconv"
	"strings"
)

// The SMT-LIB2 text of a query is built here and is what Z3 parses: the
// dumped and golden files are the query itself, not a rendering of it.
// Terms are strings; the helpers fold the constants true and false so that
// literal-heavy encodings stay readable.

func and(xs ...string) string {
	var keep []string
	for _, x := range xs {
		switch x {
		case "true":
			continue
		case "false":
			return "false"
		}
		keep = append(keep, x)
	}
	switch len(keep) {
	case 0:
		return "true"
	case 1:
		return keep[0]
	}
	return "(and " + strings.Join(keep, " ") + ")"
}

func or(xs ...string) string {
	var keep []string
	for _, x := range xs {
		switch x {
		case "false":
			continue
		case "true":
			return "true"
		}
		keep = append(keep, x)
	}
	switch len(keep) {
	case 0:
		return "false"
	case 1:
		return keep[0]
	}
	return "(or " + strings.Join(keep, " ") + ")"
}

func not(x string) string {
	switch x {
	case "true":
		return "false"
	case "false":
		return "true"
	}
	if strings.HasPrefix(x, "(not ") && strings.HasSuffix(x, ")") && balanced(x[5:len(x)-1]) {
		return x[5 : len(x)-1]
	}
	return "(not " + x + ")"
}

// balanced reports whether s is one complete term, so that stripping a
// (not …) around it is safe.
func balanced(s string) bool {
	depth := 0
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			if c == '"' {
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		case ' ':
			if depth == 0 {
				return false
			}
		}
	}
	return depth == 0
}

func implies(a, b string) string {
	switch {
	case a == "true":
		return b
	case a == "false", b == "true":
		return "true"
	case b == "false":
		return not(a)
	}
	return "(=> " + a + " " + b + ")"
}

func ite(c, a, b string) string {
	switch {
	case c == "true", a == b:
		return a
	case c == "false":
		return b
	case a == "true" && b == "false":
		return c
	case a == "false" && b == "true":
		return not(c)
	}
	return "(ite " + c + " " + a + " " + b + ")"
}

func eq(a, b string) string {
	if a == b {
		return "true"
	}
	// Distinct literals of one sort are distinct values: intLit and strLit
	// render each value one way.
	if isLit(a) && isLit(b) {
		return "false"
	}
	return "(= " + a + " " + b + ")"
}

func isLit(t string) bool {
	switch {
	case t == "true" || t == "false":
		return true
	case len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"':
		return true
	case strings.HasPrefix(t, "(- ") && strings.HasSuffix(t, ")"):
		return isDigits(t[3 : len(t)-1])
	}
	return isDigits(t)
}

func app(op string, args ...string) string { return "(" + op + " " + strings.Join(args, " ") + ")" }

// intLit renders an integer in SMT-LIB (negative numbers are applications).
func intLit(n int64) string {
	if n < 0 {
		if n == -n { // math.MinInt64
			return "(- " + strconv.FormatUint(uint64(n), 10) + ")"
		}
		return "(- " + strconv.FormatInt(-n, 10) + ")"
	}
	return strconv.FormatInt(n, 10)
}

// realLit renders a float exactly as a decimal or a quotient.
func realLit(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	if strings.HasPrefix(s, "-") {
		return "(- " + s[1:] + ")"
	}
	return s
}

// strLit renders a Go string (bytes) as an SMT-LIB string literal: printable
// ASCII as is, every other byte, '"' and '\' as \u{XX}, so that Z3 (with
// unicode off) sees exactly the runtime's bytes.
func strLit(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, `\u{%x}`, c)
	}
	b.WriteByte('"')
	return b.String()
}

// query is one SMT-LIB2 query under construction.
type query struct {
	name   string // file stem: <Entity>.<check>[.<what>…]
	title  string // one line saying what a sat answer means
	body   strings.Builder
	consts []constDecl // declared constants, read back from a model
	sorts  map[string]bool
	names  map[string]bool
	aux    int
}

func newQuery(name, title string) *query {
	return &query{name: name, title: title, sorts: map[string]bool{}, names: map[string]bool{}}
}

func (q *query) comment(format string, args ...any) {
	for _, line := range strings.Split(fmt.Sprintf(format, args...), "\n") {
		q.body.WriteString("; " + line + "\n")
	}
}

func sortOf(s string) (sortKind, bool) {
	switch s {
	case "Bool":
		return sortBool, true
	case "Int":
		return sortInt, true
	case "Real":
		return sortReal, true
	case "String":
		return sortString, true
	}
	return 0, false
}

// declare declares a constant and returns its name.
func (q *query) declare(name, sort string) string {
	if q.names[name] {
		panic("smt: constant declared twice: " + name)
	}
	q.names[name] = true
	if _, ok := sortOf(sort); !ok && !q.sorts[sort] {
		q.sorts[sort] = true
		fmt.Fprintf(&q.body, "(declare-sort %s 0)\n", sort)
	}
	fmt.Fprintf(&q.body, "(declare-const %s %s)\n", name, sort)
	if k, ok := sortOf(sort); ok {
		q.consts = append(q.consts, constDecl{name: name, sort: k})
	}
	return name
}

// define names a term with define-fun (a macro: it keeps the text linear
// when effects build on each other) unless it is already atomic.
func (q *query) define(name, sort, t string) string {
	if atomic(t) {
		return t
	}
	if q.names[name] {
		panic("smt: name defined twice: " + name)
	}
	q.names[name] = true
	fmt.Fprintf(&q.body, "(define-fun %s () %s %s)\n", name, sort, t)
	return name
}

// fresh declares an auxiliary constant.
func (q *query) fresh(what, sort string) string { return q.declare(q.auxName(what), sort) }

// auxName is a new name for an auxiliary constant.
func (q *query) auxName(what string) string {
	q.aux++
	return fmt.Sprintf("aux%d.%s", q.aux, what)
}

func atomic(t string) bool {
	return !strings.HasPrefix(t, "(") || strings.HasPrefix(t, "(- ") && !strings.Contains(t[3:], " ")
}

func (q *query) assert(t string) {
	if t == "true" {
		return
	}
	fmt.Fprintf(&q.body, "(assert %s)\n", t)
}

// script is the query as a file: a header, the resource limit, the body
// and the commands that run it.
func (q *query) script(rlimit uint, result string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "; temper L0 (verification/smt): %s\n; %s\n", q.name, q.title)
	fmt.Fprintf(&b, "(set-option :rlimit %d)\n", rlimit)
	b.WriteString(q.body.String())
	b.WriteString("(check-sat)\n")
	if result != "" {
		fmt.Fprintf(&b, "; result: %s\n", result)
	}
	return b.String()
}
