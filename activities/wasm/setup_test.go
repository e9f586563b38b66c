package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// cacheDir is the compilation cache the tests share, so each module is
// compiled to machine code once per test binary, not once per test.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "temper-wasm-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cacheDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// builds holds the modules built by this test binary: building one takes
// seconds, so each is built once and shared (read-only) by the tests.
var builds = struct {
	sync.Mutex
	dir  string
	wasm map[string][]byte
	errs map[string]error
	skip string
}{wasm: map[string][]byte{}, errs: map[string]error{}}

// buildModule builds the package pkg (relative to this directory) as a
// wasip1 reactor with the Go toolchain, or skips the test when the
// toolchain cannot target wasip1.
func buildModule(tb testing.TB, pkg string) []byte {
	tb.Helper()
	builds.Lock()
	defer builds.Unlock()
	if builds.skip != "" {
		skipOrFail(tb, builds.skip)
	}
	if b, ok := builds.wasm[pkg]; ok {
		return b
	}
	if err, ok := builds.errs[pkg]; ok {
		tb.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		builds.skip = "no go toolchain on PATH to build wasm modules: " + err.Error()
		skipOrFail(tb, builds.skip)
	}
	if out, err := exec.Command(goBin, "tool", "dist", "list").Output(); err != nil || !bytes.Contains(out, []byte("wasip1/wasm")) {
		builds.skip = fmt.Sprintf("the go toolchain cannot target wasip1/wasm (go tool dist list: %v)", err)
		skipOrFail(tb, builds.skip)
	}
	if builds.dir == "" {
		if builds.dir, err = os.MkdirTemp("", "temper-wasm-modules-"); err != nil {
			tb.Fatal(err)
		}
	}
	out := filepath.Join(builds.dir, strings.ReplaceAll(pkg, "/", "_")+".wasm")
	cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		builds.errs[pkg] = fmt.Errorf("build %s: %v\n%s", pkg, err, msg)
		tb.Fatal(builds.errs[pkg])
	}
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	builds.wasm[pkg] = b
	return b
}

// fixture is what a test needs: a runtime with the probe module added,
// and the log the calls write.
type fixture struct {
	rt    *Runtime
	probe string
	logs  *syncBuffer
}

// setup returns a fixture; cfg's zero fields take test defaults.
func setup(tb testing.TB, cfg Config) *fixture {
	tb.Helper()
	wasm := buildModule(tb, "./testdata/probe")
	logs := &syncBuffer{}
	if cfg.CacheDir == "" {
		cfg.CacheDir = cacheDir
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx := context.Background()
	rt, err := New(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := rt.Close(ctx); err != nil {
			tb.Error(err)
		}
	})
	h, err := rt.Add(ctx, wasm)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{rt: rt, probe: h, logs: logs}
}

// call runs the probe with the op input, changed by edit.
func (f *fixture) call(tb testing.TB, in map[string]any, edit func(*Call)) (Result, error) {
	tb.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	c := Call{Module: f.probe, Input: b}
	if edit != nil {
		edit(&c)
	}
	return f.rt.Call(context.Background(), c)
}

// mustOK runs a call that must succeed and answers its output.
func (f *fixture) mustOK(tb testing.TB, in map[string]any, edit func(*Call)) json.RawMessage {
	tb.Helper()
	res, err := f.call(tb, in, edit)
	if err != nil {
		tb.Fatalf("call %v: %v", in, err)
	}
	return res.Output
}

// mustFail runs a call that must fail with a *Failure of kind.
func (f *fixture) mustFail(tb testing.TB, kind Kind, in map[string]any, edit func(*Call)) *Failure {
	tb.Helper()
	_, err := f.call(tb, in, edit)
	fail, ok := AsFailure(err)
	if !ok {
		tb.Fatalf("call %v: want a %s failure, got %v", in, kind, err)
	}
	if fail.Kind != kind {
		tb.Fatalf("call %v: want a %s failure, got %#v", in, kind, fail)
	}
	return fail
}

// idle answers the module's idle instances in the class of pages, for
// the tenant "".
func (f *fixture) idle(pages uint32) []*instance {
	f.rt.mu.Lock()
	c := f.rt.classes[pages]
	f.rt.mu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	m := c.mods[f.probe]
	c.mu.Unlock()
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*instance(nil), m.idle[""]...)
}

// syncBuffer is a log sink safe for concurrent writers.
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

// skipOrFail skips locally but fails in CI, which must run the WASM suite.
func skipOrFail(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatal("CI must run the WASM suite: " + why)
	}
	tb.Skip(why)
}
