package sim_test

import (
	"context"
	"fmt"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/sim"
)

// A spec whose counter may pass its bound fails L2; the finding carries the
// seed that reproduces the run, and Replay runs it again.
func ExampleCheck() {
	b, err := specengine.Load(map[string][]byte{"Counter.ioa.toml": []byte(`
[automaton]
name = "Counter"
states = ["Open"]
initial = "Open"

[[state]]
name = "n"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
effect = "n += 1"

[[invariant]]
name = "AtMostTwo"
assert = "n <= 2"
`)})
	if err != nil {
		panic(err)
	}
	r, err := sim.Check(context.Background(), b, sim.Options{Seeds: 20, Steps: 100})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Passed, r.Summary)
	f := r.Findings[0]
	fmt.Println(f.Kind, f.Invariant, "seed", *f.Seed, "trace", len(f.Trace))

	run, err := sim.Replay(context.Background(), b, *f.Seed, sim.Options{Seeds: 20, Steps: 100})
	if err != nil {
		panic(err)
	}
	fmt.Println(run.Failed(), run.Findings[0].Invariant)
	// Output:
	// false 20 seeds × 100 steps, 3 actors, 3 entities per type, faults: delay drop dup crash; 20 failures
	// invariant-violation AtMostTwo seed 1 trace 4
	// true AtMostTwo
}
