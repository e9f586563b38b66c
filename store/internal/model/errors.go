package model

import (
	"errors"
	"fmt"
)

// Sentinel errors, translated once where backend errors enter.
var (
	// ErrNotFound: no such entity (or row).
	ErrNotFound = errors.New("not found")
	// ErrConflict: a write collided with existing data (a unique key).
	ErrConflict = errors.New("conflict")
)

// QueryError is a query the store understands but refuses: an unknown
// property, a type mismatch, a malformed skip token. The gateway answers
// 400.
type QueryError struct {
	// Offset is the byte offset in the query option, -1 if unknown.
	Offset int
	Msg    string
}

func (e *QueryError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("invalid query at %d: %s", e.Offset, e.Msg)
	}
	return "invalid query: " + e.Msg
}

// UnsupportedError is a valid OData construct the store does not
// implement. The gateway answers 501.
type UnsupportedError struct {
	Offset int
	// What names the construct, e.g. "the has operator".
	What string
}

func (e *UnsupportedError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("not implemented at %d: %s", e.Offset, e.What)
	}
	return "not implemented: " + e.What
}
