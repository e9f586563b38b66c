package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/temperhq/temper/internal/testtemporal"
	"github.com/temperhq/temper/workflows/entity"
)

// syncBuffer is a goroutine-safe buffer for a command running in the
// background.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestWorkerAndEntityCommands runs temper worker against a real server and
// drives a task with temper entity.
func TestWorkerAndEntityCommands(t *testing.T) {
	ts := testtemporal.New(t)
	addr, ns := ts.GetFrontendHostPort(), ts.GetDefaultNamespace()
	ctx, cancel := context.WithCancel(context.Background())
	var wout, werr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"worker", "--temporal", addr, "--namespace", ns}, &wout, &werr)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
		if !strings.Contains(werr.String(), "action=Start") {
			t.Errorf("worker log lacks the Start commit:\n%s", werr.String())
		}
	}()
	run := func(args ...string) (entity.Entity, error) {
		var out, errb bytes.Buffer
		full := append([]string{"entity", "--temporal", addr, "--namespace", ns}, args...)
		cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
		defer ccancel()
		err := Run(cctx, full, &out, &errb)
		var e entity.Entity
		if err == nil {
			if jerr := json.Unmarshal(out.Bytes(), &e); jerr != nil {
				t.Fatalf("output %q: %v", out.String(), jerr)
			}
		}
		return e, err
	}
	e, err := run("create", "tasks", "Tasks", "t1", `{"title": "Review PR #42", "assignee": "agent-codereview"}`)
	if err != nil || e.Status != "Open" {
		t.Fatalf("create: %+v %v", e, err)
	}
	if _, err := run("create", "tasks", "Tasks", "t1", `{"title": "again"}`); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second create: %v", err)
	}
	if _, err := run("act", "tasks", "Tasks", "t1", "Complete"); err == nil || !strings.Contains(err.Error(), "wrong from-state") {
		t.Errorf("Complete in Open: %v", err)
	}
	if e, err = run("act", "tasks", "Tasks", "t1", "Start"); err != nil || e.Status != "InProgress" {
		t.Fatalf("Start: %+v %v", e, err)
	}
	if e, err = run("get", "tasks", "Tasks", "t1"); err != nil || e.Version != 1 || e.Fields["assignee"] != "agent-codereview" {
		t.Errorf("get: %+v %v", e, err)
	}
	if _, err := run("act", "tasks", "Nope", "t1", "Start"); err == nil {
		t.Error("unknown set accepted")
	}
}

// TestServeAndWorkerWithStore runs temper worker --store and temper serve
// against a real server: a task created over HTTP is listed from the
// projection the worker wrote.
func TestServeAndWorkerWithStore(t *testing.T) {
	ts := testtemporal.New(t)
	addr, ns := ts.GetFrontendHostPort(), ts.GetDefaultNamespace()
	db := filepath.Join(t.TempDir(), "temper.db")
	// The first admin is bootstrapped on the store directly.
	out, err := runCLI(t, "agents", "--store", db, "create", "root", "--admin")
	m := regexp.MustCompile(`token: (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil || !strings.Contains(out, `Admin::"root"`) {
		t.Fatalf("agents create --store: %v %s", err, out)
	}
	admin := m[1]
	ctx, cancel := context.WithCancel(context.Background())
	var wout, werr, sout, serr syncBuffer
	done := make(chan error, 2)
	go func() {
		done <- Run(ctx, []string{"worker", "--temporal", addr, "--namespace", ns, "--store", db}, &wout, &werr)
	}()
	go func() {
		done <- Run(ctx, []string{"serve", "--temporal", addr, "--namespace", ns, "--store", db, "--http", "127.0.0.1:0"}, &sout, &serr)
	}()
	defer func() {
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("command: %v", err)
			}
		}
	}()
	re := regexp.MustCompile(`gateway: http://(\S+)/odata/`)
	var gw string
	for deadline := time.Now().Add(30 * time.Second); gw == ""; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(sout.String()); m != nil {
			gw = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready: %s %s", sout.String(), serr.String())
		}
	}
	if code, body, _ := send(t, "POST", "http://"+gw+"/odata/tasks/Tasks", admin, `{"id": "s1", "title": "served"}`); code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, body, _ := send(t, "GET", "http://"+gw+"/odata/tasks/Tasks?$filter=title%20eq%20'served'", admin, ""); code != 200 || !strings.Contains(body, `"id":"s1"`) {
		t.Errorf("list: %d %s", code, body)
	}
	if code, _, _ := send(t, "GET", "http://"+gw+"/odata/tasks/Tasks", "temper_forged", ""); code != 401 {
		t.Errorf("unknown token: %d", code)
	}
}
