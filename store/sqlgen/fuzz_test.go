package sqlgen_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

// mark prefixes every string the fuzzer makes up; the translator never
// writes it, so finding it in SQL text means input reached SQL.
const mark = "ⱡ"

var fuzzSchema = model.Schema{Key: []string{"id"}, Properties: map[string]string{
	"id": "Edm.String", "status": "Edm.String", "title": "Edm.String", "n": "Edm.Int32", "x": "Edm.Double",
	"ok": "Edm.Boolean", "d": "Edm.Date", "at": "Edm.DateTimeOffset", "tm": "Edm.TimeOfDay", "g": "Edm.Guid",
	"tags": "Collection(Edm.String)", "nums": "Collection(Edm.Int64)", "bin": "Edm.Binary", "du": "Edm.Duration",
	"e": "NS.Color",
}}

var props = []string{"id", "status", "title", "n", "x", "ok", "d", "at", "tm", "g", "tags", "nums", "bin", "du", "e"}

var funcs = []string{"contains", "startswith", "endswith", "length", "indexof", "substring", "tolower", "toupper",
	"trim", "concat", "matchespattern", "year", "month", "day", "hour", "minute", "second", "fractionalseconds",
	"date", "time", "now", "round", "floor", "ceiling", "cast", "isof", "has", "totaloffsetminutes", "totalseconds",
	"CONTAINS"}

// types are cast targets.
var types = []string{"Edm.Int32", "Edm.Byte", "Edm.Int64", "Edm.Double", "Edm.String", "Edm.Boolean", "Edm.Date",
	"Edm.DateTimeOffset", "Edm.TimeOfDay", "Edm.Guid", "Edm.Duration", "Edm.Binary", "NS.T"}

type gen struct {
	b    []byte
	vars []string
}

func (g *gen) next() int {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return int(c)
}

func (g *gen) text() string {
	n := g.next() % 12
	var sb strings.Builder
	sb.WriteString(mark)
	for range n {
		sb.WriteByte(byte(g.next()))
	}
	return sb.String()
}

func (g *gen) expr(depth int) ast.Expr {
	if depth > 5 {
		return g.leaf()
	}
	switch g.next() % 12 {
	case 0, 1:
		return g.leaf()
	case 2:
		return &ast.Unary{Op: ast.UnaryOp(g.next() % 2), X: g.expr(depth + 1)}
	case 3, 4:
		return &ast.Binary{Op: ast.BinaryOp(g.next() % 16), L: g.expr(depth + 1), R: g.expr(depth + 1)}
	case 5:
		var items []ast.Expr
		for range g.next() % 4 {
			items = append(items, g.leaf())
		}
		return &ast.Binary{Op: ast.OpIn, L: g.expr(depth + 1), R: &ast.List{Items: items}}
	case 6:
		var args []ast.Expr
		for range g.next() % 4 {
			args = append(args, g.expr(depth+1))
		}
		name := funcs[g.next()%len(funcs)]
		if g.next()%16 == 0 {
			name = g.text()
		}
		if name == "cast" && g.next()%4 != 0 {
			typ := types[g.next()%len(types)]
			if g.next()%16 == 0 {
				typ = g.text()
			}
			args = append(args, &ast.TypeName{Name: typ, Collection: g.next()%8 == 0})
		}
		return &ast.Call{Name: name, Args: args}
	case 7:
		v := g.text()
		coll := []string{"tags", "nums", "title"}[g.next()%3]
		g.vars = append(g.vars, v)
		body := g.expr(depth + 1)
		g.vars = g.vars[:len(g.vars)-1]
		if g.next()%5 == 0 {
			body = nil
		}
		return &ast.Lambda{Path: &ast.Path{Segments: []string{coll}}, Var: v, Body: body, All: g.next()%2 == 0}
	case 8:
		// A primitive collection compared with a JSON array.
		var items []ast.Expr
		for range g.next() % 4 {
			items = append(items, g.leaf())
		}
		coll := []string{"tags", "nums", "title"}[g.next()%3]
		return &ast.Binary{Op: ast.BinaryOp(g.next() % 2), L: &ast.Path{Segments: []string{coll}}, R: &ast.Array{Items: items}}
	case 9:
		// coll/$count($filter=...) or coll/$filter(...)/$count.
		coll := []string{"tags", "nums", "title"}[g.next()%3]
		cond := g.expr(depth + 1)
		if g.next()%2 == 0 {
			return &ast.Path{Segments: []string{coll, "$count"}, Params: []*ast.PathParams{nil, {Options: &ast.Query{Filter: cond}}}}
		}
		return &ast.Path{Segments: []string{coll, "$filter", "$count"}, Params: []*ast.PathParams{nil, {Filter: cond}, nil}}
	case 10:
		return &ast.Binary{Op: ast.OpIn, L: g.leaf(), R: &ast.Path{Segments: []string{[]string{"tags", "nums", "title"}[g.next()%3]}}}
	default:
		return &ast.Binary{Op: ast.BinaryOp(g.next() % 6), L: g.leaf(), R: g.leaf()}
	}
}

func (g *gen) leaf() ast.Expr {
	switch g.next() % 17 {
	case 14:
		return &ast.Literal{Kind: ast.LitDuration, Value: []string{"P1DT2H", "-PT0.5S", g.text()}[g.next()%3]}
	case 15:
		return &ast.Literal{Kind: ast.LitEnum, Value: ast.EnumValue{Type: []string{"NS.Color", g.text()}[g.next()%2], Members: []string{g.text()}}}
	case 16:
		return &ast.Path{Segments: []string{"$this"}}
	case 0:
		return &ast.Literal{Kind: ast.LitInt, Value: int64(g.next()) - 128}
	case 1:
		return &ast.Literal{Kind: ast.LitDouble, Value: float64(g.next()) / 7}
	case 2:
		return &ast.Literal{Kind: ast.LitString, Value: g.text()}
	case 3:
		return &ast.Literal{Kind: ast.LitBool, Value: g.next()%2 == 0}
	case 4:
		return &ast.Literal{Kind: ast.LitNull}
	case 5:
		return &ast.Literal{Kind: ast.LitDate, Value: []string{"2024-01-02", g.text()}[g.next()%2]}
	case 6:
		return &ast.Literal{Kind: ast.LitDateTimeOffset, Value: []string{"2024-01-02T03:04:05Z", g.text()}[g.next()%2]}
	case 7:
		return &ast.Literal{Kind: ast.LitKind(g.next() % 14), Value: g.text()}
	case 8:
		if len(g.vars) > 0 {
			return &ast.Path{Segments: []string{g.vars[g.next()%len(g.vars)]}}
		}
		fallthrough
	case 9:
		return &ast.Path{Segments: []string{g.text()}}
	case 10:
		return &ast.Path{Segments: []string{props[g.next()%len(props)], []string{"$count", g.text()}[g.next()%2]}}
	case 11:
		return &ast.Literal{Kind: ast.LitTimeOfDay, Value: []string{"10:00", g.text()}[g.next()%2]}
	default:
		return &ast.Path{Segments: []string{props[g.next()%len(props)]}}
	}
}

var placeholder = regexp.MustCompile(`[?$]([0-9]+)`)

// checkArgs asserts that the placeholders of sql are exactly 1..n.
func checkArgs(t *testing.T, sql string, n int) {
	t.Helper()
	seen := map[int]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
		i, _ := strconv.Atoi(m[1])
		if i < 1 || i > n {
			t.Fatalf("placeholder %s out of range (%d args): %s", m[0], n, sql)
		}
		seen[i] = true
	}
	if len(seen) != n {
		t.Fatalf("%d of %d arguments referenced: %s", len(seen), n, sql)
	}
}

// FuzzTranslate builds random syntax trees and checks that translation
// never panics, that no made-up text reaches the SQL (only placeholders),
// and that every argument is referenced.
func FuzzTranslate(f *testing.F) {
	f.Add([]byte{3, 0, 2, 2, 5, 'a', '\'', ';', '-', '-'})
	f.Add([]byte("\x07\x03\x01\x02\x09abc\x03\x00\x02\x04'or'1'='1"))
	f.Add([]byte{6, 0, 0, 7, 2, 8, 3, 2, 2, 1, 0})
	f.Add([]byte{6, 10, 2, 2, 3, 'x', 'y', 'z', 2, 2, 3, '^', 'a', '$'})
	f.Add([]byte{3, 0, 6, 1, 0, 2, 1, 'x', 24, 1, 1, 0, 1, 1, 0, 0, 129}) // cast('x',Edm.Int32) eq 1
	f.Add([]byte{8, 1, 2, 1, 'a', 0, 0})                                  // tags eq ['a']
	f.Add([]byte{3, 0, 9, 1, 11, 2, 16, 0, 129, 0, 0, 0, 129})            // nums/$count($filter=$this gt 1) eq 1
	f.Add([]byte{3, 2, 3, 8, 0, 13, 7, 0, 14, 0, 0, 0, 13, 7})            // at add duration'P1DT2H' gt at
	f.Add([]byte{10, 2, 1, 'q', 0})                                       // 'q' in tags
	table := sqlgen.Table{Name: "temper_p1", Select: "t.key", Doc: "fields", Key: "key", Status: "status",
		Columns: map[string]sqlgen.Column{"n": {Name: "c1", Kind: model.KindInt}, "title": {Name: "c2", Kind: model.KindString}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{b: data}
		q := model.ListQuery{App: "a", Set: "s", Schema: fuzzSchema, Filter: g.expr(0), Top: g.next() % 5,
			Skip: g.next() % 3, Count: g.next()%2 == 0, Now: time.Unix(0, 0)}
		for range g.next() % 3 {
			q.OrderBy = append(q.OrderBy, ast.OrderItem{Expr: g.expr(3), Desc: g.next()%2 == 0})
		}
		if g.next()%3 == 0 {
			q.Search = &ast.SearchOr{L: &ast.SearchTerm{Text: g.text()}, R: &ast.SearchNot{X: &ast.SearchTerm{Text: g.text()}}}
		}
		if g.next()%4 == 0 {
			q.After = g.text()
		}
		for _, d := range []sqlgen.Dialect{sqlgen.SQLite, sqlgen.Postgres} {
			l, err := sqlgen.BuildList(d, table, q)
			if err != nil {
				var qe *model.QueryError
				var ue *model.UnsupportedError
				if !errorsAs(err, &qe) && !errorsAs(err, &ue) {
					t.Fatalf("%s: untyped error %T: %v", d.Name(), err, err)
				}
				continue
			}
			for _, sql := range []string{l.SQL, l.CountSQL} {
				if strings.Contains(sql, mark) {
					t.Fatalf("%s: input text in SQL: %s", d.Name(), sql)
				}
			}
			checkArgs(t, l.SQL, len(l.Args))
			if q.Count {
				checkArgs(t, l.CountSQL, len(l.CountArgs))
			}
		}
	})
}
