// Package setcache is the entity-set catalog logic the backends share: a
// set's temper_sets row decoded into its table and typed columns, the
// per-process cache of those entries, and the choice of new typed columns
// when a set's schema grows. How a row is read and how DDL runs differ per
// dialect and stay in store/sqlite and store/postgres, passed in as
// functions.
package setcache
