package mcp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/temperhq/temper/api/mcp"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// memPrincipals keeps issued tokens in memory.
type memPrincipals map[string]store.Principal

func (m memPrincipals) CreatePrincipal(_ context.Context, p store.Principal) error {
	m[p.TokenHash] = p
	return nil
}

func (m memPrincipals) PrincipalByToken(_ context.Context, hash string) (store.Principal, error) {
	if p, ok := m[hash]; ok {
		return p, nil
	}
	return store.Principal{}, store.ErrNotFound
}

// An agent calls the execute tool with the official Go SDK. The gateway
// here is a stand-in that answers GET /api/whoami; on a server it is the
// gateway itself (api.New mounts the handler at /mcp).
func ExampleNewHandler() {
	ctx := context.Background()
	ps := memPrincipals{}
	token, _ := identity.Issue(ctx, ps, identity.Principal{Kind: identity.Agent, ID: "agent-a"}, "example", time.Now())
	auth := &identity.Authenticator{Store: ps}
	gateway := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := auth.Authenticate(r.Context(), r)
		if err != nil {
			http.Error(w, `{"error": {"code": "Unauthenticated", "message": "no"}}`, http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(p)
	})
	srv := httptest.NewServer(mcp.NewHandler(mcp.Config{Gateway: gateway, Auth: auth}))
	defer srv.Close()

	client := sdk.NewClient(&sdk.Implementation{Name: "example", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: bearer{token}}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: mcp.ToolName, Arguments: map[string]any{
		"script": "me = await temper.agent_id()\nprint('hello from', me)\nreturn {'me': me}",
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	out := res.StructuredContent.(map[string]any)
	fmt.Print(out["output"])
	fmt.Println(out["result"], out["calls"])
	// Output:
	// hello from agent-a
	// map[me:agent-a] 1
}
