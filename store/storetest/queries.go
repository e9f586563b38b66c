package storetest

import (
	"github.com/temperhq/temper/api/odata/ast"
)

// filterCase is a $filter with the keys it selects (in key order).
type filterCase struct {
	name   string
	filter ast.Expr
	want   []string
}

var filterCases = []filterCase{
	// comparisons and logic
	{"eq", eq(p("status"), str("Open")), ks(1, 2, 3, 9, 11, 12)},
	{"ne", ne(p("status"), str("Open")), ks(4, 5, 6, 7, 8, 10)},
	{"gt", gt(p("priority"), num(2)), ks(1, 2, 4, 9, 10, 11, 12)},
	{"ge and le", and(ge(p("priority"), num(3)), le(p("priority"), num(5))), ks(1, 2, 4, 9, 12)},
	{"lt", lt(p("priority"), num(0)), ks(8)},
	{"the benchmark filter", and(eq(p("status"), str("Open")), gt(p("priority"), num(2))), ks(1, 2, 9, 11, 12)},
	{"or", or(eq(p("status"), str("Open")), eq(p("priority"), num(10))), ks(1, 2, 3, 9, 10, 11, 12)},
	{"eq null", eq(p("priority"), null()), ks(5)},
	{"null on the left", eq(null(), p("priority")), ks(5)},
	{"ne null", ne(p("priority"), null()), except("t05")},
	{"ne is true for null", ne(p("priority"), num(3)), ks(1, 3, 4, 5, 6, 7, 8, 10, 11)},
	{"not of a comparison with null is true", not(gt(p("priority"), num(2))), ks(3, 5, 6, 7, 8)},
	{"not of a null Boolean is null", not(p("done")), ks(1, 3)},
	{"not of a mixed and", not(and(gt(p("priority"), num(2)), p("done"))), ks(1, 3, 5, 6, 7, 8)},
	{"not eq null", not(eq(p("title"), null())), except("t08")},
	{"explicit null field", eq(p("title"), null()), ks(8)},
	{"null eq null", eq(null(), null()), all()},
	{"gt null is false", gt(p("priority"), null()), nil},
	{"property eq property, null eq null", eq(p("score"), p("priority")), ks(5, 7)},
	{"double gt int property", gt(p("score"), p("priority")), ks(4, 6, 8, 10)},
	{"double eq", eq(p("score"), dbl(2.25)), ks(2, 12)},
	{"Boolean property", p("done"), ks(2, 4)},
	{"Boolean eq", eq(p("done"), boolean(true)), ks(2, 4)},
	{"Boolean eq false", eq(p("done"), boolean(false)), ks(1, 3)},
	{"true", boolean(true), all()},
	{"string gt: code point order", gt(p("title"), str("a")), ks(2, 4, 5, 6, 9, 12)},
	{"string eq is case-sensitive", eq(p("title"), str("Alpha")), ks(1)},
	{"key eq", eq(p("id"), str("t05")), ks(5)},
	{"key gt", gt(p("id"), str("t10")), ks(11, 12)},
	{"$it", eq(p("$it", "status"), str("Done")), ks(6, 7)},
	{"guid, any case", eq(p("ref"), lit(ast.LitGuid, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")), ks(12)},
	// arithmetic
	{"add double", gt(bin(ast.OpAdd, p("score"), num(1)), num(3)), ks(2, 4, 6, 8, 9, 10, 12)},
	{"mul sub", eq(bin(ast.OpSub, bin(ast.OpMul, p("priority"), num(2)), num(1)), num(9)), ks(1)},
	{"div of integers truncates", eq(bin(ast.OpDiv, p("priority"), num(2)), num(1)), ks(2, 6, 9, 12)},
	{"div truncates toward zero", eq(bin(ast.OpDiv, p("priority"), num(2)), num(-1)), ks(8)},
	{"divby is decimal", eq(bin(ast.OpDivBy, p("priority"), num(2)), dbl(1.5)), ks(2, 9, 12)},
	{"mod", eq(bin(ast.OpMod, p("priority"), num(3)), num(1)), ks(3, 4, 10, 11)},
	{"mod of a negative", eq(bin(ast.OpMod, p("priority"), num(2)), num(-1)), ks(8)},
	{"negation", eq(neg(p("priority")), num(3)), ks(8)},
	{"division by zero is null", eq(bin(ast.OpDiv, p("priority"), num(0)), null()), all()},
	{"add null is null", eq(bin(ast.OpAdd, p("priority"), null()), null()), all()},
	// in
	{"in", in(p("priority"), num(1), num(2), num(3)), ks(2, 3, 6, 9, 12)},
	{"in with null", in(p("priority"), num(5), null()), ks(1, 5)},
	{"in strings", in(p("status"), str("Done"), str("Blocked")), ks(6, 7, 10)},
	{"not in", not(in(p("priority"), num(1), num(2), num(3))), ks(1, 4, 5, 7, 8, 10, 11)},
	// string functions
	{"contains is case-sensitive", call("contains", p("title"), str("alpha")), ks(9)},
	{"contains tolower", call("contains", call("tolower", p("title")), str("alpha")), ks(1, 9)},
	{"not contains: null stays null", not(call("contains", p("title"), str("a"))), ks(5, 6, 11)},
	{"startswith", call("startswith", p("title"), str("Ga")), ks(3)},
	{"endswith", call("endswith", p("title"), str("ta")), ks(2, 4, 9)},
	{"length counts characters", eq(call("length", p("title")), num(4)), ks(2, 5)},
	{"indexof is 0-based", eq(call("indexof", p("title"), str("a")), num(1)), ks(3, 12)},
	{"indexof absent is -1", eq(call("indexof", p("title"), str("q")), num(-1)), except("t06", "t08")},
	{"substring with length", eq(call("substring", p("title"), num(1), num(3)), str("lph")), ks(1, 9)},
	{"substring", eq(call("substring", p("title"), num(6)), str("ray")), ks(3)},
	{"toupper", eq(call("toupper", p("title")), str("DELTA")), ks(4)},
	{"tolower is ASCII only", eq(call("tolower", p("title")), str("Épée")), ks(5)},
	{"trim", eq(call("trim", p("title")), str("padded")), ks(7)},
	{"trim ne", ne(call("trim", p("title")), p("title")), ks(7)},
	{"concat", eq(call("concat", call("concat", p("title"), str("-")), p("status")), str("beta-Open")), ks(2)},
	{"matchespattern", call("matchespattern", p("title"), str("^[a-z]+$")), ks(2, 4)},
	{"matchespattern: . matches a newline", call("matchespattern", p("title"), str("d.n")), ks(12)},
	{"matchespattern alternation", call("matchespattern", p("title"), str("^(Alpha|delta)$")), ks(1, 4)},
	// date and time
	{"year of a date", eq(call("year", p("due")), num(2024)), ks(1, 2)},
	{"month and day", and(eq(call("month", p("due")), num(2)), eq(call("day", p("due")), num(29))), ks(2)},
	{"year and month of a date-time in UTC", and(eq(call("year", p("at")), num(2024)), eq(call("month", p("at")), num(1))), ks(1, 3)},
	{"hour in UTC", eq(call("hour", p("at")), num(21)), ks(2)},
	{"fractionalseconds", eq(call("fractionalseconds", p("at")), dbl(0.5)), ks(2)},
	{"date", eq(call("date", p("at")), lit(ast.LitDate, "2024-01-01")), ks(3)},
	{"time", eq(call("time", p("at")), lit(ast.LitTimeOfDay, "10:30:00")), ks(1)},
	{"date-time gt", gt(p("at"), lit(ast.LitDateTimeOffset, "2024-01-10T00:00:00Z")), ks(1, 2)},
	{"date-time eq across offsets", eq(p("at"), lit(ast.LitDateTimeOffset, "2024-01-01T04:00:00Z")), ks(3)},
	{"date lt", lt(p("due"), lit(ast.LitDate, "2024-01-01")), ks(3)},
	{"time of day ge", ge(p("slot"), lit(ast.LitTimeOfDay, "12:00")), ks(2)},
	{"hour minute second of a time", and(eq(call("hour", p("slot")), num(13)), eq(call("minute", p("slot")), num(45)), eq(call("second", p("slot")), num(30))), ks(2)},
	{"now", lt(p("at"), call("now")), ks(1, 2, 3)},
	// math
	{"round half away from zero", eq(call("round", p("score")), num(3)), ks(9)},
	{"round negative half", eq(call("round", p("score")), num(-1)), ks(3)},
	{"floor", eq(call("floor", p("score")), num(2)), ks(2, 9, 12)},
	{"ceiling", eq(call("ceiling", p("score")), num(101)), ks(10)},
	{"round of an integer", eq(call("round", p("priority")), num(5)), ks(1)},
	// collections
	{"any", anyOf("labels", "l", eq(p("l"), str("urgent"))), ks(1, 4, 9)},
	{"all (vacuous on empty and missing)", allOf("labels", "l", ne(p("l"), str("backend"))), except("t01", "t04")},
	{"any()", &ast.Lambda{Path: p("labels")}, ks(1, 2, 4, 6, 9)},
	{"any over integers", anyOf("nums", "n", gt(p("n"), num(2))), ks(1, 2)},
	{"$count", eq(p("labels", "$count"), num(2)), ks(1, 4)},
	{"any with a function", anyOf("labels", "l", call("startswith", p("l"), str("front"))), ks(2)},
	{"not any", not(anyOf("labels", "l", eq(p("l"), str("urgent")))), except("t01", "t04", "t09")},
	{"any correlated with the entity", anyOf("labels", "l", eq(p("status"), str("InProgress"))), ks(4)},
	// injection attempts are data
	{"quote and comment in a literal", eq(p("title"), str("Zeta; DROP TABLE x;--")), ks(10)},
	{"quote in a literal", eq(p("title"), str("it's quoted")), ks(6)},
	{"quote in a lambda literal", anyOf("labels", "l", eq(p("l"), str("it's"))), ks(6)},
	{"injection in a lambda variable name", anyOf("labels", "x') OR 1=1 --", eq(p("x') OR 1=1 --"), str("urgent"))), ks(1, 4, 9)},
	{"LIKE wildcards are literal", call("contains", p("title"), str("%")), ks(11)},
	{"underscore is literal", call("contains", p("title"), str("_w")), ks(11)},
	{"no match", eq(p("title"), str("' OR '1'='1")), nil},
}

// orderCase is an $orderby with the complete order it yields.
type orderCase struct {
	name   string
	filter ast.Expr
	order  []ast.OrderItem
	want   []string
}

var orderCases = []orderCase{
	{"key (default)", nil, nil, all()},
	{"int desc, nulls last", nil, []ast.OrderItem{desc(p("priority"))}, ks(10, 11, 1, 4, 2, 9, 12, 6, 3, 7, 8, 5)},
	{"int asc, nulls first", nil, []ast.OrderItem{asc(p("priority"))}, ks(5, 8, 7, 3, 6, 2, 9, 12, 4, 1, 11, 10)},
	{"string asc by code point", nil, []ast.OrderItem{asc(p("title"))}, ks(8, 7, 11, 1, 3, 10, 9, 2, 4, 6, 12, 5)},
	{"two items", nil, []ast.OrderItem{asc(p("status")), desc(p("priority"))}, ks(10, 8, 6, 7, 4, 5, 11, 1, 2, 9, 12, 3)},
	{"expression", nil, []ast.OrderItem{desc(call("length", p("title")))}, ks(10, 12, 6, 11, 9, 3, 7, 1, 4, 2, 5, 8)},
	{"Boolean desc", nil, []ast.OrderItem{desc(p("done"))}, ks(2, 4, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12)},
	{"date-time desc", nil, []ast.OrderItem{desc(p("at"))}, ks(2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)},
	{"double asc", nil, []ast.OrderItem{asc(p("score"))}, ks(5, 3, 7, 11, 1, 2, 12, 9, 6, 8, 4, 10)},
	{"filtered", and(eq(p("status"), str("Open")), gt(p("priority"), num(2))), []ast.OrderItem{desc(p("priority")), asc(p("id"))}, ks(11, 1, 2, 9, 12)},
	{"date asc", nil, []ast.OrderItem{asc(p("due"))}, ks(4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 1, 2)},
	{"time of day desc", nil, []ast.OrderItem{desc(p("slot"))}, ks(2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)},
}

// searchCase is a $search with the keys it selects.
type searchCase struct {
	name   string
	search ast.Search
	want   []string
}

var searchCases = []searchCase{
	{"term, ASCII case-insensitive", term("alpha"), ks(1, 9)},
	{"phrase", term("alpha beta"), ks(9)},
	{"AND", &ast.SearchAnd{L: term("alpha"), R: term("beta")}, ks(9)},
	{"OR", &ast.SearchOr{L: term("alpha"), R: term("delta")}, ks(1, 4, 9)},
	{"NOT", &ast.SearchNot{X: term("open")}, ks(4, 5, 6, 7, 8, 10)},
	{"Unicode matches exactly", term("Épée"), ks(5)},
	{"the key is searched", term("t1"), ks(10, 11, 12)},
	{"a quote", term("'"), ks(6)},
	{"SQL text", term("; drop table"), ks(10)},
}
