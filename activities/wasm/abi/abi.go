// Package abi is the contract between Temper's WASM host
// (activities/wasm) and guest modules (activities/wasm/guest): the names
// of the exports and imports, and the JSON shapes that cross the
// boundary. It is a leaf package with no dependencies beyond the
// standard library, so it compiles both for the host and for
// GOOS=wasip1 GOARCH=wasm.
//
// The full description of the ABI is in the documentation of package
// activities/wasm.
package abi

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Version is the ABI version a module declares by exporting
// ExportABIVersion.
const Version = 1

// Names a module exports.
const (
	// ExportMemory is the linear memory the host reads and writes.
	ExportMemory = "memory"
	// ExportInitialize is the reactor's initializer (run once per
	// instance, before any other export).
	ExportInitialize = "_initialize"
	// ExportABIVersion is a function () -> () whose presence declares
	// ABI version 1. A later version exports temper_abi_v2, and so on.
	ExportABIVersion = "temper_abi_v1"
	// ExportAlloc is alloc(size i32) -> ptr i32: a buffer of size bytes
	// that stays valid until the next alloc or run.
	ExportAlloc = "alloc"
	// ExportRun is run(ptr i32, len i32) -> i64: it reads the input JSON
	// at ptr and answers ptr<<32 | len of the output JSON (an Output),
	// valid until the next alloc or run.
	ExportRun = "run"
)

// Names a module imports.
const (
	// ImportModule is the import module of the host functions.
	ImportModule = "temper"
	// ImportHTTP is http(ptr i32, len i32) -> i32: it sends the
	// HTTPRequest JSON at ptr and answers the length of an HTTPResult
	// that the guest then copies with ImportResult.
	ImportHTTP = "http"
	// ImportLog is log(level i32, ptr i32, len i32): a log line at a
	// slog level (-4 debug, 0 info, 4 warn, 8 error).
	ImportLog = "log"
	// ImportResult is result(ptr i32, cap i32) -> i32: it copies the
	// pending result of the last host call (at most cap bytes) to ptr,
	// answers the number of bytes copied and clears it.
	ImportResult = "result"
	// WASIModule is the only other import module a guest may use.
	WASIModule = "wasi_snapshot_preview1"
)

// Input is the conventional input the entity workflow passes to an
// integration module: where it runs and the data it may read. The host
// passes any JSON through; this is what Temper sends.
type Input struct {
	App         string `json:"app,omitempty"`
	EntityType  string `json:"entity_type,omitempty"`
	EntityID    string `json:"entity_id,omitempty"`
	Action      string `json:"action,omitempty"`
	Integration string `json:"integration,omitempty"`
	// Fields are the entity's fields after the triggering action
	// (status and state variables included).
	Fields map[string]any `json:"fields,omitempty"`
	// Params are the triggering action's parameters.
	Params map[string]any `json:"params,omitempty"`
	// Config is the [[integration]] table's config.
	Config map[string]any `json:"config,omitempty"`
}

// Output is what run answers: either OK (any JSON value; an object
// becomes the on_success action's parameters) or Error.
type Output struct {
	OK    json.RawMessage `json:"ok,omitempty"`
	Error *Error          `json:"error,omitempty"`
}

// Error kinds a guest reports, or the host reports to a guest. The host
// believes a guest's http_status or network only when it saw that
// failure itself during the call.
const (
	ErrModule     = "module"      // the module's own error
	ErrHTTPStatus = "http_status" // an HTTP response with an error status
	ErrNetwork    = "network"     // the request did not get a response
	ErrInvalid    = "invalid"     // the host refused a malformed request
	ErrSecret     = "secret"      // a referenced secret is not set
)

// Error is an error crossing the boundary.
type Error struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// Status is the HTTP status of an http_status error.
	Status int `json:"status,omitempty"`
}

// Error implements error.
func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: %d: %s", e.Kind, e.Status, e.Message)
	}
	return e.Kind + ": " + e.Message
}

// HTTPRequest is the argument of the http host function. URL, header
// values and Body may contain secret templates ({secret:name}); the host
// substitutes them just before sending. Templates are refused in the
// URL's scheme, user info, host and port.
type HTTPRequest struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// HTTPResponse is a response the host received. Multiple values of a
// header are joined with ", ". Secret values the host sent in this call
// are redacted from the header values and the body.
type HTTPResponse struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// HTTPResult is the result of the http host function: a response (of
// any status) or an error (network, invalid or secret). A denied request
// or a broken budget never returns: the host ends the call.
type HTTPResult struct {
	Response *HTTPResponse `json:"response,omitempty"`
	Error    *Error        `json:"error,omitempty"`
}

// SecretPrefix starts a secret template; SecretSuffix ends it.
const (
	SecretPrefix = "{secret:"
	SecretSuffix = "}"
)

// MaxSecretName is the longest secret name.
const MaxSecretName = 128

// SecretRef is the template that stands for the secret name:
// {secret:name}.
func SecretRef(name string) string { return SecretPrefix + name + SecretSuffix }

// ValidSecretName reports whether name may name a secret: 1 to
// MaxSecretName characters from A-Z a-z 0-9 _ . -
func ValidSecretName(name string) bool {
	if name == "" || len(name) > MaxSecretName {
		return false
	}
	return strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-')
	}) < 0
}
