package wasm

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// addModule builds a module of ./modules and adds it to f's runtime.
func (f *fixture) addModule(t *testing.T, name string) string {
	t.Helper()
	h, err := f.rt.Add(context.Background(), buildModule(t, "./modules/"+name))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func callModule(t *testing.T, f *fixture, hash string, in abi.Input, edit func(*Call)) (json.RawMessage, error) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	c := Call{Module: hash, Input: b, Authorizer: allowAll(), AllowPrivate: loopback}
	if edit != nil {
		edit(&c)
	}
	res, err := f.rt.Call(context.Background(), c)
	return res.Output, err
}

func TestHTTPFetchModule(t *testing.T) {
	f := setup(t, Config{})
	h := f.addModule(t, "http_fetch")
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/text":
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, r.Method+" "+r.Header.Get("X-Key")+" hello")
		case "/binary":
			_, _ = w.Write([]byte{0xff, 0xfe, 0})
		default:
			http.NotFound(w, r)
		}
	})
	for _, tc := range []struct {
		name string
		in   abi.Input
		want string
		kind Kind
	}{
		{name: "config url with a secret header", want: `{"body":"POST [REDACTED] hello","content_type":"text/plain","status":200}`,
			in: abi.Input{Config: map[string]any{"url": srv.URL + "/text", "method": "POST", "headers": map[string]any{"X-Key": "{secret:k}"}}}},
		{name: "params url first", in: abi.Input{Params: map[string]any{"url": srv.URL + "/binary"}, Config: map[string]any{"url": srv.URL + "/text"}},
			want: `{"body_base64":"//4A","content_type":"application/octet-stream","status":200}`},
		{name: "field url", in: abi.Input{Fields: map[string]any{"url": srv.URL + "/text"}}, want: `"status":200`},
		{name: "error status", in: abi.Input{Config: map[string]any{"url": srv.URL + "/missing"}}, kind: KindHTTPStatus},
		{name: "error status accepted", in: abi.Input{Config: map[string]any{"url": srv.URL + "/missing", "fail_on_status": false}}, want: `"status":404`},
		{name: "no url", in: abi.Input{}, kind: KindModule},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := callModule(t, f, h, tc.in, func(c *Call) { c.Secrets = secretMap{"k": "key-value"} })
			if tc.kind != "" {
				if fail, ok := AsFailure(err); !ok || fail.Kind != tc.kind {
					t.Fatalf("err %v, want %s", err, tc.kind)
				}
				return
			}
			if err != nil || !strings.Contains(string(out), tc.want) {
				t.Fatalf("output %s, err %v; want %s", out, err, tc.want)
			}
		})
	}
}

// The seed's Knowledge flow: semantic_search runs search_service after
// Index; its output is IndexSucceeded's parameters, its failure
// IndexFailed's.
func TestSearchServiceModule(t *testing.T) {
	f := setup(t, Config{})
	h := f.addModule(t, "search_service")
	const apiKey = "sk-live-0123456789"
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, "bad key", http.StatusUnauthorized)
			return
		}
		var req struct {
			Query   string   `json:"query"`
			TopK    int      `json:"top_k"`
			Exclude []string `json:"exclude"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if req.Query == "overloaded" {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		if req.TopK != 3 || len(req.Exclude) != 1 || req.Exclude[0] != "k1" {
			http.Error(w, "unexpected "+req.Query, http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, `{"results":[{"id":"k2","score":0.9},{"id":"k1","score":0.8},{"id":"k7","score":0.5}]}`)
	})
	input := func(content string) abi.Input {
		return abi.Input{App: "knowledge", EntityType: "Knowledge", EntityID: "k1", Action: "Index", Integration: "semantic_search",
			Fields: map[string]any{"content": content, "source": "wiki", "status": "Indexed"},
			Config: map[string]any{"url": srv.URL + "/v1/search", "top_k": 3}}
	}
	withKey := func(c *Call) { c.Secrets = secretMap{"search_api_key": apiKey} }

	t.Run("success", func(t *testing.T) {
		out, err := callModule(t, f, h, input("graph databases"), withKey)
		if err != nil || string(out) != `{"matches":2,"related":["k2","k7"]}` {
			t.Fatalf("output %s, err %v", out, err)
		}
		if logs := f.logs.String(); !strings.Contains(logs, "semantic search for Knowledge/k1") || strings.Contains(logs, apiKey) {
			t.Fatalf("logs:\n%s", logs)
		}
	})
	for _, tc := range []struct {
		name    string
		content string
		edit    func(*Call)
		kind    Kind
		status  int
		want    string
	}{
		{name: "service unavailable", content: "overloaded", edit: withKey, kind: KindHTTPStatus, status: 503},
		{name: "wrong key", content: "x", edit: func(c *Call) { c.Secrets = secretMap{"search_api_key": "nope"} }, kind: KindHTTPStatus, status: 401},
		{name: "no key", content: "x", kind: KindModule, want: `secret "search_api_key" is not set`},
		{name: "no content", content: "", edit: withKey, kind: KindModule, want: "no content"},
		{name: "denied", content: "x", edit: func(c *Call) {
			withKey(c)
			c.Authorizer = &recorder{decision: Decision{DecisionID: "dec-7"}}
		}, kind: KindDenied, want: "http_call"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := callModule(t, f, h, input(tc.content), tc.edit)
			fail, ok := AsFailure(err)
			if !ok || fail.Kind != tc.kind || fail.Status != tc.status || !strings.Contains(fail.Message, tc.want) {
				t.Fatalf("err %v, want %s %d %q", err, tc.kind, tc.status, tc.want)
			}
			if strings.Contains(fail.Message, apiKey) {
				t.Fatal("the failure shows the key")
			}
		})
	}
}
