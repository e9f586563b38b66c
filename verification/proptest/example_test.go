package proptest_test

import (
	"context"
	"fmt"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/proptest"
)

// L3 shrinks a failing sequence to the shortest counterexample: three Incs
// break n <= 2, whatever else the random sequence did.
func ExampleCheck() {
	b, err := specengine.Load(map[string][]byte{"Counter.ioa.toml": []byte(`
[automaton]
name = "Counter"
states = ["Open", "Closed"]
initial = "Open"
terminal = ["Closed"]

[[state]]
name = "n"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
effect = "n += 1"

[[action]]
name = "Dec"
from = ["Open"]
effect = "n -= 1"

[[action]]
name = "Close"
from = ["Open"]
to = "Closed"

[[invariant]]
name = "AtMostTwo"
assert = "n <= 2"
`)})
	if err != nil {
		panic(err)
	}
	r, err := proptest.Check(context.Background(), b, proptest.Options{Seed: 7})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Summary)
	f := r.Findings[0]
	fmt.Println(f.Msg)
	for _, s := range f.Trace {
		act := s.Action
		if act == "" {
			act = "create"
		}
		fmt.Println(act, s.State["n"])
	}
	// Output:
	// 200 checks × ≤50 steps per entity type (1 entity type), seed 7; 1 failure
	// invariant AtMostTwo violated after 3 steps: n <= 2
	// create 0
	// Inc 1
	// Inc 2
	// Inc 3
}
