package storetest

import (
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// Builders of syntax trees, standing in for the URL parser.

func p(segs ...string) *ast.Path { return &ast.Path{Segments: segs} }

func str(s string) *ast.Literal { return &ast.Literal{Kind: ast.LitString, Value: s} }

func num(n int64) *ast.Literal { return &ast.Literal{Kind: ast.LitInt, Value: n} }

func dbl(f float64) *ast.Literal { return &ast.Literal{Kind: ast.LitDouble, Value: f} }

func boolean(b bool) *ast.Literal { return &ast.Literal{Kind: ast.LitBool, Value: b} }

func null() *ast.Literal { return &ast.Literal{Kind: ast.LitNull} }

func lit(k ast.LitKind, v any) *ast.Literal { return &ast.Literal{Kind: k, Value: v} }

func bin(op ast.BinaryOp, l, r ast.Expr) *ast.Binary { return &ast.Binary{Op: op, L: l, R: r} }

func eq(l, r ast.Expr) ast.Expr { return bin(ast.OpEq, l, r) }
func ne(l, r ast.Expr) ast.Expr { return bin(ast.OpNe, l, r) }
func gt(l, r ast.Expr) ast.Expr { return bin(ast.OpGt, l, r) }
func ge(l, r ast.Expr) ast.Expr { return bin(ast.OpGe, l, r) }
func lt(l, r ast.Expr) ast.Expr { return bin(ast.OpLt, l, r) }
func le(l, r ast.Expr) ast.Expr { return bin(ast.OpLe, l, r) }

func and(xs ...ast.Expr) ast.Expr {
	e := xs[0]
	for _, x := range xs[1:] {
		e = bin(ast.OpAnd, e, x)
	}
	return e
}

func or(l, r ast.Expr) ast.Expr { return bin(ast.OpOr, l, r) }

func not(x ast.Expr) ast.Expr { return &ast.Unary{Op: ast.OpNot, X: x} }

func neg(x ast.Expr) ast.Expr { return &ast.Unary{Op: ast.OpNeg, X: x} }

func in(l ast.Expr, items ...ast.Expr) ast.Expr {
	return bin(ast.OpIn, l, &ast.List{Items: items})
}

func call(name string, args ...ast.Expr) ast.Expr { return &ast.Call{Name: name, Args: args} }

func anyOf(coll, v string, body ast.Expr) ast.Expr {
	return &ast.Lambda{Path: p(coll), Var: v, Body: body}
}

func allOf(coll, v string, body ast.Expr) ast.Expr {
	return &ast.Lambda{Path: p(coll), Var: v, Body: body, All: true}
}

func asc(e ast.Expr) ast.OrderItem  { return ast.OrderItem{Expr: e} }
func desc(e ast.Expr) ast.OrderItem { return ast.OrderItem{Expr: e, Desc: true} }

func term(s string) ast.Search { return &ast.SearchTerm{Text: s, Phrase: strings.Contains(s, " ")} }

func posInf() float64 {
	var zero float64
	return 1 / zero
}
