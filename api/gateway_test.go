package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/api"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/internal/teststack"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification/report"
)

// stack is the temper dev wiring on a real Temporal server: worker with
// the projection hook, SQLite store, gateway.
type stack struct {
	url   string
	store store.Store
	apps  *api.Apps
	// admin is the token requests carry unless they name another
	// Authorization.
	admin string
	sync  func(context.Context) error
}

func newStack(t *testing.T, pageSize int, extra ...map[string][]byte) *stack {
	t.Helper()
	return newStackWith(t, stackOptions{pageSize: pageSize, extra: extra})
}

// stackOptions tune newStackWith.
type stackOptions struct {
	pageSize int
	extra    []map[string][]byte
	// verifier replaces the cascade's levels in deploys; stepTimeout
	// bounds each level.
	verifier    func(context.Context, *specengine.Bundle, report.Level) (*report.Result, error)
	stepTimeout time.Duration
	// allowPrivate lets integration modules reach these prefixes (test
	// servers on loopback); wasmCache keeps compiled modules.
	allowPrivate []netip.Prefix
	wasmCache    string
}

func newStackWith(t testing.TB, o stackOptions) *stack {
	t.Helper()
	extra := map[string]map[string][]byte{}
	for i, files := range o.extra {
		extra["extra"+string(rune('0'+i))] = files
	}
	ts := teststack.New(t, teststack.Options{PageSize: o.pageSize, Apps: extra, Verifier: o.verifier, StepTimeout: o.stepTimeout,
		AllowPrivate: o.allowPrivate, WasmCache: o.wasmCache, TaskQueue: "gw"})
	return &stack{url: ts.URL, store: ts.Store, apps: ts.Apps, admin: ts.Admin, sync: ts.Sync}
}

// issue creates a principal and returns its token.
func (s *stack) issue(t testing.TB, kind, id string) string {
	t.Helper()
	tok, err := identity.Issue(context.Background(), s.store, identity.Principal{Kind: kind, ID: id}, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// doAs is do with the principal of token.
func (s *stack) doAs(t testing.TB, token, method, path string, body any, headers ...string) resp {
	t.Helper()
	return s.do(t, method, path, body, append([]string{"Authorization", "Bearer " + token}, headers...)...)
}

// doRaw sends a text/plain body as the principal of token ("" is the
// admin).
func (s *stack) doRaw(t testing.TB, token, method, path, body string) resp {
	t.Helper()
	if token == "" {
		token = s.admin
	}
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

type resp struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (s *stack) do(t testing.TB, method, path string, body any, headers ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+s.admin)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (r resp) code() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

func TestGateway(t *testing.T) {
	s := newStack(t, 3)
	root := "/odata/tasks/"

	t.Run("service document and metadata", func(t *testing.T) {
		r := s.do(t, "GET", root, nil)
		if r.status != 200 || r.header.Get("OData-Version") != "4.01" || !strings.Contains(r.raw, `"name":"Tasks"`) {
			t.Fatalf("service document: %d %s", r.status, r.raw)
		}
		r = s.do(t, "GET", root+"$metadata", nil)
		if r.status != 200 || !strings.Contains(r.raw, `<EntitySet Name="Tasks"`) || !strings.Contains(r.raw, `<Action Name="Start" IsBound="true">`) {
			t.Fatalf("metadata: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", "/odata/nope/", nil); r.status != 404 {
			t.Errorf("unknown app: %d", r.status)
		}
		if r := s.do(t, "GET", root, nil, "OData-MaxVersion", "4.0"); r.header.Get("OData-Version") != "4.0" {
			t.Errorf("OData-MaxVersion 4.0 answered %q", r.header.Get("OData-Version"))
		}
	})

	t.Run("create, read, act", func(t *testing.T) {
		r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "t/1", "title": "Review PR #42", "assignee": "agent-codereview"})
		if r.status != 201 || r.header.Get("Location") != s.url+root+"Tasks('t%2F1')" || r.body["status"] != "Open" || r.body["@odata.etag"] != `W/"0"` {
			t.Fatalf("create: %d %v %s", r.status, r.header, r.raw)
		}
		if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "t/1", "title": "again"}); r.status != 409 {
			t.Errorf("second create: %d %s", r.status, r.raw)
		}
		r = s.do(t, "GET", root+"Tasks('t%2F1')", nil)
		if r.status != 200 || r.body["id"] != "t/1" || r.body["title"] != "Review PR #42" {
			t.Fatalf("get: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Complete", nil)
		if r.status != 409 || r.code() != "WrongState" || !strings.Contains(r.raw, "Open") {
			t.Errorf("Complete in Open: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Start", map[string]any{}, "Idempotency-Key", "start-1")
		if r.status != 200 || r.body["status"] != "InProgress" {
			t.Fatalf("Start: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Start", map[string]any{}, "Idempotency-Key", "start-1")
		if r.status != 200 || r.body["@odata.etag"] != `W/"1"` {
			t.Errorf("retried Start: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Prioritize", map[string]any{"level": 9})
		if r.status != 409 || r.code() != "GuardFalse" {
			t.Errorf("guard false: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Prioritize", map[string]any{"level": 4}, "If-Match", `W/"0"`)
		if r.status != 412 {
			t.Errorf("stale If-Match: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Prioritize", map[string]any{"level": 4}, "If-Match", `W/"1"`, "Prefer", "return=minimal")
		if r.status != 204 || r.header.Get("ETag") != `W/"2"` {
			t.Errorf("Prioritize: %d %v %s", r.status, r.header, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('t%2F1')/Tracker.Fly", nil)
		if r.status != 404 {
			t.Errorf("unknown action: %d %s", r.status, r.raw)
		}
		r = s.do(t, "PATCH", root+"Tasks('t%2F1')", map[string]any{"description": "details"})
		if r.status != 204 {
			t.Errorf("PATCH: %d %s", r.status, r.raw)
		}
		r = s.do(t, "PATCH", root+"Tasks('up-1')", map[string]any{"title": "upserted", "description": "new"})
		if r.status != 201 || r.body["title"] != "upserted" || r.header.Get("Location") == "" {
			t.Errorf("upsert by PATCH: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "DELETE", root+"Tasks('up-1')", nil); r.status != 204 {
			t.Errorf("delete the upserted task: %d %s", r.status, r.raw)
		}
		r = s.do(t, "PATCH", root+"Tasks('up-2')", map[string]any{"title": "x"}, "If-Match", `W/"0"`)
		if r.status != 404 {
			t.Errorf("conditional PATCH of a missing key: %d %s", r.status, r.raw)
		}
		// State variables and status are not updatable: a field update
		// ignores them (OData 4.01 §11.4.3).
		r = s.do(t, "PATCH", root+"Tasks('t%2F1')", map[string]any{"priority": 1, "status": "Done"})
		if r.status != 204 {
			t.Errorf("PATCH of a state variable: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks('t%2F1')", nil); r.body["priority"] != float64(4) || r.body["status"] != "InProgress" {
			t.Errorf("a PATCH of a state variable changed it: %s", r.raw)
		}
		r = s.do(t, "GET", root+"Tasks('t%2F1')/description/$value", nil)
		if r.status != 200 || r.raw != "details" {
			t.Errorf("$value: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks", "not an object")
		if r.status != 400 {
			t.Errorf("bad body: %d", r.status)
		}
		r = s.do(t, "GET", root+"Tasks('nope')", nil)
		if r.status != 404 {
			t.Errorf("unknown key: %d %s", r.status, r.raw)
		}
	})

	t.Run("lists, filters and paging", func(t *testing.T) {
		for i, title := range []string{"a", "b", "c", "d", "e"} {
			r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "p" + title, "title": title, "assignee": "x"})
			if r.status != 201 {
				t.Fatalf("create %d: %d %s", i, r.status, r.raw)
			}
		}
		s.do(t, "POST", root+"Tasks('pa')/Tracker.Start", nil)
		s.do(t, "POST", root+"Tasks('pb')/Tracker.Start", nil)
		r := s.do(t, "GET", root+"Tasks?$filter=status%20eq%20'InProgress'&$count=true&$orderby=id", nil)
		if r.status != 200 || r.body["@odata.count"] != float64(3) {
			t.Fatalf("filter: %d %s", r.status, r.raw)
		}
		r = s.do(t, "GET", root+"Tasks?$orderby=title%20desc&$select=title", nil)
		vals, _ := r.body["value"].([]any)
		if r.status != 200 || len(vals) != 3 || r.body["@odata.nextLink"] == nil {
			t.Fatalf("first page: %d %s", r.status, r.raw)
		}
		next := strings.TrimPrefix(r.body["@odata.nextLink"].(string), s.url)
		r = s.do(t, "GET", next, nil)
		vals2, _ := r.body["value"].([]any)
		if r.status != 200 || len(vals2) != 3 || r.body["@odata.nextLink"] != nil {
			t.Fatalf("second page: %d %s", r.status, r.raw)
		}
		r = s.do(t, "GET", root+"Tasks/$count", nil)
		if r.status != 200 || r.raw != "6" {
			t.Errorf("$count: %d %s", r.status, r.raw)
		}
		r = s.do(t, "GET", root+"Tasks?$top=2&$skip=1&$orderby=id", nil)
		vals, _ = r.body["value"].([]any)
		if r.status != 200 || len(vals) != 2 || vals[0].(map[string]any)["id"] != "pb" {
			t.Errorf("$top/$skip: %d %s", r.status, r.raw)
		}
		for _, bad := range []struct {
			q    string
			want int
		}{
			{"$filter=status%20eq", 400},
			{"$filter=nope%20eq%201", 400},
			{"$top=1&$top=2", 400},
			{"$apply=groupby((status))", 501},
			{"$format=xml", 406},
		} {
			if r := s.do(t, "GET", root+"Tasks?"+bad.q, nil); r.status != bad.want {
				t.Errorf("%s: %d, want %d: %s", bad.q, r.status, bad.want, r.raw)
			}
		}
	})

	t.Run("status codes", func(t *testing.T) {
		if r := s.doRaw(t, "", "POST", root+"Tasks", "title=x"); r.status != 415 {
			t.Errorf("text/plain body: %d", r.status)
		}
		if r := s.do(t, "PUT", root+"Tasks", map[string]any{}); r.status != 405 || r.header.Get("Allow") != "GET, POST" {
			t.Errorf("PUT on a collection: %d %v", r.status, r.header.Get("Allow"))
		}
		if r := s.do(t, "GET", root+"Tasks", nil, "Accept", "application/atom+xml"); r.status != 406 {
			t.Errorf("Accept atom: %d", r.status)
		}
		for _, bad := range []struct {
			path    string
			want    int
			headers []string
		}{
			{"Tasks?$select=title($top=1)", 400, nil}, // nested options apply to collections
			{"Tasks?$select=Tracker.*", 200, nil},     // every action, advertised
			{"Tasks?$select=Other.*", 501, nil},
			{"Tasks?$filter=title%20eq%20@t", 400, nil},
			{"Tasks?$filter=title%20eq%20@t&@t='a'", 200, nil},
			{"Tasks?$expand=*", 200, nil}, // Task has no navigation properties: nothing to expand
			{"Tasks", 406, []string{"Accept", "application/xml"}},
			{"$metadata?$format=xml", 200, nil},
			{"$metadata", 406, []string{"Accept", "application/json"}},
		} {
			if r := s.do(t, "GET", root+bad.path, nil, bad.headers...); r.status != bad.want {
				t.Errorf("%s %v: %d, want %d: %s", bad.path, bad.headers, r.status, bad.want, r.raw)
			}
		}
		r := s.do(t, "GET", root+"Tasks('pa')", nil)
		if labels, ok := r.body["labels"].([]any); !ok || len(labels) != 0 {
			t.Errorf("an unset collection must be []: %s", r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks('pa')/labels", nil); r.status != 200 || !strings.Contains(r.raw, `"value":[]`) {
			t.Errorf("unset collection property: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "PATCH", root+"Tasks('pa')", map[string]any{"description": "x"}, "If-None-Match", "*"); r.status != 412 {
			t.Errorf("PATCH with If-None-Match: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks?$select=title/foo", nil); r.status != 501 {
			t.Errorf("$select path: %d %s", r.status, r.raw)
		}
		tag := r.header.Get("ETag")
		if r := s.do(t, "GET", root+"Tasks('pa')", nil, "If-None-Match", tag); r.status != 304 {
			t.Errorf("If-None-Match %s: %d", tag, r.status)
		}
		r2 := s.do(t, "GET", root+"Tasks('pa')", nil, "Accept", "application/json;odata.metadata=full")
		if r2.body["@odata.id"] != s.url+root+"Tasks('pa')" || r2.body["@odata.type"] != "#Tracker.Task" || !strings.Contains(r2.header.Get("Content-Type"), "odata.metadata=full") {
			t.Errorf("odata.metadata=full: %v %s", r2.header, r2.raw)
		}
		r2 = s.do(t, "GET", root+"Tasks?$format=application/json;odata.metadata=none&$count=true", nil)
		if strings.Contains(r2.raw, "@odata.context") || strings.Contains(r2.raw, "@odata.etag") || !strings.Contains(r2.raw, "@odata.count") {
			t.Errorf("odata.metadata=none: %s", r2.raw)
		}
		if r2 := s.do(t, "GET", root+"Tasks", nil, "Accept", "application/json;odata.metadata=lots"); r2.status != 406 {
			t.Errorf("odata.metadata=lots: %d", r2.status)
		}
		if r := s.do(t, "GET", root+"Tasks('pa')", nil, "If-None-Match", `W/"99"`); r.status != 200 {
			t.Errorf("If-None-Match stale: %d", r.status)
		}
		if r := s.do(t, "GET", root+"$metadata", nil); !strings.Contains(r.raw, `<ReturnType Type="Tracker.Task"`) {
			t.Errorf("bound actions must declare their return type: %s", r.raw)
		}
		s.apps.SetVerifying("tasks", "Task", "L1 model checking")
		r = s.do(t, "GET", root+"Tasks", nil)
		s.apps.SetVerifying("tasks", "Task", "")
		if r.status != 423 || !strings.Contains(r.raw, "L1 model checking") {
			t.Errorf("while verifying: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks?$top=1", nil); r.status != 200 {
			t.Errorf("after verifying: %d", r.status)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if r := s.do(t, "DELETE", root+"Tasks('pe')", nil); r.status != 204 {
			t.Fatalf("delete: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks/$count", nil); r.raw != "5" {
			t.Errorf("count after delete: %s", r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks('pe')", nil); r.status != 404 {
			t.Errorf("get after delete: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "POST", root+"Tasks('pe')/Tracker.Start", nil); r.status != 404 {
			t.Errorf("action after delete: %d %s", r.status, r.raw)
		}
	})
}

// TestODataClientLibrary drives the gateway with @odata/client from npm.
func TestODataClientLibrary(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the OData client end-to-end test (scripts/ensure-deps installs it)")
	}
	if _, err := os.Stat("e2e/odataclient/node_modules/@odata/client"); err != nil {
		t.Fatalf("@odata/client is not installed (run scripts/ensure-npm): %v", err)
	}
	s := newStack(t, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "e2e.mjs", s.url+"/odata/tasks/")
	cmd.Dir = "e2e/odataclient"
	cmd.Env = append(os.Environ(), "TEMPER_TOKEN="+s.issue(t, identity.Agent, "js-client"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("@odata/client e2e: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"passed":11`) {
		t.Errorf("unexpected output: %s", out)
	}
	t.Logf("@odata/client: %s", strings.TrimSpace(string(out)))
}

const pmProject = `
[automaton]
name = "Project"
states = ["Active", "Done"]
initial = "Active"
[[state]]
name = "name"
type = "string"
[[action]]
name = "Finish"
from = ["Active"]
to = "Done"
`

const pmTask = `
[automaton]
name = "Task"
states = ["Open", "Closed"]
initial = "Open"
[[state]]
name = "title"
type = "string"
[[action]]
name = "Close"
from = ["Open"]
to = "Closed"
`

const pmModel = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="PM" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Project">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="name" Type="Edm.String"/>
        <NavigationProperty Name="Tasks" Type="Collection(PM.Task)" Partner="Project"/>
      </EntityType>
      <EntityType Name="Task">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="title" Type="Edm.String"/>
        <Property Name="project_id" Type="Edm.String"/>
        <NavigationProperty Name="Project" Type="PM.Project" Partner="Tasks">
          <ReferentialConstraint Property="project_id" ReferencedProperty="id"/>
        </NavigationProperty>
      </EntityType>
      <EntityContainer Name="Container">
        <EntitySet Name="Projects" EntityType="PM.Project">
          <NavigationPropertyBinding Path="Tasks" Target="Tasks"/>
        </EntitySet>
        <EntitySet Name="Tasks" EntityType="PM.Task">
          <NavigationPropertyBinding Path="Project" Target="Projects"/>
        </EntitySet>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

func TestNavigationAndExpand(t *testing.T) {
	s := newStack(t, 2, map[string][]byte{"Project.ioa.toml": []byte(pmProject), "Task.ioa.toml": []byte(pmTask), "model.csdl.xml": []byte(pmModel)})
	root := "/odata/extra0/"
	if r := s.do(t, "POST", root+"Projects", map[string]any{"id": "p1", "name": "Temper"}); r.status != 201 {
		t.Fatalf("project: %d %s", r.status, r.raw)
	}
	for _, id := range []string{"a", "b", "c"} {
		if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": id, "title": "task " + id, "project_id": "p1"}); r.status != 201 {
			t.Fatalf("task: %d %s", r.status, r.raw)
		}
	}
	s.do(t, "POST", root+"Tasks", map[string]any{"id": "other", "title": "elsewhere"})
	s.do(t, "POST", root+"Tasks('b')/PM.Close", nil)

	r := s.do(t, "GET", root+"Projects('p1')/Tasks?$filter=status%20eq%20'Open'&$orderby=id&$count=true", nil)
	if r.status != 200 || r.body["@odata.count"] != float64(2) {
		t.Fatalf("navigation: %d %s", r.status, r.raw)
	}
	r = s.do(t, "GET", root+"Tasks('a')/Project", nil)
	if r.status != 200 || r.body["name"] != "Temper" {
		t.Fatalf("single navigation: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Tasks('other')/Project", nil); r.status != 204 {
		t.Errorf("unset reference: %d %s", r.status, r.raw)
	}
	r = s.do(t, "GET", root+"Projects('p1')?$expand=Tasks($select=title;$orderby=id%20desc;$top=2)", nil)
	tasks, _ := r.body["Tasks"].([]any)
	if r.status != 200 || len(tasks) != 2 || tasks[0].(map[string]any)["title"] != "task c" {
		t.Fatalf("$expand on an entity: %d %s", r.status, r.raw)
	}
	r = s.do(t, "GET", root+"Tasks?$expand=Project&$filter=project_id%20eq%20'p1'&$orderby=id", nil)
	vals, _ := r.body["value"].([]any)
	if r.status != 200 || len(vals) != 2 || r.body["@odata.nextLink"] == nil || vals[0].(map[string]any)["Project"].(map[string]any)["name"] != "Temper" {
		t.Fatalf("$expand on a collection: %d %s", r.status, r.raw)
	}
	for path, want := range map[string]int{
		"Tasks('a')?$expand=Project($top=1)":          400,
		"Tasks('a')/Project?$top=1":                   400,
		"Projects('p1')/Tasks?$select=nope":           400,
		"Projects('p1')/Tasks?$expand=Project":        200,
		"Projects('p1')?$expand=Tasks($select=title)": 200,
	} {
		if r := s.do(t, "GET", root+path, nil); r.status != want {
			t.Errorf("%s: %d, want %d: %s", path, r.status, want, r.raw)
		}
	}
	// Server-driven paging inside navigation and expansion (page size 2).
	r = s.do(t, "GET", root+"Projects('p1')/Tasks?$orderby=id", nil)
	page1, _ := r.body["value"].([]any)
	next, _ := r.body["@odata.nextLink"].(string)
	if r.status != 200 || len(page1) != 2 || next == "" {
		t.Fatalf("navigation page 1: %d %s", r.status, r.raw)
	}
	r = s.do(t, "GET", strings.TrimPrefix(next, s.url), nil)
	page2, _ := r.body["value"].([]any)
	if r.status != 200 || len(page2) != 1 || page2[0].(map[string]any)["id"] != "c" || r.body["@odata.nextLink"] != nil {
		t.Fatalf("navigation page 2 (%s): %d %s", next, r.status, r.raw)
	}
	r = s.do(t, "GET", root+"Projects('p1')?$expand=Tasks($orderby=id)", nil)
	if link, _ := r.body["Tasks@odata.nextLink"].(string); r.status != 200 || !strings.Contains(link, "/Projects('p1')/Tasks?") {
		t.Errorf("expanded collection next link: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Projects('p1')?$expand=Nope", nil); r.status != 404 {
		t.Errorf("unknown navigation: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Projects('p1')?$expand=Nope/$ref", nil); r.status != 404 {
		t.Errorf("$ref of an unknown navigation: %d %s", r.status, r.raw)
	}
}
