package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/identity"
)

// BenchmarkIntegrationRoundTrip: an action whose integration runs a
// pooled WASM module that makes one authorized HTTP request and whose
// callback commits (Index?await_integration=true), against a plain
// action on the same entities in the same run (Link), both over HTTP on
// a real Temporal server.
//
//	go test -run '^$' -bench IntegrationRoundTrip -benchtime 30x ./api
func BenchmarkIntegrationRoundTrip(b *testing.B) {
	wasmBytes := buildModule(b, "search_service")
	ep := &searchEndpoint{}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	s := newStackWith(b, stackOptions{allowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, wasmCache: b.TempDir()})
	tb := b
	files := seedFiles(tb)
	files["Knowledge.ioa.toml"] = strings.Replace(files["Knowledge.ioa.toml"], `module = "search_service"`,
		`module = "search_service"`+"\nconfig = { url = \""+srv.URL+"/search\" }", 1)
	if r := s.do(tb, "POST", "/api/apps/my-app/specs", files); r.status != http.StatusOK {
		b.Fatalf("deploy: %d %s", r.status, r.raw)
	}
	if r := s.doRaw(tb, "", "PUT", "/api/apps/my-app/modules/search_service", string(wasmBytes)); r.status != http.StatusOK {
		b.Fatalf("upload: %d %s", r.status, r.raw)
	}
	s.do(tb, "PUT", "/api/apps/my-app/secrets/search_api_key", map[string]string{"value": "k"})
	s.doRaw(tb, "", "PUT", "/api/apps/my-app/policies/ep", `permit (principal == Service::"integration", action == Action::"http_call", resource == HttpEndpoint::"127.0.0.1");`)
	a := s.issue(tb, identity.Agent, "bench")
	set := "/odata/my-app/KnowledgeEntries"
	var withIntegration, plain time.Duration
	for i := 0; b.Loop(); i++ {
		id := fmt.Sprintf("b%d", i)
		s.doAs(tb, a, "POST", set, map[string]any{"id": id, "content": "x"})
		t0 := time.Now()
		r := s.doAs(tb, a, "POST", set+"('"+id+"')/Temper.Index?await_integration=true", map[string]any{})
		withIntegration += time.Since(t0)
		if r.status != http.StatusOK || r.header.Get("Temper-Integration") != "" || r.body["@odata.etag"] != `W/"2"` {
			b.Fatalf("Index: %d %v %s", r.status, r.header, r.raw)
		}
		t0 = time.Now()
		if r := s.doAs(tb, a, "POST", set+"('"+id+"')/Temper.Link", map[string]any{"related": []string{"k"}}); r.status != http.StatusOK {
			b.Fatalf("Link: %d %s", r.status, r.raw)
		}
		plain += time.Since(t0)
	}
	n := float64(b.N)
	b.ReportMetric(float64(withIntegration.Microseconds())/n/1000, "integration-ms")
	b.ReportMetric(float64(plain.Microseconds())/n/1000, "plain-ms")
	b.ReportMetric(float64(withIntegration)/float64(plain), "ratio")
}
