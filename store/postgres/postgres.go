package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL backend.
type Store struct {
	pool *pgxpool.Pool
	sets *setcache.Cache
}

var _ model.Store = (*Store)(nil)

// Open connects to the database named by dsn (postgres://...) and applies
// the migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// Times are read and written as UTC instants; the date/time functions
	// name UTC explicitly anyway.
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{pool: pool}
	s.sets = setcache.New(s.cached, s.createBare)
	if err := s.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool is the connection pool, for tests and tools.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// lockSQL serializes schema changes (migrations, catalog DDL) per schema,
// across processes, until the transaction ends.
const lockSQL = `SELECT pg_advisory_xact_lock(hashtext('temper.store'), hashtext(current_schema()))`

// Migrate applies the embedded migrations not yet recorded in
// temper_migrations, in one transaction under the advisory lock.
func (s *Store) Migrate(ctx context.Context) error {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	err = s.ddl(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS temper_migrations (
			version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, f := range files {
			name := filepath.Base(f)
			v, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s has no version number", name)
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM temper_migrations WHERE version = $1`, v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			body, err := migrations.ReadFile(f)
			if err != nil {
				return err
			}
			// No arguments: the simple protocol, several statements.
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("apply %s: %w", name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO temper_migrations (version, name) VALUES ($1, $2)`, v, name); err != nil {
				return err
			}
		}
		return nil
	})
	return translate("migrate", err)
}

// ddl runs f in a transaction holding the advisory lock.
func (s *Store) ddl(ctx context.Context, f func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL); err != nil {
			return err
		}
		return f(tx)
	})
}

// translate turns driver errors into the store's sentinels, once, here.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var qe *model.QueryError
	var ue *model.UnsupportedError
	if errors.As(err, &qe) || errors.As(err, &ue) || errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrConflict) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, model.ErrNotFound)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return fmt.Errorf("postgres: %s: %w: %v", op, model.ErrConflict, err)
		case strings.HasPrefix(pe.Code, "22") && strings.HasPrefix(op, "query"):
			// A data exception while evaluating a filter (an integer
			// overflow): the query's fault.
			return &model.QueryError{Offset: -1, Msg: pe.Message}
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// Optimize refreshes the planner statistics and the visibility map of the
// store's tables (VACUUM (ANALYZE)), which autovacuum also does in time;
// call it after a bulk load.
func (s *Store) Optimize(ctx context.Context) error {
	rows, err := s.pool.Query(ctx, `SELECT tablename FROM pg_tables
		WHERE schemaname = current_schema() AND tablename LIKE 'temper\_%'`)
	if err != nil {
		return translate("optimize", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return translate("optimize", err)
	}
	for _, t := range tables {
		// Table names come from the catalog query above (temper_*).
		if _, err := s.pool.Exec(ctx, "VACUUM (ANALYZE) "+pgx.Identifier{t}.Sanitize()); err != nil {
			return translate("optimize "+t, err)
		}
	}
	return nil
}
