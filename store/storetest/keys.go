package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// Integer and compound keys: the canonical key string is the identity,
// the typed key values are queryable with their own semantics.
var (
	intKeySchema = store.Schema{Key: []string{"OrderID"}, Properties: map[string]string{
		"OrderID": "Edm.Int32", "status": "Edm.String", "title": "Edm.String"}}
	// Inserted in this order; numeric order is -3, 1, 2, 10, 100 (text
	// order would be -3, 1, 10, 100, 2).
	intKeys = []string{"10", "2", "100", "-3", "1"}

	compoundSchema = store.Schema{Key: []string{"OrderID", "Line"}, Properties: map[string]string{
		"OrderID": "Edm.Int64", "Line": "Edm.String", "status": "Edm.String", "qty": "Edm.Int32"}}
	compoundKeys = []string{"OrderID=10,Line='a'", "OrderID=2,Line='b'", "OrderID=2,Line='a'",
		"OrderID=1,Line='it''s'", "OrderID=10,Line='a,b'"}
)

type keyCase struct {
	name   string
	filter ast.Expr
	order  []ast.OrderItem
	want   []string
}

var intKeyCases = []keyCase{
	{"default order is numeric", nil, nil, []string{"-3", "1", "2", "10", "100"}},
	{"eq", eq(p("OrderID"), num(10)), nil, []string{"10"}},
	{"gt", gt(p("OrderID"), num(2)), nil, []string{"10", "100"}},
	{"in", in(p("OrderID"), num(1), num(100)), nil, []string{"1", "100"}},
	{"orderby desc", nil, []ast.OrderItem{desc(p("OrderID"))}, []string{"100", "10", "2", "1", "-3"}},
	{"orderby another property", nil, []ast.OrderItem{asc(p("title"))}, []string{"-3", "1", "2", "10", "100"}},
	{"arithmetic", eq(bin(ast.OpMod, p("OrderID"), num(5)), num(0)), nil, []string{"10", "100"}},
}

var compoundCases = []keyCase{
	{"default order is by the key parts", nil, nil, []string{"OrderID=1,Line='it''s'", "OrderID=2,Line='a'", "OrderID=2,Line='b'", "OrderID=10,Line='a'", "OrderID=10,Line='a,b'"}},
	{"int part", eq(p("OrderID"), num(2)), nil, []string{"OrderID=2,Line='a'", "OrderID=2,Line='b'"}},
	{"both parts", and(eq(p("OrderID"), num(10)), eq(p("Line"), str("a,b"))), nil, []string{"OrderID=10,Line='a,b'"}},
	{"string part with a quote", eq(p("Line"), str("it's")), nil, []string{"OrderID=1,Line='it''s'"}},
	{"orderby string part desc", nil, []ast.OrderItem{desc(p("Line"))}, []string{"OrderID=1,Line='it''s'", "OrderID=2,Line='b'", "OrderID=10,Line='a,b'", "OrderID=2,Line='a'", "OrderID=10,Line='a'"}},
	{"orderby int part desc", gt(p("OrderID"), num(1)), []ast.OrderItem{desc(p("OrderID"))}, []string{"OrderID=10,Line='a'", "OrderID=10,Line='a,b'", "OrderID=2,Line='a'", "OrderID=2,Line='b'"}},
	{"orderby a tie", nil, []ast.OrderItem{asc(p("qty"))}, []string{"OrderID=1,Line='it''s'", "OrderID=2,Line='a'", "OrderID=2,Line='b'", "OrderID=10,Line='a'", "OrderID=10,Line='a,b'"}},
}

func testKeys(ctx context.Context, t *testing.T, s store.Store) {
	for _, c := range []struct {
		set    string
		schema store.Schema
		keys   []string
		cases  []keyCase
		fields func(i int) map[string]any
	}{
		{"Orders", intKeySchema, intKeys, intKeyCases, func(i int) map[string]any { return map[string]any{"title": "same"} }},
		{"Lines", compoundSchema, compoundKeys, compoundCases, func(i int) map[string]any { return map[string]any{"qty": 1} }},
	} {
		t.Run(c.set, func(t *testing.T) {
			ss := store.SetSchema{App: "k", Set: c.set, EntityType: c.set, Schema: c.schema}
			for range 2 {
				if err := s.EnsureSet(ctx, ss); err != nil {
					t.Fatalf("EnsureSet: %v", err)
				}
			}
			var es []store.Entity
			for i, k := range c.keys {
				es = append(es, entity("k", c.set, k, 1, "Open", c.fields(i)))
			}
			if err := s.PutProjections(ctx, es[1:]); err != nil {
				t.Fatal(err)
			}
			if err := s.RecordCommit(ctx, es[0], transition(es[0].Ref, 1, "", "", "Open", es[0].UpdatedAt)); err != nil {
				t.Fatal(err)
			}
			for _, qc := range c.cases {
				t.Run(qc.name, func(t *testing.T) {
					r := mustQuery(ctx, t, s, store.ListQuery{App: "k", Set: c.set, Schema: c.schema, Filter: qc.filter,
						OrderBy: qc.order, Top: 100, Count: true})
					if got := keys(r.Entities); !slices.Equal(got, qc.want) || *r.Count != int64(len(qc.want)) {
						t.Fatalf("got %v (%d), want %v", got, *r.Count, qc.want)
					}
					for _, size := range []int{1, 2} {
						q := store.ListQuery{App: "k", Set: c.set, Schema: c.schema, Filter: qc.filter, OrderBy: qc.order, Top: size}
						var got []string
						for pages := 0; ; pages++ {
							if pages > len(c.keys)+1 {
								t.Fatal("paging does not end")
							}
							r := mustQuery(ctx, t, s, q)
							got = append(got, keys(r.Entities)...)
							if r.Next == "" {
								break
							}
							q.After = r.Next
						}
						if !slices.Equal(got, qc.want) {
							t.Fatalf("pages of %d: %v, want %v", size, got, qc.want)
						}
					}
				})
			}
		})
	}
	t.Run("typed values in the projection", func(t *testing.T) {
		got, err := s.GetProjection(ctx, store.Ref{App: "k", Set: "Orders", Key: "-3"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Key != "-3" || got.Fields["OrderID"] != int64(-3) || got.Fields["title"] != "same" {
			t.Fatalf("int key projection: %+v", got)
		}
		got, err = s.GetProjection(ctx, store.Ref{App: "k", Set: "Lines", Key: "OrderID=1,Line='it''s'"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Fields["OrderID"] != int64(1) || got.Fields["Line"] != "it's" {
			t.Fatalf("compound key projection: %+v", got)
		}
	})
	t.Run("newer version keeps the key values", func(t *testing.T) {
		e := entity("k", "Orders", "2", 2, "Done", map[string]any{"title": "two"})
		if err := s.PutProjection(ctx, e); err != nil {
			t.Fatal(err)
		}
		r := mustQuery(ctx, t, s, store.ListQuery{App: "k", Set: "Orders", Schema: intKeySchema, Top: 10,
			Filter: and(eq(p("OrderID"), num(2)), eq(p("status"), str("Done")))})
		if got := keys(r.Entities); !slices.Equal(got, []string{"2"}) {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("token of a string-keyed order is refused", func(t *testing.T) {
		r := mustQuery(ctx, t, s, store.ListQuery{App: "k", Set: "Orders", Schema: intKeySchema, Top: 1})
		q := store.ListQuery{App: "k", Set: "Orders", Schema: store.Schema{Key: []string{"OrderID"},
			Properties: map[string]string{"OrderID": "Edm.String"}}, Top: 1, After: r.Next}
		if _, err := s.Query(ctx, q); err == nil {
			t.Fatalf("a token of another key order was accepted: %q", r.Next)
		}
	})
}
