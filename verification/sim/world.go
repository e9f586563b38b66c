package sim

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/report"
)

// Kinds of L2 findings beyond the shared ones in package report.
const (
	// KindReplayMismatch: a restarted worker rebuilt an entity from its
	// event log and got a different state, or the log no longer applies.
	KindReplayMismatch = "replay-mismatch"
	// KindDuplicateApplied: an update id was applied twice.
	KindDuplicateApplied = "duplicate-applied"
	// KindFieldInvariantBreach: Apply accepted a transition whose next
	// state breaks a field invariant.
	KindFieldInvariantBreach = "field-invariant-breach"
	// KindVersionSkew: an accepted transition did not bump the version by
	// one.
	KindVersionSkew = "version-skew"
	// KindTimerNotEnabled: a schedule(...) or state-timeout timer fired
	// an action the entity rejected (a warning: the timer is lost).
	KindTimerNotEnabled = "timer-not-enabled"
	// KindNoInitialState: no initial state of an entity type satisfies its
	// field invariants, so the type is not simulated (a warning).
	KindNoInitialState = "no-initial-state"
)

// Runtime constants of the model, in virtual milliseconds.
const (
	maxTriggerDepth    = 8      // as the runtime's trigger depth limit
	integrationTimeout = 30_000 // an integration that takes longer fails
	retryAfter         = 1_000  // an actor resends an unanswered request
	maxAttempts        = 3
	crashPercent       = 2 // per actor step, with the crash fault
	entityCapFactor    = 8 // spawned entities stop at this multiple
	driverBudget       = 10_000
	bfsDepth           = 16
	bfsStates          = 4096
)

// entity is one entity and its worker. state, seen and entered are the
// worker's memory, lost in a crash; created and log are the durable history
// it is rebuilt from; applied and snapshot belong to the checker.
type entity struct {
	typ      *entityType
	id       string
	created  specengine.State
	state    specengine.State
	up       bool
	entered  int64           // version at which the current status was entered
	seen     map[uint64]bool // update ids accepted (the runtime's dedupe set)
	log      []logEntry
	inbox    []message // delivered while the worker was down
	applied  map[uint64]bool
	snapshot specengine.State
}

// logEntry is one accepted action in an entity's history.
type logEntry struct {
	id     uint64
	action int
	params []expr.Value
	origin origin
}

// world is one run: the runtime model, the network, the actors and the
// checker, all driven by one PRNG and one virtual clock.
type world struct {
	ctx     context.Context
	m       *model
	opts    Options
	seed    uint64
	rng     *rand.Rand
	faults  FaultSet
	allowed [][]int // per entity type: the actions actors send this seed
	now     int64
	seq     uint64
	nextID  uint64
	q       queue
	msgs    []message // messages in flight, by index; refs counts their events
	refs    []int32
	free    []int32
	ents    []*entity
	index   map[string]int
	maxEnts int
	step    specengine.Step
	bfsStep specengine.Step
	keyBuf  []byte
	cand    []int
	ticks   int
	tail    bool
	done    uint64 // id of the last message a worker handled
	h       digest
	run     *Run
	failed  bool
	warned  map[string]bool
	trace   io.Writer
}

func newWorld(ctx context.Context, m *model, o Options, seed uint64, trace io.Writer) *world {
	w := &world{
		ctx: ctx, m: m, opts: o, seed: seed, trace: trace,
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		index:  map[string]int{},
		warned: map[string]bool{},
		h:      fnvOffset,
		run:    &Run{Seed: seed},
	}
	w.h.u64(seed)
	return w
}

func (w *world) logf(format string, args ...any) {
	fmt.Fprintf(w.trace, "%8dms "+format+"\n", append([]any{w.now}, args...)...)
}

// swarm picks this seed's faults and actions: each with probability one
// half, and at least one action per entity type.
func (w *world) swarm() {
	used := w.m.faultsUsed(w.opts.Faults)
	w.allowed = make([][]int, len(w.m.types))
	if w.opts.NoSwarm {
		w.faults = used
		for i, et := range w.m.types {
			w.allowed[i] = et.invocable
		}
	} else {
		for f := Fault(0); f < numFaults; f++ {
			if used.Has(f) && w.rng.IntN(2) == 0 {
				w.faults = w.faults.With(f)
			}
		}
		for i, et := range w.m.types {
			var acts []int
			for _, a := range et.invocable {
				if w.rng.IntN(2) == 0 {
					acts = append(acts, a)
				}
			}
			if len(acts) == 0 && len(et.invocable) > 0 {
				acts = append(acts, et.invocable[w.rng.IntN(len(et.invocable))])
			}
			w.allowed[i] = acts
		}
	}
	w.run.Faults = w.faults
	for i, et := range w.m.types {
		for _, a := range w.allowed[i] {
			w.run.Actions = append(w.run.Actions, et.t.Entity+"."+et.t.Actions[a].Name)
		}
	}
	w.h.u64(uint64(w.faults))
}

// simulate runs the whole seed: setup, the faulty phase, the fault-free
// tail and the liveness checks.
func (w *world) simulate() error {
	w.swarm()
	for _, et := range w.m.types {
		if len(et.initials) == 0 {
			w.warn(report.Finding{Kind: KindNoInitialState, Entity: et.t.Entity,
				Msg: fmt.Sprintf("no initial state of %s satisfies its field invariants; it is not simulated", et.t.Entity)})
			continue
		}
		for k := 0; k < w.opts.Entities && !w.failed; k++ {
			s := et.initials[w.rng.IntN(len(et.initials))].Clone()
			s.ID = fmt.Sprintf("%s-%d", et.t.Entity, k)
			w.add(et, s)
		}
	}
	w.maxEnts = entityCapFactor * max(1, len(w.ents))
	for a := 0; a < w.opts.Actors; a++ {
		w.push(event{at: w.think(), kind: evActor, actor: int32(a)})
	}
	// The faulty phase ends when the actors have made their steps (or an
	// event budget runs out: timers may chain forever).
	budget := 40*w.opts.Steps + 1000
	if err := w.loop(budget, 0); err != nil || w.failed {
		return err
	}
	// The fault-free tail: no new faults; restarts and in-flight work
	// settle, then the driver judges liveness.
	w.tail = true
	w.h.byte(0x7a)
	if err := w.loop(budget, 0); err != nil || w.failed {
		return err
	}
	for i := 0; i < len(w.ents) && !w.failed; i++ {
		e := w.ents[i]
		for _, lv := range e.typ.liveness {
			if err := w.drive(i, lv); err != nil || w.failed {
				return err
			}
		}
	}
	return nil
}

// loop handles events until the queue is empty, budget events ran, or the
// message until (if non-zero) has been handled.
func (w *world) loop(budget int, until uint64) error {
	for n := 0; len(w.q) > 0 && n < budget && !w.failed; n++ {
		if n&1023 == 1023 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		ev := w.q.pop()
		w.now = ev.at
		w.run.Events++
		w.h.byte(byte(ev.kind))
		w.h.u64(uint64(ev.at))
		switch ev.kind {
		case evActor:
			w.actorStep(int(ev.actor))
		case evDeliver:
			w.deliver(w.take(ev.msg))
		case evRetry:
			m := w.take(ev.msg)
			if w.trace != nil {
				w.logf("retry u%d (attempt %d)", m.id, m.attempt)
			}
			w.send(m)
		case evRestart:
			w.restart(int(ev.ent))
		}
		if until != 0 && w.done == until {
			return nil
		}
		if !w.tail && w.ticks >= w.opts.Steps {
			return nil // the actors are done: the faulty phase ends
		}
	}
	return nil
}

func (w *world) push(e event) {
	w.seq++
	e.seq = w.seq
	w.q.push(e)
}

func (w *world) newID() uint64 {
	w.nextID++
	return w.nextID
}

// think is an actor's pause between requests: short, and now and then
// long enough for timers to come due.
func (w *world) think() int64 {
	d := 1 + w.rng.Int64N(50)
	if w.m.hasTimers && w.rng.IntN(50) == 0 {
		d += w.rng.Int64N(2 * w.m.maxTimerMs)
	}
	return w.now + d
}

// add creates an entity from state s (id set) and returns its index.
func (w *world) add(et *entityType, s specengine.State) int {
	e := &entity{typ: et, id: s.ID, created: s.Clone(), state: s, up: true, entered: s.Version,
		seen: map[uint64]bool{}, applied: map[uint64]bool{}}
	i := len(w.ents)
	w.ents = append(w.ents, e)
	w.index[et.t.Entity+"\x00"+s.ID] = i
	w.run.Entities++
	w.h.str(s.ID)
	w.h.state(&s)
	if w.trace != nil {
		w.logf("create %s %s", s.ID, stateText(et.t, &s))
	}
	w.check(e, nil)
	w.armTimeouts(i)
	return i
}

func (w *world) actorStep(actor int) {
	if w.ticks >= w.opts.Steps {
		return
	}
	w.ticks++
	if len(w.ents) > 0 {
		i := w.rng.IntN(len(w.ents))
		e := w.ents[i]
		if acts := w.allowed[e.typ.idx]; len(acts) > 0 {
			a, p := w.choose(e, acts)
			w.send(message{id: w.newID(), ent: i, action: a, params: p, origin: fromActor})
		}
		if w.faults.Has(FaultCrash) && w.rng.IntN(100) < crashPercent {
			w.crash(w.rng.IntN(len(w.ents)))
		}
	}
	w.push(event{at: w.think(), kind: evActor, actor: int32(actor)})
}

// choose picks an action and parameters for e: mostly one whose from-state
// holds (reading the entity as a query would), sometimes anything at all,
// because agents try things.
func (w *world) choose(e *entity, acts []int) (int, []expr.Value) {
	t := e.typ.t
	sets := e.typ.dom.ParamSets
	if e.up && w.rng.IntN(4) != 0 {
		w.cand = w.cand[:0]
		for _, a := range acts {
			if t.Actions[a].From[e.state.Status] {
				w.cand = append(w.cand, a)
			}
		}
		if len(w.cand) > 0 {
			a := w.cand[w.rng.IntN(len(w.cand))]
			var p []expr.Value
			for try := 0; try < 4; try++ {
				p = sets[a][w.rng.IntN(len(sets[a]))]
				if t.Enabled(&w.step, &e.state, a, p) {
					break
				}
			}
			return a, p
		}
	}
	a := acts[w.rng.IntN(len(acts))]
	return a, sets[a][w.rng.IntN(len(sets[a]))]
}

// send puts a client request on the network: delayed, maybe reordered,
// lost (request or response: the actor retries with the same update id)
// or duplicated.
func (w *world) send(m message) {
	delay := 1 + w.rng.Int64N(20)
	if !w.tail && w.faults.Has(FaultDelay) && w.rng.IntN(5) == 0 {
		delay += w.rng.Int64N(2000)
	}
	if !w.tail && w.faults.Has(FaultDrop) && w.rng.IntN(20) == 0 {
		w.run.Dropped++
		lostRequest := w.rng.IntN(2) == 0
		if m.attempt+1 < maxAttempts {
			r := m
			r.attempt++
			w.push(event{at: w.now + retryAfter + w.rng.Int64N(retryAfter), kind: evRetry, msg: w.store(r)})
		}
		if lostRequest {
			return
		}
	}
	k := w.store(m)
	w.push(event{at: w.now + delay, kind: evDeliver, msg: k})
	w.maybeDup(k, delay)
}

// internal schedules a message the runtime itself delivers (timers,
// callbacks, triggers): durable, never lost, but possibly delivered twice.
func (w *world) internal(m message, at int64) {
	k := w.store(m)
	w.push(event{at: at, kind: evDeliver, msg: k})
	w.maybeDup(k, at-w.now)
}

// store keeps a message for the event that carries it, reusing the slot
// of a message no event carries any more.
func (w *world) store(m message) int32 {
	if n := len(w.free); n > 0 {
		k := w.free[n-1]
		w.free = w.free[:n-1]
		w.msgs[k], w.refs[k] = m, 1
		return k
	}
	w.msgs = append(w.msgs, m)
	w.refs = append(w.refs, 1)
	return int32(len(w.msgs) - 1)
}

// take returns the message of an event and releases the event's hold on
// it.
func (w *world) take(k int32) message {
	m := w.msgs[k]
	if w.refs[k]--; w.refs[k] == 0 {
		w.msgs[k] = message{}
		w.free = append(w.free, k)
	}
	return m
}

func (w *world) maybeDup(k int32, delay int64) {
	if !w.tail && w.faults.Has(FaultDup) && w.rng.IntN(20) == 0 {
		w.run.Duplicated++
		w.refs[k]++
		w.push(event{at: w.now + delay + w.rng.Int64N(500), kind: evDeliver, msg: k})
	}
}

func (w *world) deliver(m message) {
	if m.ent < 0 {
		tt := w.m.types[m.typ]
		i, ok := w.index[tt.t.Entity+"\x00"+m.key]
		if !ok {
			if len(w.ents) >= w.maxEnts {
				return
			}
			if i = w.create(tt, m.key, m.origin.String()+" "+m.cause); i < 0 || w.failed {
				return
			}
		}
		m.ent = i
	}
	e := w.ents[m.ent]
	if !e.up {
		e.inbox = append(e.inbox, m)
		return
	}
	w.process(m.ent, m)
}

// process is the worker handling one message: deduplicate by id, run the
// transition table, record the event, then act on the outgoing work.
func (w *world) process(i int, m message) {
	e := w.ents[i]
	t := e.typ.t
	w.done = m.id
	w.h.u64(m.id)
	if e.seen[m.id] {
		w.run.Deduplicated++
		if w.trace != nil {
			w.logf("%s u%d %s (%s): duplicate, first result returned", e.id, m.id, t.Actions[m.action].Name, m.origin)
		}
		return
	}
	if m.origin == fromTimeout && (e.state.Status != m.state || e.entered != m.armed) {
		w.h.byte(0xfe)
		return // the entity left the state: the timer was cancelled
	}
	out := t.Apply(&w.step, &e.state, m.action, m.params)
	w.h.byte(byte(out))
	if out != specengine.OK {
		w.run.Rejected++
		if w.trace != nil {
			w.logf("%s u%d %s%s (%s): rejected: %s", e.id, m.id, t.Actions[m.action].Name, paramText(t.Actions[m.action], m.params), m.origin, out)
		}
		w.rejected(i, m)
		return
	}
	next := &w.step.Next
	if e.applied[m.id] {
		w.fail(i, report.Finding{Kind: KindDuplicateApplied, Action: t.Actions[m.action].Name,
			Msg: fmt.Sprintf("update u%d of %s was applied twice", m.id, t.Actions[m.action].Name)})
		return
	}
	e.applied[m.id] = true
	e.seen[m.id] = true
	e.log = append(e.log, logEntry{id: m.id, action: m.action, params: m.params, origin: m.origin})
	w.run.Transitions++
	if next.Version != e.state.Version+1 {
		w.fail(i, report.Finding{Kind: KindVersionSkew, Action: t.Actions[m.action].Name,
			Msg: fmt.Sprintf("%s moved version %d to %d", t.Actions[m.action].Name, e.state.Version, next.Version)})
		return
	}
	moved := next.Status != e.state.Status
	e.state.Status = next.Status
	e.state.Version = next.Version
	e.state.Vars = append(e.state.Vars[:0], next.Vars...)
	w.h.state(&e.state)
	if w.trace != nil {
		w.logf("%s u%d %s%s (%s): ok -> %s", e.id, m.id, t.Actions[m.action].Name, paramText(t.Actions[m.action], m.params), m.origin, stateText(t, &e.state))
	}
	if !w.check(e, t.Actions[m.action]) {
		return
	}
	// The outgoing work is read before anything else calls Apply on
	// w.step; none of it runs a transition synchronously.
	for k := range w.step.Out {
		w.outgoing(i, m, w.step.Out[k])
	}
	if moved {
		e.entered = e.state.Version
		w.armTimeouts(i)
	}
}

// check judges e's current state: every invariant, and every field
// invariant (Apply must not have let a breach through). It reports whether
// the state is fine.
func (w *world) check(e *entity, a *specengine.Action) bool {
	t := e.typ.t
	i := w.index[t.Entity+"\x00"+e.id]
	act := ""
	if a != nil {
		act = a.Name
	}
	if k := t.CheckInvariants(&w.step, &e.state); k >= 0 {
		inv := t.Invariants[k]
		w.fail(i, report.Finding{Kind: report.InvariantViolation, Action: act, Invariant: inv.Name,
			Msg: fmt.Sprintf("invariant %s violated: %s", inv.Name, inv.Src)})
		return false
	}
	if k := t.CheckFieldInvariants(&w.step, &e.state); k >= 0 {
		inv := t.FieldInvariants[k]
		w.fail(i, report.Finding{Kind: KindFieldInvariantBreach, Action: act, Invariant: inv.Name,
			Msg: fmt.Sprintf("field invariant %s does not hold after an accepted transition: %s", inv.Name, inv.Src)})
		return false
	}
	return true
}

// rejected judges a rejection: normal for requests, an error for an
// integration callback (a signal must not be refused: the result is
// lost), a warning for timers and triggers.
func (w *world) rejected(i int, m message) {
	e := w.ents[i]
	t := e.typ.t
	name := t.Actions[m.action].Name
	state := t.States[e.state.Status]
	switch m.origin {
	case fromCallback:
		w.fail(i, report.Finding{Kind: report.CallbackNotEnabled, Action: name,
			Msg: fmt.Sprintf("%s, the callback of integration %s, arrived in state %s and was rejected (%v)", name, m.cause, state, t.Err(&w.step, &e.state, m.action))})
	case fromTimer, fromTimeout:
		if f, ok := w.warning(KindTimerNotEnabled, t.Entity, name, state); ok {
			f.Msg = fmt.Sprintf("the %s timer for %s fired in state %s and was rejected (%v)", m.cause, name, state, t.Err(&w.step, &e.state, m.action))
			w.warn(f)
		}
	case fromTrigger, fromSpawn:
		if f, ok := w.warning(report.TriggerNotEnabled, t.Entity, name, state); ok {
			f.Msg = fmt.Sprintf("%s %s sent %s to %s in state %s, which rejected it (%v)", m.origin, m.cause, name, t.Entity, state, t.Err(&w.step, &e.state, m.action))
			w.warn(f)
		}
	}
}

// outgoing starts the work a committed transition asks for.
func (w *world) outgoing(i int, m message, o specengine.Outgoing) {
	e := w.ents[i]
	t := e.typ.t
	switch o.Kind {
	case specengine.OutSchedule:
		a, ok := t.Action(o.Action)
		if !ok {
			return
		}
		w.run.Timers++
		w.internal(message{id: w.newID(), ent: i, action: a.Index, origin: fromTimer, cause: "schedule(...)"}, w.timerDue(o.Seconds*1000))
	case specengine.OutIntegration:
		var name, onOK, onFail string
		switch {
		case o.Integration != nil:
			name, onOK, onFail = o.Integration.Name, o.Integration.OnSuccess, o.Integration.OnFailure
		case o.Trigger != nil:
			name, onOK, onFail = o.Trigger.Name, o.Trigger.OnSuccess, o.Trigger.OnFailure
		}
		w.run.Integrations++
		latency := 5 + w.rng.Int64N(200)
		cb := onOK
		if !w.tail && w.faults.Has(FaultIntegration) {
			switch r := w.rng.IntN(10); {
			case r < 2:
				cb = onFail
			case r == 2:
				cb, latency = onFail, integrationTimeout
			}
		}
		a, ok := t.Action(cb)
		if cb == "" || !ok {
			return // no callback for this outcome
		}
		var p []expr.Value
		if !a.OpenParams {
			sets := e.typ.dom.ParamSets[a.Index]
			p = sets[w.rng.IntN(len(sets))]
		}
		w.internal(message{id: w.newID(), ent: i, action: a.Index, params: p, origin: fromCallback, cause: name}, w.now+latency)
	case specengine.OutTrigger:
		w.trigger(i, m, o)
	case specengine.OutSpawn:
		w.spawn(i, m, o)
	}
}

// timerDue is when a timer of ms fires: on time, or late with the fault.
func (w *world) timerDue(ms int64) int64 {
	due := w.now + ms
	if !w.tail && w.faults.Has(FaultTimer) && w.rng.IntN(3) == 0 {
		due += w.rng.Int64N(max(1000, ms))
	}
	return due
}

// armTimeouts starts the state timeouts of the state entity i just
// entered.
func (w *world) armTimeouts(i int) {
	e := w.ents[i]
	for _, k := range e.typ.timeouts[e.state.Status] {
		a := e.typ.timeoutAction[k]
		if a < 0 {
			continue
		}
		w.run.Timers++
		to := e.typ.t.Timeouts[k]
		w.internal(message{id: w.newID(), ent: i, action: a, origin: fromTimeout, state: e.state.Status, armed: e.entered, cause: "state_timeout"},
			w.timerDue(to.AfterSeconds*1000))
	}
}

// trigger dispatches an entity trigger to its target, creating it when
// the trigger says so.
func (w *world) trigger(i int, m message, o specengine.Outgoing) {
	e := w.ents[i]
	tr := o.Trigger
	if tr == nil || m.depth+1 > maxTriggerDepth {
		return
	}
	ti, ok := w.m.byName[tr.TargetEntity]
	if !ok {
		return
	}
	tt := w.m.types[ti]
	ta, ok := tt.t.Action(tr.TargetAction)
	if !ok {
		return
	}
	var id string
	create := false
	switch tr.ResolveTarget.Type {
	case "", "same_id":
		id = e.id
	case "field":
		id = e.field(tr.ResolveTarget.Field)
	case "static":
		id = tr.ResolveTarget.EntityID
	case "create_if_missing":
		id, create = e.field(tr.ResolveTarget.IDField), true
	case "create":
		id, create = fmt.Sprintf("%s-%s-%d", e.id, tt.t.Entity, e.state.Version), true
	}
	if id == "" {
		return
	}
	var params []expr.Value
	if !ta.OpenParams && len(ta.Params) > 0 {
		params = make([]expr.Value, len(ta.Params))
		for k, p := range ta.Params {
			if v, ok := tr.Params[p.Name]; ok {
				params[k] = v
			}
			if f, ok := tr.ParamsFrom[p.Name]; ok {
				params[k] = e.fieldValue(f)
			}
		}
	}
	target, ok := w.index[tt.t.Entity+"\x00"+id]
	if !ok && !create {
		return // no such entity: nothing to tell
	}
	if !ok {
		target = -1
	}
	w.internal(message{id: w.newID(), ent: target, typ: ti, key: id, action: ta.Index, params: params, origin: fromTrigger, depth: m.depth + 1, cause: tr.Name},
		w.now+1+w.rng.Int64N(20))
}

// spawn creates the entity a spawn(...) effect names and runs its action
// (both when the message is delivered).
func (w *world) spawn(i int, m message, o specengine.Outgoing) {
	ti, ok := w.m.byName[o.Entity]
	if !ok || m.depth+1 > maxTriggerDepth {
		return
	}
	tt := w.m.types[ti]
	a, ok := tt.t.Action(o.Action)
	if !ok {
		return
	}
	w.internal(message{id: w.newID(), ent: -1, typ: ti, key: o.ID, action: a.Index, origin: fromSpawn, depth: m.depth + 1, cause: "from " + w.ents[i].id},
		w.now+1+w.rng.Int64N(20))
}

// create makes an entity with an empty create body, as a trigger or spawn
// does; a body the field invariants refuse is a warning.
func (w *world) create(tt *entityType, id, cause string) int {
	s, err := tt.t.New(id, nil)
	if err != nil {
		w.warn(report.Finding{Kind: report.TriggerNotEnabled, Entity: tt.t.Entity,
			Msg: fmt.Sprintf("%s cannot create a %s with an empty body: %v", cause, tt.t.Entity, err)})
		return -1
	}
	return w.add(tt, s)
}

// field returns the string value of a field (the key for "id" and the
// table's key properties), or "".
func (e *entity) field(name string) string {
	v := e.fieldValue(name)
	if v.K == expr.String {
		return v.S
	}
	return ""
}

func (e *entity) fieldValue(name string) expr.Value {
	t := e.typ.t
	if name == "id" {
		return expr.StringVal(e.id)
	}
	for _, k := range t.KeyProps {
		if k == name {
			return expr.StringVal(e.id)
		}
	}
	if j, ok := t.SlotIndex(name); ok {
		return e.state.Vars[j]
	}
	return expr.Value{}
}

// crash stops entity i's worker: its memory is gone; the checker keeps a
// copy to compare the rebuilt entity with.
func (w *world) crash(i int) {
	e := w.ents[i]
	if !e.up {
		return
	}
	w.run.Crashes++
	w.h.byte(0xcc)
	w.h.u64(uint64(i))
	e.snapshot = e.state.Clone()
	e.up = false
	e.state = specengine.State{}
	e.seen = nil
	e.entered = -1
	if w.trace != nil {
		w.logf("%s worker crashed", e.id)
	}
	w.push(event{at: w.now + 50 + w.rng.Int64N(2000), kind: evRestart, ent: int32(i)})
}

// restart rebuilds entity i from its history by replaying the log through
// Apply, as a Temporal worker replays workflow history, then handles what
// arrived meanwhile.
func (w *world) restart(i int) {
	e := w.ents[i]
	t := e.typ.t
	s := e.created.Clone()
	seen := make(map[uint64]bool, len(e.log))
	entered := s.Version
	for k, le := range e.log {
		if out := t.Apply(&w.step, &s, le.action, le.params); out != specengine.OK {
			w.fail(i, report.Finding{Kind: KindReplayMismatch, Action: t.Actions[le.action].Name,
				Msg: fmt.Sprintf("after a restart, history entry %d (%s) no longer applies: %v", k+1, t.Actions[le.action].Name, t.Err(&w.step, &s, le.action))})
			return
		}
		if w.step.Next.Status != s.Status {
			entered = w.step.Next.Version
		}
		s.Status, s.Version = w.step.Next.Status, w.step.Next.Version
		s.Vars = append(s.Vars[:0], w.step.Next.Vars...)
		seen[le.id] = true
	}
	if !sameState(&s, &e.snapshot) {
		w.fail(i, report.Finding{Kind: KindReplayMismatch,
			Msg: fmt.Sprintf("after a restart the rebuilt entity %s differs from the one before the crash %s",
				stateText(t, &s), stateText(t, &e.snapshot))})
		return
	}
	w.h.byte(0xaa)
	w.h.state(&s)
	e.state, e.seen, e.entered, e.up = s, seen, entered, true
	if w.trace != nil {
		w.logf("%s worker restarted: %d events replayed, %d waiting", e.id, len(e.log), len(e.inbox))
	}
	// The worker is up, so nothing is added to the inbox meanwhile; its
	// array is reused for the next crash.
	for k := range e.inbox {
		if w.failed {
			return
		}
		w.process(i, e.inbox[k])
	}
	clear(e.inbox)
	e.inbox = e.inbox[:0]
}

// fail records the run's error finding for entity i with its history as
// the trace, and stops the run.
func (w *world) fail(i int, f report.Finding) {
	if w.failed {
		return
	}
	e := w.ents[i]
	t := e.typ.t
	w.failed = true
	f.Severity = report.Error
	f.Entity = t.Entity
	if f.State == "" {
		if e.up {
			f.State = t.States[e.state.Status]
		} else {
			f.State = t.States[e.snapshot.Status]
		}
	}
	f.Msg = fmt.Sprintf("%s (entity %s, seed %d)", f.Msg, e.id, w.seed)
	f.Trace = traceOf(e)
	seed := w.seed
	f.Seed = &seed
	w.run.Findings = append(w.run.Findings, f)
	if w.trace != nil {
		w.logf("FAIL %s: %s", f.Kind, f.Msg)
	}
}

// warning returns a warning finding to fill in, unless this run already
// has one with the same key (so repeated rejections cost no formatting).
func (w *world) warning(kind, entity, action, state string) (report.Finding, bool) {
	f := report.Finding{Kind: kind, Entity: entity, Action: action, State: state}
	return f, !w.warned[warnKey(&f)]
}

func warnKey(f *report.Finding) string {
	return f.Kind + "\x00" + f.Entity + "\x00" + f.Action + "\x00" + f.State + "\x00" + f.Invariant
}

// warn records a warning once per run.
func (w *world) warn(f report.Finding) {
	key := warnKey(&f)
	if w.warned[key] {
		return
	}
	w.warned[key] = true
	f.Severity = report.Warning
	seed := w.seed
	f.Seed = &seed
	w.run.Findings = append(w.run.Findings, f)
}

// traceOf renders an entity's history as a counterexample trace, by
// replaying it through Apply from the created state.
func traceOf(e *entity) []report.Step {
	t := e.typ.t
	s := e.created.Clone()
	out := []report.Step{{State: report.StateMap(t, &s)}}
	var st specengine.Step
	for _, le := range e.log {
		a := t.Actions[le.action]
		if t.Apply(&st, &s, le.action, le.params) != specengine.OK {
			break
		}
		s = st.Next.Clone()
		out = append(out, report.Step{Action: a.Name, Params: report.ParamMap(a, le.params), State: report.StateMap(t, &s)})
	}
	return out
}

// paramText renders parameters for the event trace.
func paramText(a *specengine.Action, p []expr.Value) string {
	if len(p) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if i < len(a.Params) {
			b.WriteString(a.Params[i].Name + "=")
		}
		b.WriteString(v.String())
	}
	b.WriteByte(')')
	return b.String()
}

// stateText renders an entity state on one line: status first, then the
// slots in declaration order.
func stateText(t *specengine.Table, s *specengine.State) string {
	var b strings.Builder
	b.WriteString("{status=")
	if s.Status >= 0 && s.Status < len(t.States) {
		b.WriteString(t.States[s.Status])
	}
	for i, v := range s.Vars {
		if i < len(t.Vars) {
			b.WriteString(" " + t.Vars[i].Name + "=" + v.String())
		}
	}
	b.WriteString(fmt.Sprintf(" v%d}", s.Version))
	return b.String()
}
