package sqlgen

import (
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// notImplemented are canonical functions the store does not translate.
var notImplemented = map[string]bool{
	"isof": true, "maxdatetime": true, "mindatetime": true, "totaloffsetminutes": true,
	"geo.distance": true, "geo.intersects": true, "geo.length": true,
	"hassubset": true, "hassubsequence": true, "case": true,
}

func (b *builder) call(c *ast.Call) (val, error) {
	// Canonical function names are case-insensitive (OData 4.01); the
	// parser reports them in lower case already.
	name := strings.ToLower(c.Name)
	if notImplemented[name] || c.ArgNames != nil || strings.Contains(name, ".") {
		return val{}, unsupported(c.Off, "the function "+c.Name)
	}
	if name == "cast" {
		return b.cast(c)
	}
	spec, ok := functions[name]
	if !ok {
		return val{}, qerr(c.Off, "unknown function %q", c.Name)
	}
	if len(c.Args) < spec.min || len(c.Args) > spec.max {
		return val{}, qerr(c.Off, "%s takes %d to %d arguments", name, spec.min, spec.max)
	}
	if name == "substring" && len(c.Args) == 3 {
		// "A negative length M is a bad request" (OData 4.01 Part 2,
		// 5.1.1.5.8); a computed one counts as 0.
		if l, ok := c.Args[2].(*ast.Literal); ok && l.Kind == ast.LitInt {
			if n, ok := l.Value.(int64); ok && n < 0 {
				return val{}, qerr(l.Off, "substring: the length must not be negative")
			}
		}
	}
	args := make([]val, len(c.Args))
	for i, a := range c.Args {
		if name == "matchespattern" && i == 1 {
			// The pattern must be a literal: it is checked before it is
			// bound.
			l, ok := a.(*ast.Literal)
			if !ok || l.Kind != ast.LitString {
				return val{}, unsupported(a.Offset(), "matchespattern with a pattern that is not a string literal")
			}
			p, _ := l.Value.(string)
			if err := CheckPattern(p); err != nil {
				return val{}, unsupported(a.Offset(), "matchespattern: "+err.Error())
			}
			args[i] = b.lit(model.KindString, p)
			continue
		}
		v, err := b.expr(a)
		if err != nil {
			return val{}, err
		}
		if v.coll {
			return val{}, qerr(a.Offset(), "%s does not take a collection", name)
		}
		if !v.null && !spec.accepts(i, v.kind) {
			return val{}, qerr(a.Offset(), "%s does not take %s", name, kindName(v.kind))
		}
		args[i] = v
	}
	return spec.render(b, args), nil
}

type fn struct {
	min, max int
	// kinds accepted per argument (the last entry repeats).
	kinds  [][]model.Kind
	render func(b *builder, a []val) val
}

func (f fn) accepts(i int, k model.Kind) bool {
	if len(f.kinds) == 0 {
		return true
	}
	if i >= len(f.kinds) {
		i = len(f.kinds) - 1
	}
	for _, ok := range f.kinds[i] {
		if ok == k || (ok == model.KindString && k == model.KindGuid) {
			return true
		}
	}
	return false
}

var (
	str     = []model.Kind{model.KindString}
	integer = []model.Kind{model.KindInt}
	number  = []model.Kind{model.KindInt, model.KindDouble}
	dateish = []model.Kind{model.KindDate, model.KindDateTimeOffset}
	timeish = []model.Kind{model.KindDateTimeOffset, model.KindTimeOfDay}
	dto     = []model.Kind{model.KindDateTimeOffset}
	anytime = []model.Kind{model.KindDateTimeOffset, model.KindTimeOfDay}
	period  = []model.Kind{KindDuration}
)

func boolean(sql string) val { return val{sql: sql, kind: model.KindBool} }

var functions map[string]fn

func init() {
	part := func(field string) func(b *builder, a []val) val {
		return func(b *builder, a []val) val {
			k := model.KindInt
			if field == "fractionalseconds" {
				k = model.KindDouble
			}
			return val{sql: b.d.Part(field, a[0].sql, a[0].kind), kind: k}
		}
	}
	rounding := func(f func(Dialect, string) string) func(b *builder, a []val) val {
		return func(b *builder, a []val) val {
			if a[0].kind == model.KindInt {
				return a[0]
			}
			return val{sql: f(b.d, a[0].sql), kind: model.KindDouble}
		}
	}
	functions = map[string]fn{
		"contains": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			return boolean("(" + b.d.Func("instr", a[0].sql, a[1].sql) + " > 0)")
		}},
		"startswith": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			return boolean("(" + b.d.Func("substr", a[0].sql, "1", b.d.Func("length", a[1].sql)) + " = " + a[1].sql + ")")
		}},
		"endswith": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			ls, lt := b.d.Func("length", a[0].sql), b.d.Func("length", a[1].sql)
			return boolean("(" + ls + " >= " + lt + " AND " + b.d.Func("substr", a[0].sql, ls+" - "+lt+" + 1") + " = " + a[1].sql + ")")
		}},
		"length": {1, 1, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: b.d.Func("length", a[0].sql), kind: model.KindInt}
		}},
		"indexof": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: "(" + b.d.Func("instr", a[0].sql, a[1].sql) + " - 1)", kind: model.KindInt}
		}},
		"substring": {2, 3, [][]model.Kind{str, integer}, func(b *builder, a []val) val {
			// The 0-based start: a negative one counts from the end (OData
			// 4.01), clamped to the string, so the 1-based position and the
			// count fit the int PostgreSQL's substr takes. A negative
			// computed length counts as 0.
			n, i := b.d.Func("length", a[0].sql), a[1].sql
			start := "((CASE WHEN " + i + " < 0 THEN " + b.d.Func("greatest", n+" + "+i, "0") +
				" WHEN " + i + " < " + n + " THEN " + i + " WHEN " + i + " >= " + n + " THEN " + n + " END) + 1)"
			if len(a) == 3 {
				m := a[2].sql
				count := "(CASE WHEN " + m + " < 0 THEN 0 WHEN " + m + " < " + n + " THEN " + m + " WHEN " + m + " >= " + n + " THEN " + n + " END)"
				return val{sql: b.d.Func("substr", a[0].sql, start, count), kind: model.KindString}
			}
			return val{sql: b.d.Func("substr", a[0].sql, start), kind: model.KindString}
		}},
		"tolower": {1, 1, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: b.d.Func("lower", a[0].sql), kind: model.KindString}
		}},
		"toupper": {1, 1, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: b.d.Func("upper", a[0].sql), kind: model.KindString}
		}},
		"trim": {1, 1, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: b.d.Func("trim", a[0].sql), kind: model.KindString}
		}},
		"concat": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			return val{sql: "(" + a[0].sql + " || " + a[1].sql + ")", kind: model.KindString}
		}},
		"matchespattern": {2, 2, [][]model.Kind{str}, func(b *builder, a []val) val {
			return boolean(b.d.Matches(a[0].sql, a[1].sql))
		}},
		"year":              {1, 1, [][]model.Kind{dateish}, part("year")},
		"month":             {1, 1, [][]model.Kind{dateish}, part("month")},
		"day":               {1, 1, [][]model.Kind{dateish}, part("day")},
		"hour":              {1, 1, [][]model.Kind{timeish}, part("hour")},
		"minute":            {1, 1, [][]model.Kind{timeish}, part("minute")},
		"second":            {1, 1, [][]model.Kind{timeish}, part("second")},
		"fractionalseconds": {1, 1, [][]model.Kind{anytime}, part("fractionalseconds")},
		"date": {1, 1, [][]model.Kind{dto}, func(b *builder, a []val) val {
			return val{sql: b.d.DateOf(a[0].sql), kind: model.KindDate}
		}},
		"time": {1, 1, [][]model.Kind{dto}, func(b *builder, a []val) val {
			return val{sql: b.d.TimeOf(a[0].sql), kind: model.KindTimeOfDay}
		}},
		"now": {0, 0, nil, func(b *builder, _ []val) val {
			return b.lit(model.KindDateTimeOffset, b.now.UTC().Round(time.Microsecond))
		}},
		"totalseconds": {1, 1, [][]model.Kind{period}, func(b *builder, a []val) val {
			return val{sql: "(" + b.d.ToDouble(a[0].sql) + " / 1000000.0)", kind: model.KindDouble}
		}},
		"round":   {1, 1, [][]model.Kind{number}, rounding(Dialect.Round)},
		"floor":   {1, 1, [][]model.Kind{number}, rounding(Dialect.Floor)},
		"ceiling": {1, 1, [][]model.Kind{number}, rounding(Dialect.Ceiling)},
	}
}
