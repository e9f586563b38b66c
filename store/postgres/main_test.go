package postgres_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The pool starts background goroutines; Close must end them all.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
