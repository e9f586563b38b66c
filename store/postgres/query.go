package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/internal/setcache"
	"github.com/temperhq/temper/store/sqlgen"
)

// Query returns one page of an entity set. With a count, the page and the
// count run in one REPEATABLE READ transaction (the same snapshot), sent
// as one pipelined batch: one round trip.
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
	l, err := sqlgen.BuildList(sqlgen.Postgres, t, q)
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
	b := &pgx.Batch{}
	both := l.Top > 0 && q.Count
	if both {
		b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
	}
	if l.Top > 0 {
		b.Queue(l.SQL, l.Args...)
	}
	if q.Count {
		b.Queue(l.CountSQL, l.CountArgs...)
	}
	if both {
		b.Queue("COMMIT")
	}
	if b.Len() == 0 {
		return res, nil
	}
	br := s.pool.SendBatch(ctx, b)
	err = func() error {
		if both {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		if l.Top > 0 {
			rows, err := br.Query()
			if err != nil {
				return err
			}
			if res.Entities, res.Next, err = page(rows, l, q); err != nil {
				return err
			}
		}
		if q.Count {
			var n int64
			if err := br.QueryRow().Scan(&n); err != nil {
				return err
			}
			res.Count = &n
		}
		if both {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return model.ListResult{}, translate(op, err)
	}
	return res, nil
}

func page(rows pgx.Rows, l *sqlgen.List, q model.ListQuery) ([]model.Entity, string, error) {
	defer rows.Close()
	var out []model.Entity
	order := make([]any, len(l.Order))
	ptrs := make([]any, len(order))
	for i := range order {
		ptrs[i] = &order[i]
	}
	var lastOrder []any
	next := ""
	for rows.Next() {
		if len(out) == l.Top {
			var err error
			if next, err = l.Next(lastOrder, out[len(out)-1].Key); err != nil {
				return nil, "", err
			}
			break
		}
		e, err := scanEntity(rows, q.App, q.Set, ptrs...)
		if err != nil {
			return nil, "", err
		}
		out = append(out, e)
		lastOrder = lastOrder[:0]
		for _, v := range order {
			if tm, ok := v.(pgtype.Time); ok {
				// A time of day: microseconds since midnight.
				v = time.Duration(tm.Microseconds) * time.Microsecond
			}
			lastOrder = append(lastOrder, v)
		}
	}
	return out, next, rows.Err()
}
