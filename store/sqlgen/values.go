package sqlgen

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// literal converts an AST literal to its kind and canonical Go value.
func literal(l *ast.Literal) (model.Kind, any, error) {
	bad := func(format string, a ...any) error {
		return &model.QueryError{Offset: l.Off, Msg: fmt.Sprintf(format, a...)}
	}
	switch l.Kind {
	case ast.LitBool:
		if b, ok := l.Value.(bool); ok {
			return model.KindBool, b, nil
		}
	case ast.LitInt:
		switch v := l.Value.(type) {
		case int64:
			return model.KindInt, v, nil
		case int:
			return model.KindInt, int64(v), nil
		case json.Number:
			if n, err := v.Int64(); err == nil {
				return model.KindInt, n, nil
			}
		}
	case ast.LitDecimal, ast.LitDouble:
		var f float64
		switch v := l.Value.(type) {
		case float64:
			f = v
		case string:
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, nil, bad("%q is not a number", v)
			}
			f = x
		case int64:
			f = float64(v)
		default:
			return 0, nil, bad("malformed number literal")
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, nil, &model.UnsupportedError{Offset: l.Off, What: "INF and NaN literals"}
		}
		return model.KindDouble, f, nil
	case ast.LitString:
		if s, ok := l.Value.(string); ok {
			return model.KindString, s, nil
		}
	case ast.LitGuid:
		if s, ok := l.Value.(string); ok {
			return model.KindGuid, strings.ToLower(s), nil
		}
	case ast.LitDate:
		s, ok := l.Value.(string)
		if t, isTime := l.Value.(time.Time); isTime {
			s, ok = t.Format("2006-01-02"), true
		}
		if ok {
			if d, err := ParseDate(s); err == nil {
				return model.KindDate, d, nil
			}
			return 0, nil, bad("%q is not a date", s)
		}
	case ast.LitDateTimeOffset:
		switch v := l.Value.(type) {
		case time.Time:
			return model.KindDateTimeOffset, v.UTC().Round(time.Microsecond), nil
		case string:
			t, err := ParseDateTime(v)
			if err != nil {
				return 0, nil, bad("%q is not a date-time offset", v)
			}
			return model.KindDateTimeOffset, t, nil
		}
	case ast.LitTimeOfDay:
		if s, ok := l.Value.(string); ok {
			t, err := ParseTimeOfDay(s)
			if err != nil {
				return 0, nil, bad("%q is not a time of day", s)
			}
			return model.KindTimeOfDay, t, nil
		}
	case ast.LitDuration:
		if s, ok := l.Value.(string); ok {
			d, ok := ParseDuration(s)
			if !ok {
				return 0, nil, bad("%q is not a duration of at most 10,000 years", s)
			}
			return KindDuration, d, nil
		}
	case ast.LitBinary:
		return 0, nil, &model.UnsupportedError{Offset: l.Off, What: "binary literals"}
	case ast.LitGeo:
		return 0, nil, &model.UnsupportedError{Offset: l.Off, What: "geography and geometry literals"}
	}
	return 0, nil, bad("malformed literal")
}

// ParseDate checks a YYYY-MM-DD date and returns it as is.
func ParseDate(s string) (string, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return "", err
	}
	return t.Format("2006-01-02"), nil
}

// ParseDateTime reads an RFC 3339 date-time with offset and returns it in
// UTC rounded to microseconds.
func ParseDateTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// OData allows leaving out the seconds.
		var err2 error
		if t, err2 = time.Parse("2006-01-02T15:04Z07:00", s); err2 != nil {
			return time.Time{}, err
		}
	}
	return t.UTC().Round(time.Microsecond), nil
}

// ParseTimeOfDay reads HH:MM[:SS[.fffffff]] and returns the canonical
// HH:MM:SS.ffffff.
func ParseTimeOfDay(s string) (string, error) {
	for _, layout := range []string{"15:04:05.999999999", "15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Round(time.Microsecond).Format("15:04:05.000000"), nil
		}
	}
	return "", fmt.Errorf("%q is not a time of day", s)
}

// asciiLower lowers ASCII letters only, like SQLite's lower() and
// PostgreSQL's under the C collation.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
