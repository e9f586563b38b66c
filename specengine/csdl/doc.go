// Package csdl reads, checks and writes OData CSDL XML (versions 4.0 and
// 4.01): the data model of a Temper bundle. Parse turns a model.csdl.xml into
// a Model, reporting every problem as a positioned diagnostic — elements and
// attributes CSDL does not define (with the name most likely meant), types,
// keys, bindings and constraints that do not resolve, duplicate names — so an
// agent can fix its spec in one pass. The rest of the spec engine asks the
// Model which entity sets hold an entity type, which actions are bound to it
// and what a type name resolves to; the gateway serves Marshal's canonical
// output as $metadata, and bundles that ship no CSDL get one derived in code
// as plain struct literals and written the same way.
//
// Like the rest of the spec engine the package does no I/O and keeps no
// global state. Annotation expressions are kept as a small generic tree, so
// vocabularies the engine does not interpret survive a parse and a write.
package csdl
