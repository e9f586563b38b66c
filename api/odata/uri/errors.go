package uri

import "fmt"

// SyntaxError is a malformed path or query option. Option names the query
// option as written ("$filter", "@p", "$expand", ...) or is "path" for
// the resource path. Offset is the byte offset of the problem: within the
// percent-decoded value of the option, or within the escaped path; for a
// query string that cannot be split into options, within the raw query
// (Option is then "").
type SyntaxError struct {
	Option string
	Offset int
	Msg    string
}

// Error formats the error as "option: at offset: message".
func (e *SyntaxError) Error() string {
	if e.Option == "" {
		return fmt.Sprintf("at %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: at %d: %s", e.Option, e.Offset, e.Msg)
}

// Limits on input, so that a request cannot make the parser recurse or
// allocate without bound.
const (
	// MaxLength is the longest escaped path or raw query string accepted.
	MaxLength = 64 << 10
	// MaxDepth bounds nesting: parentheses, unary operators, nested
	// $expand/$select options, JSON arrays and objects, $search groups.
	MaxDepth = 64
	// MaxNodes bounds the size of one option's tree after parameter
	// aliases are substituted (aliases may reference aliases).
	MaxNodes = 1 << 14
)
