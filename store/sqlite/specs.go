package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Specs = (*Store)(nil)

const (
	specVersionColumns   = `app, version, verifier, report, submitted_by, approved_by, created_at`
	insertSpecVersionSQL = `INSERT INTO temper_spec_versions (` + specVersionColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (app, version) DO NOTHING`
	insertSpecFileSQL = `INSERT INTO temper_spec_files (app, version, name, content) VALUES (?, ?, ?, ?)`
	specVersionSQL    = `SELECT ` + specVersionColumns + ` FROM temper_spec_versions WHERE app = ? AND version = ?`
	specFilesSQL      = `SELECT name, content FROM temper_spec_files WHERE app = ? AND version = ?`
	specVersionsSQL   = `SELECT ` + specVersionColumns + ` FROM temper_spec_versions WHERE app = ?
ORDER BY created_at DESC, version DESC`

	// The check that the version exists and the activation are one
	// statement: it inserts (or replaces) nothing when the version was
	// never put. (The WHERE clause also keeps SQLite from reading ON
	// CONFLICT as a join constraint.)
	activateSQL = `INSERT INTO temper_active_versions (app, version, activated_by, activated_at)
SELECT app, version, ?, ? FROM temper_spec_versions WHERE app = ? AND version = ?
ON CONFLICT (app) DO UPDATE SET version = excluded.version, activated_by = excluded.activated_by,
	activated_at = excluded.activated_at`
	activeVersionsSQL = `SELECT app, version, activated_by, activated_at FROM temper_active_versions ORDER BY app`

	deployColumns = `id, app, version, kind, mode, status, step, report, error, submitted_by, approved_by,
	created_at, finished_at`
	putDeploySQL = `INSERT INTO temper_deploys (` + deployColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET app = excluded.app, version = excluded.version, kind = excluded.kind,
	mode = excluded.mode, status = excluded.status, step = excluded.step, report = excluded.report,
	error = excluded.error, submitted_by = excluded.submitted_by, approved_by = excluded.approved_by,
	created_at = excluded.created_at, finished_at = excluded.finished_at`
	deploySQL  = `SELECT ` + deployColumns + ` FROM temper_deploys WHERE id = ?`
	deploysSQL = `SELECT ` + deployColumns + ` FROM temper_deploys WHERE app = ?
ORDER BY created_at DESC, id DESC LIMIT ?`
)

// PutSpecVersion records a version and its files in one write
// transaction; a version already put is left as it is, files and all.
func (s *Store) PutSpecVersion(ctx context.Context, v model.SpecVersion) error {
	op := "put spec version " + v.App + "@" + v.Version
	if err := v.Check(); err != nil {
		return translate(op, err)
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, insertSpecVersionSQL, v.App, v.Version, v.Verifier, nullReport(v.Report),
			v.SubmittedBy, v.ApprovedBy, formatTime(v.CreatedAt))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err // n == 0: put before; versions are immutable
		}
		if len(v.Files) == 0 {
			return nil
		}
		st, err := tx.PrepareContext(ctx, insertSpecFileSQL)
		if err != nil {
			return err
		}
		defer st.Close()
		for name, content := range v.Files {
			if _, err := st.ExecContext(ctx, v.App, v.Version, name, model.FileContent(content)); err != nil {
				return err
			}
		}
		return nil
	}))
}

// SpecVersion returns one version with its files. The version row and its
// files are read apart: they were committed together and never change.
func (s *Store) SpecVersion(ctx context.Context, app, version string) (model.SpecVersion, error) {
	op := "spec version " + app + "@" + version
	v, err := scanSpecVersion(s.r.QueryRowContext(ctx, specVersionSQL, app, version))
	if err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	rows, err := s.r.QueryContext(ctx, specFilesSQL, app, version)
	if err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var content []byte
		if err := rows.Scan(&name, &content); err != nil {
			return model.SpecVersion{}, translate(op, err)
		}
		if v.Files == nil {
			v.Files = map[string][]byte{}
		}
		v.Files[name] = model.FileContent(content)
	}
	if err := rows.Err(); err != nil {
		return model.SpecVersion{}, translate(op, err)
	}
	return v, nil
}

// SpecVersions lists an app's versions newest first (created_at, then
// version, both descending), without their files.
func (s *Store) SpecVersions(ctx context.Context, app string) ([]model.SpecVersion, error) {
	op := "spec versions " + app
	rows, err := s.r.QueryContext(ctx, specVersionsSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.SpecVersion
	for rows.Next() {
		v, err := scanSpecVersion(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, v)
	}
	return out, translate(op, rows.Err())
}

func scanSpecVersion(r rowScanner) (model.SpecVersion, error) {
	var v model.SpecVersion
	var report sql.NullString
	var created string
	if err := r.Scan(&v.App, &v.Version, &v.Verifier, &report, &v.SubmittedBy, &v.ApprovedBy, &created); err != nil {
		return model.SpecVersion{}, err
	}
	v.Report, v.CreatedAt = rawReport(report), parseTime(created)
	return v, nil
}

// Activate makes version the one app serves; ErrNotFound if it was never
// put.
func (s *Store) Activate(ctx context.Context, app, version, by string, at time.Time) error {
	op := "activate " + app + "@" + version
	res, err := s.w.ExecContext(ctx, activateSQL, by, formatTime(at), app, version)
	if err != nil {
		return translate(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return translate(op, err)
	}
	if n == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

// ActiveVersions lists every app's active version, ordered by app.
func (s *Store) ActiveVersions(ctx context.Context) ([]model.ActiveVersion, error) {
	const op = "active versions"
	rows, err := s.r.QueryContext(ctx, activeVersionsSQL)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.ActiveVersion
	for rows.Next() {
		var a model.ActiveVersion
		var at string
		if err := rows.Scan(&a.App, &a.Version, &a.ActivatedBy, &at); err != nil {
			return nil, translate(op, err)
		}
		a.ActivatedAt = parseTime(at)
		out = append(out, a)
	}
	return out, translate(op, rows.Err())
}

// PutDeploy writes a deploy record, replacing one with the same id.
func (s *Store) PutDeploy(ctx context.Context, d model.Deploy) error {
	op := "put deploy " + d.ID
	if err := d.Check(); err != nil {
		return translate(op, err)
	}
	_, err := s.w.ExecContext(ctx, putDeploySQL, d.ID, d.App, d.Version, d.Kind, d.Mode, d.Status, d.Step,
		nullReport(d.Report), d.Error, d.SubmittedBy, d.ApprovedBy, formatTime(d.CreatedAt), nullTime(d.FinishedAt))
	return translate(op, err)
}

// Deploy returns one deploy record.
func (s *Store) Deploy(ctx context.Context, id string) (model.Deploy, error) {
	d, err := scanDeploy(s.r.QueryRowContext(ctx, deploySQL, id))
	return d, translate("deploy "+id, err)
}

// Deploys lists an app's deploys newest first (created_at, then id, both
// descending), at most limit (model.PageLimit: 100 by default, 1000 at
// most).
func (s *Store) Deploys(ctx context.Context, app string, limit int) ([]model.Deploy, error) {
	op := "deploys " + app
	rows, err := s.r.QueryContext(ctx, deploysSQL, app, model.PageLimit(limit))
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Deploy
	for rows.Next() {
		d, err := scanDeploy(rows)
		if err != nil {
			return nil, translate(op, err)
		}
		out = append(out, d)
	}
	return out, translate(op, rows.Err())
}

func scanDeploy(r rowScanner) (model.Deploy, error) {
	var d model.Deploy
	var report, finished sql.NullString
	var created string
	if err := r.Scan(&d.ID, &d.App, &d.Version, &d.Kind, &d.Mode, &d.Status, &d.Step, &report, &d.Error,
		&d.SubmittedBy, &d.ApprovedBy, &created, &finished); err != nil {
		return model.Deploy{}, err
	}
	d.Report, d.CreatedAt, d.FinishedAt = rawReport(report), parseTime(created), timePtr(finished)
	return d, nil
}

// nullReport stores a report as given, no report as NULL.
func nullReport(r json.RawMessage) sql.NullString {
	return sql.NullString{String: string(r), Valid: len(r) > 0}
}

func rawReport(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}
