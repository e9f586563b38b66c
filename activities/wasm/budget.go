package wasm

import (
	"errors"
	"fmt"
	"time"
)

// PageSize is the size of a WebAssembly memory page.
const PageSize = 65536

// MemoryClassPages is the granularity of memory budgets: a budget is
// rounded up to a multiple of it. The Go runtime grows a guest's heap in
// 4 MiB arenas, so a finer budget buys nothing, and coarser classes mean
// fewer wazero runtimes (the memory limit is a runtime setting).
const MemoryClassPages = 64

// Hard caps: no budget exceeds them, whatever a spec declares.
const (
	MaxMemoryPages      = 4096 // 256 MiB
	MaxTimeout          = 2 * time.Minute
	MaxOutputBytes      = 8 << 20
	MaxResponseBytes    = 32 << 20
	MaxHostCalls        = 1024
	MaxLogMessageBytes  = 4 << 10 // longer log messages are truncated
	MaxConsoleBytes     = 16 << 10
	MaxRequestBodyBytes = 16 << 20
)

// Budget bounds one call. A zero field takes its default
// (DefaultBudget); Resolve clamps every field to its hard cap.
type Budget struct {
	// MemoryPages is the most linear memory the instance may have, in 64
	// KiB pages, rounded up to a multiple of MemoryClassPages. A Go
	// guest starts at about 48 pages.
	MemoryPages uint32 `json:"memory_pages,omitempty"`
	// Timeout is the call's deadline, host calls included. wazero has no
	// fuel: the instance is closed when the deadline passes.
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxOutputBytes bounds the module's output JSON.
	MaxOutputBytes int `json:"max_output_bytes,omitempty"`
	// MaxResponseBytes bounds the body of each HTTP response the module
	// receives.
	MaxResponseBytes int `json:"max_response_bytes,omitempty"`
	// MaxHostCalls bounds the host calls (http and log) of one call.
	MaxHostCalls int `json:"max_host_calls,omitempty"`
}

// DefaultBudget is the budget of a call that declares none.
func DefaultBudget() Budget {
	return Budget{
		MemoryPages:      512, // 32 MiB
		Timeout:          10 * time.Second,
		MaxOutputBytes:   1 << 20,
		MaxResponseBytes: 4 << 20,
		MaxHostCalls:     32,
	}
}

// Caps is the largest budget a call may have.
func Caps() Budget {
	return Budget{
		MemoryPages:      MaxMemoryPages,
		Timeout:          MaxTimeout,
		MaxOutputBytes:   MaxOutputBytes,
		MaxResponseBytes: MaxResponseBytes,
		MaxHostCalls:     MaxHostCalls,
	}
}

// Validate reports every field that is negative or above its cap, by
// its JSON name (for the spec's error messages).
func (b Budget) Validate() error {
	c := Caps()
	var errs []error
	check := func(name string, v, limit int64) {
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("%s: %d is negative", name, v))
		case v > limit:
			errs = append(errs, fmt.Errorf("%s: %d exceeds the cap %d", name, v, limit))
		}
	}
	check("memory_pages", int64(b.MemoryPages), int64(c.MemoryPages))
	check("timeout", int64(b.Timeout), int64(c.Timeout))
	check("max_output_bytes", int64(b.MaxOutputBytes), int64(c.MaxOutputBytes))
	check("max_response_bytes", int64(b.MaxResponseBytes), int64(c.MaxResponseBytes))
	check("max_host_calls", int64(b.MaxHostCalls), int64(c.MaxHostCalls))
	return errors.Join(errs...)
}

// Resolve fills zero fields with the defaults, clamps every field to its
// cap and rounds the memory up to its class.
func (b Budget) Resolve() Budget {
	d, c := DefaultBudget(), Caps()
	pick := func(v, def, limit int64) int64 {
		if v <= 0 {
			v = def
		}
		return min(v, limit)
	}
	r := Budget{
		MemoryPages:      uint32(pick(int64(b.MemoryPages), int64(d.MemoryPages), int64(c.MemoryPages))),
		Timeout:          time.Duration(pick(int64(b.Timeout), int64(d.Timeout), int64(c.Timeout))),
		MaxOutputBytes:   int(pick(int64(b.MaxOutputBytes), int64(d.MaxOutputBytes), int64(c.MaxOutputBytes))),
		MaxResponseBytes: int(pick(int64(b.MaxResponseBytes), int64(d.MaxResponseBytes), int64(c.MaxResponseBytes))),
		MaxHostCalls:     int(pick(int64(b.MaxHostCalls), int64(d.MaxHostCalls), int64(c.MaxHostCalls))),
	}
	r.MemoryPages = (r.MemoryPages + MemoryClassPages - 1) / MemoryClassPages * MemoryClassPages
	return r
}
