// Package ioa reads I/O-automaton specs (*.ioa.toml) into a positioned AST.
//
// The reader is strict: an unknown table or key is an error naming
// file:line:column and the nearest valid key, and every value has its type
// checked. It accepts the current grammar of the original Temper project and
// its early forms (string clauses such as "increment x", effect tables,
// invariants scoped with when, [[integration]] blocks), rewriting early forms
// into the current grammar with a lint warning. Expressions are kept as
// source text with positions; package specengine type-checks and compiles
// them against the whole bundle.
package ioa
