package smt

import (
	"math/big"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
)

// maxListLen bounds the lists built from a model; a longer one is shown by
// its length and not replayed.
const maxListLen = 64

// A model is read back in the spec's terms and turned into a concrete
// entity and parameters, so that the transition table itself can replay a
// counterexample: L0's encoding is an abstraction (lists, related
// statuses), and the table is the semantics.

func readBool(m map[string]mval, t string) bool {
	switch t {
	case "true":
		return true
	case "false":
		return false
	}
	return m[t].b
}

func readInt(m map[string]mval, t string) (*big.Int, bool) {
	if v, ok := m[t]; ok {
		return v.n, v.n != nil
	}
	n, ok := new(big.Int).SetString(t, 10)
	return n, ok
}

// value reads v from a model. ok is false when the value cannot be built
// exactly (a number beyond int64, a list longer than maxListLen, an opaque
// value).
func (e *encoder) value(m map[string]mval, v val) (x expr.Value, ok bool) {
	if v.typ == expr.TNull || readBool(m, v.null) {
		return expr.Value{}, true
	}
	mv, has := m[v.v]
	switch v.typ {
	case expr.TBool:
		return expr.BoolVal(readBool(m, v.v)), true
	case expr.TInt, expr.TCounter:
		n, ok := readInt(m, v.v)
		if !ok || !n.IsInt64() {
			return expr.Value{}, false
		}
		return expr.IntVal(n.Int64()), true
	case expr.TFloat:
		switch {
		case has && mv.r != nil:
			f, _ := mv.r.Float64()
			return expr.FloatVal(f), true
		case has && mv.n != nil:
			f, _ := new(big.Float).SetInt(mv.n).Float64()
			return expr.FloatVal(f), true
		}
		return expr.Value{}, false
	case expr.TString:
		if !has || !mv.set {
			return expr.Value{}, false
		}
		return expr.StringVal(mv.s), true
	case expr.TList:
		n, ok := readInt(m, v.len)
		if !ok || !n.IsInt64() || n.Int64() > maxListLen {
			return expr.Value{}, false
		}
		l := []string{}
		for i, k := range e.keys {
			c, ok := readInt(m, v.cnt[i])
			if !ok || !c.IsInt64() || c.Int64() > maxListLen {
				return expr.Value{}, false
			}
			for j := int64(0); j < c.Int64(); j++ {
				l = append(l, k)
			}
		}
		for int64(len(l)) < n.Int64() {
			l = append(l, domain.Other)
		}
		return expr.ListVal(l), true
	}
	return expr.Value{}, false
}

// display renders a model value for a finding.
func (e *encoder) display(m map[string]mval, r reg) string {
	if r.key == "status" {
		n, ok := readInt(m, r.v.v)
		if ok && n.IsInt64() && n.Int64() >= 0 && n.Int64() < int64(len(e.t.States)) {
			return e.t.States[n.Int64()]
		}
		return "?"
	}
	x, ok := e.value(m, r.v)
	if !ok {
		if r.v.typ == expr.TList {
			n, _ := readInt(m, r.v.len)
			return "[" + n.String() + " elements]"
		}
		return "?"
	}
	return x.String()
}

// modelMap is a finding's model: status, the slots and parameters the
// query read, related statuses, and next.<x> for what the action changed.
func (e *encoder) modelMap(m map[string]mval) map[string]string {
	out := map[string]string{}
	for _, r := range e.regs {
		out[r.key] = e.display(m, r)
	}
	return out
}

// concrete builds the entity and parameters of a model. Slots the query
// did not read are null, or their initial value in an initial state: they
// cannot change the outcome. ok is false when some value could not be
// built.
func (e *encoder) concrete(m map[string]mval, a *specengine.Action, initial bool) (specengine.State, []expr.Value, bool) {
	t := e.t
	s := specengine.State{ID: "e", Status: -1, Vars: make([]expr.Value, len(t.Vars))}
	if initial {
		for i, v := range t.Vars {
			if v.Initial != nil {
				s.Vars[i] = *v.Initial
			}
		}
	}
	var params []expr.Value
	if a != nil && !a.OpenParams {
		params = make([]expr.Value, len(a.Params))
	}
	exact := true
	for _, r := range e.regs {
		switch r.role {
		case rolePre:
			if r.idx < 0 {
				n, ok := readInt(m, r.v.v)
				if ok && n.IsInt64() {
					s.Status = int(n.Int64())
				}
				continue
			}
			x, ok := e.value(m, r.v)
			exact = exact && ok
			s.Vars[r.idx] = x
		case roleParam:
			x, ok := e.value(m, r.v)
			exact = exact && ok
			if r.idx < len(params) {
				params[r.idx] = x
			}
		case roleRel:
			// Apply resolves no related entity: Type[ref].status reads
			// null there, so a model that needs another value is not
			// replayed exactly.
			x, _ := e.value(m, r.v)
			exact = exact && x.IsNull()
		}
	}
	if s.Status < 0 || s.Status >= len(t.States) {
		exact = false
		s.Status = t.Initial
	}
	return s, params, exact
}

// holdsIn evaluates an invariant on a concrete state with the table's own
// predicate.
func holdsIn(inv *specengine.Invariant, s *specengine.State) bool {
	if inv.When != nil && !inv.When[s.Status] {
		return true
	}
	return inv.Pred.Test(&expr.Frame{Status: s.Status, Vars: s.Vars})
}

// replayStep replays a counterexample to induction with Table.Apply: the
// pre-state satisfies the field invariants and inv, the action runs, and
// the next state breaks inv.
func replayStep(t *specengine.Table, inv *specengine.Invariant, a *specengine.Action, pre *specengine.State, params []expr.Value) bool {
	var st specengine.Step
	if t.CheckFieldInvariants(&st, pre) >= 0 || !holdsIn(inv, pre) {
		return false
	}
	if t.Apply(&st, pre, a.Index, params) != specengine.OK {
		return false
	}
	next := st.Next.Clone()
	return !holdsIn(inv, &next)
}

// replayInitial confirms an initial state that breaks inv: a create body
// can produce it (field invariants hold) and inv fails in it.
func replayInitial(t *specengine.Table, inv *specengine.Invariant, s *specengine.State) bool {
	var st specengine.Step
	return s.Status == t.Initial && t.CheckFieldInvariants(&st, s) < 0 && !holdsIn(inv, s)
}
