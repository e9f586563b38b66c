// Package integration runs an entity's [[integration]] (or wasm trigger)
// module as the entity workflow's activity: it finds the app's module by
// name in the store, calls it in the pooled WASM runtime
// (activities/wasm) with the budget the spec declares, the app's secrets
// and a Cedar check of every HTTP request (action http_call on
// HttpEndpoint::"<host>", as Service::"integration": a missing permit
// opens a pending decision, a forbid is final), and turns the outcome
// into the module's output or a typed failure the workflow hands to the
// on_failure action. Transient failures (network errors, 5xx answers,
// timeouts) are returned as retryable so the workflow's retry policy
// applies; the others end the call at once.
package integration
