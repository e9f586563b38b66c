package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Modules = (*Store)(nil)

const (
	moduleHashSQL = `SELECT hash FROM temper_modules WHERE app = ? AND name = ?`
	insertBlobSQL = `INSERT INTO temper_module_blobs (hash, size, bytes) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING`
	putModuleSQL  = `INSERT INTO temper_modules (app, name, hash, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (app, name) DO UPDATE SET hash = excluded.hash, uploaded_by = excluded.uploaded_by,
	uploaded_at = excluded.uploaded_at`
	deleteModuleSQL = `DELETE FROM temper_modules WHERE app = ? AND name = ? RETURNING hash`
	// A blob goes with the last module referring to it.
	deleteOrphanSQL = `DELETE FROM temper_module_blobs
WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM temper_modules WHERE hash = ?)`
	// One statement reads the module and its bytes, so they agree.
	moduleSQL = `SELECT m.app, m.name, m.hash, b.size, b.bytes, m.uploaded_by, m.uploaded_at
FROM temper_modules m JOIN temper_module_blobs b ON b.hash = m.hash WHERE m.app = ? AND m.name = ?`
	modulesSQL = `SELECT m.app, m.name, m.hash, b.size, m.uploaded_by, m.uploaded_at
FROM temper_modules m JOIN temper_module_blobs b ON b.hash = m.hash WHERE m.app = ? ORDER BY m.name`
	moduleBytesSQL = `SELECT bytes FROM temper_module_blobs WHERE hash = ?`

	putSecretSQL = `INSERT INTO temper_secrets (app, name, ciphertext, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (app, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_by = excluded.updated_by,
	updated_at = excluded.updated_at`
	secretSQL       = `SELECT app, name, ciphertext, updated_by, updated_at FROM temper_secrets WHERE app = ? AND name = ?`
	secretsSQL      = `SELECT app, name, updated_by, updated_at FROM temper_secrets WHERE app = ? ORDER BY name`
	deleteSecretSQL = `DELETE FROM temper_secrets WHERE app = ? AND name = ?`
)

// PutModule stores the module's bytes (once per hash), points its name at
// them, and deletes the bytes the name referred to before if no other
// module does, all in one write transaction.
func (s *Store) PutModule(ctx context.Context, m model.Module) error {
	op := "put module " + m.App + "/" + m.Name
	if err := m.Check(); err != nil {
		return translate(op, err)
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, moduleHashSQL, m.App, m.Name).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, insertBlobSQL, m.Hash, m.Size, model.FileContent(m.Bytes)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, putModuleSQL, m.App, m.Name, m.Hash, m.UploadedBy,
			formatTime(m.UploadedAt)); err != nil {
			return err
		}
		if old == "" || old == m.Hash {
			return nil
		}
		_, err = tx.ExecContext(ctx, deleteOrphanSQL, old, old)
		return err
	}))
}

// Module returns an app's module by name, with its bytes.
func (s *Store) Module(ctx context.Context, app, name string) (model.Module, error) {
	op := "module " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return model.Module{}, translate(op, model.ErrNotFound)
	}
	var m model.Module
	var at string
	err := s.r.QueryRowContext(ctx, moduleSQL, app, name).Scan(&m.App, &m.Name, &m.Hash, &m.Size, &m.Bytes,
		&m.UploadedBy, &at)
	if err != nil {
		return model.Module{}, translate(op, err)
	}
	m.Bytes, m.UploadedAt = model.FileContent(m.Bytes), parseTime(at)
	return m, nil
}

// ModuleByHash returns the bytes of a module hash.
func (s *Store) ModuleByHash(ctx context.Context, hash string) ([]byte, error) {
	op := "module " + hash
	if !model.StorableText(hash) {
		return nil, translate(op, model.ErrNotFound)
	}
	var b []byte
	if err := s.r.QueryRowContext(ctx, moduleBytesSQL, hash).Scan(&b); err != nil {
		return nil, translate(op, err)
	}
	return model.FileContent(b), nil
}

// Modules lists an app's modules by name, without bytes.
func (s *Store) Modules(ctx context.Context, app string) ([]model.Module, error) {
	op := "modules " + app
	if !model.StorableText(app) {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, modulesSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Module
	for rows.Next() {
		var m model.Module
		var at string
		if err := rows.Scan(&m.App, &m.Name, &m.Hash, &m.Size, &m.UploadedBy, &at); err != nil {
			return nil, translate(op, err)
		}
		m.UploadedAt = parseTime(at)
		out = append(out, m)
	}
	return out, translate(op, rows.Err())
}

// DeleteModule removes a name, and its bytes if no other module refers
// to them, in one write transaction.
func (s *Store) DeleteModule(ctx context.Context, app, name string) error {
	op := "delete module " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return translate(op, model.ErrNotFound)
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, deleteModuleSQL, app, name).Scan(&hash); err != nil {
			return err // sql.ErrNoRows: no such module
		}
		_, err := tx.ExecContext(ctx, deleteOrphanSQL, hash, hash)
		return err
	}))
}

// PutSecret writes (or replaces) a secret.
func (s *Store) PutSecret(ctx context.Context, sec model.Secret) error {
	op := "put secret " + sec.App + "/" + sec.Name
	if err := sec.Check(); err != nil {
		return translate(op, err)
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, putSecretSQL, sec.App, sec.Name, sec.Ciphertext, sec.UpdatedBy,
			formatTime(sec.UpdatedAt))
		return err
	}))
}

// Secret returns a secret with its ciphertext.
func (s *Store) Secret(ctx context.Context, app, name string) (model.Secret, error) {
	op := "secret " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return model.Secret{}, translate(op, model.ErrNotFound)
	}
	var sec model.Secret
	var at string
	err := s.r.QueryRowContext(ctx, secretSQL, app, name).Scan(&sec.App, &sec.Name, &sec.Ciphertext,
		&sec.UpdatedBy, &at)
	if err != nil {
		return model.Secret{}, translate(op, err)
	}
	sec.UpdatedAt = parseTime(at)
	return sec, nil
}

// Secrets lists an app's secrets by name, without ciphertexts.
func (s *Store) Secrets(ctx context.Context, app string) ([]model.Secret, error) {
	op := "secrets " + app
	if !model.StorableText(app) {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, secretsSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Secret
	for rows.Next() {
		var sec model.Secret
		var at string
		if err := rows.Scan(&sec.App, &sec.Name, &sec.UpdatedBy, &at); err != nil {
			return nil, translate(op, err)
		}
		sec.UpdatedAt = parseTime(at)
		out = append(out, sec)
	}
	return out, translate(op, rows.Err())
}

// DeleteSecret removes a secret.
func (s *Store) DeleteSecret(ctx context.Context, app, name string) error {
	op := "delete secret " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return translate(op, model.ErrNotFound)
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, deleteSecretSQL, app, name)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = model.ErrNotFound
		}
		return err
	}))
}
