// Package reaction delivers entity triggers ([[action.triggers]] kind =
// "entity"): after the source action commits, the entity workflow runs
// React as an activity, which finds (or creates) the target entity,
// authorizes the target action through the Cedar gate as
// Service::"reaction", and sends it as a Workflow Update whose id is
// derived from the source entity, its version and the trigger, so a
// retried delivery applies exactly once. Refusals are final (not
// retried) and recorded by the gate.
package reaction
