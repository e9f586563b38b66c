package expr

import "math"

// satAdd adds without wrapping: results stop at the int64 limits.
func satAdd(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// RelResolver reads the status of a related entity for Type[ref].status.
// It returns ok=false when the entity does not exist.
type RelResolver interface {
	RelatedStatus(entityType, id string) (status string, ok bool)
}

// Frame is what compiled predicates and effects evaluate over: the entity's
// status (an index into the spec's states), its variables and fields (by
// slot) and the action's parameters (by index).
type Frame struct {
	Status int
	Vars   []Value
	Params []Value
	Rel    RelResolver // nil: every related status reads as null
}

// Pred is a compiled predicate.
type Pred interface {
	Test(f *Frame) bool
}

type operand interface {
	val(f *Frame) Value
}

type (
	notP     struct{ x Pred }
	andP     struct{ l, r Pred }
	orP      struct{ l, r Pred }
	impliesP struct{ l, r Pred }
	constP   bool
	truthP   struct{ o operand }
	emptyP   struct{ slot int }

	statusEqP struct {
		idx int
		neg bool
	}
	statusInP struct {
		mask uint64
		big  []bool
		neg  bool
	}
	intCmpP struct {
		op   Op
		l, r operand
	}
	numCmpP struct {
		op   Op
		l, r operand
	}
	eqP struct {
		l, r operand
		neg  bool
	}
	inListP struct {
		x    operand
		lits []Value
		neg  bool
	}
	inSetP struct {
		x    operand
		slot int
		neg  bool
	}
)

func (p notP) Test(f *Frame) bool     { return !p.x.Test(f) }
func (p andP) Test(f *Frame) bool     { return p.l.Test(f) && p.r.Test(f) }
func (p orP) Test(f *Frame) bool      { return p.l.Test(f) || p.r.Test(f) }
func (p impliesP) Test(f *Frame) bool { return !p.l.Test(f) || p.r.Test(f) }
func (p constP) Test(*Frame) bool     { return bool(p) }
func (p truthP) Test(f *Frame) bool   { return p.o.val(f).Truth() }

func (p emptyP) Test(f *Frame) bool {
	v := &f.Vars[p.slot]
	switch v.K {
	case Null:
		return true
	case String:
		return v.S == ""
	case List:
		return len(v.L) == 0
	}
	return false
}

func (p statusEqP) Test(f *Frame) bool { return (f.Status == p.idx) != p.neg }

func (p statusInP) Test(f *Frame) bool {
	var in bool
	if p.big != nil {
		in = f.Status >= 0 && f.Status < len(p.big) && p.big[f.Status]
	} else {
		in = f.Status >= 0 && f.Status < 64 && p.mask&(1<<uint(f.Status)) != 0
	}
	return in != p.neg
}

func (p intCmpP) Test(f *Frame) bool {
	l, r := p.l.val(f), p.r.val(f)
	if l.K == Null || r.K == Null {
		switch p.op {
		case OpEq:
			return l.K == r.K
		case OpNe:
			return l.K != r.K
		}
		return false
	}
	return cmpInt(p.op, l.N, r.N)
}

func cmpInt(op Op, a, b int64) bool {
	switch op {
	case OpEq:
		return a == b
	case OpNe:
		return a != b
	case OpLt:
		return a < b
	case OpLe:
		return a <= b
	case OpGt:
		return a > b
	case OpGe:
		return a >= b
	}
	return false
}

func (p numCmpP) Test(f *Frame) bool {
	l, r := p.l.val(f), p.r.val(f)
	if l.K == Null || r.K == Null {
		switch p.op {
		case OpEq:
			return l.K == r.K
		case OpNe:
			return l.K != r.K
		}
		return false
	}
	a, b := num(l), num(r)
	switch p.op {
	case OpEq:
		return a == b
	case OpNe:
		return a != b
	case OpLt:
		return a < b
	case OpLe:
		return a <= b
	case OpGt:
		return a > b
	case OpGe:
		return a >= b
	}
	return false
}

func num(v Value) float64 {
	if v.K == Float {
		return v.F
	}
	return float64(v.N)
}

func (p eqP) Test(f *Frame) bool { return p.l.val(f).Equal(p.r.val(f)) != p.neg }

func (p inListP) Test(f *Frame) bool {
	x := p.x.val(f)
	for i := range p.lits {
		if x.Equal(p.lits[i]) {
			return !p.neg
		}
	}
	return p.neg
}

func (p inSetP) Test(f *Frame) bool {
	x := p.x.val(f)
	if x.K != String {
		return p.neg
	}
	for _, s := range f.Vars[p.slot].L {
		if s == x.S {
			return !p.neg
		}
	}
	return p.neg
}

type (
	litO    struct{ v Value }
	slotO   int
	paramO  int
	lenO    int
	statusO struct{ states []string }
	relO    struct {
		typ  string
		slot int
	}
)

func (o litO) val(*Frame) Value { return o.v }
func (o slotO) val(f *Frame) Value {
	return f.Vars[o]
}

func (o paramO) val(f *Frame) Value {
	if int(o) < len(f.Params) {
		return f.Params[o]
	}
	return Value{}
}

func (o lenO) val(f *Frame) Value {
	v := &f.Vars[o]
	if v.K == String {
		return IntVal(int64(len(v.S)))
	}
	return IntVal(int64(len(v.L)))
}

func (o statusO) val(f *Frame) Value {
	if f.Status < 0 || f.Status >= len(o.states) {
		return Value{}
	}
	return StringVal(o.states[f.Status])
}

// val reads the related entity's status. With a list of ids, every related
// entity must have the same status for the value to be that status;
// otherwise it reads as null, so a comparison holds only when it holds for
// every related entity.
func (o relO) val(f *Frame) Value {
	if f.Rel == nil {
		return Value{}
	}
	ref := f.Vars[o.slot]
	var ids []string
	switch ref.K {
	case String:
		if ref.S == "" {
			return Value{}
		}
		ids = []string{ref.S}
	case List:
		ids = ref.L
	default:
		return Value{}
	}
	out := ""
	for i, id := range ids {
		st, ok := f.Rel.RelatedStatus(o.typ, id)
		if !ok || (i > 0 && st != out) {
			return Value{}
		}
		out = st
	}
	if len(ids) == 0 {
		return Value{}
	}
	return StringVal(out)
}

// Effect is a compiled effect statement.
type Effect struct {
	Kind    StmtOp
	Slot    int    // the variable written, or -1
	Action  string // schedule and spawn
	Entity  string // spawn
	Counter bool   // the target is a counter: it never goes below zero
	Src     string // the statement as written, for reports
	arg     operand
}

// Arg evaluates the statement's argument (nil argument: null).
func (e *Effect) Arg(f *Frame) Value {
	if e.arg == nil {
		return Value{}
	}
	return e.arg.val(f)
}

// Exec applies a state-changing statement to f.Vars in place. Lists are
// copied on write, so a list shared with another frame is never changed.
// Statements that cause work elsewhere (schedule, spawn) change nothing
// here; the caller reads their Arg.
func (e *Effect) Exec(f *Frame) {
	switch e.Kind {
	case StAssign:
		v := e.arg.val(f)
		if e.Counter && v.K == Int && v.N < 0 {
			v.N = 0
		}
		if v.K == List {
			v.L = append([]string(nil), v.L...)
		}
		f.Vars[e.Slot] = v
	case StAdd, StSub:
		d := e.arg.val(f)
		cur := &f.Vars[e.Slot]
		if cur.K == Float || d.K == Float {
			x := num(*cur)
			if e.Kind == StAdd {
				x += num(d)
			} else {
				x -= num(d)
			}
			*cur = FloatVal(x)
			return
		}
		n := cur.N
		if e.Kind == StAdd {
			n = satAdd(n, d.N)
		} else {
			n = satAdd(n, -max(d.N, -math.MaxInt64))
		}
		if e.Counter && n < 0 {
			n = 0
		}
		*cur = IntVal(n)
	case StAppend:
		v := e.arg.val(f)
		if v.K != String {
			return
		}
		cur := f.Vars[e.Slot].L
		l := make([]string, len(cur), len(cur)+1)
		copy(l, cur)
		f.Vars[e.Slot] = ListVal(append(l, v.S))
	case StRemoveAt:
		i := e.arg.val(f)
		cur := f.Vars[e.Slot].L
		if i.K != Int || i.N < 0 || i.N >= int64(len(cur)) {
			return
		}
		l := make([]string, 0, len(cur)-1)
		l = append(l, cur[:i.N]...)
		f.Vars[e.Slot] = ListVal(append(l, cur[i.N+1:]...))
	}
}
