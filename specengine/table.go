package specengine

import (
	"fmt"

	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/specengine/ioa"
)

// Table is the compiled transition table of one entity type. It is
// immutable after compilation and safe for concurrent use.
type Table struct {
	Entity    string // entity type name (the automaton's name)
	Namespace string // CSDL namespace of the entity type
	EntitySet string
	KeyProps  []string // key properties of the entity type
	States    []string
	Initial   int
	Terminal  []bool // by state index
	// Vars are the slots of an entity: state variables first
	// (NumStateVars of them), then data-model fields.
	Vars            []Slot
	NumStateVars    int
	Actions         []*Action
	Invariants      []*Invariant
	FieldInvariants []*Invariant
	Liveness        []ioa.Liveness
	Timeouts        []ioa.StateTimeout
	Integrations    []ioa.Integration
	// Spec is the parsed source the table was compiled from.
	Spec *ioa.Spec

	actionIdx map[string]int
	stateIdx  map[string]int
	slotIdx   map[string]int
}

// Slot describes one entity variable or field.
type Slot struct {
	Name    string
	Type    expr.Type
	Initial *expr.Value // state variables with an initial value
	Field   bool        // a data-model field, not a state variable
	// Input marks a state variable without an initial value: the create
	// body sets it and the verifier treats it as free.
	Input bool
	// Elem is the element type of a list bound to a CSDL collection of
	// numbers or Booleans (Edm.Int32, Edm.Decimal, Edm.Boolean, ...): the
	// list holds each element's canonical text, and the entity's JSON
	// (Fields) has them as numbers and Booleans again. "" for lists of
	// strings.
	Elem string
}

// Action is one compiled action.
type Action struct {
	Index   int
	Name    string
	Kind    ioa.ActionKind
	From    []bool // by state index
	To      int    // target state, or -1 for a self-loop
	Guard   expr.Pred
	Effects []*expr.Effect
	// GuardExpr and Stmts are the parsed guard (nil: none) and effects,
	// for the verifier's symbolic encoding and abstraction.
	GuardExpr expr.Expr
	Stmts     []*expr.Stmt
	Params    []expr.Param
	// OpenParams marks an implicit integration callback: it accepts any
	// parameters (the module's output) and changes nothing but is recorded.
	OpenParams bool
	Implicit   bool // a callback the spec names but does not declare
	Event      bool // an output label that cannot be invoked
	Hint       string
	Triggers   []*Trigger
	// Integrations are the [[integration]] blocks this action starts.
	Integrations []*ioa.Integration
	// fieldWrites merge parameters into same-named fields.
	fieldWrites []fieldWrite
	src         *ioa.Action
}

type fieldWrite struct{ param, slot int }

// Trigger is a compiled [[action.triggers]] entry.
type Trigger struct {
	ioa.Trigger
	ToState   int // -1: any
	Guard     expr.Pred
	GuardExpr expr.Expr
}

// Invariant is a compiled invariant or field invariant.
type Invariant struct {
	Name   string
	Src    string
	When   []bool // nil: every state
	Pred   expr.Pred
	Expr   expr.Expr
	Msg    string
	Source ioa.Src
}

// State is an entity: its id, version (the ETag), status and slots.
type State struct {
	ID      string
	Version int64
	Status  int
	Vars    []expr.Value
}

// Clone returns a deep-enough copy of s: lists are never mutated in place,
// so sharing their backing arrays is safe.
func (s State) Clone() State {
	s.Vars = append([]expr.Value(nil), s.Vars...)
	return s
}

// Outcome tells why Apply accepted or rejected a transition.
type Outcome uint8

// Outcomes of Apply.
const (
	OK Outcome = iota
	UnknownAction
	WrongState
	GuardFalse
	BadParams
	FieldInvariantViolated
	NotInvocable
)

var outcomeNames = [...]string{"ok", "unknown action", "wrong from-state", "guard false", "bad params", "field invariant violated", "not invocable"}

func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return fmt.Sprintf("outcome(%d)", o)
}

// OutKind is the kind of work a transition asks of the runtime.
type OutKind uint8

// Kinds of outgoing work.
const (
	OutSchedule    OutKind = iota // run Action after Seconds
	OutSpawn                      // create entity Entity with id ID by running Action
	OutTrigger                    // an entity trigger fired
	OutIntegration                // a WASM integration or trigger to run
)

// Outgoing is one piece of work a committed transition asks of the runtime.
type Outgoing struct {
	Kind        OutKind
	Action      string
	Seconds     int64
	Entity      string
	ID          string
	Trigger     *Trigger
	Integration *ioa.Integration
}

// Step is the destination of Apply: the next state and the outgoing work.
// Reusing one Step across calls makes Apply allocation-free on the common
// path (no list effects, no spawns).
type Step struct {
	Next    State
	Out     []Outgoing
	Outcome Outcome
	// Detail locates a rejection: the parameter index for BadParams, the
	// field invariant index for FieldInvariantViolated.
	Detail int
	frame  expr.Frame
}

// Action returns the action named name.
func (t *Table) Action(name string) (*Action, bool) {
	i, ok := t.actionIdx[name]
	if !ok {
		return nil, false
	}
	return t.Actions[i], true
}

// StateIndex returns the index of a state name.
func (t *Table) StateIndex(name string) (int, bool) {
	i, ok := t.stateIdx[name]
	return i, ok
}

// SlotIndex returns the slot of a variable or field name.
func (t *Table) SlotIndex(name string) (int, bool) {
	i, ok := t.slotIdx[name]
	return i, ok
}

// Apply runs action a with params (aligned with a.Params) on cur and writes
// the result into st. st.Next shares no mutable memory with cur. On any
// outcome but OK, st.Next is unspecified and cur is unchanged.
func (t *Table) Apply(st *Step, cur *State, a int, params []expr.Value) Outcome {
	st.Out = st.Out[:0]
	st.Detail = -1
	if a < 0 || a >= len(t.Actions) {
		st.Outcome = UnknownAction
		return st.Outcome
	}
	act := t.Actions[a]
	if act.Event {
		st.Outcome = NotInvocable
		return st.Outcome
	}
	if cur.Status < 0 || cur.Status >= len(t.States) || !act.From[cur.Status] {
		st.Outcome = WrongState
		return st.Outcome
	}
	if !act.OpenParams {
		if len(params) > len(act.Params) {
			st.Outcome, st.Detail = BadParams, len(act.Params)
			return st.Outcome
		}
		for i := range act.Params {
			if i >= len(params) {
				if act.Params[i].Required {
					st.Outcome, st.Detail = BadParams, i
					return st.Outcome
				}
				continue
			}
			if !act.Params[i].Type.Accepts(params[i].K) || act.Params[i].Required && params[i].K == expr.Null {
				st.Outcome, st.Detail = BadParams, i
				return st.Outcome
			}
		}
	}
	f := &st.frame
	*f = expr.Frame{Status: cur.Status, Vars: cur.Vars, Params: params}
	if act.Guard != nil && !act.Guard.Test(f) {
		st.Outcome = GuardFalse
		return st.Outcome
	}
	next := &st.Next
	next.ID = cur.ID
	next.Version = cur.Version + 1
	next.Status = cur.Status
	if act.To >= 0 {
		next.Status = act.To
	}
	next.Vars = append(next.Vars[:0], cur.Vars...)
	f.Vars = next.Vars
	for _, e := range act.Effects {
		switch e.Kind {
		case expr.StSchedule:
			st.Out = append(st.Out, Outgoing{Kind: OutSchedule, Action: e.Action, Seconds: e.Arg(f).N})
		case expr.StSpawn:
			id := e.Arg(f)
			if id.K != expr.String || id.S == "" {
				id = expr.StringVal(fmt.Sprintf("%s-%s-%d", cur.ID, e.Entity, next.Version))
			}
			if e.Slot >= 0 {
				next.Vars[e.Slot] = id
			}
			st.Out = append(st.Out, Outgoing{Kind: OutSpawn, Entity: e.Entity, Action: e.Action, ID: id.S})
		default:
			e.Exec(f)
		}
	}
	for _, w := range act.fieldWrites {
		if w.param < len(params) && params[w.param].K != expr.Null {
			next.Vars[w.slot] = params[w.param]
		}
	}
	f.Status = next.Status
	for i, inv := range t.FieldInvariants {
		if (inv.When == nil || inv.When[next.Status]) && !inv.Pred.Test(f) {
			st.Outcome, st.Detail = FieldInvariantViolated, i
			return st.Outcome
		}
	}
	for _, tr := range act.Triggers {
		if tr.ToState >= 0 && tr.ToState != next.Status {
			continue
		}
		if tr.Guard != nil && !tr.Guard.Test(f) {
			continue
		}
		k := OutTrigger
		if tr.Kind == "wasm" {
			k = OutIntegration
		}
		st.Out = append(st.Out, Outgoing{Kind: k, Trigger: tr, Entity: tr.TargetEntity, Action: tr.TargetAction})
	}
	for _, in := range act.Integrations {
		st.Out = append(st.Out, Outgoing{Kind: OutIntegration, Integration: in, Action: in.OnSuccess})
	}
	st.Outcome = OK
	return OK
}

// Err describes a rejected step as an error for users, or nil for OK.
func (t *Table) Err(st *Step, cur *State, a int) error {
	if st.Outcome == OK {
		return nil
	}
	e := &TransitionError{Outcome: st.Outcome, Entity: t.Entity}
	if a >= 0 && a < len(t.Actions) {
		act := t.Actions[a]
		e.Action = act.Name
		switch st.Outcome {
		case WrongState:
			e.Msg = fmt.Sprintf("%s cannot run in state %s (allowed from %v)", act.Name, t.stateName(cur.Status), t.fromNames(act))
		case GuardFalse:
			e.Msg = fmt.Sprintf("guard of %s is false: %s", act.Name, act.src.Guard.Text)
		case BadParams:
			if st.Detail >= len(act.Params) {
				e.Msg = fmt.Sprintf("%s takes %d parameters", act.Name, len(act.Params))
			} else {
				p := act.Params[st.Detail]
				e.Msg = fmt.Sprintf("parameter %s of %s must be a %s", p.Name, act.Name, p.Type)
				if p.Required {
					e.Msg = fmt.Sprintf("parameter %s of %s is required and must be a %s", p.Name, act.Name, p.Type)
				}
			}
		case FieldInvariantViolated:
			inv := t.FieldInvariants[st.Detail]
			e.Msg = fmt.Sprintf("field invariant %s violated: %s", inv.Name, inv.Src)
			if inv.Msg != "" {
				e.Msg += " (" + inv.Msg + ")"
			}
		case NotInvocable:
			e.Msg = fmt.Sprintf("%s is an output event and cannot be invoked", act.Name)
		}
	} else {
		e.Msg = fmt.Sprintf("unknown action #%d", a)
	}
	return e
}

func (t *Table) stateName(i int) string {
	if i >= 0 && i < len(t.States) {
		return t.States[i]
	}
	return fmt.Sprintf("#%d", i)
}

func (t *Table) fromNames(a *Action) []string {
	var out []string
	for i, ok := range a.From {
		if ok {
			out = append(out, t.States[i])
		}
	}
	return out
}

// TransitionError is a rejected action, typed so callers can map the
// outcome to a status code with errors.As.
type TransitionError struct {
	Outcome Outcome
	Entity  string
	Action  string
	Msg     string
}

func (e *TransitionError) Error() string { return e.Entity + ": " + e.Msg }

// Enabled reports whether action a could run from s with params: the
// from-state and guard hold. It is what the verifier and the UI ask.
func (t *Table) Enabled(st *Step, s *State, a int, params []expr.Value) bool {
	act := t.Actions[a]
	if act.Event || !act.From[s.Status] {
		return false
	}
	if act.Guard == nil {
		return true
	}
	st.frame = expr.Frame{Status: s.Status, Vars: s.Vars, Params: params}
	return act.Guard.Test(&st.frame)
}

// CheckFieldInvariants returns the index of the first field invariant s
// violates, or -1. Create and every action check them.
func (t *Table) CheckFieldInvariants(st *Step, s *State) int {
	st.frame = expr.Frame{Status: s.Status, Vars: s.Vars}
	for i, inv := range t.FieldInvariants {
		if (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&st.frame) {
			return i
		}
	}
	return -1
}

// CheckInvariants returns the index of the first invariant s violates, or
// -1. The verifier calls it on every reachable state.
func (t *Table) CheckInvariants(st *Step, s *State) int {
	st.frame = expr.Frame{Status: s.Status, Vars: s.Vars}
	for i, inv := range t.Invariants {
		if (inv.When == nil || inv.When[s.Status]) && !inv.Pred.Test(&st.frame) {
			return i
		}
	}
	return -1
}
