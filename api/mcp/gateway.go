package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"go.starlark.net/starlark"

	"github.com/temperhq/temper/identity"
)

// maxResponse bounds the body of one in-process gateway answer.
const maxResponse = 8 << 20

// caller is who runs a script: the credentials of the MCP request,
// forwarded on every in-process gateway request so the gateway
// authenticates and authorizes each call exactly as it would over HTTP.
type caller struct {
	// authorization is the Authorization header (a bearer token), or "".
	authorization string
	// principalHeader is X-Temper-Principal when that is how the MCP
	// request authenticated (temper dev --insecure-principal-header, from
	// loopback), or "".
	principalHeader string
	// remoteAddr is the MCP client's address: the gateway trusts the
	// principal header only from loopback, so it must see the same one.
	remoteAddr string
	// principal is who the MCP request authenticated as.
	principal identity.Principal
}

// gateway sends in-process requests to the gateway's own handler: the one
// path every call takes, with Cedar, decisions and trajectories.
type gateway struct {
	h           http.Handler
	caller      caller
	traceparent string
}

// response is one gateway answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request; path holds the escaped path and query.
func (g *gateway) do(ctx context.Context, method, path string, body []byte, headers ...string) (*response, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://localhost"+path, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.RemoteAddr = g.caller.remoteAddr
	req.RequestURI = path
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if g.caller.authorization != "" {
		req.Header.Set("Authorization", g.caller.authorization)
	} else if g.caller.principalHeader != "" {
		req.Header.Set(identity.Header, g.caller.principalHeader)
	}
	if g.traceparent != "" {
		req.Header.Set("traceparent", g.traceparent)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := &recorder{header: http.Header{}}
	g.h.ServeHTTP(rec, req)
	if rec.overflow {
		return nil, fmt.Errorf("%s %s: the answer is larger than %d bytes; ask for less ($select, $top)", method, path, maxResponse)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &response{status: rec.status, header: rec.header, body: rec.body.Bytes()}, nil
}

// recorder is the http.ResponseWriter of an in-process request.
type recorder struct {
	header   http.Header
	status   int
	body     bytes.Buffer
	overflow bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	if r.body.Len()+len(b) > maxResponse {
		r.overflow = true
		return 0, errors.New("response too large")
	}
	return r.body.Write(b)
}

// Flush lets handlers that stream flush; the answer is buffered anyway.
func (r *recorder) Flush() {}

// APIError is an error answer of the gateway to a temper call: the HTTP
// status and the OData (or governance API) error's code and message. It
// ends the script unless the call ran under temper.attempt.
type APIError struct {
	Call    string
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %d %s: %s", e.Call, e.Status, e.Code, e.Message)
}

// errorBody is the error JSON the gateway answers.
type errorBody struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

// result turns an answer into the script's value: the JSON body as
// Starlark values (without @odata.context), None for an empty body, a
// denial as data, any other error answer as an *APIError.
func (g *gateway) result(ctx context.Context, call string, r *response) (starlark.Value, error) {
	var eb errorBody
	_ = json.Unmarshal(r.body, &eb)
	if r.status == http.StatusForbidden && eb.Error != nil {
		return g.denial(ctx, r, eb)
	}
	if eb.Error != nil {
		return nil, &APIError{Call: call, Status: r.status, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	if r.status >= 400 {
		return nil, &APIError{Call: call, Status: r.status, Code: strings.ReplaceAll(http.StatusText(r.status), " ", ""), Message: strings.TrimSpace(string(r.body))}
	}
	if len(bytes.TrimSpace(r.body)) == 0 {
		return starlark.None, nil
	}
	v, err := fromJSON(r.body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", call, err)
	}
	if d, ok := v.(*starlark.Dict); ok {
		_, _, _ = d.Delete(starlark.String("@odata.context"))
	}
	return v, nil
}

// denial is a 403 as data: a script learns the decision to poll instead
// of crashing. A forbid is final and has no decision.
func (g *gateway) denial(ctx context.Context, r *response, eb errorBody) (starlark.Value, error) {
	out := map[string]any{"denied": true, "code": eb.Error.Code, "message": eb.Error.Message}
	id := r.header.Get("Temper-Decision")
	if id == "" {
		for _, d := range eb.Error.Details {
			if d.Code == "Decision" {
				id = d.Message
			}
		}
	}
	if id == "" {
		out["decision_id"] = nil
		out["hint"] = "refused by a forbid policy (or a rule no approval lifts): do not retry"
		return fromGo(out)
	}
	out["decision_id"] = id
	out["status"] = "pending"
	// The decision's own record says whether it is still pending and
	// what it is about; an agent may read its own decisions.
	if dr, err := g.do(ctx, http.MethodGet, "/api/decisions/"+pathEscape(id), nil); err == nil && dr.status == http.StatusOK {
		var d struct {
			Status       string `json:"status"`
			App          string `json:"app"`
			Action       string `json:"action"`
			ResourceType string `json:"resource_type"`
			ResourceID   string `json:"resource_id"`
		}
		if json.Unmarshal(dr.body, &d) == nil {
			out["status"], out["app"], out["action"] = d.Status, d.App, d.Action
			out["resource"] = map[string]any{"type": d.ResourceType, "id": d.ResourceID}
		}
	}
	switch out["status"] {
	case "pending":
		out["hint"] = "a human must approve this: call temper.poll_decision(decision_id, 30) to wait for the answer, then repeat the call"
	case "approved":
		out["hint"] = "approved: repeat the call"
	default:
		out["hint"] = "a human denied this request; repeating it names the same decision"
	}
	return fromGo(out)
}
