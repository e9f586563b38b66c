package sim

import (
	"io"
	"runtime"
	"strings"

	"github.com/temperhq/temper/verification/domain"
)

// Fault is one kind of injected fault.
type Fault uint8

// The faults the simulator injects. Swarm testing enables a random subset of
// them per seed.
const (
	// FaultDelay holds messages back long enough to reorder them.
	FaultDelay Fault = iota
	// FaultDrop loses a request or its response; the actor retries with
	// the same update id.
	FaultDrop
	// FaultDup delivers a message twice.
	FaultDup
	// FaultCrash stops an entity's worker; the restarted worker rebuilds
	// the entity from its event log.
	FaultCrash
	// FaultIntegration makes integrations fail or time out, so their
	// on_failure callbacks run.
	FaultIntegration
	// FaultTimer fires schedule(...) and state-timeout timers late.
	FaultTimer
	numFaults
)

var faultNames = [numFaults]string{"delay", "drop", "dup", "crash", "integration", "timer"}

// String names the fault as the summary does.
func (f Fault) String() string {
	if f < numFaults {
		return faultNames[f]
	}
	return "fault?"
}

// FaultSet is a set of faults.
type FaultSet uint8

// AllFaults holds every fault.
const AllFaults = FaultSet(1<<numFaults - 1)

// NoFaults is the empty set for Options.Faults, where zero means all.
const NoFaults = FaultSet(1 << numFaults)

// Has reports whether f is in the set.
func (s FaultSet) Has(f Fault) bool { return s&(1<<f) != 0 }

// With returns the set with f added.
func (s FaultSet) With(f Fault) FaultSet { return s | 1<<f }

// String lists the faults in the set, or "none".
func (s FaultSet) String() string {
	var parts []string
	for f := Fault(0); f < numFaults; f++ {
		if s.Has(f) {
			parts = append(parts, f.String())
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// Options tune a simulation. The zero value is a sensible default.
type Options struct {
	// Seeds is the number of runs; default 200.
	Seeds int
	// Seed is the first run's seed; run i uses Seed+i. Default 1.
	Seed uint64
	// Steps is the number of actor steps (requests sent) per run before
	// the fault-free tail; default 500.
	Steps int
	// Actors is the number of concurrent actors; default 3.
	Actors int
	// Entities is the number of entities created per entity type at the
	// start of a run; default 3.
	Entities int
	// TailSteps bounds the driver's requests per liveness obligation in the
	// fault-free tail; default 64.
	TailSteps int
	// Faults are the faults swarm testing draws from; 0 means all,
	// NoFaults none.
	Faults FaultSet
	// NoSwarm enables every fault and action in every run instead of a
	// random subset per seed.
	NoSwarm bool
	// SelfCheck is how many seeds run twice to check that a seed gives the
	// same run (every failing seed is rerun as well); default 8, -1 for
	// none.
	SelfCheck int
	// Workers run seeds in parallel; default GOMAXPROCS. Results do not
	// depend on it.
	Workers int
	// Domain bounds the parameter values and initial states.
	Domain domain.Options
	// Trace, when set, receives one line per event of the runs Replay
	// makes (Check ignores it).
	Trace io.Writer
}

// DefaultSeed is the first seed when Options.Seed is zero.
const DefaultSeed = 1

func (o Options) withDefaults() Options {
	if o.Seeds <= 0 {
		o.Seeds = 200
	}
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Steps <= 0 {
		o.Steps = 500
	}
	if o.Actors <= 0 {
		o.Actors = 3
	}
	if o.Entities <= 0 {
		o.Entities = 3
	}
	if o.TailSteps <= 0 {
		o.TailSteps = 64
	}
	if o.Faults == 0 {
		o.Faults = AllFaults
	}
	if o.SelfCheck == 0 {
		o.SelfCheck = 8
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}
