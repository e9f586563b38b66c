package sqlgen

import (
	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// temporal reports whether v is a single date, time or duration.
func temporal(v val) bool {
	if v.null || v.coll {
		return false
	}
	switch v.kind {
	case model.KindDateTimeOffset, model.KindDate, model.KindTimeOfDay, KindDuration:
		return true
	}
	return false
}

// temporalArith translates add and sub with dates, times and durations
// (OData 4.01 Part 2, 5.1.1.2.1 and 5.1.1.2.2): DateTimeOffset or Date
// plus or minus a Duration, Duration plus or minus a Duration, and the
// difference of two DateTimeOffset or two Date values, a Duration. A
// null operand takes the kind the other one calls for.
func (b *builder) temporalArith(x *ast.Binary, l, r val) (val, error) {
	if x.Op != ast.OpAdd && x.Op != ast.OpSub {
		if l.kind == KindDuration || r.kind == KindDuration {
			return val{}, unsupported(x.Off, x.Op.String()+" with durations")
		}
		return val{}, qerr(x.Off, "%s needs numbers", x.Op)
	}
	is := func(v val, k model.Kind) bool { return v.null || v.kind == k && !v.coll }
	sub := x.Op == ast.OpSub
	neg := func(d string) string {
		if sub {
			return "(-" + d + ")"
		}
		return d
	}
	switch {
	case is(l, KindDuration) && is(r, KindDuration):
		op := " + "
		if sub {
			op = " - "
		}
		return val{sql: "(" + l.sql + op + r.sql + ")", kind: KindDuration}, nil
	case sub && l.kind == r.kind && (l.kind == model.KindDateTimeOffset || l.kind == model.KindDate) && !l.null && !r.null:
		return val{sql: b.d.Diff(l.sql, r.sql, l.kind), kind: KindDuration}, nil
	}
	for _, k := range []model.Kind{model.KindDateTimeOffset, model.KindDate} {
		switch {
		case !l.null && l.kind == k && is(r, KindDuration):
			return val{sql: b.d.AddDuration(l.sql, k, neg(r.sql)), kind: k}, nil
		case !sub && is(l, KindDuration) && !r.null && r.kind == k:
			return val{sql: b.d.AddDuration(r.sql, k, l.sql), kind: k}, nil
		}
	}
	return val{}, qerr(x.Off, "cannot %s %s and %s", x.Op, kindName(l.kind), kindName(r.kind))
}
