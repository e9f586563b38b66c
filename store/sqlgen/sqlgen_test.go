package sqlgen_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

func errorsAs[T any](err error, target *T) bool { return errors.As(err, target) }

func path(s ...string) *ast.Path { return &ast.Path{Segments: s} }

func benchQuery() model.ListQuery {
	return model.ListQuery{App: "a", Set: "Tasks", Schema: fuzzSchema, Top: 50, Count: true,
		Filter: &ast.Binary{Op: ast.OpAnd,
			L: &ast.Binary{Op: ast.OpEq, L: path("status"), R: &ast.Literal{Kind: ast.LitString, Value: "Open"}},
			R: &ast.Binary{Op: ast.OpGt, L: path("n"), R: &ast.Literal{Kind: ast.LitInt, Value: int64(2)}}},
		OrderBy: []ast.OrderItem{{Expr: path("n"), Desc: true}, {Expr: path("id")}}}
}

var table = sqlgen.Table{Name: "temper_p7", Select: "t.key, t.fields", Doc: "fields", Key: "key", Status: "status",
	Columns: map[string]sqlgen.Column{"n": {Name: "c3", Kind: model.KindInt}}}

func TestBuildListShape(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d               sqlgen.Dialect
		count, contains string
	}{
		{sqlgen.SQLite, `SELECT count(*) FROM temper_p7 AS t WHERE ((t.status = ?1) AND (t.c3 > ?2))`,
			`ORDER BY t.c3 DESC, t.key ASC, t.key ASC LIMIT ?3 OFFSET ?4`},
		{sqlgen.Postgres, `SELECT count(*) FROM temper_p7 AS t WHERE ((t.status = $1::text COLLATE "C") AND (t.c3 > $2::bigint))`,
			`ORDER BY t.c3 DESC NULLS LAST, t.key ASC NULLS FIRST, t.key ASC LIMIT $3::bigint OFFSET $4::bigint`},
	} {
		l, err := sqlgen.BuildList(c.d, table, benchQuery())
		if err != nil {
			t.Fatal(err)
		}
		if l.CountSQL != c.count {
			t.Errorf("%s count:\n got %s\nwant %s", c.d.Name(), l.CountSQL, c.count)
		}
		if !strings.Contains(l.SQL, c.contains) {
			t.Errorf("%s page %s lacks %s", c.d.Name(), l.SQL, c.contains)
		}
		if len(l.Args) != 4 || l.Args[0] != "Open" || l.Args[1] != int64(2) || l.Args[2] != int64(51) {
			t.Errorf("%s args %v", c.d.Name(), l.Args)
		}
	}
}

func TestJSONFallbackBindsThePath(t *testing.T) {
	t.Parallel()
	e := &ast.Binary{Op: ast.OpEq, L: path("title"), R: &ast.Literal{Kind: ast.LitString, Value: "x"}}
	sql, args, err := sqlgen.Filter(sqlgen.SQLite, table, fuzzSchema, e, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sql, "title") || len(args) != 2 || args[0] != `$."title"` {
		t.Fatalf("%s %v", sql, args)
	}
}

func TestNextToken(t *testing.T) {
	t.Parallel()
	l, err := sqlgen.BuildList(sqlgen.Postgres, table, benchQuery())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := l.Next([]any{int32(3), "k1"}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	q := benchQuery()
	q.After = tok
	l2, err := sqlgen.BuildList(sqlgen.Postgres, table, q)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(l2.SQL, "t.c3 < $3::bigint OR t.c3 IS NULL") {
		t.Fatalf("cursor condition missing: %s", l2.SQL)
	}
	q.OrderBy = q.OrderBy[:1]
	var qe *model.QueryError
	if _, err := sqlgen.BuildList(sqlgen.Postgres, table, q); !errors.As(err, &qe) {
		t.Fatalf("token of another order: %v", err)
	}
}

func TestCheckPattern(t *testing.T) {
	t.Parallel()
	for p, ok := range map[string]bool{
		"^[a-z]+$": true, "a.b": true, "(ab|cd)*x{2,3}": true, `\.`: true, `a\+`: true,
		`\d`: false, `\bword`: false, "(?i)a": false, "a+?": false, "[[:alpha:]]": false, `a\`: false, "(": false,
	} {
		if err := sqlgen.CheckPattern(p); (err == nil) != ok {
			t.Errorf("CheckPattern(%q) = %v, want ok=%v", p, err, ok)
		}
	}
}
