package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/store/sqlite"
	"github.com/temperhq/temper/store/storetest"
)

func open(t testing.TB) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "temper.db"))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, open)
}

func TestReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "temper.db")
	for range 2 {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		e := store.Entity{Ref: store.Ref{App: "a", Set: "S", Key: "k"}, Version: 1, Status: "Open"}
		if err := s.PutProjection(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestModuleBlobs counts the rows of module bytes through a connection
// of its own.
func TestModuleBlobs(t *testing.T) {
	t.Parallel()
	s := open(t).(*sqlite.Store)
	defer s.Close()
	db, err := sql.Open("sqlite", s.Path()+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.ModuleBlobs(t, s, func(ctx context.Context) (n int, err error) {
		err = db.QueryRowContext(ctx, "SELECT count(*) FROM temper_module_blobs").Scan(&n)
		return n, err
	})
}
