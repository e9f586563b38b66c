package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

const kset = "/odata/knowledge/KnowledgeEntries"

// decisionOf returns the decision id of a 403, from the error details.
func decisionOf(t *testing.T, r resp) string {
	t.Helper()
	if r.status != http.StatusForbidden || r.code() != "Denied" {
		t.Fatalf("want 403 Denied, got %d %s", r.status, r.raw)
	}
	e := r.body["error"].(map[string]any)
	details, _ := e["details"].([]any)
	if len(details) != 1 {
		t.Fatalf("no decision in %s", r.raw)
	}
	id := details[0].(map[string]any)["message"].(string)
	if r.header.Get("Temper-Decision") != id || !strings.Contains(e["message"].(string), id) {
		t.Fatalf("decision id %s not in header and message: %s", id, r.raw)
	}
	return id
}

func approve(t *testing.T, s *stack, id, scope string) {
	t.Helper()
	r := s.do(t, "POST", "/api/decisions/"+id+"/approve", map[string]string{"scope": scope})
	if r.status != http.StatusOK {
		t.Fatalf("approve %s %s: %d %s", id, scope, r.status, r.raw)
	}
}

// TestFoundingScenario is the founding document's scenario on a real
// Temporal server: A creates and reads its Knowledge entries; B's read of
// A's entry is denied with a decision id; an admin approves narrow; B
// reads that entry and not A's others; medium and broad as defined.
func TestFoundingScenario(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	b := s.issue(t, identity.Agent, "agent-b")
	for _, k := range []string{"k1", "k2", "k3"} {
		if r := s.doAs(t, a, "POST", kset, map[string]any{"id": k, "content": "fact " + k}); r.status != http.StatusCreated {
			t.Fatalf("A creates %s: %d %s", k, r.status, r.raw)
		}
	}
	if r := s.doAs(t, a, "GET", kset+"('k1')", nil); r.status != http.StatusOK || r.body["content"] != "fact k1" {
		t.Fatalf("A reads k1: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "GET", kset+"?$count=true", nil); r.status != http.StatusOK || r.body["@odata.count"] != 3.0 {
		t.Fatalf("A lists its entries: %d %s", r.status, r.raw)
	}
	// B's own entry, and B sees only it.
	if r := s.doAs(t, b, "POST", kset, map[string]any{"id": "b1", "content": "B's"}); r.status != http.StatusCreated {
		t.Fatalf("B creates: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "GET", kset+"?$count=true", nil); r.body["@odata.count"] != 1.0 {
		t.Fatalf("B's list before approval: %s", r.raw)
	}

	denied := s.doAs(t, b, "GET", kset+"('k1')", nil)
	d1 := decisionOf(t, denied)
	// Asking again finds the same pending decision.
	if again := decisionOf(t, s.doAs(t, b, "GET", kset+"('k1')", nil)); again != d1 {
		t.Fatalf("second denial opened %s, want the pending %s", again, d1)
	}
	// B may poll its own decision, A may not.
	if r := s.doAs(t, b, "GET", "/api/decisions/"+d1, nil); r.status != http.StatusOK || r.body["status"] != "pending" {
		t.Fatalf("B polls: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "GET", "/api/decisions/"+d1, nil); r.status != http.StatusForbidden {
		t.Fatalf("A polls B's decision: %d %s", r.status, r.raw)
	}
	// A long poll returns as soon as the admin answers.
	polled := make(chan resp, 1)
	go func() { polled <- s.doAs(t, b, "GET", "/api/decisions/"+d1+"?wait=20s", nil) }()
	time.Sleep(300 * time.Millisecond)
	approve(t, s, d1, "narrow")
	if r := <-polled; r.body["status"] != "approved" || r.body["scope"] != "narrow" {
		t.Fatalf("long poll: %s", r.raw)
	}

	if r := s.doAs(t, b, "GET", kset+"('k1')", nil); r.status != http.StatusOK {
		t.Fatalf("B reads k1 after narrow: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "GET", kset+"('k2')", nil); r.status != http.StatusForbidden {
		t.Fatalf("B reads k2 after narrow: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "GET", kset+"?$count=true&$orderby=id", nil); r.body["@odata.count"] != 2.0 || valueIDs(r) != "b1,k1" {
		t.Fatalf("B's list after narrow: %s", r.raw)
	}
	// Narrow is this action only.
	d2 := decisionOf(t, s.doAs(t, b, "POST", kset+"('k1')/Temper.Index", map[string]any{}))

	// Medium: B reads any entry, but still may not act.
	d3 := decisionOf(t, s.doAs(t, b, "GET", kset+"('k2')", nil))
	approve(t, s, d3, "medium")
	if r := s.doAs(t, b, "GET", kset+"?$count=true", nil); r.body["@odata.count"] != 4.0 {
		t.Fatalf("B's list after medium: %s", r.raw)
	}
	if r := s.doAs(t, b, "GET", kset+"('k3')", nil); r.status != http.StatusOK {
		t.Fatalf("B reads k3 after medium: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "POST", kset+"('k2')/Temper.Index", map[string]any{}); r.status != http.StatusForbidden {
		t.Fatalf("B acts after medium: %d %s", r.status, r.raw)
	}

	// Broad: every action on the type.
	approve(t, s, d2, "broad")
	if r := s.doAs(t, b, "POST", kset+"('k2')/Temper.Index", map[string]any{}); r.status != http.StatusOK || r.body["status"] != "Indexed" {
		t.Fatalf("B indexes k2 after broad: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "DELETE", kset+"('k3')", nil); r.status != http.StatusNoContent {
		t.Fatalf("B deletes k3 after broad: %d %s", r.status, r.raw)
	}
	// A third agent gains nothing from B's approvals.
	c := s.issue(t, identity.Agent, "agent-c")
	if r := s.doAs(t, c, "GET", kset+"('k1')", nil); r.status != http.StatusForbidden {
		t.Fatalf("C reads k1: %d %s", r.status, r.raw)
	}

	// Every call is a trajectory: B's denial and its later success.
	r := s.do(t, "GET", "/api/trajectories?app=knowledge&principal="+url.QueryEscape(`Agent::"agent-b"`)+"&entity_id=k1&action=read", nil)
	var outcomes []string
	for _, v := range r.body["value"].([]any) {
		tr := v.(map[string]any)
		outcomes = append(outcomes, fmt.Sprint(tr["outcome"], "/", tr["authz"]))
		if tr["trace_id"] == "" || tr["entity_type"] != "Knowledge" {
			t.Errorf("trajectory without trace id or type: %v", tr)
		}
	}
	if got := strings.Join(outcomes, ","); got != "ok/allow,denied/deny,denied/deny" {
		t.Fatalf("B's reads of k1 (newest first): %s", got)
	}
}

func valueIDs(r resp) string {
	var out []string
	for _, v := range r.body["value"].([]any) {
		out = append(out, fmt.Sprint(v.(map[string]any)["id"]))
	}
	return strings.Join(out, ",")
}

// TestAgentsCannotGovern: an agent token is refused on every governance
// route that approves, denies, writes policy or manages principals, and a
// forbid stays final even when a matching permit is approved.
func TestAgentsCannotGovern(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	b := s.issue(t, identity.Agent, "agent-b")
	if r := s.doAs(t, a, "POST", kset, map[string]any{"id": "a1"}); r.status != http.StatusCreated {
		t.Fatalf("A creates: %d %s", r.status, r.raw)
	}
	d := decisionOf(t, s.doAs(t, b, "GET", kset+"('a1')", nil))
	routes := []struct {
		method, path string
		body         any
	}{
		{"POST", "/api/decisions/" + d + "/approve", map[string]string{"scope": "broad"}},
		{"POST", "/api/decisions/" + d + "/deny", nil},
		{"GET", "/api/decisions/" + d + "/policy?scope=narrow", nil},
		{"PUT", "/api/apps/knowledge/policies/mine", nil},
		{"DELETE", "/api/apps/knowledge/policies/mine", nil},
		{"POST", "/api/agents", map[string]string{"id": "sneaky", "kind": "Admin"}},
		{"GET", "/api/agents", nil},
		{"DELETE", "/api/agents/agent-a", nil},
	}
	for _, tok := range []string{a, b} {
		for _, rt := range routes {
			r := s.doAs(t, tok, rt.method, rt.path, rt.body)
			if r.status != http.StatusForbidden || r.code() != "Forbidden" {
				t.Errorf("%s %s as an agent: %d %s", rt.method, rt.path, r.status, r.raw)
			}
		}
	}
	// The decision is still pending: nothing above changed it.
	if r := s.do(t, "GET", "/api/decisions/"+d, nil); r.body["status"] != "pending" {
		t.Fatalf("decision after agent attempts: %s", r.raw)
	}
	// An admin writes a forbid; approving B broadly cannot lift it.
	forbid := `@id("no-secrets") forbid (principal, action, resource is Knowledge) when { resource has source && resource.source == "secret" };`
	if r := s.doRaw(t, "", "PUT", "/api/apps/knowledge/policies/no-secrets", forbid); r.status != http.StatusOK {
		t.Fatalf("admin writes a forbid: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", kset, map[string]any{"id": "s1", "source": "secret"}); r.status != http.StatusForbidden || r.code() != "Forbidden" {
		t.Fatalf("A creates a secret entry: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", kset, map[string]any{"id": "p1", "source": "public"}); r.status != http.StatusCreated {
		t.Fatalf("A creates a public entry: %d %s", r.status, r.raw)
	}
	// source is a state variable: a field update ignores it (OData 4.01
	// §11.4.3), so the forbid cannot be side-stepped by a PATCH either.
	if r := s.do(t, "PATCH", kset+"('p1')", map[string]any{"source": "secret"}); r.status != http.StatusNoContent {
		t.Fatalf("admin PATCHes p1's source: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", kset+"('p1')", nil); r.body["source"] != "public" {
		t.Fatalf("p1 turned secret: %s", r.raw)
	}
	approve(t, s, d, "broad")
	if r := s.doAs(t, b, "POST", kset, map[string]any{"id": "s2", "source": "secret"}); r.status != http.StatusForbidden || r.code() != "Forbidden" {
		t.Fatalf("B creates a secret entry after a broad approval: %d %s", r.status, r.raw)
	}
	// A forbid on a data field's value holds for updates too: the policy
	// sees the fields as they would be after the PATCH, even the admin's.
	upd := `@id("no-secret-descriptions") forbid (principal, action == Action::"update", resource is Task) when { resource has description && resource.description == "secret" };`
	if r := s.doRaw(t, "", "PUT", "/api/apps/tasks/policies/no-secret-descriptions", upd); r.status != http.StatusOK {
		t.Fatalf("admin writes an update forbid: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", "/odata/tasks/Tasks", map[string]any{"id": "t1", "title": "x"}); r.status != http.StatusCreated {
		t.Fatalf("A creates a task: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "PATCH", "/odata/tasks/Tasks('t1')", map[string]any{"description": "open"}); r.status != http.StatusNoContent {
		t.Fatalf("A updates its task: %d %s", r.status, r.raw)
	}
	for _, tok := range []string{a, s.admin} {
		if r := s.doAs(t, tok, "PATCH", "/odata/tasks/Tasks('t1')", map[string]any{"description": "secret"}); r.status != http.StatusForbidden || r.code() != "Forbidden" {
			t.Fatalf("PATCH to a forbidden value: %d %s", r.status, r.raw)
		}
	}
	if r := s.do(t, "GET", "/odata/tasks/Tasks('t1')", nil); r.body["description"] != "open" {
		t.Fatalf("t1 after refused updates: %s", r.raw)
	}
	// A bad policy is refused with its position, and changes nothing.
	r := s.doRaw(t, "", "PUT", "/api/apps/knowledge/policies/bad", "permit (principal,")
	if r.status != http.StatusBadRequest || !strings.Contains(r.raw, "bad:1:") {
		t.Fatalf("bad policy: %d %s", r.status, r.raw)
	}
}

// TestAuthentication: no token, unknown or revoked tokens and forged
// identity headers are 401s, on OData and governance routes alike.
func TestAuthentication(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	tests := []struct {
		name    string
		headers []string
	}{
		{"no token", []string{"Authorization", ""}},
		{"unknown token", []string{"Authorization", "Bearer temper_unknown"}},
		{"basic", []string{"Authorization", "Basic YWRtaW46YWRtaW4="}},
		{"forged principal header", []string{"Authorization", "", identity.Header, `Admin::"root"`}},
	}
	for _, tc := range tests {
		for _, path := range []string{kset, "/api/decisions", "/odata/knowledge/"} {
			r := s.do(t, "GET", path, nil, tc.headers...)
			if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s on %s: %d %s", tc.name, path, r.status, r.raw)
			}
		}
	}
	if r := s.do(t, "DELETE", "/api/agents/agent-a", nil); r.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "GET", kset, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d %s", r.status, r.raw)
	}
	// The unauthenticated calls are recorded too.
	r := s.do(t, "GET", "/api/trajectories?outcome=denied&limit=1000", nil)
	if vals, _ := r.body["value"].([]any); r.status != http.StatusOK || len(vals) < len(tests)*3+1 {
		t.Fatalf("denied trajectories: %d %s", r.status, r.raw)
	}
}

// TestHostileFilterNeverReachesSQL: a hostile $filter from an agent is
// data, never SQL, and the read filter still applies.
func TestHostileFilterNeverReachesSQL(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	b := s.issue(t, identity.Agent, "agent-b")
	s.doAs(t, a, "POST", kset, map[string]any{"id": "a1", "content": "x"})
	for _, f := range []string{
		`content eq 'x'' OR 1=1 --'`,
		`content eq 'x') OR (1 eq 1`,
		`id eq 'a1' or true`,
		`content eq '; DROP TABLE temper_sets; --'`,
	} {
		r := s.doAs(t, b, "GET", kset+"?$count=true&$filter="+url.QueryEscape(f), nil)
		if r.status == http.StatusOK && r.body["@odata.count"] != 0.0 {
			t.Errorf("$filter=%s showed A's entry to B: %s", f, r.raw)
		}
		if r.status >= 500 {
			t.Errorf("$filter=%s: %d %s", f, r.status, r.raw)
		}
	}
	if r := s.doAs(t, a, "GET", kset+"?$count=true", nil); r.body["@odata.count"] != 1.0 {
		t.Fatalf("the store changed: %s", r.raw)
	}
}

// TestListIsAnAction: listing a set is a Cedar action of its own; once it
// is approved, the list shows only what the principal may read, with
// counts and paging to match.
func TestListIsAnAction(t *testing.T) {
	files, err := apps.Files("knowledge")
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string][]byte{}
	for n, f := range files {
		if strings.HasSuffix(n, ".cedar") {
			f = []byte(`permit (principal is Agent, action == Action::"create", resource is Knowledge);
permit (principal, action == Action::"read", resource is Knowledge) when { resource has source && resource.source == "public" };`)
		}
		extra[n] = f
	}
	s := newStack(t, 2, extra)
	a := s.issue(t, identity.Agent, "agent-a")
	set := "/odata/extra0/KnowledgeEntries"
	for i, src := range []string{"public", "private", "public", "public", "private"} {
		if r := s.doAs(t, a, "POST", set, map[string]any{"id": fmt.Sprintf("e%d", i), "source": src}); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
	}
	d := decisionOf(t, s.doAs(t, a, "GET", set, nil))
	if r := s.do(t, "GET", "/api/decisions/"+d, nil); r.body["action"] != "list" || r.body["resource_type"] != "Knowledge" {
		t.Fatalf("decision: %s", r.raw)
	}
	approve(t, s, d, "medium")
	r := s.doAs(t, a, "GET", set+"?$count=true&$orderby=id", nil)
	var got []string
	for {
		if r.status != http.StatusOK || r.body["@odata.count"] != 3.0 {
			t.Fatalf("list after approval: %d %s", r.status, r.raw)
		}
		for _, v := range r.body["value"].([]any) {
			got = append(got, v.(map[string]any)["id"].(string))
		}
		next, _ := r.body["@odata.nextLink"].(string)
		if next == "" {
			break
		}
		r = s.doAs(t, a, "GET", strings.TrimPrefix(next, s.url), nil)
	}
	if strings.Join(got, ",") != "e0,e2,e3" {
		t.Fatalf("paged through %v, want the public entries", got)
	}
	if r := s.doAs(t, a, "GET", set+"/$count", nil); r.raw != "3" {
		t.Fatalf("/$count: %s", r.raw)
	}
}

// TestPoliciesWrittenElsewhereSync: a policy stored by another gateway
// (written to the store directly here) takes effect at this gateway's
// next sync, without a restart.
func TestPoliciesWrittenElsewhereSync(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	b := s.issue(t, identity.Agent, "agent-b")
	if r := s.doAs(t, a, "POST", kset, map[string]any{"id": "k1", "content": "x"}); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	ctx := context.Background()
	if err := s.sync(ctx); err != nil {
		t.Fatal(err)
	}
	p := store.Policy{App: "knowledge", ID: "b-reads", Text: `permit (principal == Agent::"agent-b", action == Action::"read", resource is Knowledge);`}
	if err := s.store.PutPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if r := s.doAs(t, b, "GET", kset+"('k1')", nil); r.status != http.StatusForbidden {
		t.Fatalf("before the sync: %d %s", r.status, r.raw)
	}
	if err := s.sync(ctx); err != nil {
		t.Fatal(err)
	}
	if r := s.doAs(t, b, "GET", kset+"('k1')", nil); r.status != http.StatusOK {
		t.Fatalf("after the sync: %d %s", r.status, r.raw)
	}
}
