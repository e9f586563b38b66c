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
	model.KindDateTimeOffset: "timestamptz", model.KindTimeOfDay: "time",
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
	return "jsonb_array_elements(CASE WHEN jsonb_typeof(" + j + ") = 'array' THEN " + j + " ELSE '[]'::jsonb END) AS " + alias + "(v)"
}

func (postgresDialect) Element(alias string, k model.Kind) string { return pgTyped(alias+".v", k) }

func (postgresDialect) ArrayLength(doc, path string) string {
	j := "(" + doc + " -> " + path + ")"
	return "(CASE WHEN jsonb_typeof(" + j + ") = 'array' THEN jsonb_array_length(" + j + ")::bigint ELSE 0 END)"
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

func (postgresDialect) Order(x string, desc bool) string {
	if desc {
		return x + " DESC NULLS LAST"
	}
	return x + " ASC NULLS FIRST"
}
