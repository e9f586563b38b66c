package domain

import (
	"math"
	"sort"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// Options bound the abstraction.
type Options struct {
	// Bound is the largest counter or int value and the longest list
	// explored; literals the spec writes or compares raise it per variable.
	// Default 3.
	Bound int
	// MaxParamSets caps the parameter instantiations per action; default 256.
	MaxParamSets int
	// MaxInitials caps the initial states; default 4096.
	MaxInitials int
}

func (o Options) withDefaults() Options {
	if o.Bound <= 0 {
		o.Bound = 3
	}
	if o.MaxParamSets <= 0 {
		o.MaxParamSets = 256
	}
	if o.MaxInitials <= 0 {
		o.MaxInitials = 4096
	}
	return o
}

// Other is the abstract "any other string": a value no literal of the spec
// equals.
const Other = "\u2039other\u203a"

// Domain is the abstraction of one table.
type Domain struct {
	Table *specengine.Table
	Opts  Options
	// Bounds per slot: the largest value of a counter or int, the longest
	// list. States beyond a bound are not explored.
	Bounds []int64
	// SlotValues are the candidate values per slot (for free inputs).
	SlotValues [][]expr.Value
	// ParamSets per action: each a parameter slice aligned with the
	// action's Params.
	ParamSets [][][]expr.Value
	// Read marks the slots some predicate reads; the others cannot change
	// behaviour and may be projected away by a checker.
	Read []bool
	// Truncated reports whether a cap cut parameter sets or initials.
	Truncated bool
}

// lits collects, per name, the literals a spec compares it with or writes
// to it.
type lits struct {
	vars   map[string][]expr.Value
	params map[string][]expr.Value
	read   map[string]bool
}

func (l *lits) add(m map[string][]expr.Value, name string, v expr.Value) {
	for _, x := range m[name] {
		if x.Equal(v) && x.K == v.K {
			return
		}
	}
	m[name] = append(m[name], v)
}

func (l *lits) walk(e expr.Expr) {
	switch e := e.(type) {
	case *expr.Not:
		l.walk(e.X)
	case *expr.Binary:
		l.walk(e.L)
		l.walk(e.R)
		l.pair(e.L, e.R)
		l.pair(e.R, e.L)
	case *expr.In:
		l.walk(e.X)
		if e.Set != nil {
			l.read[e.Set.Name] = true
		}
		for _, x := range e.List {
			l.pair(e.X, x)
		}
		if e.Set != nil {
			if lit, ok := e.X.(*expr.Lit); ok {
				l.add(l.vars, e.Set.Name, lit.Val)
			}
		}
	case *expr.Call:
		l.read[e.Arg.Name] = true
	case *expr.Name:
		l.read[e.Name] = true
	case *expr.RelStatus:
		l.read[e.Ref] = true
	}
}

// pair records that a is compared with b when b is a literal; for numbers
// it also records the neighbours, so both sides of a boundary are explored.
func (l *lits) pair(a, b expr.Expr) {
	lit, ok := b.(*expr.Lit)
	if !ok {
		return
	}
	vals := []expr.Value{lit.Val}
	if lit.Val.K == expr.Int {
		vals = append(vals, expr.IntVal(lit.Val.N-1), expr.IntVal(lit.Val.N+1))
	}
	switch a := a.(type) {
	case *expr.Name:
		for _, v := range vals {
			l.add(l.vars, a.Name, v)
		}
	case *expr.ParamRef:
		for _, v := range vals {
			l.add(l.params, a.Name, v)
		}
	case *expr.Call:
		if a.Fn == "len" && lit.Val.K == expr.Int {
			l.add(l.vars, "len:"+a.Arg.Name, expr.IntVal(lit.Val.N+1))
		}
	}
}

func firstArg(s *expr.Stmt) expr.Expr {
	if len(s.Args) == 0 {
		return nil
	}
	return s.Args[0]
}

// New builds the abstraction of t.
func New(t *specengine.Table, opts Options) *Domain {
	opts = opts.withDefaults()
	d := &Domain{Table: t, Opts: opts}
	l := &lits{vars: map[string][]expr.Value{}, params: map[string][]expr.Value{}, read: map[string]bool{}}
	for _, a := range t.Actions {
		if a.GuardExpr != nil {
			l.walk(a.GuardExpr)
		}
		for _, s := range a.Stmts {
			for _, arg := range s.Args {
				switch x := arg.(type) {
				case *expr.Lit:
					if s.Op == expr.StAssign || s.Op == expr.StAppend {
						l.add(l.vars, s.Target, x.Val)
					}
				case *expr.Name:
					l.read[x.Name] = true
				}
			}
		}
		for _, tr := range a.Triggers {
			if tr.GuardExpr != nil {
				l.walk(tr.GuardExpr)
			}
		}
	}
	for _, inv := range t.Invariants {
		l.walk(inv.Expr)
	}
	// A variable written from a parameter can take the parameter's values,
	// and the parameter must try the literals the variable is compared
	// with (name = params.to against an invariant name != 'root').
	for _, a := range t.Actions {
		for _, s := range a.Stmts {
			p, ok := firstArg(s).(*expr.ParamRef)
			if !ok || (s.Op != expr.StAssign && s.Op != expr.StAppend) {
				continue
			}
			for _, v := range l.vars[s.Target] {
				l.add(l.params, p.Name, v)
			}
			if s.Op == expr.StAssign {
				for _, v := range l.params[p.Name] {
					l.add(l.vars, s.Target, v)
				}
			}
		}
	}
	for _, inv := range t.FieldInvariants {
		l.walk(inv.Expr)
	}

	n := len(t.Vars)
	d.Bounds = make([]int64, n)
	d.SlotValues = make([][]expr.Value, n)
	d.Read = make([]bool, n)
	for i, v := range t.Vars {
		d.Read[i] = l.read[v.Name]
		b := int64(opts.Bound)
		for _, x := range l.vars[v.Name] {
			if x.K == expr.Int && x.N > b {
				b = x.N
			}
		}
		for _, x := range l.vars["len:"+v.Name] {
			if x.N > b {
				b = x.N
			}
		}
		if v.Initial != nil && v.Initial.K == expr.Int && v.Initial.N > b {
			b = v.Initial.N
		}
		d.Bounds[i] = b
		d.SlotValues[i] = values(v.Type, l.vars[v.Name], b, v.Type == expr.TCounter)
	}
	for _, a := range t.Actions {
		d.ParamSets = append(d.ParamSets, d.paramSets(a, l))
	}
	return d
}

// values is the candidate set for a slot or parameter of type t.
func values(t expr.Type, seen []expr.Value, bound int64, nonNeg bool) []expr.Value {
	out := []expr.Value{{}}
	add := func(v expr.Value) {
		for _, x := range out {
			if x.K == v.K && x.Equal(v) {
				return
			}
		}
		out = append(out, v)
	}
	switch t {
	case expr.TBool:
		add(expr.BoolVal(false))
		add(expr.BoolVal(true))
	case expr.TInt, expr.TCounter, expr.TFloat:
		add(expr.IntVal(0))
		for _, x := range seen {
			if x.K == expr.Int && (!nonNeg || x.N >= 0) && x.N <= bound {
				add(x)
			}
		}
		add(expr.IntVal(1))
	case expr.TString, expr.TAny:
		add(expr.StringVal(""))
		for _, x := range seen {
			if x.K == expr.String {
				add(x)
			}
		}
		add(expr.StringVal(Other))
	case expr.TList:
		add(expr.ListVal([]string{}))
		for _, x := range seen {
			if x.K == expr.String {
				add(expr.ListVal([]string{x.S}))
			}
		}
		add(expr.ListVal([]string{Other}))
	}
	sortValues(out[1:])
	return out
}

func sortValues(vs []expr.Value) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.K != b.K {
			return a.K < b.K
		}
		switch a.K {
		case expr.Int, expr.Bool:
			return a.N < b.N
		case expr.String:
			return a.S < b.S
		case expr.List:
			return len(a.L) < len(b.L) || len(a.L) == len(b.L) && len(a.L) > 0 && a.L[0] < b.L[0]
		}
		return false
	})
}

func (d *Domain) paramSets(a *specengine.Action, l *lits) [][]expr.Value {
	if a.OpenParams || len(a.Params) == 0 {
		return [][]expr.Value{nil}
	}
	per := make([][]expr.Value, len(a.Params))
	for i, p := range a.Params {
		seen := l.params[p.Name]
		// A parameter merged into a field also takes that field's literals.
		if j, ok := d.Table.SlotIndex(p.Name); ok {
			seen = append(append([]expr.Value{}, seen...), l.vars[d.Table.Vars[j].Name]...)
		}
		per[i] = values(p.Type, seen, math.MaxInt64, false)
	}
	out := d.product(per, d.Opts.MaxParamSets)
	return out
}

// product enumerates the cartesian product in a fixed order, up to max.
func (d *Domain) product(per [][]expr.Value, max int) [][]expr.Value {
	var out [][]expr.Value
	idx := make([]int, len(per))
	for {
		row := make([]expr.Value, len(per))
		for i, k := range idx {
			row[i] = per[i][k]
		}
		out = append(out, row)
		if len(out) >= max {
			d.Truncated = true
			return out
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(per[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out
		}
	}
}

// Initials returns the initial states: the table's initial values, with
// every free input (a state variable without an initial value) ranging over
// its candidate values. Data-model fields start null.
func (d *Domain) Initials() []specengine.State {
	t := d.Table
	var free []int
	for i, v := range t.Vars {
		if v.Input {
			free = append(free, i)
		}
	}
	base, err := t.New("e", nil)
	if err != nil {
		// Field invariants may reject an empty body; build the base by hand.
		base = specengine.State{ID: "e", Status: t.Initial, Vars: make([]expr.Value, len(t.Vars))}
		for i, v := range t.Vars {
			if v.Initial != nil {
				base.Vars[i] = *v.Initial
			}
		}
	}
	per := make([][]expr.Value, len(free))
	for i, s := range free {
		per[i] = d.SlotValues[s]
	}
	var out []specengine.State
	var st specengine.Step
	for _, row := range d.product(per, d.Opts.MaxInitials) {
		s := base.Clone()
		for i, slot := range free {
			s.Vars[slot] = row[i]
		}
		// A create body that breaks a field invariant is refused: no
		// entity starts there.
		if t.CheckFieldInvariants(&st, &s) >= 0 {
			continue
		}
		out = append(out, s)
	}
	return out
}

// InBounds reports whether every counter, int and list of s is within its
// bound.
func (d *Domain) InBounds(s *specengine.State) bool {
	for i, v := range s.Vars {
		switch v.K {
		case expr.Int:
			if v.N > d.Bounds[i] || v.N < -d.Bounds[i] {
				return false
			}
		case expr.List:
			if int64(len(v.L)) > d.Bounds[i] {
				return false
			}
		}
	}
	return true
}
