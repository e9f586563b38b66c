package wasm

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// ErrUnknownModule is a call to a module the runtime has not been given
// and its Source does not have.
var ErrUnknownModule = errors.New("unknown wasm module")

// ErrClosed is a call on a closed Runtime.
var ErrClosed = errors.New("wasm runtime closed")

// ModuleSource provides a module's bytes by content hash (the store,
// where uploaded modules live).
type ModuleSource interface {
	Module(ctx context.Context, hash string) ([]byte, error)
}

// Config configures a Runtime.
type Config struct {
	// CacheDir keeps compiled machine code across restarts (wazero's
	// compilation cache). Empty: compiled code lives in memory only.
	CacheDir string
	// MaxIdle is the number of idle instances kept per module, memory
	// class and tenant: 0 means 4, a negative number disables pooling
	// (every call gets a fresh instance).
	MaxIdle int
	// Source provides modules that were not Added; optional.
	Source ModuleSource
	// Logger receives module logs of calls without a logger of their own,
	// and the runtime's own events. Nil: discard.
	Logger *slog.Logger
}

// Stats counts what a Runtime did since it started.
type Stats struct {
	Calls        int64 // calls made
	Compiled     int64 // modules compiled (once per memory class)
	Instantiated int64 // instances created
	Reused       int64 // calls served by a pooled instance
	Discarded    int64 // instances closed after a failure, or not pooled
}

// Runtime runs WASM modules in sandboxes with budgets. It is safe for
// concurrent use; each instance serves one call at a time.
//
// wazero sets the memory limit per runtime, so a Runtime keeps one
// wazero runtime per memory class (a budget rounded up to
// MemoryClassPages), created on first use. They share one compilation
// cache, so a module is compiled once and each class only links it.
type Runtime struct {
	cfg   Config
	log   *slog.Logger
	cache wazero.CompilationCache

	mu      sync.Mutex
	closed  bool
	classes map[uint32]*class
	wasm    map[string][]byte // Added modules, for the classes that have not compiled them yet

	calls, compiled, instantiated, reused, discarded atomic.Int64
}

// class is one wazero runtime and the modules compiled in it.
type class struct {
	pages uint32
	rt    wazero.Runtime
	mu    sync.Mutex
	mods  map[string]*module
}

// module is a compiled module in a class and its idle instances, by
// tenant.
type module struct {
	hash  string
	class *class
	ready chan struct{} // closed when cm or err is set
	cm    wazero.CompiledModule
	err   error

	mu      sync.Mutex
	idle    map[string][]*instance
	evicted bool
}

// New returns a Runtime.
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	if cfg.MaxIdle == 0 {
		cfg.MaxIdle = 4
	}
	r := &Runtime{cfg: cfg, log: cfg.Logger, classes: map[uint32]*class{}, wasm: map[string][]byte{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if cfg.CacheDir != "" {
		c, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("wasm compilation cache %s: %w", cfg.CacheDir, err)
		}
		r.cache = c
	} else {
		r.cache = wazero.NewCompilationCache()
	}
	return r, nil
}

// Hash is a module's content address: "sha256:" and the hex digest of
// its bytes.
func Hash(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Add compiles a module (validating its ABI) and keeps it, and answers
// its hash. Adding the same bytes again is cheap.
func (r *Runtime) Add(ctx context.Context, wasm []byte) (string, error) {
	h := Hash(wasm)
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return "", ErrClosed
	}
	if _, ok := r.wasm[h]; !ok {
		r.wasm[h] = wasm
	}
	r.mu.Unlock()
	// Compiled in the largest class, so a module is refused only for
	// what no budget could run.
	if _, err := r.module(ctx, MaxMemoryPages, h); err != nil {
		r.mu.Lock()
		delete(r.wasm, h)
		r.mu.Unlock()
		return "", err
	}
	return h, nil
}

// Evict forgets a module: its idle instances are closed, its compiled
// code released; instances in use are closed when their call ends.
func (r *Runtime) Evict(ctx context.Context, hash string) {
	r.mu.Lock()
	delete(r.wasm, hash)
	classes := make([]*class, 0, len(r.classes))
	for _, c := range r.classes {
		classes = append(classes, c)
	}
	r.mu.Unlock()
	for _, c := range classes {
		c.mu.Lock()
		m := c.mods[hash]
		delete(c.mods, hash)
		c.mu.Unlock()
		if m == nil {
			continue
		}
		<-m.ready
		m.mu.Lock()
		m.evicted = true
		idle := m.idle
		m.idle = map[string][]*instance{}
		m.mu.Unlock()
		for _, ins := range idle {
			for _, in := range ins {
				_ = in.mod.Close(ctx)
			}
		}
		if m.cm != nil {
			_ = m.cm.Close(ctx)
		}
	}
}

// Close closes every instance and runtime and the compilation cache.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	classes := r.classes
	r.classes = map[uint32]*class{}
	r.mu.Unlock()
	var errs []error
	for _, c := range classes {
		if err := c.rt.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("close wasm runtime of %d pages: %w", c.pages, err))
		}
	}
	if err := r.cache.Close(ctx); err != nil {
		errs = append(errs, fmt.Errorf("close wasm compilation cache: %w", err))
	}
	return errors.Join(errs...)
}

// Stats answers the runtime's counters.
func (r *Runtime) Stats() Stats {
	return Stats{
		Calls: r.calls.Load(), Compiled: r.compiled.Load(), Instantiated: r.instantiated.Load(),
		Reused: r.reused.Load(), Discarded: r.discarded.Load(),
	}
}

// class answers the runtime of a memory class, creating it on first use.
func (r *Runtime) class(ctx context.Context, pages uint32) (*class, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	if c := r.classes[pages]; c != nil {
		return c, nil
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCompilationCache(r.cache).
		WithMemoryLimitPages(pages).
		WithCloseOnContextDone(true))
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("wasi for the %d-page class: %w", pages, err)
	}
	if _, err := hostModule(rt).Instantiate(ctx); err != nil {
		_ = rt.Close(ctx)
		return nil, fmt.Errorf("host functions for the %d-page class: %w", pages, err)
	}
	c := &class{pages: pages, rt: rt, mods: map[string]*module{}}
	r.classes[pages] = c
	return c, nil
}

// module answers hash compiled in the memory class, compiling it once
// (concurrent callers wait for the first).
func (r *Runtime) module(ctx context.Context, pages uint32, hash string) (*module, error) {
	c, err := r.class(ctx, pages)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	m := c.mods[hash]
	if m == nil {
		m = &module{hash: hash, class: c, ready: make(chan struct{}), idle: map[string][]*instance{}}
		c.mods[hash] = m
		c.mu.Unlock()
		m.cm, m.err = r.compile(context.WithoutCancel(ctx), c, hash) // waiters must not inherit this caller's cancellation
		if m.err != nil {
			c.mu.Lock()
			delete(c.mods, hash) // a later call may succeed (a transient source error)
			c.mu.Unlock()
		}
		close(m.ready)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-m.ready:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for module %s: %w", short(hash), ctx.Err())
	}
	if m.err != nil {
		return nil, m.err
	}
	return m, nil
}

// compile fetches, verifies, compiles and validates a module.
func (r *Runtime) compile(ctx context.Context, c *class, hash string) (wazero.CompiledModule, error) {
	r.mu.Lock()
	wasm := r.wasm[hash]
	r.mu.Unlock()
	if wasm == nil {
		if r.cfg.Source == nil {
			return nil, fmt.Errorf("%w: %s", ErrUnknownModule, hash)
		}
		b, err := r.cfg.Source.Module(ctx, hash)
		if err != nil {
			return nil, fmt.Errorf("load module %s: %w", short(hash), err)
		}
		if got := Hash(b); got != hash {
			return nil, fmt.Errorf("load module %s: the source answered bytes of %s", short(hash), short(got))
		}
		wasm = b
	}
	start := time.Now()
	cm, err := c.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("compile module %s: %w", short(hash), err)
	}
	if err := checkABI(cm); err != nil {
		_ = cm.Close(ctx)
		return nil, fmt.Errorf("module %s: %w", short(hash), err)
	}
	r.compiled.Add(1)
	r.log.Debug("wasm module compiled", "module", short(hash), "memory_pages", c.pages, "took", time.Since(start))
	return cm, nil
}

// Validate checks that wasm is a module Temper can run: valid
// WebAssembly exporting the ABI (memory, _initialize, temper_abi_v1,
// alloc, run) and importing only the host functions and WASI. It uses
// wazero's interpreter, so it is cheap enough for an upload handler.
func Validate(ctx context.Context, wasm []byte) error {
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer func() { _ = rt.Close(ctx) }()
	cm, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return fmt.Errorf("invalid wasm module: %w", err)
	}
	return checkABI(cm)
}

// checkABI checks a compiled module's exports and imports.
func checkABI(cm wazero.CompiledModule) error {
	var errs []error
	if _, ok := cm.ExportedMemories()[abi.ExportMemory]; !ok {
		errs = append(errs, fmt.Errorf("exports no memory %q", abi.ExportMemory))
	}
	fns := cm.ExportedFunctions()
	want := []struct {
		name            string
		params, results []api.ValueType
	}{
		{abi.ExportInitialize, nil, nil},
		{abi.ExportABIVersion, nil, nil},
		{abi.ExportAlloc, []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
		{abi.ExportRun, []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI64}},
	}
	for _, w := range want {
		f, ok := fns[w.name]
		if !ok {
			errs = append(errs, fmt.Errorf("exports no function %q (build a reactor with the guest SDK: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared)", w.name))
			continue
		}
		if !sameTypes(f.ParamTypes(), w.params) || !sameTypes(f.ResultTypes(), w.results) {
			errs = append(errs, fmt.Errorf("export %q has the signature %v -> %v, want %v -> %v", w.name, f.ParamTypes(), f.ResultTypes(), w.params, w.results))
		}
	}
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		switch {
		case mod == abi.WASIModule:
		case mod == abi.ImportModule && (name == abi.ImportHTTP || name == abi.ImportLog || name == abi.ImportResult):
		default:
			errs = append(errs, fmt.Errorf("imports %s.%s, which the host does not provide", mod, name))
		}
	}
	for _, m := range cm.ImportedMemories() {
		mod, name, _ := m.Import()
		errs = append(errs, fmt.Errorf("imports the memory %s.%s; a module must define its own", mod, name))
	}
	return errors.Join(errs...)
}

func sameTypes(a, b []api.ValueType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// instance is one instantiated module: its memory and exports, and the
// console its stdout and stderr write to.
type instance struct {
	m       *module
	tenant  string
	mod     api.Module
	mem     api.Memory
	alloc   api.Function
	run     api.Function
	console *console
	served  int
}

// get answers an idle instance of the tenant, or a new one.
func (r *Runtime) get(ctx context.Context, m *module, tenant string, st *callState) (*instance, bool, error) {
	m.mu.Lock()
	if idle := m.idle[tenant]; len(idle) > 0 {
		in := idle[len(idle)-1]
		m.idle[tenant] = idle[:len(idle)-1]
		m.mu.Unlock()
		in.console.attach(st)
		r.reused.Add(1)
		return in, true, nil
	}
	m.mu.Unlock()
	in := &instance{m: m, tenant: tenant, console: &console{}}
	in.console.attach(st)
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: a module may have many instances
		WithStartFunctions(abi.ExportInitialize).
		WithStdout(in.console.writer(false)).
		WithStderr(in.console.writer(true)).
		WithSysWalltime().
		WithSysNanotime().
		WithNanosleep(sleepSliced).
		WithRandSource(rand.Reader)
	mod, err := m.class.rt.InstantiateModule(ctx, m.cm, cfg)
	if err == nil && mod.IsClosed() {
		err = errors.New("the module exited during initialization") // wazero answers no error for exit code 0
	}
	if err != nil {
		in.console.detach()
		return nil, false, err
	}
	r.instantiated.Add(1)
	in.mod = mod
	in.mem = mod.ExportedMemory(abi.ExportMemory)
	in.alloc = mod.ExportedFunction(abi.ExportAlloc)
	in.run = mod.ExportedFunction(abi.ExportRun)
	return in, false, nil
}

// put returns a healthy instance to the pool, or closes it.
func (r *Runtime) put(ctx context.Context, in *instance, healthy bool) {
	in.console.detach()
	m := in.m
	if healthy && r.cfg.MaxIdle > 0 && !in.mod.IsClosed() && !in.worn() {
		m.mu.Lock()
		if !m.evicted && len(m.idle[in.tenant]) < r.cfg.MaxIdle {
			m.idle[in.tenant] = append(m.idle[in.tenant], in)
			m.mu.Unlock()
			return
		}
		m.mu.Unlock()
	}
	r.discarded.Add(1)
	_ = in.mod.Close(ctx)
}

// maxServed retires an instance after this many calls, bounding what a
// module that leaks memory or state across calls can accumulate.
const maxServed = 10000

// worn reports an instance that should not serve again: it served
// maxServed calls, or its memory grew past three quarters of its class
// (the next call would likely run out).
func (in *instance) worn() bool {
	return in.served >= maxServed || uint64(in.mem.Size()) > uint64(in.m.class.pages)*PageSize/4*3
}

// sleepSliced is the guest's nanosleep: it sleeps at most 20 ms at a
// time, so a guest blocked in a long sleep returns to WebAssembly code,
// where wazero notices the call's deadline. The Go runtime sleeps again
// when woken early.
func sleepSliced(ns int64) {
	time.Sleep(min(time.Duration(ns), 20*time.Millisecond))
}

// console captures an instance's stdout and stderr for the call it
// serves, within MaxConsoleBytes each; outside a call, writes are
// dropped.
type console struct {
	mu sync.Mutex
	st *callState
}

func (c *console) attach(st *callState) { c.mu.Lock(); c.st = st; c.mu.Unlock() }
func (c *console) detach()              { c.mu.Lock(); c.st = nil; c.mu.Unlock() }

func (c *console) writer(stderr bool) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.st != nil {
			b := &c.st.stdout
			if stderr {
				b = &c.st.stderr
			}
			if room := MaxConsoleBytes - b.Len(); room > 0 {
				b.Write(p[:min(len(p), room)])
			}
		}
		return len(p), nil
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// short abbreviates a hash for messages.
func short(hash string) string {
	h := strings.TrimPrefix(hash, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}
