package verification

import (
	"context"
	"fmt"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/modelcheck"
	"github.com/temperhq/temper/verification/proptest"
	"github.com/temperhq/temper/verification/report"
	"github.com/temperhq/temper/verification/sim"
	"github.com/temperhq/temper/verification/smt"
)

// Options configure the cascade; the zero value runs every level with its
// defaults.
type Options struct {
	// Levels to run; empty means all four plus the cross-entity check.
	Levels []report.Level
	// Seed makes L2 and L3 reproducible; 0 picks the default seed.
	Seed uint64
	// DumpSMT, when set, is a directory that receives every L0 query as
	// SMT-LIB2 text.
	DumpSMT    string
	SMT        smt.Options
	ModelCheck modelcheck.Options
	Sim        sim.Options
	PropTest   proptest.Options
}

func (o Options) wants(l report.Level) bool {
	if len(o.Levels) == 0 {
		return true
	}
	for _, x := range o.Levels {
		if x == l {
			return true
		}
	}
	return false
}

// Run verifies a loaded bundle through the cascade: L0 SMT, L1 model
// checking, L2 simulation, L3 property tests, and the cross-entity check. A
// bundle passes only if every level that ran passed. An error means the
// cascade could not run (a cancelled context, a solver that failed), not
// that the spec is wrong.
func Run(ctx context.Context, b *specengine.Bundle, opts Options) (*report.Report, error) {
	start := time.Now()
	rep := &report.Report{Bundle: b.Hash, Passed: true}
	smtOpts := opts.SMT
	if opts.DumpSMT != "" {
		smtOpts.DumpDir = opts.DumpSMT
	}
	simOpts, propOpts := opts.Sim, opts.PropTest
	if opts.Seed != 0 {
		simOpts.Seed, propOpts.Seed = opts.Seed, opts.Seed
	}
	levels := []struct {
		level report.Level
		run   func() (*report.Result, error)
	}{
		{report.L0, func() (*report.Result, error) { return smt.Check(ctx, b, smtOpts) }},
		{report.L1, func() (*report.Result, error) { return modelcheck.Check(ctx, b, opts.ModelCheck) }},
		{report.L2, func() (*report.Result, error) { return sim.Check(ctx, b, simOpts) }},
		{report.L3, func() (*report.Result, error) { return proptest.Check(ctx, b, propOpts) }},
		{report.Cross, func() (*report.Result, error) { return crossCheck(b), nil }},
	}
	for _, l := range levels {
		if !opts.wants(l.level) {
			continue
		}
		t0 := time.Now()
		res, err := l.run()
		if err != nil {
			return rep, fmt.Errorf("verify %s: %w", l.level.Title(), err)
		}
		if res.Duration == 0 {
			res.Duration = time.Since(t0)
		}
		rep.Levels = append(rep.Levels, res)
		if !res.Passed && res.Skipped == "" {
			rep.Passed = false
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// Version names the verifier's semantics. A spec version verified by an
// earlier verifier is verified again before it is re-activated
// (rollback); change it whenever a level starts to accept or refuse
// differently.
const Version = "temper-verifier/1"
