package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/temperhq/temper/api/mcp"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// principals is an in-memory token store for the bridge test.
type principals struct {
	mu sync.Mutex
	m  map[string]store.Principal
}

func (p *principals) CreatePrincipal(_ context.Context, sp store.Principal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[sp.TokenHash] = sp
	return nil
}

func (p *principals) PrincipalByToken(_ context.Context, hash string) (store.Principal, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sp, ok := p.m[hash]
	if !ok {
		return sp, store.ErrNotFound
	}
	return sp, nil
}

// mcpServer serves /mcp with a gateway that only answers whoami, with the
// same authenticator (bearer tokens, and X-Temper-Principal from
// loopback, as temper dev --insecure-principal-header).
func mcpServer(t *testing.T) (url, token string) {
	t.Helper()
	ps := &principals{m: map[string]store.Principal{}}
	tok, err := identity.Issue(context.Background(), ps, identity.Principal{Kind: identity.Agent, ID: "agent-a"}, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	auth := &identity.Authenticator{Store: ps, InsecureHeader: true}
	gw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := auth.Authenticate(r.Context(), r)
		if err != nil || r.URL.Path != "/api/whoami" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error": {"code": "Unauthenticated", "message": "no"}}`)
			return
		}
		_ = json.NewEncoder(w).Encode(p)
	})
	mux := http.NewServeMux()
	mux.Handle("/mcp", mcp.NewHandler(mcp.Config{Gateway: gw, Auth: auth}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL, tok
}

// TestMCPBridge runs temper mcp with pipes for stdin and stdout, connects
// the Go SDK's client to it, lists the forwarded tools and calls execute
// as the token's agent and as an --agent-id.
func TestMCPBridge(t *testing.T) {
	url, tok := mcpServer(t)
	tests := []struct {
		name    string
		args    []string
		want    string
		wantErr string
	}{
		{"token", []string{"--url", url, "--token", tok}, `"agent-a"`, ""},
		{"token, URL with /mcp", []string{"--url", url + "/mcp/", "--token", tok}, `"agent-a"`, ""},
		{"agent id", []string{"--url", url, "--agent-id", "agent-x"}, `"agent-x"`, ""},
		{"unknown token", []string{"--url", url, "--token", "temper_nope"}, "", "connect to " + url + "/mcp"},
		{"token and agent id", []string{"--url", url, "--token", tok, "--agent-id", "x"}, "", "not both"},
		{"no server", []string{"--token", tok, "--url", ""}, "", "no server"},
		{"arguments", []string{"--url", url, "--token", tok, "extra"}, "", "no arguments"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			var stderr bytes.Buffer
			errc := make(chan error, 1)
			go func() {
				err := Run(WithStdin(ctx, inR), append([]string{"mcp"}, tc.args...), outW, &stderr)
				_ = outW.CloseWithError(io.EOF)
				errc <- err
			}()
			if tc.wantErr != "" {
				err := <-errc
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			cl := sdk.NewClient(&sdk.Implementation{Name: "stdio-client", Version: "1"}, nil)
			cs, err := cl.Connect(ctx, &sdk.IOTransport{Reader: outR, Writer: inW}, nil)
			if err != nil {
				t.Fatalf("connect over stdio: %v (stderr: %s)", err, stderr.String())
			}
			tools, err := cs.ListTools(ctx, nil)
			if err != nil || len(tools.Tools) != 1 || tools.Tools[0].Name != "execute" || !strings.Contains(tools.Tools[0].Description, "temper.submit_specs") {
				t.Fatalf("tools: %v %+v", err, tools)
			}
			res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "execute", Arguments: map[string]any{"script": "print('hi')\nreturn await temper.agent_id()"}})
			if err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(res.StructuredContent)
			var o mcp.Outcome
			if err := json.Unmarshal(out, &o); err != nil || res.IsError || string(o.Result) != tc.want || o.Output != "hi\n" || o.Calls != 1 {
				t.Fatalf("execute: %s (%v)", out, err)
			}
			if res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "execute", Arguments: map[string]any{"script": "while True:\n    pass"}}); err != nil ||
				!res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, "step limit") {
				t.Fatalf("endless loop: %v %+v", err, res)
			}
			_ = cs.Close()
			select {
			case err := <-errc:
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Fatalf("temper mcp: %v\n%s", err, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("temper mcp did not stop when stdin closed")
			}
			if !strings.Contains(stderr.String(), "serving 1 tool on stdio") || strings.Contains(stderr.String(), tok) {
				t.Errorf("stderr: %s", stderr.String())
			}
		})
	}
}
