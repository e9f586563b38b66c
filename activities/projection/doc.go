// Package projection is the after-commit hook that keeps the store's read
// side current: for every committed transition it writes the entity's
// projection and appends the transition to its transitions, in one store
// transaction. The entity workflow runs it as a local activity before an
// action returns, so a list right after an action sees it
// (read-your-writes). It is idempotent: the projection only moves forward
// by version and a transition record exists once per (entity, version),
// so retries and replays write nothing twice.
package projection
