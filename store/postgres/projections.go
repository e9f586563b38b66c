package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
)

// The statements on a set's table; {t} is the table name (temper_p<id>).
const (
	putSQL = `INSERT INTO {t} AS p (key, entity_type, spec, version, status, fields, creator, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
ON CONFLICT (key) DO UPDATE SET entity_type = excluded.entity_type, spec = excluded.spec,
	version = excluded.version, status = excluded.status, fields = excluded.fields,
	creator = excluded.creator, updated_at = excluded.updated_at
WHERE p.version < excluded.version`
	getSQL    = `SELECT ` + entityColumns + ` FROM {t} AS t WHERE t.key = $1`
	deleteSQL = `DELETE FROM {t} WHERE key = $1`

	entityColumns = `t.key, t.entity_type, t.spec, t.version, t.status, t.fields, t.creator, t.created_at, t.updated_at`
)

// onTable puts a set's table name (temper_p<id>, never anything else) into
// a statement.
func onTable(stmt, table string) string { return strings.ReplaceAll(stmt, "{t}", table) }

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func putArgs(st *setcache.Set, e *model.Entity) ([]any, error) {
	if err := e.Check(); err != nil {
		return nil, err
	}
	fields, err := model.EncodeJSON(st.Fields(e.Key, e.Fields))
	if err != nil {
		return nil, err
	}
	created := e.CreatedAt
	if created.IsZero() {
		created = e.UpdatedAt
	}
	return []any{e.Key, e.Type, e.Spec, e.Version, e.Status, string(fields), e.Creator, created.UTC(), e.UpdatedAt.UTC()}, nil
}

func put(ctx context.Context, x execer, st *setcache.Set, e *model.Entity) error {
	args, err := putArgs(st, e)
	if err != nil {
		return err
	}
	_, err = x.Exec(ctx, onTable(putSQL, st.Table), args...)
	return err
}

// PutProjection writes e unless the stored version is the same or newer,
// in one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement.
func (s *Store) PutProjection(ctx context.Context, e model.Entity) error {
	st, err := s.sets.Writable(ctx, setcache.Key{App: e.App, Set: e.Set})
	if err != nil {
		return translate("put projection "+e.Ref.ID(), err)
	}
	return translate("put projection "+e.Ref.ID(), put(ctx, s.pool, st, &e))
}

// PutProjections writes many projections in one transaction, pipelined.
func (s *Store) PutProjections(ctx context.Context, es []model.Entity) error {
	b := &pgx.Batch{}
	for i := range es {
		st, err := s.sets.Writable(ctx, setcache.Key{App: es[i].App, Set: es[i].Set})
		if err != nil {
			return translate("put projections", err)
		}
		args, err := putArgs(st, &es[i])
		if err != nil {
			return translate("put projections", err)
		}
		b.Queue(onTable(putSQL, st.Table), args...)
	}
	return translate("put projections", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	}))
}

// RecordCommit writes the projection and the transition record in one
// transaction, sent as one pipelined batch.
func (s *Store) RecordCommit(ctx context.Context, e model.Entity, t model.Transition) error {
	op := "record commit " + e.Ref.ID()
	st, err := s.sets.Writable(ctx, setcache.Key{App: e.App, Set: e.Set})
	if err != nil {
		return translate(op, err)
	}
	pa, err := putArgs(st, &e)
	if err != nil {
		return translate(op, err)
	}
	ta, err := transitionArgs(&t)
	if err != nil {
		return translate(op, err)
	}
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(onTable(putSQL, st.Table), pa...)
	b.Queue(insertTransitionSQL, ta...)
	b.Queue("COMMIT")
	return translate(op, s.pool.SendBatch(ctx, b).Close())
}

// scanEntity reads entityColumns, then extra into the given pointers.
func scanEntity(r pgx.Row, app, setName string, extra ...any) (model.Entity, error) {
	var e model.Entity
	var fields []byte
	var created, updated time.Time
	dest := append([]any{&e.Key, &e.Type, &e.Spec, &e.Version, &e.Status, &fields, &e.Creator, &created, &updated}, extra...)
	if err := r.Scan(dest...); err != nil {
		return model.Entity{}, err
	}
	e.App, e.Set = app, setName
	var err error
	if e.Fields, err = model.DecodeJSON(fields); err != nil {
		return model.Entity{}, err
	}
	e.CreatedAt, e.UpdatedAt = created.UTC(), updated.UTC()
	return e, nil
}

// GetProjection reads one projection.
func (s *Store) GetProjection(ctx context.Context, r model.Ref) (model.Entity, error) {
	op := "get projection " + r.ID()
	st, err := s.sets.Lookup(ctx, setcache.Key{App: r.App, Set: r.Set}, false)
	if err != nil {
		return model.Entity{}, translate(op, err)
	}
	if st == nil {
		return model.Entity{}, translate(op, model.ErrNotFound)
	}
	e, err := scanEntity(s.pool.QueryRow(ctx, onTable(getSQL, st.Table), r.Key), r.App, r.Set)
	return e, translate(op, err)
}

// DeleteProjection removes one projection.
func (s *Store) DeleteProjection(ctx context.Context, r model.Ref) error {
	op := "delete projection " + r.ID()
	st, err := s.sets.Lookup(ctx, setcache.Key{App: r.App, Set: r.Set}, false)
	if err == nil && st == nil {
		err = model.ErrNotFound
	}
	if err != nil {
		return translate(op, err)
	}
	tag, err := s.pool.Exec(ctx, onTable(deleteSQL, st.Table), r.Key)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}
