package sqlgen

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// List is a translated ListQuery: the page and the count statements.
type List struct {
	// SQL selects Table.Select, then one column per order item (o0, o1,
	// ...: the values the next skip token is made of), at most Top+1 rows
	// (the extra row tells whether there is a next page).
	SQL  string
	Args []any
	// CountSQL counts the rows matching the filter and search; it is ""
	// when the query did not ask for a count.
	CountSQL  string
	CountArgs []any
	// Order are the kinds of the order columns.
	Order []model.Kind
	// Top is the page size (ListQuery.Top).
	Top int

	fingerprint string
}

// BuildList translates q against table t. Errors are *model.QueryError or
// *model.UnsupportedError.
func BuildList(d Dialect, t Table, q model.ListQuery) (*List, error) {
	b, err := newBuilder(d, t, q.Schema, q.Now)
	if err != nil {
		return nil, err
	}
	var where []string
	if q.Filter != nil {
		c, err := b.cond(q.Filter)
		if err != nil {
			return nil, err
		}
		where = append(where, c)
	}
	if q.Search != nil {
		c, err := b.search(q.Search)
		if err != nil {
			return nil, err
		}
		where = append(where, c)
	}
	if q.Restrict != nil {
		b.restrict = true
		c, err := b.cond(q.Restrict)
		b.restrict = false
		if err != nil {
			return nil, fmt.Errorf("authorization filter: %w", err)
		}
		where = append(where, c)
	}
	l := &List{Top: q.Top}
	if q.Count {
		l.CountSQL = "SELECT count(*) FROM " + t.Name + " AS t" + whereClause(where)
		l.CountArgs = append([]any(nil), b.args...)
	}

	// Order: the requested items, then the key, so pages are stable: the
	// parts of an integer or compound key (typed, in key order), then the
	// key column (unique).
	items := q.OrderBy
	if b.key == "" {
		items = append([]ast.OrderItem(nil), q.OrderBy...)
		for _, k := range b.schema.Key {
			items = append(items, ast.OrderItem{Expr: &ast.Path{Segments: []string{k}}})
		}
	}
	nFilter := len(b.args)
	var sel, order, exprs []string
	for i, it := range items {
		v, err := b.expr(it.Expr)
		if err != nil {
			return nil, err
		}
		if v.coll || v.null {
			return nil, qerr(it.Expr.Offset(), "$orderby needs a primitive value")
		}
		if v.enum != "" {
			if b.schema.Enums[v.enum].Flags {
				return nil, unsupported(it.Expr.Offset(), "$orderby on flags enumerations ("+v.enum+")")
			}
			v = b.enumOrdinal(v) // by member value
		}
		if v.kind == model.KindBool && !v.lit {
			// SQLite has no Boolean type; a condition orders as 0/1
			// there and as false/true in PostgreSQL: the same order.
			v.sql = "(CASE WHEN " + v.sql + " THEN 1 WHEN NOT " + v.sql + " THEN 0 END)"
			v.kind = model.KindInt
		}
		if v.kind == KindDuration {
			v.kind = model.KindInt // microseconds
		}
		sel = append(sel, fmt.Sprintf("%s AS o%d", v.sql, i))
		order = append(order, d.Order(v.sql, it.Desc))
		exprs = append(exprs, v.sql)
		l.Order = append(l.Order, v.kind)
	}
	order = append(order, "t."+t.Key+" ASC")
	h := fnv.New64a()
	fmt.Fprint(h, d.Name(), "|", strings.Join(order, ","), "|", b.args[nFilter:])
	l.fingerprint = strconv.FormatUint(h.Sum64(), 36)

	if q.After != "" {
		c, err := b.after(q.After, l, exprs, items)
		if err != nil {
			return nil, err
		}
		where = append(where, c)
	}
	cols := t.Select
	if len(sel) > 0 {
		cols += ", " + strings.Join(sel, ", ")
	}
	top := q.Top
	if top < 0 {
		top = 0
	}
	limit := b.bind(model.KindInt, int64(top)+1)
	offset := b.bind(model.KindInt, int64(max(q.Skip, 0)))
	// A deferred join: the inner query finds the page's keys from the
	// index alone (sorting index entries, not rows), the outer reads just
	// those rows. SQLite sorts a 4,000-row tie group of a mixed-direction
	// order 8x faster this way.
	orderBy := " ORDER BY " + strings.Join(order, ", ")
	l.SQL = "SELECT " + cols + " FROM " + t.Name + " AS t JOIN (SELECT t." + t.Key + " AS k FROM " + t.Name + " AS t" +
		whereClause(where) + orderBy + " LIMIT " + limit + " OFFSET " + offset + ") AS pg ON t." + t.Key + " = pg.k" + orderBy
	l.Args = b.args
	return l, nil
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// search translates $search: each term matches when some string property
// contains it, ASCII case-insensitively.
func (b *builder) search(s ast.Search) (string, error) {
	switch x := s.(type) {
	case *ast.SearchTerm:
		if x.Text == "" {
			return "", qerr(-1, "empty search term")
		}
		var cols []string
		for _, name := range b.schema.Names() {
			if t := model.ParseType(b.schema.Properties[name]); t.Kind == model.KindString && !t.Collection {
				v, err := b.property(name, -1)
				if err != nil {
					return "", err
				}
				cols = append(cols, v.sql)
			}
		}
		if len(cols) == 0 {
			return "FALSE", nil
		}
		p := b.bind(model.KindString, asciiLower(x.Text))
		var ors []string
		for _, c := range cols {
			ors = append(ors, "("+b.d.Func("instr", b.d.Func("lower", c), p)+" > 0)")
		}
		return "(" + strings.Join(ors, " OR ") + ")", nil
	case *ast.SearchNot:
		c, err := b.search(x.X)
		if err != nil {
			return "", err
		}
		return "(NOT COALESCE(" + c + ", FALSE))", nil
	case *ast.SearchAnd, *ast.SearchOr:
		var l, r ast.Search
		op := " AND "
		if a, ok := x.(*ast.SearchAnd); ok {
			l, r = a.L, a.R
		} else {
			o := x.(*ast.SearchOr)
			l, r, op = o.L, o.R, " OR "
		}
		lc, err := b.search(l)
		if err != nil {
			return "", err
		}
		rc, err := b.search(r)
		if err != nil {
			return "", err
		}
		return "(" + lc + op + rc + ")", nil
	}
	return "", unsupported(-1, fmt.Sprintf("search expression %T", s))
}
