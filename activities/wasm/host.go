package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// callState is what the host functions know of the call they serve. It
// travels in the context wazero passes them; a call runs on one
// goroutine, so it needs no lock.
type callState struct {
	budget     Budget
	authorizer Authorizer
	secrets    Secrets
	guard      netGuard
	logger     *slog.Logger
	redact     redactor

	hostCalls     int
	statuses      map[int]bool // HTTP error statuses received
	networkErrors int
	// abort is why a host function ended the call (a *Failure, or a
	// platform error); the call's error then stands for it.
	abort error
	// pending is the result of the last host call, until the guest
	// copies it.
	pending []byte

	stdout, stderr bytes.Buffer
	client         *http.Client
}

func newCallState(c Call, b Budget, log *slog.Logger, module string) *callState {
	if c.Logger != nil {
		log = c.Logger
	}
	return &callState{
		budget: b, authorizer: c.Authorizer, secrets: c.Secrets,
		guard:    netGuard{allow: c.AllowPrivate},
		logger:   log.With("module", module),
		statuses: map[int]bool{},
	}
}

// close releases the call's idle connections: connections are never
// shared between calls, whose allowlists may differ.
func (st *callState) close() {
	if st.client != nil {
		st.client.CloseIdleConnections()
	}
}

// fail records why the call ends (the first reason wins).
func (st *callState) fail(err error) {
	if st.abort == nil {
		st.abort = err
	}
}

// stop ends the call from inside a host function: wazero unwinds the
// module's stack, and the instance is discarded (its runtime stopped
// mid-flight).
func (st *callState) stop(err error) {
	st.fail(err)
	panic(errAborted)
}

type stateKey struct{}

func withState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(stateKey{}).(*callState)
	if st == nil {
		panic("wasm host function called outside a call")
	}
	return st
}

// hostModule defines the "temper" import module. The functions are the
// same for every call; the call they serve comes from the context.
func hostModule(rt wazero.Runtime) wazero.HostModuleBuilder {
	i32 := api.ValueTypeI32
	return rt.NewHostModuleBuilder(abi.ImportModule).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostHTTP), []api.ValueType{i32, i32}, []api.ValueType{i32}).
		WithParameterNames("ptr", "len").Export(abi.ImportHTTP).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostLog), []api.ValueType{i32, i32, i32}, nil).
		WithParameterNames("level", "ptr", "len").Export(abi.ImportLog).
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(hostResult), []api.ValueType{i32, i32}, []api.ValueType{i32}).
		WithParameterNames("ptr", "cap").Export(abi.ImportResult)
}

// count charges one host call against the budget.
func (st *callState) count() {
	st.hostCalls++
	if st.hostCalls > st.budget.MaxHostCalls {
		st.stop(&Failure{Kind: KindBudget, Budget: BudgetHostCalls,
			Message: fmt.Sprintf("more than %d host calls", st.budget.MaxHostCalls)})
	}
}

// read copies n bytes at ptr out of the module's memory.
func (st *callState) read(mod api.Module, ptr, n uint32) []byte {
	b, ok := mod.Memory().Read(ptr, n)
	if !ok {
		st.stop(&Failure{Kind: KindTrap, Message: fmt.Sprintf("a host call passed %d bytes at %#x, outside the module's memory", n, ptr)})
	}
	return bytes.Clone(b)
}

// hostHTTP is http(ptr, len) -> len of the pending HTTPResult.
func hostHTTP(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	st.count()
	ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	if n > MaxRequestBodyBytes*2 { // JSON with a base64 body
		st.stop(&Failure{Kind: KindBudget, Budget: BudgetRequest, Message: fmt.Sprintf("an HTTP request of %d bytes", n)})
	}
	var req abi.HTTPRequest
	var res abi.HTTPResult
	if err := json.Unmarshal(st.read(mod, ptr, n), &req); err != nil {
		res.Error = &abi.Error{Kind: abi.ErrInvalid, Message: "the request is not an HTTPRequest JSON object"}
	} else {
		res = st.http(ctx, req)
	}
	st.pending, _ = json.Marshal(res) // strings, ints and bytes always marshal
	stack[0] = api.EncodeU32(uint32(len(st.pending)))
}

// hostResult is result(ptr, cap) -> bytes copied.
func hostResult(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	ptr, capacity := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	b := st.pending[:min(len(st.pending), int(capacity))]
	if !mod.Memory().Write(ptr, b) {
		st.stop(&Failure{Kind: KindTrap, Message: fmt.Sprintf("result passed a buffer at %#x, outside the module's memory", ptr)})
	}
	st.pending = nil
	stack[0] = api.EncodeU32(uint32(len(b)))
}

// hostLog is log(level, ptr, len).
func hostLog(ctx context.Context, mod api.Module, stack []uint64) {
	st := stateFrom(ctx)
	st.count()
	level := slog.Level(api.DecodeI32(stack[0]))
	ptr, n := api.DecodeU32(stack[1]), api.DecodeU32(stack[2])
	truncated := n > MaxLogMessageBytes
	msg := st.read(mod, ptr, min(n, MaxLogMessageBytes))
	for i := 0; truncated && i < utf8.UTFMax-1 && len(msg) > 0 && !utf8.Valid(msg); i++ {
		msg = msg[:len(msg)-1] // do not cut a rune in half
	}
	text := st.redact.string(string(msg))
	if truncated {
		text += "…"
	}
	st.logger.Log(ctx, level, text, "source", "wasm")
}
