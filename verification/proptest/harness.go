package proptest

import (
	"flag"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// rapid's engine is built for go test: rapid.Check takes its number of
// checks, seed, shrink time and fail-file behaviour from package-level
// command-line flags (rapid.checks, rapid.seed, ...), and it calls
// testing.Short, which panics unless the testing flags are registered and
// the command line parsed. The harness makes that work anywhere:
//
//   - testing.Init registers the testing flags (documented for use outside
//     go test); if nobody parsed the command line, an empty parse marks it
//     parsed without reading os.Args;
//   - runs are serialized, and for the duration of one run the rapid flags
//     are set to the run's options and then restored, so a caller's own
//     -rapid.* flags come back afterwards;
//   - fail files are off: the cascade writes nothing to the working
//     directory; Options.Seed reproduces a run instead.
var (
	harnessMu   sync.Mutex
	harnessInit sync.Once
)

// stop is the panic a recorder raises to end rapid.Check, as
// testing.T.FailNow ends a test with runtime.Goexit.
type stop struct{}

// recorder is the rapid.TB the cascade hands rapid: it records failures
// instead of reporting them to a test.
type recorder struct {
	name   string
	failed bool
	msgs   []string
}

var _ rapid.TB = (*recorder)(nil)

func (r *recorder) Helper()             {}
func (r *recorder) Name() string        { return r.name }
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Log(...any)          {}
func (r *recorder) Skipf(string, ...any) {
	panic(stop{})
}
func (r *recorder) Skip(...any) { panic(stop{}) }
func (r *recorder) SkipNow()    { panic(stop{}) }
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprint(args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(stop{})
}
func (r *recorder) Fatal(args ...any) {
	r.Error(args...)
	panic(stop{})
}
func (r *recorder) FailNow()     { r.failed = true; panic(stop{}) }
func (r *recorder) Fail()        { r.failed = true }
func (r *recorder) Failed() bool { return r.failed }

// runSettings are the rapid settings of one run.
type runSettings struct {
	checks int
	seed   uint64
	shrink time.Duration
}

// runRapid runs rapid.Check(prop) with the settings and reports whether
// rapid found a failure, with rapid's messages.
func runRapid(name string, s runSettings, prop func(*rapid.T)) (failed bool, msgs []string, err error) {
	harnessMu.Lock()
	defer harnessMu.Unlock()
	harnessInit.Do(func() {
		testing.Init()
		if !flag.Parsed() {
			_ = flag.CommandLine.Parse(nil)
		}
	})
	checks := s.checks
	if testing.Short() {
		checks *= 5 // rapid divides by 5 under -short; the caller asked for checks
	}
	restore, err := setFlags([][2]string{
		{"rapid.checks", strconv.Itoa(checks)},
		{"rapid.seed", strconv.FormatUint(s.seed, 10)},
		{"rapid.shrinktime", s.shrink.String()},
		{"rapid.nofailfile", "true"},
		{"rapid.failfile", ""},
		{"rapid.log", "false"},
		{"rapid.v", "false"},
		{"rapid.debug", "false"},
		{"rapid.debugvis", "false"},
	})
	if err != nil {
		return false, nil, err
	}
	defer restore()
	rec := &recorder{name: name}
	func() {
		defer func() {
			if p := recover(); p != nil {
				if _, ok := p.(stop); !ok {
					err = fmt.Errorf("rapid: %v", p)
				}
			}
		}()
		rapid.Check(rec, prop)
	}()
	return rec.failed, rec.msgs, err
}

// setFlags sets command-line flags and returns a function that restores
// their previous values.
func setFlags(kv [][2]string) (func(), error) {
	var old [][2]string
	restore := func() {
		for i := len(old) - 1; i >= 0; i-- {
			_ = flag.Set(old[i][0], old[i][1])
		}
	}
	for _, p := range kv {
		f := flag.Lookup(p[0])
		if f == nil {
			restore()
			return nil, fmt.Errorf("rapid flag -%s is not registered (rapid version changed?)", p[0])
		}
		old = append(old, [2]string{p[0], f.Value.String()})
		if err := flag.Set(p[0], p[1]); err != nil {
			restore()
			return nil, fmt.Errorf("set -%s: %w", p[0], err)
		}
	}
	return restore, nil
}
