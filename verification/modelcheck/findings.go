package modelcheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine/ioa"
	"github.com/temperhq/temper/verification/report"
)

// tally counts what a table's findings say, for the summary line.
type tally struct {
	states, transitions      int64
	invariants, invFailed    int
	deadlocks                int
	deadlockErrors           int
	liveness, livenessFailed int
	truncated                bool
}

// Findings returns what the exploration found, in a fixed order:
// truncation, invariant violations, deadlocks, liveness, dead transitions,
// callbacks not enabled. Each failure carries its shortest trace.
func (g *Graph) Findings() []report.Finding {
	fs, _ := g.analyze()
	return fs
}

func (g *Graph) analyze() ([]report.Finding, tally) {
	t := g.Table
	var fs []report.Finding
	add := func(sev report.Severity, f report.Finding) {
		f.Severity = sev
		f.Entity = t.Entity
		fs = append(fs, f)
	}
	tl := tally{states: int64(g.Len()), transitions: g.Transitions, invariants: len(t.Invariants)}

	// Truncation.
	if g.Domain.Truncated {
		tl.truncated = true
		add(report.Warning, report.Finding{Kind: report.Truncated,
			Msg: fmt.Sprintf("parameter or initial-state combinations were capped (%d parameter sets per action, %d initial states)", g.Domain.Opts.MaxParamSets, g.Domain.Opts.MaxInitials)})
	}
	if g.OutOfBounds > 0 {
		tl.truncated = true
		var names []string
		for j, v := range t.Vars {
			if g.lay.slots[j].inKey && g.codecs[j].hasOOB() {
				names = append(names, fmt.Sprintf("%s (bound %d)", v.Name, g.Domain.Bounds[j]))
			}
		}
		add(report.Warning, report.Finding{Kind: report.Truncated,
			Msg: fmt.Sprintf("%d reached states lie beyond a bound and were checked but not expanded: %s; raise the bound to explore further", g.OutOfBounds, strings.Join(names, ", "))})
	}
	if g.Capped {
		tl.truncated = true
		add(report.Warning, report.Finding{Kind: report.Truncated,
			Msg: fmt.Sprintf("stopped at %d states (MaxStates); %d were expanded", g.Len(), g.expanded)})
	}

	// Invariants.
	for k, inv := range t.Invariants {
		i := g.invFirst[k]
		if i < 0 {
			continue
		}
		tl.invFailed++
		tr := g.Trace(int(i))
		add(report.Error, report.Finding{Kind: report.InvariantViolation, Invariant: inv.Name, State: t.States[g.status(int(i))],
			Msg:   fmt.Sprintf("invariant %s (%s) is violated in a reachable state after %d steps", inv.Name, inv.Src, len(tr)-1),
			Trace: tr})
	}

	// Deadlocks: non-terminal states with no enabled action, shortest first.
	hasActions := make([]bool, len(t.States))
	for _, l := range t.Liveness {
		if l.HasActions {
			set := statusSet(t.States, l.From, true)
			for s := range hasActions {
				hasActions[s] = hasActions[s] || set[s]
			}
		}
	}
	declared := t.Spec != nil && len(t.Spec.Automaton.Terminal) > 0
	var dead []int
	for s, i := range g.noEnabledFirst {
		if i >= 0 && !g.terminal[s] {
			dead = append(dead, s)
		}
	}
	sort.Slice(dead, func(a, b int) bool { return g.noEnabledFirst[dead[a]] < g.noEnabledFirst[dead[b]] })
	for _, s := range dead {
		i := int(g.noEnabledFirst[s])
		tl.deadlocks++
		sev := report.Warning
		why := "declare it terminal or add an action that leaves it"
		switch {
		case hasActions[s]:
			sev = report.Error
			why = "a [[liveness]] property with has_actions = true requires an enabled action here"
		case declared:
			sev = report.Error
			why = "it is not in terminal = [...]"
		}
		if sev == report.Error {
			tl.deadlockErrors++
		}
		add(sev, report.Finding{Kind: report.Deadlock, State: t.States[s],
			Msg:   fmt.Sprintf("deadlock: %d reachable %s state(s) have no enabled action; %s", g.noEnabledCount[s], t.States[s], why),
			Trace: g.Trace(i)})
	}

	// Liveness.
	for _, l := range t.Liveness {
		tl.liveness++
		failed := false
		if l.HasActions {
			f, first := g.hasActionsFails(l)
			failed = f
			// Non-terminal states were reported as deadlocks above; a
			// terminal from-state with nothing enabled fails here.
			if first >= 0 {
				s := g.status(first)
				add(report.Error, report.Finding{Kind: report.Liveness, Invariant: l.Name, State: t.States[s],
					Msg:   fmt.Sprintf("liveness %s: %s is reachable with no enabled action, but has_actions = true", l.Name, t.States[s]),
					Trace: g.Trace(first)})
			}
		}
		if len(l.Reaches) > 0 {
			if f, ok := g.reachesFinding(l); ok {
				failed = true
				add(report.Error, f)
			}
		}
		if failed {
			tl.livenessFailed++
		}
	}

	// Dead transitions.
	for a, act := range t.Actions {
		if act.Implicit || act.Event || g.enabledEver[a] {
			continue
		}
		add(report.Warning, report.Finding{Kind: report.DeadTransition, Action: act.Name,
			Msg: fmt.Sprintf("%s is never enabled in any reachable state", act.Name)})
	}

	// Integration callbacks.
	for _, cf := range g.callbacks {
		root, labels := g.pathTo(int(cf.src))
		tr, last := g.walk(root, append(labels, cf.label))
		trig := t.Actions[cf.label>>16].Name
		cb := t.Actions[cf.callback].Name
		add(report.Error, report.Finding{Kind: report.CallbackNotEnabled, Action: cb, State: t.States[last.Status],
			Msg: fmt.Sprintf("%s (%s of integration %s, started by %s) is not enabled in %s, where the result of %s can arrive",
				cb, cf.role, cf.integration, trig, t.States[last.Status], trig),
			Trace: tr})
	}
	return fs, tl
}

func (c *slotCodec) hasOOB() bool {
	for _, x := range c.oob {
		if x {
			return true
		}
	}
	return false
}

// hasActionsFails reports whether some reachable from-state of a
// has_actions property has no enabled action, and the first such state
// that is terminal (-1: none; the others are deadlocks).
func (g *Graph) hasActionsFails(l ioa.Liveness) (bool, int) {
	failed, first := false, int32(-1)
	from := statusSet(g.Table.States, l.From, true)
	for s, i := range g.noEnabledFirst {
		if i >= 0 && from[s] {
			failed = true
			if g.terminal[s] && (first < 0 || i < first) {
				first = i
			}
		}
	}
	return failed, int(first)
}

// reachesFinding checks a property with reaches-states and renders its
// counterexample: the path to the from-state, on to the bad state, and
// the loop, if any.
func (g *Graph) reachesFinding(l ioa.Liveness) (report.Finding, bool) {
	t := g.Table
	ce := g.checkLiveness(l)
	if ce == nil {
		return report.Finding{}, false
	}
	root, labels := g.pathTo(ce.from)
	for _, e := range ce.path {
		labels = append(labels, e.label)
	}
	stop := len(labels)
	for _, e := range ce.loop {
		labels = append(labels, e.label)
	}
	tr, last := g.walk(root, labels)
	fromState := t.States[g.status(ce.from)]
	goal := strings.Join(l.Reaches, " or ")
	var msg string
	if ce.loop == nil {
		msg = fmt.Sprintf("liveness %s: from %s a run can stop in %s, where no action is enabled, without reaching %s",
			l.Name, fromState, t.States[last.Status], goal)
	} else {
		msg = fmt.Sprintf("liveness %s: from %s a run can go on forever without reaching %s: steps %d-%d repeat from the state after step %d (weakly fair: every action enabled throughout is taken)",
			l.Name, fromState, goal, stop+1, len(labels), stop)
	}
	return report.Finding{Kind: report.Liveness, Severity: report.Error, Entity: t.Entity, Invariant: l.Name, State: fromState, Msg: msg, Trace: tr}, true
}
