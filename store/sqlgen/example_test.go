package sqlgen_test

import (
	"fmt"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

// A $filter with an injection attempt becomes a condition with
// placeholders; the text travels as an argument.
func ExampleFilter() {
	schema := model.Schema{Key: []string{"id"}, Properties: map[string]string{"title": "Edm.String", "priority": "Edm.Int32"}}
	t := sqlgen.Table{Name: "temper_p1", Doc: "fields", Key: "key", Status: "status",
		Columns: map[string]sqlgen.Column{"title": {Name: "c1", Kind: model.KindString}, "priority": {Name: "c2", Kind: model.KindInt}}}
	// not (priority gt 2) or title eq 'x''; DROP TABLE t; --'
	filter := &ast.Binary{Op: ast.OpOr,
		L: &ast.Unary{Op: ast.OpNot, X: &ast.Binary{Op: ast.OpGt, L: &ast.Path{Segments: []string{"priority"}}, R: &ast.Literal{Kind: ast.LitInt, Value: int64(2)}}},
		R: &ast.Binary{Op: ast.OpEq, L: &ast.Path{Segments: []string{"title"}}, R: &ast.Literal{Kind: ast.LitString, Value: "x'; DROP TABLE t; --"}}}
	for _, d := range []sqlgen.Dialect{sqlgen.SQLite, sqlgen.Postgres} {
		sql, args, _ := sqlgen.Filter(d, t, schema, filter, time.Time{})
		fmt.Println(sql)
		fmt.Println(args...)
	}
	// Output:
	// ((NOT COALESCE((t.c2 > ?1), FALSE)) OR (t.c1 = ?2))
	// 2 x'; DROP TABLE t; --
	// ((NOT COALESCE((t.c2 > $1::bigint), FALSE)) OR (t.c1 = $2::text COLLATE "C"))
	// 2 x'; DROP TABLE t; --
}
