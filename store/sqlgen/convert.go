package sqlgen

import (
	"math"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// Implicit conversion. OData 4.01 lets a string literal stand for a value
// of another primitive type (cast rule 3: "a string can be cast to a
// primitive type if it contains a literal representation for the target
// type"; the cast function is optional for it): priority eq '0',
// at add 'P1D', due eq '2024-01-31'. The URL parser cannot tell '0' from
// a string without the model, so the translator converts a string
// literal by the kind of the value it meets, before binding it. A
// literal that does not convert is a QueryError (400): it is known to
// be wrong before the query runs.

// stringLiteral reports whether e is a string literal.
func stringLiteral(e ast.Expr) (*ast.Literal, bool) {
	l, ok := e.(*ast.Literal)
	if !ok || l.Kind != ast.LitString {
		return nil, false
	}
	_, ok = l.Value.(string)
	return l, ok
}

// converts reports whether op converts a string literal operand.
func converts(op ast.BinaryOp) bool {
	switch op {
	case ast.OpEq, ast.OpNe, ast.OpGt, ast.OpGe, ast.OpLt, ast.OpLe, ast.OpHas, ast.OpAdd, ast.OpSub, ast.OpMul,
		ast.OpDiv, ast.OpDivBy, ast.OpMod:
		return true
	}
	return false
}

// operands translates the operands of x; a string literal facing a value
// of another kind is converted to it (the other operand is translated
// first: placeholders are numbered, so the order of arguments does not
// matter).
func (b *builder) operands(x *ast.Binary) (l, r val, err error) {
	_, ls := stringLiteral(x.L)
	_, rs := stringLiteral(x.R)
	switch {
	case converts(x.Op) && ls && !rs:
		if r, err = b.expr(x.R); err != nil {
			return val{}, val{}, err
		}
		l, err = b.against(x.L, r, x.Op)
	case converts(x.Op) && rs && !ls:
		if l, err = b.expr(x.L); err != nil {
			return val{}, val{}, err
		}
		r, err = b.against(x.R, l, x.Op)
	default:
		if l, err = b.expr(x.L); err != nil {
			return val{}, val{}, err
		}
		r, err = b.expr(x.R)
	}
	return l, r, err
}

// against translates e as an operand of op facing other: a string literal
// becomes a literal of the kind other calls for.
func (b *builder) against(e ast.Expr, other val, op ast.BinaryOp) (val, error) {
	l, ok := stringLiteral(e)
	if ok && other.enum != "" {
		// A string facing an enumeration names a member (4.01: the type
		// prefix is optional).
		return b.enumMember(l.Off, other.enum, b.schema.Enums[other.enum], l.Value.(string))
	}
	if !ok || other.null || other.kind == model.KindString || other.kind == model.KindUnsupported {
		return b.expr(e)
	}
	s := l.Value.(string)
	var kinds []model.Kind
	switch k := other.kind; {
	case k == model.KindInt || k == model.KindDouble:
		// Numeric promotion: '1.5' facing an integer is a decimal.
		kinds = []model.Kind{model.KindInt, model.KindDouble}
	case (k == model.KindDateTimeOffset || k == model.KindDate) && (op == ast.OpAdd || op == ast.OpSub):
		kinds = []model.Kind{KindDuration}
		if op == ast.OpSub {
			kinds = append(kinds, k)
		}
	default:
		kinds = []model.Kind{k}
	}
	for _, k := range kinds {
		if v, ok := ParseText(k, s); ok {
			return b.value(k, v), nil
		}
	}
	return val{}, qerr(l.Off, "%s is not a literal of %s (a string compared with or added to a value of another type must hold a literal of that type)",
		quote(s), kindName(kinds[0]))
}

// quote shortens and quotes a literal for a message.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Explicit conversion: cast(x, Edm.Type).

// castKinds are the primitive types cast converts to; intRange bounds the
// integer ones.
var castKinds = map[string]model.Kind{
	"Edm.String": model.KindString, "Edm.Boolean": model.KindBool,
	"Edm.Byte": model.KindInt, "Edm.SByte": model.KindInt, "Edm.Int16": model.KindInt, "Edm.Int32": model.KindInt, "Edm.Int64": model.KindInt,
	"Edm.Double": model.KindDouble, "Edm.Single": model.KindDouble, "Edm.Decimal": model.KindDouble,
	"Edm.Date": model.KindDate, "Edm.DateTimeOffset": model.KindDateTimeOffset, "Edm.TimeOfDay": model.KindTimeOfDay,
	"Edm.Guid": model.KindGuid, "Edm.Duration": KindDuration,
}

var intRange = map[string][2]int64{
	"Edm.Byte": {0, math.MaxUint8}, "Edm.SByte": {math.MinInt8, math.MaxInt8},
	"Edm.Int16": {math.MinInt16, math.MaxInt16}, "Edm.Int32": {math.MinInt32, math.MaxInt32},
}

// Other Edm types cast could name: valid, not implemented.
var castUnsupported = map[string]bool{
	"Edm.Binary": true, "Edm.Stream": true, "Edm.Untyped": true, "Edm.PrimitiveType": true,
	"Edm.ComplexType": true, "Edm.EntityType": true, "Edm.AnnotationPath": true, "Edm.PropertyPath": true,
	"Edm.NavigationPropertyPath": true, "Edm.ModelElementPath": true,
}

// cast translates cast(x, Type) for primitive types, following OData
// 4.01 Part 2, 5.1.1.10.1: null casts to anything; a string to the type
// whose literal it holds (else null); numbers to each other (rounded half
// away from zero; null when the integer part does not fit); a value to
// its own type; integers, Booleans and dates to their payload text. A
// string literal is converted now and must convert (400).
func (b *builder) cast(c *ast.Call) (val, error) {
	if len(c.Args) != 2 {
		return val{}, unsupported(c.Off, "cast of the current instance (cast with one argument)")
	}
	tn, ok := c.Args[1].(*ast.TypeName)
	if !ok {
		return val{}, qerr(c.Args[1].Offset(), "the last argument of cast must be a type name")
	}
	if tn.Collection {
		return val{}, unsupported(tn.Off, "cast to a collection type")
	}
	k, known := castKinds[tn.Name]
	switch {
	case known:
	case castUnsupported[tn.Name] || strings.HasPrefix(tn.Name, "Edm.Geography") || strings.HasPrefix(tn.Name, "Edm.Geometry"):
		return val{}, unsupported(tn.Off, "cast to "+tn.Name)
	case strings.HasPrefix(tn.Name, "Edm."):
		return val{}, qerr(tn.Off, "unknown type %q", tn.Name)
	default:
		return val{}, unsupported(tn.Off, "cast to structured, enumeration and type-definition types")
	}
	rng, narrow := intRange[tn.Name]
	inRange := func(n int64) bool { return !narrow || n >= rng[0] && n <= rng[1] }
	if l, ok := stringLiteral(c.Args[0]); ok {
		s := l.Value.(string)
		v, ok := ParseText(k, s)
		if ok && k == model.KindInt {
			ok = inRange(v.(int64))
		}
		if !ok {
			return val{}, qerr(l.Off, "%s is not a literal of %s", quote(s), tn.Name)
		}
		return b.value(k, v), nil
	}
	x, err := b.expr(c.Args[0])
	if err != nil {
		return val{}, err
	}
	switch {
	case x.null:
		return x, nil
	case x.coll:
		return val{}, unsupported(c.Off, "cast of a collection")
	}
	fail := func() (val, error) {
		return val{}, qerr(c.Off, "cannot cast %s to %s", kindName(x.kind), tn.Name)
	}
	var out val
	switch {
	case x.kind == k || x.kind == model.KindGuid && k == model.KindString:
		out = val{sql: x.sql, kind: k, lit: x.lit}
	case x.kind == model.KindString:
		out = val{sql: b.d.FromText(x.sql, k), kind: k}
	case k == model.KindString:
		switch x.kind {
		case model.KindInt, model.KindBool, model.KindDate:
			out = val{sql: b.d.ToText(x.sql, x.kind), kind: k}
		case model.KindDouble, model.KindDateTimeOffset, model.KindTimeOfDay, KindDuration:
			// Their payload text (shortest doubles, offsets, precision)
			// is not what the engines print.
			return val{}, unsupported(c.Off, "cast of "+kindName(x.kind)+" to Edm.String")
		default:
			return fail()
		}
	case x.kind == model.KindInt && k == model.KindDouble:
		out = val{sql: b.d.ToDouble(x.sql), kind: k}
	case x.kind == model.KindDouble && k == model.KindInt:
		lo, hi := float64(math.MinInt64), 9223372036854774784.0 // the largest double below 2^63
		if narrow {
			lo, hi = float64(rng[0]), float64(rng[1])
		}
		r := b.d.Round(x.sql)
		return val{sql: "(CASE WHEN " + r + " BETWEEN " + b.bind(model.KindDouble, lo) + " AND " + b.bind(model.KindDouble, hi) +
			" THEN " + b.d.ToInt(r) + " END)", kind: k}, nil
	default:
		return fail()
	}
	if k == model.KindInt && narrow {
		out = val{sql: "(CASE WHEN " + out.sql + " BETWEEN " + b.bind(model.KindInt, rng[0]) + " AND " + b.bind(model.KindInt, rng[1]) +
			" THEN " + out.sql + " END)", kind: k}
	}
	return out, nil
}
