package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// testRestrict: ListQuery.Restrict (the authorization filter) narrows a
// page, its count and its paging like $filter, and may name the key and
// creator pseudo-properties.
func testRestrict(ctx context.Context, t *testing.T, s store.Store) {
	schema := store.Schema{Properties: map[string]string{"id": "Edm.String", "status": "Edm.String", "n": "Edm.Int64"}, Key: []string{"id"}}
	if err := s.EnsureSet(ctx, store.SetSchema{App: "r", Set: "Items", EntityType: "Item", Schema: schema}); err != nil {
		t.Fatal(err)
	}
	var es []store.Entity
	for i := range 30 {
		e := entity("r", "Items", fmt.Sprintf("i%02d", i), 1, "Open", map[string]any{"id": fmt.Sprintf("i%02d", i), "n": i})
		e.Creator = []string{`Agent::"a"`, `Agent::"b"`, ""}[i%3]
		es = append(es, e)
	}
	if err := s.PutProjections(ctx, es); err != nil {
		t.Fatal(err)
	}
	mine := eq(p(store.CreatorProperty), str(`Agent::"a"`))
	cases := []struct {
		name     string
		filter   ast.Expr
		restrict ast.Expr
		count    int64
	}{
		{"creator", nil, mine, 10},
		{"creator or a key", nil, or(mine, eq(p(store.KeyProperty), str("i01"))), 11},
		{"none", nil, bin(ast.OpNe, p(store.CreatorProperty), str("")), 20},
		{"with a filter", lt(p("n"), num(10)), mine, 4},
		{"not", nil, not(mine), 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := store.ListQuery{App: "r", Set: "Items", Schema: schema, Filter: c.filter, Restrict: c.restrict, Top: 3, Count: true,
				OrderBy: []ast.OrderItem{{Expr: p("n"), Desc: true}}}
			seen := map[string]bool{}
			for page := 0; ; page++ {
				res, err := s.Query(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if res.Count == nil || *res.Count != c.count {
					t.Fatalf("count %v, want %d", res.Count, c.count)
				}
				for _, e := range res.Entities {
					if seen[e.Key] {
						t.Fatalf("%s twice", e.Key)
					}
					seen[e.Key] = true
				}
				if res.Next == "" {
					break
				}
				q.After = res.Next
			}
			if int64(len(seen)) != c.count {
				t.Fatalf("paged through %d entities, want %d", len(seen), c.count)
			}
		})
	}
	// The pseudo-properties exist only in Restrict: a $filter cannot
	// name them.
	_, err := s.Query(ctx, store.ListQuery{App: "r", Set: "Items", Schema: schema, Filter: mine, Top: 1})
	if err == nil {
		t.Fatal("a $filter named the creator pseudo-property")
	}
}
