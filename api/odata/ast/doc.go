// Package ast is the syntax tree of OData v4 resource paths and query
// options: what the URL parser produces, what the gateway checks against
// the data model, and what the store translates into parameterized SQL.
// Nothing in it holds text that reaches SQL: literals carry typed values.
package ast
