package sqlgen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/store/internal/model"
)

// SQLite is the dialect of modernc.org/sqlite (SQLite 3.4x and later with
// JSON and math functions). It relies on functions the sqlite backend
// registers: temper_date, temper_datetime, temper_time (normalize text to
// YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC, HH:MM:SS.ffffff, or
// NULL), temper_regexp(pattern, s), and the conversions and date
// arithmetic of ParseText, AddDuration and Diff: temper_parse(kind, s),
// temper_add_duration(kind, x, micros), temper_diff(kind, a, b).
var SQLite Dialect = sqliteDialect{}

type sqliteDialect struct{}

func (sqliteDialect) Name() string { return "sqlite" }

func (sqliteDialect) Param(n int, _ model.Kind) string { return "?" + strconv.Itoa(n) }

func (sqliteDialect) Arg(k model.Kind, v any) any {
	switch x := v.(type) {
	case time.Time:
		return FormatDateTime(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

func (sqliteDialect) JSONPathArg(prop string) any { return `$."` + prop + `"` }

func (sqliteDialect) JSONPathLiteral(prop string) string { return quoteLiteral(`$."` + prop + `"`) }

func (sqliteDialect) Extract(doc, path string, k model.Kind) string {
	typ := "json_type(" + doc + ", " + path + ")"
	val := "json_extract(" + doc + ", " + path + ")"
	return sqliteTyped(typ, val, k)
}

// sqliteTyped turns a JSON value (its json_type and its SQL value) into
// kind k, or NULL.
func sqliteTyped(typ, val string, k model.Kind) string {
	text := "(CASE " + typ + " WHEN 'text' THEN " + val + " END)"
	switch k {
	case model.KindString:
		return text
	case model.KindInt:
		return "(CASE " + typ + " WHEN 'integer' THEN " + val + " END)"
	case model.KindDouble:
		return "(CASE " + typ + " WHEN 'integer' THEN CAST(" + val + " AS REAL) WHEN 'real' THEN " + val + " END)"
	case model.KindBool:
		return "(CASE " + typ + " WHEN 'true' THEN 1 WHEN 'false' THEN 0 END)"
	case model.KindDate:
		return "temper_date" + text
	case model.KindDateTimeOffset:
		return "temper_datetime" + text
	case model.KindTimeOfDay:
		return "temper_time" + text
	case model.KindGuid:
		return "lower" + text
	case KindDuration:
		return "temper_parse(" + strconv.Itoa(int(KindDuration)) + ", " + text + ")"
	}
	return "NULL"
}

func (sqliteDialect) Elements(doc, path, alias string) string {
	return "json_each(CASE json_type(" + doc + ", " + path + ") WHEN 'array' THEN json_extract(" + doc + ", " + path + ") ELSE '[]' END) AS " + alias
}

func (sqliteDialect) Element(alias string, k model.Kind) string {
	return sqliteTyped(alias+".type", alias+".value", k)
}

func (sqliteDialect) ElementIndex(alias string) string { return alias + ".key" }

func (sqliteDialect) ArrayLength(doc, path string) string {
	return "(CASE json_type(" + doc + ", " + path + ") WHEN 'array' THEN json_array_length(" + doc + ", " + path + ") ELSE 0 END)"
}

func (sqliteDialect) ElementAt(doc, path, idx string, k model.Kind) string {
	p := "(" + path + " || '[' || " + idx + " || ']')"
	return sqliteTyped("json_type("+doc+", "+p+")", "json_extract("+doc+", "+p+")", k)
}

func (sqliteDialect) NullSafeEq(a, b string) string { return "(" + a + " IS " + b + ")" }
func (sqliteDialect) NullSafeNe(a, b string) string { return "(" + a + " IS NOT " + b + ")" }

func (sqliteDialect) Func(name string, args ...string) string {
	switch name {
	case "greatest":
		name = "max"
	case "least":
		name = "min"
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

func (sqliteDialect) Matches(s, pattern string) string {
	return "temper_regexp(" + pattern + ", " + s + ")"
}

func (sqliteDialect) Part(field, x string, k model.Kind) string {
	// Values are normalized text: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS.ffffffZ,
	// HH:MM:SS.ffffff.
	var start int
	switch field {
	case "year":
		start = 1
	case "month":
		start = 6
	case "day":
		start = 9
	case "hour":
		start = 12
	case "minute":
		start = 15
	case "second":
		start = 18
	case "fractionalseconds":
		start = 20
	}
	if k == model.KindTimeOfDay {
		start -= 11
	}
	if field == "fractionalseconds" {
		return fmt.Sprintf("CAST(substr(%s, %d, 7) AS REAL)", x, start)
	}
	n := 2
	if field == "year" {
		n = 4
	}
	return fmt.Sprintf("CAST(substr(%s, %d, %d) AS INTEGER)", x, start, n)
}

func (sqliteDialect) DateOf(x string) string  { return "substr(" + x + ", 1, 10)" }
func (sqliteDialect) TimeOf(x string) string  { return "substr(" + x + ", 12, 15)" }
func (sqliteDialect) Round(x string) string   { return "round(" + x + ")" }
func (sqliteDialect) Floor(x string) string   { return "floor(" + x + ")" }
func (sqliteDialect) Ceiling(x string) string { return "ceiling(" + x + ")" }
func (sqliteDialect) ToDouble(x string) string {
	return "CAST(" + x + " AS REAL)"
}

func (sqliteDialect) ToInt(x string) string { return "CAST(" + x + " AS INTEGER)" }

func (sqliteDialect) FromText(x string, k model.Kind) string {
	if k == model.KindString {
		return x
	}
	return "temper_parse(" + strconv.Itoa(int(k)) + ", " + x + ")"
}

func (sqliteDialect) ToText(x string, k model.Kind) string {
	switch k {
	case model.KindInt:
		return "CAST(" + x + " AS TEXT)"
	case model.KindBool:
		return "(CASE WHEN " + x + " THEN 'true' WHEN NOT " + x + " THEN 'false' END)"
	}
	return x // dates are YYYY-MM-DD text already
}

func (sqliteDialect) AddDuration(x string, k model.Kind, d string) string {
	return "temper_add_duration(" + strconv.Itoa(int(k)) + ", " + x + ", " + d + ")"
}

func (sqliteDialect) Diff(a, b string, k model.Kind) string {
	return "temper_diff(" + strconv.Itoa(int(k)) + ", " + a + ", " + b + ")"
}

func (sqliteDialect) Order(x string, desc bool) string {
	// SQLite sorts NULL first ascending and last descending already.
	if desc {
		return x + " DESC"
	}
	return x + " ASC"
}

// FormatDateTime is the canonical text of a DateTimeOffset: UTC, rounded
// to microseconds (PostgreSQL's precision), fixed width so text order is
// time order.
func FormatDateTime(t time.Time) string {
	return t.UTC().Round(time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
}
