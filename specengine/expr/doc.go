// Package expr is the one predicate and effect language of Temper specs.
//
// Guards, invariants, field invariants and trigger guards are predicates;
// action effects are statements. Both are parsed here into an AST with
// positions, type-checked against a Scope (the spec's states, typed
// variables, fields and action parameters) and compiled into a small tree of
// typed nodes that evaluates over a Frame without allocating. The runtime and
// every verification level evaluate the same compiled nodes, so there is one
// semantics. Package expr does no I/O and keeps no global state.
package expr
