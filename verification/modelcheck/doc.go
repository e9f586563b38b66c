// Package modelcheck is L1 of the verification cascade: an explicit-state
// model checker that explores, breadth first, every state an entity can
// reach within the finite abstraction of package domain, by calling the
// transition table's own Apply on every action and every parameter
// instantiation, from one initial state per combination of free inputs.
// States are packed into a few machine words (status plus an interned code
// per variable; variables no predicate or effect reads are kept beside the
// key, not in it), stored once in an open-addressing set, and linked to
// their BFS parent by an int32, so the first violation found has the
// shortest trace. It checks every invariant in every reachable state,
// deadlocks, declared liveness, dead transitions and whether integration
// callbacks are enabled where their results arrive; every counterexample
// replays through Apply (see Replay).
//
// Choices a reader may question: liveness is decided under weak fairness
// (an action enabled in every state of a cycle must be taken in it), with
// strongly connected components found by an iterative Tarjan, because
// without fairness any self-loop beside an exit would violate every
// "eventually"; implicit integration callbacks count neither as enabled
// actions for deadlocks nor as steps of a liveness cycle, as they arrive
// only once an integration ran; versions are not tracked (each state is
// expanded at version 0), so generated spawn ids stay finite; states
// beyond a bound are checked against the invariants but not expanded, and
// reported as a truncation.
package modelcheck
