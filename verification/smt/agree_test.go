package smt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/internal/vtest"
)

// sinkSpec exercises every construct of the language the encoder handles:
// null in every type, counters, append/remove_at, spawn, schedule, status
// as a value, related statuses, floats, parameters merged into fields and
// field invariants.
const sinkSpec = `
[automaton]
name = "Sink"
states = ["A", "B", "C", "D"]
initial = "A"
terminal = ["D"]

[[state]]
name = "s"
type = "string"

[[state]]
name = "t"
type = "string"
initial = "x"

[[state]]
name = "n"
type = "counter"
initial = 0

[[state]]
name = "i"
type = "int"

[[state]]
name = "b"
type = "bool"

[[state]]
name = "tags"
type = "list"

[[state]]
name = "child"
type = "string"

[[action]]
name = "SetS"
from = ["A", "B"]
params = [{ name = "v", type = "string" }]
guard = "params.v != s"
effect = "s = params.v"

[[action]]
name = "Clear"
from = ["A", "B", "C"]
effect = ["s = null", "b = null", "i = null", "tags = null"]

[[action]]
name = "Inc"
from = ["A"]
to = "B"
guard = "i == null || i < 3"
effect = ["i += 1", "n += 2", "schedule('Clear', 5)"]

[[action]]
name = "Dec"
from = ["B"]
params = [{ name = "k", type = "int" }]
guard = "params.k >= 0 || params.k == null"
effect = ["n -= params.k", "i -= params.k"]

[[action]]
name = "SetN"
from = ["B"]
params = [{ name = "m", type = "int" }]
effect = ["n = params.m", "i = n"]

[[action]]
name = "Tag"
from = ["A", "B"]
params = [{ name = "tag", type = "string" }]
guard = "params.tag not in tags"
effect = "append(tags, params.tag)"

[[action]]
name = "TagUrgent"
from = ["B"]
guard = "'urgent' not in tags && len(tags) < 3"
effect = "append(tags, 'urgent')"

[[action]]
name = "Untag"
from = ["B", "C"]
params = [{ name = "at", type = "int" }]
guard = "len(tags) > 0 || 'urgent' in tags"
effect = "remove_at(tags, params.at)"

[[action]]
name = "Flip"
from = ["B"]
to = "C"
guard = "b == true || empty(s) || b == null"
effect = ["b = true", "t = status"]

[[action]]
name = "Finish"
from = ["C"]
to = "D"
guard = "status in ['C'] && s in ['a', 'b', null] && len(t) >= 1 && !(i > 5)"
effect = "spawn('Sink', 'Inc', child, s)"

[[action]]
name = "Probe"
from = ["A", "B", "C"]
params = [{ name = "st", type = "string" }, { name = "price", type = "float" }]
guard = "(status == params.st || Sink[child].status != 'B') && (params.price == null || params.price > 1 || i == params.price)"

[[field_invariant]]
name = "IBounded"
assert = "i == null || i > -3"

[[field_invariant]]
name = "PriceSane"
assert = "price == null || price < 100"

[[invariant]]
name = "Positive"
assert = "n >= 0"
`

// TestAgreesWithApply is the cross-check of L0 with the single semantics:
// for concrete entities and parameters (the domain's initial states, states
// reached from them with Apply, and random combinations of the domain's
// values), the encoding of each action must decide the from-state and
// guard, the field invariants of the next state and the next state itself
// exactly as Table.Apply does. Each case is a query that asserts a
// disagreement and must be unsat.
func TestAgreesWithApply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		load func(testing.TB) *specengine.Bundle
	}{
		{"seed", vtest.Seed},
		{"tasks", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "tasks") }},
		{"knowledge", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "knowledge") }},
		{"sink", func(t testing.TB) *specengine.Bundle { return loadSpecs(t, sinkSpec) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := c.load(t)
			s, err := open(context.Background(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.close()
			for _, tbl := range b.TableList {
				d := domain.New(tbl, domain.Options{})
				size := 100
				if testing.Short() {
					size = 30
				}
				states := sampleStates(tbl, d, size)
				e := newEncoder(b, tbl)
				n := 0
				for _, cur := range states {
					for ai, a := range tbl.Actions {
						if a.Event {
							continue
						}
						for _, ps := range d.ParamSets[ai] {
							n++
							if msg, err := agree(s, e, tbl, cur, a, ps); err != nil {
								t.Fatal(err)
							} else if msg != "" {
								t.Errorf("%s %s on %v with %v: %s", tbl.Entity, a.Name, tbl.Fields(&cur), ps, msg)
							}
						}
					}
				}
				t.Logf("%s: %d steps agree over %d states", tbl.Entity, n, len(states))
			}
		})
	}
}

// sampleStates returns max states: half a seeded sample of the states
// reached with Apply from the initial states (up to a few thousand), half
// random combinations of the domain's values, reachable or not.
func sampleStates(t *specengine.Table, d *domain.Domain, max int) []specengine.State {
	seen := map[string]bool{}
	key := func(s *specengine.State) string { return fmt.Sprint(s.Status, t.Fields(s)) }
	var reached []specengine.State
	work := d.Initials()
	for _, s := range work {
		seen[key(&s)] = true
		reached = append(reached, s.Clone())
	}
	var st specengine.Step
	for len(work) > 0 && len(reached) < 3000 {
		cur := work[0]
		work = work[1:]
		for ai := range t.Actions {
			for _, ps := range d.ParamSets[ai] {
				if t.Apply(&st, &cur, ai, ps) != specengine.OK || !d.InBounds(&st.Next) || seen[key(&st.Next)] {
					continue
				}
				seen[key(&st.Next)] = true
				reached = append(reached, st.Next.Clone())
				work = append(work, st.Next.Clone())
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(reached), func(i, j int) { reached[i], reached[j] = reached[j], reached[i] })
	out := reached[:min(len(reached), max/2)]
	for tries := 0; len(out) < max && tries < 10*max; tries++ {
		s := specengine.State{ID: "e", Status: r.IntN(len(t.States)), Vars: make([]expr.Value, len(t.Vars))}
		for i := range s.Vars {
			vs := d.SlotValues[i]
			s.Vars[i] = vs[r.IntN(len(vs))]
		}
		if !seen[key(&s)] {
			seen[key(&s)] = true
			out = append(out, s)
		}
	}
	return out
}

// agree encodes one concrete step and asks Z3 for a disagreement with
// Apply; it returns "" when there is none.
func agree(s *session, e *encoder, t *specengine.Table, cur specengine.State, a *specengine.Action, params []expr.Value) (string, error) {
	var st specengine.Step
	out := t.Apply(&st, &cur, a.Index, params)
	if out == specengine.BadParams || out == specengine.NotInvocable {
		return "", nil
	}
	enabled := out != specengine.WrongState && out != specengine.GuardFalse
	// build encodes the step and returns the conditions under which the
	// encoding agrees with Apply, one per part.
	build := func() (parts, agreeing []string) {
		pre := e.newState("pre", false)
		pre.fixed = cur.Vars
		e.q.assert(eq(pre.status, intLit(int64(cur.Status))))
		f := e.newFrame(pre, a)
		f.fixed = append([]expr.Value{}, params...)
		en := e.statusIn(pre.status, a.From)
		if a.GuardExpr != nil {
			en = and(en, e.pred(a.GuardExpr, f))
		}
		parts = append(parts, "enabled")
		agreeing = append(agreeing, eq(en, fmt.Sprint(enabled)))
		if !enabled {
			return parts, agreeing
		}
		post := e.transition(a, f)
		pf := e.newFrame(post, nil)
		fi := "true"
		for _, inv := range t.FieldInvariants {
			fi = and(fi, e.holds(inv, pf))
		}
		parts = append(parts, "field invariants")
		agreeing = append(agreeing, eq(fi, fmt.Sprint(out == specengine.OK)))
		if out != specengine.OK {
			return parts, agreeing
		}
		for j := range t.Vars {
			if post.vals[j] == nil {
				continue
			}
			parts = append(parts, "next."+t.Vars[j].Name)
			agreeing = append(agreeing, e.sameAs(post.slot(j), st.Next.Vars[j], spawnGenerated(a, t, j, &cur, st.Next.Vars[j]), removes(a, t.Vars[j].Name)))
		}
		return parts, agreeing
	}
	// The encoding admits Apply's step...
	var parts []string
	ans, err := s.query(e, "agree.admits", "sat: the encoding admits Apply's step", func() {
		var agreeing []string
		parts, agreeing = build()
		e.q.assert(and(agreeing...))
	})
	if err != nil {
		return "", err
	}
	if ans.status != sat {
		return fmt.Sprintf("the encoding does not admit Apply's step (outcome %s; %s: %s):\n%s", out, strings.Join(parts, ", "), ans.status, e.q.body.String()), nil
	}
	// ...and no other.
	ans, err = s.query(e, "agree.only", "sat: the encoding disagrees with Apply", func() {
		_, agreeing := build()
		var mismatch []string
		for _, c := range agreeing {
			mismatch = append(mismatch, not(c))
		}
		e.q.assert(or(mismatch...))
	})
	if err != nil {
		return "", err
	}
	switch ans.status {
	case unsat:
		return "", nil
	case sat:
		return fmt.Sprintf("the encoding disagrees with Apply (outcome %s; checked %s):\n%s", out, strings.Join(parts, ", "), e.q.body.String()), nil
	}
	return "unknown: " + ans.reason, nil
}

// sameAs is the post value v equal to Apply's x. A spawn's generated id is
// only known to be a non-empty string; remove_at leaves the counts of the
// list keys open (the abstraction does not track positions).
func (e *encoder) sameAs(v val, x expr.Value, generated, removed bool) string {
	if x.IsNull() {
		return v.null
	}
	parts := []string{not(v.null)}
	switch x.K {
	case expr.Bool:
		parts = append(parts, eq(v.v, fmt.Sprint(x.Truth())))
	case expr.Int:
		if v.typ == expr.TFloat {
			parts = append(parts, eq(v.v, toReal(val{typ: expr.TInt, v: intLit(x.N)})))
		} else {
			parts = append(parts, eq(v.v, intLit(x.N)))
		}
	case expr.Float:
		parts = append(parts, eq(v.v, realLit(x.F)))
	case expr.String:
		if generated {
			parts = append(parts, not(eq(v.v, `""`)))
		} else {
			parts = append(parts, eq(v.v, strLit(x.S)))
		}
	case expr.List:
		l := e.lit(x)
		parts = append(parts, eq(v.len, l.len))
		if !removed {
			for i := range l.cnt {
				parts = append(parts, eq(v.cnt[i], l.cnt[i]))
			}
		}
	}
	return and(parts...)
}

func spawnGenerated(a *specengine.Action, t *specengine.Table, slot int, cur *specengine.State, x expr.Value) bool {
	for _, s := range a.Stmts {
		if s.Op == expr.StSpawn && s.Target == t.Vars[slot].Name && strings.HasPrefix(x.S, cur.ID+"-"+s.Entity+"-") {
			return true
		}
	}
	return false
}

func removes(a *specengine.Action, name string) bool {
	for _, s := range a.Stmts {
		if s.Op == expr.StRemoveAt && s.Target == name {
			return true
		}
	}
	return false
}
