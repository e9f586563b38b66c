package smt_test

import (
	"context"
	"fmt"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/smt"
)

const knowledge = `
[automaton]
name = "Knowledge"
states = ["Draft", "Indexed"]
initial = "Draft"

[[state]]
name = "content"
type = "string"

[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"
guard = "content != ''"

[[action]]
name = "Edit"
from = ["Indexed"]
params = [{ name = "text", type = "string" }]
effect = "content = params.text"

[[invariant]]
name = "IndexRequiresContent"
when = ["Indexed"]
assert = "content != ''"
`

func ExampleCheck() {
	b, err := specengine.Load(map[string][]byte{"Knowledge.ioa.toml": []byte(knowledge)})
	if err != nil {
		panic(err)
	}
	res, err := smt.Check(context.Background(), b, smt.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Passed, res.Summary)
	for _, f := range res.Findings {
		fmt.Println(f.Severity, f.Kind, f.Invariant, f.Action)
		fmt.Println("  params.text =", f.Model["params.text"], " next.content =", f.Model["next.content"])
	}
	// Output:
	// true 2 guards satisfiable, 0 invariants inductive over 2 actions, 0 unreachable states; 1 invariant not inductive
	// warning non-inductive IndexRequiresContent Edit
	//   params.text = ''  next.content = ''
}

func ExampleAnalyze() {
	b, err := specengine.Load(map[string][]byte{"Knowledge.ioa.toml": []byte(knowledge)})
	if err != nil {
		panic(err)
	}
	t := b.Tables["Knowledge"]
	an, err := smt.Analyze(context.Background(), b, t, smt.Options{})
	if err != nil {
		panic(err)
	}
	index, _ := t.Action("Index")
	edit, _ := t.Action("Edit")
	draft, _ := t.StateIndex("Draft")
	fmt.Println("Index can run in Draft:", an.GuardSat[index.Index][draft])
	fmt.Println("dead:", an.Dead(index.Index), "unreachable:", an.Unreachable())
	fmt.Println("counterexample to induction over Index:", an.Inductive[0][index.Index])
	fmt.Println("counterexample to induction over Edit:", an.Inductive[0][edit.Index])
	// Output:
	// Index can run in Draft: sat
	// dead: false unreachable: []
	// counterexample to induction over Index: unsat
	// counterexample to induction over Edit: sat
}
