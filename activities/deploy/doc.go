// Package deploy holds the steps of the verify-then-deploy pipeline as
// activities: parse a submitted bundle, run one level of the verification
// cascade (heartbeating, bounded by the workflow's timeout, so a hung
// verifier cannot wedge a deploy), check that no live entity would be
// stranded in a state the new version lacks, replay recently recorded
// action sequences through the new transition table (the shadow check),
// and activate the version in the store. workflows/deploy orders them.
package deploy
