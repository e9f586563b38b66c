package wasm

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/temperhq/temper/activities/wasm/secrets"
)

// loopback allowlists the test servers.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// recorder is an Authorizer that records what it was asked and answers
// a fixed decision.
type recorder struct {
	mu       sync.Mutex
	asked    []string // "METHOD host url"
	decision Decision
	err      error
}

func allowAll() *recorder { return &recorder{decision: Decision{Allowed: true}} }

func (r *recorder) AuthorizeHTTP(_ context.Context, host, method, u string) (Decision, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, method+" "+host+" "+u)
	return r.decision, r.err
}

func (r *recorder) questions() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.asked...)
}

// secretMap is a Secrets in memory.
type secretMap map[string]string

func (s secretMap) Secret(_ context.Context, name string) (string, error) {
	if v, ok := s[name]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%s: %w", name, secrets.ErrNotFound)
}

// server starts a test server on loopback.
func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := newServer(h)
	t.Cleanup(s.Close)
	return s
}

func newServer(h http.HandlerFunc) *httptest.Server { return httptest.NewServer(h) }

// httpOut is the probe's http output.
type httpOut struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header"`
	Body   string            `json:"body"`
}

func TestHTTPAllowed(t *testing.T) {
	f := setup(t, Config{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen", r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Custom")+" "+r.UserAgent())
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(append([]byte("got:"), b...))
	})
	auth := allowAll()
	out := f.mustOK(t, map[string]any{"op": "http", "method": "post", "url": srv.URL + "/items?q=1",
		"header": map[string]string{"X-Custom": "yes"}, "body": "payload"},
		func(c *Call) { c.Authorizer, c.AllowPrivate = auth, loopback })
	var got httpOut
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != 201 || got.Body != "got:payload" || got.Header["X-Seen"] != "POST /items?q=1 yes temper-wasm/1" {
		t.Fatalf("response %+v", got)
	}
	if q := auth.questions(); len(q) != 1 || q[0] != "POST 127.0.0.1 "+srv.URL+"/items?q=1" {
		t.Fatalf("authorizer asked %q", q)
	}
}

// The runtime's forbids apply before the authorizer (which allows
// everything here) and whatever the allowlist says about metadata.
func TestHTTPForbidden(t *testing.T) {
	f := setup(t, Config{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "reached") })
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	everything := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}
	for _, tc := range []struct {
		name  string
		url   string
		allow []netip.Prefix
		asked bool   // the authorizer was consulted (the refusal came at dial time)
		want  string // in the message
	}{
		{name: "aws metadata", url: "http://169.254.169.254/latest/meta-data/", allow: everything, want: "metadata"},
		{name: "aws metadata v6", url: "http://[fd00:ec2::254]/latest/meta-data/", allow: everything, want: "metadata"},
		{name: "metadata mapped v6", url: "http://[::ffff:169.254.169.254]/", allow: everything, want: "metadata"},
		{name: "metadata nat64", url: "http://[64:ff9b::a9fe:a9fe]/", allow: everything, want: "metadata"},
		{name: "gcp metadata name", url: "http://metadata.google.internal/computeMetadata/v1/", allow: everything, want: "metadata"},
		{name: "metadata name with dot", url: "http://METADATA.google.internal./", allow: everything, want: "metadata"},
		{name: "alibaba metadata", url: "http://100.100.100.200/", allow: everything, want: "metadata"},
		{name: "loopback literal", url: srv.URL, want: "loopback"},
		{name: "loopback v6", url: fmt.Sprintf("http://[::1]:%d/", port), want: "loopback"},
		{name: "unspecified", url: fmt.Sprintf("http://0.0.0.0:%d/", port), want: "unspecified"},
		{name: "private", url: "http://10.1.2.3/", want: "private"},
		{name: "private not in the allowlist", url: "http://192.168.1.1/", allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, want: "private"},
		{name: "link-local", url: "http://169.254.1.1/", want: "link-local"},
		{name: "cgnat", url: "http://100.64.0.1/", want: "CGNAT"},
		// A name is checked where it resolves, at dial time: the
		// defence against DNS rebinding.
		{name: "name resolving to loopback", url: fmt.Sprintf("http://localhost:%d/", port), asked: true, want: "loopback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := allowAll()
			fail := f.mustFail(t, KindDenied, map[string]any{"op": "http", "url": tc.url},
				func(c *Call) { c.Authorizer, c.AllowPrivate = auth, tc.allow })
			if !fail.Forbidden || fail.DecisionID != "" || !strings.Contains(fail.Message, tc.want) {
				t.Fatalf("failure %+v, want forbidden with %q", fail, tc.want)
			}
			if asked := len(auth.questions()) > 0; asked != tc.asked {
				t.Fatalf("authorizer consulted: %v, want %v", asked, tc.asked)
			}
		})
	}
	// With loopback allowlisted, the same server is reached.
	out := f.mustOK(t, map[string]any{"op": "http", "url": fmt.Sprintf("http://localhost:%d/", port)},
		func(c *Call) { c.Authorizer, c.AllowPrivate = allowAll(), loopback })
	if !strings.Contains(string(out), "reached") {
		t.Fatalf("output %s", out)
	}
}

func TestHTTPAuthorizer(t *testing.T) {
	f := setup(t, Config{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) { t.Error("the server was reached") })
	for _, tc := range []struct {
		name      string
		auth      Authorizer
		forbidden bool
		decision  string
		want      string
	}{
		{name: "pending decision", auth: &recorder{decision: Decision{DecisionID: "dec-42", Reason: "no permit for http_call"}},
			decision: "dec-42", want: "no permit for http_call"},
		{name: "forbid", auth: &recorder{decision: Decision{Reason: "forbidden by policy p1"}}, forbidden: true, want: "p1"},
		{name: "no reason", auth: &recorder{}, forbidden: true, want: `HttpEndpoint::"127.0.0.1"`},
		{name: "no authorizer", forbidden: true, want: "no authorizer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail := f.mustFail(t, KindDenied, map[string]any{"op": "http", "url": srv.URL},
				func(c *Call) { c.Authorizer, c.AllowPrivate = tc.auth, loopback })
			if fail.Forbidden != tc.forbidden || fail.DecisionID != tc.decision || fail.Host != "127.0.0.1" || !strings.Contains(fail.Message, tc.want) {
				t.Fatalf("failure %+v", fail)
			}
			if fail.Retryable() {
				t.Fatal("a denial is not retryable")
			}
		})
	}
	t.Run("authorizer error", func(t *testing.T) {
		boom := errors.New("policy store down")
		_, err := f.call(t, map[string]any{"op": "http", "url": srv.URL},
			func(c *Call) { c.Authorizer, c.AllowPrivate = &recorder{err: boom}, loopback })
		if _, ok := AsFailure(err); ok || !errors.Is(err, boom) {
			t.Fatalf("err %v: want the platform error, not a failure", err)
		}
	})
	// After denials (instances discarded mid-call) the module still runs.
	f.mustOK(t, map[string]any{"op": "echo", "value": 1}, nil)
}

// A secret reaches the server but never the module's memory, its output
// or the logs, even when the server echoes it back.
func TestSecretsStayOnTheHost(t *testing.T) {
	const value = "s3cr3t/+&=?#value"
	vault, err := secrets.NewVault(bytes.Repeat([]byte{7}, secrets.KeySize), secrets.NewMemory())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := vault.Set(ctx, "knowledge", "api_key", value); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"), r.URL.Query().Get("key"))
		mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		// Echo it in every form: raw, in a header, base64, escaped.
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		fmt.Fprintf(w, "auth=%s key=%s body=%s b64=%s q=%s", r.Header.Get("Authorization"), r.URL.Query().Get("key"), b,
			base64.StdEncoding.EncodeToString([]byte(value)), url.QueryEscape(value))
	})
	f := setup(t, Config{})
	out := f.mustOK(t, map[string]any{"op": "http", "method": "POST", "log_body": true,
		"url":    srv.URL + "/search?key={secret:api_key}",
		"header": map[string]string{"Authorization": "Bearer {secret:api_key}"},
		"body":   `{"token":"{secret:api_key}"}`},
		func(c *Call) { c.Authorizer, c.AllowPrivate, c.Secrets = allowAll(), loopback, vault.For("knowledge") })

	mu.Lock()
	if len(seen) != 2 || seen[0] != "Bearer "+value || seen[1] != value {
		t.Fatalf("the server saw %q", seen)
	}
	mu.Unlock()
	var got httpOut
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if want := `auth=Bearer [REDACTED] key=[REDACTED] body={"token":"[REDACTED]"} b64=[REDACTED] q=[REDACTED]`; got.Body != want {
		t.Fatalf("body %q\nwant %q", got.Body, want)
	}
	if got.Header["X-Echo"] != "Bearer [REDACTED]" {
		t.Fatalf("header %q", got.Header["X-Echo"])
	}
	forms := []string{value, url.QueryEscape(value), escapeURLComponent(value), base64.StdEncoding.EncodeToString([]byte(value))}
	idle := f.idle(512)
	if len(idle) != 1 {
		t.Fatalf("%d idle instances", len(idle))
	}
	mem, ok := idle[0].mem.Read(0, idle[0].mem.Size())
	if !ok {
		t.Fatal("read the instance's memory")
	}
	if !bytes.Contains(mem, []byte("{secret:api_key}")) || !bytes.Contains(mem, []byte(redactedText)) {
		t.Fatal("the memory scan does not find the request's template: is it the right instance?")
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "auth=Bearer [REDACTED]") {
		t.Fatalf("the module's log of the body is missing:\n%s", logs)
	}
	for _, form := range forms {
		if bytes.Contains(mem, []byte(form)) {
			t.Errorf("the module's memory holds the secret as %q", form)
		}
		if strings.Contains(logs, form) || strings.Contains(string(out), form) {
			t.Errorf("the logs or the output hold the secret as %q", form)
		}
	}

	// Nor in the error of a request that fails: the URL holds it.
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	fail := f.mustFail(t, KindNetwork, map[string]any{"op": "http", "url": closedURL + "/?key={secret:api_key}"},
		func(c *Call) { c.Authorizer, c.AllowPrivate, c.Secrets = allowAll(), loopback, vault.For("knowledge") })
	if !fail.Retryable() || strings.Contains(fail.Message, value) || strings.Contains(fail.Message, url.QueryEscape(value)) {
		t.Fatalf("failure %+v", fail)
	}
}

func TestHTTPRequestErrors(t *testing.T) {
	f := setup(t, Config{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct {
		name string
		in   map[string]any
		want string
	}{
		{"missing secret", map[string]any{"url": srv.URL + "/?k={secret:nope}"}, `secret: secret "nope" is not set`},
		{"malformed template", map[string]any{"url": srv.URL, "header": map[string]string{"X-Key": "{secret:bad name}"}}, "malformed secret template"},
		{"unterminated template", map[string]any{"url": srv.URL, "body": "{secret:key"}, "unterminated"},
		{"template in the host", map[string]any{"url": "http://{secret:key}.example.org/"}, "invalid"},
		{"template in the user info", map[string]any{"url": "http://{secret:key}@example.org/"}, "invalid"},
		{"scheme", map[string]any{"url": "ftp://example.org/"}, "scheme must be http or https"},
		{"user info", map[string]any{"url": "http://user:pw@example.org/"}, "user info"},
		{"no host", map[string]any{"url": "http:///path"}, "no host"},
		{"host header", map[string]any{"url": srv.URL, "header": map[string]string{"host": "internal"}}, "set by the host"},
		{"method", map[string]any{"url": srv.URL, "method": "GE T"}, "not a valid HTTP method"},
		{"header name", map[string]any{"url": srv.URL, "header": map[string]string{"{secret:key}": "v"}}, "not a valid header name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in["op"] = "http"
			fail := f.mustFail(t, KindModule, tc.in, func(c *Call) {
				c.Authorizer, c.AllowPrivate, c.Secrets = allowAll(), loopback, secretMap{"key": "v"}
			})
			if !strings.Contains(fail.Message, tc.want) {
				t.Fatalf("message %q, want %q", fail.Message, tc.want)
			}
		})
	}
}

func TestHTTPBudgetsAndStatuses(t *testing.T) {
	f := setup(t, Config{})
	srv := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			_, _ = w.Write(bytes.Repeat([]byte("x"), 10_000))
		case "/unavailable":
			http.Error(w, "try later", http.StatusServiceUnavailable)
		case "/missing":
			http.NotFound(w, r)
		case "/moved":
			http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
		default:
			_, _ = io.WriteString(w, "ok")
		}
	})
	net := func(c *Call) { c.Authorizer, c.AllowPrivate = allowAll(), loopback }
	t.Run("response over budget", func(t *testing.T) {
		fail := f.mustFail(t, KindBudget, map[string]any{"op": "http", "url": srv.URL + "/big"},
			func(c *Call) { net(c); c.Budget.MaxResponseBytes = 4096 })
		if fail.Budget != BudgetResponse {
			t.Fatalf("failure %+v", fail)
		}
		f.mustOK(t, map[string]any{"op": "http", "url": srv.URL + "/big"}, net) // within the default
	})
	t.Run("host calls over budget", func(t *testing.T) {
		fail := f.mustFail(t, KindBudget, map[string]any{"op": "http", "n": 5, "url": srv.URL},
			func(c *Call) { net(c); c.Budget.MaxHostCalls = 3 })
		if fail.Budget != BudgetHostCalls {
			t.Fatalf("failure %+v", fail)
		}
		res, err := f.call(t, map[string]any{"op": "http", "n": 3, "url": srv.URL}, func(c *Call) { net(c); c.Budget.MaxHostCalls = 3 })
		if err != nil || res.HostCalls != 3 {
			t.Fatalf("%d host calls, err %v", res.HostCalls, err)
		}
	})
	for _, tc := range []struct {
		path      string
		status    int
		retryable bool
	}{{"/unavailable", 503, true}, {"/missing", 404, false}} {
		t.Run(fmt.Sprint("status ", tc.status), func(t *testing.T) {
			fail := f.mustFail(t, KindHTTPStatus, map[string]any{"op": "http_strict", "url": srv.URL + tc.path}, net)
			if fail.Status != tc.status || fail.Retryable() != tc.retryable {
				t.Fatalf("failure %+v", fail)
			}
		})
	}
	t.Run("redirects are not followed", func(t *testing.T) {
		var got httpOut
		if err := json.Unmarshal(f.mustOK(t, map[string]any{"op": "http", "url": srv.URL + "/moved"}, net), &got); err != nil {
			t.Fatal(err)
		}
		if got.Status != http.StatusFound || got.Header["Location"] != "http://169.254.169.254/" {
			t.Fatalf("response %+v", got)
		}
	})
}
