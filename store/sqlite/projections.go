package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
)

// The statements on a set's table; {t} is the table name (temper_p<id>).
const (
	putSQL = `INSERT INTO {t} (key, entity_type, spec, version, status, fields, creator, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (key) DO UPDATE SET entity_type = excluded.entity_type, spec = excluded.spec,
	version = excluded.version, status = excluded.status, fields = excluded.fields,
	creator = excluded.creator, updated_at = excluded.updated_at
WHERE {t}.version < excluded.version`
	getSQL    = `SELECT ` + entityColumns + ` FROM {t} AS t WHERE t.key = ?`
	deleteSQL = `DELETE FROM {t} WHERE key = ?`

	entityColumns = `t.key, t.entity_type, t.spec, t.version, t.status, t.fields, t.creator, t.created_at, t.updated_at`
)

// onTable puts a set's table name (temper_p<id>, never anything else) into
// a statement.
func onTable(stmt, table string) string { return strings.ReplaceAll(stmt, "{t}", table) }

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) put(ctx context.Context, x execer, st *setcache.Set, e *model.Entity) error {
	if err := e.Check(); err != nil {
		return err
	}
	fields, err := model.EncodeJSON(st.Fields(e.Key, e.Fields))
	if err != nil {
		return err
	}
	created := e.CreatedAt
	if created.IsZero() {
		created = e.UpdatedAt
	}
	_, err = x.ExecContext(ctx, onTable(putSQL, st.Table), e.Key, e.Type, e.Spec, e.Version, e.Status,
		string(fields), e.Creator, formatTime(created), formatTime(e.UpdatedAt))
	return err
}

// PutProjection writes e unless the stored version is the same or newer,
// in one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement.
func (s *Store) PutProjection(ctx context.Context, e model.Entity) error {
	st, err := s.sets.Writable(ctx, setcache.Key{App: e.App, Set: e.Set})
	if err != nil {
		return translate("put projection "+e.Ref.ID(), err)
	}
	return translate("put projection "+e.Ref.ID(), s.put(ctx, s.w, st, &e))
}

// PutProjections writes many projections in one transaction.
func (s *Store) PutProjections(ctx context.Context, es []model.Entity) error {
	sets := map[setcache.Key]*setcache.Set{}
	for _, e := range es {
		k := setcache.Key{App: e.App, Set: e.Set}
		if sets[k] == nil {
			st, err := s.sets.Writable(ctx, k)
			if err != nil {
				return translate("put projections", err)
			}
			sets[k] = st
		}
	}
	return translate("put projections", s.write(ctx, func(tx *sql.Tx) error {
		for i := range es {
			if err := s.put(ctx, tx, sets[setcache.Key{App: es[i].App, Set: es[i].Set}], &es[i]); err != nil {
				return err
			}
		}
		return nil
	}))
}

// RecordCommit writes the projection and the transition record in one
// transaction.
func (s *Store) RecordCommit(ctx context.Context, e model.Entity, t model.Transition) error {
	st, err := s.sets.Writable(ctx, setcache.Key{App: e.App, Set: e.Set})
	if err != nil {
		return translate("record commit "+e.Ref.ID(), err)
	}
	return translate("record commit "+e.Ref.ID(), s.write(ctx, func(tx *sql.Tx) error {
		if err := s.put(ctx, tx, st, &e); err != nil {
			return err
		}
		return appendTransition(ctx, tx, &t)
	}))
}

type rowScanner interface{ Scan(dest ...any) error }

// scanEntity reads entityColumns, then extra into the given pointers.
func scanEntity(r rowScanner, app, setName string, extra ...any) (model.Entity, error) {
	var e model.Entity
	var fields, created, updated string
	dest := append([]any{&e.Key, &e.Type, &e.Spec, &e.Version, &e.Status, &fields, &e.Creator, &created, &updated}, extra...)
	if err := r.Scan(dest...); err != nil {
		return model.Entity{}, err
	}
	e.App, e.Set = app, setName
	var err error
	if e.Fields, err = model.DecodeJSON([]byte(fields)); err != nil {
		return model.Entity{}, err
	}
	e.CreatedAt, e.UpdatedAt = parseTime(created), parseTime(updated)
	return e, nil
}

// GetProjection reads one projection.
func (s *Store) GetProjection(ctx context.Context, r model.Ref) (model.Entity, error) {
	st, err := s.sets.Lookup(ctx, setcache.Key{App: r.App, Set: r.Set}, false)
	if err != nil {
		return model.Entity{}, translate("get projection "+r.ID(), err)
	}
	if st == nil {
		return model.Entity{}, translate("get projection "+r.ID(), model.ErrNotFound)
	}
	e, err := scanEntity(s.r.QueryRowContext(ctx, onTable(getSQL, st.Table), r.Key), r.App, r.Set)
	return e, translate("get projection "+r.ID(), err)
}

// DeleteProjection removes one projection.
func (s *Store) DeleteProjection(ctx context.Context, r model.Ref) error {
	st, err := s.sets.Lookup(ctx, setcache.Key{App: r.App, Set: r.Set}, false)
	if err == nil && st == nil {
		err = model.ErrNotFound
	}
	if err != nil {
		return translate("delete projection "+r.ID(), err)
	}
	res, err := s.w.ExecContext(ctx, onTable(deleteSQL, st.Table), r.Key)
	if err != nil {
		return translate("delete projection "+r.ID(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return translate("delete projection "+r.ID(), model.ErrNotFound)
	}
	return nil
}
