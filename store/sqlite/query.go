package sqlite

import (
	"context"
	"database/sql"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
	"github.com/temperhq/temper/store/sqlgen"
)

// Query returns one page of an entity set: the page and the count run in
// one read transaction, so they see the same snapshot.
func (s *Store) Query(ctx context.Context, q model.ListQuery) (model.ListResult, error) {
	op := "query " + q.App + "/" + q.Set
	st, err := s.sets.Lookup(ctx, setcache.Key{App: q.App, Set: q.Set}, s.sets.NeedsRefresh(q))
	if err != nil {
		return model.ListResult{}, translate(op, err)
	}
	t := sqlgen.Table{Name: "temper_p0", Select: entityColumns, Doc: "fields", Key: "key", Status: "status", Creator: "creator"}
	if st != nil {
		t.Name, t.Columns = st.Table, st.Columns
	}
	l, err := sqlgen.BuildList(sqlgen.SQLite, t, q)
	if err != nil {
		return model.ListResult{}, err
	}
	var res model.ListResult
	if st == nil { // no entity was ever written to the set
		if q.Count {
			res.Count = new(int64)
		}
		return res, nil
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return res, translate(op, err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if l.Top > 0 {
		if res.Entities, res.Next, err = page(ctx, tx, l, q); err != nil {
			return model.ListResult{}, translate(op, err)
		}
	}
	if q.Count {
		var n int64
		if err := tx.QueryRowContext(ctx, l.CountSQL, l.CountArgs...).Scan(&n); err != nil {
			return model.ListResult{}, translate(op, err)
		}
		res.Count = &n
	}
	return res, nil
}

func page(ctx context.Context, tx *sql.Tx, l *sqlgen.List, q model.ListQuery) ([]model.Entity, string, error) {
	rows, err := tx.QueryContext(ctx, l.SQL, l.Args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []model.Entity
	order := make([]any, len(l.Order))
	ptrs := make([]any, len(order))
	for i := range order {
		ptrs[i] = &order[i]
	}
	next := ""
	var lastOrder []any
	for rows.Next() {
		if len(out) == l.Top {
			// The extra row: there is a next page, after the last one.
			last := out[len(out)-1]
			if next, err = l.Next(lastOrder, last.Key); err != nil {
				return nil, "", err
			}
			break
		}
		e, err := scanEntity(rows, q.App, q.Set, ptrs...)
		if err != nil {
			return nil, "", err
		}
		out = append(out, e)
		lastOrder = append(lastOrder[:0], order...)
	}
	return out, next, rows.Err()
}
