package model

import (
	"context"
	"encoding/json"
	"time"
)

// SpecVersion is one content-addressed version of an app's bundle: its
// files as submitted, and the cascade report that let it deploy.
type SpecVersion struct {
	App string `json:"app"`
	// Version is the bundle's content hash (sha256:...).
	Version string `json:"version"`
	// Files maps file names to their content.
	Files map[string][]byte `json:"files,omitempty"`
	// Verifier names the verifier build that verified it; a rollback
	// re-verifies when it differs from the running one.
	Verifier string `json:"verifier"`
	// Report is the cascade's JSON report.
	Report      json.RawMessage `json:"report,omitempty"`
	SubmittedBy string          `json:"submitted_by,omitempty"`
	ApprovedBy  string          `json:"approved_by,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
}

// ActiveVersion is the version an app serves.
type ActiveVersion struct {
	App         string    `json:"app"`
	Version     string    `json:"version"`
	ActivatedBy string    `json:"activated_by,omitempty"`
	ActivatedAt time.Time `json:"activated_at"`
}

// Deploy statuses.
const (
	DeployRunning   = "running"
	DeploySucceeded = "succeeded"
	DeployFailed    = "failed"
)

// Deploy is the record of one submission's way through the pipeline.
type Deploy struct {
	ID      string `json:"id"`
	App     string `json:"app"`
	Version string `json:"version,omitempty"`
	// Kind is submit, rollback or import; Mode merge or replace.
	Kind   string `json:"kind"`
	Mode   string `json:"mode,omitempty"`
	Status string `json:"status"`
	// Step is the step running or the one that failed.
	Step string `json:"step,omitempty"`
	// Report is the deploy report (steps, cascade, stranding, shadow).
	Report      json.RawMessage `json:"report,omitempty"`
	Error       string          `json:"error,omitempty"`
	SubmittedBy string          `json:"submitted_by,omitempty"`
	ApprovedBy  string          `json:"approved_by,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	FinishedAt  *time.Time      `json:"finished_at,omitempty"`
}

// Specs keeps spec versions, which version each app serves, and deploy
// records. Every backend passes the conformance suite in store/storetest.
type Specs interface {
	// PutSpecVersion records a version; a second put of the same app and
	// version is a no-op (versions are immutable).
	PutSpecVersion(ctx context.Context, v SpecVersion) error
	// SpecVersion returns one version with its files; ErrNotFound if
	// there is none.
	SpecVersion(ctx context.Context, app, version string) (SpecVersion, error)
	// SpecVersions lists an app's versions, newest first, without their
	// files.
	SpecVersions(ctx context.Context, app string) ([]SpecVersion, error)
	// Activate makes version the one app serves; ErrNotFound if the
	// version was never put.
	Activate(ctx context.Context, app, version, by string, at time.Time) error
	// ActiveVersions lists every app's active version, ordered by app.
	ActiveVersions(ctx context.Context) ([]ActiveVersion, error)
	// PutDeploy writes a deploy record, replacing one with the same ID.
	PutDeploy(ctx context.Context, d Deploy) error
	// Deploy returns one record; ErrNotFound if there is none.
	Deploy(ctx context.Context, id string) (Deploy, error)
	// Deploys lists an app's deploys, newest first, at most limit
	// (default 100).
	Deploys(ctx context.Context, app string, limit int) ([]Deploy, error)
}
