package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/store/postgres"
	"github.com/temperhq/temper/store/storetest"
)

// BenchmarkStore (needs TEMPER_TEST_POSTGRES_DSN):
// go test -run '^$' -bench Store -benchtime 200x ./store/postgres
//
// Besides the shared figures it measures the layout not taken: the jsonb
// document with an expression index on (status, priority, key), queried
// with the very expression the index was built on.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, open, storetest.Extra{Name: "Page/json-expr-index", Run: jsonExprIndex})
}

func jsonExprIndex(b *testing.B, s store.Store) {
	ctx := context.Background()
	pool := s.(*postgres.Store).Pool()
	var id int64
	if err := pool.QueryRow(ctx, `SELECT id FROM temper_sets WHERE app = $1 AND set_name = 'TasksDoc'`, storetest.BenchApp).Scan(&id); err != nil {
		b.Fatal(err)
	}
	t := fmt.Sprintf("temper_p%d", id)
	prio := `temper_int(fields -> 'priority')`
	if _, err := pool.Exec(ctx, `CREATE INDEX IF NOT EXISTS `+t+`_json_prio ON `+t+` (status, (`+prio+`) NULLS FIRST, key)`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) `+t); err != nil {
		b.Fatal(err)
	}
	where := ` WHERE status = $1 AND ` + prio + ` > $2::bigint`
	page := `SELECT p.key, p.entity_type, p.spec, p.version, p.status, p.fields, p.creator, p.created_at, p.updated_at FROM ` + t +
		` AS p JOIN (SELECT key AS k FROM ` + t + where + ` ORDER BY ` + prio + ` DESC NULLS LAST, key LIMIT 51) AS pg ON p.key = pg.k` +
		` ORDER BY temper_int(p.fields -> 'priority') DESC NULLS LAST, p.key`
	count := `SELECT count(*) FROM ` + t + where
	storetest.Measure(b, func(int) error {
		batch := &pgx.Batch{}
		batch.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
		batch.Queue(page, "Open", 2)
		batch.Queue(count, "Open", 2)
		batch.Queue("COMMIT")
		br := pool.SendBatch(ctx, batch)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return err
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		var c int64
		if err := br.QueryRow().Scan(&c); err != nil {
			return err
		}
		if _, err := br.Exec(); err != nil {
			return err
		}
		if n != 51 || c == 0 {
			return fmt.Errorf("page %d count %d", n, c)
		}
		return nil
	})
}
