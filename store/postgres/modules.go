package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Modules = (*Store)(nil)

const (
	// lockModuleSQL serializes the writers of one (app, name) until their
	// transactions end, so each reads the hash the name refers to as the
	// previous writer left it, even when the name is new. (A hash
	// collision only makes two names wait for each other.)
	lockModuleSQL = `SELECT pg_advisory_xact_lock(hashtext('temper.module'),
	hashtext(current_schema() || '/' || $1::text || '/' || $2::text))`
	moduleHashSQL = `SELECT hash FROM temper_modules WHERE app = $1 AND name = $2`
	// Storing a hash locks its blob row (a no-op update when it is
	// there), so a concurrent delete of the blob either finished before
	// (the row is inserted anew) or waits and then sees the new module.
	putBlobSQL = `INSERT INTO temper_module_blobs (hash, size, bytes) VALUES ($1, $2, $3)
ON CONFLICT (hash) DO UPDATE SET size = temper_module_blobs.size`
	// lockBlobSQL locks a blob that may lose its last module; the check
	// that none refers to it then runs in a statement of its own, whose
	// snapshot sees every module committed while it waited.
	lockBlobSQL  = `SELECT 1 FROM temper_module_blobs WHERE hash = $1 FOR UPDATE`
	putModuleSQL = `INSERT INTO temper_modules (app, name, hash, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (app, name) DO UPDATE SET hash = excluded.hash, uploaded_by = excluded.uploaded_by,
	uploaded_at = excluded.uploaded_at`
	deleteModuleSQL = `DELETE FROM temper_modules WHERE app = $1 AND name = $2 RETURNING hash`
	deleteOrphanSQL = `DELETE FROM temper_module_blobs
WHERE hash = $1 AND NOT EXISTS (SELECT 1 FROM temper_modules WHERE hash = $1)`
	// One statement reads the module and its bytes, so they agree.
	moduleSQL = `SELECT m.app, m.name, m.hash, b.size, b.bytes, m.uploaded_by, m.uploaded_at
FROM temper_modules m JOIN temper_module_blobs b ON b.hash = m.hash WHERE m.app = $1 AND m.name = $2`
	modulesSQL = `SELECT m.app, m.name, m.hash, b.size, m.uploaded_by, m.uploaded_at
FROM temper_modules m JOIN temper_module_blobs b ON b.hash = m.hash WHERE m.app = $1 ORDER BY m.name`
	moduleBytesSQL = `SELECT bytes FROM temper_module_blobs WHERE hash = $1`

	putSecretSQL = `INSERT INTO temper_secrets (app, name, ciphertext, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (app, name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_by = excluded.updated_by,
	updated_at = excluded.updated_at`
	secretSQL       = `SELECT app, name, ciphertext, updated_by, updated_at FROM temper_secrets WHERE app = $1 AND name = $2`
	secretsSQL      = `SELECT app, name, updated_by, updated_at FROM temper_secrets WHERE app = $1 ORDER BY name`
	deleteSecretSQL = `DELETE FROM temper_secrets WHERE app = $1 AND name = $2`
)

// PutModule stores the module's bytes (once per hash), points its name at
// them, and deletes the bytes the name referred to before if no other
// module does, all in one transaction. Writers of one name are
// serialized; the blob rows a writer touches are locked in hash order,
// so writers of different names sharing hashes cannot deadlock.
func (s *Store) PutModule(ctx context.Context, m model.Module) error {
	op := "put module " + m.App + "/" + m.Name
	if err := m.Check(); err != nil {
		return translate(op, err)
	}
	return translate(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockModuleSQL, m.App, m.Name); err != nil {
			return err
		}
		var old string
		err := tx.QueryRow(ctx, moduleHashSQL, m.App, m.Name).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		orphan := old != "" && old != m.Hash
		hashes := []string{m.Hash}
		if orphan {
			hashes = append(hashes, old)
			slices.Sort(hashes)
		}
		for _, h := range hashes {
			if h == m.Hash {
				_, err = tx.Exec(ctx, putBlobSQL, m.Hash, m.Size, model.FileContent(m.Bytes))
			} else {
				_, err = tx.Exec(ctx, lockBlobSQL, h)
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, putModuleSQL, m.App, m.Name, m.Hash, m.UploadedBy, m.UploadedAt.UTC()); err != nil {
			return err
		}
		if orphan {
			_, err = tx.Exec(ctx, deleteOrphanSQL, old)
		}
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
	err := s.pool.QueryRow(ctx, moduleSQL, app, name).Scan(&m.App, &m.Name, &m.Hash, &m.Size, &m.Bytes,
		&m.UploadedBy, &m.UploadedAt)
	if err != nil {
		return model.Module{}, translate(op, err)
	}
	m.Bytes, m.UploadedAt = model.FileContent(m.Bytes), m.UploadedAt.UTC()
	return m, nil
}

// ModuleByHash returns the bytes of a module hash.
func (s *Store) ModuleByHash(ctx context.Context, hash string) ([]byte, error) {
	op := "module " + hash
	if !model.StorableText(hash) {
		return nil, translate(op, model.ErrNotFound)
	}
	var b []byte
	if err := s.pool.QueryRow(ctx, moduleBytesSQL, hash).Scan(&b); err != nil {
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
	rows, err := s.pool.Query(ctx, modulesSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Module, error) {
		var m model.Module
		err := r.Scan(&m.App, &m.Name, &m.Hash, &m.Size, &m.UploadedBy, &m.UploadedAt)
		m.UploadedAt = m.UploadedAt.UTC()
		return m, err
	})
	return out, translate(op, err)
}

// DeleteModule removes a name, and its bytes if no other module refers
// to them, in one transaction.
func (s *Store) DeleteModule(ctx context.Context, app, name string) error {
	op := "delete module " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return translate(op, model.ErrNotFound)
	}
	return translate(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockModuleSQL, app, name); err != nil {
			return err
		}
		var hash string
		if err := tx.QueryRow(ctx, deleteModuleSQL, app, name).Scan(&hash); err != nil {
			return err // pgx.ErrNoRows: no such module
		}
		if _, err := tx.Exec(ctx, lockBlobSQL, hash); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, deleteOrphanSQL, hash)
		return err
	}))
}

// PutSecret writes (or replaces) a secret.
func (s *Store) PutSecret(ctx context.Context, sec model.Secret) error {
	op := "put secret " + sec.App + "/" + sec.Name
	if err := sec.Check(); err != nil {
		return translate(op, err)
	}
	_, err := s.pool.Exec(ctx, putSecretSQL, sec.App, sec.Name, sec.Ciphertext, sec.UpdatedBy, sec.UpdatedAt.UTC())
	return translate(op, err)
}

// Secret returns a secret with its ciphertext.
func (s *Store) Secret(ctx context.Context, app, name string) (model.Secret, error) {
	op := "secret " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return model.Secret{}, translate(op, model.ErrNotFound)
	}
	var sec model.Secret
	err := s.pool.QueryRow(ctx, secretSQL, app, name).Scan(&sec.App, &sec.Name, &sec.Ciphertext,
		&sec.UpdatedBy, &sec.UpdatedAt)
	if err != nil {
		return model.Secret{}, translate(op, err)
	}
	sec.UpdatedAt = sec.UpdatedAt.UTC()
	return sec, nil
}

// Secrets lists an app's secrets by name, without ciphertexts.
func (s *Store) Secrets(ctx context.Context, app string) ([]model.Secret, error) {
	op := "secrets " + app
	if !model.StorableText(app) {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, secretsSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Secret, error) {
		var sec model.Secret
		err := r.Scan(&sec.App, &sec.Name, &sec.UpdatedBy, &sec.UpdatedAt)
		sec.UpdatedAt = sec.UpdatedAt.UTC()
		return sec, err
	})
	return out, translate(op, err)
}

// DeleteSecret removes a secret.
func (s *Store) DeleteSecret(ctx context.Context, app, name string) error {
	op := "delete secret " + app + "/" + name
	if !model.StorableText(app) || !model.StorableText(name) {
		return translate(op, model.ErrNotFound)
	}
	tag, err := s.pool.Exec(ctx, deleteSecretSQL, app, name)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}
