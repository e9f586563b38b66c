package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// Open picks the backend from its argument: a path is SQLite. A deploy
// lays out the set; the after-commit hook writes projections; the gateway
// lists them with a filter, an order and a count.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "temper-example")
	defer os.RemoveAll(dir)
	s, err := store.Open(ctx, filepath.Join(dir, ".temper", "temper.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	schema := store.Schema{Key: []string{"id"}, Properties: map[string]string{
		"id": "Edm.String", "status": "Edm.String", "title": "Edm.String", "priority": "Edm.Int32"}}
	_ = s.EnsureSet(ctx, store.SetSchema{App: "tracker", Set: "Tasks", EntityType: "Task", Schema: schema})
	for i, title := range []string{"write docs", "fix login", "ship it"} {
		_ = s.PutProjection(ctx, store.Entity{
			Ref:  store.Ref{App: "tracker", Set: "Tasks", Key: fmt.Sprintf("t%d", i+1)},
			Type: "Task", Version: 1, Status: "Open",
			Fields: map[string]any{"status": "Open", "title": title, "priority": i + 2},
		})
	}
	// $filter=priority gt 2&$orderby=priority desc&$count=true&$top=10
	r, err := s.Query(ctx, store.ListQuery{App: "tracker", Set: "Tasks", Schema: schema, Top: 10, Count: true,
		Filter:  &ast.Binary{Op: ast.OpGt, L: &ast.Path{Segments: []string{"priority"}}, R: &ast.Literal{Kind: ast.LitInt, Value: int64(2)}},
		OrderBy: []ast.OrderItem{{Expr: &ast.Path{Segments: []string{"priority"}}, Desc: true}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range r.Entities {
		fmt.Println(e.Key, e.Fields["title"], e.Fields["priority"])
	}
	fmt.Println("count:", *r.Count)
	// Output:
	// t3 ship it 4
	// t2 fix login 3
	// count: 2
}
