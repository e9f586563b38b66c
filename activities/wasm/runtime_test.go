package wasm

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCallEcho(t *testing.T) {
	f := setup(t, Config{})
	out := f.mustOK(t, map[string]any{"op": "echo", "value": map[string]any{"a": 1, "b": []string{"x"}}}, nil)
	if got := string(out); got != `{"a":1,"b":["x"]}` {
		t.Fatalf("output %s", got)
	}
}

func TestPooledInstancesAreReused(t *testing.T) {
	f := setup(t, Config{})
	for i := 1; i <= 3; i++ {
		res, err := f.call(t, map[string]any{"op": "calls"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The probe counts the calls its instance served.
		if got, want := string(res.Output), `{"calls":`+string(rune('0'+i))+`}`; got != want {
			t.Fatalf("call %d: output %s, want %s (the same instance)", i, got, want)
		}
		if res.Reused != (i > 1) {
			t.Fatalf("call %d: reused = %v", i, res.Reused)
		}
	}
	s := f.rt.Stats()
	if s.Instantiated != 1 || s.Reused != 2 || s.Discarded != 0 || s.Calls != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestNoPooling(t *testing.T) {
	f := setup(t, Config{MaxIdle: -1})
	for range 2 {
		if out := f.mustOK(t, map[string]any{"op": "calls"}, nil); string(out) != `{"calls":1}` {
			t.Fatalf("output %s: want a fresh instance", out)
		}
	}
	if s := f.rt.Stats(); s.Instantiated != 2 || s.Reused != 0 || s.Discarded != 2 {
		t.Fatalf("stats %+v", s)
	}
}

// A trapped instance is discarded, never pooled: the next call gets a
// fresh one, and the module keeps working.
func TestTrappedInstanceIsDiscarded(t *testing.T) {
	f := setup(t, Config{})
	f.mustOK(t, map[string]any{"op": "calls"}, nil)
	if n := len(f.idle(512)); n != 1 {
		t.Fatalf("%d idle instances, want 1", n)
	}
	fail := f.mustFail(t, KindTrap, map[string]any{"op": "trap"}, nil)
	if !strings.Contains(fail.Message, "trap in a goroutine") {
		t.Fatalf("message %q: want the guest's panic", fail.Message)
	}
	if n := len(f.idle(512)); n != 0 {
		t.Fatalf("%d idle instances after a trap, want 0", n)
	}
	if out := f.mustOK(t, map[string]any{"op": "calls"}, nil); string(out) != `{"calls":1}` {
		t.Fatalf("output %s: want a fresh instance", out)
	}
	if s := f.rt.Stats(); s.Instantiated != 2 || s.Discarded != 1 || s.Reused != 1 {
		t.Fatalf("stats %+v", s)
	}
	if !strings.Contains(f.logs.String(), "wasm module stderr") {
		t.Fatalf("the guest's stderr is not logged:\n%s", f.logs)
	}
}

func TestFailures(t *testing.T) {
	f := setup(t, Config{})
	for _, tc := range []struct {
		name       string
		in         map[string]any
		budget     Budget
		kind       Kind
		want       string // in the message
		budgetKind BudgetKind
	}{
		{name: "module error", in: map[string]any{"op": "error", "msg": "no such item"}, kind: KindModule, want: "no such item"},
		{name: "panic is a module error", in: map[string]any{"op": "panic", "msg": "boom"}, kind: KindModule, want: "panic: boom"},
		{name: "unvouched http status", in: map[string]any{"op": "fake_status", "status": 503}, kind: KindModule, want: "503"},
		{name: "exit", in: map[string]any{"op": "exit", "n": 3}, kind: KindTrap, want: "exited with code 3"},
		{name: "exit zero", in: map[string]any{"op": "exit", "n": 0}, kind: KindTrap, want: "exited with code 0"},
		{name: "output over budget", in: map[string]any{"op": "output", "n": 5000}, budget: Budget{MaxOutputBytes: 4096}, kind: KindBudget, budgetKind: BudgetOutput},
		{name: "log calls over budget", in: map[string]any{"op": "log", "n": 5, "msg": "hi"}, budget: Budget{MaxHostCalls: 4}, kind: KindBudget, budgetKind: BudgetHostCalls},
		{name: "unknown op", in: map[string]any{"op": "nope"}, kind: KindModule, want: "unknown op"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail := f.mustFail(t, tc.kind, tc.in, func(c *Call) { c.Budget = tc.budget })
			if !strings.Contains(fail.Message, tc.want) {
				t.Fatalf("message %q does not contain %q", fail.Message, tc.want)
			}
			if fail.Budget != tc.budgetKind {
				t.Fatalf("budget %q, want %q", fail.Budget, tc.budgetKind)
			}
		})
	}
	// The instance that answered an output over budget ran normally and
	// serves again; the module works after every failure.
	f.mustOK(t, map[string]any{"op": "echo", "value": 1}, nil)
}

// An infinite loop stops at the deadline; the worker and other calls
// are unaffected.
func TestDeadline(t *testing.T) {
	f := setup(t, Config{})
	for _, tc := range []struct {
		name string
		in   map[string]any
	}{
		{"busy loop", map[string]any{"op": "loop"}},
		{"blocked in sleep", map[string]any{"op": "sleep", "n": 60_000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			fail := f.mustFail(t, KindTimeout, tc.in, func(c *Call) { c.Budget.Timeout = 300 * time.Millisecond })
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("the call took %v to stop", took)
			}
			if !fail.Retryable() {
				t.Fatal("a timeout should be retryable")
			}
			f.mustOK(t, map[string]any{"op": "echo", "value": "after"}, nil)
		})
	}
}

// A canceled caller is not the module's failure.
func TestCallerCancel(t *testing.T) {
	f := setup(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := f.rt.Call(ctx, Call{Module: f.probe, Input: json.RawMessage(`{"op":"loop"}`)})
	if _, ok := AsFailure(err); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v: want context.Canceled, not a failure", err)
	}
}

// A memory bomb runs out of its budget and traps as a budget failure;
// the worker and other calls (also concurrent ones) keep working.
func TestMemoryBomb(t *testing.T) {
	f := setup(t, Config{})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 1)
	wg.Go(func() { // calls alongside the bombs
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := f.call(t, map[string]any{"op": "echo", "value": 1}, nil); err != nil {
				errs <- err
				return
			}
		}
	})
	for _, tc := range []struct {
		name string
		in   map[string]any
	}{
		{"growing", map[string]any{"op": "bomb"}},
		{"one huge allocation", map[string]any{"op": "alloc", "n": 64 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail := f.mustFail(t, KindBudget, tc.in, func(c *Call) { c.Budget.MemoryPages = 128 })
			if fail.Budget != BudgetMemory {
				t.Fatalf("budget %q, want memory: %s", fail.Budget, fail.Message)
			}
		})
	}
	close(stop)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("a call beside the bomb failed: %v", err)
	default:
	}
	// The same class still serves, within its budget.
	out := f.mustOK(t, map[string]any{"op": "alloc", "n": 1 << 20}, func(c *Call) { c.Budget.MemoryPages = 128 })
	if string(out) != "1048576" {
		t.Fatalf("output %s", out)
	}
}

func TestConcurrentCalls(t *testing.T) {
	f := setup(t, Config{MaxIdle: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			in, _ := json.Marshal(map[string]any{"op": "echo", "value": i})
			res, err := f.rt.Call(context.Background(), Call{Module: f.probe, Input: in})
			if err == nil && string(res.Output) != string(rune('0'+i)) {
				err = errors.New("crossed outputs: " + string(res.Output))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(f.idle(512)); n > 2 {
		t.Fatalf("%d idle instances, over MaxIdle", n)
	}
}

func TestUnknownModule(t *testing.T) {
	f := setup(t, Config{})
	_, err := f.rt.Call(context.Background(), Call{Module: Hash([]byte("nothing")), Input: json.RawMessage(`{}`)})
	if !errors.Is(err, ErrUnknownModule) {
		t.Fatalf("err %v", err)
	}
}

type mapSource map[string][]byte

func (s mapSource) Module(_ context.Context, hash string) ([]byte, error) {
	if b, ok := s[hash]; ok {
		return b, nil
	}
	return nil, errors.New("not in the store")
}

func TestSourceAndEvict(t *testing.T) {
	wasm := buildModule(t, "./testdata/probe")
	h := Hash(wasm)
	ctx := context.Background()
	rt, err := New(ctx, Config{CacheDir: cacheDir, Source: mapSource{h: wasm, "sha256:bad": wasm}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.Close(ctx) }()
	for _, pages := range []uint32{128, 256} { // two classes, each compiles (from the cache)
		res, err := rt.Call(ctx, Call{Module: h, Input: json.RawMessage(`{"op":"echo","value":true}`), Budget: Budget{MemoryPages: pages}})
		if err != nil || string(res.Output) != "true" {
			t.Fatalf("%d pages: %s %v", pages, res.Output, err)
		}
	}
	if s := rt.Stats(); s.Compiled != 2 {
		t.Fatalf("stats %+v", s)
	}
	if _, err := rt.Call(ctx, Call{Module: "sha256:bad", Input: json.RawMessage(`{}`)}); err == nil || !strings.Contains(err.Error(), "answered bytes of") {
		t.Fatalf("a source answering other bytes: %v", err)
	}
	rt.Evict(ctx, h)
	if _, err := rt.Call(ctx, Call{Module: h, Input: json.RawMessage(`{"op":"echo","value":1}`)}); err != nil {
		t.Fatalf("after evict, the source provides the module again: %v", err)
	}
	if s := rt.Stats(); s.Compiled != 3 {
		t.Fatalf("stats %+v", s)
	}
}

func TestValidate(t *testing.T) {
	ctx := context.Background()
	if err := Validate(ctx, buildModule(t, "./testdata/probe")); err != nil {
		t.Fatalf("probe: %v", err)
	}
	for _, tc := range []struct {
		name string
		wasm []byte
		want string
	}{
		{"not wasm", []byte("hello"), "invalid wasm module"},
		// (module (memory (export "memory") 1)): no ABI exports.
		{"no exports", []byte("\x00asm\x01\x00\x00\x00\x05\x03\x01\x00\x01\x07\x0a\x01\x06memory\x02\x00"), `exports no function "run"`},
		// (module (import "env" "f" (func))): a foreign import, no memory.
		{"foreign import", []byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x09\x01\x03env\x01f\x00\x00"), "imports env.f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(ctx, tc.wasm)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	rt, err := New(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.Close(ctx) }()
	if _, err := rt.Add(ctx, []byte("hello")); err == nil {
		t.Fatal("Add accepted an invalid module")
	}
}

// Instances are pooled per tenant: what a module keeps in memory between
// calls never reaches another app's call.
func TestPoolIsPerTenant(t *testing.T) {
	f := setup(t, Config{})
	calls := func(tenant string) string {
		return string(f.mustOK(t, map[string]any{"op": "calls"}, func(c *Call) { c.Tenant = tenant }))
	}
	for _, step := range []struct{ tenant, want string }{
		{"a", `{"calls":1}`}, {"a", `{"calls":2}`}, {"b", `{"calls":1}`}, {"a", `{"calls":3}`}, {"b", `{"calls":2}`},
	} {
		if got := calls(step.tenant); got != step.want {
			t.Fatalf("tenant %s: %s, want %s", step.tenant, got, step.want)
		}
	}
}

// Compiled code lands in the on-disk cache, where a second runtime (a
// restarted worker) finds it.
func TestCompilationCacheOnDisk(t *testing.T) {
	wasm := buildModule(t, "./testdata/probe")
	dir := t.TempDir()
	ctx := context.Background()
	var took [2]time.Duration
	for i := range took {
		rt, err := New(ctx, Config{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := rt.Add(ctx, wasm); err != nil {
			t.Fatal(err)
		}
		took[i] = time.Since(start)
		if err := rt.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			entries, err := filepath.Glob(filepath.Join(dir, "*", "*"))
			if err != nil || len(entries) == 0 {
				t.Fatalf("nothing in the cache directory: %v", err)
			}
		}
	}
	t.Logf("compile: %v cold, %v from the disk cache", took[0], took[1])
}
