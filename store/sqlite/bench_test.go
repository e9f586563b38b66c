package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/store/sqlite"
	"github.com/temperhq/temper/store/storetest"
)

// BenchmarkStore: go test -run '^$' -bench Store -benchtime 200x ./store/sqlite
//
// Besides the shared figures it measures the layout not taken: the JSON
// document with an expression index on (status, priority, key), queried
// with the very expression the index was built on.
func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, open, storetest.Extra{Name: "Page/json-expr-index", Run: jsonExprIndex})
}

func jsonExprIndex(b *testing.B, s store.Store) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", s.(*sqlite.Store).Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRow(`SELECT id FROM temper_sets WHERE app = ? AND set_name = 'TasksDoc'`, storetest.BenchApp).Scan(&id); err != nil {
		b.Fatal(err)
	}
	t := fmt.Sprintf("temper_p%d", id)
	prio := `(CASE json_type(fields, '$."priority"') WHEN 'integer' THEN json_extract(fields, '$."priority"') END)`
	if _, err := db.Exec(`CREATE INDEX IF NOT EXISTS ` + t + `_json_prio ON ` + t + ` (status, ` + prio + `, key)`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	where := ` WHERE status = ?1 AND ` + prio + ` > ?2`
	order := ` ORDER BY ` + prio + ` DESC, key ASC`
	page := `SELECT p.key, p.entity_type, p.spec, p.version, p.status, p.fields, p.creator, p.created_at, p.updated_at FROM ` + t +
		` AS p JOIN (SELECT key AS k FROM ` + t + where + order + ` LIMIT 51) AS pg ON p.key = pg.k ORDER BY ` +
		`(CASE json_type(p.fields, '$."priority"') WHEN 'integer' THEN json_extract(p.fields, '$."priority"') END) DESC, p.key`
	count := `SELECT count(*) FROM ` + t + where
	storetest.Measure(b, func(int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		rows, err := tx.Query(page, "Open", 2)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		var c int64
		if err := tx.QueryRow(count, "Open", 2).Scan(&c); err != nil {
			return err
		}
		if n != 51 || c == 0 {
			return fmt.Errorf("page %d count %d", n, c)
		}
		return nil
	})
}
