package mcp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/temperhq/temper/identity"
)

// ToolName is the name of the one tool the server offers.
const ToolName = "execute"

// Config is what the MCP handler needs.
type Config struct {
	// Gateway is the gateway's own HTTP handler; every temper call is an
	// in-process request to it carrying the caller's credentials, so it
	// is authenticated, authorized and recorded exactly like HTTP.
	Gateway http.Handler
	// Auth authenticates each MCP request (the gateway's authenticator).
	// Nil refuses every request.
	Auth *identity.Authenticator
	// Limits bound each script.
	Limits Limits
	// Logger receives the SDK's transport logs (nil: none).
	Logger *slog.Logger
	// Version is reported to clients as the server's version.
	Version string
}

// handler serves MCP over streamable HTTP.
type handler struct {
	auth *identity.Authenticator
	mcp  http.Handler
	sb   *sandbox
}

// NewHandler returns an http.Handler serving MCP's streamable HTTP
// transport with the execute tool. It is stateless: every request is
// authenticated on its own (401 with WWW-Authenticate for a missing,
// unknown or revoked token), and a tool call acts as the request's
// principal, so no session outlives or changes its caller.
func NewHandler(cfg Config) http.Handler {
	limits := cfg.Limits.withDefaults()
	h := &handler{auth: cfg.Auth,
		sb: &sandbox{gateway: cfg.Gateway, limits: limits, slots: make(chan struct{}, limits.MaxConcurrent)}}
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	srv := sdk.NewServer(&sdk.Implementation{Name: "temper", Title: "Temper", Version: version},
		&sdk.ServerOptions{Instructions: instructions, Logger: cfg.Logger})
	srv.AddTool(executeTool(limits), h.execute)
	h.mcp = sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return srv },
		&sdk.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: cfg.Logger})
	return h
}

// executeTool declares the execute tool.
func executeTool(l Limits) *sdk.Tool {
	no := false
	return &sdk.Tool{
		Name:        ToolName,
		Title:       "Run a script against Temper",
		Description: executeDescription(l),
		InputSchema: map[string]any{
			"type":                 "object",
			"properties":           map[string]any{"script": map[string]any{"type": "string", "description": scriptDescription}},
			"required":             []string{"script"},
			"additionalProperties": false,
		},
		OutputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"result":   map[string]any{"description": "the value the script returned (JSON), null after an error"},
				"output":   map[string]any{"type": "string", "description": "what the script printed"},
				"error":    map[string]any{"type": "string", "description": "why the script stopped, with its backtrace"},
				"calls":    map[string]any{"type": "integer", "description": "temper calls made"},
				"steps":    map[string]any{"type": "integer", "description": "Starlark steps run"},
				"trace_id": map[string]any{"type": "string", "description": "the trace id of every call (filter trajectories by it)"},
			},
			"required": []string{"output", "calls", "trace_id"},
		},
		Annotations: &sdk.ToolAnnotations{Title: "Run a script against Temper", OpenWorldHint: &no},
	}
}

type callerKey struct{}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.auth == nil {
		unauthorized(w, "this server has no authentication configured")
		return
	}
	p, err := h.auth.Authenticate(r.Context(), r)
	if err != nil {
		if errors.Is(err, identity.ErrUnauthenticated) {
			unauthorized(w, err.Error())
			return
		}
		writeError(w, http.StatusInternalServerError, "authentication failed")
		return
	}
	c := caller{principal: p, remoteAddr: r.RemoteAddr}
	if a := r.Header.Get("Authorization"); a != "" {
		c.authorization = a
	} else {
		c.principalHeader = r.Header.Get(identity.Header)
	}
	h.mcp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
}

// unauthorized answers 401 with a challenge and a JSON-RPC error body
// (MCP clients decode one).
func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="temper"`)
	writeError(w, http.StatusUnauthorized, msg)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": nil,
		"error": map[string]any{"code": -32001, "message": msg}})
}

// execute runs the tool: the script's outcome as structured content and
// as its JSON text; a script that failed is a tool error (isError) the
// agent reads and corrects, not a protocol error.
func (h *handler) execute(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
	c, ok := ctx.Value(callerKey{}).(caller)
	if !ok {
		return nil, errors.New("unauthenticated tool call")
	}
	var in struct {
		Script string `json:"script"`
	}
	dec := json.NewDecoder(strings.NewReader(string(req.Params.Arguments)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || strings.TrimSpace(in.Script) == "" {
		msg := "arguments: want {\"script\": \"<Starlark>\"}"
		if err != nil {
			msg += fmt.Sprintf(" (%v)", err)
		}
		return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: msg}}, IsError: true}, nil
	}
	out := h.sb.run(ctx, c, in.Script)
	text, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: string(text)}},
		StructuredContent: out, IsError: out.Error != ""}, nil
}
