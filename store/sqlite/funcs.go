package sqlite

import (
	"database/sql/driver"
	"errors"
	"regexp"
	"sync"

	"modernc.org/sqlite"

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
