package mcp_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/internal/teststack"
	"github.com/temperhq/temper/store"
)

// stack is temper dev's wiring on a real in-process Temporal server: the
// worker with the projection hook, the gate and the deploy activities, a
// SQLite store, and the gateway (which serves /mcp).
type stack struct {
	url   string
	store store.Store
	admin string
	ts    *teststack.Stack
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ts := teststack.New(t, teststack.Options{TaskQueue: "mcp"})
	return &stack{url: ts.URL, store: ts.Store, admin: ts.Admin, ts: ts}
}

func (s *stack) issue(t *testing.T, kind, id string) string { return s.ts.Issue(t, kind, id) }

// http sends a request to the gateway with token and decodes the answer.
func (s *stack) http(t *testing.T, token, method, path, body string, headers ...string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out, res.Header
}

// outcome is what one execute call answered.
type outcome struct {
	IsError bool
	Result  any
	Output  string
	Error   string
	Calls   int
	TraceID string
	Text    string
}

// agent is one principal's MCP client.
type agent interface {
	tools(t *testing.T) []*sdk.Tool
	execute(t *testing.T, script string) outcome
}

// goAgent is the official Go SDK's client over streamable HTTP.
type goAgent struct{ cs *sdk.ClientSession }

// bearer adds a token to every request of the MCP client.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func connectGo(t *testing.T, url, token string) (*sdk.ClientSession, error) {
	t.Helper()
	cl := sdk.NewClient(&sdk.Implementation{Name: "temper-e2e-go", Version: "1.0.0"}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := cl.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url + "/mcp", HTTPClient: &http.Client{Transport: bearer{token}}, MaxRetries: -1}, nil)
	if err == nil {
		t.Cleanup(func() { _ = cs.Close() })
	}
	return cs, err
}

func (a goAgent) tools(t *testing.T) []*sdk.Tool {
	t.Helper()
	res, err := a.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Tools
}

func (a goAgent) execute(t *testing.T, script string) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := a.cs.CallTool(ctx, &sdk.CallToolParams{Name: "execute", Arguments: map[string]any{"script": script}})
	if err != nil {
		t.Errorf("execute: %v", err)
		return outcome{IsError: true, Error: err.Error()}
	}
	raw, _ := json.Marshal(res)
	return decodeOutcome(t, raw)
}

// decodeOutcome reads a CallToolResult's JSON: the structured content,
// and checks the text content mirrors it.
func decodeOutcome(t *testing.T, raw []byte) outcome {
	var res struct {
		IsError           bool            `json:"isError"`
		StructuredContent json.RawMessage `json:"structuredContent"`
		Content           []struct {
			Type, Text string
		} `json:"content"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Errorf("tool result %s: %v", raw, err)
		return outcome{IsError: true}
	}
	out := outcome{IsError: res.IsError}
	if len(res.Content) == 1 {
		out.Text = res.Content[0].Text
	}
	var sc struct {
		Result  any    `json:"result"`
		Output  string `json:"output"`
		Error   string `json:"error"`
		Calls   int    `json:"calls"`
		TraceID string `json:"trace_id"`
	}
	if len(res.StructuredContent) == 0 || json.Unmarshal(res.StructuredContent, &sc) != nil {
		t.Errorf("no structured content in %s", raw)
		return out
	}
	if !jsonEqual(res.StructuredContent, []byte(out.Text)) {
		t.Errorf("the text content %s is not the structured content %s", out.Text, res.StructuredContent)
	}
	out.Result, out.Output, out.Error, out.Calls, out.TraceID = sc.Result, sc.Output, sc.Error, sc.Calls, sc.TraceID
	return out
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// nodeClient runs api/e2e/mcpclient (the official TypeScript SDK under
// Node) and talks to it one JSON line per command.
type nodeClient struct {
	mu      sync.Mutex
	stdin   io.WriteCloser
	next    int
	waiting map[int]chan json.RawMessage
}

func startNode(t *testing.T, url string) *nodeClient {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the TypeScript MCP client end-to-end test (scripts/ensure-deps installs it)")
	}
	dir := filepath.Join("..", "e2e", "mcpclient")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Fatalf("@modelcontextprotocol/sdk is not installed (run scripts/ensure-npm): %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "e2e.mjs", url+"/mcp")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &nodeClient{stdin: stdin, waiting: map[int]chan json.RawMessage{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for sc.Scan() {
			var head struct{ ID int }
			line := append([]byte(nil), sc.Bytes()...)
			if json.Unmarshal(line, &head) != nil {
				continue
			}
			n.mu.Lock()
			ch := n.waiting[head.ID]
			delete(n.waiting, head.ID)
			n.mu.Unlock()
			if ch != nil {
				ch <- line
			}
		}
	}()
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("node stderr:\n%s", stderr.String())
		}
	})
	return n
}

// call sends one command and waits for its answer.
func (n *nodeClient) call(t *testing.T, cmd map[string]any) map[string]json.RawMessage {
	n.mu.Lock()
	n.next++
	id := n.next
	ch := make(chan json.RawMessage, 1)
	n.waiting[id] = ch
	cmd["id"] = id
	line, _ := json.Marshal(cmd)
	_, err := n.stdin.Write(append(line, '\n'))
	n.mu.Unlock()
	if err != nil {
		t.Errorf("node: %v", err)
		return nil
	}
	select {
	case raw := <-ch:
		var out map[string]json.RawMessage
		_ = json.Unmarshal(raw, &out)
		if e, ok := out["error"]; ok {
			t.Errorf("node client: %s", e)
		}
		return out
	case <-time.After(3 * time.Minute):
		t.Errorf("node client: no answer to %v", cmd["op"])
		return nil
	}
}

// tsAgent is one principal of the TypeScript client.
type tsAgent struct {
	n     *nodeClient
	token string
}

func (a tsAgent) tools(t *testing.T) []*sdk.Tool {
	t.Helper()
	out := a.n.call(t, map[string]any{"op": "tools", "token": a.token})
	var tools []*sdk.Tool
	if err := json.Unmarshal(out["tools"], &tools); err != nil {
		t.Fatalf("tools: %v", err)
	}
	return tools
}

func (a tsAgent) execute(t *testing.T, script string) outcome {
	out := a.n.call(t, map[string]any{"op": "execute", "token": a.token, "script": script})
	if out["result"] == nil {
		return outcome{IsError: true}
	}
	return decodeOutcome(t, out["result"])
}

// seedFiles reads the founding document's Knowledge spec and model in
// place from the shared conformance data.
func seedFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range []string{"Knowledge.ioa.toml", "model.csdl.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "conformance", "seed", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// foundingFlow is the founding document's walk-through as an agent writes
// it: awaits, a top-level return, the seed files embedded as a literal.
const foundingFlow = `
files = %s
deploy = await temper.submit_specs("my-app", files)
if deploy["status"] != "succeeded":
    return deploy
entry = await temper.create("my-app", "KnowledgeEntries", {"content": "Temporal runs workflows", "source": "founding-doc"})
indexed = await temper.action("my-app", "KnowledgeEntries", entry["id"], "Index", {})
linked = await temper.action("my-app", "KnowledgeEntries", entry["id"], "Link", {"related": ["k-12", "k-31"]})
draft = await temper.create("my-app", "KnowledgeEntries", {"content": "still a draft"})
page = await temper.list("my-app", "KnowledgeEntries", "status eq 'Linked'", count=True)
# Agents never write policies, not even by submitting a .cedar file.
policy = await temper.submit_specs("my-app", {"policies.cedar": "permit (principal, action, resource);"}, mode="merge")
active = await temper.specs("my-app")
knowledge = await temper.spec("my-app", "Knowledge")
print("deployed", deploy["version"])
return {
    "deploy": deploy["status"],
    "entry": entry["id"],
    "draft": draft["id"],
    "statuses": [entry["status"], indexed["status"], linked["status"]],
    "linked": [e["id"] for e in page["value"]],
    "count": page["count"],
    "me": await temper.agent_id(),
    "policy": policy,
    "active": active["active"] == deploy["version"] and sorted(active["files"].keys()),
    "spec": [knowledge["entity_set"], knowledge["file"], knowledge["initial"]] +
            [a["name"] + ":" + ",".join(a["from"]) + "->" + str(a["to"]) for a in knowledge["actions"] if a["name"] in ("Index", "Link")],
}
`

// pollThenRead is agent B after its denial: wait for the human, then read.
const pollThenRead = `
d = await temper.poll_decision(%q, 30)
if d["status"] != "approved":
    return {"decision": d["status"]}
e = await temper.get("my-app", "KnowledgeEntries", %q)
other = await temper.get("my-app", "KnowledgeEntries", %q)
return {"decision": d["status"], "scope": d["scope"], "entry": e, "other_denied": other.get("denied", False)}
`

// TestMCPEndToEnd runs the founding document's flow through execute with
// two real MCP clients over HTTP, each against its own gateway on a real
// Temporal server: the official Go SDK and the official TypeScript SDK
// (under Node). Agent A lists the tools, deploys the seed Knowledge spec
// and runs create, Index, Link and a filtered list; agent B's read of A's
// entry is denied with a decision id; B polls while an admin approves
// (over HTTP), then reads it, and still not A's other entry.
func TestMCPEndToEnd(t *testing.T) {
	clients := []struct {
		name    string
		connect func(t *testing.T, s *stack) func(token string) agent
	}{
		{"go-sdk", func(t *testing.T, s *stack) func(string) agent {
			return func(token string) agent {
				cs, err := connectGo(t, s.url, token)
				if err != nil {
					t.Fatal(err)
				}
				return goAgent{cs}
			}
		}},
		{"typescript-sdk", func(t *testing.T, s *stack) func(string) agent {
			n := startNode(t, s.url)
			return func(token string) agent { return tsAgent{n, token} }
		}},
	}
	for _, cl := range clients {
		t.Run(cl.name, func(t *testing.T) {
			s := newStack(t)
			connect := cl.connect(t, s)
			foundingScenario(t, s, connect(s.issue(t, identity.Agent, "agent-a")), connect(s.issue(t, identity.Agent, "agent-b")))
		})
	}
}

func foundingScenario(t *testing.T, s *stack, a, b agent) {
	tools := a.tools(t)
	if len(tools) != 1 || tools[0].Name != "execute" {
		t.Fatalf("tools: %+v", tools)
	}
	for _, want := range []string{"temper.submit_specs", "poll_decision", "[automaton]", "guard =", "denied"} {
		if !strings.Contains(tools[0].Description, want) {
			t.Errorf("the execute description does not mention %q", want)
		}
	}

	files, _ := json.Marshal(seedFiles(t))
	out := a.execute(t, fmt.Sprintf(foundingFlow, files))
	if out.IsError {
		t.Fatalf("founding flow: %s\n%s", out.Error, out.Output)
	}
	r, _ := out.Result.(map[string]any)
	entry, _ := r["entry"].(string)
	policy, _ := r["policy"].(map[string]any)
	if r["deploy"] != "succeeded" || fmt.Sprint(r["statuses"]) != "[Draft Indexed Linked]" || fmt.Sprint(r["linked"]) != "["+entry+"]" ||
		r["count"] != 1.0 || r["me"] != "agent-a" || entry == "" {
		t.Fatalf("founding flow result: %s", out.Text)
	}
	if policy["denied"] != true || policy["code"] != "Forbidden" || policy["decision_id"] != nil {
		t.Errorf("submitting a policy: %v", policy)
	}
	if fmt.Sprint(r["active"]) != "[Knowledge.ioa.toml model.csdl.xml]" ||
		fmt.Sprint(r["spec"]) != "[KnowledgeEntries Knowledge.ioa.toml Draft Index:Draft->Indexed Link:Indexed->Linked]" {
		t.Errorf("specs and spec: %v %v", r["active"], r["spec"])
	}
	if !strings.HasPrefix(out.Output, "deployed sha256:") || out.Calls != 10 {
		t.Errorf("output %q, %d calls", out.Output, out.Calls)
	}
	// Every call was recorded as agent A under the script's trace id.
	code, body, _ := s.http(t, s.admin, "GET", "/api/trajectories?app=my-app&principal=Agent::%22agent-a%22&action=Link", "")
	trs, _ := body["value"].([]any)
	if code != 200 || len(trs) != 1 || trs[0].(map[string]any)["trace_id"] != out.TraceID {
		t.Errorf("trajectories of the script (trace %s): %d %v", out.TraceID, code, body)
	}

	// B may not read A's entry: a denial as data, with the decision.
	out = b.execute(t, fmt.Sprintf(`r = await temper.get("my-app", "KnowledgeEntries", %q)
if not r.get("denied"):
    return r
return {"read": r, "pending": [d["id"] for d in temper.decisions("pending")], "status": temper.decision_status(r["decision_id"])["status"]}`, entry))
	denial, _ := out.Result.(map[string]any)
	d, _ := denial["read"].(map[string]any)
	id, _ := d["decision_id"].(string)
	if out.IsError || d["denied"] != true || id == "" || d["status"] != "pending" || d["action"] != "read" || !strings.Contains(fmt.Sprint(d["hint"]), "poll_decision") ||
		fmt.Sprint(denial["pending"]) != "["+id+"]" || denial["status"] != "pending" {
		t.Fatalf("B reads A's entry: %s", out.Text)
	}

	// B polls; an admin approves narrowly while it waits.
	polled := make(chan outcome, 1)
	go func() { polled <- b.execute(t, fmt.Sprintf(pollThenRead, id, entry, r["draft"])) }()
	time.Sleep(300 * time.Millisecond)
	if code, body, _ := s.http(t, s.admin, "POST", "/api/decisions/"+id+"/approve", `{"scope": "narrow"}`); code != 200 {
		t.Fatalf("approve: %d %v", code, body)
	}
	out = <-polled
	p, _ := out.Result.(map[string]any)
	e, _ := p["entry"].(map[string]any)
	if out.IsError || p["decision"] != "approved" || p["scope"] != "narrow" || e["id"] != entry || e["content"] != "Temporal runs workflows" ||
		e["status"] != "Linked" || p["other_denied"] != true {
		t.Fatalf("B after the approval: %s %s", out.Text, out.Error)
	}
}

// TestDescriptionExample runs the example of the execute tool's
// description as written: what the tool teaches works.
func TestDescriptionExample(t *testing.T) {
	s := newStack(t)
	cs, err := connectGo(t, s.url, s.issue(t, identity.Agent, "learner"))
	if err != nil {
		t.Fatal(err)
	}
	desc := goAgent{cs}.tools(t)[0].Description
	_, example, ok := strings.Cut(desc, "\nExample:\n")
	if !ok {
		t.Fatal("the description has no example")
	}
	out := goAgent{cs}.execute(t, dedent(example))
	r, _ := out.Result.(map[string]any)
	vs, _ := r["value"].([]any)
	if out.IsError || r["count"] != 1.0 || len(vs) != 1 || vs[0].(map[string]any)["title"] != "Review PR #42" {
		t.Fatalf("the description's example: %s %s", out.Text, out.Error)
	}
	// The spec-language sample verifies and deploys too.
	_, sample, _ := strings.Cut(desc, "Spec language (Name.ioa.toml):\n")
	sample, _, _ = strings.Cut(sample, "\nStrings in predicates")
	files, _ := json.Marshal(map[string]string{"Knowledge.ioa.toml": dedent(sample)})
	out = goAgent{cs}.execute(t, fmt.Sprintf(`d = temper.submit_specs("sample", %s)
return [d["status"], temper.spec("sample", "Knowledge")["entity_set"]]`, files))
	if fmt.Sprint(out.Result) != "[succeeded Knowledges]" {
		t.Fatalf("the spec-language sample: %s %s", out.Text, out.Error)
	}
}

// dedent drops the two-space indent of the description's blocks.
func dedent(block string) string {
	var lines []string
	for l := range strings.SplitSeq(block, "\n") {
		lines = append(lines, strings.TrimPrefix(l, "  "))
	}
	return strings.Join(lines, "\n")
}

// TestMCPAuthentication: /mcp authenticates every request by itself;
// without a live token it answers 401 with a challenge, and a connected
// client whose token is revoked is refused on its next call.
func TestMCPAuthentication(t *testing.T) {
	s := newStack(t)
	tok := s.issue(t, identity.Agent, "soon-revoked")
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`
	tests := []struct {
		name    string
		token   string
		headers []string
		want    int
	}{
		{"no token", "", nil, 401},
		{"unknown token", "temper_nope", nil, 401},
		{"not a bearer token", "", []string{"Authorization", "Basic YTpi"}, 401},
		// Without temper dev --insecure-principal-header a named
		// principal is not trusted, from loopback or not.
		{"principal header", "", []string{identity.Header, `Agent::"agent-a"`}, 401},
		{"agent token", tok, nil, 200},
		{"admin token", s.admin, nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body, h := s.http(t, tc.token, "POST", "/mcp", init, tc.headers...)
			if code != tc.want {
				t.Fatalf("status %d, want %d: %v", code, tc.want, body)
			}
			if code == 401 && (!strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") || body["error"] == nil) {
				t.Errorf("401 without a challenge or JSON-RPC error: %v %v", h, body)
			}
			if code == 200 && body["result"].(map[string]any)["serverInfo"].(map[string]any)["name"] != "temper" {
				t.Errorf("initialize: %v", body)
			}
		})
	}

	cs, err := connectGo(t, s.url, tok)
	if err != nil {
		t.Fatal(err)
	}
	a := goAgent{cs}
	if out := a.execute(t, "return temper.agent_id()"); out.Result != "soon-revoked" {
		t.Fatalf("before revoking: %+v", out)
	}
	if code, body, _ := s.http(t, s.admin, "DELETE", "/api/agents/soon-revoked", ""); code != 204 {
		t.Fatalf("revoke: %d %v", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = cs.CallTool(ctx, &sdk.CallToolParams{Name: "execute", Arguments: map[string]any{"script": "return 1"}})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("a call with a revoked token: %v", err)
	}
	if _, err := connectGo(t, s.url, tok); err == nil {
		t.Error("a revoked token connected")
	}
}
