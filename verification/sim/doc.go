// Package sim is level L2 of the verification cascade: a deterministic
// discrete-event simulator that runs every entity of a bundle the way the
// Temporal runtime will, against the real transition table. One owned PRNG
// per run, virtual time with a stable tie-break, several actors sending
// actions (enabled or not) through a network that delays, drops and
// duplicates; workers that crash and rebuild an entity by replaying its event
// log through Table.Apply; integrations that fail or time out and so exercise
// on_failure paths; timers (schedule effects and state timeouts) that fire
// late. Each seed enables a random subset of faults and actions (swarm
// testing); after a fault-free tail a driver checks the declared liveness
// properties. A run is fully determined by its seed: every failure carries it
// and Replay reproduces the run exactly, which the level itself checks by
// running seeds twice and comparing a digest of the whole run.
package sim
