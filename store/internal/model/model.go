package model

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
)

// Ref names an entity: its app, entity set and key.
type Ref struct {
	App string `json:"app"`
	Set string `json:"set"`
	Key string `json:"key"`
}

// ID is app/set/key, like the entity's workflow id. (Not String: Entity
// and Transition embed Ref and would print as their ID alone.)
func (r Ref) ID() string { return r.App + "/" + r.Set + "/" + r.Key }

// Entity is the projection of one entity: the latest committed version the
// store has seen.
type Entity struct {
	Ref
	// Type is the entity type (the spec's automaton name).
	Type string `json:"type"`
	// Spec is the content hash of the spec version the entity runs.
	Spec    string `json:"spec"`
	Version int64  `json:"version"`
	Status  string `json:"status"`
	// Fields are the state variables and data-model fields, as JSON values.
	Fields  map[string]any `json:"fields"`
	Creator string         `json:"creator,omitempty"`
	// CreatedAt is kept from the first write; zero means UpdatedAt.
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Transition is the record of one committed transition. It is append-only
// and identified by (Ref, Incarnation, Version).
type Transition struct {
	Ref
	Type string `json:"type"`
	// Incarnation tells apart the lives of a key that was deleted and
	// created again (whose versions start over): the entity workflow's
	// first run id. Transitions are identified by (Ref, Incarnation,
	// Version).
	Incarnation string `json:"incarnation,omitempty"`
	Version     int64  `json:"version"`
	// Action is "" for the create (Params is then the create body), or a
	// pseudo-action such as "$update".
	Action    string         `json:"action"`
	Params    map[string]any `json:"params,omitempty"`
	Principal string         `json:"principal,omitempty"`
	Before    string         `json:"before,omitempty"`
	After     string         `json:"after"`
	Spec      string         `json:"spec"`
	At        time.Time      `json:"at"`
}

// Schema is what a query may name: the entity set's properties by name
// with their Edm type ("Edm.String", "Edm.Int32", "Collection(Edm.String)",
// ...) and the key property names. "status" and the key are always
// present: a schema without them gets them as Edm.String.
type Schema struct {
	Properties map[string]string `json:"properties"`
	Key        []string          `json:"key"`
	// Enums are the enumeration types the properties name, by qualified
	// name: a property of one holds a member name.
	Enums map[string]Enum `json:"enums,omitempty"`
}

// Enum is an enumeration type: its members in declaration order.
type Enum struct {
	Members []EnumMember `json:"members"`
	// Flags: a value may combine members (IsFlags in CSDL).
	Flags bool `json:"flags,omitempty"`
}

// EnumMember is one member of an enumeration and its integer value.
type EnumMember struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// Canonical is the value of a flags enumeration naming members (names or
// values): the member names in declaration order, each once, joined by
// commas, which is how entities hold it. ok is false for an unknown
// member.
func (e Enum) Canonical(members []string) (string, bool) {
	want := map[string]bool{}
	for _, s := range members {
		m, ok := e.Member(strings.TrimSpace(s))
		if !ok {
			return "", false
		}
		want[m.Name] = true
	}
	var names []string
	for _, m := range e.Members {
		if want[m.Name] {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ","), true
}

// Member finds the member an enumeration literal names: by name, or by
// its integer value.
func (e Enum) Member(s string) (EnumMember, bool) {
	for _, m := range e.Members {
		if m.Name == s {
			return m, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		for _, m := range e.Members {
			if m.Value == n {
				return m, true
			}
		}
	}
	return EnumMember{}, false
}

// SetSchema is the schema of one entity set, given at deploy so the store
// can lay out and index the set.
type SetSchema struct {
	App        string `json:"app"`
	Set        string `json:"set"`
	EntityType string `json:"entity_type"`
	Schema     Schema `json:"schema"`
}

// ListQuery is one page of an entity set, from an OData request: the
// syntax trees come from the URL parser, the schema from the data model.
type ListQuery struct {
	App, Set string
	Schema   Schema
	Filter   ast.Expr
	Search   ast.Search
	OrderBy  []ast.OrderItem
	// Top is the page size: at most Top entities are returned; zero or
	// less returns none (a count-only request).
	Top int
	// Skip skips entities after the cursor.
	Skip int
	// Count asks for the number of entities matching Filter and Search,
	// regardless of Top, Skip and After.
	Count bool
	// After is a skip token from a previous ListResult.Next: the page
	// continues after the last entity of that page (keyset paging, stable
	// under concurrent writes). It is only valid with the same OrderBy.
	After string
	// Now is the instant now() stands for; zero means the wall clock.
	Now time.Time
	// Restrict is a condition the caller adds (the authorization filter
	// of what the principal may read), ANDed with Filter and Search,
	// counted and paged like them. Besides the schema's properties it may
	// name KeyProperty and CreatorProperty.
	Restrict ast.Expr
}

// Pseudo-properties of ListQuery.Restrict: the canonical key and the
// creator (a principal's UID text, "" for none).
const (
	KeyProperty     = "$key"
	CreatorProperty = "$creator"
)

// ListResult is one page.
type ListResult struct {
	Entities []Entity
	// Count is set when ListQuery.Count asked for it.
	Count *int64
	// Next is the skip token of the next page, "" on the last page.
	Next string
}

// Store keeps projections and transitions, the governance records
// (principals, policies, decisions, trajectories), spec versions with
// their deploys, and WASM modules with encrypted secrets. Every backend
// passes the conformance suite in store/storetest.
type Store interface {
	Governance
	Specs
	Modules

	// Migrate applies the schema migrations not yet applied; Open calls
	// it. It is idempotent and safe to run from concurrent processes.
	Migrate(ctx context.Context) error
	// EnsureSet lays out an entity set for its schema: typed, indexed
	// columns for its primitive properties. It is additive and idempotent;
	// a deploy calls it for every set. Writes to a set that was never
	// ensured work, but its queries cannot use indexes until it is.
	EnsureSet(ctx context.Context, s SetSchema) error
	// PutProjection writes the entity unless the stored version is the
	// same or newer, so replays and retries never move it backwards.
	PutProjection(ctx context.Context, e Entity) error
	// PutProjections is PutProjection for many entities in one
	// transaction (rebuilds, imports).
	PutProjections(ctx context.Context, es []Entity) error
	// GetProjection returns ErrNotFound for an unknown entity.
	GetProjection(ctx context.Context, r Ref) (Entity, error)
	// DeleteProjection removes the entity's projection (its transitions
	// stays); ErrNotFound if there is none.
	DeleteProjection(ctx context.Context, r Ref) error
	// AppendTransition records a transition; a second record of the same
	// (entity, incarnation, version) is a no-op.
	AppendTransition(ctx context.Context, t Transition) error
	// RecordCommit is PutProjection and AppendTransition in one
	// transaction: what the after-commit hook writes.
	RecordCommit(ctx context.Context, e Entity, t Transition) error
	// EntityTransitions lists an entity's transitions (of every
	// incarnation of its key), newest first.
	EntityTransitions(ctx context.Context, r Ref, limit int) ([]Transition, error)
	// AppTransitions lists an app's transitions, newest first.
	AppTransitions(ctx context.Context, app string, limit int) ([]Transition, error)
	// Query returns one page of an entity set. Errors are *QueryError
	// (the request is wrong: 400) or *UnsupportedError (501).
	Query(ctx context.Context, q ListQuery) (ListResult, error)
	// Close releases the connections.
	Close() error
}
