package sqlgen

import (
	"strings"

	"github.com/temperhq/temper/store/internal/model"
)

// Dialect renders what differs between SQL engines. Arguments named x, a,
// b, s are SQL fragments the translator built (never request text); path
// is a placeholder or, in DDL, a literal from JSONPathLiteral.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Param is the placeholder of the n-th (1-based) argument of kind k.
	Param(n int, k model.Kind) string
	// Arg converts a canonical value of kind k (int64, float64, string,
	// bool, time.Time for DateTimeOffset, "YYYY-MM-DD" for Date,
	// "HH:MM:SS.ffffff" for TimeOfDay) to the driver argument.
	Arg(k model.Kind, v any) any
	// JSONPathArg is the bound argument naming property prop in the JSON
	// document; JSONPathLiteral the same as a quoted SQL literal for DDL
	// (prop is a checked identifier).
	JSONPathArg(prop string) any
	JSONPathLiteral(prop string) string
	// Extract reads the property at path of the JSON document doc as a
	// value of kind k, or NULL when it has another JSON type.
	Extract(doc, path string, k model.Kind) string
	// Elements is a FROM item iterating the JSON array at path of doc as
	// alias (no rows when it is not an array); Element the element's value
	// as kind k; ArrayLength the number of elements (0 when not an array);
	// ElementIndex the element's 0-based index; ElementAt the element at
	// the index idx (an integer placeholder or ElementIndex) as kind k,
	// NULL when there is none.
	Elements(doc, path, alias string) string
	Element(alias string, k model.Kind) string
	ElementIndex(alias string) string
	ArrayLength(doc, path string) string
	ElementAt(doc, path, idx string, k model.Kind) string
	// NullSafeEq and NullSafeNe compare with null equal to null.
	NullSafeEq(a, b string) string
	NullSafeNe(a, b string) string
	// Func renders the functions whose spelling differs: "instr" (1-based
	// position, 0 when absent), "length" (characters), "greatest",
	// "least", "lower", "upper" (ASCII only on both), "trim" (spaces),
	// "substr" (1-based, characters).
	Func(name string, args ...string) string
	// Matches is a regular-expression match of s against pattern (a
	// placeholder of a pattern checked by CheckPattern).
	Matches(s, pattern string) string
	// Part extracts a date/time field (year, month, day, hour, minute,
	// second: integers; fractionalseconds: a double) of x of kind k in UTC.
	Part(field, x string, k model.Kind) string
	// DateOf and TimeOf cut a DateTimeOffset (UTC) to its date or time.
	DateOf(x string) string
	TimeOf(x string) string
	// Round, Floor and Ceiling of a double, rounding half away from zero.
	Round(x string) string
	Floor(x string) string
	Ceiling(x string) string
	// ToDouble casts a number to a double; ToInt a double without a
	// fractional part (in the int64 range) to an integer.
	ToDouble(x string) string
	ToInt(x string) string
	// FromText reads the string x as a value of kind k, or NULL when it is
	// not one: the literal forms ParseText accepts, with the same result.
	FromText(x string, k model.Kind) string
	// ToText writes x of kind k (KindInt, KindBool or KindDate) as its
	// payload literal: 42, true, 2024-01-31.
	ToText(x string, k model.Kind) string
	// AddDuration adds the duration d (microseconds) to x of kind k
	// (KindDateTimeOffset or KindDate, whose time part it drops); the
	// result is NULL outside the years 1 to 9999. Diff is a minus b
	// (both of kind k) in microseconds.
	AddDuration(x string, k model.Kind, d string) string
	Diff(a, b string, k model.Kind) string
	// Order is one ORDER BY term: nulls first ascending, last descending
	// (OData's order).
	Order(x string, desc bool) string
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
