package mcp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	starjson "go.starlark.net/lib/json"
	"go.starlark.net/starlark"
)

// Limits bound one script. Zero fields take the defaults.
type Limits struct {
	// MaxSteps bounds the Starlark computation steps (default 5,000,000,
	// well under a second of CPU): an endless loop ends with an error.
	MaxSteps uint64
	// Timeout bounds the whole script, waits included (default 50 s,
	// under the minute most MCP clients give a tool call).
	Timeout time.Duration
	// MaxOutput bounds what a script prints plus its result's JSON
	// (default 64 KiB).
	MaxOutput int
	// MaxCalls bounds the temper calls of one script (default 200).
	MaxCalls int
	// MaxScript bounds the script's size (default 256 KiB).
	MaxScript int
	// MaxConcurrent bounds the scripts running at once on one gateway
	// (default 8); more wait for a slot.
	MaxConcurrent int
}

func (l Limits) withDefaults() Limits {
	if l.MaxSteps == 0 {
		l.MaxSteps = 5_000_000
	}
	if l.Timeout <= 0 {
		l.Timeout = 50 * time.Second
	}
	if l.MaxOutput <= 0 {
		l.MaxOutput = 64 << 10
	}
	if l.MaxCalls <= 0 {
		l.MaxCalls = 200
	}
	if l.MaxScript <= 0 {
		l.MaxScript = 256 << 10
	}
	if l.MaxConcurrent <= 0 {
		l.MaxConcurrent = 8
	}
	return l
}

// Outcome is what a script produced: its returned value (JSON), what it
// printed, and the error that ended it, if any.
type Outcome struct {
	Result json.RawMessage `json:"result"`
	Output string          `json:"output"`
	Error  string          `json:"error,omitempty"`
	// Calls counts the script's temper calls; TraceID is the trace id
	// every one of them carried (trajectories are filed under it).
	Calls   int    `json:"calls"`
	Steps   uint64 `json:"steps"`
	TraceID string `json:"trace_id"`
}

// sandbox runs scripts against the gateway.
type sandbox struct {
	// gateway is the gateway's own handler: the temper module's calls
	// are requests to it.
	gateway http.Handler
	limits  Limits
	slots   chan struct{}
}

// run executes script as c. Starlark has no file, network, clock or
// randomness built in, and no module is loadable (load fails): the
// script reaches the world only through temper.
func (sb *sandbox) run(ctx context.Context, c caller, script string) Outcome {
	var out Outcome
	var trace [16]byte
	_, _ = rand.Read(trace[:])
	out.TraceID = hex.EncodeToString(trace[:])
	if len(script) > sb.limits.MaxScript {
		out.Error = fmt.Sprintf("the script is %d bytes; the limit is %d", len(script), sb.limits.MaxScript)
		return out
	}
	select {
	case sb.slots <- struct{}{}:
		defer func() { <-sb.slots }()
	case <-ctx.Done():
		out.Error = "cancelled while waiting for a free slot: " + ctx.Err().Error()
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, sb.limits.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()

	f, err := parseScript(ctx, "execute", script)
	if err != nil {
		out.Error = "syntax error: " + err.Error()
		return out
	}
	var span [8]byte
	_, _ = rand.Read(span[:])
	s := &session{ctx: ctx, maxCalls: sb.limits.MaxCalls, deadline: deadline, models: map[string]*edmx{},
		gw: &gateway{h: sb.gateway, caller: c, traceparent: "00-" + out.TraceID + "-" + hex.EncodeToString(span[:]) + "-01"}}

	var printed strings.Builder
	var result starlark.Value
	returned := false
	thread := &starlark.Thread{Name: "execute"}
	outputFull := fmt.Sprintf("output limit: a script may print and return at most %d bytes", sb.limits.MaxOutput)
	thread.Print = func(t *starlark.Thread, msg string) {
		room := sb.limits.MaxOutput - printed.Len()
		if len(msg)+1 > room {
			cut := max(room, 0)
			for cut > 0 && cut < len(msg) && !utf8.RuneStart(msg[cut]) {
				cut--
			}
			printed.WriteString(msg[:cut])
			t.Cancel(outputFull)
			return
		}
		printed.WriteString(msg)
		printed.WriteByte('\n')
	}
	thread.SetMaxExecutionSteps(sb.limits.MaxSteps)
	thread.OnMaxSteps = func(t *starlark.Thread) {
		t.Cancel(fmt.Sprintf("step limit: the script ran %d steps (an endless loop?)", sb.limits.MaxSteps))
	}
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			thread.Cancel(fmt.Sprintf("deadline: the script ran longer than %s", sb.limits.Timeout))
		} else {
			thread.Cancel("the request was cancelled")
		}
	})
	defer stop()

	predeclared := starlark.StringDict{
		"temper": s.module(),
		"json":   starjson.Module,
		returnBuiltin: starlark.NewBuiltin("return", func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			var v starlark.Value = starlark.None
			if err := starlark.UnpackPositionalArgs(b.Name(), args, kwargs, 0, &v); err != nil {
				return nil, err
			}
			result, returned = v, true
			t.Cancel("returned")
			return starlark.None, nil
		}),
	}
	prog, err := starlark.FileProgram(f, predeclared.Has)
	if err != nil {
		out.Error = "error: " + err.Error()
		return out
	}
	_, err = prog.Init(thread, predeclared)
	out.Calls, out.Steps, out.Output = s.calls, thread.ExecutionSteps(), printed.String()
	if err != nil && !returned {
		out.Error = describe(err)
		return out
	}
	if result == nil {
		result = starlark.None
	}
	if out.Result, err = toJSON(result); err != nil {
		out.Result = nil
		out.Error = "the returned value: " + err.Error()
		return out
	}
	if len(out.Result)+len(out.Output) > sb.limits.MaxOutput {
		out.Result = nil
		out.Error = outputFull
	}
	return out
}

// describe renders a script's error with its Starlark backtrace.
func describe(err error) string {
	var ee *starlark.EvalError
	if errors.As(err, &ee) {
		return ee.Backtrace()
	}
	return err.Error()
}
