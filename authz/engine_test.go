package authz_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// policies is an in-memory PolicyStore.
type policies map[string][]store.Policy

func (p policies) Policies(_ context.Context, app string) ([]store.Policy, error) { return p[app], nil }

var (
	agentA = identity.Principal{Kind: identity.Agent, ID: "a"}
	agentB = identity.Principal{Kind: identity.Agent, ID: "b"}
	admin  = identity.Principal{Kind: identity.Admin, ID: "root"}
)

func knowledgeBundle(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := readKnowledgePolicies()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func readKnowledgePolicies() (map[string][]byte, error) {
	text, err := os.ReadFile("../dev/apps/knowledge/policies.cedar")
	return map[string][]byte{"policies.cedar": text}, err
}

func entry(id, creator string) authz.Resource {
	return authz.Resource{Type: "Knowledge", ID: id, Status: "Draft", Creator: creator, Fields: map[string]any{"title": "t"}}
}

func TestAuthorize(t *testing.T) {
	ctx := context.Background()
	stored := policies{}
	e := authz.New(stored)
	if err := e.Load(ctx, "k", knowledgeBundle(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		req      authz.Request
		decision string
		policy   string
	}{
		{"creator reads own entry", authz.Request{App: "k", Principal: agentA, Action: authz.ActRead, Resource: entry("k1", agentA.String())}, authz.Allow, "policies.cedar#0"},
		{"creator acts on own entry", authz.Request{App: "k", Principal: agentA, Action: "Index", Resource: entry("k1", agentA.String())}, authz.Allow, "policies.cedar#0"},
		{"other agent denied", authz.Request{App: "k", Principal: agentB, Action: authz.ActRead, Resource: entry("k1", agentA.String())}, authz.Deny, ""},
		{"no creator: denied", authz.Request{App: "k", Principal: agentA, Action: authz.ActRead, Resource: entry("k1", "")}, authz.Deny, ""},
		{"agent creates", authz.Request{App: "k", Principal: agentB, Action: authz.ActCreate, Resource: authz.Resource{Type: "Knowledge"}}, authz.Allow, "policies.cedar#1"},
		{"admin does anything", authz.Request{App: "k", Principal: admin, Action: authz.ActDelete, Resource: entry("k1", agentA.String())}, authz.Allow, "system:admins"},
		{"agent cannot approve (forbid)", authz.Request{App: "k", Principal: agentA, Action: authz.ActApproveDecision, Resource: authz.Resource{Type: authz.TypeDecision, ID: "d1"}}, authz.Forbid, "system:agents-never-govern"},
		{"agent cannot write policy (forbid)", authz.Request{App: "k", Principal: agentA, Action: authz.ActWritePolicy, Resource: authz.Resource{Type: authz.TypePolicies, ID: "k"}}, authz.Forbid, "system:agents-never-govern"},
		{"agent polls own decision", authz.Request{App: "k", Principal: agentB, Action: authz.ActPollDecision, Resource: authz.Resource{Type: authz.TypeDecision, ID: "d1", Fields: map[string]any{"principal": agentB}}}, authz.Allow, "system:agents-read-own-records"},
		{"agent cannot poll another's decision", authz.Request{App: "k", Principal: agentA, Action: authz.ActPollDecision, Resource: authz.Resource{Type: authz.TypeDecision, ID: "d1", Fields: map[string]any{"principal": agentB}}}, authz.Deny, ""},
		{"unknown app: system policies only", authz.Request{App: "nope", Principal: agentA, Action: authz.ActCreate, Resource: authz.Resource{Type: "Knowledge"}}, authz.Deny, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.Authorize(tc.req)
			if got.Decision != tc.decision {
				t.Fatalf("decision %s (policies %v, errors %v), want %s", got.Decision, got.Policies, got.Errors, tc.decision)
			}
			if tc.policy != "" && (len(got.Policies) != 1 || got.Policies[0] != tc.policy) {
				t.Fatalf("policies %v, want [%s]", got.Policies, tc.policy)
			}
			if tc.policy == "" && len(got.Policies) != 0 {
				t.Fatalf("policies %v, want none", got.Policies)
			}
		})
	}
}

func TestApprovalScopes(t *testing.T) {
	ctx := context.Background()
	d := store.Decision{ID: "d1", App: "k", Principal: agentB.String(), Action: authz.ActRead, ResourceType: "Knowledge", ResourceID: "k1"}
	other, otherType := entry("k2", agentA.String()), authz.Resource{Type: "Note", ID: "n1"}
	tests := []struct {
		scope string
		// what B may do after the approval
		readK1, readK2, indexK1, readNote bool
	}{
		{authz.Narrow, true, false, false, false},
		{authz.Medium, true, true, false, false},
		{authz.Broad, true, true, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.scope, func(t *testing.T) {
			pol, err := authz.Approval(d, tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(pol.Text, `@decision("d1")`) || pol.DecisionID != "d1" {
				t.Fatalf("policy does not carry the decision id:\n%s", pol.Text)
			}
			e := authz.New(policies{"k": {pol}})
			if err := e.Load(ctx, "k", knowledgeBundle(t)); err != nil {
				t.Fatalf("load %s: %v", pol.Text, err)
			}
			check := func(what string, action string, r authz.Resource, want bool) {
				t.Helper()
				got := e.Authorize(authz.Request{App: "k", Principal: agentB, Action: action, Resource: r})
				if got.Allowed() != want {
					t.Errorf("%s: %s, want allowed=%v\n%s", what, got.Decision, want, pol.Text)
				}
			}
			check("read k1", authz.ActRead, entry("k1", agentA.String()), tc.readK1)
			check("read k2", authz.ActRead, other, tc.readK2)
			check("Index k1", "Index", entry("k1", agentA.String()), tc.indexK1)
			check("read another type", authz.ActRead, otherType, tc.readNote)
			// Approvals never reach another principal.
			if got := e.Authorize(authz.Request{App: "k", Principal: identity.Principal{Kind: identity.Agent, ID: "c"}, Action: authz.ActRead, Resource: entry("k1", agentA.String())}); got.Allowed() {
				t.Errorf("agent c allowed by B's approval")
			}
		})
	}
	if _, err := authz.Approval(d, "everything"); err == nil {
		t.Fatal("unknown scope accepted")
	}
}

func TestApprovalCannotOverrideForbid(t *testing.T) {
	ctx := context.Background()
	d := store.Decision{ID: "d2", App: "k", Principal: agentB.String(), Action: authz.ActApproveDecision, ResourceType: authz.TypeDecision, ResourceID: "d9"}
	pol, err := authz.Approval(d, authz.Broad)
	if err != nil {
		t.Fatal(err)
	}
	e := authz.New(policies{"k": {pol}})
	if err := e.Load(ctx, "k", nil); err != nil {
		t.Fatal(err)
	}
	got := e.Authorize(authz.Request{App: "k", Principal: agentB, Action: authz.ActApproveDecision, Resource: authz.Resource{Type: authz.TypeDecision, ID: "d9"}})
	if got.Decision != authz.Forbid {
		t.Fatalf("an approval lifted a forbid: %+v", got)
	}
}

func TestHotReload(t *testing.T) {
	ctx := context.Background()
	stored := policies{}
	e := authz.New(stored)
	if err := e.Load(ctx, "k", knowledgeBundle(t)); err != nil {
		t.Fatal(err)
	}
	req := authz.Request{App: "k", Principal: agentB, Action: authz.ActRead, Resource: entry("k1", agentA.String())}
	if e.Authorize(req).Allowed() {
		t.Fatal("allowed before the approval")
	}
	pol, err := authz.Approval(store.Decision{ID: "d3", App: "k", Principal: agentB.String(), Action: authz.ActRead, ResourceType: "Knowledge", ResourceID: "k1"}, authz.Narrow)
	if err != nil {
		t.Fatal(err)
	}
	stored["k"] = append(stored["k"], pol)
	if e.Authorize(req).Allowed() {
		t.Fatal("allowed before the reload")
	}
	if err := e.Reload(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if got := e.Authorize(req); !got.Allowed() || got.Policies[0] != "decision-d3" {
		t.Fatalf("after reload: %+v", got)
	}
	// A bad stored policy fails the reload and keeps the previous set.
	stored["k"] = append(stored["k"], store.Policy{App: "k", ID: "bad", Text: "permit (principal,"})
	if err := e.Reload(ctx, "k"); err == nil {
		t.Fatal("bad policy loaded")
	}
	if !e.Authorize(req).Allowed() {
		t.Fatal("a failed reload dropped the previous set")
	}
}

func TestReadFilter(t *testing.T) {
	ctx := context.Background()
	tasks, err := os.ReadFile("../dev/apps/tasks/policies.cedar")
	if err != nil {
		t.Fatal(err)
	}
	narrow, _ := authz.Approval(store.Decision{ID: "n", App: "k", Principal: agentB.String(), Action: authz.ActRead, ResourceType: "Knowledge", ResourceID: "k1"}, authz.Narrow)
	medium, _ := authz.Approval(store.Decision{ID: "m", App: "k", Principal: agentB.String(), Action: authz.ActRead, ResourceType: "Knowledge"}, authz.Medium)
	tests := []struct {
		name      string
		bundle    map[string][]byte
		stored    []store.Policy
		principal identity.Principal
		typ       string
		want      string // "all", "none", "inexact" or the filter text
	}{
		{"creator only", knowledgeBundle(t), nil, agentA, "Knowledge", `$creator ne '' and $creator eq 'Agent::"a"'`},
		{"admin reads all", knowledgeBundle(t), nil, admin, "Knowledge", "all"},
		{"no bundle policies: the defaults", nil, nil, agentA, "Knowledge", `$creator ne '' and $creator eq 'Agent::"a"'`},
		{"a bundle that permits nothing", map[string][]byte{"p.cedar": []byte(`forbid (principal, action, resource) when { false };`)}, nil, agentA, "Knowledge", "none"},
		{"narrow approval adds a key", knowledgeBundle(t), []store.Policy{narrow}, agentB, "Knowledge", `$key eq 'k1' or $creator ne '' and $creator eq 'Agent::"b"'`},
		{"medium approval reads all", knowledgeBundle(t), []store.Policy{medium}, agentB, "Knowledge", "all"},
		{"approval on another type", knowledgeBundle(t), []store.Policy{narrow}, agentB, "Note", "none"},
		{"creator or assignee", map[string][]byte{"p.cedar": tasks}, nil, agentA, "Task", `$creator ne '' and $creator eq 'Agent::"a"' or assignee ne null and assignee eq 'a'`},
		{"forbid subtracts", map[string][]byte{"p.cedar": []byte(`permit (principal, action, resource);
forbid (principal, action, resource) when { resource.status == "Secret" };`)}, nil, agentA, "Knowledge", `not (status eq 'Secret')`},
		{"forbid everything", map[string][]byte{"p.cedar": []byte(`permit (principal, action, resource);
forbid (principal is Agent, action, resource);`)}, nil, agentA, "Knowledge", "none"},
		{"hierarchy is inexact", map[string][]byte{"p.cedar": []byte(`permit (principal, action, resource in Folder::"f");`)}, nil, agentA, "Knowledge", "inexact"},
		{"numbers", map[string][]byte{"p.cedar": []byte(`permit (principal, action == Action::"read", resource) when { resource.priority >= 2 && !(resource.done == true) };`)}, nil, agentA, "Task", `priority ge 2 and not (done eq true)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := authz.New(policies{"k": tc.stored})
			if err := e.Load(ctx, "k", tc.bundle); err != nil {
				t.Fatal(err)
			}
			f := e.ReadFilter("k", tc.principal, authz.ActRead, tc.typ, nil)
			var got string
			switch {
			case !f.Exact:
				got = "inexact"
			case f.All:
				got = "all"
			case f.None:
				got = "none"
			default:
				got = uri.Format(f.Expr)
			}
			if got != tc.want {
				t.Fatalf("filter %s, want %s", got, tc.want)
			}
		})
	}
}

func TestPlatformPolicies(t *testing.T) {
	ctx := context.Background()
	e := authz.New(policies{})
	app := func(owner string) authz.Resource {
		r := authz.Resource{Type: authz.TypeApp, ID: "my-app"}
		if owner != "" {
			r.Fields = map[string]any{"owner": mustParse(t, owner)}
		}
		return r
	}
	submit := func(p identity.Principal, r authz.Resource) string {
		return e.Authorize(authz.Request{App: "my-app", Principal: p, Action: authz.ActSubmitSpecs, Resource: r}).Decision
	}
	if got := submit(agentA, app("")); got != authz.Deny {
		t.Fatalf("without platform policies: %s", got)
	}
	if err := e.SetPlatform([]byte(authz.DevPlatformPolicies)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		p     identity.Principal
		owner string
		want  string
	}{
		{"a new app", agentA, "", authz.Allow},
		{"its own app", agentA, agentA.String(), authz.Allow},
		{"another agent's app", agentB, agentA.String(), authz.Deny},
		{"an admin", admin, agentA.String(), authz.Allow},
	}
	for _, tc := range tests {
		if got := submit(tc.p, app(tc.owner)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	// Loaded apps carry the platform policies too.
	if err := e.Load(ctx, "my-app", nil); err != nil {
		t.Fatal(err)
	}
	if got := submit(agentA, app(agentA.String())); got != authz.Allow {
		t.Fatalf("loaded app: %s", got)
	}
	if err := e.SetPlatform([]byte("permit (")); err == nil {
		t.Fatal("bad platform policies accepted")
	}
}

func mustParse(t *testing.T, s string) identity.Principal {
	t.Helper()
	p, err := identity.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDefaultAppPolicies: an app without *.cedar lets agents own what
// they create and the spec's own service principals run its actions, but
// never reach the network.
func TestDefaultAppPolicies(t *testing.T) {
	e := authz.New(policies{})
	if err := e.Load(context.Background(), "app", nil); err != nil {
		t.Fatal(err)
	}
	svc := func(name string) identity.Principal { return identity.ServicePrincipal(name) }
	tests := []struct {
		name string
		p    identity.Principal
		act  string
		res  authz.Resource
		want string
	}{
		{"agent creates", agentA, authz.ActCreate, authz.Resource{Type: "Note"}, authz.Allow},
		{"agent reads own", agentA, authz.ActRead, authz.Resource{Type: "Note", ID: "n", Creator: agentA.String()}, authz.Allow},
		{"agent reads another's", agentB, authz.ActRead, authz.Resource{Type: "Note", ID: "n", Creator: agentA.String()}, authz.Deny},
		{"timer acts", svc("timer"), "Expire", authz.Resource{Type: "Note", ID: "n"}, authz.Allow},
		{"integration callback", svc("integration"), "IndexSucceeded", authz.Resource{Type: "Note", ID: "n"}, authz.Allow},
		{"integration reaches the network", svc("integration"), authz.ActHTTPCall, authz.Resource{Type: "HttpEndpoint", ID: "example.com"}, authz.Deny},
		{"another service", svc("other"), "Expire", authz.Resource{Type: "Note", ID: "n"}, authz.Deny},
	}
	for _, tc := range tests {
		if got := e.Authorize(authz.Request{App: "app", Principal: tc.p, Action: tc.act, Resource: tc.res}).Decision; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
