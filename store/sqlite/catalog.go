package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

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

const selectSet = `SELECT id, columns FROM temper_sets WHERE app = ? AND set_name = ?`

// load reads a set's catalog entry; nil when the set does not exist.
func load(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, k setKey) (*set, map[string]catalogColumn, error) {
	var id int64
	var cols string
	if err := q.QueryRowContext(ctx, selectSet, k.app, k.set).Scan(&id, &cols); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	var cc map[string]catalogColumn
	if err := json.Unmarshal([]byte(cols), &cc); err != nil {
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
	st, _, err := load(ctx, s.r, k)
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
	err = s.write(ctx, func(tx *sql.Tx) error {
		st, _, err := createSet(ctx, tx, k)
		out = st
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.sets[k] = out
	s.mu.Unlock()
	return out, nil
}

// createSet makes the catalog entry and the table if missing.
func createSet(ctx context.Context, tx *sql.Tx, k setKey) (*set, map[string]catalogColumn, error) {
	if k.app == "" || k.set == "" {
		return nil, nil, fmt.Errorf("app and set are required")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO temper_sets (app, set_name) VALUES (?, ?) ON CONFLICT DO NOTHING`, k.app, k.set); err != nil {
		return nil, nil, err
	}
	st, cc, err := load(ctx, tx, k)
	if err != nil {
		return nil, nil, err
	}
	t := st.table
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
	k := setKey{ss.App, ss.Set}
	err = s.write(ctx, func(tx *sql.Tx) error {
		st, cc, err := createSet(ctx, tx, k)
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT next_column FROM temper_sets WHERE id = ?`, st.id).Scan(&next); err != nil {
			return err
		}
		changed := false
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
			// text that reaches DDL, as a quoted JSON path.
			expr := sqlgen.SQLite.Extract("fields", sqlgen.SQLite.JSONPathLiteral(name), t.Kind)
			tbl := st.table
			for _, ddl := range []string{
				`ALTER TABLE ` + tbl + ` ADD COLUMN ` + col + ` ` + sqliteTypes[t.Kind] + ` GENERATED ALWAYS AS (` + expr + `) VIRTUAL`,
				`CREATE INDEX ` + tbl + `_` + col + ` ON ` + tbl + ` (` + col + `, key)`,
				`CREATE INDEX ` + tbl + `_s_` + col + ` ON ` + tbl + ` (status, ` + col + `, key)`,
			} {
				if _, err := tx.ExecContext(ctx, ddl); err != nil {
					return fmt.Errorf("%s: %w", ddl, err)
				}
			}
			cc[name] = catalogColumn{Column: col, Kind: t.Kind, Type: t.Name}
			changed = true
		}
		if !changed {
			return nil
		}
		b, err := json.Marshal(cc)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE temper_sets SET columns = ?, next_column = ?, entity_type = ? WHERE id = ?`,
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
