// Package deploy is the verify-then-deploy pipeline as a Temporal
// workflow: parse → L0 → L1 → L2 → L3 → cross-entity check → stranding
// check against live entities → shadow replay of recorded sequences →
// activate. Each step is an activity (activities/deploy) with a timeout
// and heartbeats, so a hung verifier fails the deploy instead of wedging
// it; each step's result is visible while the workflow runs (the
// "progress" query), and the final result carries the cascade's report.
// A failing step never activates anything: the previous version keeps
// serving.
package deploy
