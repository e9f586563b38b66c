package uri_test

import (
	"fmt"

	"github.com/temperhq/temper/api/odata/uri"
)

// ExampleParseQuery parses a raw query string: '+' stays a plus sign,
// option names are case-insensitive with or without '$', and parameter
// aliases are substituted.
func ExampleParseQuery() {
	q, err := uri.ParseQuery("$filter=Title eq @t and Price gt 1.5&@t='C++'&TOP=5&$orderby=Price desc")
	if err != nil {
		panic(err)
	}
	fmt.Println(uri.Format(q.Filter))
	fmt.Println(*q.Top, uri.Format(q.OrderBy[0].Expr), q.OrderBy[0].Desc)
	fmt.Println(uri.FormatQuery(q))
	// Output:
	// Title eq 'C++' and Price gt 1.5
	// 5 Price true
	// $filter=Title%20eq%20'C%2B%2B'%20and%20Price%20gt%201.5&$orderby=Price%20desc&$top=5&@t='C%2B%2B'
}

// ExampleParseQuery_error shows the error a gateway turns into a 400.
func ExampleParseQuery_error() {
	_, err := uri.ParseQuery("$filter=contians(Name,'x')")
	fmt.Println(err)
	// Output:
	// $filter: at 0: unknown function "contians"
}

// ExampleFormat prints an expression with the parentheses its
// precedence needs.
func ExampleFormat() {
	e, err := uri.ParseExpr("(a or b) and not (c eq -d)")
	if err != nil {
		panic(err)
	}
	fmt.Println(uri.Format(e))
	// Output:
	// (a or b) and not (c eq -d)
}
