package sqlite_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The store starts connection goroutines; Close must end them all.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
