package proptest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/report"
)

// KindFieldInvariantBreach is a finding for a transition Apply accepted
// although its next state breaks a field invariant.
const KindFieldInvariantBreach = "field-invariant-breach"

// KindVersionSkew is a finding for an accepted transition that did not
// advance the version by one.
const KindVersionSkew = "version-skew"

// KindPanic is a finding for a panic while running a sequence.
const KindPanic = "panic"

// KindNoInitialState is a warning for an entity type whose every initial
// state breaks a field invariant, so that nothing can be tested.
const KindNoInitialState = "no-initial-state"

// Options tune L3. The zero value is a sensible default.
type Options struct {
	// Checks is the number of random sequences per entity type; default
	// 200.
	Checks int
	// Seed makes the run reproducible: the same seed and options give the
	// same findings. Default 1.
	Seed uint64
	// MaxSteps bounds a sequence's length; default 50.
	MaxSteps int
	// ShrinkTime bounds rapid's shrinking of one failure; default 5s (and
	// never past the context's deadline).
	ShrinkTime time.Duration
	// Domain bounds the parameter values and initial states.
	Domain domain.Options
}

// DefaultSeed is the seed when Options.Seed is zero.
const DefaultSeed = 1

func (o Options) withDefaults() Options {
	if o.Checks <= 0 {
		o.Checks = 200
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.MaxSteps <= 0 {
		o.MaxSteps = 50
	}
	if o.ShrinkTime <= 0 {
		o.ShrinkTime = 5 * time.Second
	}
	return o
}

// ErrNoBundle is returned for a nil bundle.
var ErrNoBundle = errors.New("proptest: no bundle")

// Check runs level L3 over every entity type of a bundle. A failing
// sequence becomes a finding with its minimal trace (the create, then
// each step with its parameters and the state after it) and the seed that
// reproduces it. After a failure the type is checked again without the
// broken property, so every broken invariant gets its own counterexample.
func Check(ctx context.Context, b *specengine.Bundle, opts Options) (*report.Result, error) {
	if b == nil {
		return nil, ErrNoBundle
	}
	start := time.Now()
	o := opts.withDefaults()
	r := &report.Result{Level: report.L3, Passed: true}
	var runs, steps, sequences int
	for _, t := range b.TableList {
		p := newProp(ctx, t, o)
		if len(p.initials) == 0 {
			r.Warn(report.Finding{Kind: KindNoInitialState, Entity: t.Entity,
				Msg: fmt.Sprintf("no initial state of %s satisfies its field invariants; it is not tested", t.Entity)})
			continue
		}
		// Each round either passes or finds one broken property, which the
		// next round leaves out.
		for round := 0; round <= len(t.Invariants)+len(t.FieldInvariants)+1; round++ {
			shrink := o.ShrinkTime
			if d, ok := ctx.Deadline(); ok {
				shrink = min(shrink, time.Until(d))
			}
			p.last = nil
			failed, msgs, err := runRapid("temper-L3-"+t.Entity, runSettings{checks: o.Checks, seed: o.Seed, shrink: shrink}, p.check)
			if err != nil {
				return nil, err
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			runs++
			if !failed {
				break
			}
			if p.last == nil {
				// rapid failed without our verdict: the sequence panicked.
				seed := o.Seed
				r.Fail(report.Finding{Kind: KindPanic, Entity: t.Entity, Seed: &seed,
					Msg: fmt.Sprintf("a sequence of %s actions panicked: %s", t.Entity, firstLine(msgs))})
				break
			}
			f := p.last
			found := len(f.steps)
			f = p.shortest(f)
			r.Fail(p.finding(f, found))
			p.excludeFailure(f)
		}
		sequences += p.sequences
		steps += p.steps
	}
	r.Duration = time.Since(start)
	fails := r.Errors()
	types := fmt.Sprintf("%d entity types", len(b.TableList))
	if len(b.TableList) == 1 {
		types = "1 entity type"
	}
	r.Summary = fmt.Sprintf("%d checks × ≤%d steps per entity type (%s), seed %d; %s",
		o.Checks, o.MaxSteps, types, o.Seed, plural(fails, "failure"))
	r.Stats = map[string]float64{
		"checks":    float64(o.Checks),
		"sequences": float64(sequences),
		"steps":     float64(steps),
		"rounds":    float64(runs),
	}
	if s := r.Duration.Seconds(); s > 0 {
		r.Stats["steps_per_sec"] = float64(steps) / s
	}
	return r, nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func firstLine(msgs []string) string {
	if len(msgs) == 0 {
		return "(no message)"
	}
	s, _, _ := strings.Cut(msgs[0], "\n")
	return s
}

// move is one step of a sequence: an action and its parameters.
type move struct {
	a      int
	params []expr.Value
}

// failure is a failing sequence and how it fails.
type failure struct {
	kind    string
	inv     int // the invariant or field invariant, or -1
	initial int
	steps   []move
}

func (f *failure) key() string { return fmt.Sprintf("%s/%d", f.kind, f.inv) }

func (f *failure) same(kind string, inv int) bool { return f.kind == kind && f.inv == inv }

// prop is the property of one entity type: every sequence of enabled
// actions from an initial state keeps every invariant.
type prop struct {
	ctx      context.Context
	t        *specengine.Table
	dom      *domain.Domain
	initials []specengine.State
	actions  []int // every action but output events
	maxSteps int
	seed     uint64
	// Properties already reported, left out of later rounds.
	exVersion bool
	exInv     []bool
	exField   []bool

	last      *failure // the latest failing sequence rapid ran
	sequences int
	steps     int

	choice *rapid.Generator[choice]
	swarm  *rapid.Generator[bool]
	off    []bool // by p.actions index: left out of this sequence
	en     []int  // scratch: enabled actions
	sets   []int  // scratch: enabled parameter sets
}

// choice is the raw draw of one step. It is read relative to what is
// enabled when the step runs, so rapid can delete and simplify steps
// freely: a smaller choice picks an earlier enabled action, and keep = 0
// makes the step a no-op.
type choice struct{ keep, a, p int }

func newProp(ctx context.Context, t *specengine.Table, o Options) *prop {
	d := domain.New(t, o.Domain)
	p := &prop{ctx: ctx, t: t, dom: d, initials: d.Initials(), maxSteps: o.MaxSteps, seed: o.Seed,
		exInv: make([]bool, len(t.Invariants)), exField: make([]bool, len(t.FieldInvariants))}
	for _, a := range t.Actions {
		if !a.Event {
			p.actions = append(p.actions, a.Index)
		}
	}
	p.off = make([]bool, len(p.actions))
	p.swarm = rapid.Bool()
	keep := rapid.IntRange(0, 15)
	pick := rapid.IntRange(0, 1<<16-1)
	p.choice = rapid.Custom(func(rt *rapid.T) choice {
		return choice{keep: keep.Draw(rt, "keep"), a: pick.Draw(rt, "action"), p: pick.Draw(rt, "params")}
	})
	return p
}

// check is the rapid property.
func (p *prop) check(rt *rapid.T) {
	if p.ctx.Err() != nil {
		return // canceled: let rapid finish quickly; Check reports ctx.Err
	}
	p.sequences++
	init := rapid.IntRange(0, len(p.initials)-1).Draw(rt, "initial")
	s := p.initials[init].Clone()
	var st specengine.Step
	var steps []move
	if kind, inv := p.judge(-1, &s); kind != "" {
		p.fail(rt, &failure{kind: kind, inv: inv, initial: init})
	}
	// Swarm testing: half the sequences leave out a random subset of the
	// actions, so that paths an ever-enabled action (Cancel, say) would
	// cut short get explored too. Shrinking turns it off.
	for i := range p.off {
		p.off[i] = false
	}
	if p.swarm.Draw(rt, "swarm") {
		for i := range p.off {
			p.off[i] = p.swarm.Draw(rt, "off")
		}
	}
	n := rapid.IntRange(0, p.maxSteps).Draw(rt, "steps")
	for k := 0; k < n; k++ {
		c := p.choice.Draw(rt, "step")
		if c.keep == 0 {
			continue
		}
		a, params, ok := p.pick(&st, &s, c)
		if !ok {
			break // nothing is enabled: a terminal state or a deadlock (L1's)
		}
		prev := s.Version
		if p.t.Apply(&st, &s, a, params) != specengine.OK {
			continue // a write the field invariants refuse: rejected, not a step
		}
		p.steps++
		s.Status, s.Version = st.Next.Status, st.Next.Version
		s.Vars = append(s.Vars[:0], st.Next.Vars...)
		steps = append(steps, move{a, params})
		if kind, inv := p.judge(prev, &s); kind != "" {
			p.fail(rt, &failure{kind: kind, inv: inv, initial: init, steps: steps})
		}
	}
}

// pick reads a choice: the c.a-th action (modulo) among those enabled in
// s and not left out by swarm testing (unless that leaves none), with the
// c.p-th of its enabled parameter sets.
func (p *prop) pick(st *specengine.Step, s *specengine.State, c choice) (int, []expr.Value, bool) {
	p.en = p.en[:0]
	on := 0
	for i, a := range p.actions {
		if !p.t.Actions[a].From[s.Status] {
			continue
		}
		for _, ps := range p.dom.ParamSets[a] {
			if p.t.Enabled(st, s, a, ps) {
				p.en = append(p.en, a)
				if !p.off[i] {
					p.en[on], p.en[len(p.en)-1] = p.en[len(p.en)-1], p.en[on]
					on++
				}
				break
			}
		}
	}
	if len(p.en) == 0 {
		return 0, nil, false
	}
	if on > 0 {
		p.en = p.en[:on]
	}
	a := p.en[c.a%len(p.en)]
	p.sets = p.sets[:0]
	for i, ps := range p.dom.ParamSets[a] {
		if p.t.Enabled(st, s, a, ps) {
			p.sets = append(p.sets, i)
		}
	}
	return a, p.dom.ParamSets[a][p.sets[c.p%len(p.sets)]], true
}

// judge returns how the step to s (from version prev; -1 for the initial
// state) fails, if it does and that failure is not excluded: a version
// that did not advance by one, a broken invariant, a field-invariant
// breach.
func (p *prop) judge(prev int64, s *specengine.State) (string, int) {
	if prev >= 0 && s.Version != prev+1 && !p.exVersion {
		return KindVersionSkew, -1
	}
	// Table.CheckInvariants reports only the first broken invariant; to
	// skip the ones already reported, each is tested the way it does.
	f := expr.Frame{Status: s.Status, Vars: s.Vars}
	for i, inv := range p.t.Invariants {
		if !p.exInv[i] && (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&f) {
			return report.InvariantViolation, i
		}
	}
	for i, inv := range p.t.FieldInvariants {
		if !p.exField[i] && (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&f) {
			return KindFieldInvariantBreach, i
		}
	}
	return "", -1
}

// excludeFailure leaves f's property out of later rounds.
func (p *prop) excludeFailure(f *failure) {
	switch f.kind {
	case report.InvariantViolation:
		p.exInv[f.inv] = true
	case KindFieldInvariantBreach:
		p.exField[f.inv] = true
	default:
		p.exVersion = true
	}
}

// fail records the failing sequence and fails the rapid check. The message
// names the property, so rapid's shrinker, which keeps a candidate only if
// it fails at the same place, keeps the same property too.
func (p *prop) fail(rt *rapid.T, f *failure) {
	f.steps = append([]move(nil), f.steps...)
	p.last = f
	rt.Fatal(f.key())
}

// finding renders a failure for the report; found is the length rapid's
// shrinking reached.
func (p *prop) finding(f *failure, found int) report.Finding {
	t := p.t
	trace := p.trace(f)
	state := trace[len(trace)-1].State["status"].(string)
	seed := p.seed
	out := report.Finding{Kind: f.kind, Entity: t.Entity, State: state, Trace: trace, Seed: &seed}
	if len(f.steps) > 0 {
		out.Action = t.Actions[f.steps[len(f.steps)-1].a].Name
	}
	steps := plural(len(f.steps), "step")
	switch f.kind {
	case report.InvariantViolation:
		inv := t.Invariants[f.inv]
		out.Invariant = inv.Name
		out.Msg = fmt.Sprintf("invariant %s violated after %s: %s", inv.Name, steps, inv.Src)
	case KindFieldInvariantBreach:
		inv := t.FieldInvariants[f.inv]
		out.Invariant = inv.Name
		out.Msg = fmt.Sprintf("field invariant %s does not hold after %s Apply accepted: %s", inv.Name, steps, inv.Src)
	default:
		out.Msg = fmt.Sprintf("the version did not advance by one after %s", steps)
	}
	if found != len(f.steps) {
		out.Msg += fmt.Sprintf(" (rapid shrank to %d, cut to the shortest)", found)
	}
	return out
}

// trace replays a failure through Apply into report steps.
func (p *prop) trace(f *failure) []report.Step {
	t := p.t
	s := p.initials[f.initial].Clone()
	out := []report.Step{{State: report.StateMap(t, &s)}}
	var st specengine.Step
	for _, m := range f.steps {
		if t.Apply(&st, &s, m.a, m.params) != specengine.OK {
			break
		}
		s = st.Next.Clone()
		a := t.Actions[m.a]
		out = append(out, report.Step{Action: a.Name, Params: report.ParamMap(a, m.params), State: report.StateMap(t, &s)})
	}
	return out
}
