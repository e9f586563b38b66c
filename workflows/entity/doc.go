// Package entity is the entity workflow: one long-running Temporal workflow
// per entity, whose update, signal and query handlers run the spec's
// transition table (specengine.Table.Apply) and nothing else.
//
// Actions arrive as Workflow Updates: the validator checks the from-state,
// parameters and guard with the table, so a rejected action writes nothing
// to history; the handler applies the transition under a workflow mutex,
// bumps the version (the ETag), runs the after-commit hook as a local
// activity and returns the entity. Signals carry what must not be rejected
// (integration callbacks, reactions, fire-and-forget requests) through the
// same code. Timers (schedule effects and state timeouts) are durable
// workflow timers; the entity continues as new when the server suggests it,
// carrying its state, spec version, recent update ids and due timers.
package entity
