package modelcheck

import (
	"github.com/temperhq/temper/specengine/ioa"
)

// edge is one transition of the graph.
type edge struct {
	from, to int32
	label    uint32
}

// lasso is a liveness counterexample: the BFS path to a from-state, a path
// from it to a bad state b avoiding every reaches-state, and either a
// weakly fair cycle from b back to b (loop) or nothing, when b has no
// enabled action.
type lasso struct {
	from int
	path []edge
	loop []edge
}

// checkLiveness decides a [[liveness]] property with reaches-states: it
// fails when a reachable from-state can run forever without reaching one.
// Runs are weakly fair (an action enabled in every state of a cycle must be
// taken in it), as agents and timers eventually act on what stays
// possible: a cycle of self-loops beside an always-available exit is not a
// violation, a cycle that passes through states where the exit is disabled
// is. A state with no enabled action is a run that stops short of the goal.
// Cycles are the strongly connected components of the graph without the
// reaches-states, found by an iterative Tarjan; unexpanded states (beyond a
// bound or the cap) are treated as unknown, never as violations.
func (g *Graph) checkLiveness(l ioa.Liveness) *lasso {
	t := g.Table
	from := statusSet(t.States, l.From, true)
	reach := statusSet(t.States, l.Reaches, false)
	n := g.expanded
	in := func(v int32) bool { return int(v) < n && !g.oob[v] && !reach[g.status(int(v))] }

	index := make([]int32, n) // 0: unvisited
	low := make([]int32, n)
	onStack := make([]bool, n)
	scc := make([]int32, n)
	canFail := make([]bool, n)
	bad := make([]bool, n)
	for i := range scc {
		scc[i] = -1
	}
	fair := newFairness(len(t.Actions))
	var stack []int32
	type frame struct {
		v int32
		e int
	}
	var call []frame
	counter := int32(0)
	nscc := int32(0)
	visit := func(v int32) {
		counter++
		index[v], low[v] = counter, counter
		onStack[v] = true
		stack = append(stack, v)
		call = append(call, frame{v, g.edgeOff[v]})
	}
	for root := int32(0); int(root) < n; root++ {
		if index[root] != 0 || !in(root) {
			continue
		}
		visit(root)
		for len(call) > 0 {
			fr := &call[len(call)-1]
			v := fr.v
			if fr.e < g.edgeOff[v+1] {
				w := g.edgeTo[fr.e]
				fr.e++
				if !in(w) {
					continue
				}
				if index[w] == 0 {
					visit(w)
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			// v is the root of a component: pop it. Tarjan finishes a
			// component after every component it reaches, so canFail of
			// successors is final here.
			k := len(stack) - 1
			for stack[k] != v {
				k--
			}
			members := stack[k:]
			stack = stack[:k]
			id := nscc
			nscc++
			for _, m := range members {
				onStack[m] = false
				scc[m] = id
			}
			cyclic := len(members) > 1
			stops := false
			if !cyclic {
				m := members[0]
				stops = g.edgeOff[m] == g.edgeOff[m+1]
				for e := g.edgeOff[m]; e < g.edgeOff[m+1]; e++ {
					cyclic = cyclic || g.edgeTo[e] == m
				}
			}
			isBad := stops || cyclic && fair.check(g, members, scc, id)
			fails := isBad
			for _, m := range members {
				for e := g.edgeOff[m]; e < g.edgeOff[m+1] && !fails; e++ {
					w := g.edgeTo[e]
					fails = in(w) && scc[w] != id && canFail[w]
				}
			}
			for _, m := range members {
				bad[m] = isBad
				canFail[m] = fails
			}
		}
	}

	f := int32(-1)
	for v := int32(0); int(v) < n; v++ {
		if in(v) && canFail[v] && from[g.status(int(v))] {
			f = v
			break
		}
	}
	if f < 0 {
		return nil
	}
	ce := &lasso{from: int(f)}
	b := f
	if !bad[f] {
		ce.path = g.bfsPath(f, func(w int32) bool { return in(w) && canFail[w] }, func(w int32) bool { return bad[w] })
		b = ce.path[len(ce.path)-1].to
	}
	if g.edgeOff[b] == g.edgeOff[b+1] {
		return ce // b stops
	}
	ce.loop = g.fairLoop(b, scc)
	return ce
}

// statusSet marks the named states; an empty list marks all when all is set.
func statusSet(states, names []string, all bool) []bool {
	out := make([]bool, len(states))
	for i, s := range states {
		if len(names) == 0 {
			out[i] = all
			continue
		}
		for _, x := range names {
			if x == s {
				out[i] = true
			}
		}
	}
	return out
}

// fairness checks components for a weakly fair cycle, reusing its arrays.
type fairness struct {
	count []int32 // states of the component where the action is enabled
	last  []int32 // the state that last counted the action
	taken []bool  // the action has an edge inside the component
	dirty []int
}

func newFairness(nActions int) *fairness {
	f := &fairness{count: make([]int32, nActions), last: make([]int32, nActions), taken: make([]bool, nActions)}
	for i := range f.last {
		f.last[i] = -1
	}
	return f
}

// check reports whether a cycle through every state of component id is
// weakly fair: each action enabled in all of them is taken inside. A
// component that fails this has no fair cycle in any part of it either
// (a part has fewer states to disable an action and fewer edges to take
// it), so maximal components suffice.
func (f *fairness) check(g *Graph, members []int32, scc []int32, id int32) bool {
	for _, m := range members {
		for e := g.edgeOff[m]; e < g.edgeOff[m+1]; e++ {
			a := int(g.edgeLab[e] >> 16)
			if f.last[a] != m {
				if f.last[a] == -1 {
					f.dirty = append(f.dirty, a)
				}
				f.last[a] = m
				f.count[a]++
			}
			if scc[g.edgeTo[e]] == id {
				f.taken[a] = true
			}
		}
	}
	ok := true
	for _, a := range f.dirty {
		if int(f.count[a]) == len(members) && !f.taken[a] {
			ok = false
		}
		f.count[a], f.last[a], f.taken[a] = 0, -1, false
	}
	f.dirty = f.dirty[:0]
	return ok
}

// bfsPath returns the shortest path from src through allowed states to the
// first state target accepts (src itself only through a cycle), in edge
// order, or nil.
func (g *Graph) bfsPath(src int32, allowed, target func(int32) bool) []edge {
	pred := map[int32]edge{}
	seen := map[int32]bool{src: true}
	queue := []int32{src}
	for q := 0; q < len(queue); q++ {
		u := queue[q]
		for e := g.edgeOff[u]; e < g.edgeOff[u+1]; e++ {
			w := g.edgeTo[e]
			if !allowed(w) {
				continue
			}
			ed := edge{u, w, g.edgeLab[e]}
			if target(w) {
				path := []edge{ed}
				for x := u; x != src; x = pred[x].from {
					path = append(path, pred[x])
				}
				for l, r := 0, len(path)-1; l < r; l, r = l+1, r-1 {
					path[l], path[r] = path[r], path[l]
				}
				return path
			}
			if !seen[w] {
				seen[w] = true
				pred[w] = ed
				queue = append(queue, w)
			}
		}
	}
	return nil
}

// fairLoop builds a weakly fair cycle from b back to b inside b's
// component: the shortest cycle, extended while some action is enabled in
// every state of the loop but never taken in it, by the shorter of two
// detours: through the nearest state where the action is disabled, or
// through the nearest edge of the action inside the component.
func (g *Graph) fairLoop(b int32, scc []int32) []edge {
	id := scc[b]
	inC := func(w int32) bool { return int(w) < len(scc) && scc[w] == id }
	// nearest is the shortest path from b to a state target accepts (b
	// itself: no steps).
	nearest := func(target func(int32) bool) ([]edge, bool) {
		if target(b) {
			return nil, true
		}
		p := g.bfsPath(b, inC, target)
		return p, p != nil
	}
	back := func(x int32) []edge {
		if x == b {
			return nil
		}
		return g.bfsPath(x, inC, func(w int32) bool { return w == b })
	}
	loop := g.bfsPath(b, inC, func(w int32) bool { return w == b })
	for changed := true; changed; {
		changed = false
		taken := map[int]bool{}
		for _, e := range loop {
			taken[int(e.label>>16)] = true
		}
		for a := range g.Table.Actions {
			if taken[a] || !g.enabledAlong(loop, a) {
				continue
			}
			var best []edge
			if p, ok := nearest(func(w int32) bool { return !g.hasAction(w, a) }); ok {
				end := b
				if len(p) > 0 {
					end = p[len(p)-1].to
				}
				best = append(p, back(end)...)
			}
			internal := func(w int32) (edge, bool) {
				for e := g.edgeOff[w]; e < g.edgeOff[w+1]; e++ {
					if int(g.edgeLab[e]>>16) == a && inC(g.edgeTo[e]) {
						return edge{w, g.edgeTo[e], g.edgeLab[e]}, true
					}
				}
				return edge{}, false
			}
			if p, ok := nearest(func(w int32) bool { _, ok := internal(w); return ok }); ok {
				u := b
				if len(p) > 0 {
					u = p[len(p)-1].to
				}
				e, _ := internal(u)
				d := append(append(p, e), back(e.to)...)
				if best == nil || len(d) < len(best) {
					best = d
				}
			}
			if best == nil {
				continue // cannot happen in a fair component
			}
			loop = append(loop, best...)
			changed = true
			break
		}
	}
	return loop
}

// enabledAlong reports whether action a is enabled in every state the loop
// passes through.
func (g *Graph) enabledAlong(loop []edge, a int) bool {
	for _, e := range loop {
		if !g.hasAction(e.from, a) {
			return false
		}
	}
	return true
}
