// Package specengine is the one semantics of Temper.
//
// It reads a bundle (IOA TOML specs, a CSDL data model and Cedar policy
// files), cross-checks the parts, and compiles each spec into a Table: the
// transition table whose Apply is the single entry point that the entity
// workflow and every verification level call. An entity is its status, its
// typed state variables and its other data-model fields; Apply checks the
// from-state, the parameters and the guard, runs the effects, merges
// parameters into fields, checks field invariants and returns the next state
// with what the transition asks of the runtime (timers, spawns, triggers,
// integrations). The package does no I/O and imports nothing of Temporal.
package specengine
