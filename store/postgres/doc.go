// Package postgres is the production store backend on PostgreSQL through
// pgx/v5 (a pgxpool, statements cached per connection). It lays data out
// like the SQLite backend: a catalog of entity sets, one table per set
// (temper_p<id>) holding the projection as jsonb plus one STORED generated
// column per primitive property (EnsureSet adds them, with the indexes
// (column NULLS FIRST, key) and (status, column NULLS FIRST, key), which
// serve OData's null order in both directions). Text columns use the C
// collation so strings compare by code point, as in SQLite.
//
// Migrations and catalog changes take a transaction-scoped advisory lock,
// so concurrent starts and deploys are safe. The schema is the
// connection's current schema: a DSN may pick one with search_path (the
// tests create one per run).
package postgres
