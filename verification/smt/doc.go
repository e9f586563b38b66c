// Package smt is L0 of the verification cascade: it encodes a compiled
// transition table (specengine.Table) symbolically and asks Z3 whether every
// action's guard can hold in some from-state (an action that can never run is
// dead), which declared states the status graph cannot reach, whether an
// initial state can break an invariant, and whether each invariant is
// preserved by each action (induction: a counterexample is a warning, since
// only L1 knows whether its pre-state is reachable). The encoding follows
// specengine/expr's evaluator rule by rule — null is a value of every type,
// strings are Z3 byte strings, lists are abstracted by length and the counts
// of the literals the spec tests — and every counterexample is replayed with
// Table.Apply, the single semantics, before it is reported as certain. Z3 is
// reached through a small cgo binding (Debian's libz3-dev): one
// reference-counted context per run, owned by one goroutine, an error handler
// that turns Z3 errors into Go errors, and a resource limit per query so that
// answers do not depend on machine speed. Each query is an SMT-LIB2 text that
// Z3 parses as is; Options.DumpDir writes them out.
package smt
