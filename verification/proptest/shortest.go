package proptest

import (
	"math"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/report"
)

// bfsStates bounds the states the final cut may visit; a search that hits
// it proves nothing and falls back.
const bfsStates = 50_000

// shortest cuts a failing sequence to the shortest one that fails the same
// way. rapid's shrinking leaves a sequence from which no single step can be
// removed; that is usually, not always, the shortest. A breadth-first
// search through Apply, from every initial state, over every action and
// parameter set (or, if that space is too large, over the moves of the
// shrunk sequence), bounded by the shrunk length, settles it.
func (p *prop) shortest(f *failure) *failure {
	if len(f.steps) == 0 {
		return f
	}
	var all []move
	for _, a := range p.actions {
		for _, ps := range p.dom.ParamSets[a] {
			all = append(all, move{a, ps})
		}
	}
	g, complete := p.bfs(f, all, len(f.steps))
	if g != nil {
		return g
	}
	if complete {
		return f
	}
	var mine []move
	for _, m := range f.steps {
		dup := false
		for _, x := range mine {
			dup = dup || x.a == m.a && sameParams(x.params, m.params)
		}
		if !dup {
			mine = append(mine, m)
		}
	}
	if g, _ := p.bfs(f, mine, len(f.steps)); g != nil {
		return g
	}
	return f
}

// bfs looks for a sequence of fewer than limit moves that fails as f does.
// complete is false when the search stopped at bfsStates.
func (p *prop) bfs(f *failure, alphabet []move, limit int) (g *failure, complete bool) {
	type node struct {
		s      specengine.State
		parent int
		m      move
		init   int
	}
	var nodes []node
	visited := map[string]bool{}
	var key []byte
	var frontier []int
	path := func(ni int, last move) *failure {
		var rev []move
		rev = append(rev, last)
		for ; nodes[ni].parent >= 0; ni = nodes[ni].parent {
			rev = append(rev, nodes[ni].m)
		}
		steps := make([]move, len(rev))
		for i := range rev {
			steps[i] = rev[len(rev)-1-i]
		}
		return &failure{kind: f.kind, inv: f.inv, initial: nodes[ni].init, steps: steps}
	}
	for i := range p.initials {
		s := p.initials[i]
		if p.fails(f, -1, &s) {
			return &failure{kind: f.kind, inv: f.inv, initial: i}, true
		}
		key = stateKey(key, &s)
		if visited[string(key)] {
			continue
		}
		visited[string(key)] = true
		nodes = append(nodes, node{s: s.Clone(), parent: -1, init: i})
		frontier = append(frontier, len(nodes)-1)
	}
	var st specengine.Step
	for depth := 1; depth < limit && len(frontier) > 0; depth++ {
		var next []int
		for _, ni := range frontier {
			for _, m := range alphabet {
				if !p.t.Actions[m.a].From[nodes[ni].s.Status] {
					continue
				}
				if p.t.Apply(&st, &nodes[ni].s, m.a, m.params) != specengine.OK {
					continue
				}
				if p.fails(f, nodes[ni].s.Version, &st.Next) {
					return path(ni, m), true
				}
				key = stateKey(key, &st.Next)
				if visited[string(key)] {
					continue
				}
				if len(visited) >= bfsStates {
					return nil, false
				}
				visited[string(key)] = true
				nodes = append(nodes, node{s: st.Next.Clone(), parent: ni, m: m, init: nodes[ni].init})
				next = append(next, len(nodes)-1)
			}
		}
		frontier = next
	}
	return nil, true
}

// fails reports whether the step to s (from version prev, -1 for an
// initial state) fails the way f does.
func (p *prop) fails(f *failure, prev int64, s *specengine.State) bool {
	switch f.kind {
	case report.InvariantViolation, KindFieldInvariantBreach:
		inv := p.t.Invariants
		if f.kind == KindFieldInvariantBreach {
			inv = p.t.FieldInvariants
		}
		x := inv[f.inv]
		fr := expr.Frame{Status: s.Status, Vars: s.Vars}
		return (x.When == nil || x.When[s.Status]) && !x.Pred.Test(&fr)
	default:
		return prev >= 0 && s.Version != prev+1
	}
}

func sameParams(a, b []expr.Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].K != b[i].K || !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// stateKey encodes a state's status and slots (not its version) as the
// identity of a search node.
func stateKey(buf []byte, s *specengine.State) []byte {
	buf = append(buf[:0], byte(s.Status), byte(s.Status>>8))
	for _, v := range s.Vars {
		buf = append(buf, byte(v.K))
		switch v.K {
		case expr.Bool, expr.Int:
			buf = appendU64(buf, uint64(v.N))
		case expr.Float:
			buf = appendU64(buf, math.Float64bits(v.F))
		case expr.String:
			buf = appendStr(buf, v.S)
		case expr.List:
			buf = appendU64(buf, uint64(len(v.L)))
			for _, s := range v.L {
				buf = appendStr(buf, s)
			}
		}
	}
	return buf
}

func appendU64(buf []byte, x uint64) []byte {
	for i := 0; i < 8; i++ {
		buf = append(buf, byte(x))
		x >>= 8
	}
	return buf
}

func appendStr(buf []byte, s string) []byte {
	buf = appendU64(buf, uint64(len(s)))
	return append(buf, s...)
}
