package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// MaxInputBytes bounds a call's input JSON.
const MaxInputBytes = 8 << 20

// Authorizer decides every HTTP request a module makes, after the
// runtime's own forbids. The entity workflow's implementation asks Cedar
// for action http_call on HttpEndpoint::"<host>". url is the URL as the
// module wrote it: secret templates are not yet substituted.
type Authorizer interface {
	AuthorizeHTTP(ctx context.Context, host, method, url string) (Decision, error)
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, host, method, url string) (Decision, error)

// AuthorizeHTTP implements Authorizer.
func (f AuthorizerFunc) AuthorizeHTTP(ctx context.Context, host, method, url string) (Decision, error) {
	return f(ctx, host, method, url)
}

// Decision is an authorizer's answer. A deny with a DecisionID is one a
// human may approve (the failure carries it); one without is final.
type Decision struct {
	Allowed    bool
	DecisionID string
	Reason     string
}

// Secrets resolves the secrets a module's requests reference
// ({secret:name}). A missing secret is an error wrapping
// secrets.ErrNotFound; the module then gets a "secret" error. Other
// errors end the call as platform errors.
type Secrets interface {
	Secret(ctx context.Context, name string) (string, error)
}

// Call is one invocation of a module.
type Call struct {
	// Module is the module's content hash (Hash).
	Module string
	// Input is the JSON the module receives (by convention an
	// abi.Input).
	Input json.RawMessage
	// Tenant keys the instance pool: an instance, and whatever the
	// module keeps in its memory between calls, never serves two
	// tenants. The entity workflow passes the app.
	Tenant string
	// Budget bounds the call; zero fields take the defaults.
	Budget Budget
	// Authorizer decides each HTTP request. Nil denies them all.
	Authorizer Authorizer
	// Secrets resolves secret templates. Nil: no secret is set.
	Secrets Secrets
	// AllowPrivate lists the loopback, private and other non-public
	// prefixes this call may reach (for an integration with an internal
	// service, or a test server). Cloud metadata addresses stay
	// forbidden whatever it says.
	AllowPrivate []netip.Prefix
	// Logger receives the module's logs and console output. Nil: the
	// runtime's logger.
	Logger *slog.Logger
}

// Result is a call's outcome.
type Result struct {
	// Output is the module's answer (the "ok" value); nil on failure.
	Output json.RawMessage
	// HostCalls is the number of host calls the module made.
	HostCalls int
	// Duration is the call's time, instantiation included.
	Duration time.Duration
	// Reused reports that a pooled instance served the call.
	Reused bool
}

// Call runs a module. A failure of the module — a timeout, a trap, a
// denied request, a broken budget, an error it returned, a bad output —
// is a *Failure (see AsFailure); any other error is the platform's.
func (r *Runtime) Call(ctx context.Context, c Call) (Result, error) {
	start := time.Now()
	r.calls.Add(1)
	if len(c.Input) > MaxInputBytes {
		return Result{}, fmt.Errorf("wasm call input: %d bytes exceeds %d", len(c.Input), MaxInputBytes)
	}
	b := c.Budget.Resolve()
	m, err := r.module(ctx, b.MemoryPages, c.Module)
	if err != nil {
		return Result{}, r.tooSmall(ctx, b.MemoryPages, c.Module, err)
	}
	st := newCallState(c, b, r.log, short(c.Module))
	defer st.close()
	cctx, cancel := context.WithTimeout(withState(ctx, st), b.Timeout)
	defer cancel()

	res := Result{}
	in, reused, err := r.get(cctx, m, c.Tenant, st)
	if err != nil {
		res.HostCalls, res.Duration = st.hostCalls, time.Since(start)
		return res, st.finish(ctx, cctx, nil, fmt.Errorf("instantiate: %w", err))
	}
	res.Reused = reused
	in.served++
	out, healthy, err := r.invoke(cctx, in, c.Input, st)
	if err != nil {
		err = st.finish(ctx, cctx, in, err) // before put, which may close the instance
	}
	r.put(ctx, in, healthy)
	res.HostCalls, res.Duration = st.hostCalls, time.Since(start)
	if err != nil {
		return res, err
	}
	res.Output, err = st.decode(out)
	st.flushConsole(ctx, err)
	return res, err
}

// tooSmall turns the failure to compile a module in a memory class into
// a budget failure when the module compiles in the largest class and
// declares more initial memory than the budget (wazero refuses it at
// compilation).
func (r *Runtime) tooSmall(ctx context.Context, pages uint32, hash string, err error) error {
	if pages >= MaxMemoryPages || errors.Is(err, ErrUnknownModule) || ctx.Err() != nil {
		return err
	}
	big, berr := r.module(ctx, MaxMemoryPages, hash)
	if berr != nil {
		return err
	}
	if mem, ok := big.cm.ExportedMemories()[abi.ExportMemory]; ok && mem.Min() > pages {
		return &Failure{Kind: KindBudget, Budget: BudgetMemory,
			Message: fmt.Sprintf("the module needs at least %d pages of memory, over its budget of %d", mem.Min(), pages)}
	}
	return err
}

// invoke writes the input, runs the module and copies its output. It
// reports whether the instance may serve again: only when run returned
// normally with an output inside its memory.
func (r *Runtime) invoke(ctx context.Context, in *instance, input []byte, st *callState) (out []byte, healthy bool, err error) {
	res, err := in.alloc.Call(ctx, uint64(len(input)))
	if err != nil {
		return nil, false, fmt.Errorf("alloc: %w", err)
	}
	ptr := uint32(res[0])
	if !in.mem.Write(ptr, input) {
		st.fail(&Failure{Kind: KindBadOutput, Message: fmt.Sprintf("alloc answered %#x, outside the module's memory", ptr)})
		return nil, false, errAborted
	}
	res, err = in.run.Call(ctx, uint64(ptr), uint64(len(input)))
	if err != nil {
		return nil, false, err
	}
	optr, olen := uint32(res[0]>>32), uint32(res[0])
	if int64(olen) > int64(st.budget.MaxOutputBytes) {
		st.fail(&Failure{Kind: KindBudget, Budget: BudgetOutput,
			Message: fmt.Sprintf("the output has %d bytes, over the budget of %d", olen, st.budget.MaxOutputBytes)})
		return nil, true, errAborted
	}
	b, ok := in.mem.Read(optr, olen)
	if !ok {
		st.fail(&Failure{Kind: KindBadOutput, Message: fmt.Sprintf("run answered %d bytes at %#x, outside the module's memory", olen, optr)})
		return nil, false, errAborted
	}
	return bytes.Clone(b), true, nil
}

// errAborted stands for the failure recorded in the call state.
var errAborted = errors.New("wasm call aborted")

// finish turns the error of an instantiation or a run into what Call
// answers, and logs the console.
func (st *callState) finish(ctx, cctx context.Context, in *instance, err error) error {
	var out error
	switch {
	case st.abort != nil:
		out = st.abort
	case ctx.Err() != nil:
		// The caller gave up (a canceled activity, the worker stopping):
		// not the module's failure.
		out = fmt.Errorf("wasm call: %w", ctx.Err())
	case errors.Is(cctx.Err(), context.DeadlineExceeded):
		out = &Failure{Kind: KindTimeout, Message: fmt.Sprintf("the call did not finish within %v", st.budget.Timeout)}
	default:
		out = st.trap(in, err)
	}
	st.flushConsole(ctx, out)
	return out
}

// trap classifies a trap or an exit; running out of memory is a budget
// failure.
func (st *callState) trap(in *instance, err error) *Failure {
	stderr := st.stderr.String()
	var exit *sys.ExitError
	msg := firstLine(err.Error())
	if errors.As(err, &exit) {
		msg = fmt.Sprintf("the module exited with code %d", exit.ExitCode())
	}
	if head := consoleHead(stderr); head != "" {
		msg += ": " + head
	}
	msg = st.redact.string(msg)
	oom := strings.Contains(stderr, "out of memory")
	if !oom && in != nil && in.mem != nil {
		oom = uint64(in.mem.Size())+MemoryClassPages*PageSize >= uint64(st.budget.MemoryPages)*PageSize
	}
	if oom {
		return &Failure{Kind: KindBudget, Budget: BudgetMemory,
			Message: fmt.Sprintf("the module ran out of its %d pages of memory: %s", st.budget.MemoryPages, msg)}
	}
	return &Failure{Kind: KindTrap, Message: msg}
}

// decode reads the module's output JSON.
func (st *callState) decode(raw []byte) (json.RawMessage, error) {
	var o abi.Output
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&o); err != nil || dec.More() {
		return nil, &Failure{Kind: KindBadOutput, Message: "the output is not one JSON object {\"ok\": ...} or {\"error\": ...}"}
	}
	switch {
	case o.Error != nil && len(o.OK) == 0:
		return nil, st.moduleError(o.Error)
	case o.Error == nil && len(o.OK) > 0:
		return json.RawMessage(st.redact.bytes(o.OK)), nil
	}
	return nil, &Failure{Kind: KindBadOutput, Message: "the output must hold exactly one of \"ok\" and \"error\""}
}

// moduleError maps an error the module returned. A kind the host can
// vouch for keeps it: an http_status the host received in this call, a
// network error it reported in this call. Anything else is the module's
// own error.
func (st *callState) moduleError(e *abi.Error) *Failure {
	msg := st.redact.string(truncate(e.Message, 1024))
	switch e.Kind {
	case abi.ErrHTTPStatus:
		if st.statuses[e.Status] {
			return &Failure{Kind: KindHTTPStatus, Status: e.Status, Message: msg}
		}
	case abi.ErrNetwork:
		if st.networkErrors > 0 {
			return &Failure{Kind: KindNetwork, Message: msg}
		}
	}
	return &Failure{Kind: KindModule, Message: msg}
}

// flushConsole logs what the module wrote to stdout and stderr.
func (st *callState) flushConsole(ctx context.Context, err error) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	for _, c := range []struct {
		name string
		b    *bytes.Buffer
	}{{"stdout", &st.stdout}, {"stderr", &st.stderr}} {
		if c.b.Len() > 0 {
			st.logger.Log(ctx, level, "wasm module "+c.name, "text", st.redact.string(c.b.String()))
			c.b.Reset()
		}
	}
}

// consoleHead is the start of a Go guest's crash report: the lines
// before the first blank one (the goroutine dumps follow).
func consoleHead(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n\n")
	return truncate(strings.ReplaceAll(s, "\n", "; "), 512)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
