package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// unsupportedCases must fail with *store.UnsupportedError (501).
var unsupportedCases = []struct {
	name  string
	query store.ListQuery
}{
	{"ordering of a flags enumeration", q(gt(p("perms"), enum("NS.Perms", "Read")))},
	{"cast to a structured type", q(eq(cast(p("priority"), "NS.Type"), str("1")))},
	{"cast of a double to Edm.String", q(eq(cast(p("score"), "Edm.String"), str("1")))},
	{"cast to Edm.Binary", q(eq(cast(p("title"), "Edm.Binary"), null()))},
	{"cast to a collection", q(eq(&ast.Call{Name: "cast", Args: []ast.Expr{p("labels"), &ast.TypeName{Name: "Edm.Int32", Collection: true}}}, null()))},
	{"cast of the current instance", q(eq(&ast.Call{Name: "cast", Args: []ast.Expr{&ast.TypeName{Name: "NS.Type"}}}, null()))},
	{"mul of a duration", q(eq(bin(ast.OpMul, p("dur"), num(2)), dur("P2D")))},
	{"$search in $count", q(gt(&ast.Path{Segments: []string{"labels", "$count"}, Params: []*ast.PathParams{nil, {Options: &ast.Query{Search: term("x")}}}}, num(0)))},
	{"parameters on $count", q(gt(&ast.Path{Segments: []string{"labels", "$count"}, Params: []*ast.PathParams{nil, {Call: true}}}, num(0)))},
	{"isof", q(call("isof", p("Edm.String")))},
	{"totaloffsetminutes", q(eq(call("totaloffsetminutes", p("at")), num(0)))},
	{"maxdatetime", q(lt(p("at"), call("maxdatetime")))},
	{"binary literal", q(eq(p("title"), lit(ast.LitBinary, []byte("x"))))},
	{"geo literal", q(eq(p("title"), lit(ast.LitGeo, "geography'POINT(0 0)'")))},
	{"INF", q(gt(p("score"), lit(ast.LitDouble, posInf())))},
	{"navigation path", q(eq(p("title", "length"), num(1)))},
	{"$root", q(eq(p("$root", "Tasks", "status"), str("Open")))},
	{"cast segment", q(eq(p("NS.Special", "title"), str("x")))},
	{"mod of doubles", q(eq(bin(ast.OpMod, p("score"), num(2)), num(1)))},
	{"member of a lambda variable", q(anyOf("labels", "l", eq(p("l", "name"), str("x"))))},
	{"matchespattern escape", q(call("matchespattern", p("title"), str(`\d+`)))},
	{"matchespattern flags", q(call("matchespattern", p("title"), str(`(?i)alpha`)))},
	{"matchespattern lazy", q(call("matchespattern", p("title"), str(`a+?`)))},
	{"matchespattern pattern not a literal", q(call("matchespattern", p("title"), p("status")))},
	{"a binary property", q(eq(p("blob"), null()))},
	{"in a collection expression", q(bin(ast.OpIn, p("status"), call("concat", p("title"), p("status"))))},
	{"key predicate in a path", q(eq(&ast.Path{Segments: []string{"title"}, Params: []*ast.PathParams{{Call: true}}}, str("x")))},
	{"$this", q(eq(p("$this"), str("x")))},
	{"annotation", q(eq(p("@Core.Description"), str("x")))},
	{"custom function", q(eq(&ast.Call{Name: "NS.F", Args: []ast.Expr{num(1)}, ArgNames: []string{"p"}}, num(1)))},
	{"in a JSON array of expressions", q(bin(ast.OpIn, p("status"), &ast.Array{Items: []ast.Expr{p("title")}}))},
	{"case", q(eq(call("case", boolean(true), num(1)), num(1)))},
	{"key of type Edm.Double", store.ListQuery{App: confApp, Set: "Typed", Top: 10, Schema: store.Schema{Key: []string{"a"}, Properties: map[string]string{"a": "Edm.Double"}}}},
	{"compound key with a Guid part", store.ListQuery{App: confApp, Set: "Typed", Top: 10, Schema: store.Schema{Key: []string{"a", "b"}, Properties: map[string]string{"a": "Edm.Guid"}}}},
}

// queryErrorCases must fail with *store.QueryError (400).
var queryErrorCases = []struct {
	name  string
	query store.ListQuery
}{
	{"unknown property", q(eq(p("nope"), num(1)))},
	{"injection as a property name", q(eq(p("title'; DROP TABLE temper_sets; --"), str("x")))},
	{"string gt number", q(gt(p("status"), num(3)))},
	{"int eq string", q(eq(p("priority"), str("x")))},
	{"filter not Boolean", q(p("priority"))},
	{"string arithmetic", q(eq(bin(ast.OpAdd, p("title"), num(1)), num(2)))},
	{"unknown function", q(call("frobnicate", p("title")))},
	{"arity", q(call("contains", p("title")))},
	{"argument type", q(eq(call("length", p("priority")), num(1)))},
	{"not of a number", q(not(p("priority")))},
	{"and of strings", q(and(p("title"), p("status")))},
	{"collection compared", q(eq(p("labels"), str("x")))},
	{"lambda on a non-collection", q(anyOf("title", "t", eq(p("t"), str("x"))))},
	{"lambda variable shadows a property", q(anyOf("labels", "title", eq(p("title"), str("x"))))},
	{"lambda body not Boolean", q(anyOf("labels", "l", p("l")))},
	{"all()", q(&ast.Lambda{Path: p("labels"), All: true})},
	{"bad date", q(eq(p("due"), lit(ast.LitDate, "2024-13-01")))},
	{"date vs date-time", q(eq(p("due"), lit(ast.LitDateTimeOffset, "2024-01-01T00:00:00Z")))},
	{"year of a string", q(eq(call("year", p("title")), num(1)))},
	{"list outside in", q(eq(p("priority"), &ast.List{Items: []ast.Expr{num(1)}}))},
	{"string that is not a date", q(eq(p("due"), str("2024-13-01")))},
	{"string that is not a Boolean", q(eq(p("done"), str("yes")))},
	{"string that is not a GUID", q(eq(p("ref"), str("x")))},
	{"string that is not a duration", q(eq(p("dur"), str("P1Y")))},
	{"string that is not a duration or date-time", q(eq(bin(ast.OpSub, p("at"), str("x")), null()))},
	{"cast of a string literal that does not convert", q(eq(cast(str("x"), "Edm.Int32"), num(1)))},
	{"cast of a string literal out of range", q(eq(cast(str("300"), "Edm.Byte"), num(1)))},
	{"cast to an unknown Edm type", q(eq(cast(p("priority"), "Edm.Foo"), num(1)))},
	{"cast of a date to an integer", q(eq(cast(p("due"), "Edm.Int32"), num(1)))},
	{"cast with a path as the type", q(eq(call("cast", p("priority"), p("Edm.String")), str("1")))},
	{"unknown enumeration type", q(eq(p("status"), enum("NS.Shade", "Red")))},
	{"enumeration literal compared with a string", q(eq(p("status"), enum("NS.Color", "Red")))},
	{"enumeration literal of another type", q(eq(p("color"), enum("NS.Perms", "Read")))},
	{"unknown flags member", q(bin(ast.OpHas, p("perms"), enum("NS.Perms", "Read", "Delete")))},
	{"has on a string with an enumeration literal", q(bin(ast.OpHas, p("status"), enum("NS.Color", "Red")))},
	{"unknown member", q(eq(p("color"), enum("NS.Color", "Purple")))},
	{"unknown member value", q(eq(p("color"), enum("NS.Color", "7")))},
	{"string that is not a member", q(eq(p("color"), str("purple")))},
	{"two members of an enumeration that is not flags", q(eq(p("color"), enum("NS.Color", "Red", "Blue")))},
	{"enumeration compared with a string property", q(eq(p("color"), p("status")))},
	{"enumeration in a list of strings properties", q(bin(ast.OpIn, p("color"), &ast.List{Items: []ast.Expr{p("title")}}))},
	{"has with an unknown enumeration type", q(bin(ast.OpHas, p("status"), enum("NS.Shade", "Red")))},
	{"has on strings", q(bin(ast.OpHas, p("status"), str("x")))},
	{"negative substring length", q(eq(call("substring", p("title"), num(0), num(-1)), str("")))},
	{"duration compared with a number", q(eq(p("dur"), num(1)))},
	{"duration literal compared with an integer", q(eq(p("priority"), dur("P1D")))},
	{"duration literal beyond 10000 years", q(eq(p("dur"), dur("P9999999D")))},
	{"date-time add a number", q(eq(bin(ast.OpAdd, p("at"), num(1)), null()))},
	{"time of day add a duration", q(eq(bin(ast.OpAdd, p("slot"), dur("PT1H")), null()))},
	{"$count($filter) with an unprefixed property", q(gt(countWhere("labels", eq(p("status"), str("Open"))), num(0)))},
	{"array compared with a non-collection", q(eq(p("title"), array(str("a"))))},
	{"array of the wrong type", q(eq(p("labels"), array(num(1))))},
	{"nested array", q(eq(p("labels"), array(array())))},
	{"collections of different types", q(eq(p("labels"), p("nums")))},
	{"collections ordered", q(gt(p("labels"), p("tags")))},
	{"in a non-collection property", q(bin(ast.OpIn, str("x"), p("title")))},
	{"orderby a collection", store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 10, OrderBy: []ast.OrderItem{asc(p("labels"))}}},
	{"orderby unknown", store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 10, OrderBy: []ast.OrderItem{asc(p("x; DROP TABLE y"))}}},
	{"garbage skip token", store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 10, After: "'; DROP TABLE temper_sets; --"}},
	{"empty search term", store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 10, Search: &ast.SearchTerm{}}},
}

func q(filter ast.Expr) store.ListQuery {
	return store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Filter: filter, Top: 10, Now: confNow}
}

func testErrors(ctx context.Context, t *testing.T, s store.Store) {
	for _, c := range unsupportedCases {
		t.Run("unsupported/"+c.name, func(t *testing.T) {
			_, err := s.Query(ctx, c.query)
			var ue *store.UnsupportedError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want *store.UnsupportedError", err)
			}
		})
	}
	for _, c := range queryErrorCases {
		t.Run("invalid/"+c.name, func(t *testing.T) {
			_, err := s.Query(ctx, c.query)
			var qe *store.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("got %v, want *store.QueryError", err)
			}
		})
	}
	t.Run("invalid/token of another orderby", func(t *testing.T) {
		q1 := store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 2, OrderBy: []ast.OrderItem{desc(p("priority"))}}
		r := mustQuery(ctx, t, s, q1)
		q2 := q1
		q2.OrderBy = []ast.OrderItem{asc(p("title"))}
		q2.After = r.Next
		var qe *store.QueryError
		if _, err := s.Query(ctx, q2); !errors.As(err, &qe) {
			t.Fatalf("got %v, want *store.QueryError", err)
		}
	})
	// After every injection attempt the data is all there.
	t.Run("data intact", func(t *testing.T) {
		r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 100, Count: true})
		if !slices.Equal(keys(r.Entities), all()) {
			t.Fatalf("after injection attempts: %v", keys(r.Entities))
		}
	})
}
