package sim

import (
	"fmt"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/report"
)

// drive judges one liveness property of entity i in the fault-free tail.
// An entity in a from-state must reach a reaches-state when an actor drives
// it: the driver plans a shortest way there over the real transition table
// (breadth-first, with Apply) and sends its first step through the runtime,
// replanning after every step, because timers and callbacks move the entity
// too. No way at all is an L1 matter and only a warning here; a way the
// runtime never lets the entity take is an L2 failure.
func (w *world) drive(i int, lv liveness) error {
	e := w.ents[i]
	t := e.typ.t
	if !e.up {
		// A restart is queued; let the runtime bring the worker back.
		for n := 0; !e.up && len(w.q) > 0 && n < driverBudget && !w.failed; n++ {
			if err := w.loop(1, 0); err != nil {
				return err
			}
		}
		if !e.up || w.failed {
			return nil
		}
	}
	if !lv.from[e.state.Status] {
		return nil
	}
	w.run.LivenessChecks++
	if lv.hasActions && !anyTrue(lv.reaches) {
		if !w.anyEnabled(e) {
			w.fail(i, report.Finding{Kind: report.Liveness, Invariant: lv.name,
				Msg: fmt.Sprintf("liveness %s: no action is enabled in state %s", lv.name, t.States[e.state.Status])})
		}
		return nil
	}
	start := e.state.Status
	for n := 0; n < w.opts.TailSteps; n++ {
		if lv.reaches[e.state.Status] {
			return nil
		}
		a, p, ok := w.plan(e, lv)
		if !ok {
			w.warn(report.Finding{Kind: report.Liveness, Entity: t.Entity, Invariant: lv.name, State: t.States[e.state.Status],
				Msg: fmt.Sprintf("liveness %s: no sequence of actions within %d steps leads from state %s to %s (an L1 matter; L2 cannot drive it)",
					lv.name, bfsDepth, t.States[e.state.Status], names(t, lv.reaches))})
			return nil
		}
		id := w.newID()
		if w.trace != nil {
			w.logf("driver: %s %s%s toward %s", e.id, t.Actions[a].Name, paramText(t.Actions[a], p), lv.name)
		}
		w.send(message{id: id, ent: i, action: a, params: p, origin: fromDriver})
		if err := w.loop(driverBudget, id); err != nil || w.failed {
			return err
		}
		if !e.up {
			return nil
		}
	}
	if !lv.reaches[e.state.Status] {
		w.fail(i, report.Finding{Kind: report.Liveness, Invariant: lv.name,
			Msg: fmt.Sprintf("liveness %s: driven from state %s for %d steps, the entity is in %s and never reached %s",
				lv.name, t.States[start], w.opts.TailSteps, t.States[e.state.Status], names(t, lv.reaches))})
	}
	return nil
}

// plan returns the first step of a shortest sequence of invocable actions
// that takes e to a reaches-state, searching at most bfsDepth steps and
// bfsStates states.
func (w *world) plan(e *entity, lv liveness) (int, []expr.Value, bool) {
	t := e.typ.t
	sets := e.typ.dom.ParamSets
	type move struct {
		a int
		p []expr.Value
	}
	visited := map[string]bool{}
	w.keyBuf = stateKey(w.keyBuf, &e.state)
	visited[string(w.keyBuf)] = true
	frontier := []specengine.State{e.state.Clone()}
	firsts := []move{{a: -1}}
	for depth := 0; depth < bfsDepth && len(frontier) > 0; depth++ {
		var next []specengine.State
		var nextFirst []move
		for k := range frontier {
			s := &frontier[k]
			for _, a := range e.typ.invocable {
				if !t.Actions[a].From[s.Status] {
					continue
				}
				for _, p := range sets[a] {
					if t.Apply(&w.bfsStep, s, a, p) != specengine.OK {
						continue
					}
					mv := firsts[k]
					if depth == 0 {
						mv = move{a, p}
					}
					if lv.reaches[w.bfsStep.Next.Status] {
						return mv.a, mv.p, true
					}
					w.keyBuf = stateKey(w.keyBuf, &w.bfsStep.Next)
					if visited[string(w.keyBuf)] {
						continue
					}
					if len(visited) >= bfsStates {
						return 0, nil, false
					}
					visited[string(w.keyBuf)] = true
					next = append(next, w.bfsStep.Next.Clone())
					nextFirst = append(nextFirst, mv)
				}
			}
		}
		frontier, firsts = next, nextFirst
	}
	return 0, nil, false
}

// anyEnabled reports whether some invocable action runs in e's state.
func (w *world) anyEnabled(e *entity) bool {
	t := e.typ.t
	for _, a := range e.typ.invocable {
		for _, p := range e.typ.dom.ParamSets[a] {
			if t.Apply(&w.bfsStep, &e.state, a, p) == specengine.OK {
				return true
			}
		}
	}
	return false
}

func anyTrue(b []bool) bool {
	for _, x := range b {
		if x {
			return true
		}
	}
	return false
}

func names(t *specengine.Table, set []bool) string {
	var out []string
	for i, ok := range set {
		if ok {
			out = append(out, t.States[i])
		}
	}
	return strings.Join(out, ", ")
}
