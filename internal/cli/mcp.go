package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/temperhq/temper/identity"
)

// mcpCmd bridges MCP clients that speak only stdio to a running Temper's
// streamable HTTP endpoint: it serves the remote tools on stdin/stdout
// and forwards every call.
type mcpCmd struct{}

func (*mcpCmd) name() string { return "mcp" }
func (*mcpCmd) synopsis() string {
	return "mcp --url URL [--token T | --agent-id ID]: a stdio MCP server forwarding to a running Temper's /mcp"
}

const mcpUsage = `mcp --url URL [--token T | --agent-id ID]
Serves MCP on stdin/stdout and forwards to URL's /mcp (the execute tool),
as the agent of the token, or with --agent-id as Agent::"ID" through the
X-Temper-Principal header (only a temper dev --insecure-principal-header
on loopback accepts that). Logs go to stderr.`

type stdinKey struct{}

// WithStdin returns a context whose commands read r as their standard
// input (temper mcp); without it they read os.Stdin. Tests drive the
// stdio bridge through it.
func WithStdin(ctx context.Context, r io.Reader) context.Context {
	return context.WithValue(ctx, stdinKey{}, r)
}

func stdin(ctx context.Context) io.Reader {
	if r, ok := ctx.Value(stdinKey{}).(io.Reader); ok {
		return r
	}
	return os.Stdin
}

func (*mcpCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("mcp", stderr, mcpUsage)
	helped := false
	usage := fset.Usage
	fset.Usage = func() { helped = true; usage() }
	serverURL := fset.String("url", os.Getenv("TEMPER_URL"), "the Temper server `URL` (default $TEMPER_URL); /mcp is added unless given")
	token := fset.String("token", "", "an agent's bearer `token` (default $TEMPER_TOKEN)")
	agentID := fset.String("agent-id", "", "act as Agent::\"`ID`\" through X-Temper-Principal (temper dev --insecure-principal-header only)")
	if err := parseFlags(fset, args); err != nil || helped {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("%w: mcp takes no arguments, got %q", ErrUsage, fset.Arg(0))
	}
	if *serverURL == "" {
		return fmt.Errorf("%w: no server: pass --url or set TEMPER_URL", ErrUsage)
	}
	set := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var header, value, who string
	switch {
	case set["token"] && set["agent-id"]:
		return fmt.Errorf("%w: pass --token or --agent-id, not both", ErrUsage)
	case *agentID != "":
		header, value = identity.Header, identity.Principal{Kind: identity.Agent, ID: *agentID}.String()
		who = value
	case *token != "":
		header, value, who = "Authorization", "Bearer "+*token, "the token's principal"
	case os.Getenv("TEMPER_TOKEN") != "":
		header, value, who = "Authorization", "Bearer "+os.Getenv("TEMPER_TOKEN"), "the principal of $TEMPER_TOKEN"
	default:
		return fmt.Errorf("%w: no identity: pass --token (or set TEMPER_TOKEN) or --agent-id", ErrUsage)
	}
	endpoint := strings.TrimRight(*serverURL, "/")
	if !strings.HasSuffix(endpoint, "/mcp") {
		endpoint += "/mcp"
	}

	client := sdk.NewClient(&sdk.Implementation{Name: "temper-mcp-bridge", Version: "dev"}, nil)
	remote, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, DisableStandaloneSSE: true,
		HTTPClient: &http.Client{Transport: withHeader{name: header, value: value, base: http.DefaultTransport}}}, nil)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", endpoint, err)
	}
	defer remote.Close()
	init := remote.InitializeResult()
	srv := sdk.NewServer(&sdk.Implementation{Name: "temper", Title: "Temper (via temper mcp)", Version: init.ServerInfo.Version},
		&sdk.ServerOptions{Instructions: init.Instructions})
	n := 0
	for tool, err := range remote.Tools(ctx, nil) {
		if err != nil {
			return fmt.Errorf("list the tools of %s: %w", endpoint, err)
		}
		srv.AddTool(tool, forward(remote, tool.Name))
		n++
	}
	fmt.Fprintf(stderr, "temper mcp: serving %s on stdio: %s as %s\n", plural(n, "tool"), endpoint, who)
	err = srv.Run(ctx, &sdk.IOTransport{Reader: io.NopCloser(stdin(ctx)), Writer: nopWriteCloser{stdout}})
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, sdk.ErrConnectionClosed) || ctx.Err() != nil {
		return nil
	}
	return err
}

// forward calls the remote tool with the arguments as they came; a
// failure to reach the server is a tool error the agent reads.
func forward(remote *sdk.ClientSession, name string) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		res, err := remote.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: req.Params.Arguments})
		if err != nil {
			return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: "temper mcp: " + err.Error()}}, IsError: true}, nil
		}
		return res, nil
	}
}

// withHeader sets one header on every request.
type withHeader struct {
	name, value string
	base        http.RoundTripper
}

func (h withHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return h.base.RoundTrip(r)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }
