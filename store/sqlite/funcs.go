package sqlite

import (
	"database/sql/driver"
	"errors"
	"regexp"
	"sync"
	"time"

	"modernc.org/sqlite"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

var registerOnce sync.Once
var registerErr error

// register adds the SQL functions the dialect relies on to the driver.
// The driver's function table is process-wide, hence once.
func register() error {
	registerOnce.Do(func() {
		text := func(f func(string) (string, bool)) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
			return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
				var s string
				switch x := args[0].(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				default:
					return nil, nil
				}
				if out, ok := f(s); ok {
					return out, nil
				}
				return nil, nil
			}
		}
		registerErr = errors.Join(
			sqlite.RegisterDeterministicScalarFunction("temper_date", 1, text(func(s string) (string, bool) {
				d, err := sqlgen.ParseDate(s)
				return d, err == nil
			})),
			sqlite.RegisterDeterministicScalarFunction("temper_datetime", 1, text(func(s string) (string, bool) {
				t, err := sqlgen.ParseDateTime(s)
				if err != nil {
					return "", false
				}
				return sqlgen.FormatDateTime(t), true
			})),
			sqlite.RegisterDeterministicScalarFunction("temper_time", 1, text(func(s string) (string, bool) {
				t, err := sqlgen.ParseTimeOfDay(s)
				return t, err == nil
			})),
			sqlite.RegisterDeterministicScalarFunction("temper_regexp", 2, regexpFunc),
			sqlite.RegisterDeterministicScalarFunction("temper_parse", 2, parseFunc),
			sqlite.RegisterDeterministicScalarFunction("temper_add_duration", 3, addDurationFunc),
			sqlite.RegisterDeterministicScalarFunction("temper_diff", 3, diffFunc),
		)
	})
	return registerErr
}

// patterns caches compiled patterns; patterns come from requests, so the
// cache is bounded.
var (
	patternsMu sync.Mutex
	patterns   = map[string]*regexp.Regexp{}
)

const maxPatterns = 512

// regexpFunc is temper_regexp(pattern, s): s matches pattern, with . and
// negated classes matching newlines as in PostgreSQL.
func regexpFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	p, ok := args[0].(string)
	if !ok {
		return nil, nil
	}
	var s string
	switch x := args[1].(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, nil
	}
	patternsMu.Lock()
	re, ok := patterns[p]
	patternsMu.Unlock()
	if !ok {
		if err := sqlgen.CheckPattern(p); err != nil {
			return nil, err
		}
		c, err := regexp.Compile("(?s)" + p)
		if err != nil {
			return nil, err
		}
		re = c
		patternsMu.Lock()
		if len(patterns) < maxPatterns {
			patterns[p] = c
		}
		patternsMu.Unlock()
	}
	return re.MatchString(s), nil
}

// textArg is a TEXT (or BLOB) argument; ok is false for other types and
// NULL.
func textArg(v driver.Value) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

// kindArg is the kind code the dialect writes as the first argument.
func kindArg(v driver.Value) (model.Kind, bool) {
	n, ok := v.(int64)
	if !ok || n < 0 || n > 255 {
		return 0, false
	}
	return model.Kind(n), true
}

// parseFunc is temper_parse(kind, s): sqlgen.ParseText as an SQL value
// (TEXT for dates, times, GUIDs and date-times in canonical form, INTEGER
// for integers, Booleans and durations, REAL for doubles), or NULL.
func parseFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	k, ok := kindArg(args[0])
	s, ok2 := textArg(args[1])
	if !ok || !ok2 {
		return nil, nil
	}
	v, ok := sqlgen.ParseText(k, s)
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case time.Time:
		return sqlgen.FormatDateTime(x), nil
	}
	return v, nil
}

// addDurationFunc is temper_add_duration(kind, x, micros): sqlgen.AddDuration.
func addDurationFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	k, ok := kindArg(args[0])
	x, ok2 := textArg(args[1])
	d, ok3 := args[2].(int64)
	if !ok || !ok2 || !ok3 {
		return nil, nil
	}
	if out, ok := sqlgen.AddDuration(k, x, d); ok {
		return out, nil
	}
	return nil, nil
}

// diffFunc is temper_diff(kind, a, b): sqlgen.Diff in microseconds.
func diffFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	k, ok := kindArg(args[0])
	a, ok2 := textArg(args[1])
	b, ok3 := textArg(args[2])
	if !ok || !ok2 || !ok3 {
		return nil, nil
	}
	if d, ok := sqlgen.Diff(k, a, b); ok {
		return d, nil
	}
	return nil, nil
}
