//go:build wasip1

package guest

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/temperhq/temper/activities/wasm/abi"
)

//go:wasmimport temper http
func hostHTTP(ptr unsafe.Pointer, size uint32) uint32

//go:wasmimport temper result
func hostResult(ptr unsafe.Pointer, capacity uint32) uint32

// Request is an outgoing HTTP request. URL (path, query and fragment),
// header values and Body may hold secret templates from Secret.
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   []byte
}

// Response is the host's answer. Secret values sent by this call are
// redacted from Header and Body.
type Response struct {
	Status int
	Header map[string]string
	Body   []byte
}

// Err answers a *StatusError for a status of 400 or more, else nil.
// Returned from the handler, it becomes an http_status failure.
func (r *Response) Err() error {
	if r.Status >= 400 {
		return &StatusError{Status: r.Status, Body: r.Body}
	}
	return nil
}

// StatusError is an HTTP response with an error status.
type StatusError struct {
	Status int
	Body   []byte
}

// Error implements error.
func (e *StatusError) Error() string {
	body := e.Body
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Sprintf("http status %d: %s", e.Status, body)
}

// HostError is an error the host answered: its Kind is abi.ErrNetwork
// (no response), abi.ErrInvalid (a malformed request) or abi.ErrSecret
// (a secret that is not set).
type HostError struct {
	Kind    string
	Message string
}

// Error implements error.
func (e *HostError) Error() string { return e.Kind + ": " + e.Message }

// HTTP sends req through the host. A response of any status is returned
// without error; use Response.Err to treat error statuses as failures.
func HTTP(req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = "GET"
	}
	b, err := json.Marshal(abi.HTTPRequest{Method: req.Method, URL: req.URL, Header: req.Header, Body: req.Body})
	if err != nil {
		return nil, fmt.Errorf("encode the request: %w", err)
	}
	n := hostHTTP(unsafe.Pointer(unsafe.SliceData(b)), uint32(len(b)))
	var res abi.HTTPResult
	if err := json.Unmarshal(take(n), &res); err != nil {
		return nil, fmt.Errorf("decode the host's answer: %w", err)
	}
	if res.Error != nil {
		return nil, &HostError{Kind: res.Error.Kind, Message: res.Error.Message}
	}
	if res.Response == nil {
		return nil, &HostError{Kind: abi.ErrInvalid, Message: "empty answer from the host"}
	}
	return &Response{Status: res.Response.Status, Header: res.Response.Header, Body: res.Response.Body}, nil
}

// take copies the host's pending result of n bytes.
func take(n uint32) []byte {
	buf := make([]byte, n+1)
	got := hostResult(unsafe.Pointer(&buf[0]), n)
	return buf[:got]
}
