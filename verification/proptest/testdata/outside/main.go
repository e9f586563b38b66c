// Command outside runs L3 in an ordinary program, outside go test, with
// its own command line: the harness must not need the test runner.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/proptest"
)

const counter = `
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
`

func main() {
	fs := flag.NewFlagSet("outside", flag.ContinueOnError)
	seed := fs.Uint64("seed", 3, "L3 seed")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	b, err := specengine.Load(map[string][]byte{"c.ioa.toml": []byte(counter)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := proptest.Check(context.Background(), b, proptest.Options{Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(r.Summary)
	for _, f := range r.Findings {
		fmt.Println(f.Msg)
	}
	if _, err := os.Stat("testdata/rapid"); err == nil {
		fmt.Println("rapid wrote a fail file")
	}
}
