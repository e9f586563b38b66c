package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
	"github.com/temperhq/temper/store/sqlgen"
)

const selectSet = `SELECT id, columns FROM temper_sets WHERE app = ? AND set_name = ?`

// load reads a set's catalog entry; nil when the set does not exist.
func load(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, k setcache.Key) (*setcache.Set, setcache.Catalog, error) {
	var id int64
	var cols string
	if err := q.QueryRowContext(ctx, selectSet, k.App, k.Set).Scan(&id, &cols); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	return setcache.Decode(k, id, []byte(cols))
}

// cached reads a set's entry for the cache.
func (s *Store) cached(ctx context.Context, k setcache.Key) (*setcache.Set, error) {
	st, _, err := load(ctx, s.r, k)
	return st, err
}

// createBare makes a set with no typed columns for the cache.
func (s *Store) createBare(ctx context.Context, k setcache.Key) (*setcache.Set, error) {
	var out *setcache.Set
	err := s.write(ctx, func(tx *sql.Tx) error {
		st, _, err := createSet(ctx, tx, k)
		out = st
		return err
	})
	return out, err
}

// createSet makes the catalog entry and the table if missing.
func createSet(ctx context.Context, tx *sql.Tx, k setcache.Key) (*setcache.Set, setcache.Catalog, error) {
	if k.App == "" || k.Set == "" {
		return nil, nil, fmt.Errorf("app and set are required")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO temper_sets (app, set_name) VALUES (?, ?) ON CONFLICT DO NOTHING`, k.App, k.Set); err != nil {
		return nil, nil, err
	}
	st, cc, err := load(ctx, tx, k)
	if err != nil {
		return nil, nil, err
	}
	t := st.Table
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+t+` (
		key         TEXT    NOT NULL PRIMARY KEY,
		entity_type TEXT    NOT NULL,
		spec        TEXT    NOT NULL,
		version     INTEGER NOT NULL,
		status      TEXT    NOT NULL,
		fields      TEXT    NOT NULL,
		creator     TEXT    NOT NULL,
		created_at  TEXT    NOT NULL,
		updated_at  TEXT    NOT NULL)`); err != nil {
		return nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_status ON `+t+` (status, key)`); err != nil {
		return nil, nil, err
	}
	// Authorization filters select by creator (an agent's own entities).
	if _, err := tx.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_creator ON `+t+` (creator, status, key)`); err != nil {
		return nil, nil, err
	}
	return st, cc, nil
}

var sqliteTypes = map[model.Kind]string{
	model.KindString: "TEXT", model.KindGuid: "TEXT", model.KindDate: "TEXT", model.KindDateTimeOffset: "TEXT",
	model.KindTimeOfDay: "TEXT", model.KindInt: "INTEGER", model.KindBool: "INTEGER", model.KindDouble: "REAL",
}

// EnsureSet adds a generated, indexed column for every primitive property
// that has none of its kind yet. Columns are never dropped: a process
// with an older view of the catalog keeps working.
func (s *Store) EnsureSet(ctx context.Context, ss model.SetSchema) error {
	schema, err := ss.Schema.Normalized()
	if err != nil {
		return fmt.Errorf("sqlite: ensure set %s/%s: %w", ss.App, ss.Set, err)
	}
	k := setcache.Key{App: ss.App, Set: ss.Set}
	err = s.write(ctx, func(tx *sql.Tx) error {
		st, cc, err := createSet(ctx, tx, k)
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT next_column FROM temper_sets WHERE id = ?`, st.ID).Scan(&next); err != nil {
			return err
		}
		added, next, changed := cc.Add(schema, next)
		if !changed {
			return nil
		}
		tbl := st.Table
		for _, a := range added {
			// a.Property is a checked identifier (Normalized): the only
			// schema text that reaches DDL, as a quoted JSON path.
			expr := sqlgen.SQLite.Extract("fields", sqlgen.SQLite.JSONPathLiteral(a.Property), a.Kind)
			col := a.Column
			for _, ddl := range []string{
				`ALTER TABLE ` + tbl + ` ADD COLUMN ` + col + ` ` + sqliteTypes[a.Kind] + ` GENERATED ALWAYS AS (` + expr + `) VIRTUAL`,
				`CREATE INDEX ` + tbl + `_` + col + ` ON ` + tbl + ` (` + col + `, key)`,
				`CREATE INDEX ` + tbl + `_s_` + col + ` ON ` + tbl + ` (status, ` + col + `, key)`,
			} {
				if _, err := tx.ExecContext(ctx, ddl); err != nil {
					return fmt.Errorf("%s: %w", ddl, err)
				}
			}
		}
		b, err := json.Marshal(cc)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE temper_sets SET columns = ?, next_column = ?, entity_type = ? WHERE id = ?`,
			string(b), next, ss.EntityType, st.ID)
		return err
	})
	if err != nil {
		return translate("ensure set "+ss.App+"/"+ss.Set, err)
	}
	s.sets.Forget(k)
	return nil
}
