// Package verification runs the four-level cascade over a compiled spec:
// L0 SMT with Z3, L1 explicit-state model checking, L2 deterministic
// simulation and L3 property tests. Every level calls the transition table of
// package specengine; it keeps no second copy of the semantics.
package verification
