package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Specs = (*Store)(nil)

const (
	specVersionColumns   = `app, version, verifier, report, submitted_by, approved_by, created_at`
	insertSpecVersionSQL = `INSERT INTO temper_spec_versions (` + specVersionColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (app, version) DO NOTHING`
	insertSpecFileSQL = `INSERT INTO temper_spec_files (app, version, name, content) VALUES ($1, $2, $3, $4)`
	specVersionSQL    = `SELECT ` + specVersionColumns + ` FROM temper_spec_versions WHERE app = $1 AND version = $2`
	specFilesSQL      = `SELECT name, content FROM temper_spec_files WHERE app = $1 AND version = $2`
	specVersionsSQL   = `SELECT ` + specVersionColumns + ` FROM temper_spec_versions WHERE app = $1
ORDER BY created_at DESC, version DESC`

	// The check that the version exists and the activation are one
	// statement: it inserts (or replaces) nothing when the version was
	// never put.
	activateSQL = `INSERT INTO temper_active_versions (app, version, activated_by, activated_at)
SELECT app, version, $1, $2 FROM temper_spec_versions WHERE app = $3 AND version = $4
ON CONFLICT (app) DO UPDATE SET version = excluded.version, activated_by = excluded.activated_by,
	activated_at = excluded.activated_at`
	activeVersionsSQL = `SELECT app, version, activated_by, activated_at FROM temper_active_versions ORDER BY app`

	deployColumns = `id, app, version, kind, mode, status, step, report, error, submitted_by, approved_by,
	created_at, finished_at`
	putDeploySQL = `INSERT INTO temper_deploys (` + deployColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (id) DO UPDATE SET app = excluded.app, version = excluded.version, kind = excluded.kind,
	mode = excluded.mode, status = excluded.status, step = excluded.step, report = excluded.report,
	error = excluded.error, submitted_by = excluded.submitted_by, approved_by = excluded.approved_by,
	created_at = excluded.created_at, finished_at = excluded.finished_at`
	deploySQL  = `SELECT ` + deployColumns + ` FROM temper_deploys WHERE id = $1`
	deploysSQL = `SELECT ` + deployColumns + ` FROM temper_deploys WHERE app = $1
ORDER BY created_at DESC, id DESC LIMIT $2`
)

// PutSpecVersion records a version and its files in one transaction; a
// version already put is left as it is, files and all. A concurrent put
// of the same version waits for the first to commit, then does nothing.
func (s *Store) PutSpecVersion(ctx context.Context, v model.SpecVersion) error {
	op := "put spec version " + v.App + "@" + v.Version
	if err := v.Check(); err != nil {
		return translate(op, err)
	}
	return translate(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, insertSpecVersionSQL, v.App, v.Version, v.Verifier, reportArg(v.Report),
			v.SubmittedBy, v.ApprovedBy, v.CreatedAt.UTC())
		if err != nil || tag.RowsAffected() == 0 {
			return err // no row: put before; versions are immutable
		}
		if len(v.Files) == 0 {
			return nil
		}
		b := &pgx.Batch{}
		for name, content := range v.Files {
			b.Queue(insertSpecFileSQL, v.App, v.Version, name, model.FileContent(content))
		}
		return tx.SendBatch(ctx, b).Close()
	}))
}

// SpecVersion returns one version with its files. The version row and its
// files are read apart: they were committed together and never change.
func (s *Store) SpecVersion(ctx context.Context, app, version string) (model.SpecVersion, error) {
	op := "spec version " + app + "@" + version
	v, err := scanSpecVersion(s.pool.QueryRow(ctx, specVersionSQL, app, version))
	if err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	rows, err := s.pool.Query(ctx, specFilesSQL, app, version)
	if err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	type file struct {
		name    string
		content []byte
	}
	files, err := collect(rows, func(r pgx.CollectableRow) (file, error) {
		var f file
		err := r.Scan(&f.name, &f.content)
		return f, err
	})
	if err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	if len(files) > 0 {
		v.Files = make(map[string][]byte, len(files))
		for _, f := range files {
			v.Files[f.name] = model.FileContent(f.content)
		}
	}
	return v, nil
}

// SpecVersions lists an app's versions newest first (created_at, then
// version, both descending), without their files.
func (s *Store) SpecVersions(ctx context.Context, app string) ([]model.SpecVersion, error) {
	op := "spec versions " + app
	rows, err := s.pool.Query(ctx, specVersionsSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.SpecVersion, error) { return scanSpecVersion(r) })
	return out, translate(op, err)
}

func scanSpecVersion(r pgx.Row) (model.SpecVersion, error) {
	var v model.SpecVersion
	var report []byte
	if err := r.Scan(&v.App, &v.Version, &v.Verifier, &report, &v.SubmittedBy, &v.ApprovedBy, &v.CreatedAt); err != nil {
		return model.SpecVersion{}, err
	}
	v.Report, v.CreatedAt = rawReport(report), v.CreatedAt.UTC()
	return v, nil
}

// Activate makes version the one app serves; ErrNotFound if it was never
// put.
func (s *Store) Activate(ctx context.Context, app, version, by string, at time.Time) error {
	op := "activate " + app + "@" + version
	tag, err := s.pool.Exec(ctx, activateSQL, by, at.UTC(), app, version)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

// ActiveVersions lists every app's active version, ordered by app.
func (s *Store) ActiveVersions(ctx context.Context) ([]model.ActiveVersion, error) {
	const op = "active versions"
	rows, err := s.pool.Query(ctx, activeVersionsSQL)
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.ActiveVersion, error) {
		var a model.ActiveVersion
		err := r.Scan(&a.App, &a.Version, &a.ActivatedBy, &a.ActivatedAt)
		a.ActivatedAt = a.ActivatedAt.UTC()
		return a, err
	})
	return out, translate(op, err)
}

// PutDeploy writes a deploy record, replacing one with the same id.
func (s *Store) PutDeploy(ctx context.Context, d model.Deploy) error {
	op := "put deploy " + d.ID
	if err := d.Check(); err != nil {
		return translate(op, err)
	}
	_, err := s.pool.Exec(ctx, putDeploySQL, d.ID, d.App, d.Version, d.Kind, d.Mode, d.Status, d.Step,
		reportArg(d.Report), d.Error, d.SubmittedBy, d.ApprovedBy, d.CreatedAt.UTC(), utcPtr(d.FinishedAt))
	return translate(op, err)
}

// Deploy returns one deploy record.
func (s *Store) Deploy(ctx context.Context, id string) (model.Deploy, error) {
	d, err := scanDeploy(s.pool.QueryRow(ctx, deploySQL, id))
	return d, translate("deploy "+id, err)
}

// Deploys lists an app's deploys newest first (created_at, then id, both
// descending), at most limit (model.PageLimit: 100 by default, 1000 at
// most).
func (s *Store) Deploys(ctx context.Context, app string, limit int) ([]model.Deploy, error) {
	op := "deploys " + app
	rows, err := s.pool.Query(ctx, deploysSQL, app, model.PageLimit(limit))
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Deploy, error) { return scanDeploy(r) })
	return out, translate(op, err)
}

func scanDeploy(r pgx.Row) (model.Deploy, error) {
	var d model.Deploy
	var report []byte
	if err := r.Scan(&d.ID, &d.App, &d.Version, &d.Kind, &d.Mode, &d.Status, &d.Step, &report, &d.Error,
		&d.SubmittedBy, &d.ApprovedBy, &d.CreatedAt, &d.FinishedAt); err != nil {
		return model.Deploy{}, err
	}
	d.Report, d.CreatedAt, d.FinishedAt = rawReport(report), d.CreatedAt.UTC(), utcPtr(d.FinishedAt)
	return d, nil
}

// reportArg passes a report as text, kept as given by the json column (a
// json.RawMessage could be re-encoded); no report is NULL.
func reportArg(r json.RawMessage) *string {
	if len(r) == 0 {
		return nil
	}
	s := string(r)
	return &s
}

func rawReport(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}
