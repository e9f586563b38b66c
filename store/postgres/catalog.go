package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
	"github.com/temperhq/temper/store/sqlgen"
)

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// load reads a set's catalog entry; nil when the set does not exist.
func load(ctx context.Context, q querier, k setcache.Key) (*setcache.Set, setcache.Catalog, error) {
	var id int64
	var cols []byte
	err := q.QueryRow(ctx, `SELECT id, columns FROM temper_sets WHERE app = $1 AND set_name = $2`, k.App, k.Set).Scan(&id, &cols)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return setcache.Decode(k, id, cols)
}

// cached reads a set's entry for the cache.
func (s *Store) cached(ctx context.Context, k setcache.Key) (*setcache.Set, error) {
	st, _, err := load(ctx, s.pool, k)
	return st, err
}

// createBare makes a set with no typed columns for the cache, under the
// advisory lock.
func (s *Store) createBare(ctx context.Context, k setcache.Key) (*setcache.Set, error) {
	var out *setcache.Set
	err := s.ddl(ctx, func(tx pgx.Tx) error {
		st, _, err := createSet(ctx, tx, k)
		out = st
		return err
	})
	return out, err
}

// createSet makes the catalog entry and the table if missing; the caller
// holds the advisory lock.
func createSet(ctx context.Context, tx pgx.Tx, k setcache.Key) (*setcache.Set, setcache.Catalog, error) {
	if k.App == "" || k.Set == "" {
		return nil, nil, fmt.Errorf("app and set are required")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO temper_sets (app, set_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, k.App, k.Set); err != nil {
		return nil, nil, err
	}
	st, cc, err := load(ctx, tx, k)
	if err != nil {
		return nil, nil, err
	}
	t := st.Table
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
	// Authorization filters select by creator (an agent's own entities).
	if _, err := tx.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_creator ON `+t+` (creator, status, key)`); err != nil {
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
	k := setcache.Key{App: ss.App, Set: ss.Set}
	err = s.ddl(ctx, func(tx pgx.Tx) error {
		st, cc, err := createSet(ctx, tx, k)
		if err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRow(ctx, `SELECT next_column FROM temper_sets WHERE id = $1`, st.ID).Scan(&next); err != nil {
			return err
		}
		added, next, changed := cc.Add(schema, next)
		var adds, ddl []string
		tbl := st.Table
		for _, a := range added {
			// a.Property is a checked identifier (Normalized): the only
			// schema text that reaches DDL, as a quoted literal.
			expr := sqlgen.Postgres.Extract("fields", sqlgen.Postgres.JSONPathLiteral(a.Property), a.Kind)
			col := a.Column
			adds = append(adds, `ADD COLUMN `+col+` `+pgTypes[a.Kind]+` GENERATED ALWAYS AS (`+expr+`) STORED`)
			ddl = append(ddl,
				`CREATE INDEX `+tbl+`_`+col+` ON `+tbl+` (`+col+` NULLS FIRST, key)`,
				`CREATE INDEX `+tbl+`_s_`+col+` ON `+tbl+` (status, `+col+` NULLS FIRST, key)`)
		}
		if !changed {
			return nil
		}
		if len(adds) > 0 {
			// One ALTER TABLE: one rewrite of the table for all new columns.
			ddl = append([]string{`ALTER TABLE ` + tbl + ` ` + strings.Join(adds, ", ")}, ddl...)
		}
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
			string(b), next, ss.EntityType, st.ID)
		return err
	})
	if err != nil {
		return translate("ensure set "+ss.App+"/"+ss.Set, err)
	}
	s.sets.Forget(k)
	return nil
}
