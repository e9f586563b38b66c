package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/temperhq/temper/identity"
)

// buildModule builds one of the repository's example modules with the Go
// toolchain (a WASI reactor).
func buildModule(t testing.TB, name string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), name+".wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "./activities/wasm/modules/"+name)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", name, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// searchEndpoint is a search service on loopback: it fails the first
// `fail` requests with 503, then answers with k2, or always with status
// `permanent` when set.
type searchEndpoint struct {
	fail, permanent atomic.Int64
	requests        atomic.Int64
	mu              sync.Mutex
	auth            []string
}

func (e *searchEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	e.mu.Lock()
	e.auth = append(e.auth, r.Header.Get("Authorization"))
	e.mu.Unlock()
	if p := e.permanent.Load(); p != 0 {
		http.Error(w, "gone", int(p))
		return
	}
	if e.fail.Add(-1) >= 0 {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"results": []map[string]any{{"id": "k2", "score": 0.9}}})
}

// TestSeedIntegration runs the founding document's Knowledge spec with
// its semantic_search integration on a real Temporal server: the agent
// deploys it and uploads the search_service module built here, an admin
// sets the API key secret and permits the endpoint; Index runs the module
// (a transient 503 is retried), IndexSucceeded writes the related
// entries; a permanent failure lands in IndexFailed with a typed failure;
// a host no policy permits is denied with a pending decision.
func TestSeedIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a WASM module and runs a real Temporal server; skipped in -short mode")
	}
	wasmBytes := buildModule(t, "search_service")
	ep := &searchEndpoint{}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	s := newStackWith(t, stackOptions{allowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, wasmCache: t.TempDir()})
	a := s.issue(t, identity.Agent, "agent-a")

	files := seedFiles(t)
	files["Knowledge.ioa.toml"] = strings.Replace(files["Knowledge.ioa.toml"], `module = "search_service"`,
		`module = "search_service"`+"\nconfig = { url = \""+srv.URL+"/search\", \"budget.timeout\" = \"5s\" }", 1)
	if r := s.doAs(t, a, "POST", "/api/apps/my-app/specs", files); r.status != http.StatusOK {
		t.Fatalf("deploy: %d %s", r.status, r.raw)
	}
	req, _ := http.NewRequest("PUT", s.url+"/api/apps/my-app/modules/search_service", strings.NewReader(string(wasmBytes)))
	req.Header.Set("Authorization", "Bearer "+a)
	req.Header.Set("Content-Type", "application/wasm")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %v %v", res.Status, err)
	}
	res.Body.Close()
	if r := s.doRaw(t, "", "PUT", "/api/apps/my-app/modules/bad", "not wasm"); r.status != http.StatusBadRequest {
		t.Fatalf("a bad module: %d %s", r.status, r.raw)
	}
	// Secrets: admins only, stored encrypted, listed by name.
	if r := s.doAs(t, a, "PUT", "/api/apps/my-app/secrets/search_api_key", map[string]string{"value": "s3cret"}); r.status != http.StatusForbidden {
		t.Fatalf("an agent sets a secret: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "PUT", "/api/apps/my-app/secrets/search_api_key", map[string]string{"value": "s3cret"}); r.status != http.StatusNoContent {
		t.Fatalf("set secret: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", "/api/apps/my-app/secrets", nil); r.status != http.StatusOK || strings.Contains(r.raw, "s3cret") || !strings.Contains(r.raw, "search_api_key") {
		t.Fatalf("list secrets: %d %s", r.status, r.raw)
	}
	if sec, err := s.store.Secret(context.Background(), "my-app", "search_api_key"); err != nil || strings.Contains(string(sec.Ciphertext), "s3cret") {
		t.Fatalf("the secret is not encrypted at rest: %v", err)
	}
	permit := `@id("search-endpoint") permit (principal == Service::"integration", action == Action::"http_call", resource == HttpEndpoint::"127.0.0.1");`
	if r := s.doRaw(t, "", "PUT", "/api/apps/my-app/policies/search-endpoint", permit); r.status != http.StatusOK {
		t.Fatalf("permit the endpoint: %d %s", r.status, r.raw)
	}

	set := "/odata/my-app/KnowledgeEntries"
	ep.fail.Store(1) // one transient failure, then success
	s.doAs(t, a, "POST", set, map[string]any{"id": "k1", "content": "Temporal runs workflows"})
	r := s.doAs(t, a, "POST", set+"('k1')/Temper.Index?await_integration=true", map[string]any{})
	if r.status != http.StatusOK || r.body["status"] != "Indexed" || r.header.Get("Temper-Integration") != "" {
		t.Fatalf("Index: %d %v %s", r.status, r.header, r.raw)
	}
	// The seed's model has no related property: the callback's
	// parameters (the module's output) are in its transition record.
	ts, err := s.store.EntityTransitions(context.Background(), storeRef("my-app", "KnowledgeEntries", "k1"), 5)
	if err != nil || len(ts) < 3 || ts[0].Action != "IndexSucceeded" || ts[0].Principal != `Service::"integration"` || fmt.Sprint(ts[0].Params["related"]) != "[k2]" {
		t.Fatalf("k1's transitions: %+v %v", ts, err)
	}
	if n := ep.requests.Load(); n != 2 {
		t.Fatalf("the endpoint saw %d requests, want a failed one and its retry", n)
	}
	ep.mu.Lock()
	for _, h := range ep.auth {
		if h != "Bearer s3cret" {
			t.Errorf("the endpoint got Authorization %q", h)
		}
	}
	ep.mu.Unlock()

	// Hot reload of modules: k5 is running; a new module under the same
	// name (http_fetch, which answers the raw response) runs on its next
	// Index, without a restart.
	s.doAs(t, a, "POST", set, map[string]any{"id": "k5", "content": "running before the upload"})
	req, _ = http.NewRequest("PUT", s.url+"/api/apps/my-app/modules/search_service", strings.NewReader(string(buildModule(t, "http_fetch"))))
	req.Header.Set("Authorization", "Bearer "+a)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("re-upload: %v %v", res, err)
	}
	s.doAs(t, a, "POST", set+"('k5')/Temper.Index?await_integration=true", map[string]any{})
	ts, err = s.store.EntityTransitions(context.Background(), storeRef("my-app", "KnowledgeEntries", "k5"), 5)
	if err != nil || len(ts) < 3 || ts[0].Action != "IndexSucceeded" || fmt.Sprint(ts[0].Params["status"]) != "200" || ts[0].Params["related"] != nil {
		t.Fatalf("k5 after the module changed: %+v %v", ts, err)
	}

	// A permanent failure: IndexFailed with the typed failure.
	ep.permanent.Store(http.StatusNotFound)
	s.doAs(t, a, "POST", set, map[string]any{"id": "k2", "content": "more"})
	if r := s.doAs(t, a, "POST", set+"('k2')/Temper.Index?await_integration=true", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("Index k2: %d %s", r.status, r.raw)
	}
	ts, err = s.store.EntityTransitions(context.Background(), storeRef("my-app", "KnowledgeEntries", "k2"), 5)
	if err != nil || len(ts) < 3 || ts[0].Action != "IndexFailed" || ts[0].Params["kind"] != "http_status" || ts[0].Principal != `Service::"integration"` {
		t.Fatalf("k2's transitions: %+v %v", ts, err)
	}

	// A host no policy permits: denied, with a pending decision.
	other := strings.Replace(files["Knowledge.ioa.toml"], "127.0.0.1", "127.0.0.2", 1)
	if r := s.doAs(t, a, "POST", "/api/apps/my-app/specs?mode=merge", map[string]string{"Knowledge.ioa.toml": other}); r.status != http.StatusOK {
		t.Fatalf("redeploy: %d %s", r.status, r.raw)
	}
	s.doAs(t, a, "POST", set, map[string]any{"id": "k3", "content": "x"})
	s.doAs(t, a, "POST", set+"('k3')/Temper.Index?await_integration=true", map[string]any{})
	ts, _ = s.store.EntityTransitions(context.Background(), storeRef("my-app", "KnowledgeEntries", "k3"), 5)
	if len(ts) < 3 || ts[0].Action != "IndexFailed" || ts[0].Params["kind"] != "denied" || ts[0].Params["decision_id"] == nil {
		t.Fatalf("k3's transitions: %+v", ts)
	}
	d := s.do(t, "GET", "/api/decisions/"+ts[0].Params["decision_id"].(string), nil)
	if d.body["action"] != "http_call" || d.body["resource_id"] != "127.0.0.2" || d.body["principal"] != `Service::"integration"` || d.body["status"] != "pending" {
		t.Fatalf("decision: %s", d.raw)
	}
}
