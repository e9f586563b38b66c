package entity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine"
)

// Names of the workflow and its handlers, stable across releases because
// recorded histories refer to them.
const (
	WorkflowName = "temper.Entity"
	UpdateAction = "action"
	SignalAction = "action"
	QueryState   = "state"
	// CommitActivity is the local activity run after each committed
	// transition.
	CommitActivity = "temper.AfterCommit"
)

// Search attributes the entity keeps current, so the Temporal UI and
// `temporal workflow list` can filter entities.
const (
	SAApp    = "TemperApp"
	SAEntity = "TemperEntity"
	SAStatus = "TemperStatus"
)

// Error types of rejected actions (temporal.ApplicationError types), which
// the gateway maps to status codes.
const (
	ErrTypeRejected    = "TransitionRejected"
	ErrTypeBadRequest  = "BadRequest"
	ErrTypeSpecMissing = "SpecMissing"
	ErrTypeStranded    = "Stranded"
	// ErrTypePrecondition: the request's IfVersion does not match (412).
	ErrTypePrecondition = "PreconditionFailed"
)

// Pseudo-actions recorded in commits for field updates and deletes.
const (
	ActionUpdate = "$update"
	ActionDelete = "$delete"
)

// Ref names an entity.
type Ref struct {
	App       string `json:"app"`
	EntitySet string `json:"entity_set"`
	Key       string `json:"key"`
}

// WorkflowID is <app>/<EntitySet>/<key>, readable in the Temporal UI.
func (r Ref) WorkflowID() string { return r.App + "/" + r.EntitySet + "/" + r.Key }

// ParseWorkflowID splits a workflow id made by WorkflowID; the key may
// itself contain '/'.
func ParseWorkflowID(id string) (Ref, error) {
	parts := strings.SplitN(id, "/", 3)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return Ref{}, fmt.Errorf("entity workflow id %q is not <app>/<set>/<key>", id)
	}
	return Ref{App: parts[0], EntitySet: parts[1], Key: parts[2]}, nil
}

// Specs resolves a content-addressed spec version to a compiled table. The
// content of a version never changes, so reading it from workflow code is
// deterministic; a worker that lacks the version fails the workflow task
// until one that has it picks it up.
type Specs interface {
	Table(version, entity string) (*specengine.Table, error)
}

// ErrSpecNotFound is returned by Specs for an unknown version or entity.
var ErrSpecNotFound = errors.New("spec version not found")

// Start is the workflow input. On the first run Body is the create body;
// a continued run carries Carry instead.
type Start struct {
	Ref    Ref    `json:"ref"`
	Entity string `json:"entity"`
	Spec   string `json:"spec"`
	Body   Values `json:"body,omitempty"`
	// Creator is the principal that created the entity.
	Creator string `json:"creator,omitempty"`
	// IdempotencyKey of the create request: a repeated create with the same
	// key returns the entity instead of a conflict.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Limits         Limits `json:"limits,omitempty"`
	Carry          *Carry `json:"carry,omitempty"`
}

// Carry is what a continued run inherits.
type Carry struct {
	State specengine.State `json:"state"`
	// Recent maps recent update ids to their results, so a retried update
	// returns the first result across runs.
	Recent []Done   `json:"recent,omitempty"`
	Timers []Timer  `json:"timers,omitempty"`
	Runs   int      `json:"runs"`
	Seen   []string `json:"seen,omitempty"` // signal request ids applied recently
}

// Done is the result of one committed update, kept for deduplication.
type Done struct {
	ID     string `json:"id"`
	Result Entity `json:"result"`
}

// Timer is a pending durable timer: a scheduled action, or a state timeout
// armed when the entity entered State at Version.
type Timer struct {
	Action  string    `json:"action"`
	Due     time.Time `json:"due"`
	State   string    `json:"state,omitempty"`   // state timeouts: the state it guards
	Version int64     `json:"version,omitempty"` // state timeouts: the version that entered it
}

// Request is an action sent to an entity.
type Request struct {
	Action string `json:"action"`
	Params Values `json:"params,omitempty"`
	// Spec, when set, is the app's active spec version; an entity running
	// an older version moves to it before applying the action (hot reload
	// without restarting anything).
	Spec string `json:"spec,omitempty"`
	// StateMap renames states when the new version dropped some.
	StateMap map[string]string `json:"state_map,omitempty"`
	// RequestID deduplicates signals (updates use their update id).
	RequestID string `json:"request_id,omitempty"`
	Principal string `json:"principal,omitempty"`
	// IfVersion makes the request conditional on the entity's version (an
	// If-Match ETag), checked atomically by the validator.
	IfVersion *int64 `json:"if_version,omitempty"`
	// Update, with an empty Action, writes data-model fields (PATCH).
	Update Values `json:"update,omitempty"`
	// Delete, with an empty Action, ends the entity.
	Delete bool `json:"delete,omitempty"`
	// Depth counts the reactions that led to this request (0 for a
	// request from outside); a reaction deeper than MaxReactionDepth is
	// not dispatched.
	Depth int `json:"depth,omitempty"`
}

// Entity is the entity as the handlers return and the query reads it.
type Entity struct {
	Ref     Ref    `json:"ref"`
	Entity  string `json:"entity"`
	Spec    string `json:"spec"`
	Version int64  `json:"version"`
	Status  string `json:"status"`
	Fields  Values `json:"fields"`
	Creator string `json:"creator,omitempty"`
	// CreateKey is the idempotency key of the create request.
	CreateKey string `json:"create_key,omitempty"`
	// Deleted is set once the entity was deleted; its closed workflow
	// still answers queries until retention removes it.
	Deleted bool `json:"deleted,omitempty"`
}

// Commit is what the after-commit hook receives: one committed transition.
type Commit struct {
	Ref       Ref        `json:"ref"`
	Entity    string     `json:"entity"`
	Spec      string     `json:"spec"`
	Action    string     `json:"action"` // "" for the create
	Params    Values     `json:"params,omitempty"`
	Principal string     `json:"principal,omitempty"`
	Before    string     `json:"before,omitempty"`
	Deleted   bool       `json:"deleted,omitempty"`
	After     Entity     `json:"after"`
	Outgoing  []Outgoing `json:"outgoing,omitempty"`
	// Incarnation is the workflow's first run id: it tells apart the
	// lives of a key deleted and created again.
	Incarnation string    `json:"incarnation,omitempty"`
	At          time.Time `json:"at"`
}

// Outgoing is the serializable form of the work a transition asks for.
type Outgoing struct {
	Kind    string `json:"kind"`
	Action  string `json:"action,omitempty"`
	Entity  string `json:"entity,omitempty"`
	ID      string `json:"id,omitempty"`
	Seconds int64  `json:"seconds,omitempty"`
	Name    string `json:"name,omitempty"` // trigger or integration name
}

// Hook is the after-commit work: projection and transition writes,
// integrations, reactions. It runs as a local activity.
type Hook interface {
	AfterCommit(ctx context.Context, c Commit) error
}

// TimerPrincipal is the service principal timers act as.
const TimerPrincipal = `Service::"timer"`

// ReactionPrincipal is the service principal reactions act as.
const ReactionPrincipal = `Service::"reaction"`

// ReactActivity is the activity that delivers a reaction.
const ReactActivity = "temper.React"

// MaxReactionDepth bounds a chain of reactions, as the verifier's
// cross-entity check does statically.
const MaxReactionDepth = 8

// Reaction is an entity trigger's dispatch: run Action on the target
// entity (creating it first when Create says so), exactly once per
// RequestID.
type Reaction struct {
	Source  Ref    `json:"source"`
	Trigger string `json:"trigger"`
	Target  Ref    `json:"target"`
	// Entity is the target's entity type; Spec the version both run.
	Entity string `json:"entity"`
	Spec   string `json:"spec"`
	Action string `json:"action"`
	Params Values `json:"params,omitempty"`
	// Create is "", "create" (the target must be new) or
	// "create_if_missing".
	Create string `json:"create,omitempty"`
	Depth  int    `json:"depth"`
	// RequestID is deterministic (source, version, trigger): the update
	// id on the target, so a retried delivery applies once.
	RequestID string `json:"request_id"`
}

// IntegrationPrincipal is the service principal integration callbacks
// act as.
const IntegrationPrincipal = `Service::"integration"`

// IntegrationActivity runs an integration's WASM module.
const IntegrationActivity = "temper.Integration"

// IntegrationCall is one run of an integration module for an entity,
// after the action that triggers it committed.
type IntegrationCall struct {
	Ref         Ref               `json:"ref"`
	Entity      string            `json:"entity"`
	Spec        string            `json:"spec"`
	Integration string            `json:"integration"`
	Module      string            `json:"module"`
	Config      map[string]string `json:"config,omitempty"`
	// Version, Status and Fields are the entity after the triggering
	// action: the module's input.
	Version int64  `json:"version"`
	Status  string `json:"status"`
	Fields  Values `json:"fields,omitempty"`
}

// IntegrationFailure is why an integration failed, as the on_failure
// action receives it (its params): kind is timeout, trap, denied,
// http_status, budget or error.
type IntegrationFailure struct {
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	Status     int    `json:"status,omitempty"`
	DecisionID string `json:"decision_id,omitempty"`
}

// IntegrationErrorType is the application error type of a failed
// integration activity; its details are an IntegrationFailure.
const IntegrationErrorType = "IntegrationFailed"

// GateActivity is the activity name of Gate.AuthorizeDispatch.
const GateActivity = "temper.AuthorizeDispatch"

// Gate authorizes what the system dispatches by itself (timers; later
// reactions and integration callbacks) as a named service principal. It
// runs as a local activity.
type Gate interface {
	AuthorizeDispatch(ctx context.Context, d Dispatch) (Verdict, error)
}

// Dispatch is an internal dispatch to authorize: who, what, and the
// entity as it is.
type Dispatch struct {
	Ref       Ref    `json:"ref"`
	Entity    string `json:"entity"`
	Spec      string `json:"spec"`
	Action    string `json:"action"`
	Principal string `json:"principal"`
	Status    string `json:"status"`
	Fields    Values `json:"fields,omitempty"`
	Creator   string `json:"creator,omitempty"`
}

// Verdict is the gate's answer.
type Verdict struct {
	Allowed  bool     `json:"allowed"`
	Decision string   `json:"decision"`
	Policies []string `json:"policies,omitempty"`
}

// Options tune the worker side of the workflow. What changes the
// workflow's decisions (when it continues as new, how many results it
// keeps) is not here but in Start.Limits, recorded in history, so replay
// never depends on a worker's configuration.
type Options struct {
	// CommitTimeout bounds the after-commit local activity. Default 10s.
	CommitTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.CommitTimeout <= 0 {
		o.CommitTimeout = 10 * time.Second
	}
	return o
}

// Limits shape an entity's runs. They are part of the workflow input and
// carried across continue-as-new.
type Limits struct {
	// MaxUpdatesPerRun continues as new after this many committed updates,
	// well under the server's 2,000 updates per run. Default 1,000.
	MaxUpdatesPerRun int `json:"max_updates_per_run,omitempty"`
	// RecentUpdates is how many update results are kept for deduplication
	// across runs. Default 256.
	RecentUpdates int `json:"recent_updates,omitempty"`
}

func (l Limits) withDefaults() Limits {
	if l.MaxUpdatesPerRun <= 0 {
		l.MaxUpdatesPerRun = 1000
	}
	if l.RecentUpdates <= 0 {
		l.RecentUpdates = 256
	}
	return l
}
