// Package diag holds the positions and diagnostics that every reader of the
// spec engine reports: the IOA TOML reader, the predicate and effect parsers
// and the CSDL reader. A diagnostic names file:line:column so an agent or a
// human can go straight to the offending text, and it is either an error
// (the bundle does not load) or a warning (it loads, with a lint note).
package diag
