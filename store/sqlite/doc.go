// Package sqlite is the embedded store backend on modernc.org/sqlite (pure
// Go, no cgo): one database file (by default .temper/temper.db) in WAL
// mode with a busy timeout, one writer connection (SQLite serializes
// writers anyway; one connection turns lock contention into a queue) and a
// small pool of read-only connections that read concurrently with it.
//
// Each entity set has its own table, temper_p<id>, holding the projection
// as a JSON document plus one VIRTUAL generated column per primitive
// property of the set's schema (EnsureSet adds them), each indexed twice:
// (column, key) and (status, column, key). Writers only write the
// document, so a writer never needs to know the set's current columns.
// Date/time values are normalized text computed by Go functions the
// package registers (temper_date, temper_datetime, temper_time), and
// matchespattern runs Go's RE2 through temper_regexp; a database written
// here needs those functions to be written by another SQLite client.
package sqlite
