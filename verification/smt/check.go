package smt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/report"
)

// DefaultRlimit is the default resource limit of one query, in Z3's
// resource units: the bundled apps need a few thousand per query.
const DefaultRlimit = 5_000_000

// Options configure L0. The zero value is ready to use.
type Options struct {
	// Rlimit bounds each query's work in Z3's resource units, which do not
	// depend on machine speed (a timeout would); 0 means DefaultRlimit. A
	// query that hits it answers unknown, reported as an UnknownResult
	// warning and never counted as proved.
	Rlimit uint
	// DumpDir, if set, receives every query as an SMT-LIB2 script named
	// <Entity>.<check>.<…>.smt2, with its answer in a closing comment; the
	// script is exactly the text Z3 parsed.
	DumpDir string
}

func (o Options) withDefaults() Options {
	if o.Rlimit == 0 {
		o.Rlimit = DefaultRlimit
	}
	return o
}

// Check runs L0 over every table of b in one Z3 context, on the calling
// goroutine (locked to its OS thread meanwhile). The result fails on an
// error finding: a dead action, an unreachable state, or an invariant an
// initial state breaks (replayed by the table). Non-inductive invariants
// and unknown answers are warnings. Cancelling ctx interrupts Z3 and
// returns ctx's error.
func Check(ctx context.Context, b *specengine.Bundle, opts Options) (*report.Result, error) {
	if b == nil {
		return nil, errors.New("l0: nil bundle")
	}
	start := time.Now()
	s, err := open(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	res := &report.Result{Level: report.L0, Passed: true}
	var c counts
	for _, t := range b.TableList {
		an, err := s.analyze(b, t)
		if err != nil {
			return nil, err
		}
		c.add(an)
		for _, f := range an.Findings {
			if f.Severity == report.Error {
				res.Fail(f)
			} else {
				res.Warn(f)
			}
		}
	}
	res.Summary = c.summary()
	res.Stats = map[string]float64{
		"tables":         float64(len(b.TableList)),
		"queries":        float64(s.stats.queries),
		"sat":            float64(s.stats.sat),
		"unsat":          float64(s.stats.unsat),
		"unknown":        float64(s.stats.unknown),
		"rlimit_used":    float64(s.stats.rlimit),
		"solver_seconds": s.stats.solve.Seconds(),
	}
	res.Duration = time.Since(start)
	return res, nil
}

// counts feed the summary line.
type counts struct {
	actions, guardsSat, dead       int
	invariants, inductive, nonInd  int
	initialViolations, unreachable int
	unknown                        int
}

func (c *counts) add(an *Analysis) {
	t := an.Table
	for ai, a := range t.Actions {
		if a.Event {
			continue
		}
		c.actions++
		sat := false
		for _, v := range an.GuardSat[ai] {
			sat = sat || v == Sat
			if v == Unknown {
				c.unknown++
			}
		}
		if sat {
			c.guardsSat++
		}
		if an.Dead(ai) {
			c.dead++
		}
	}
	c.unreachable += len(an.Unreachable())
	for i := range t.Invariants {
		c.invariants++
		ok := an.Initial[i] == Unsat
		if an.Initial[i] == Sat {
			c.initialViolations++
		}
		if an.Initial[i] == Unknown {
			c.unknown++
		}
		broken := false
		for ai, v := range an.Inductive[i] {
			if t.Actions[ai].Event {
				continue
			}
			ok = ok && v == Unsat
			broken = broken || v == Sat
			if v == Unknown {
				c.unknown++
			}
		}
		if ok {
			c.inductive++
		}
		if broken {
			c.nonInd++
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (c *counts) summary() string {
	s := fmt.Sprintf("%s satisfiable, %s inductive over %s, %s",
		plural(c.guardsSat, "guard", "guards"), plural(c.inductive, "invariant", "invariants"),
		plural(c.actions, "action", "actions"), plural(c.unreachable, "unreachable state", "unreachable states"))
	var more []string
	if c.dead > 0 {
		more = append(more, plural(c.dead, "dead action", "dead actions"))
	}
	if c.initialViolations > 0 {
		more = append(more, plural(c.initialViolations, "invariant broken initially", "invariants broken initially"))
	}
	if c.nonInd > 0 {
		more = append(more, plural(c.nonInd, "invariant not inductive", "invariants not inductive"))
	}
	if c.unknown > 0 {
		more = append(more, plural(c.unknown, "query unknown", "queries unknown"))
	}
	if len(more) > 0 {
		s += "; " + strings.Join(more, ", ")
	}
	return s
}
