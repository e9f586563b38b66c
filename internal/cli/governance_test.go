package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// run runs a temper command and returns its output.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb syncBuffer
	err := Run(ctx, args, &out, &errb)
	return out.String() + errb.String(), err
}

func send(t *testing.T, method, url, token, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// TestAgentsAndDecide drives temper agents and temper decide against
// temper dev: a new agent is denied another's entry, the admin lists the
// decision, sees the policy, approves it narrowly, and denies another.
func TestAgentsAndDecide(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded Temporal server; skipped in -short mode")
	}
	_, _, gw, admin, agent, stop := startDev(t, filepath.Join(t.TempDir(), "temporal.db"))
	defer stop()
	base := "http://" + gw
	remote := []string{"--url", base, "--token", admin}

	out, err := runCLI(t, append([]string{"agents"}, append(remote, "create", "reader", "--role", "analyst")...)...)
	if err != nil {
		t.Fatalf("agents create: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`token: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no token in %s", out)
	}
	reader := m[1]
	if out, err := runCLI(t, append([]string{"agents"}, append(remote, "create", "reader")...)...); err == nil {
		t.Fatalf("a second agent named reader: %s", out)
	}
	// An agent token cannot create agents through the CLI either.
	if out, err := runCLI(t, "agents", "--url", base, "--token", agent, "create", "sneaky"); err == nil || !strings.Contains(out+err.Error(), "403") {
		t.Fatalf("agent creates an agent: %v %s", err, out)
	}
	out, err = runCLI(t, append([]string{"agents"}, append(remote, "list")...)...)
	if err != nil || !strings.Contains(out, `Agent::"reader"`) || !strings.Contains(out, "analyst") {
		t.Fatalf("agents list: %v\n%s", err, out)
	}

	for _, k := range []string{"k1", "k2"} {
		if code, body, _ := send(t, "POST", base+"/odata/knowledge/KnowledgeEntries", agent, `{"id": "`+k+`", "content": "x"}`); code != 201 {
			t.Fatalf("dev agent creates %s: %d %s", k, code, body)
		}
	}
	code, body, h := send(t, "GET", base+"/odata/knowledge/KnowledgeEntries('k1')", reader, "")
	d1 := h.Get("Temper-Decision")
	if code != 403 || d1 == "" {
		t.Fatalf("reader reads k1: %d %s", code, body)
	}
	_, _, h = send(t, "GET", base+"/odata/knowledge/KnowledgeEntries('k2')", reader, "")
	d2 := h.Get("Temper-Decision")

	out, err = runCLI(t, append([]string{"decide", "--list"}, remote...)...)
	if err != nil || !strings.Contains(out, d1) || !strings.Contains(out, d2) || !strings.Contains(out, `Knowledge::"k1"`) {
		t.Fatalf("decide --list: %v\n%s", err, out)
	}
	out, err = runCLI(t, append([]string{"decide", "--approve", d1, "narrow"}, remote...)...)
	if err != nil || !strings.Contains(out, `resource == Knowledge::"k1"`) || !strings.Contains(out, `@decision("`+d1+`")`) || !strings.Contains(out, "approved") {
		t.Fatalf("decide --approve: %v\n%s", err, out)
	}
	if code, body, _ := send(t, "GET", base+"/odata/knowledge/KnowledgeEntries('k1')", reader, ""); code != 200 {
		t.Fatalf("reader reads k1 after approval: %d %s", code, body)
	}
	if out, err := runCLI(t, append([]string{"decide", "--deny", d2}, remote...)...); err != nil || !strings.Contains(out, "denied "+d2) {
		t.Fatalf("decide --deny: %v\n%s", err, out)
	}
	// A denied decision stays: the next request names it, not a new one.
	_, _, h = send(t, "GET", base+"/odata/knowledge/KnowledgeEntries('k2')", reader, "")
	if h.Get("Temper-Decision") != d2 {
		t.Fatalf("after deny: decision %q, want %s", h.Get("Temper-Decision"), d2)
	}
	// Answering twice, a bad scope, and a missing token are clear errors.
	for _, args := range [][]string{
		append([]string{"decide", "--approve", d1, "narrow"}, remote...),
		append([]string{"decide", "--approve", d2, "wide"}, remote...),
		{"decide", "--list", "--url", base},
		{"decide", "--url", base, "--token", admin},
	} {
		if out, err := runCLI(t, args...); err == nil {
			t.Errorf("%v succeeded: %s", args, out)
		}
	}
	if out, err := runCLI(t, append([]string{"agents"}, append(remote, "revoke", "reader")...)...); err != nil {
		t.Fatalf("agents revoke: %v %s", err, out)
	}
	if code, _, _ := send(t, "GET", base+"/odata/knowledge/KnowledgeEntries('k1')", reader, ""); code != 401 {
		t.Fatalf("revoked reader: %d", code)
	}
	var ue error = ErrUsage
	if _, err := runCLI(t, "decide"); !errors.Is(err, ue) {
		t.Fatalf("decide without arguments: %v", err)
	}
}
