package wasm

import (
	"context"
	"encoding/json"
	"fmt"
)

// A module is added once (by its content hash) and called with a budget;
// the output becomes the on_success action's parameters, a failure the
// on_failure action's. (The module here is assembled by hand; real ones
// are built with the guest SDK.)
func ExampleRuntime_Call() {
	ctx := context.Background()
	rt, err := New(ctx, Config{})
	if err != nil {
		panic(err)
	}
	defer func() { _ = rt.Close(ctx) }()
	hash, err := rt.Add(ctx, tinyModule(1, `{"ok":{"related":["k2","k7"]}}`, 0))
	if err != nil {
		panic(err)
	}
	res, err := rt.Call(ctx, Call{
		Module: hash,
		Tenant: "knowledge",
		Input:  json.RawMessage(`{"entity_id":"k1","fields":{"content":"graph databases"}}`),
		Budget: Budget{MemoryPages: 64},
	})
	fmt.Println(string(res.Output), err)
	// Output: {"related":["k2","k7"]} <nil>
}

// The caller branches on the failure's kind: on_failure for a failure of
// the module, a retry for what may pass next time, and the platform's
// errors left to the activity.
func ExampleAsFailure() {
	err := fmt.Errorf("run semantic_search: %w", &Failure{Kind: KindDenied, Host: "search.example.org", DecisionID: "dec-42", Message: "no permit"})
	if f, ok := AsFailure(err); ok {
		fmt.Println(f.Kind, f.DecisionID, f.Retryable())
	}
	// Output: denied dec-42 false
}
