package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/store/postgres"
	"github.com/temperhq/temper/store/storetest"
)

// dsn is the test database: TEMPER_TEST_POSTGRES_DSN. Without it the
// suite skips locally and fails in CI, which must never skip it.
func dsn(t testing.TB) string {
	t.Helper()
	d := os.Getenv("TEMPER_TEST_POSTGRES_DSN")
	if d == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TEMPER_TEST_POSTGRES_DSN is not set, and CI must run the Postgres suite (task test starts a throwaway cluster)")
		}
		t.Skip("TEMPER_TEST_POSTGRES_DSN is not set: skipping the Postgres suite (`task test` starts a throwaway cluster; or: export TEMPER_TEST_POSTGRES_DSN=$(bash scripts/pg-throwaway start))")
	}
	return d
}

// open makes a fresh schema, dropped when the test ends, and opens a
// store whose connections use it (search_path in the DSN).
func open(t testing.TB) store.Store {
	t.Helper()
	ctx := context.Background()
	base := dsn(t)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "temper_test_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("connect for cleanup: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dsn: %v", err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	dsn(t) // skip (or fail in CI) once, not per subtest
	storetest.Run(t, open)
}

// TestConcurrentOpen starts several stores on one empty schema at once:
// the advisory lock serializes their migrations.
func TestConcurrentOpen(t *testing.T) {
	t.Parallel()
	first := open(t).(*postgres.Store)
	defer first.Close()
	// Drop what the first store migrated, then race four opens on it.
	ctx := context.Background()
	var schema string
	if err := first.Pool().QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Pool().Exec(ctx, "DROP SCHEMA "+schema+" CASCADE; CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn(t))
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := postgres.Open(ctx, u.String())
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
}

// TestModuleBlobs counts the rows of module bytes in the store's schema.
func TestModuleBlobs(t *testing.T) {
	t.Parallel()
	s := open(t).(*postgres.Store)
	defer s.Close()
	storetest.ModuleBlobs(t, s, func(ctx context.Context) (n int, err error) {
		err = s.Pool().QueryRow(ctx, "SELECT count(*) FROM temper_module_blobs").Scan(&n)
		return n, err
	})
}
