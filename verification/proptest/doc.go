// Package proptest is level L3 of the verification cascade: property tests
// with pgregory.net/rapid. Each check starts an entity in one of the
// domain's initial states and runs a random sequence of enabled actions with
// random parameters through the real transition table, checking every
// invariant (and that Apply let no field-invariant breach through) after
// every step. A failing sequence is shrunk by rapid and then cut to the
// shortest sequence that fails the same way, so the counterexample a spec
// author reads is minimal. Runs are reproducible from Options.Seed. rapid is
// driven through its rapid.TB interface by a recorder, so L3 runs inside the
// cascade in any program, not only under go test.
package proptest
