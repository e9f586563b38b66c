package modelcheck

import (
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/report"
)

// Graph is the explored state space of one table: every reachable state
// (within the bounds) in BFS discovery order, each with the step that first
// reached it. State 0 .. Len()-1 are numbered in that order, so a smaller
// number never has a longer trace.
type Graph struct {
	Table  *specengine.Table
	Domain *domain.Domain
	// Transitions counts the accepted Apply calls (state, action, params).
	Transitions int64
	// OutOfBounds counts reached states with a counter, int or list beyond
	// its bound: they are checked against the invariants but not expanded.
	OutOfBounds int
	// Capped is set when Options.MaxStates stopped the exploration.
	Capped bool
	// Restarts counts explorations thrown away because a variable took
	// more distinct values than its packed width held.
	Restarts int
	// Duration is the time the exploration took.
	Duration time.Duration

	lay    layout
	codecs []*slotCodec
	set    *stateSet
	side   []uint64 // slots outside the key, sideWords per state
	parent []int32  // BFS parent, -1 for an initial state
	label  []uint32 // action<<16 | parameter set, of the step from parent
	oob    []bool
	// expanded: states below it were expanded (except out-of-bounds ones).
	expanded int
	reached  []bool // by status

	// The transition relation without implicit callbacks, in CSR form:
	// the edges of state i are edgeTo[edgeOff[i]:edgeOff[i+1]]. Kept only
	// when liveness needs it (or Options.KeepEdges).
	edges   bool
	edgeOff []int
	edgeTo  []int32
	edgeLab []uint32

	// Collected during the exploration.
	invFirst       []int32 // per invariant: first violating state, or -1
	noEnabledFirst []int32 // per status: first expanded state with no enabled action
	noEnabledCount []int
	enabledEver    []bool // per action
	terminal       []bool // per status: terminal for the deadlock check
	callbacks      []callbackFailure
	cbFailed       map[cbKey]bool
}

type cbKey struct {
	action      int
	integration string
	callback    int
}

// callbackFailure is the first transition after which a callback of an
// integration the transition started is not enabled.
type callbackFailure struct {
	src         int32
	label       uint32
	integration string
	role        string // on_success or on_failure
	callback    int
}

// Len is the number of reachable states found.
func (g *Graph) Len() int { return g.set.n }

// State returns state i, decoded into fresh memory. Its version is 0: the
// checker does not track versions (Apply's only use of them, generated
// spawn ids, then stays finite).
func (g *Graph) State(i int) specengine.State {
	s := specengine.State{Vars: make([]expr.Value, len(g.Table.Vars))}
	g.decode(i, &s, make([]uint32, len(s.Vars)))
	return s
}

// Expanded reports whether the successors of state i were explored: false
// for states beyond a bound and, when capped, for the unexplored rest.
func (g *Graph) Expanded(i int) bool { return i < g.expanded && !g.oob[i] }

// Reached reports, by state index of the table, which statuses some
// reachable state has.
func (g *Graph) Reached() []bool { return append([]bool(nil), g.reached...) }

// Trace returns the shortest trace to state i: the create step, then each
// action with its parameters and the state after it.
func (g *Graph) Trace(i int) []report.Step {
	root, labels := g.pathTo(i)
	steps, _ := g.walk(root, labels)
	return steps
}

// pathTo returns the initial state state i descends from and the labels of
// the BFS tree path to it.
func (g *Graph) pathTo(i int) (int, []uint32) {
	var labels []uint32
	for g.parent[i] >= 0 {
		labels = append(labels, g.label[i])
		i = int(g.parent[i])
	}
	for l, r := 0, len(labels)-1; l < r; l, r = l+1, r-1 {
		labels[l], labels[r] = labels[r], labels[l]
	}
	return i, labels
}

// walk runs the steps from initial state root through labels with Apply
// and renders them; it also returns the last state. Every label was found
// by the same call, so each step is accepted.
func (g *Graph) walk(root int, labels []uint32) ([]report.Step, specengine.State) {
	t := g.Table
	s := g.State(root)
	steps := []report.Step{{State: report.StateMap(t, &s)}}
	var st specengine.Step
	for _, l := range labels {
		a, p := int(l>>16), int(l&0xffff)
		params := g.Domain.ParamSets[a][p]
		s.Version = 0
		if t.Apply(&st, &s, a, params) != specengine.OK {
			break
		}
		s = st.Next.Clone()
		steps = append(steps, report.Step{Action: t.Actions[a].Name, Params: report.ParamMap(t.Actions[a], params), State: report.StateMap(t, &s)})
	}
	return steps, s
}

func (g *Graph) status(i int) int {
	f := g.lay.status
	return int(g.set.key(i)[f.word] >> f.shift & f.mask)
}

// decode writes state i into s (whose Vars has one value per slot) and its
// slot codes into codes.
func (g *Graph) decode(i int, s *specengine.State, codes []uint32) {
	kw := g.set.key(i)
	var sw []uint64
	if n := g.lay.sideWords; n > 0 {
		sw = g.side[i*n : (i+1)*n]
	}
	f := g.lay.status
	s.ID, s.Version = "e", 0
	s.Status = int(kw[f.word] >> f.shift & f.mask)
	for j, f := range g.lay.slots {
		w := kw
		if !f.inKey {
			w = sw
		}
		c := uint32(w[f.word] >> f.shift & f.mask)
		codes[j] = c
		s.Vars[j] = g.codecs[j].vals[c]
	}
}

func (g *Graph) hasAction(u int32, a int) bool {
	for e := g.edgeOff[u]; e < g.edgeOff[u+1]; e++ {
		if int(g.edgeLab[e]>>16) == a {
			return true
		}
	}
	return false
}
