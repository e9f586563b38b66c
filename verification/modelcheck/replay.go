package modelcheck

import (
	"fmt"
	"reflect"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/report"
)

// Replay runs a counterexample trace through t.Apply: it builds the entity
// from the create step's state, applies each later step's action with its
// parameters, and checks that each is accepted and ends in exactly the state
// the trace shows. It returns the states after each step (the first is the
// created entity). Versions are reset to 0 before each step, as the checker
// does not track them.
func Replay(t *specengine.Table, trace []report.Step) ([]specengine.State, error) {
	if len(trace) == 0 {
		return nil, fmt.Errorf("replay: empty trace")
	}
	if trace[0].Action != "" {
		return nil, fmt.Errorf("replay: the first step is %s, not the create", trace[0].Action)
	}
	s, err := stateFromMap(t, trace[0].State)
	if err != nil {
		return nil, fmt.Errorf("replay: create: %w", err)
	}
	out := []specengine.State{s}
	var st specengine.Step
	for i, step := range trace[1:] {
		a, ok := t.Action(step.Action)
		if !ok {
			return out, fmt.Errorf("replay: step %d: unknown action %s", i+1, step.Action)
		}
		params, err := t.Params(a, step.Params)
		if err != nil {
			return out, fmt.Errorf("replay: step %d: %w", i+1, err)
		}
		s.Version = 0
		if t.Apply(&st, &s, a.Index, params) != specengine.OK {
			return out, fmt.Errorf("replay: step %d: %w", i+1, t.Err(&st, &s, a.Index))
		}
		s = st.Next.Clone()
		if got := report.StateMap(t, &s); !reflect.DeepEqual(got, step.State) {
			return out, fmt.Errorf("replay: step %d (%s): state %v, trace says %v", i+1, step.Action, got, step.State)
		}
		out = append(out, s)
	}
	return out, nil
}

// stateFromMap rebuilds an entity from a rendered state (report.StateMap).
func stateFromMap(t *specengine.Table, m map[string]any) (specengine.State, error) {
	name, _ := m["status"].(string)
	st, ok := t.StateIndex(name)
	if !ok {
		return specengine.State{}, fmt.Errorf("unknown status %q", name)
	}
	s := specengine.State{ID: "e", Status: st, Vars: make([]expr.Value, len(t.Vars))}
	for j, v := range t.Vars {
		x, err := specengine.Convert(v.Type, m[v.Name])
		if err != nil {
			return specengine.State{}, fmt.Errorf("%s: %w", v.Name, err)
		}
		s.Vars[j] = x
	}
	return s, nil
}
