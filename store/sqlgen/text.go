package sqlgen

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/store/internal/model"
)

// KindDuration is Edm.Duration, which the store's schema does not type
// (model.ParseType gives KindUnsupported): the translator reads it from
// the JSON document as an ISO 8601 duration and computes with it as a
// number of microseconds.
const KindDuration model.Kind = 64

// MaxDuration bounds durations (10,000 Gregorian years, in microseconds),
// so that sums of a few of them stay within int64 on both engines.
const MaxDuration = 315569520000000000

// kindName is a kind's Edm name for messages.
func kindName(k model.Kind) string {
	if k == KindDuration {
		return "Edm.Duration"
	}
	return k.String()
}

// parseType is model.ParseType that also knows Edm.Duration.
func parseType(name string) model.Type {
	t := model.ParseType(name)
	inner := strings.TrimSuffix(strings.TrimPrefix(name, "Collection("), ")")
	if inner == "Edm.Duration" {
		t.Kind = KindDuration
	}
	return t
}

var (
	intText      = regexp.MustCompile(`^[+-]?[0-9]{1,19}$`)
	doubleText   = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$`)
	timeText     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?$`)
	guidText     = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)
	durationText = regexp.MustCompile(`^(-)?P(?:([0-9]{1,12})D)?(?:T(?:([0-9]{1,12})H)?(?:([0-9]{1,12})M)?(?:([0-9]{1,12})(?:\.([0-9]+))?S)?)?$`)
)

// The smallest non-zero magnitude a text-to-double conversion accepts:
// PostgreSQL fails on numbers that underflow to zero, so both backends
// refuse what is below it.
const minDouble = 1e-307

// ParseText reads s as a literal of kind k, the way OData 4.01 casts a
// string to a primitive type, and returns the canonical value
// (Dialect.Arg's input; microseconds for KindDuration). ok is false when
// s is not one. The forms are the URL literal forms without prefix:
// [+-]digits (at most 19, within int64), decimal numbers with an optional
// exponent of at most 3 digits (finite, no INF or NaN), true/false in any
// case, YYYY-MM-DD (years 1 to 9999), RFC 3339 date-times with an offset
// (years 1 to 9999), hh:mm[:ss[.fffffffff]], GUIDs (lowered) and
// durations [-]P[nD][T[nH][nM][n[.f]S]] in any case.
// The SQLite backend's functions call it, and PostgreSQL's FromText
// mirrors it, so a translated literal and a converted column agree.
func ParseText(k model.Kind, s string) (any, bool) {
	switch k {
	case model.KindString:
		return s, true
	case model.KindInt:
		if !intText.MatchString(s) {
			return nil, false
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		return n, err == nil
	case model.KindDouble:
		if !doubleText.MatchString(s) {
			return nil, false
		}
		f, err := strconv.ParseFloat(s, 64)
		mantissa := strings.TrimLeft(strings.FieldsFunc(s, func(r rune) bool { return r == 'e' || r == 'E' })[0], "+-")
		zero := strings.Trim(mantissa, "0.") == ""
		if err != nil || math.IsInf(f, 0) || f == 0 && !zero || f != 0 && math.Abs(f) < minDouble {
			return nil, false
		}
		return f, true
	case model.KindBool:
		switch {
		case strings.EqualFold(s, "true"):
			return true, true
		case strings.EqualFold(s, "false"):
			return false, true
		}
	case model.KindDate:
		if d, err := ParseDate(s); err == nil && !strings.HasPrefix(d, "0000") {
			return d, true
		}
	case model.KindDateTimeOffset:
		if t, err := ParseDateTime(s); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t, true
		}
	case model.KindTimeOfDay:
		if !timeText.MatchString(s) {
			return nil, false
		}
		if t, err := ParseTimeOfDay(s); err == nil {
			return t, true
		}
	case model.KindGuid:
		if guidText.MatchString(s) {
			return strings.ToLower(s), true
		}
	case KindDuration:
		return ParseDuration(s)
	}
	return nil, false
}

// ParseDuration reads an Edm.Duration, [-]P[nD][T[nH][nM][n[.f]S]] in
// any case with at least one component and at most 12 digits per number,
// and returns it in microseconds, fractions rounded half away from zero.
// ok is false when s is malformed or longer than MaxDuration.
func ParseDuration(s string) (int64, bool) {
	u := strings.ToUpper(s)
	m := durationText.FindStringSubmatch(u)
	if m == nil || strings.HasSuffix(u, "T") || u == "P" || u == "-P" {
		return 0, false
	}
	total := new(big.Int)
	add := func(digits string, unit int64) {
		if digits == "" {
			return
		}
		n, _ := new(big.Int).SetString(digits, 10)
		total.Add(total, n.Mul(n, big.NewInt(unit)))
	}
	add(m[2], 86400000000)
	add(m[3], 3600000000)
	add(m[4], 60000000)
	add(m[5], 1000000)
	if f := m[6]; f != "" {
		micro := (f + "000000")[:6]
		n, _ := strconv.ParseInt(micro, 10, 64)
		if len(f) > 6 && f[6] >= '5' {
			n++
		}
		total.Add(total, big.NewInt(n))
	}
	if m[1] == "-" {
		total.Neg(total)
	}
	if !total.IsInt64() || total.Int64() > MaxDuration || total.Int64() < -MaxDuration {
		return 0, false
	}
	return total.Int64(), true
}

// AddDuration adds d microseconds to v, a DateTimeOffset (time.Time or
// its canonical text) or a Date ("YYYY-MM-DD", whose time part the sum
// drops), and returns the canonical result; ok is false outside the
// years 1 to 9999. The SQLite backend's functions call it.
func AddDuration(k model.Kind, v string, d int64) (string, bool) {
	var t time.Time
	switch k {
	case model.KindDateTimeOffset:
		x, err := ParseDateTime(v)
		if err != nil {
			return "", false
		}
		t = x
	case model.KindDate:
		x, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", false
		}
		t = x
	default:
		return "", false
	}
	if d > MaxDuration || d < -MaxDuration {
		return "", false
	}
	// Whole days first: time.Duration overflows beyond 292 years. In UTC a
	// day is 24 hours.
	t = t.UTC().AddDate(0, 0, int(d/86400000000)).Add(time.Duration(d%86400000000) * time.Microsecond)
	if t.Year() < 1 || t.Year() > 9999 {
		return "", false
	}
	if k == model.KindDate {
		return t.Format("2006-01-02"), true
	}
	return FormatDateTime(t), true
}

// Diff returns a minus b in microseconds, both a DateTimeOffset or both
// a Date of kind k. The SQLite backend's functions call it.
func Diff(k model.Kind, a, b string) (int64, bool) {
	parse := func(s string) (time.Time, bool) {
		if k == model.KindDate {
			t, err := time.Parse("2006-01-02", s)
			return t, err == nil
		}
		t, err := ParseDateTime(s)
		return t, err == nil && (k == model.KindDateTimeOffset)
	}
	ta, ok1 := parse(a)
	tb, ok2 := parse(b)
	if !ok1 || !ok2 {
		return 0, false
	}
	micros := func(t time.Time) int64 { return t.Unix()*1000000 + int64(t.Nanosecond()/1000) }
	return micros(ta) - micros(tb), true
}
