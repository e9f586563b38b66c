// Package uri parses OData 4.01 request URLs: the escaped resource path
// below a service root (ParsePath) and the raw query string (ParseQuery)
// into the syntax tree of package ast, following the OData ABNF
// construction rules. It works on the escaped text itself, because the
// escaping carries meaning: path segments are split on '/' before
// percent-decoding, so %2F stays inside a key; '+' is a plus sign, not a
// space; query options are split on '&' and '=' before decoding, and a
// percent-encoded ';' inside a nested $search word is part of the word.
// The parser knows no data model: it reports what the syntax tells
// (the first path segment is an entity set, later names are navigation)
// and the gateway re-classifies segments and checks names and types.
// Parameter aliases are substituted where they are referenced. Format,
// FormatQuery and FormatPath print trees back, so that parsing the
// printed form gives the same tree; the gateway uses them for next links.
package uri
