package wasm

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a failed call, for the on_failure action and for
// retries.
type Kind string

// Failure kinds.
const (
	// KindTimeout: the call's deadline passed; the instance was closed.
	KindTimeout Kind = "timeout"
	// KindTrap: the module trapped or exited (a Go guest's unrecovered
	// fatal error traps).
	KindTrap Kind = "trap"
	// KindDenied: an HTTP request was refused, by the runtime's own
	// forbids (Forbidden) or by the Authorizer (DecisionID when a human
	// may approve it).
	KindDenied Kind = "denied"
	// KindHTTPStatus: the module failed on an HTTP response with an error
	// status (Status) that the host saw in this call.
	KindHTTPStatus Kind = "http_status"
	// KindNetwork: the module failed on an HTTP request that got no
	// response, which the host saw in this call.
	KindNetwork Kind = "network"
	// KindBudget: a budget was exceeded (Budget names which).
	KindBudget Kind = "budget"
	// KindBadOutput: the module's output is not a valid Output.
	KindBadOutput Kind = "bad_output"
	// KindModule: the module returned an error of its own.
	KindModule Kind = "module"
)

// BudgetKind names the budget a KindBudget failure exceeded.
type BudgetKind string

// Budgets.
const (
	BudgetMemory    BudgetKind = "memory"
	BudgetOutput    BudgetKind = "output"
	BudgetResponse  BudgetKind = "response"
	BudgetHostCalls BudgetKind = "host_calls"
	BudgetRequest   BudgetKind = "request"
)

// Failure is a call that ran and failed in a way the spec's on_failure
// action handles. Errors that are not a *Failure (an unknown module, a
// canceled context, a storage or authorizer error) are the platform's
// and should be retried, not routed to on_failure.
type Failure struct {
	Kind    Kind   `json:"kind"`
	Message string `json:"message"`
	// Budget is set for KindBudget.
	Budget BudgetKind `json:"budget,omitempty"`
	// Status is set for KindHTTPStatus.
	Status int `json:"status,omitempty"`
	// Host, DecisionID and Forbidden are set for KindDenied: Forbidden
	// when the runtime or a forbid refused (no approval can lift it),
	// DecisionID when the authorizer opened a decision a human may
	// approve.
	Host       string `json:"host,omitempty"`
	DecisionID string `json:"decision_id,omitempty"`
	Forbidden  bool   `json:"forbidden,omitempty"`
}

// Error implements error.
func (f *Failure) Error() string {
	switch f.Kind {
	case KindBudget:
		return fmt.Sprintf("wasm %s: %s: %s", f.Kind, f.Budget, f.Message)
	case KindHTTPStatus:
		return fmt.Sprintf("wasm %s %d: %s", f.Kind, f.Status, f.Message)
	case KindDenied:
		if f.DecisionID != "" {
			return fmt.Sprintf("wasm %s (decision %s): %s", f.Kind, f.DecisionID, f.Message)
		}
	}
	return fmt.Sprintf("wasm %s: %s", f.Kind, f.Message)
}

// Retryable reports whether running the call again may succeed: a
// timeout, a network failure, or an HTTP status of 408, 429 or 5xx.
func (f *Failure) Retryable() bool {
	switch f.Kind {
	case KindTimeout, KindNetwork:
		return true
	case KindHTTPStatus:
		return f.Status == http.StatusRequestTimeout || f.Status == http.StatusTooManyRequests || f.Status >= 500
	}
	return false
}

// AsFailure answers the *Failure in err's chain.
func AsFailure(err error) (*Failure, bool) {
	var f *Failure
	ok := errors.As(err, &f)
	return f, ok
}
