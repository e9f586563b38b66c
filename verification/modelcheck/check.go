package modelcheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/report"
)

// Check model-checks every entity type of b and returns the L1 result:
// failed when a reachable state breaks an invariant, a required liveness
// property or deadlock freedom fails, or an integration callback is not
// enabled where its result arrives. Stats carry states, transitions and
// states_per_sec. It returns ctx's error if ctx ends first.
func Check(ctx context.Context, b *specengine.Bundle, opts Options) (*report.Result, error) {
	start := time.Now()
	r := &report.Result{Level: report.L1, Passed: true}
	var sum tally
	var explore time.Duration
	for _, t := range b.TableList {
		g, err := Explore(ctx, t, nil, opts)
		if err != nil {
			return nil, err
		}
		explore += g.Duration
		fs, tl := g.analyze()
		for _, f := range fs {
			if f.Severity == report.Error {
				r.Fail(f)
			} else {
				r.Warn(f)
			}
		}
		sum.states += tl.states
		sum.transitions += tl.transitions
		sum.invariants += tl.invariants
		sum.invFailed += tl.invFailed
		sum.deadlocks += tl.deadlocks
		sum.deadlockErrors += tl.deadlockErrors
		sum.liveness += tl.liveness
		sum.livenessFailed += tl.livenessFailed
		sum.truncated = sum.truncated || tl.truncated
	}
	r.Summary = sum.String()
	r.Stats = map[string]float64{
		"states":      float64(sum.states),
		"transitions": float64(sum.transitions),
	}
	if s := explore.Seconds(); s > 0 {
		r.Stats["states_per_sec"] = float64(sum.states) / s
	}
	r.Duration = time.Since(start)
	return r, nil
}

// String is the summary line, e.g. "1,234 states, 5,678 transitions,
// 3 invariants hold, no deadlock, 1 liveness property holds".
func (s tally) String() string {
	parts := []string{
		commas(s.states) + " states",
		commas(s.transitions) + " transitions",
	}
	switch {
	case s.invariants == 0:
		parts = append(parts, "no invariants")
	case s.invFailed == 0:
		parts = append(parts, plural(s.invariants, "invariant holds", "invariants hold"))
	default:
		parts = append(parts, fmt.Sprintf("%d of %d invariants violated", s.invFailed, s.invariants))
	}
	switch {
	case s.deadlocks == 0:
		parts = append(parts, "no deadlock")
	case s.deadlockErrors == 0:
		parts = append(parts, plural(s.deadlocks, "deadlock (warning)", "deadlocks (warnings)"))
	default:
		parts = append(parts, plural(s.deadlocks, "deadlock", "deadlocks"))
	}
	switch {
	case s.liveness == 0:
		parts = append(parts, "no liveness properties")
	case s.livenessFailed == 0:
		parts = append(parts, plural(s.liveness, "liveness property holds", "liveness properties hold"))
	default:
		parts = append(parts, fmt.Sprintf("%d of %d liveness properties fail", s.livenessFailed, s.liveness))
	}
	if s.truncated {
		parts = append(parts, "truncated")
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// commas renders n with thousands separators.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + commas(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
