package model

import (
	"context"
	"time"
)

// Principal kinds. A principal's identity is its kind and id together:
// Agent::"a" and Admin::"a" are different principals.
const (
	KindAgent   = "Agent"
	KindAdmin   = "Admin"
	KindService = "Service"
)

// Principal is an authenticated caller: an agent, a human admin or a named
// internal service. Its bearer token is stored only as a hash.
type Principal struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Type and Role are attributes policies can test (agents only).
	Type string `json:"type,omitempty"`
	Role string `json:"role,omitempty"`
	// TokenHash is the hex SHA-256 of the bearer token; unique.
	TokenHash string    `json:"-"`
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// RevokedAt is set once the token is revoked; a revoked principal
	// never authenticates again.
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Policy is one stored Cedar policy of an app: written by an admin or
// generated from an approved decision.
type Policy struct {
	App string `json:"app"`
	// ID is unique per app.
	ID string `json:"id"`
	// Text is the policy in Cedar syntax (one policy).
	Text string `json:"text"`
	// DecisionID names the decision the policy was generated for, if any.
	DecisionID string    `json:"decision_id,omitempty"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Decision statuses.
const (
	DecisionPending  = "pending"
	DecisionApproved = "approved"
	DecisionDenied   = "denied"
)

// Decision is a denial waiting for (or given) a human's answer: principal
// P was refused action A on resource R of app App.
type Decision struct {
	ID        string `json:"id"`
	App       string `json:"app"`
	Principal string `json:"principal"` // Cedar UID text, e.g. Agent::"b"
	Action    string `json:"action"`
	// ResourceType and ResourceID name the Cedar resource (ResourceID is
	// "" for a type-level request such as create).
	ResourceType string `json:"resource_type"`
	ResourceID   string `json:"resource_id,omitempty"`
	Status       string `json:"status"`
	// Reason says why the request was denied.
	Reason string `json:"reason,omitempty"`
	// Scope (narrow, medium, broad) and PolicyID are set on approval.
	Scope     string     `json:"scope,omitempty"`
	PolicyID  string     `json:"policy_id,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// DecisionQuery selects decisions, newest first.
type DecisionQuery struct {
	// App, Status and Principal (Cedar UID text) filter when set.
	App, Status, Principal string
	// Limit bounds the page (default 100); After is the Next of a
	// previous page.
	Limit int
	After string
}

// Trajectory outcomes.
const (
	OutcomeApplied       = "applied"        // a write committed
	OutcomeOK            = "ok"             // a read answered
	OutcomeRejected      = "rejected"       // not allowed in the state, or a guard was false
	OutcomeDenied        = "denied"         // Cedar said no
	OutcomeUnknownSet    = "unknown_set"    // an unmet intent: no such entity set
	OutcomeUnknownAction = "unknown_action" // an unmet intent: no such action
	OutcomeNotFound      = "not_found"      // no such entity
	OutcomeInvalid       = "invalid"        // a malformed request
	OutcomeError         = "error"          // the server failed
)

// Trajectory is the record of one call, whatever its outcome.
type Trajectory struct {
	// ID is assigned by the store, increasing.
	ID  int64     `json:"id"`
	At  time.Time `json:"at"`
	App string    `json:"app"`
	// EntityType and EntitySet name what was called ("" when unknown);
	// for an unknown set, EntitySet is the name the caller used.
	EntityType string `json:"entity_type,omitempty"`
	EntitySet  string `json:"entity_set,omitempty"`
	EntityID   string `json:"entity_id,omitempty"`
	// Action is the operation: read, list, create, update, delete, or
	// the spec action's name.
	Action    string `json:"action"`
	Principal string `json:"principal,omitempty"` // Cedar UID text
	Before    string `json:"from_status,omitempty"`
	After     string `json:"to_status,omitempty"`
	Outcome   string `json:"outcome"`
	// Authz is the authorization decision (allow, deny, forbid, or "" if
	// the call ended before it), Policies the policies that decided it.
	Authz      string   `json:"authz,omitempty"`
	Policies   []string `json:"policies,omitempty"`
	DecisionID string   `json:"decision_id,omitempty"`
	Status     int      `json:"http_status,omitempty"`
	Error      string   `json:"error,omitempty"`
	// Duration of the call in microseconds.
	DurationMicros int64  `json:"duration_us"`
	TraceID        string `json:"trace_id,omitempty"`
}

// TrajectoryQuery selects trajectories, newest first. Empty fields do not
// filter.
type TrajectoryQuery struct {
	App, EntityType, EntityID, Action, Principal, Outcome string
	Since, Until                                          time.Time
	// Limit bounds the page (default 100); After is the Next of a
	// previous page.
	Limit int
	After string
}

// Governance keeps principals, policies, decisions and trajectories. Every
// backend passes the conformance suite in store/storetest.
type Governance interface {
	// CreatePrincipal stores a new principal; ErrConflict if one with the
	// same kind and id, or the same token hash, exists.
	CreatePrincipal(ctx context.Context, p Principal) error
	// PrincipalByToken returns the principal holding the token hash,
	// revoked or not (the caller checks RevokedAt); ErrNotFound if none.
	PrincipalByToken(ctx context.Context, tokenHash string) (Principal, error)
	// Principals lists principals ordered by kind, id.
	Principals(ctx context.Context) ([]Principal, error)
	// RevokePrincipal marks the principal revoked at `at`; ErrNotFound if
	// there is no such principal. Revoking twice keeps the first time.
	RevokePrincipal(ctx context.Context, kind, id string, at time.Time) error

	// PutPolicy writes the policy, replacing one with the same app and id.
	PutPolicy(ctx context.Context, p Policy) error
	// DeletePolicy removes a policy; ErrNotFound if there is none.
	DeletePolicy(ctx context.Context, app, id string) error
	// Policies lists an app's policies ordered by id.
	Policies(ctx context.Context, app string) ([]Policy, error)

	// OpenDecision records a pending decision unless an open one
	// (pending or denied) exists for the same app, principal, action,
	// resource type and resource id: then it returns that one and false.
	// d.ID, d.Status and d.CreatedAt are used as given for a new one.
	OpenDecision(ctx context.Context, d Decision) (Decision, bool, error)
	// Decision returns one decision; ErrNotFound if there is none.
	Decision(ctx context.Context, id string) (Decision, error)
	// Decisions lists decisions newest first, with the Next token of the
	// following page ("" on the last).
	Decisions(ctx context.Context, q DecisionQuery) ([]Decision, string, error)
	// ApproveDecision marks a pending decision approved with the scope
	// and writes its policy, in one transaction; ErrNotFound if there is
	// no such decision, ErrConflict if it is not pending.
	ApproveDecision(ctx context.Context, id, scope, by string, at time.Time, p Policy) (Decision, error)
	// DenyDecision marks a pending decision denied; ErrNotFound or
	// ErrConflict as ApproveDecision.
	DenyDecision(ctx context.Context, id, by string, at time.Time) (Decision, error)

	// AppendTrajectories records calls (IDs are assigned by the store).
	AppendTrajectories(ctx context.Context, ts []Trajectory) error
	// Trajectories lists calls newest first, with the Next token of the
	// following page ("" on the last).
	Trajectories(ctx context.Context, q TrajectoryQuery) ([]Trajectory, string, error)
}
