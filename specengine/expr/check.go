package expr

import (
	"fmt"
	"strings"

	"github.com/temperhq/temper/specengine/diag"
)

// Var is a name a predicate may read: a state variable or an entity field.
type Var struct {
	Name  string
	Type  Type
	Slot  int  // index into Frame.Vars
	Field bool // an entity field (from the data model), not a state variable
}

// Param is an action parameter. An untyped parameter (TAny) takes the type
// of its first use; a second use as another type is an error.
type Param struct {
	Name string
	Type Type
	// Required parameters must be present and not null (CSDL
	// Nullable="false").
	Required bool
}

// Scope is what a predicate or effect may refer to.
type Scope struct {
	States   []string
	Vars     []Var
	Params   []Param  // the action's parameters; nil where params cannot be read
	Actions  []string // actions schedule() may name
	Entities []string // entity types spawn() and Type[ref].status may name; nil accepts any
	NoFields bool     // fields cannot be read (invariants: only tracked state)
	What     string   // "guard", "invariant", ...: used in messages
}

func (s *Scope) state(name string) int {
	for i, n := range s.States {
		if n == name {
			return i
		}
	}
	return -1
}

func (s *Scope) lookup(name string) *Var {
	for i := range s.Vars {
		if s.Vars[i].Name == name {
			return &s.Vars[i]
		}
	}
	return nil
}

func (s *Scope) param(name string) (int, *Param) {
	for i := range s.Params {
		if s.Params[i].Name == name {
			return i, &s.Params[i]
		}
	}
	return -1, nil
}

func (s *Scope) varNames() []string {
	out := make([]string, 0, len(s.Vars))
	for _, v := range s.Vars {
		if !(v.Field && s.NoFields) {
			out = append(out, v.Name)
		}
	}
	return out
}

func (s *Scope) paramNames() []string {
	out := make([]string, 0, len(s.Params))
	for _, p := range s.Params {
		out = append(out, p.Name)
	}
	return out
}

func errAt(off int, format string, args ...any) error {
	return &Error{Off: off, Msg: fmt.Sprintf(format, args...)}
}

func suggest(name string, cands []string) string {
	if n := diag.Nearest(name, cands); n != "" {
		return fmt.Sprintf(" (did you mean '%s'?)", n)
	}
	if len(cands) > 0 && len(cands) <= 8 {
		return " (known: " + strings.Join(cands, ", ") + ")"
	}
	return ""
}

// CompilePredicate type-checks e against sc and compiles it.
func CompilePredicate(e Expr, sc *Scope) (Pred, error) {
	c := &compiler{sc: sc}
	return c.pred(e)
}

type compiler struct{ sc *Scope }

func (c *compiler) pred(e Expr) (Pred, error) {
	switch e := e.(type) {
	case *Not:
		x, err := c.pred(e.X)
		if err != nil {
			return nil, err
		}
		return notP{x}, nil
	case *Binary:
		switch e.Op {
		case OpAnd, OpOr, OpImplies:
			l, err := c.pred(e.L)
			if err != nil {
				return nil, err
			}
			r, err := c.pred(e.R)
			if err != nil {
				return nil, err
			}
			switch e.Op {
			case OpAnd:
				return andP{l, r}, nil
			case OpOr:
				return orP{l, r}, nil
			}
			return impliesP{l, r}, nil
		}
		return c.compare(e)
	case *In:
		return c.in(e)
	case *Call:
		if e.Fn == "empty" {
			v, err := c.name(e.Arg)
			if err != nil {
				return nil, err
			}
			return emptyP{v.Slot}, nil
		}
		return nil, errAt(e.Off, "len(%s) is a number; compare it (e.g. len(%s) > 0)", e.Arg.Name, e.Arg.Name)
	case *Lit:
		if e.Val.K == Bool {
			return constP(e.Val.Truth()), nil
		}
		return nil, errAt(e.Off, "%s is not a condition", e.Val)
	case *Name, *ParamRef:
		o, t, err := c.operand(e)
		if err != nil {
			return nil, err
		}
		if t == TAny {
			c.bind(e, TBool)
			t = TBool
		}
		if t != TBool {
			return nil, errAt(e.Offset(), "%s is a %s, not a condition; compare it (e.g. %s)", Format(e), t, example(Format(e), t))
		}
		return truthP{o}, nil
	case *RelStatus:
		return nil, errAt(e.Off, "%s is a status, not a condition; compare it (e.g. %s == 'Active')", Format(e), Format(e))
	}
	return nil, errAt(e.Offset(), "unexpected expression")
}

func example(s string, t Type) string {
	switch t {
	case TInt, TCounter, TFloat:
		return s + " > 0"
	case TString:
		return s + " != ''"
	case TList:
		return "len(" + s + ") > 0"
	}
	return s + " == true"
}

// bind fixes the type of an untyped parameter.
func (c *compiler) bind(e Expr, t Type) {
	if p, ok := e.(*ParamRef); ok {
		if _, prm := c.sc.param(p.Name); prm != nil && prm.Type == TAny {
			prm.Type = t
		}
	}
}

func (c *compiler) name(n *Name) (*Var, error) {
	v := c.sc.lookup(n.Name)
	if v == nil || (v.Field && c.sc.NoFields) {
		if v != nil {
			return nil, errAt(n.Off, "%s cannot read field '%s': only status and state variables are tracked (state it as a [[field_invariant]])", c.what(), n.Name)
		}
		return nil, errAt(n.Off, "unknown variable '%s'%s", n.Name, suggest(n.Name, c.sc.varNames()))
	}
	return v, nil
}

func (c *compiler) what() string {
	if c.sc.What == "" {
		return "an expression"
	}
	return "a " + c.sc.What
}

// operand compiles a value-producing expression.
func (c *compiler) operand(e Expr) (operand, Type, error) {
	switch e := e.(type) {
	case *Lit:
		switch e.Val.K {
		case Null:
			return litO{e.Val}, TNull, nil
		case Bool:
			return litO{e.Val}, TBool, nil
		case Int:
			return litO{e.Val}, TInt, nil
		case String:
			return litO{e.Val}, TString, nil
		}
	case *Name:
		if e.Name == "status" {
			return statusO{c.sc.States}, TString, nil
		}
		v, err := c.name(e)
		if err != nil {
			return nil, 0, err
		}
		return slotO(v.Slot), v.Type, nil
	case *ParamRef:
		if c.sc.Params == nil {
			return nil, 0, errAt(e.Off, "%s cannot read action parameters", c.what())
		}
		i, p := c.sc.param(e.Name)
		if p == nil {
			return nil, 0, errAt(e.Off, "unknown parameter '%s'%s", e.Name, suggest(e.Name, c.sc.paramNames()))
		}
		return paramO(i), p.Type, nil
	case *Call:
		v, err := c.name(e.Arg)
		if err != nil {
			return nil, 0, err
		}
		if e.Fn == "len" {
			if v.Type != TList && v.Type != TString {
				return nil, 0, errAt(e.Arg.Off, "len() takes a list, but '%s' is a %s", v.Name, v.Type)
			}
			return lenO(v.Slot), TInt, nil
		}
		return nil, 0, errAt(e.Off, "empty(%s) is a condition, not a value", v.Name)
	case *RelStatus:
		if c.sc.Entities != nil && !contains(c.sc.Entities, e.Type) {
			return nil, 0, errAt(e.Off, "unknown entity type '%s'%s", e.Type, suggest(e.Type, c.sc.Entities))
		}
		v := c.sc.lookup(e.Ref)
		if v == nil {
			return nil, 0, errAt(e.Off+len(e.Type)+1, "unknown reference field '%s'%s", e.Ref, suggest(e.Ref, c.sc.varNames()))
		}
		return relO{typ: e.Type, slot: v.Slot}, TString, nil
	}
	return nil, 0, errAt(e.Offset(), "%s is a condition, not a value", Format(e))
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// unify checks that two operand types can be compared with op, binding an
// untyped parameter to the other side's type.
func (c *compiler) unify(e *Binary, lt, rt Type) (Type, error) {
	if lt == TAny && rt == TAny {
		return 0, errAt(e.Off, "cannot tell the type of %s: compare a parameter with a typed value", Format(e))
	}
	// Comparing with null says nothing about a parameter's type.
	if lt == TAny && rt != TNull {
		c.bind(e.L, base(rt))
		lt = base(rt)
	}
	if rt == TAny && lt != TNull {
		c.bind(e.R, base(lt))
		rt = base(lt)
	}
	if lt == TAny || rt == TAny {
		if e.Op != OpEq && e.Op != OpNe {
			return 0, errAt(e.Off, "null can only be compared with == or !=")
		}
		return TNull, nil
	}
	ordered := e.Op == OpLt || e.Op == OpLe || e.Op == OpGt || e.Op == OpGe
	if lt == TNull || rt == TNull {
		if ordered {
			return 0, errAt(e.Off, "null can only be compared with == or !=")
		}
		return TNull, nil
	}
	num := func(t Type) bool { return t.numeric() || t == TFloat }
	switch {
	case num(lt) && num(rt):
		if lt == TFloat || rt == TFloat {
			return TFloat, nil
		}
		return TInt, nil
	case lt != base(rt) && base(lt) != rt:
		return 0, errAt(e.Off, "cannot compare %s (%s) with %s (%s)", Format(e.L), lt, Format(e.R), rt)
	case ordered:
		return 0, errAt(e.Off, "%s compares numbers, but %s is a %s", e.Op, Format(e.L), lt)
	}
	return lt, nil
}

func base(t Type) Type {
	if t == TCounter {
		return TInt
	}
	return t
}

func (c *compiler) compare(e *Binary) (Pred, error) {
	// status == 'State' compiles to an index comparison and checks the name.
	if n, ok := e.L.(*Name); ok && n.Name == "status" && (e.Op == OpEq || e.Op == OpNe) {
		if l, ok := e.R.(*Lit); ok && l.Val.K == String {
			i := c.sc.state(l.Val.S)
			if i < 0 {
				return nil, errAt(l.Off, "unknown state '%s'%s", l.Val.S, suggest(l.Val.S, c.sc.States))
			}
			return statusEqP{idx: i, neg: e.Op == OpNe}, nil
		}
	}
	l, lt, err := c.operand(e.L)
	if err != nil {
		return nil, err
	}
	r, rt, err := c.operand(e.R)
	if err != nil {
		return nil, err
	}
	t, err := c.unify(e, lt, rt)
	if err != nil {
		return nil, err
	}
	if t == TInt {
		return intCmpP{op: e.Op, l: l, r: r}, nil
	}
	if t == TFloat {
		return numCmpP{op: e.Op, l: l, r: r}, nil
	}
	return eqP{l: l, r: r, neg: e.Op == OpNe}, nil
}

func (c *compiler) in(e *In) (Pred, error) {
	if e.Set != nil {
		v, err := c.name(e.Set)
		if err != nil {
			return nil, err
		}
		if v.Type != TList {
			return nil, errAt(e.Set.Off, "'%s' is a %s; 'in' needs a list or [...]", v.Name, v.Type)
		}
		x, xt, err := c.operand(e.X)
		if err != nil {
			return nil, err
		}
		if xt == TAny {
			c.bind(e.X, TString)
			xt = TString
		}
		if xt != TString {
			return nil, errAt(e.Off, "list elements are strings, but %s is a %s", Format(e.X), xt)
		}
		return inSetP{x: x, slot: v.Slot, neg: e.Neg}, nil
	}
	if n, ok := e.X.(*Name); ok && n.Name == "status" {
		var mask uint64
		var big []bool
		if len(c.sc.States) > 64 {
			big = make([]bool, len(c.sc.States))
		}
		for _, it := range e.List {
			l := it.(*Lit)
			if l.Val.K != String {
				return nil, errAt(l.Off, "status is compared with state names, found %s", l.Val)
			}
			i := c.sc.state(l.Val.S)
			if i < 0 {
				return nil, errAt(l.Off, "unknown state '%s'%s", l.Val.S, suggest(l.Val.S, c.sc.States))
			}
			if big != nil {
				big[i] = true
			} else {
				mask |= 1 << uint(i)
			}
		}
		return statusInP{mask: mask, big: big, neg: e.Neg}, nil
	}
	x, xt, err := c.operand(e.X)
	if err != nil {
		return nil, err
	}
	lits := make([]Value, len(e.List))
	for i, it := range e.List {
		l := it.(*Lit)
		lt := map[Kind]Type{Null: TNull, Bool: TBool, Int: TInt, String: TString}[l.Val.K]
		if xt == TAny {
			c.bind(e.X, lt)
			xt = lt
		}
		if lt != TNull && base(xt) != lt && !(xt == TFloat && lt == TInt) {
			return nil, errAt(l.Off, "%s is a %s, but the list holds %s", Format(e.X), xt, l.Val)
		}
		lits[i] = l.Val
	}
	return inListP{x: x, lits: lits, neg: e.Neg}, nil
}

// CompileEffect type-checks a statement against sc and compiles it.
// Effects write state variables only; fields change through create bodies,
// parameters and updates.
func CompileEffect(s *Stmt, sc *Scope) (*Effect, error) {
	c := &compiler{sc: sc}
	ef := &Effect{Kind: s.Op, Slot: -1, Action: s.Action, Entity: s.Entity, Src: s.Format()}
	target := func() (*Var, error) {
		v := sc.lookup(s.Target)
		if v != nil && v.Field && s.Op == StSpawn {
			// spawn stores the child's id, which may be a data-model
			// reference field.
			ef.Slot = v.Slot
			return v, nil
		}
		if v == nil || v.Field {
			var cands []string
			for _, v := range sc.Vars {
				if !v.Field {
					cands = append(cands, v.Name)
				}
			}
			if v != nil {
				return nil, errAt(s.TargetOff, "'%s' is an entity field; effects write state variables only", s.Target)
			}
			return nil, errAt(s.TargetOff, "unknown state variable '%s'%s", s.Target, suggest(s.Target, cands))
		}
		ef.Slot = v.Slot
		return v, nil
	}
	arg := func(i int, want Type, what string) error {
		o, t, err := c.operand(s.Args[i])
		if err != nil {
			return err
		}
		if t == TAny {
			c.bind(s.Args[i], base(want))
			t = base(want)
		}
		ok := base(t) == base(want) || t == TNull && want != TCounter || want == TFloat && t.numeric()
		if !ok {
			return errAt(s.Args[i].Offset(), "%s needs a %s, but %s is a %s", what, want, Format(s.Args[i]), t)
		}
		ef.arg = o
		return nil
	}
	switch s.Op {
	case StAssign:
		v, err := target()
		if err != nil {
			return nil, err
		}
		if err := arg(0, v.Type, "'"+v.Name+"'"); err != nil {
			return nil, err
		}
		if l, ok := s.Args[0].(*Lit); ok && v.Type == TCounter && l.Val.K == Int && l.Val.N < 0 {
			return nil, errAt(l.Off, "counter '%s' cannot be negative", v.Name)
		}
		ef.Counter = v.Type == TCounter
	case StAdd, StSub:
		v, err := target()
		if err != nil {
			return nil, err
		}
		if !v.Type.numeric() && v.Type != TFloat {
			return nil, errAt(s.TargetOff, "'%s' is a %s; += and -= need a counter or int", v.Name, v.Type)
		}
		if err := arg(0, base(v.Type), "'"+v.Name+"'"); err != nil {
			return nil, err
		}
		ef.Counter = v.Type == TCounter
	case StAppend:
		v, err := target()
		if err != nil {
			return nil, err
		}
		if v.Type != TList {
			return nil, errAt(s.TargetOff, "append() needs a list, but '%s' is a %s", v.Name, v.Type)
		}
		if err := arg(0, TString, "append()"); err != nil {
			return nil, err
		}
	case StRemoveAt:
		v, err := target()
		if err != nil {
			return nil, err
		}
		if v.Type != TList {
			return nil, errAt(s.TargetOff, "remove_at() needs a list, but '%s' is a %s", v.Name, v.Type)
		}
		if err := arg(0, TInt, "remove_at()"); err != nil {
			return nil, err
		}
	case StSchedule:
		if !contains(sc.Actions, s.Action) {
			return nil, errAt(s.Off, "schedule() names unknown action '%s'%s", s.Action, suggest(s.Action, sc.Actions))
		}
		if err := arg(0, TInt, "schedule()"); err != nil {
			return nil, err
		}
		if l, ok := s.Args[0].(*Lit); ok && l.Val.N <= 0 {
			return nil, errAt(l.Off, "schedule() needs a delay of at least 1 second")
		}
	case StScheduleAt:
		return nil, errAt(s.Off, "schedule_at() is not supported: specs have no timestamp variables yet; use schedule('%s', seconds)", s.Action)
	case StSpawn:
		if sc.Entities != nil && !contains(sc.Entities, s.Entity) {
			return nil, errAt(s.Off, "spawn() names unknown entity type '%s'%s", s.Entity, suggest(s.Entity, sc.Entities))
		}
		if s.Target != "" {
			v, err := target()
			if err != nil {
				return nil, err
			}
			if v.Type != TString {
				return nil, errAt(s.TargetOff, "spawn() stores the child id in a string variable, but '%s' is a %s", v.Name, v.Type)
			}
		}
		if len(s.Args) > 0 {
			if err := arg(0, TString, "spawn()'s id"); err != nil {
				return nil, err
			}
		}
	}
	return ef, nil
}
