package modelcheck_test

import (
	"context"
	"fmt"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/modelcheck"
)

// Model-check a bundled app: an entry created with empty content cannot
// be indexed and stays in Draft, a deadlock the spec does not forbid.
func ExampleCheck() {
	files, err := apps.Files("knowledge")
	if err != nil {
		panic(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		panic(err)
	}
	r, err := modelcheck.Check(context.Background(), b, modelcheck.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Passed, r.Summary)
	for _, f := range r.Findings {
		fmt.Printf("%s %s in %s, created with content %q\n", f.Severity, f.Kind, f.State, f.Trace[0].State["content"])
	}
	// Output:
	// true 9 states, 30 transitions, 1 invariant holds, 1 deadlock (warning), no liveness properties
	// warning deadlock in Draft, created with content ""
}

// Explore a table and print the shortest trace to a state.
func ExampleExplore() {
	b, err := specengine.Load(map[string][]byte{"door/Door.ioa.toml": []byte(`
[automaton]
name = "Door"
states = ["Closed", "Open", "Locked"]
initial = "Closed"

[[action]]
name = "Open"
from = ["Closed"]
to = "Open"

[[action]]
name = "Close"
from = ["Open"]
to = "Closed"

[[action]]
name = "Lock"
from = ["Closed"]
to = "Locked"

[[action]]
name = "Unlock"
from = ["Locked"]
to = "Closed"
`)})
	if err != nil {
		panic(err)
	}
	g, err := modelcheck.Explore(context.Background(), b.Tables["Door"], nil, modelcheck.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Len(), "states,", g.Transitions, "transitions")
	for _, s := range g.Trace(g.Len() - 1) {
		act := s.Action
		if act == "" {
			act = "create"
		}
		fmt.Println(act, "->", s.State["status"])
	}
	// Output:
	// 3 states, 4 transitions
	// create -> Closed
	// Lock -> Locked
}
