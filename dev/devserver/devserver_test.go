package devserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/temperhq/temper/dev/devserver"
)

const taskQueue = "devserver-test"

var statusKey = temporal.NewSearchAttributeKeyKeyword(devserver.SearchAttributeStatus)

// StatusWorkflow upserts TemperStatus, like the entity workflow does, and
// returns it.
func StatusWorkflow(ctx workflow.Context, status string) (string, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, statusKey.ValueSet(status)); err != nil {
		return "", err
	}
	return status, nil
}

// testOptions are ephemeral, on free ports, without UI.
func testOptions(t testing.TB) devserver.Options {
	return devserver.Options{
		Ephemeral:        true,
		FrontendPort:     devserver.AnyPort,
		SearchAttributes: devserver.DefaultSearchAttributes(),
		LogLevel:         slog.LevelWarn,
		Logger:           testLogger(t),
	}
}

// start starts a server and stops it when the test ends.
func start(t testing.TB, opts devserver.Options) *devserver.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := devserver.Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return s
}

// dial connects a client to s and runs a worker for StatusWorkflow; both
// end with the test (before the server stops: cleanups run last first).
func dial(t testing.TB, s *devserver.Server) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort:  s.FrontendAddr(),
		Namespace: s.Namespace(),
		Logger:    sdklog.NewStructuredLogger(testLogger(t)),
	})
	if err != nil {
		t.Fatalf("dial %s: %v", s.FrontendAddr(), err)
	}
	t.Cleanup(c.Close)
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(StatusWorkflow)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	return c
}

// runStatus runs StatusWorkflow to completion under id.
func runStatus(t testing.TB, c client.Client, id, status string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: taskQueue}, StatusWorkflow, status)
	if err != nil {
		t.Fatalf("start workflow %s: %v", id, err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil || got != status {
		t.Fatalf("workflow %s = %q, %v; want %q", id, got, err, status)
	}
}

// listByStatus waits until visibility lists exactly the workflow id for
// TemperStatus = status (SQL visibility is written asynchronously).
func listByStatus(t testing.TB, c client.Client, ns, status, id string) {
	t.Helper()
	query := fmt.Sprintf("%s = '%s'", devserver.SearchAttributeStatus, status)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{Namespace: ns, Query: query})
		if err != nil {
			t.Fatalf("list %q: %v", query, err)
		}
		var ids []string
		for _, e := range resp.GetExecutions() {
			ids = append(ids, e.GetExecution().GetWorkflowId())
		}
		if len(ids) == 1 && ids[0] == id {
			e := resp.GetExecutions()[0]
			if e.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED {
				t.Fatalf("%s: status %v, want completed", id, e.GetStatus())
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("list %q = %v, want [%s]", query, ids, id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestEphemeralRunsWorkflowAndListsBySearchAttribute(t *testing.T) {
	t.Parallel()
	s := start(t, testOptions(t))
	if s.UIAddr() != "" {
		t.Errorf("UIAddr %q; want the UI disabled", s.UIAddr())
	}
	if host, _, _ := net.SplitHostPort(s.FrontendAddr()); host != devserver.DefaultIP {
		t.Errorf("FrontendAddr %s: want host %s", s.FrontendAddr(), devserver.DefaultIP)
	}
	c := dial(t, s)

	sas, err := c.OperatorService().ListSearchAttributes(context.Background(), &operatorservice.ListSearchAttributesRequest{Namespace: s.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range devserver.DefaultSearchAttributes() {
		if got := sas.GetCustomAttributes()[name]; got != typ {
			t.Errorf("search attribute %s: %v, want %v", name, got, typ)
		}
	}
	ns, err := c.WorkflowService().DescribeNamespace(context.Background(), &workflowservice.DescribeNamespaceRequest{Namespace: s.Namespace()})
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != devserver.DefaultRetention {
		t.Errorf("retention %v, want %v", got, devserver.DefaultRetention)
	}

	runStatus(t, c, "wf-x", "x")
	runStatus(t, c, "wf-y", "y")
	listByStatus(t, c, s.Namespace(), "x", "wf-x")
}

func TestUIAndHTTPAPI(t *testing.T) {
	t.Parallel()
	opts := testOptions(t)
	opts.UIPort = devserver.AnyPort
	opts.HTTPPort = devserver.AnyPort
	opts.Namespace = "ui-test"
	s := start(t, opts)

	get := func(url string) (int, string) {
		t.Helper()
		hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := hc.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		return resp.StatusCode, string(body)
	}
	if code, body := get("http://" + s.UIAddr() + "/"); code != http.StatusOK || !strings.Contains(strings.ToLower(body), "<html") {
		t.Errorf("UI root: %d, %.80q; want 200 and an HTML page", code, body)
	}
	// The UI reaches the frontend: its API lists the namespace.
	if code, body := get("http://" + s.UIAddr() + "/api/v1/namespaces/ui-test"); code != http.StatusOK || !strings.Contains(body, "ui-test") {
		t.Errorf("UI namespace API: %d, %.200q", code, body)
	}
	if code, body := get("http://" + s.HTTPAddr() + "/api/v1/namespaces/ui-test"); code != http.StatusOK || !strings.Contains(body, "ui-test") {
		t.Errorf("frontend HTTP API: %d, %.200q", code, body)
	}
}

func TestBusyPortFailsNamingIt(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().(*net.TCPAddr).Port

	for _, tc := range []struct {
		name     string
		set      func(*devserver.Options)
		listener string
	}{
		{"frontend", func(o *devserver.Options) { o.FrontendPort = busy }, "frontend"},
		{"ui", func(o *devserver.Options) { o.UIPort = busy }, "UI"},
		{"http", func(o *devserver.Options) { o.HTTPPort = busy }, "HTTP API"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions(t)
			tc.set(&opts)
			s, err := devserver.Start(context.Background(), opts)
			if err == nil {
				s.Stop()
				t.Fatal("Start on a busy port succeeded")
			}
			var pe *devserver.PortInUseError
			if !errors.As(err, &pe) || pe.Listener != tc.listener || !strings.Contains(err.Error(), strconv.Itoa(busy)) {
				t.Fatalf("error %v (%T); want a *PortInUseError for the %s port %d", err, err, tc.listener, busy)
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	t.Parallel()
	tooMany := devserver.DefaultSearchAttributes()
	for i := range 8 {
		tooMany[fmt.Sprintf("Extra%d", i)] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
	}
	for _, tc := range []struct {
		name  string
		set   func(*devserver.Options)
		field string
	}{
		{"ephemeral and file", func(o *devserver.Options) { o.DBFile = "x.db" }, "DBFile"},
		{"bad ip", func(o *devserver.Options) { o.IP = "my.host" }, "IP"},
		{"port range", func(o *devserver.Options) { o.UIPort = 70000 }, "UIPort"},
		{"same port twice", func(o *devserver.Options) { o.FrontendPort, o.UIPort = 17233, 17233 }, "UIPort"},
		{"short retention", func(o *devserver.Options) { o.Retention = time.Hour }, "Retention"},
		{"system namespace", func(o *devserver.Options) { o.Namespace = "temporal-system" }, "Namespace"},
		{"reserved attribute", func(o *devserver.Options) {
			o.SearchAttributes["WorkflowId"] = enumspb.INDEXED_VALUE_TYPE_KEYWORD
		}, "SearchAttributes[WorkflowId]"},
		{"unspecified type", func(o *devserver.Options) {
			o.SearchAttributes["Foo"] = enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED
		}, "SearchAttributes[Foo]"},
		{"too many keywords", func(o *devserver.Options) { o.SearchAttributes = tooMany }, "SearchAttributes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions(t)
			tc.set(&opts)
			s, err := devserver.Start(context.Background(), opts)
			if err == nil {
				s.Stop()
				t.Fatal("Start succeeded")
			}
			var oe *devserver.OptionsError
			if !errors.As(err, &oe) || oe.Field != tc.field {
				t.Fatalf("error %v; want an *OptionsError for field %s", err, tc.field)
			}
		})
	}
}

func TestDefaultOptions(t *testing.T) {
	t.Parallel()
	o := devserver.DefaultOptions()
	if o.DBFile != ".temper/temporal.db" || o.Ephemeral || o.IP != "127.0.0.1" || o.FrontendPort != 7233 ||
		o.UIPort != 8233 || o.HTTPPort != 0 || o.Namespace != "default" || o.Retention != 30*24*time.Hour ||
		len(o.SearchAttributes) != 3 || o.LogLevel != slog.LevelWarn {
		t.Errorf("DefaultOptions() = %+v", o)
	}
	// Each call returns its own map.
	o.SearchAttributes["Mine"] = enumspb.INDEXED_VALUE_TYPE_INT
	if _, ok := devserver.DefaultOptions().SearchAttributes["Mine"]; ok {
		t.Error("DefaultOptions shares its search attribute map")
	}
}

// The restart test: a child process starts a server on a file, runs a
// workflow and stops; this process then starts on the same file and finds
// the workflow, its search attribute, and applies new options.

const childEnv = "TEMPER_DEVSERVER_TEST_CHILD_DB"

// childSearchAttributes are what the child registers: fewer than the
// parent asks for, so the parent's restart has to add the rest.
func childSearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{devserver.SearchAttributeStatus: enumspb.INDEXED_VALUE_TYPE_KEYWORD}
}

func runChild(path string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := devserver.Start(ctx, devserver.Options{
		DBFile:           path,
		SearchAttributes: childSearchAttributes(),
		LogLevel:         slog.LevelWarn,
		Logger:           slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		return fail(err)
	}
	defer s.Stop()
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddr(), Namespace: s.Namespace(), Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(StatusWorkflow)
	if err := w.Start(); err != nil {
		return fail(err)
	}
	defer w.Stop()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kept", TaskQueue: taskQueue}, StatusWorkflow, "persisted")
	if err != nil {
		return fail(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		return fail(err)
	}
	// Wait for visibility, so the parent tests the database, not a race
	// with the visibility queue.
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: s.Namespace(), Query: "TemperStatus = 'persisted'"})
		if err != nil {
			return fail(err)
		}
		if len(resp.GetExecutions()) == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.Stop()
	c.Close()
	if err := s.Stop(); err != nil {
		return fail(err)
	}
	return 0
}

func TestFileDBKeepsWorkflowsAcrossRestarts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "temporal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}

	opts := testOptions(t)
	opts.Ephemeral = false
	opts.DBFile = path
	opts.Retention = 45 * 24 * time.Hour
	verify := func(t *testing.T, s *devserver.Server) {
		c := dial(t, s)
		var got string
		if err := c.GetWorkflow(context.Background(), "kept", "").Get(context.Background(), &got); err != nil || got != "persisted" {
			t.Fatalf("workflow kept = %q, %v; want %q", got, err, "persisted")
		}
		listByStatus(t, c, s.Namespace(), "persisted", "kept")
		sas, err := c.OperatorService().ListSearchAttributes(context.Background(), &operatorservice.ListSearchAttributesRequest{Namespace: s.Namespace()})
		if err != nil {
			t.Fatal(err)
		}
		for name := range devserver.DefaultSearchAttributes() {
			if _, ok := sas.GetCustomAttributes()[name]; !ok {
				t.Errorf("search attribute %s missing after restart", name)
			}
		}
		ns, err := c.WorkflowService().DescribeNamespace(context.Background(), &workflowservice.DescribeNamespaceRequest{Namespace: s.Namespace()})
		if err != nil {
			t.Fatal(err)
		}
		if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got != opts.Retention {
			t.Errorf("retention %v, want %v", got, opts.Retention)
		}
	}

	// First reopening: in a fresh process's view of the file.
	t.Run("reopen", func(t *testing.T) {
		s := start(t, opts)
		verify(t, s)
		// New work lands in the same file.
		runStatus(t, dial(t, s), "second", "again")
	})
	// Second, in this process: Stop then Start on the same file.
	t.Run("restart in process", func(t *testing.T) {
		s := start(t, opts)
		verify(t, s)
		listByStatus(t, dial(t, s), s.Namespace(), "again", "second")
	})
	// A search attribute whose type changed is refused, and the refused
	// start leaves the file usable.
	t.Run("type change refused", func(t *testing.T) {
		bad := opts
		bad.SearchAttributes = map[string]enumspb.IndexedValueType{devserver.SearchAttributeStatus: enumspb.INDEXED_VALUE_TYPE_INT}
		s, err := devserver.Start(context.Background(), bad)
		if err == nil {
			s.Stop()
			t.Fatal("Start with TemperStatus as Int succeeded")
		}
		var oe *devserver.OptionsError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), "TemperStatus") {
			t.Fatalf("error %v; want an *OptionsError about TemperStatus", err)
		}
		verify(t, start(t, opts))
	})
}

// testLogger writes to the test's log until the test ends; server
// goroutines that log later are dropped instead of failing the run.
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(func() {
		w.mu.Lock()
		w.done = true
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func TestListenAddresses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ ip, dialHost string }{
		{"0.0.0.0", "127.0.0.1"}, // all interfaces, dialled on loopback
		{"localhost", "127.0.0.1"},
		{"::1", "::1"},
	} {
		t.Run(tc.ip, func(t *testing.T) {
			t.Parallel()
			if tc.ip == "::1" {
				l, err := net.Listen("tcp", "[::1]:0")
				if err != nil {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				l.Close()
			}
			opts := testOptions(t)
			opts.IP = tc.ip
			opts.UIPort = devserver.AnyPort
			s := start(t, opts)
			for name, addr := range map[string]string{"frontend": s.FrontendAddr(), "UI": s.UIAddr(), "HTTP": s.HTTPAddr()} {
				if host, _, err := net.SplitHostPort(addr); err != nil || host != tc.dialHost {
					t.Errorf("%s address %q: want host %s", name, addr, tc.dialHost)
				}
			}
			// Start returned, so the frontend served the namespace and the
			// UI its health check on these addresses; one workflow proves
			// the services found each other.
			runStatus(t, dial(t, s), "ip", "ok")
		})
	}
}

func TestDBFileIsDirectory(t *testing.T) {
	t.Parallel()
	opts := testOptions(t)
	opts.Ephemeral = false
	opts.DBFile = t.TempDir()
	s, err := devserver.Start(context.Background(), opts)
	if err == nil {
		s.Stop()
		t.Fatal("Start on a directory succeeded")
	}
	if !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("error %v; want it to say the path is a directory", err)
	}
}

func TestStartHonoursContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if s, err := devserver.Start(ctx, testOptions(t)); !errors.Is(err, context.Canceled) {
		if err == nil {
			s.Stop()
		}
		t.Errorf("Start with a cancelled context: %v; want context.Canceled", err)
	}

	// A deadline that passes while the services start: the server is
	// stopped again and the error says it did not become ready in time.
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	s, err := devserver.Start(ctx, testOptions(t))
	if err == nil {
		s.Stop()
		t.Skip("the server was ready within 10ms")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Start past its deadline: %v; want context.DeadlineExceeded", err)
	}
	t.Logf("Start past its deadline: %v", err)
}
