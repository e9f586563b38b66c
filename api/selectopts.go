package api

import (
	"cmp"
	"net/http"
	"sort"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// Nested options in $select on a collection of strings (OData 4.01 URL
// conventions §5.1.3): $select=labels($filter=startswith($this,'a');
// $orderby=$this desc;$skip=1;$top=2;$count=true). The collection lives in
// the entity, so the gateway applies them itself, in the order the
// specification gives: filter, count, order, skip, top. $filter knows
// $this, string and integer literals, comparisons, and, or, not, in, and
// the string functions below; anything else is 501.

// itemOptions are compiled nested options of one selected collection.
type itemOptions struct {
	filter func(string) any
	desc   *bool // nil: no $orderby
	skip   int64
	top    int64 // -1: all
	count  bool
}

// compileItemOptions checks the nested options of a $select item on t and
// compiles them; the item must name a collection of strings.
func compileItemOptions(t *specengine.Table, it ast.SelectItem) (*itemOptions, error) {
	name := it.Path[0]
	i, ok := t.SlotIndex(name)
	if !ok || t.Vars[i].Type != expr.TList {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "$select=%s(...): nested options apply to collection-valued properties", name)
	}
	if t.Vars[i].Elem != "" {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "options on %s, a collection of %s, are not supported (only on collections of strings)", name, t.Vars[i].Elem)
	}
	o := it.Options
	switch {
	case o.Search != nil:
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "$search inside $select is not supported")
	case o.Select != nil || o.Expand != nil:
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%s is a collection of strings: it has no properties to $select or $expand", name)
	case o.SkipToken != "":
		return nil, errorf(http.StatusBadRequest, "BadRequest", "$skiptoken is not allowed inside $select")
	}
	out := &itemOptions{top: -1}
	if o.Filter != nil {
		f, typ, err := compileThis(o.Filter)
		if err != nil {
			return nil, err
		}
		if typ != "bool" {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "$select=%s($filter=...): the condition is not a Boolean", name)
		}
		out.filter = f
	}
	for _, ob := range o.OrderBy {
		if p, ok := ob.Expr.(*ast.Path); !ok || p.Params != nil || len(p.Segments) != 1 || p.Segments[0] != "$this" || len(o.OrderBy) > 1 {
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "$orderby inside $select supports $this [asc|desc] only")
		}
		desc := ob.Desc
		out.desc = &desc
	}
	if o.Skip != nil {
		out.skip = *o.Skip
	}
	if o.Top != nil {
		out.top = *o.Top
	}
	out.count = o.Count != nil && *o.Count
	return out, nil
}

// apply applies the options to a collection; count is the number of
// items that match the filter.
func (o *itemOptions) apply(list []string) (out []string, count int64) {
	out = []string{}
	for _, s := range list {
		if o.filter == nil || o.filter(s) == true {
			out = append(out, s)
		}
	}
	count = int64(len(out))
	if o.desc != nil {
		desc := *o.desc
		sort.SliceStable(out, func(i, j int) bool {
			if desc {
				return out[i] > out[j]
			}
			return out[i] < out[j]
		})
	}
	out = out[min(o.skip, int64(len(out))):]
	if o.top >= 0 {
		out = out[:min(o.top, int64(len(out)))]
	}
	return out, count
}

// applySelectOptions applies the nested $select options to a rendered
// entity.
func applySelectOptions(t *specengine.Table, out map[string]any, sel []ast.SelectItem) {
	for _, it := range sel {
		if it.Options == nil || len(it.Path) != 1 {
			continue
		}
		o, err := compileItemOptions(t, it)
		if err != nil {
			continue // checkSelect refused it before anything was read
		}
		name := it.Path[0]
		list, n := o.apply(stringList(out[name]))
		out[name] = list
		if o.count {
			out[name+"@odata.count"] = n
		}
	}
}

func stringList(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, it := range x {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

var errThis = errorf(http.StatusNotImplemented, "NotImplemented",
	"$filter inside $select supports $this, string and integer literals, eq/ne/gt/ge/lt/le, and/or/not, in, and contains, startswith, endswith, indexof, length, tolower, toupper, trim, concat")

// compileThis compiles a condition over $this, a string, into a function
// and its result type: string, int, bool or null.
func compileThis(e ast.Expr) (func(string) any, string, error) {
	switch x := e.(type) {
	case *ast.Literal:
		switch x.Kind {
		case ast.LitString:
			v := x.Value
			return func(string) any { return v }, "string", nil
		case ast.LitInt:
			v := x.Value
			return func(string) any { return v }, "int", nil
		case ast.LitBool:
			v := x.Value
			return func(string) any { return v }, "bool", nil
		case ast.LitNull:
			return func(string) any { return nil }, "null", nil
		}
	case *ast.Path:
		if x.Params == nil && len(x.Segments) == 1 && x.Segments[0] == "$this" {
			return func(s string) any { return s }, "string", nil
		}
	case *ast.Unary:
		f, typ, err := compileThis(x.X)
		if err != nil {
			return nil, "", err
		}
		if x.Op == ast.OpNot && typ == "bool" {
			return func(s string) any { return f(s) != true }, "bool", nil
		}
	case *ast.Binary:
		return compileBinary(x)
	case *ast.Call:
		return compileCall(x)
	}
	return nil, "", errThis
}

func compileBinary(x *ast.Binary) (func(string) any, string, error) {
	l, lt, err := compileThis(x.L)
	if err != nil {
		return nil, "", err
	}
	if x.Op == ast.OpIn {
		list, ok := x.R.(*ast.List)
		if !ok || lt != "string" {
			return nil, "", errThis
		}
		var set []any
		for _, it := range list.Items {
			f, typ, err := compileThis(it)
			if err != nil || typ != "string" && typ != "null" {
				return nil, "", errThis
			}
			set = append(set, f(""))
		}
		return func(s string) any {
			v := l(s)
			for _, w := range set {
				if v == w {
					return true
				}
			}
			return false
		}, "bool", nil
	}
	r, rt, err := compileThis(x.R)
	if err != nil {
		return nil, "", err
	}
	switch x.Op {
	case ast.OpAnd, ast.OpOr:
		if lt != "bool" || rt != "bool" {
			return nil, "", errorf(http.StatusBadRequest, "BadRequest", "%s needs Boolean operands", x.Op)
		}
		if x.Op == ast.OpAnd {
			return func(s string) any { return l(s) == true && r(s) == true }, "bool", nil
		}
		return func(s string) any { return l(s) == true || r(s) == true }, "bool", nil
	case ast.OpEq, ast.OpNe, ast.OpGt, ast.OpGe, ast.OpLt, ast.OpLe:
		if lt != rt && lt != "null" && rt != "null" {
			return nil, "", errorf(http.StatusBadRequest, "BadRequest", "cannot compare %s with %s", lt, rt)
		}
		op := x.Op
		return func(s string) any { return compareThis(op, l(s), r(s)) }, "bool", nil
	}
	return nil, "", errThis
}

// compareThis compares two values of one type (compileBinary checked
// the types), or a value with null.
func compareThis(op ast.BinaryOp, a, b any) bool {
	if a == nil || b == nil {
		equal := a == nil && b == nil
		switch op {
		case ast.OpEq:
			return equal
		case ast.OpNe:
			return !equal
		}
		return false
	}
	var c int
	switch x := a.(type) {
	case string:
		c = strings.Compare(x, b.(string))
	case int64:
		c = cmp.Compare(x, b.(int64))
	case bool:
		c = cmp.Compare(boolInt(x), boolInt(b.(bool)))
	}
	switch op {
	case ast.OpEq:
		return c == 0
	case ast.OpNe:
		return c != 0
	case ast.OpGt:
		return c > 0
	case ast.OpGe:
		return c >= 0
	case ast.OpLt:
		return c < 0
	}
	return c <= 0
}

func compileCall(x *ast.Call) (func(string) any, string, error) {
	var fs []func(string) any
	for _, a := range x.Args {
		f, typ, err := compileThis(a)
		if err != nil {
			return nil, "", err
		}
		if typ != "string" {
			return nil, "", errorf(http.StatusBadRequest, "BadRequest", "%s takes strings", x.Name)
		}
		fs = append(fs, f)
	}
	str := func(f func(string) any, s string) string { v, _ := f(s).(string); return v }
	two := func(op func(a, b string) any, typ string) (func(string) any, string, error) {
		if len(fs) != 2 {
			return nil, "", errorf(http.StatusBadRequest, "BadRequest", "%s takes 2 arguments", x.Name)
		}
		return func(s string) any { return op(str(fs[0], s), str(fs[1], s)) }, typ, nil
	}
	one := func(op func(a string) any, typ string) (func(string) any, string, error) {
		if len(fs) != 1 {
			return nil, "", errorf(http.StatusBadRequest, "BadRequest", "%s takes 1 argument", x.Name)
		}
		return func(s string) any { return op(str(fs[0], s)) }, typ, nil
	}
	switch x.Name {
	case "contains":
		return two(func(a, b string) any { return strings.Contains(a, b) }, "bool")
	case "startswith":
		return two(func(a, b string) any { return strings.HasPrefix(a, b) }, "bool")
	case "endswith":
		return two(func(a, b string) any { return strings.HasSuffix(a, b) }, "bool")
	case "indexof":
		return two(func(a, b string) any {
			i := strings.Index(a, b)
			if i < 0 {
				return int64(-1)
			}
			return int64(len([]rune(a[:i])))
		}, "int")
	case "concat":
		return two(func(a, b string) any { return a + b }, "string")
	case "length":
		return one(func(a string) any { return int64(len([]rune(a))) }, "int")
	case "tolower":
		return one(func(a string) any { return strings.ToLower(a) }, "string")
	case "toupper":
		return one(func(a string) any { return strings.ToUpper(a) }, "string")
	case "trim":
		return one(func(a string) any { return strings.TrimSpace(a) }, "string")
	}
	return nil, "", errThis
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
