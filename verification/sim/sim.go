package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/report"
)

// Run is one simulated run, fully determined by its seed and the options.
type Run struct {
	// Seed is the run's seed.
	Seed uint64
	// Faults and Actions are what swarm testing enabled for this seed
	// (actions as Entity.Action).
	Faults  FaultSet
	Actions []string
	// Digest is a hash of every event of the run in order: the same seed
	// gives the same digest.
	Digest uint64
	// Counters: events handled, transitions applied, requests rejected,
	// duplicates recognized by update id, messages lost and duplicated by
	// the network, worker crashes, timers armed, integrations started,
	// entities created, liveness obligations driven.
	Events, Transitions, Rejected, Deduplicated int
	Dropped, Duplicated, Crashes, Timers        int
	Integrations, Entities, LivenessChecks      int
	// VirtualTime is the simulated time the run covered.
	VirtualTime time.Duration
	// Findings are the run's failure (at most one error: a run stops at
	// its first) and warnings.
	Findings []report.Finding
}

// Failed reports whether the run found an error.
func (r *Run) Failed() bool {
	for _, f := range r.Findings {
		if f.Severity == report.Error {
			return true
		}
	}
	return false
}

// ErrNoBundle is returned for a nil bundle.
var ErrNoBundle = errors.New("sim: no bundle")

// Replay reproduces the run of one seed exactly, as Check made it with the
// same options; Options.Trace, when set, receives the run's events.
func Replay(ctx context.Context, b *specengine.Bundle, seed uint64, opts Options) (*Run, error) {
	if b == nil {
		return nil, ErrNoBundle
	}
	o := opts.withDefaults()
	return runSeed(ctx, newModel(b, o.Domain), o, seed, opts.Trace)
}

func runSeed(ctx context.Context, m *model, o Options, seed uint64, trace io.Writer) (*Run, error) {
	w := newWorld(ctx, m, o, seed, trace)
	if err := w.simulate(); err != nil {
		return nil, err
	}
	w.run.Digest = uint64(w.h)
	w.run.VirtualTime = time.Duration(w.now) * time.Millisecond
	return w.run, nil
}

// Check runs level L2 over a bundle: Options.Seeds seeded runs of the
// simulator, each with its own subset of faults and actions. A run fails on
// an invariant violation in any state, a field-invariant breach Apply let
// through, a rebuilt entity that differs from the one before the crash, an
// update applied twice, an integration callback the entity rejects, or a
// liveness property the driver cannot bring about in the fault-free tail.
// Findings are grouped across seeds; each keeps the seed (and trace) of its
// shortest occurrence. Some seeds, and every failing one, run twice: a
// different digest is a nondeterminism failure.
func Check(ctx context.Context, b *specengine.Bundle, opts Options) (*report.Result, error) {
	if b == nil {
		return nil, ErrNoBundle
	}
	start := time.Now()
	o := opts.withDefaults()
	m := newModel(b, o.Domain)
	runs := make([]*Run, o.Seeds)
	if err := parallel(ctx, o.Workers, o.Seeds, func(i int) error {
		r, err := runSeed(ctx, m, o, o.Seed+uint64(i), nil)
		runs[i] = r
		return err
	}); err != nil {
		return nil, err
	}

	r := &report.Result{Level: report.L2, Passed: true}
	type group struct {
		f     report.Finding
		count int
	}
	var groups []*group
	byKey := map[string]*group{}
	failing := 0
	var tot Run
	for _, run := range runs {
		if run.Failed() {
			failing++
		}
		tot.Events += run.Events
		tot.Transitions += run.Transitions
		tot.Rejected += run.Rejected
		tot.Deduplicated += run.Deduplicated
		tot.Dropped += run.Dropped
		tot.Duplicated += run.Duplicated
		tot.Crashes += run.Crashes
		tot.Timers += run.Timers
		tot.Integrations += run.Integrations
		tot.LivenessChecks += run.LivenessChecks
		for _, f := range run.Findings {
			key := groupKey(&f)
			g := byKey[key]
			if g == nil {
				g = &group{f: f}
				byKey[key] = g
				groups = append(groups, g)
			} else if len(f.Trace) < len(g.f.Trace) {
				g.f = f
			}
			g.count++
		}
	}

	// The self-check: evenly spaced seeds and the seed of every error run
	// again and must give the same digest.
	var recheck []int
	if o.SelfCheck > 0 {
		n := min(o.SelfCheck, o.Seeds)
		for k := 0; k < n; k++ {
			recheck = append(recheck, k*o.Seeds/n)
		}
	}
	for _, g := range groups {
		if g.f.Severity == report.Error && o.SelfCheck >= 0 {
			recheck = append(recheck, int(*g.f.Seed-o.Seed))
		}
	}
	again := make([]*Run, len(recheck))
	if err := parallel(ctx, o.Workers, len(recheck), func(k int) error {
		run, err := runSeed(ctx, m, o, o.Seed+uint64(recheck[k]), nil)
		again[k] = run
		return err
	}); err != nil {
		return nil, err
	}
	for k, i := range recheck {
		a, b := runs[i], again[k]
		if a.Digest != b.Digest || a.Events != b.Events || len(a.Findings) != len(b.Findings) {
			seed := a.Seed
			r.Fail(report.Finding{Kind: report.Nondeterminism, Seed: &seed,
				Msg: fmt.Sprintf("seed %d gave two different runs (digest %016x, %d events vs %016x, %d events)", seed, a.Digest, a.Events, b.Digest, b.Events)})
		}
	}

	for _, g := range groups {
		f := g.f
		if g.count > 1 {
			f.Msg += fmt.Sprintf(" [in %d of %d seeds]", g.count, o.Seeds)
		}
		if f.Severity == report.Error {
			r.Fail(f)
		} else {
			r.Warn(f)
		}
	}
	dur := time.Since(start)
	r.Duration = dur
	failures := fmt.Sprintf("%d failures", failing)
	if failing == 1 {
		failures = "1 failure"
	}
	r.Summary = fmt.Sprintf("%d seeds × %d steps, %d actors, %d entities per type, faults: %s; %s",
		o.Seeds, o.Steps, o.Actors, o.Entities, m.faultsUsed(o.Faults), failures)
	r.Stats = map[string]float64{
		"seeds":           float64(o.Seeds),
		"failing_seeds":   float64(failing),
		"events":          float64(tot.Events),
		"transitions":     float64(tot.Transitions),
		"rejected":        float64(tot.Rejected),
		"deduplicated":    float64(tot.Deduplicated),
		"dropped":         float64(tot.Dropped),
		"duplicated":      float64(tot.Duplicated),
		"crashes":         float64(tot.Crashes),
		"timers":          float64(tot.Timers),
		"integrations":    float64(tot.Integrations),
		"liveness_checks": float64(tot.LivenessChecks),
		"self_checks":     float64(len(recheck)),
	}
	if s := dur.Seconds(); s > 0 {
		r.Stats["events_per_sec"] = float64(tot.Events) / s
	}
	return r, nil
}

// groupKey says which findings of different seeds are one finding: an
// error by its property (an invariant is broken wherever it is broken), or
// by the action for errors without one (a callback rejected in several
// states); a warning by its state as well.
func groupKey(f *report.Finding) string {
	k := string(f.Severity) + "\x00" + f.Kind + "\x00" + f.Entity + "\x00" + f.Invariant
	if f.Invariant == "" {
		k += "\x00" + f.Action
	}
	if f.Severity == report.Warning {
		k += "\x00" + f.State
	}
	return k
}

// parallel runs f(0..n-1) on up to workers goroutines and returns the
// first error; the results do not depend on the scheduling because each f
// writes only its own slot.
func parallel(ctx context.Context, workers, n int, f func(i int) error) error {
	if n == 0 {
		return nil
	}
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(i); err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.Join(errs...)
}
