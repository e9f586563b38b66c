package smt

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// The encoding mirrors specengine/expr/eval.go and Table.Apply, which are
// the semantics; every rule below names the evaluator it follows.
//
// Every value is a pair: a Bool "is null" and the value proper, which is
// pinned to a default ("", 0, false, the empty list) when null, so that
// len() and arithmetic on null read as the runtime does (len of null is 0,
// null += n is n). Lists are abstracted by their length and, for each
// string literal the spec tests with 'lit' in list, the number of
// occurrences of that literal; everything else about a list's content is
// unknown, which only ever adds behaviours (L0 over-approximates lists).

// val is the symbolic value of a variable, field, parameter or operand.
type val struct {
	typ  expr.Type   // TBool, TInt, TCounter, TString, TFloat, TList, TAny; TNull for the literal null
	null string      // Bool term: the value is null
	v    string      // the value (default when null); unused for lists and null
	len  string      // lists: the length
	cnt  []string    // lists: occurrences of each list key
	con  *expr.Value // the concrete value, for a literal or a fixed slot
}

func isNum(t expr.Type) bool { return t == expr.TInt || t == expr.TCounter || t == expr.TFloat }

// smtSort is the SMT sort of a value's v.
func smtSort(t expr.Type) string {
	switch t {
	case expr.TBool:
		return "Bool"
	case expr.TInt, expr.TCounter:
		return "Int"
	case expr.TString:
		return "String"
	case expr.TFloat:
		return "Real"
	}
	return "Any"
}

func defaultOf(t expr.Type) string {
	switch t {
	case expr.TBool:
		return "false"
	case expr.TInt, expr.TCounter:
		return "0"
	case expr.TString:
		return `""`
	case expr.TFloat:
		return "0.0"
	}
	return ""
}

// encodeError is an expression the encoder does not know; it is raised as a
// panic inside one query's construction and returned as an error.
type encodeError struct{ msg string }

func (e *encodeError) Error() string { return e.msg }

func fail(format string, args ...any) { panic(&encodeError{fmt.Sprintf(format, args...)}) }

// encoder builds the queries of one table.
type encoder struct {
	t    *specengine.Table
	rel  map[string][]string // entity type -> states, for Type[ref].status
	keys []string            // list keys: literals tested with 'lit' in list
	key  map[string]int
	// per query
	q    *query
	regs []reg
}

// reg records a declared value so that a model can be read back in the
// spec's terms.
type reg struct {
	key  string // display key: status, a slot name, params.x, next.x, Type[ref].status
	role role
	idx  int // slot or parameter index
	v    val
}

type role uint8

const (
	rolePre role = iota
	roleParam
	rolePost
	roleRel
)

func newEncoder(b *specengine.Bundle, t *specengine.Table) *encoder {
	e := &encoder{t: t, rel: map[string][]string{}, key: map[string]int{}}
	if b != nil {
		for _, o := range b.TableList {
			e.rel[o.Entity] = o.States
		}
	}
	var walk func(x expr.Expr)
	walk = func(x expr.Expr) {
		switch x := x.(type) {
		case *expr.Not:
			walk(x.X)
		case *expr.Binary:
			walk(x.L)
			walk(x.R)
		case *expr.In:
			if l, ok := x.X.(*expr.Lit); ok && x.Set != nil && l.Val.K == expr.String {
				if _, seen := e.key[l.Val.S]; !seen {
					e.key[l.Val.S] = 0
					e.keys = append(e.keys, l.Val.S)
				}
			}
		}
	}
	for _, a := range t.Actions {
		if a.GuardExpr != nil {
			walk(a.GuardExpr)
		}
	}
	for _, inv := range t.Invariants {
		walk(inv.Expr)
	}
	for _, inv := range t.FieldInvariants {
		walk(inv.Expr)
	}
	sort.Strings(e.keys)
	for i, k := range e.keys {
		e.key[k] = i
	}
	return e
}

func (e *encoder) begin(name, title string) *query {
	e.q = newQuery(name, title)
	e.regs = nil
	e.q.comment("entity %s; states: %s", e.t.Entity, e.stateLegend())
	if len(e.keys) > 0 {
		parts := make([]string, len(e.keys))
		for i, k := range e.keys {
			parts[i] = fmt.Sprintf("n%d=%s", i, expr.StringVal(k))
		}
		e.q.comment("list abstraction: <list>.len, and <list>.nK occurrences of %s", strings.Join(parts, " "))
	}
	return e.q
}

func (e *encoder) stateLegend() string {
	parts := make([]string, len(e.t.States))
	for i, s := range e.t.States {
		parts[i] = fmt.Sprintf("%d=%s", i, s)
	}
	return strings.Join(parts, " ")
}

// declareVal declares a free value of type t with its well-formedness:
// canonical default when null, counters non-negative, list counts within
// the length.
func (e *encoder) declareVal(name string, t expr.Type, nonNeg bool) val {
	q := e.q
	switch t {
	case expr.TNull:
		return nullLit()
	case expr.TList:
		v := val{typ: t}
		v.null = q.declare(name+".null", "Bool")
		v.len = q.declare(name+".len", "Int")
		sum := []string{}
		for i := range e.keys {
			c := q.declare(fmt.Sprintf("%s.n%d", name, i), "Int")
			v.cnt = append(v.cnt, c)
			sum = append(sum, c)
			q.assert(app(">=", c, "0"))
		}
		q.assert(app(">=", v.len, "0"))
		q.assert(implies(v.null, eq(v.len, "0")))
		if len(sum) > 0 {
			q.assert(app("<=", sumOf(sum), v.len))
		}
		return v
	}
	v := val{typ: t}
	v.v = q.declare(name, smtSort(t))
	v.null = q.declare(name+".null", "Bool")
	if d := defaultOf(t); d != "" {
		q.assert(implies(v.null, eq(v.v, d)))
	}
	if nonNeg {
		q.assert(app(">=", v.v, "0"))
	}
	return v
}

func sumOf(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return app("+", xs...)
}

func nullLit() val { return val{typ: expr.TNull, null: "true"} }

// nullOf is null as a value of type t (an assignment of null).
func (e *encoder) nullOf(t expr.Type) val {
	v := val{typ: t, null: "true", v: defaultOf(t)}
	if t == expr.TList {
		v.v = ""
		v.len = "0"
		for range e.keys {
			v.cnt = append(v.cnt, "0")
		}
	}
	return v
}

// lit is a literal value.
func (e *encoder) lit(x expr.Value) val {
	v := e.litTerms(x)
	v.con = &x
	return v
}

func (e *encoder) litTerms(x expr.Value) val {
	switch x.K {
	case expr.Null:
		return nullLit()
	case expr.Bool:
		return val{typ: expr.TBool, null: "false", v: fmt.Sprint(x.Truth())}
	case expr.Int:
		return val{typ: expr.TInt, null: "false", v: intLit(x.N)}
	case expr.Float:
		return val{typ: expr.TFloat, null: "false", v: realLit(x.F)}
	case expr.String:
		return val{typ: expr.TString, null: "false", v: strLit(x.S)}
	case expr.List:
		v := val{typ: expr.TList, null: "false", len: intLit(int64(len(x.L)))}
		for _, k := range e.keys {
			n := 0
			for _, s := range x.L {
				if s == k {
					n++
				}
			}
			v.cnt = append(v.cnt, intLit(int64(n)))
		}
		return v
	}
	fail("unknown literal kind %s", x.K)
	return val{}
}

// state is the symbolic entity: status and slots. Slots are declared when
// first read, so a query holds only what it needs.
type state struct {
	e      *encoder
	prefix string
	status string
	vals   []*val
	parent *state // a post-state reads unchanged slots from its pre-state
	// initial: unread slots with an initial value take it (the create).
	initial bool
	// fixed, when set, gives every slot a concrete value: the encoder then
	// evaluates one concrete frame the way Apply does (tests compare it
	// with Apply).
	fixed []expr.Value
	rel   map[string]val
}

func (e *encoder) newState(prefix string, initial bool) *state {
	st := &state{e: e, prefix: prefix, vals: make([]*val, len(e.t.Vars)), initial: initial, rel: map[string]val{}}
	st.status = e.q.declare(prefix+".status", "Int")
	e.regs = append(e.regs, reg{key: "status", role: rolePre, idx: -1, v: val{typ: expr.TInt, null: "false", v: st.status}})
	return st
}

func (st *state) post(status string) *state {
	return &state{e: st.e, prefix: "post", status: status, vals: make([]*val, len(st.vals)), parent: st, rel: map[string]val{}}
}

func (st *state) slot(i int) val {
	if st.vals[i] != nil {
		return *st.vals[i]
	}
	if st.parent != nil {
		return st.parent.slot(i)
	}
	e := st.e
	s := e.t.Vars[i]
	var v val
	if st.fixed != nil {
		v = e.convert(e.lit(st.fixed[i]), s.Type)
	} else if st.initial && s.Initial != nil {
		v = e.lit(*s.Initial)
		v.typ = s.Type
	} else {
		v = e.declareVal(st.prefix+"."+s.Name, s.Type, s.Type == expr.TCounter && !s.Field)
		e.regs = append(e.regs, reg{key: s.Name, role: rolePre, idx: i, v: v})
	}
	st.vals[i] = &v
	return v
}

func (st *state) set(i int, v val) {
	v.typ = st.e.t.Vars[i].Type
	st.vals[i] = &v
}

// relStatus is Type[ref].status: a fresh value per state (the related
// entity may change between two states), null or one of the type's states.
func (st *state) relStatus(typ, ref string) val {
	k := typ + "." + ref
	if v, ok := st.rel[k]; ok {
		return v
	}
	e := st.e
	if st.fixed != nil || st.parent != nil && st.parent.fixed != nil {
		// Apply resolves no related entity: the status reads null.
		return e.nullOf(expr.TString)
	}
	v := e.declareVal(st.prefix+".rel."+k, expr.TString, false)
	if states, ok := e.rel[typ]; ok {
		alts := []string{v.null}
		for _, s := range states {
			alts = append(alts, eq(v.v, strLit(s)))
		}
		e.q.assert(or(alts...))
	}
	key := typ + "[" + ref + "].status"
	if st.prefix == "post" {
		key = "next." + key
	}
	e.regs = append(e.regs, reg{key: key, role: roleRel, idx: -1, v: v})
	st.rel[k] = v
	return v
}

// frame is what an expression reads: a state and, in guards and effects,
// the action's parameters.
type frame struct {
	st     *state
	act    *specengine.Action
	params []*val
	fixed  []expr.Value // concrete parameters (with state.fixed)
}

func (e *encoder) newFrame(st *state, a *specengine.Action) *frame {
	f := &frame{st: st, act: a}
	if a != nil {
		f.params = make([]*val, len(a.Params))
	}
	return f
}

func (f *frame) param(i int) val {
	if f.params[i] != nil {
		return *f.params[i]
	}
	e := f.st.e
	p := f.act.Params[i]
	if f.fixed != nil || f.st.fixed != nil {
		var x expr.Value
		if i < len(f.fixed) {
			x = f.fixed[i]
		}
		v := e.convert(e.lit(x), p.Type)
		f.params[i] = &v
		return v
	}
	v := e.declareVal("params."+p.Name, p.Type, false)
	if p.Required && v.null != "" {
		// Apply refuses a missing required parameter.
		e.q.assert(app("not", v.null))
	}
	if p.Type != expr.TNull {
		e.regs = append(e.regs, reg{key: "params." + p.Name, role: roleParam, idx: i, v: v})
	}
	f.params[i] = &v
	return v
}

func (e *encoder) paramIndex(a *specengine.Action, name string) int {
	if a == nil {
		fail("params.%s read outside an action", name)
	}
	for i, p := range a.Params {
		if p.Name == name {
			return i
		}
	}
	fail("unknown parameter %s of %s", name, a.Name)
	return -1
}

func (e *encoder) slotIndex(name string) int {
	i, ok := e.t.SlotIndex(name)
	if !ok {
		fail("unknown variable %s", name)
	}
	return i
}

// operand follows the operand evaluators of eval.go (litO, slotO, paramO,
// lenO, statusO, relO).
func (e *encoder) operand(x expr.Expr, f *frame) val {
	switch x := x.(type) {
	case *expr.Lit:
		return e.lit(x.Val)
	case *expr.Name:
		if x.Name == "status" {
			return e.statusName(f.st.status)
		}
		return f.st.slot(e.slotIndex(x.Name))
	case *expr.ParamRef:
		return f.param(e.paramIndex(f.act, x.Name))
	case *expr.Call:
		if x.Fn != "len" {
			fail("%s is not a value", expr.Format(x))
		}
		v := f.st.slot(e.slotIndex(x.Arg.Name))
		switch v.typ {
		case expr.TString:
			return val{typ: expr.TInt, null: "false", v: app("str.len", v.v)}
		case expr.TList:
			return val{typ: expr.TInt, null: "false", v: v.len}
		}
		fail("len() of a %s", v.typ)
	case *expr.RelStatus:
		return f.st.relStatus(x.Type, x.Ref)
	}
	fail("%s is not a value", expr.Format(x))
	return val{}
}

// statusName is statusO: the state's name as a string, never null.
func (e *encoder) statusName(st string) val {
	n := len(e.t.States)
	t := strLit(e.t.States[n-1])
	for k := n - 2; k >= 0; k-- {
		t = ite(eq(st, intLit(int64(k))), strLit(e.t.States[k]), t)
	}
	return val{typ: expr.TString, null: "false", v: t}
}

func toReal(v val) string {
	switch {
	case v.typ == expr.TFloat:
		return v.v
	case isDigits(v.v):
		return v.v + ".0"
	case strings.HasPrefix(v.v, "(- ") && isDigits(v.v[3:len(v.v)-1]):
		return "(- " + v.v[3:len(v.v)-1] + ".0)"
	}
	return app("to_real", v.v)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// equal is Value.Equal over statically typed values: null equals only
// null; numbers compare by value (Int with Float too).
func (e *encoder) equal(a, b val) string {
	switch {
	case a.typ == expr.TNull && b.typ == expr.TNull:
		return "true"
	case a.typ == expr.TNull:
		return b.null
	case b.typ == expr.TNull:
		return a.null
	}
	var same string
	switch {
	case a.typ == expr.TList || b.typ == expr.TList:
		same = e.listEqual(a, b)
	case a.typ == expr.TFloat || b.typ == expr.TFloat:
		same = eq(toReal(a), toReal(b))
	default:
		same = eq(a.v, b.v)
	}
	return or(and(a.null, b.null), and(not(a.null), not(b.null), same))
}

// listEqual over-approximates element-wise equality of two non-null lists:
// equal lists agree on length and counts; two empty lists are equal.
func (e *encoder) listEqual(a, b val) string {
	if a.con != nil && b.con != nil {
		return fmt.Sprint(a.con.Equal(*b.con))
	}
	if a.len == b.len && strings.Join(a.cnt, " ") == strings.Join(b.cnt, " ") {
		return "true"
	}
	x := e.q.fresh("list-eq", "Bool")
	parts := []string{eq(a.len, b.len)}
	for i := range a.cnt {
		parts = append(parts, eq(a.cnt[i], b.cnt[i]))
	}
	e.q.assert(implies(x, and(parts...)))
	e.q.assert(implies(and(eq(a.len, "0"), eq(b.len, "0")), x))
	return x
}

// pred follows the predicate evaluators of eval.go and the way check.go
// compiles each form.
func (e *encoder) pred(x expr.Expr, f *frame) string {
	switch x := x.(type) {
	case *expr.Not:
		return not(e.pred(x.X, f))
	case *expr.Binary:
		switch x.Op {
		case expr.OpAnd:
			return and(e.pred(x.L, f), e.pred(x.R, f))
		case expr.OpOr:
			return or(e.pred(x.L, f), e.pred(x.R, f))
		case expr.OpImplies:
			return implies(e.pred(x.L, f), e.pred(x.R, f))
		}
		return e.compare(x, f)
	case *expr.In:
		return e.in(x, f)
	case *expr.Call:
		if x.Fn != "empty" {
			fail("%s is not a condition", expr.Format(x))
		}
		// emptyP: null, '' or [].
		v := f.st.slot(e.slotIndex(x.Arg.Name))
		switch v.typ {
		case expr.TString:
			return or(v.null, eq(v.v, `""`))
		case expr.TList:
			return or(v.null, eq(v.len, "0"))
		}
		return v.null
	case *expr.Lit:
		if x.Val.K != expr.Bool {
			fail("%s is not a condition", expr.Format(x))
		}
		return fmt.Sprint(x.Val.Truth())
	case *expr.Name, *expr.ParamRef:
		// truthP: true only for Bool true.
		v := e.operand(x, f)
		if v.typ == expr.TNull {
			return "false"
		}
		if v.typ != expr.TBool {
			fail("%s is a %s, not a condition", expr.Format(x), v.typ)
		}
		return and(not(v.null), v.v)
	}
	fail("%s is not a condition", expr.Format(x))
	return ""
}

// compare follows statusEqP, intCmpP, numCmpP and eqP: == and != are
// Value.Equal (null equals only null); ordering is false when either side
// is null.
func (e *encoder) compare(x *expr.Binary, f *frame) string {
	if n, ok := x.L.(*expr.Name); ok && n.Name == "status" && (x.Op == expr.OpEq || x.Op == expr.OpNe) {
		if l, ok := x.R.(*expr.Lit); ok && l.Val.K == expr.String {
			k, ok := e.t.StateIndex(l.Val.S)
			if !ok {
				fail("unknown state %s", l.Val.S)
			}
			p := eq(f.st.status, intLit(int64(k)))
			if x.Op == expr.OpNe {
				return not(p)
			}
			return p
		}
	}
	l, r := e.operand(x.L, f), e.operand(x.R, f)
	switch x.Op {
	case expr.OpEq:
		return e.equal(l, r)
	case expr.OpNe:
		return not(e.equal(l, r))
	}
	if l.typ == expr.TNull || r.typ == expr.TNull {
		return "false"
	}
	if !isNum(l.typ) || !isNum(r.typ) {
		fail("%s compares non-numbers", expr.Format(x))
	}
	a, b := l.v, r.v
	if l.typ == expr.TFloat || r.typ == expr.TFloat {
		a, b = toReal(l), toReal(r)
	}
	op := map[expr.Op]string{expr.OpLt: "<", expr.OpLe: "<=", expr.OpGt: ">", expr.OpGe: ">="}[x.Op]
	return and(not(l.null), not(r.null), app(op, a, b))
}

// in follows statusInP, inListP and inSetP.
func (e *encoder) in(x *expr.In, f *frame) string {
	var p string
	switch {
	case x.Set != nil:
		p = e.member(e.operand(x.X, f), x.X, f.st.slot(e.slotIndex(x.Set.Name)))
	case isStatus(x.X):
		var alts []string
		for _, it := range x.List {
			l := it.(*expr.Lit)
			k, ok := e.t.StateIndex(l.Val.S)
			if !ok {
				fail("unknown state %s", l.Val.S)
			}
			alts = append(alts, eq(f.st.status, intLit(int64(k))))
		}
		p = or(alts...)
	default:
		v := e.operand(x.X, f)
		var alts []string
		for _, it := range x.List {
			alts = append(alts, e.equal(v, e.operand(it, f)))
		}
		p = or(alts...)
	}
	if x.Neg {
		return not(p)
	}
	return p
}

func isStatus(x expr.Expr) bool {
	n, ok := x.(*expr.Name)
	return ok && n.Name == "status"
}

// member is inSetP: false unless x is a string (not null) and the list
// holds it. A literal key reads its count; any other string is in the list
// exactly when it equals a key the list holds, or the list has elements
// beyond its keys.
func (e *encoder) member(x val, src expr.Expr, l val) string {
	if x.typ != expr.TString {
		return "false"
	}
	if l.con != nil {
		// A concrete list: x is one of its elements.
		if x.con != nil {
			return fmt.Sprint(x.con.K == expr.String && slices.Contains(l.con.L, x.con.S))
		}
		var alts []string
		for _, s := range l.con.L {
			alts = append(alts, eq(x.v, strLit(s)))
		}
		return and(not(x.null), or(alts...))
	}
	if lit, ok := src.(*expr.Lit); ok {
		if i, ok := e.key[lit.Val.S]; ok && lit.Val.K == expr.String {
			return and(not(l.null), app(">=", l.cnt[i], "1"))
		}
	}
	b := e.q.fresh("member", "Bool")
	var notKey []string
	for i, k := range e.keys {
		isK := eq(x.v, strLit(k))
		e.q.assert(implies(isK, eq(b, app(">=", l.cnt[i], "1"))))
		notKey = append(notKey, not(isK))
	}
	beyond := app(">", l.len, sumOf(append([]string{"0"}, l.cnt...)))
	e.q.assert(implies(b, app(">=", l.len, "1")))
	e.q.assert(implies(and(append(notKey, b)...), beyond))
	return and(not(x.null), not(l.null), b)
}

// define names each part of v (a macro per part) so that effects building
// on each other keep the text linear.
func (e *encoder) define(name string, v val) val {
	q := e.q
	v.null = q.define(name+".null", "Bool", v.null)
	switch v.typ {
	case expr.TList:
		v.len = q.define(name+".len", "Int", v.len)
		for i := range v.cnt {
			v.cnt[i] = q.define(fmt.Sprintf("%s.n%d", name, i), "Int", v.cnt[i])
		}
	case expr.TNull:
	default:
		v.v = q.define(name, smtSort(v.typ), v.v)
	}
	return v
}

// convert is a value stored in a slot of type t: null takes the slot's
// type, integers become reals in a float slot.
func (e *encoder) convert(v val, t expr.Type) val {
	if v.typ == expr.TNull {
		return e.nullOf(t)
	}
	if t == expr.TFloat && v.typ != expr.TFloat {
		v.v = toReal(v)
	}
	v.typ = t
	return v
}

func iteVal(c string, a, b val) val {
	out := val{typ: a.typ, null: ite(c, a.null, b.null), v: ite(c, a.v, b.v), len: ite(c, a.len, b.len)}
	for i := range a.cnt {
		out.cnt = append(out.cnt, ite(c, a.cnt[i], b.cnt[i]))
	}
	return out
}

// exec is Effect.Exec (and Apply's handling of spawn) for statement i,
// writing into the post-state of f.
func (e *encoder) exec(s *expr.Stmt, i int, f *frame) {
	st := f.st
	name := func(target string) string { return fmt.Sprintf("eff%d.%s", i+1, target) }
	arg := func() val {
		if len(s.Args) == 0 {
			return nullLit()
		}
		return e.operand(s.Args[0], f)
	}
	switch s.Op {
	case expr.StAssign:
		j := e.slotIndex(s.Target)
		t := e.t.Vars[j].Type
		v := e.convert(arg(), t)
		if t == expr.TCounter {
			// A counter stops at 0 (an Int below 0 is stored as 0).
			v.v = ite(app("<", v.v, "0"), "0", v.v)
			v.con = nil
		}
		st.set(j, e.define(name(s.Target), v))
	case expr.StAdd, expr.StSub:
		j := e.slotIndex(s.Target)
		t := e.t.Vars[j].Type
		cur, d := st.slot(j), arg()
		if d.typ == expr.TNull {
			d = e.nullOf(t)
		}
		if cur.typ == expr.TFloat || d.typ == expr.TFloat {
			fail("float arithmetic on %s", s.Target)
		}
		op := "+"
		if s.Op == expr.StSub {
			op = "-"
		}
		// null reads as 0 on either side; the result is never null.
		n := app(op, cur.v, d.v)
		if t == expr.TCounter {
			n = ite(app("<", n, "0"), "0", n)
		}
		st.set(j, e.define(name(s.Target), val{typ: t, null: "false", v: n}))
	case expr.StAppend:
		j := e.slotIndex(s.Target)
		cur, a := st.slot(j), arg()
		if a.typ != expr.TString {
			return // appending null changes nothing
		}
		out := val{typ: expr.TList, null: and(cur.null, a.null), len: ite(a.null, cur.len, app("+", cur.len, "1"))}
		for k, key := range e.keys {
			out.cnt = append(out.cnt, ite(and(not(a.null), eq(a.v, strLit(key))), app("+", cur.cnt[k], "1"), cur.cnt[k]))
		}
		st.set(j, e.define(name(s.Target), out))
	case expr.StRemoveAt:
		j := e.slotIndex(s.Target)
		cur, a := st.slot(j), arg()
		if a.typ == expr.TNull {
			return // out of range: no-op
		}
		in := and(not(a.null), app("<=", "0", a.v), app("<", a.v, cur.len))
		out := val{typ: expr.TList, null: cur.null, len: ite(in, app("-", cur.len, "1"), cur.len)}
		if len(e.keys) > 0 {
			// Which element goes is not tracked: at most one key loses one
			// occurrence, or an element beyond the keys goes.
			var drops []string
			for k := range e.keys {
				c := e.q.declare(fmt.Sprintf("%s.n%d", name(s.Target), k), "Int")
				e.q.assert(implies(not(in), eq(c, cur.cnt[k])))
				e.q.assert(implies(in, and(app("<=", c, cur.cnt[k]), app(">=", c, app("-", cur.cnt[k], "1")), app(">=", c, "0"))))
				drops = append(drops, app("-", cur.cnt[k], c))
				out.cnt = append(out.cnt, c)
			}
			e.q.assert(app("<=", sumOf(drops), "1"))
			e.q.assert(app("<=", sumOf(out.cnt), out.len))
		}
		st.set(j, e.define(name(s.Target), out))
	case expr.StSpawn:
		if s.Target == "" {
			return
		}
		j := e.slotIndex(s.Target)
		// Apply: a missing or empty id is replaced by a generated one
		// (never empty).
		gen := e.q.fresh("spawn-id", "String")
		e.q.assert(not(eq(gen, `""`)))
		a := arg()
		v := gen
		if a.typ == expr.TString {
			v = ite(and(not(a.null), not(eq(a.v, `""`))), a.v, gen)
		}
		st.set(j, e.define(name(s.Target), val{typ: expr.TString, null: "false", v: v}))
	case expr.StSchedule, expr.StScheduleAt:
		// Work for the runtime; no state changes.
	default:
		fail("unknown effect %s", s.Format())
	}
}

// transition builds Apply's next state from f (pre-state and parameters):
// effects in order, then parameters merged into same-named fields, then the
// target status. It returns the post-state.
func (e *encoder) transition(a *specengine.Action, f *frame) *state {
	pre := f.st
	status := pre.status
	if a.To >= 0 {
		status = intLit(int64(a.To))
	}
	// Effects read the pre-state's status: Apply sets the frame's status
	// only after them.
	post := pre.post(pre.status)
	pf := &frame{st: post, act: a, params: f.params, fixed: f.fixed}
	for i, s := range a.Stmts {
		e.exec(s, i, pf)
	}
	post.status = status
	for i, p := range a.Params {
		j, ok := e.t.SlotIndex(p.Name)
		if !ok || !e.t.Vars[j].Field {
			continue
		}
		pv := pf.param(i)
		if pv.typ == expr.TNull {
			continue
		}
		cur := post.slot(j)
		ft := e.t.Vars[j].Type
		if pv.typ == expr.TFloat && ft != expr.TFloat {
			// A float parameter merged into an int field stores a Float
			// in an Int slot, which the evaluator reads inconsistently
			// (intCmpP reads 0); L0 treats the field as unknown.
			pv = e.declareVal(e.q.auxName("merge."+p.Name), ft, false)
		}
		post.set(j, e.define("merge."+p.Name, iteVal(pv.null, cur, e.convert(pv, ft))))
	}
	f.params = pf.params
	// Name the changed slots as post constants, for models.
	for j := range post.vals {
		if post.vals[j] == nil {
			continue
		}
		v := *post.vals[j]
		name := "post." + e.t.Vars[j].Name
		d := e.declareVal(name, v.typ, false)
		e.q.assert(eq(d.null, v.null))
		if v.typ == expr.TList {
			e.q.assert(eq(d.len, v.len))
			for k := range d.cnt {
				e.q.assert(eq(d.cnt[k], v.cnt[k]))
			}
		} else {
			e.q.assert(eq(d.v, v.v))
		}
		post.set(j, d)
		e.regs = append(e.regs, reg{key: "next." + e.t.Vars[j].Name, role: rolePost, idx: j, v: d})
	}
	return post
}

// holds is an invariant in a state: its predicate, where its when-states
// include the status.
func (e *encoder) holds(inv *specengine.Invariant, f *frame) string {
	p := e.pred(inv.Expr, f)
	if inv.When == nil {
		return p
	}
	return implies(e.statusIn(f.st.status, inv.When), p)
}

func (e *encoder) statusIn(st string, set []bool) string {
	var alts []string
	for k, in := range set {
		if in {
			alts = append(alts, eq(st, intLit(int64(k))))
		}
	}
	return or(alts...)
}

// fieldInvariants asserts the field invariants in a state: every state an
// entity can be in satisfies them (create and every action check them).
func (e *encoder) fieldInvariants(f *frame, what string) {
	for _, inv := range e.t.FieldInvariants {
		e.q.comment("field invariant %s (%s): %s", inv.Name, what, inv.Src)
		e.q.assert(e.holds(inv, &frame{st: f.st}))
	}
}
