package devserver_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/temperhq/temper/dev/devserver"
)

// leakEnv makes the test binary run leakChild instead of the tests.
const leakEnv = "TEMPER_DEVSERVER_TEST_LEAK_CHILD"

// leakChild runs a full cycle (server with UI and HTTP API, a client and a
// worker running a workflow, Stop) and then writes every goroutine still
// alive, with the stacks of the goroutines that created it (the parent
// runs it with GODEBUG=tracebackancestors).
func leakChild(w io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "leak child:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := devserver.Start(ctx, devserver.Options{
		Ephemeral:        true,
		UIPort:           devserver.AnyPort,
		HTTPPort:         devserver.AnyPort,
		SearchAttributes: devserver.DefaultSearchAttributes(),
		LogLevel:         slog.LevelError,
		Logger:           slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		return fail(err)
	}
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddr(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return fail(err)
	}
	wk := worker.New(c, taskQueue, worker.Options{})
	wk.RegisterWorkflow(StatusWorkflow)
	if err := wk.Start(); err != nil {
		return fail(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: taskQueue}, StatusWorkflow, "leak")
	if err != nil {
		return fail(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		return fail(err)
	}
	wk.Stop()
	c.Close()
	if err := s.Stop(); err != nil {
		return fail(err)
	}
	time.Sleep(time.Second) // let exiting goroutines exit
	buf := make([]byte, 64<<20)
	buf = buf[:runtime.Stack(buf, true)]
	if _, err := w.Write(buf); err != nil {
		return fail(err)
	}
	return 0
}

// owners attribute a goroutine to the code that started it: the first
// frame, in its own stack and then in its creators' stacks, that belongs
// to one of these module prefixes. Frames of the standard library, gRPC,
// the SDK, fx and other plumbing are skipped, since they start goroutines
// on someone's behalf.
var owners = []struct{ prefix, name string }{
	{"github.com/temperhq/temper/", "temper"},
	{"go.temporal.io/server/", "temporal server"},
	{"github.com/temporalio/ui-server/", "ui-server"},
}

// TestStopLeavesOnlyServerGoroutines checks Stop's promise precisely:
// whatever outlives it was started by the Temporal server or ui-server
// code, never by this package (or by the test's own client and worker,
// which it stops).
func TestStopLeavesOnlyServerGoroutines(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), leakEnv+"=1", "GODEBUG=tracebackancestors=1000")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("leak child: %v\n%s", err, stderr.String())
	}
	byOwner := map[string]int{}
	tops := map[string]int{}
	for i, g := range strings.Split(string(out), "\n\ngoroutine ") {
		if i == 0 {
			continue // the child's own goroutine, taking the dump
		}
		owner := "unattributed"
	frames:
		for sc := bufio.NewScanner(strings.NewReader(g)); sc.Scan(); {
			line := sc.Text()
			for _, o := range owners {
				if strings.HasPrefix(line, o.prefix) {
					owner = o.name
					break frames
				}
			}
		}
		byOwner[owner]++
		if owner != "temporal server" && owner != "ui-server" {
			t.Errorf("goroutine left after Stop, started by %s:\ngoroutine %s", owner, g)
		}
		if lines := strings.SplitN(g, "\n", 3); len(lines) > 1 {
			top := lines[1]
			if i := strings.LastIndex(top, "("); i > 0 {
				top = top[:i]
			}
			tops[fmt.Sprintf("%-16s %s", owner, top)]++
		}
	}
	t.Logf("goroutines alive after Stop, by starter: %v", byOwner)
	if testing.Verbose() {
		var lines []string
		for top, n := range tops {
			lines = append(lines, fmt.Sprintf("%3d %s", n, top))
		}
		sort.Strings(lines)
		t.Logf("by starter and top frame:\n%s", strings.Join(lines, "\n"))
	}
}
