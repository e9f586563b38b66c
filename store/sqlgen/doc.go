// Package sqlgen translates OData query syntax trees ($filter, $orderby,
// $search, paging) into parameterized SQL for the store's backends.
//
// Nothing from a request becomes SQL text: property names are looked up
// in the entity set's schema and replaced by the column (or JSON path
// parameter) the store's catalog assigned, lambda variables become
// generated aliases, and every literal, search term and cursor value is a
// bind parameter. What differs between SQLite and PostgreSQL (placeholder
// style, function spellings, collation, JSON access, null ordering) sits
// behind the Dialect seam; the translation itself, its type checking and
// its OData semantics (two-valued logic under not, null-safe eq and ne,
// integer div and decimal divby, division by zero as null) are shared, so
// both backends return the same rows for the same tree.
package sqlgen
