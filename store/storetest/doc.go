// Package storetest is the conformance suite every store backend runs:
// migrations, projections (idempotent by version, never backwards, also
// under concurrent writers), transitions, the governance records
// (principals, policies, decisions deduplicated and approved atomically
// under concurrent callers, trajectories filtered and paged), spec
// versions and deploys, modules (bytes stored per hash and deleted with
// their last name, also under concurrent writers) and secrets, and one
// table of filters, orderings, searches and pages with the keys each must
// return, run on both layouts a set can have (typed columns after
// EnsureSet, the JSON document before). A behaviour change lands here
// first; store/sqlite and store/postgres call Run, and Bench for the
// tracked figures.
package storetest
