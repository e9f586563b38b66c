package uri

import (
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// dump writes a tree compactly, without offsets, for table tests:
// (op L R), (not X), (- X), a/b, f(x,y), Ns.f(p=1), (any path v body),
// (list ...), [..], {"k":v}, @alias, and tagged literals.
func dump(e ast.Expr) string {
	var b strings.Builder
	dumpTo(&b, e)
	return b.String()
}

func dumpTo(b *strings.Builder, e ast.Expr) {
	switch n := e.(type) {
	case nil:
		b.WriteString("<nil>")
	case *ast.Literal:
		b.WriteString(dumpLit(n))
	case *ast.Alias:
		b.WriteString("@" + n.Name)
	case *ast.Path:
		for i, s := range n.Segments {
			if i > 0 {
				b.WriteByte('/')
			}
			b.WriteString(s)
			if i < len(n.Params) && n.Params[i] != nil {
				dumpParams(b, n.Params[i])
			}
		}
	case *ast.Unary:
		op := "not"
		if n.Op == ast.OpNeg {
			op = "-"
		}
		fmt.Fprintf(b, "(%s ", op)
		dumpTo(b, n.X)
		b.WriteByte(')')
	case *ast.Binary:
		fmt.Fprintf(b, "(%s ", n.Op)
		dumpTo(b, n.L)
		b.WriteByte(' ')
		dumpTo(b, n.R)
		b.WriteByte(')')
	case *ast.List:
		b.WriteString("(list")
		for _, it := range n.Items {
			b.WriteByte(' ')
			dumpTo(b, it)
		}
		b.WriteByte(')')
	case *ast.Array:
		b.WriteByte('[')
		for i, it := range n.Items {
			if i > 0 {
				b.WriteByte(' ')
			}
			dumpTo(b, it)
		}
		b.WriteByte(']')
	case *ast.Object:
		b.WriteByte('{')
		for i, m := range n.Members {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(b, "%q:", m.Name)
			dumpTo(b, m.Value)
		}
		b.WriteByte('}')
	case *ast.Call:
		b.WriteString(n.Name + "(")
		for i, a := range n.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			if n.ArgNames != nil {
				b.WriteString(n.ArgNames[i] + "=")
			}
			dumpTo(b, a)
		}
		b.WriteByte(')')
	case *ast.Lambda:
		op := "any"
		if n.All {
			op = "all"
		}
		fmt.Fprintf(b, "(%s ", op)
		dumpTo(b, n.Path)
		if n.Body != nil {
			b.WriteString(" " + n.Var + " ")
			dumpTo(b, n.Body)
		}
		b.WriteByte(')')
	case *ast.TypeName:
		if n.Collection {
			b.WriteString("type:Collection(" + n.Name + ")")
		} else {
			b.WriteString("type:" + n.Name)
		}
	default:
		fmt.Fprintf(b, "%T", e)
	}
}

func dumpParams(b *strings.Builder, pp *ast.PathParams) {
	if pp.Filter != nil {
		b.WriteString("[")
		dumpTo(b, pp.Filter)
		b.WriteString("]")
	}
	if pp.Options != nil {
		fmt.Fprintf(b, "[filter=%s search=%s]", dump(pp.Options.Filter), dumpSearch(pp.Options.Search))
	}
	if pp.Call {
		b.WriteString("{")
		for i, a := range pp.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(pp.ArgNames[i] + "=")
			dumpTo(b, a)
		}
		b.WriteString("}")
	}
	if pp.Keys != nil {
		b.WriteString(dumpKeys(pp.Keys))
	}
}

func dumpKeys(ks []ast.KeyValue) string {
	var parts []string
	for _, k := range ks {
		v := "@" + k.Alias
		if k.Value != nil {
			v = dumpLit(k.Value)
		}
		if k.Name != "" {
			v = k.Name + "=" + v
		}
		parts = append(parts, v)
	}
	return "(" + strings.Join(parts, ",") + ")"
}

func dumpLit(l *ast.Literal) string {
	switch l.Kind {
	case ast.LitNull:
		return "null"
	case ast.LitBool:
		return fmt.Sprint(l.Value)
	case ast.LitInt:
		return fmt.Sprint(l.Value)
	case ast.LitDecimal:
		return "m:" + l.Value.(string)
	case ast.LitDouble:
		return "f:" + formatDouble(l.Value.(float64))
	case ast.LitString:
		return "'" + strings.ReplaceAll(l.Value.(string), "'", "''") + "'"
	case ast.LitDate:
		return "date:" + l.Value.(string)
	case ast.LitDateTimeOffset:
		return "dto:" + l.Value.(string)
	case ast.LitTimeOfDay:
		return "tod:" + l.Value.(string)
	case ast.LitDuration:
		return "dur:" + l.Value.(string)
	case ast.LitGuid:
		return "guid:" + l.Value.(string)
	case ast.LitBinary:
		return "bin:" + hex.EncodeToString(l.Value.([]byte))
	case ast.LitEnum:
		ev := l.Value.(ast.EnumValue)
		return "enum:" + ev.Type + "'" + strings.Join(ev.Members, ",") + "'"
	case ast.LitGeo:
		return "geo:" + l.Value.(string)
	}
	return "?"
}

func dumpSearch(s ast.Search) string {
	switch n := s.(type) {
	case nil:
		return "<nil>"
	case *ast.SearchTerm:
		if n.Phrase {
			return fmt.Sprintf("%q", n.Text)
		}
		return n.Text
	case *ast.SearchNot:
		return "(NOT " + dumpSearch(n.X) + ")"
	case *ast.SearchAnd:
		return "(AND " + dumpSearch(n.L) + " " + dumpSearch(n.R) + ")"
	case *ast.SearchOr:
		return "(OR " + dumpSearch(n.L) + " " + dumpSearch(n.R) + ")"
	}
	return "?"
}

// sameTree compares trees ignoring offsets (fields named Off), treating
// nil and empty slices and maps alike and NaN as equal to NaN.
func sameTree(a, b any) bool { return sameValue(reflect.ValueOf(a), reflect.ValueOf(b)) }

func sameValue(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if a.Type().Field(i).Name == "Off" {
				continue
			}
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if !sameValue(a.MapIndex(k), b.MapIndex(k)) {
				return false
			}
		}
		return true
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || math.IsNaN(x) && math.IsNaN(y)
	}
	return a.Interface() == b.Interface()
}

// normalizeQuery drops what FormatQuery does not print (Unsupported) and
// nested options left empty by that, in place.
func normalizeQuery(q *ast.Query) *ast.Query {
	if q == nil {
		return nil
	}
	q.Unsupported = nil
	for i := range q.Select {
		if o := normalizeQuery(q.Select[i].Options); o != nil && !printable(o, nil) {
			q.Select[i].Options = nil
		}
	}
	for i := range q.Expand {
		if o := normalizeQuery(q.Expand[i].Options); o != nil && !printable(o, nil) {
			q.Expand[i].Options = nil
		}
	}
	return q
}
