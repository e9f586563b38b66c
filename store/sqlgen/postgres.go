package sqlgen

import (
	"strconv"
	"strings"

	"github.com/temperhq/temper/store/internal/model"
)

// Postgres is the dialect of PostgreSQL 13 and later through pgx. Every
// parameter carries an explicit type; text parameters and JSON text carry
// COLLATE "C" so comparisons are by code point, as in SQLite. It relies on
// the functions the postgres backend's migrations create: temper_text,
// temper_int, temper_float, temper_bool, temper_date, temper_timestamptz,
// temper_time, temper_guid (a jsonb value to a typed value, or NULL).
var Postgres Dialect = postgresDialect{}

type postgresDialect struct{}

func (postgresDialect) Name() string { return "postgres" }

var pgTypes = map[model.Kind]string{
	model.KindString: `text COLLATE "C"`, model.KindGuid: `text COLLATE "C"`, model.KindInt: "bigint",
	model.KindDouble: "float8", model.KindBool: "boolean", model.KindDate: "date",
	model.KindDateTimeOffset: "timestamptz", model.KindTimeOfDay: "time", KindDuration: "bigint",
}

func (postgresDialect) Param(n int, k model.Kind) string {
	t, ok := pgTypes[k]
	if !ok {
		t = "text"
	}
	return "$" + strconv.Itoa(n) + "::" + t
}

func (postgresDialect) Arg(_ model.Kind, v any) any { return v }

func (postgresDialect) JSONPathArg(prop string) any { return prop }

func (postgresDialect) JSONPathLiteral(prop string) string { return quoteLiteral(prop) }

var pgExtract = map[model.Kind]string{
	model.KindString: "temper_text", model.KindInt: "temper_int", model.KindDouble: "temper_float",
	model.KindBool: "temper_bool", model.KindDate: "temper_date", model.KindDateTimeOffset: "temper_timestamptz",
	model.KindTimeOfDay: "temper_time", model.KindGuid: "temper_guid",
}

func pgTyped(j string, k model.Kind) string {
	if k == KindDuration {
		return pgDuration(pgTyped(j, model.KindString))
	}
	f, ok := pgExtract[k]
	if !ok {
		return "NULL"
	}
	s := f + "(" + j + ")"
	if k == model.KindString || k == model.KindGuid {
		s = "(" + s + ` COLLATE "C")`
	}
	return s
}

func (postgresDialect) Extract(doc, path string, k model.Kind) string {
	return pgTyped("("+doc+" -> "+path+")", k)
}

func (postgresDialect) Elements(doc, path, alias string) string {
	j := "(" + doc + " -> " + path + ")"
	return "jsonb_array_elements(CASE WHEN jsonb_typeof(" + j + ") = 'array' THEN " + j + " ELSE '[]'::jsonb END) WITH ORDINALITY AS " + alias + "(v, n)"
}

func (postgresDialect) ElementIndex(alias string) string { return "(" + alias + ".n - 1)" }

func (postgresDialect) Element(alias string, k model.Kind) string { return pgTyped(alias+".v", k) }

func (postgresDialect) ArrayLength(doc, path string) string {
	j := "(" + doc + " -> " + path + ")"
	return "(CASE WHEN jsonb_typeof(" + j + ") = 'array' THEN jsonb_array_length(" + j + ")::bigint ELSE 0 END)"
}

func (postgresDialect) ElementAt(doc, path, idx string, k model.Kind) string {
	return pgTyped("("+doc+" -> "+path+" -> ("+idx+")::int)", k)
}

func (postgresDialect) NullSafeEq(a, b string) string {
	return "(" + a + " IS NOT DISTINCT FROM " + b + ")"
}
func (postgresDialect) NullSafeNe(a, b string) string {
	return "(" + a + " IS DISTINCT FROM " + b + ")"
}

func (postgresDialect) Func(name string, args ...string) string {
	switch name {
	case "instr":
		name = "strpos"
	case "length":
		return "char_length(" + args[0] + ")::bigint"
	case "trim":
		name = "btrim"
	case "substr":
		// substr takes int positions; integers here are bigint.
		for i := 1; i < len(args); i++ {
			args[i] = "(" + args[i] + ")::int"
		}
	case "lower", "upper":
		// Under the C collation lower and upper change ASCII letters
		// only, like SQLite's built-ins.
		return name + "((" + args[0] + `) COLLATE "C")`
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

func (postgresDialect) Matches(s, pattern string) string { return "(" + s + " ~ " + pattern + ")" }

func (postgresDialect) Part(field, x string, k model.Kind) string {
	src := x
	if k == model.KindDateTimeOffset {
		src = "(" + x + " AT TIME ZONE 'UTC')"
	}
	switch field {
	case "fractionalseconds":
		return "((EXTRACT(MICROSECONDS FROM " + src + ") % 1000000) / 1000000.0)::float8"
	case "second":
		return "floor(EXTRACT(SECOND FROM " + src + "))::bigint"
	}
	return "EXTRACT(" + strings.ToUpper(field) + " FROM " + src + ")::bigint"
}

func (postgresDialect) DateOf(x string) string { return "(" + x + " AT TIME ZONE 'UTC')::date" }
func (postgresDialect) TimeOf(x string) string { return "(" + x + " AT TIME ZONE 'UTC')::time" }

// Round goes through numeric: round(float8) breaks ties to even on most
// platforms, round(numeric) away from zero, like SQLite and OData.
func (postgresDialect) Round(x string) string   { return "round((" + x + ")::numeric)::float8" }
func (postgresDialect) Floor(x string) string   { return "floor(" + x + ")" }
func (postgresDialect) Ceiling(x string) string { return "ceiling(" + x + ")" }
func (postgresDialect) ToDouble(x string) string {
	return "(" + x + ")::float8"
}

func (postgresDialect) ToInt(x string) string { return "(" + x + ")::bigint" }

// FromText mirrors ParseText with regular expressions (checked before any
// cast, so a cast never fails) and the temper_* functions of the
// migrations.
func (postgresDialect) FromText(x string, k model.Kind) string {
	switch k {
	case model.KindString:
		return x
	case model.KindInt:
		return "(CASE WHEN " + x + " ~ '^[+-]?[0-9]{1,19}$' THEN (CASE WHEN (" + x +
			")::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN (" + x + ")::numeric::bigint END) END)"
	case model.KindDouble:
		return "(CASE WHEN " + x + " ~ '^[+-]?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]{1,3})?$' THEN (CASE WHEN (" + x +
			")::numeric = 0 OR abs((" + x + ")::numeric) BETWEEN " + strconv.FormatFloat(minDouble, 'g', -1, 64) +
			" AND 1.7976931348623157e308 THEN (" + x + ")::numeric::float8 END) END)"
	case model.KindBool:
		return "(CASE lower(" + x + ") WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END)"
	case model.KindDate:
		return "temper_date(to_jsonb(" + x + "))"
	case model.KindDateTimeOffset:
		t := "temper_timestamptz(to_jsonb(" + x + "))"
		return "(CASE WHEN " + t + " BETWEEN '0001-01-01T00:00:00Z' AND '9999-12-31T23:59:59.999999Z' THEN " + t + " END)"
	case model.KindTimeOfDay:
		return "temper_time(to_jsonb(" + x + "))"
	case model.KindGuid:
		return "(CASE WHEN " + x + " ~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' THEN lower(" + x + ") END)"
	case KindDuration:
		return pgDuration(x)
	}
	return "NULL"
}

// pgDuration is ParseDuration in SQL: the text x checked by a regular
// expression, then summed as numeric and range-checked.
func pgDuration(x string) string {
	u := "upper(" + x + ")"
	part := func(re, unit string) string {
		return "COALESCE(substring(" + u + " from '" + re + "')::numeric, 0) * " + unit
	}
	n := "((CASE WHEN " + u + " LIKE '-%' THEN -1 ELSE 1 END) * (" + part("([0-9]+)D", "86400000000") + " + " +
		part("([0-9]+)H", "3600000000") + " + " + part("([0-9]+)M", "60000000") +
		" + COALESCE(round(substring(" + u + " from '([0-9.]+)S')::numeric * 1000000), 0)))"
	return "(CASE WHEN " + u + " ~ '^-?P([0-9]{1,12}D)?(T([0-9]{1,12}H)?([0-9]{1,12}M)?([0-9]{1,12}([.][0-9]+)?S)?)?$' AND " +
		u + " !~ '(^-?P|T)$' THEN (CASE WHEN abs" + n + " <= " + strconv.FormatInt(MaxDuration, 10) + " THEN " + n + "::bigint END) END)"
}

func (postgresDialect) ToText(x string, k model.Kind) string {
	switch k {
	case model.KindInt:
		return "((" + x + ")::text COLLATE \"C\")"
	case model.KindBool:
		return "(CASE WHEN " + x + " THEN 'true' WHEN NOT " + x + " THEN 'false' END)"
	case model.KindDate:
		return "(to_char(" + x + ", 'YYYY-MM-DD') COLLATE \"C\")"
	}
	return x
}

// The range of DateTimeOffset values, years 1 to 9999, in microseconds
// since the Unix epoch.
const pgMicrosRange = "-62135596800000000 AND 253402300799999999"

func (postgresDialect) AddDuration(x string, k model.Kind, d string) string {
	add := " + ((" + d + ") / 1000000) * interval '1 second' + ((" + d + ") % 1000000) * interval '1 microsecond'"
	if k == model.KindDate {
		return "(CASE WHEN ((" + x + ") - DATE '1970-01-01')::numeric * 86400000000 + (" + d + ") BETWEEN " + pgMicrosRange +
			" THEN ((" + x + ")::timestamp" + add + ")::date END)"
	}
	return "(CASE WHEN EXTRACT(EPOCH FROM " + x + ") * 1000000 + (" + d + ") BETWEEN " + pgMicrosRange +
		" THEN " + x + add + " END)"
}

func (postgresDialect) Diff(a, b string, k model.Kind) string {
	if k == model.KindDate {
		return "(((" + a + ") - (" + b + "))::bigint * 86400000000)"
	}
	return "round((EXTRACT(EPOCH FROM " + a + ") - EXTRACT(EPOCH FROM " + b + ")) * 1000000)::bigint"
}

func (postgresDialect) Order(x string, desc bool) string {
	if desc {
		return x + " DESC NULLS LAST"
	}
	return x + " ASC NULLS FIRST"
}
