package devserver_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// Two tests run this binary again as a child process: the restart test
	// (so its second server really reopens the file) and the leak test.
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(runChild(path))
	}
	if os.Getenv(leakEnv) != "" {
		os.Exit(leakChild(os.Stdout))
	}
	goleak.VerifyTestMain(m, serverLeaks()...)
}

// serverLeaks are the kinds of goroutine that outlive Stop by the Temporal
// server's and ui-server's own design (see Server.Stop): the SQLite pool's
// database/sql opener; the SDK workers the server's worker service starts
// for its scanner and parent-close-policy processor and never stops; the
// gRPC client connections the server and the UI open between services and
// never close. goleak only sees a goroutine's own stack, so these filters
// are by kind; TestStopLeavesOnlyServerGoroutines attributes every
// survivor to the code that started it and fails on any of ours.
func serverLeaks() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"),
		goleak.IgnoreTopFunction("go.temporal.io/sdk/internal.(*sharedNamespaceWorker).run"),
		goleak.IgnoreTopFunction("go.temporal.io/sdk/internal.(*localActivityTunnel).getTask"),
		goleak.IgnoreTopFunction("go.temporal.io/sdk/internal.(*baseWorker).runTaskDispatcher"),
		goleak.IgnoreTopFunction("go.temporal.io/sdk/internal.(*baseWorker).runEagerTaskDispatcher"),
		goleak.IgnoreTopFunction("go.temporal.io/sdk/internal/common/backoff.(*ConcurrentRetrier).throttleInternal"),
		goleak.IgnoreAnyFunction("go.temporal.io/sdk/internal.(*baseWorker).Start.func2"),
		goleak.IgnoreTopFunction("google.golang.org/grpc.(*addrConn).resetTransportAndUnlock"),
		goleak.IgnoreTopFunction("google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run"),
	}
}
