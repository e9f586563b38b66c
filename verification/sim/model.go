package sim

import (
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
)

// model is what every run of a bundle shares: per entity type, the table,
// its abstraction and the indexes the runtime model needs. It is read-only
// once built, so parallel runs share it.
type model struct {
	bundle *specengine.Bundle
	types  []*entityType
	byName map[string]int
	// maxTimerMs is the longest timer the specs declare (state timeouts),
	// so actors sometimes idle long enough for timers to fire.
	maxTimerMs int64
	hasTimers  bool
	hasInteg   bool
	hasCrossTr bool
}

type entityType struct {
	idx      int
	t        *specengine.Table
	dom      *domain.Domain
	initials []specengine.State
	// invocable are the actions actors and the liveness driver may send:
	// every action but output events and implicit integration callbacks,
	// which only the runtime delivers.
	invocable []int
	// timeouts by state index: indexes into t.Timeouts.
	timeouts [][]int
	// timeoutAction by t.Timeouts index; -1 when the action is unknown.
	timeoutAction []int
	liveness      []liveness
}

type liveness struct {
	name       string
	from       []bool
	reaches    []bool
	hasActions bool
}

func newModel(b *specengine.Bundle, dopts domain.Options) *model {
	m := &model{bundle: b, byName: map[string]int{}}
	for i, t := range b.TableList {
		et := &entityType{idx: i, t: t, dom: domain.New(t, dopts)}
		et.initials = et.dom.Initials()
		for _, a := range t.Actions {
			if !a.Event && !a.Implicit {
				et.invocable = append(et.invocable, a.Index)
			}
			if len(a.Integrations) > 0 {
				m.hasInteg = true
			}
			for _, tr := range a.Triggers {
				switch tr.Kind {
				case "wasm":
					m.hasInteg = true
				case "entity":
					m.hasCrossTr = true
				}
			}
			for _, s := range a.Stmts {
				if s.Op == expr.StSchedule {
					m.hasTimers = true
				}
			}
		}
		et.timeouts = make([][]int, len(t.States))
		for k, to := range t.Timeouts {
			a := -1
			if act, ok := t.Action(to.OnTimeout); ok {
				a = act.Index
			}
			et.timeoutAction = append(et.timeoutAction, a)
			if s, ok := t.StateIndex(to.State); ok {
				et.timeouts[s] = append(et.timeouts[s], k)
			}
			m.hasTimers = true
			if ms := to.AfterSeconds * 1000; ms > m.maxTimerMs {
				m.maxTimerMs = ms
			}
		}
		for _, l := range t.Liveness {
			lv := liveness{name: l.Name, from: stateSet(t, l.From), reaches: stateSet(t, l.Reaches), hasActions: l.HasActions}
			et.liveness = append(et.liveness, lv)
		}
		m.byName[t.Entity] = i
		m.types = append(m.types, et)
	}
	if m.hasTimers && m.maxTimerMs == 0 {
		m.maxTimerMs = 60_000
	}
	return m
}

func stateSet(t *specengine.Table, names []string) []bool {
	out := make([]bool, len(t.States))
	for _, n := range names {
		if i, ok := t.StateIndex(n); ok {
			out[i] = true
		}
	}
	return out
}

// faultsUsed narrows a fault set to the faults a bundle can exhibit:
// integration faults need integrations, late timers need timers.
func (m *model) faultsUsed(s FaultSet) FaultSet {
	s &= AllFaults
	if !m.hasInteg {
		s &^= 1 << FaultIntegration
	}
	if !m.hasTimers {
		s &^= 1 << FaultTimer
	}
	return s
}
