package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

type setKey struct{ app, set string }

// set is a catalog entry: the set's table and typed columns.
type set struct {
	id      int64
	table   string
	columns map[string]sqlgen.Column
	loaded  time.Time
}

// catalogColumn is a column as recorded in temper_sets.columns.
type catalogColumn struct {
	Column string     `json:"c"`
	Kind   model.Kind `json:"k"`
	Type   string     `json:"t"`
}

func tableName(id int64) string { return fmt.Sprintf("temper_p%d", id) }

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// load reads a set's catalog entry; nil when the set does not exist.
func load(ctx context.Context, q querier, k setKey) (*set, map[string]catalogColumn, error) {
	var id int64
	var cols []byte
	err := q.QueryRow(ctx, `SELECT id, columns FROM temper_sets WHERE app = $1 AND set_name = $2`, k.app, k.set).Scan(&id, &cols)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var cc map[string]catalogColumn
	if err := json.Unmarshal(cols, &cc); err != nil {
		return nil, nil, fmt.Errorf("catalog of %s/%s: %w", k.app, k.set, err)
	}
	st := &set{id: id, table: tableName(id), columns: map[string]sqlgen.Column{}, loaded: time.Now()}
	for name, c := range cc {
		st.columns[name] = sqlgen.Column{Name: c.Column, Kind: c.Kind}
	}
	return st, cc, nil
}

// lookup returns the cached set, reading the catalog on a miss; nil when
// the set does not exist.
func (s *Store) lookup(ctx context.Context, k setKey, refresh bool) (*set, error) {
	s.mu.Lock()
	st := s.sets[k]
	s.mu.Unlock()
	if st != nil && !(refresh && time.Since(st.loaded) > 2*time.Second) {
		return st, nil
	}
	st, _, err := load(ctx, s.pool, k)
	if err != nil || st == nil {
		return st, err
	}
	s.mu.Lock()
	s.sets[k] = st
	s.mu.Unlock()
	return st, nil
}

// writable returns the set, creating a bare one (no typed columns) when
// the set was never ensured, so writes never depend on deploy order.
func (s *Store) writable(ctx context.Context, k setKey) (*set, error) {
	st, err := s.lookup(ctx, k, false)
	if err != nil || st != nil {
		return st, err
	}
	var out *set
	if err := s.ddl(ctx, func(tx pgx.Tx) error {
		st, _, err := createSet(ctx, tx, k)
		out = st
		return err
	}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.sets[k] = out
	s.mu.Unlock()
	return out, nil
}

// createSet makes the catalog entry and the table if missing; the caller
// holds the advisory lock.
func createSet(ctx context.Context, tx pgx.Tx, k setKey) (*set, map[string]catalogColumn, error) {
	if k.app == "" || k.set == "" {
		return nil, nil, fmt.Errorf("app and set are required")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO temper_sets (app, set_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, k.app, k.set); err != nil {
		return nil, nil, err
	}
	st, cc, err := load(ctx, tx, k)
	if err != nil {
		return nil, nil, err
	}
	t := st.table
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+t+` (
		key         text COLLATE "C" NOT NULL PRIMARY KEY,
		entity_type text        NOT NULL,
		spec        text        NOT NULL,
		version     bigint      NOT NULL,
		status      text COLLATE "C" NOT NULL,
		fields      jsonb       NOT NULL,
		creator     text        NOT NULL,
		created_at  timestamptz NOT NULL,
		updated_at  timestamptz NOT NULL)`); err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_status ON `+t+` (status, key)`); err != nil {
		return nil, nil, err
	}
	return st, cc, nil
}

var pgTypes = map[model.Kind]string{
	model.KindString: `text COLLATE "C"`, model.KindGuid: `text COLLATE "C"`, model.KindInt: "bigint",
	model.KindDouble: "float8", model.KindBool: "boolean", model.KindDate: "date",
	model.KindDateTimeOffset: "timestamptz", model.KindTimeOfDay: "time",
}

// EnsureSet adds a generated, indexed column for every primitive property
// that has none of its kind yet. Columns are never dropped: a process
// with an older view of the catalog keeps working.
func (s *Store) EnsureSet(ctx context.Context, ss model.SetSchema) error {
	schema, err := ss.Schema.Normalized()
	if err != nil {
		return fmt.Errorf("postgres: ensure set %s/%s: %w", ss.App, ss.Set, err)
	}
	k := setKey{ss.App, ss.Set}
	err = s.ddl(ctx, func(tx pgx.Tx) error {
		st, cc, err := createSet(ctx, tx, k)
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRow(ctx, `SELECT next_column FROM temper_sets WHERE id = $1`, st.id).Scan(&next); err != nil {
			return err
		}
		var adds, ddl []string
		for _, name := range schema.Names() {
			t := model.ParseType(schema.Properties[name])
			if t.Collection || t.Kind == model.KindUnsupported || name == schema.Key[0] || name == "status" {
				continue
			}
			if c, ok := cc[name]; ok && c.Kind == t.Kind {
				continue
			}
			col := fmt.Sprintf("c%d", next)
			next++
			// name is a checked identifier (Normalized): the only schema
			// text that reaches DDL, as a quoted literal.
			expr := sqlgen.Postgres.Extract("fields", sqlgen.Postgres.JSONPathLiteral(name), t.Kind)
			tbl := st.table
			adds = append(adds, `ADD COLUMN `+col+` `+pgTypes[t.Kind]+` GENERATED ALWAYS AS (`+expr+`) STORED`)
			ddl = append(ddl,
				`CREATE INDEX `+tbl+`_`+col+` ON `+tbl+` (`+col+` NULLS FIRST, key)`,
				`CREATE INDEX `+tbl+`_s_`+col+` ON `+tbl+` (status, `+col+` NULLS FIRST, key)`)
			cc[name] = catalogColumn{Column: col, Kind: t.Kind, Type: t.Name}
		}
		if len(adds) == 0 {
			return nil
		}
		// One ALTER TABLE: one rewrite of the table for all new columns.
		ddl = append([]string{`ALTER TABLE ` + st.table + ` ` + strings.Join(adds, ", ")}, ddl...)
		for _, d := range ddl {
			if _, err := tx.Exec(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
		}
		b, err := json.Marshal(cc)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE temper_sets SET columns = $1, next_column = $2, entity_type = $3 WHERE id = $4`,
			string(b), next, ss.EntityType, st.id)
		return err
	})
	if err != nil {
		return translate("ensure set "+ss.App+"/"+ss.Set, err)
	}
	s.mu.Lock()
	delete(s.sets, k)
	s.mu.Unlock()
	return nil
}
