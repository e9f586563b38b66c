package store

import (
	"context"
	"strings"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/postgres"
	"github.com/temperhq/temper/store/sqlite"
)

// The store's types are defined in a leaf package so the backends can
// implement them without importing this one; these are the names to use.
type (
	// Store keeps projections, transitions, governance records, spec
	// versions, modules and secrets; see model.Store for the method
	// contracts.
	Store = model.Store
	// Ref names an entity: app, entity set, key.
	Ref = model.Ref
	// Entity is the projection of one entity.
	Entity = model.Entity
	// Transition is the record of one committed transition.
	Transition = model.Transition
	// Schema is what a query may name: property types and the key.
	Schema = model.Schema
	// Enum is an enumeration type a schema's properties name.
	Enum = model.Enum
	// EnumMember is a member of an enumeration.
	EnumMember = model.EnumMember
	// SetSchema is an entity set's schema, given at deploy.
	SetSchema = model.SetSchema
	// ListQuery is one page of an entity set.
	ListQuery = model.ListQuery
	// ListResult is one page, its count and the next skip token.
	ListResult = model.ListResult
	// QueryError is a refused query (400).
	QueryError = model.QueryError
	// UnsupportedError is an unimplemented construct (501).
	UnsupportedError = model.UnsupportedError
)

// Pseudo-properties an authorization filter (ListQuery.Restrict) may
// name: the canonical key and the creator's principal UID.
const (
	KeyProperty     = model.KeyProperty
	CreatorProperty = model.CreatorProperty
)

// KeyPart is one key property with its kind; see KeyParts.
type KeyPart = model.KeyPart

// KeyInt is the kind of an integer key part (Edm.Byte, SByte, Int16,
// Int32, Int64).
const KeyInt = model.KindInt

// KeyParts returns the key properties of a schema with their kinds, in key
// order, or an error (an *UnsupportedError for a key type the store does
// not support).
func KeyParts(s Schema) ([]KeyPart, error) {
	n, err := s.Normalized()
	if err != nil {
		return nil, err
	}
	return n.KeyParts(), nil
}

// FormatKey returns the canonical key string of typed key values (int64
// for integer parts, string otherwise) in key order: the value itself for
// a single key, name=literal pairs in OData form for a compound key
// (OrderID=1,Line='a'). It is the entity's identity in the store and the
// suffix of its workflow id.
func FormatKey(parts []KeyPart, vals []any) (string, error) { return model.FormatKey(parts, vals) }

// ParseKey returns the typed values of a canonical key string.
func ParseKey(parts []KeyPart, key string) ([]any, error) { return model.ParseKey(parts, key) }

// Sentinel errors; backends wrap them with context, test with errors.Is.
var (
	ErrNotFound = model.ErrNotFound
	ErrConflict = model.ErrConflict
)

// DefaultPath is the embedded database file (relative to the working
// directory) Open uses for an empty dsnOrPath.
const DefaultPath = sqlite.DefaultPath

// IsPostgres reports whether dsnOrPath names a PostgreSQL database.
func IsPostgres(dsnOrPath string) bool {
	return strings.HasPrefix(dsnOrPath, "postgres://") || strings.HasPrefix(dsnOrPath, "postgresql://")
}

// Open opens the store named by dsnOrPath and applies its migrations: a
// postgres:// or postgresql:// URL opens PostgreSQL through pgx, anything
// else is the path of a SQLite database file (created with its directory;
// "" is DefaultPath).
func Open(ctx context.Context, dsnOrPath string) (Store, error) {
	if IsPostgres(dsnOrPath) {
		return postgres.Open(ctx, dsnOrPath)
	}
	return sqlite.Open(ctx, dsnOrPath)
}

// Governance types: principals, policies, decisions and per-call
// trajectories; see model.Governance for the method contracts.
type (
	// Governance keeps principals, policies, decisions and trajectories.
	Governance = model.Governance
	// Principal is an authenticated caller with its hashed token.
	Principal = model.Principal
	// Policy is a stored Cedar policy of an app.
	Policy = model.Policy
	// Decision is a denial waiting for (or given) a human's answer.
	Decision = model.Decision
	// DecisionQuery selects decisions.
	DecisionQuery = model.DecisionQuery
	// Trajectory is the record of one call.
	Trajectory = model.Trajectory
	// TrajectoryQuery selects trajectories.
	TrajectoryQuery = model.TrajectoryQuery
)

// Principal kinds.
const (
	KindAgent   = model.KindAgent
	KindAdmin   = model.KindAdmin
	KindService = model.KindService
)

// Decision statuses.
const (
	DecisionPending  = model.DecisionPending
	DecisionApproved = model.DecisionApproved
	DecisionDenied   = model.DecisionDenied
)

// Trajectory outcomes.
const (
	OutcomeApplied       = model.OutcomeApplied
	OutcomeOK            = model.OutcomeOK
	OutcomeRejected      = model.OutcomeRejected
	OutcomeDenied        = model.OutcomeDenied
	OutcomeUnknownSet    = model.OutcomeUnknownSet
	OutcomeUnknownAction = model.OutcomeUnknownAction
	OutcomeNotFound      = model.OutcomeNotFound
	OutcomeInvalid       = model.OutcomeInvalid
	OutcomeError         = model.OutcomeError
)

// Spec types: content-addressed spec versions, the version each app
// serves, and deploy records; see model.Specs for the method contracts.
type (
	// Specs keeps spec versions, active versions and deploys.
	Specs = model.Specs
	// SpecVersion is one content-addressed version of an app's bundle.
	SpecVersion = model.SpecVersion
	// ActiveVersion is the version an app serves.
	ActiveVersion = model.ActiveVersion
	// Deploy is the record of one submission's way through the pipeline.
	Deploy = model.Deploy
)

// Deploy statuses.
const (
	DeployRunning   = model.DeployRunning
	DeploySucceeded = model.DeploySucceeded
	DeployFailed    = model.DeployFailed
)

// Module types: an app's content-addressed WASM modules by name and its
// encrypted secrets; see model.Modules for the method contracts.
type (
	// Modules keeps WASM modules and encrypted secrets.
	Modules = model.Modules
	// Module is an app's WASM module under a name, addressed by the
	// SHA-256 of its bytes.
	Module = model.Module
	// Secret is an app's secret, sealed by the caller.
	Secret = model.Secret
)
