// Package workflows holds the Temporal workflows of Temper: the entity
// workflow (one long-running workflow per entity, whose update and signal
// handlers run the spec's transition table), the deploy workflow and the
// evolution workflow. Workflow code never touches the network or the clock.
package workflows
