package ioa

import (
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
)

// Spec is one parsed *.ioa.toml file.
type Spec struct {
	File            string
	Automaton       Automaton
	Vars            []StateVar
	Actions         []Action
	Invariants      []Invariant
	FieldInvariants []FieldInvariant
	Liveness        []Liveness
	StateTimeouts   []StateTimeout
	Integrations    []Integration
	// Warnings are lint notes: early forms rewritten, implicit defaults.
	Warnings diag.List
}

// Src is an expression or effect as written, with the position of its first
// character, so compile errors point inside the TOML string.
type Src struct {
	Text string
	Pos  diag.Pos
}

// Automaton is the [automaton] table.
type Automaton struct {
	Name       string
	States     []string
	StatePos   []diag.Pos
	Initial    string
	InitialPos diag.Pos
	Terminal   []string
	Pos        diag.Pos
}

// StateVar is one [[state]] variable. Initial is nil for an input: a
// variable the create body sets and the verifier treats as free.
type StateVar struct {
	Name     string
	Type     expr.Type
	TypeName string
	Initial  *expr.Value
	Hint     string
	Pos      diag.Pos
}

// ActionKind is input, internal or output (the I/O-automaton kinds).
type ActionKind string

// Action kinds.
const (
	KindInput    ActionKind = "input"
	KindInternal ActionKind = "internal"
	KindOutput   ActionKind = "output"
)

// Action is one [[action]]. An empty To is a self-loop.
type Action struct {
	Name     string
	Kind     ActionKind
	From     []string
	FromPos  []diag.Pos
	To       string
	ToPos    diag.Pos
	Guard    *Src
	Effects  []Src
	Params   []expr.Param
	Hint     string
	Triggers []Trigger
	Pos      diag.Pos
	// Implicit marks a callback action the spec names (integration
	// on_success/on_failure) but does not declare.
	Implicit bool
	// Event marks an output action declared without from-states: a label
	// the entity emits, which cannot be invoked.
	Event bool
}

// Trigger is one [[action.triggers]]: work caused after the action commits.
type Trigger struct {
	Name          string
	Kind          string // entity, wasm
	TargetEntity  string
	TargetAction  string
	Params        map[string]expr.Value
	ParamsFrom    map[string]string
	ResolveTarget Resolve
	ToState       string
	Guard         *Src
	Module        string
	Principal     string
	OnSuccess     string
	OnFailure     string
	Config        map[string]string
	Pos           diag.Pos
}

// Resolve says how an entity trigger finds its target entity.
type Resolve struct {
	Type     string // same_id, field, static, create_if_missing, create
	Field    string
	EntityID string
	IDField  string
}

// Invariant is one [[invariant]]: an assertion over every reachable state,
// optionally only in the When states. NoFurtherTransitions marks the early
// form assert = "no_further_transitions", which makes the When states
// terminal.
type Invariant struct {
	Name                 string
	Assert               Src
	When                 []string
	WhenPos              []diag.Pos
	NoFurtherTransitions bool
	Pos                  diag.Pos
}

// FieldInvariant is one [[field_invariant]]: checked whenever the entity is
// written.
type FieldInvariant struct {
	Name    string
	Assert  Src
	Message string
	Pos     diag.Pos
}

// Liveness is one [[liveness]] property: from the From states the entity
// eventually reaches one of Reaches, or (HasActions) always has an enabled
// action.
type Liveness struct {
	Name       string
	From       []string
	Reaches    []string
	HasActions bool
	Pos        diag.Pos
}

// StateTimeout fires OnTimeout when the entity stays in State for
// AfterSeconds.
type StateTimeout struct {
	State        string
	AfterSeconds int64
	OnTimeout    string
	Pos          diag.Pos
}

// Integration is one [[integration]]: a WASM module run after the Trigger
// action commits, whose result becomes OnSuccess or OnFailure.
type Integration struct {
	Name      string
	Trigger   string
	Type      string
	Module    string
	OnSuccess string
	OnFailure string
	Config    map[string]string
	Pos       diag.Pos
}
