package modelcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
)

// DefaultMaxStates caps the states stored per entity type.
const DefaultMaxStates = 5_000_000

// Options configure the model checker. The zero value is ready to use.
type Options struct {
	// Domain bounds the abstraction: the counter, int and list bound
	// (default 3, raised per variable by the literals the spec uses) and
	// the caps on parameter sets and initial states.
	Domain domain.Options
	// MaxStates caps the states stored per entity type; default
	// DefaultMaxStates. Reaching it is reported as a truncation warning.
	MaxStates int
	// NoProjection keeps every variable in the hashed state key. By
	// default variables no predicate or effect reads are carried beside
	// the key: two states that differ only there behave alike, so one
	// stands for both.
	NoProjection bool
	// KeepEdges keeps the transition relation in the Graph even when the
	// table declares no liveness property (liveness always keeps it).
	KeepEdges bool
}

func (o Options) withDefaults() Options {
	if o.MaxStates <= 0 {
		o.MaxStates = DefaultMaxStates
	}
	if o.MaxStates > 1<<31-2 {
		o.MaxStates = 1<<31 - 2
	}
	// Parameter sets are numbered in 16 bits in a state's label.
	if o.Domain.MaxParamSets > 1<<16-1 {
		o.Domain.MaxParamSets = 1<<16 - 1
	}
	return o
}

// Explore runs the breadth-first exploration of t over domain d (nil: built
// from opts.Domain) and returns the reachable state graph with what it saw
// on the way (invariant violations, states without an enabled action,
// actions ever enabled, callbacks not enabled where they arrive). It
// returns ctx's error if ctx ends first.
func Explore(ctx context.Context, t *specengine.Table, d *domain.Domain, opts Options) (*Graph, error) {
	start := time.Now()
	opts = opts.withDefaults()
	if d == nil {
		d = domain.New(t, opts.Domain)
	}
	// A state's label numbers the action and the parameter set in 16
	// bits each.
	if len(t.Actions) > 1<<16 {
		return nil, fmt.Errorf("explore %s: %d actions, at most %d supported", t.Entity, len(t.Actions), 1<<16)
	}
	for a, ps := range d.ParamSets {
		if len(ps) > 1<<16 {
			return nil, fmt.Errorf("explore %s: %d parameter sets for %s, at most %d supported", t.Entity, len(ps), t.Actions[a].Name, 1<<16)
		}
	}
	n := len(t.Vars)
	inKey := make([]bool, n)
	width := make([]uint, n)
	for j, v := range t.Vars {
		inKey[j] = opts.NoProjection || j >= len(d.Read) || d.Read[j]
		width[j] = initialWidth(v.Type, d.Bounds[j], len(d.SlotValues[j]))
	}
	edges := opts.KeepEdges
	for _, l := range t.Liveness {
		edges = edges || len(l.Reaches) > 0
	}
	restarts := 0
	for {
		g, widen, err := explore(ctx, t, d, opts, inKey, width, edges)
		if err != nil {
			return nil, fmt.Errorf("explore %s: %w", t.Entity, err)
		}
		if widen < 0 {
			g.Restarts = restarts
			g.Duration = time.Since(start)
			return g, nil
		}
		if width[widen] >= 32 {
			return nil, fmt.Errorf("explore %s: variable %s takes more than 2^32 values", t.Entity, t.Vars[widen].Name)
		}
		width[widen] = min(32, width[widen]+3)
		restarts++
	}
}

// initialWidth guesses the bits a slot's codes need; a wrong guess costs a
// restart with a wider field, never a wrong result.
func initialWidth(typ expr.Type, bound int64, candidates int) uint {
	switch typ {
	case expr.TBool:
		return 2
	case expr.TInt, expr.TCounter, expr.TFloat:
		if bound > 1<<20 {
			bound = 1 << 20
		}
		return bitsFor(int(2*bound + 4))
	case expr.TString:
		return bitsFor(candidates+4) + 1
	}
	return 8
}

// explore is one exploration with fixed field widths. It returns the slot
// whose width overflowed (and no graph), or -1.
//
// Each state is decoded once, when the BFS reaches it: its invariants are
// checked then (states are numbered in BFS order, so the first violation
// found has the shortest trace), and, if it is within the bounds, every
// action runs on it with every parameter set. The successors' keys are
// built from the state's own key, re-packing only the slots that changed;
// their table entries are prefetched, and they are looked up and added, in
// order, only after the next state has been expanded, so the cache misses
// resolve behind that work.
func explore(ctx context.Context, t *specengine.Table, d *domain.Domain, opts Options, inKey []bool, width []uint, keepEdges bool) (*Graph, int, error) {
	n := len(t.Vars)
	g := &Graph{
		Table:          t,
		Domain:         d,
		lay:            newLayout(len(t.States), append([]uint(nil), width...), inKey),
		codecs:         make([]*slotCodec, n),
		reached:        make([]bool, len(t.States)),
		edges:          keepEdges,
		invFirst:       make([]int32, len(t.Invariants)),
		noEnabledFirst: make([]int32, len(t.States)),
		noEnabledCount: make([]int, len(t.States)),
		enabledEver:    make([]bool, len(t.Actions)),
		terminal:       terminalStates(t),
		cbFailed:       map[cbKey]bool{},
	}
	for i := range g.invFirst {
		g.invFirst[i] = -1
	}
	for i := range g.noEnabledFirst {
		g.noEnabledFirst[i] = -1
	}
	for j := range g.codecs {
		g.codecs[j] = newSlotCodec(d.Bounds[j], width[j])
	}
	lay := &g.lay
	K, S := lay.keyWords, lay.sideWords
	set := newStateSet(K, lay.keyBits)
	defer set.release() // the table is only needed while exploring
	g.set = set
	stf := lay.status

	// Actions that may run in each status, in index order.
	byStatus := make([][]int, len(t.States))
	for a, act := range t.Actions {
		if act.Event {
			continue
		}
		for s, ok := range act.From {
			if ok {
				byStatus[s] = append(byStatus[s], a)
			}
		}
	}

	// add stores a new state; the caller checked it is absent and that
	// there is room.
	add := func(key, side []uint64, pos uint64, parent int, label uint32, oob bool) int {
		i := set.insert(key, pos)
		g.side = append(g.side, side...)
		g.parent = append(g.parent, int32(parent))
		g.label = append(g.label, label)
		g.oob = append(g.oob, oob)
		if oob {
			g.OutOfBounds++
		}
		g.reached[int(key[stf.word]>>stf.shift&stf.mask)] = true
		return i
	}

	// Initial states: one per combination of free inputs.
	key := make([]uint64, K)
	side := make([]uint64, S)
	for _, s := range d.Initials() {
		clear(key)
		clear(side)
		key[stf.word] |= uint64(s.Status) << stf.shift
		oob := false
		for j := range s.Vars {
			c := g.codecs[j]
			code := c.code(&s.Vars[j])
			if c.overflow {
				return nil, j, nil
			}
			f := lay.slots[j]
			if f.inKey {
				key[f.word] |= uint64(code) << f.shift
				oob = oob || c.oob[code]
			} else {
				side[f.word] |= uint64(code) << f.shift
			}
		}
		if i, pos := set.lookup(key); i < 0 {
			if set.n >= opts.MaxStates {
				g.Capped = true
				break
			}
			add(key, side, pos, -1, 0, oob)
		}
	}

	var (
		cur      = specengine.State{ID: "e", Vars: make([]expr.Value, n)}
		curCodes = make([]uint32, n)
		curKey   = make([]uint64, K)
		curSide  = make([]uint64, S)
		step     specengine.Step
		chk      specengine.Step
		// The successors of the state just expanded wait in pending
		// while the next state is expanded, so the cache misses of their
		// table entries (prefetched when they were built) resolve behind
		// that work; then they are looked up and added, in order.
		pending, next = &batch{src: -1}, &batch{}
	)

	// flush looks up and adds the successors in b; it reports false when
	// MaxStates stopped the exploration.
	flush := func(b *batch) bool {
		if b.src < 0 {
			return true
		}
		src := b.src
		b.src = -1
		if keepEdges {
			for len(g.edgeOff) <= src {
				g.edgeOff = append(g.edgeOff, len(g.edgeTo))
			}
		}
		for j, sc := range b.succs {
			key := b.keys[j*K : (j+1)*K]
			pos := b.pos[j]
			if set.size != b.size {
				pos = hashKey(key) >> set.shift
			}
			x, pos := set.lookupAt(key, pos)
			if x < 0 {
				if set.n >= opts.MaxStates {
					g.Capped = true
					if keepEdges {
						g.edgeTo = g.edgeTo[:g.edgeOff[src]]
						g.edgeLab = g.edgeLab[:g.edgeOff[src]]
						g.edgeOff = g.edgeOff[:src]
					}
					g.expanded = src
					g.checkRest(src)
					return false
				}
				x = add(key, b.sides[j*S:(j+1)*S], pos, src, sc.label, sc.oob)
			}
			if keepEdges && !sc.implicit {
				g.edgeTo = append(g.edgeTo, int32(x))
				g.edgeLab = append(g.edgeLab, sc.label)
			}
		}
		return true
	}

	slots := lay.slots
	for i := 0; ; i++ {
		if i >= set.n {
			if !flush(pending) {
				return g.finish(), -1, nil
			}
			if i >= set.n {
				break
			}
		}
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, -1, err
			}
		}
		g.decode(i, &cur, curCodes)
		if len(t.Invariants) > 0 {
			if k := t.CheckInvariants(&chk, &cur); k >= 0 {
				g.violations(i, k, &cur)
			}
		}
		if g.oob[i] {
			continue
		}
		copy(curKey, set.key(i))
		if S > 0 {
			copy(curSide, g.side[i*S:(i+1)*S])
		}

		// Successors: run every action with every parameter set.
		b := next
		b.src, b.succs, b.keys, b.sides = i, b.succs[:0], b.keys[:0], b.sides[:0]
		enabled := 0
		for _, a := range byStatus[cur.Status] {
			implicit := t.Actions[a].Implicit
			for p, params := range d.ParamSets[a] {
				if t.Apply(&step, &cur, a, params) != specengine.OK {
					continue
				}
				g.Transitions++
				g.enabledEver[a] = true
				if !implicit {
					enabled++
				}
				nx := &step.Next
				kb, sb := len(b.keys), len(b.sides)
				b.keys = append(b.keys, curKey...)
				b.sides = append(b.sides, curSide...)
				key, side := b.keys[kb:], b.sides[sb:]
				key[stf.word] = key[stf.word]&^(stf.mask<<stf.shift) | uint64(nx.Status)<<stf.shift
				oob := false
				for j := range nx.Vars {
					v := &nx.Vars[j]
					if sameRep(v, &cur.Vars[j]) {
						continue
					}
					c := g.codecs[j]
					code := c.code(v)
					if c.overflow {
						return nil, j, nil
					}
					f := &slots[j]
					w := side
					if f.inKey {
						w = key
						oob = oob || c.oob[code]
					}
					w[f.word] = w[f.word]&^(f.mask<<f.shift) | uint64(code)<<f.shift
				}
				label := uint32(a)<<16 | uint32(p)
				b.succs = append(b.succs, succ{label: label, oob: oob, implicit: implicit})
				if len(step.Out) > 0 {
					g.checkCallbacks(i, label, &step, &chk)
				}
			}
		}
		if enabled == 0 {
			if g.noEnabledFirst[cur.Status] < 0 {
				g.noEnabledFirst[cur.Status] = int32(i)
			}
			g.noEnabledCount[cur.Status]++
		}
		// Prefetch their table entries now, look them up after the next
		// state's expansion.
		if cap(b.pos) < len(b.succs) {
			b.pos = make([]uint64, len(b.succs), 2*len(b.succs))
		}
		b.pos = b.pos[:len(b.succs)]
		b.size = set.size
		for j := range b.succs {
			b.pos[j] = hashKey(b.keys[j*K:(j+1)*K]) >> set.shift
			set.touch(b.pos[j])
		}
		if !flush(pending) {
			return g.finish(), -1, nil
		}
		pending, next = next, pending
	}
	g.expanded = set.n
	return g.finish(), -1, nil
}

// succ is one successor waiting in a batch.
type succ struct {
	label    uint32
	oob      bool
	implicit bool
}

// batch holds the successors of one state: their packed keys and side
// words, and where their probes start (valid while the table has size).
type batch struct {
	src   int
	succs []succ
	keys  []uint64
	sides []uint64
	pos   []uint64
	size  int
}

// finish closes the CSR offsets: one entry per state plus one, so
// unexpanded states have no edges.
func (g *Graph) finish() *Graph {
	if !g.edges {
		return g
	}
	for len(g.edgeOff) <= g.set.n {
		g.edgeOff = append(g.edgeOff, len(g.edgeTo))
	}
	return g
}

// checkRest checks the invariants of the states from i on, which a capped
// exploration stored but never reached.
func (g *Graph) checkRest(i int) {
	t := g.Table
	if len(t.Invariants) == 0 {
		return
	}
	s := specengine.State{Vars: make([]expr.Value, len(t.Vars))}
	codes := make([]uint32, len(t.Vars))
	var chk specengine.Step
	for ; i < g.set.n; i++ {
		g.decode(i, &s, codes)
		if k := t.CheckInvariants(&chk, &s); k >= 0 {
			g.violations(i, k, &s)
		}
	}
}

// sameRep reports whether v is certainly the value c (the same bits, the
// same list backing array); false only costs an intern lookup.
func sameRep(v, c *expr.Value) bool {
	if v.K != c.K || v.N != c.N {
		return false
	}
	switch v.K {
	case expr.String:
		return v.S == c.S
	case expr.List:
		return len(v.L) == len(c.L) && (len(v.L) == 0 || &v.L[0] == &c.L[0])
	case expr.Float:
		return v.F == c.F
	}
	return true
}

// terminalStates marks the states the deadlock check skips: the declared
// terminal ones, or, when the spec declares none, those no action leaves
// (as in the seed's early form). Implicit callbacks do not count: they
// arrive only after an integration ran.
func terminalStates(t *specengine.Table) []bool {
	declared := false
	for _, x := range t.Terminal {
		declared = declared || x
	}
	out := make([]bool, len(t.States))
	for s := range t.States {
		if declared {
			out[s] = t.Terminal[s]
			continue
		}
		out[s] = true
		for _, a := range t.Actions {
			if !a.Implicit && !a.Event && a.From[s] {
				out[s] = false
			}
		}
	}
	return out
}

// violations records state i as the first violation of invariant k and of
// every later invariant it also breaks.
func (g *Graph) violations(i, k int, s *specengine.State) {
	f := expr.Frame{Status: s.Status, Vars: s.Vars}
	for x := k; x < len(g.Table.Invariants); x++ {
		if g.invFirst[x] >= 0 {
			continue
		}
		inv := g.Table.Invariants[x]
		if x == k || (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&f) {
			g.invFirst[x] = int32(i)
		}
	}
}

// checkCallbacks checks, for a transition from src by label whose step
// starts integrations, that each integration's callbacks are enabled in the
// state after it, where the module's result arrives.
func (g *Graph) checkCallbacks(src int, label uint32, st *specengine.Step, chk *specengine.Step) {
	t := g.Table
	for _, o := range st.Out {
		if o.Kind != specengine.OutIntegration {
			continue
		}
		var name, succ, fail string
		switch {
		case o.Integration != nil:
			name, succ, fail = o.Integration.Name, o.Integration.OnSuccess, o.Integration.OnFailure
		case o.Trigger != nil:
			name, succ, fail = o.Trigger.Name, o.Trigger.OnSuccess, o.Trigger.OnFailure
		default:
			continue
		}
		for _, cb := range [2]struct{ role, name string }{{"on_success", succ}, {"on_failure", fail}} {
			ca, ok := t.Action(cb.name)
			if cb.name == "" || !ok {
				continue
			}
			k := cbKey{action: int(label >> 16), integration: name, callback: ca.Index}
			if g.cbFailed[k] {
				continue
			}
			en := false
			for _, params := range g.Domain.ParamSets[ca.Index] {
				if t.Apply(chk, &st.Next, ca.Index, params) == specengine.OK {
					en = true
					break
				}
			}
			if !en {
				g.cbFailed[k] = true
				g.callbacks = append(g.callbacks, callbackFailure{src: int32(src), label: label, integration: name, role: cb.role, callback: ca.Index})
			}
		}
	}
}
