package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// fakeGateway stands in for the gateway in sandbox tests: it checks the
// forwarded token, records every request and answers a few fixed routes.
type fakeGateway struct {
	mu   sync.Mutex
	reqs []*http.Request
	body map[*http.Request]string
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.reqs = append(g.reqs, r)
	if g.body == nil {
		g.body = map[*http.Request]string{}
	}
	g.body[r] = string(b)
	g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer tok" {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error": {"code": "Unauthenticated", "message": "unknown token"}}`)
		return
	}
	js := func(status int, v string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, v)
	}
	switch p := r.URL.EscapedPath(); {
	case p == "/api/whoami":
		js(200, `{"kind": "Agent", "id": "tester"}`)
	case p == "/odata/app/$metadata":
		w.Header().Set("Content-Type", "application/xml")
		_, _ = io.WriteString(w, `<?xml version="1.0"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="Ns" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="Thing"/>
<Action Name="Go" IsBound="true"><Parameter Name="b" Type="Ns.Thing"/></Action>
<EntityContainer Name="C"><EntitySet Name="Things" EntityType="Ns.Thing"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`)
	case p == "/odata/app/Things('denied')":
		w.Header().Set("Temper-Decision", "d1")
		js(403, `{"error": {"code": "Denied", "message": "Agent::\"tester\" may not read Thing::\"denied\": decision d1 is pending", "details": [{"code": "Decision", "message": "d1"}]}}`)
	case p == "/odata/app/Things('forbidden')":
		js(403, `{"error": {"code": "Forbidden", "message": "forbidden by policy p0"}}`)
	case p == "/odata/app/Things('missing')":
		js(404, `{"error": {"code": "NotFound", "message": "no such entity"}}`)
	case p == "/api/decisions/d1":
		js(200, `{"id": "d1", "app": "app", "status": "pending", "action": "read", "resource_type": "Thing", "resource_id": "denied"}`)
	case p == "/api/decisions/slow":
		<-r.Context().Done()
	case p == "/odata/app/Things" && r.Method == http.MethodGet:
		js(200, `{"@odata.context": "x", "value": [{"id": "a"}], "@odata.count": 1, "@odata.nextLink": "http://localhost/odata/app/Things?$skiptoken=1"}`)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		js(200, fmt.Sprintf(`{"@odata.context": "x", "method": %q, "path": %q, "body": %q}`, r.Method, p, b))
	}
}

func (g *fakeGateway) requests() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, r := range g.reqs {
		s := r.Method + " " + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			s += "?" + r.URL.RawQuery
		}
		if b := g.body[r]; b != "" {
			s += " " + b
		}
		out = append(out, s)
	}
	return out
}

func runScript(t *testing.T, l Limits, script string) (Outcome, *fakeGateway) {
	t.Helper()
	g := &fakeGateway{}
	l = l.withDefaults()
	sb := &sandbox{gateway: g, limits: l, slots: make(chan struct{}, 1)}
	out := sb.run(context.Background(), caller{authorization: "Bearer tok", remoteAddr: "192.0.2.7:4242"}, script)
	return out, g
}

// TestSandboxLimits: every budget ends a script with a clear error, and
// an endless loop is one of them.
func TestSandboxLimits(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		name   string
		limits Limits
		script string
		want   string
		check  func(t *testing.T, out Outcome)
	}{
		{"endless loop", Limits{MaxSteps: 100_000}, "while True:\n    pass", "step limit: the script ran 100000 steps (an endless loop?)", nil},
		{"long loop in a function", Limits{MaxSteps: 100_000}, "def f():\n    for i in range(1000000000):\n        pass\nf()", "step limit", nil},
		{"deadline", Limits{MaxSteps: 1 << 62, Timeout: 100 * time.Millisecond}, "while True:\n    pass", "deadline: the script ran longer than 100ms", nil},
		{"deadline while waiting", Limits{Timeout: 200 * time.Millisecond}, `temper.poll_decision("slow", 30)`, "deadline", nil},
		{"output", Limits{MaxOutput: 1000}, "for i in range(100000):\n    print('x' * 100)", "output limit: a script may print and return at most 1000 bytes",
			func(t *testing.T, out Outcome) {
				if len(out.Output) != 1000 {
					t.Errorf("output of %d bytes kept, want 1000", len(out.Output))
				}
			}},
		{"result", Limits{MaxOutput: 1000}, "return 'x' * 5000", "output limit", nil},
		{"calls", Limits{MaxCalls: 3}, "for i in range(10):\n    temper.agent_id()", "call limit: a script may make at most 3 temper calls",
			func(t *testing.T, out Outcome) {
				if out.Calls != 3 {
					t.Errorf("%d calls, want 3", out.Calls)
				}
			}},
		{"calls under attempt", Limits{MaxCalls: 3}, "for i in range(10):\n    temper.attempt(temper.agent_id)", "call limit", nil},
		{"script size", Limits{MaxScript: 10}, "return 'a long script'", "the script is 22 bytes; the limit is 10", nil},
		{"within every budget", Limits{MaxSteps: 100_000, MaxCalls: 3, MaxOutput: 1000}, "print('hi')\nreturn temper.agent_id()", "",
			func(t *testing.T, out Outcome) {
				if string(out.Result) != `"tester"` || out.Output != "hi\n" || out.Calls != 1 || out.Steps == 0 {
					t.Errorf("outcome %+v", out)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			out, _ := runScript(t, tc.limits, tc.script)
			if tc.want == "" && out.Error != "" || !strings.Contains(out.Error, tc.want) {
				t.Fatalf("error %q, want %q", out.Error, tc.want)
			}
			if tc.want != "" && out.Result != nil {
				t.Errorf("a failed script has a result: %s", out.Result)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

// TestSandboxNoEscape: a script reaches nothing but temper (and json):
// no load, no file, process, network, clock or randomness, and no temper
// function approves, denies or writes policies.
func TestSandboxNoEscape(t *testing.T) {
	tests := []struct{ script, want string }{
		{`load("os", "system")`, "load not implemented"},
		{`load("@stdlib//time.star", "now")`, "load not implemented"},
		{"import os", "syntax error"},
		{"from os import system", "syntax error"},
		{`open("/etc/passwd")`, "undefined: open"},
		{`os.system("id")`, "undefined: os"},
		{`time.now()`, "undefined: time"},
		{`random.random()`, "undefined: random"},
		{`__import__("os")`, "undefined: __import__"},
		{`eval("1")`, "undefined: eval"},
		{`exec("1")`, "undefined: exec"},
		{`http.get("http://example.org")`, "undefined: http"},
		{`temper.approve_decision("d1", "broad")`, "has no .approve_decision field"},
		{`temper.approve("d1")`, "has no .approve field"},
		{`temper.deny_decision("d1")`, "has no .deny_decision field"},
		{`temper.put_policy("app", "p", "permit (principal, action, resource);")`, "has no .put_policy field"},
		{`temper.write_policy("app", "p", "")`, "has no .write_policy field"},
		{`temper.request("POST", "/api/decisions/d1/approve")`, "has no .request field"},
		{`getattr(temper, "approve")`, "has no .approve field"},
		{`temper.attempt(len, [])`, "the first argument must be a temper function"},
	}
	for _, tc := range tests {
		t.Run(tc.script, func(t *testing.T) {
			out, g := runScript(t, Limits{}, tc.script)
			if !strings.Contains(out.Error, tc.want) {
				t.Errorf("error %q, want %q", out.Error, tc.want)
			}
			if reqs := g.requests(); len(reqs) > 0 {
				t.Errorf("the gateway was called: %v", reqs)
			}
		})
	}
	want := []string{"action", "agent_id", "attempt", "create", "decision_status", "decisions", "delete", "get", "list", "patch",
		"poll_decision", "spec", "specs", "submit_specs", "trajectories"}
	if got := memberNames(); !slices.Equal(got, want) {
		t.Errorf("temper has %v, want %v", got, want)
	}
}

// TestFoundingSyntax: the founding document's await and top-level return
// run as written; strings, comments and functions are left alone, and
// positions in errors stay right.
func TestFoundingSyntax(t *testing.T) {
	tests := []struct {
		name, script, result, output, err string
	}{
		{"return", "return 1", "1", "", ""},
		{"bare return", "print('a')\nreturn\nprint('b')", "null", "a\n", ""},
		{"no return", "x = 1", "null", "", ""},
		{"await in an assignment", "x = await temper.agent_id()\nreturn x", `"tester"`, "", ""},
		{"await starting a statement", "await temper.agent_id()\nreturn 2", "2", "", ""},
		{"await starting a block", "if True:\n    await temper.agent_id()\n    await temper.agent_id()\n    x = 3\nreturn x", "3", "", ""},
		{"await on a continuation line", "return [await temper.agent_id(),\n        await temper.agent_id()]", `["tester","tester"]`, "", ""},
		{"return await", "return await temper.agent_id()", `"tester"`, "", ""},
		{"await after a semicolon", "x = 1; await temper.agent_id()\nreturn x", "1", "", ""},
		{"await in strings and comments", "s = 'await me' # await\nreturn s + \"\"\"\nawait x\n\"\"\"", `"await me\nawait x\n"`, "", ""},
		{"await-like names", "awaited = 1\nreturn awaited", "1", "", ""},
		{"functions keep their returns", "def f(x):\n    return x * 2\nreturn f(21)", "42", "", ""},
		{"return in a top-level loop", "for i in range(5):\n    if i == 2:\n        return i\nreturn -1", "2", "", ""},
		{"return in a while loop", "i = 0\nwhile True:\n    i += 1\n    if i > 3:\n        return i", "4", "", ""},
		{"CRLF line ends", "x = await temper.agent_id()\r\nreturn x\r\n", `"tester"`, "", ""},
		{"error position after an await", "y = await )", "", "", "execute:1:11: unexpected ')'"},
		{"error on a later line", "x = await temper.agent_id()\nreturn x +", "", "", "execute:2:11"},
		{"many awaits", strings.Repeat("x = await 1\n", maxAwaits) + "return x", "1", "", ""},
		{"too many awaits", strings.Repeat("x = await 1\n", maxAwaits+1), "", "", "more than 256 awaits"},
		{"runtime error with its line", "x = 1\nreturn x + 'a'", "", "", "execute:2:10: in <toplevel>\nError: unknown binary op: int + string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := runScript(t, Limits{}, tc.script)
			if tc.err != "" {
				if !strings.Contains(out.Error, tc.err) {
					t.Fatalf("error %q, want %q", out.Error, tc.err)
				}
				return
			}
			if out.Error != "" || string(out.Result) != tc.result || out.Output != tc.output {
				t.Fatalf("result %s, output %q, error %q; want %s, %q", out.Result, out.Output, out.Error, tc.result, tc.output)
			}
		})
	}
}

// TestTemperCalls: each function sends the request the HTTP API expects
// (encoded keys and query options, qualified actions, the caller's
// credentials and the script's trace), and turns the answer into values:
// a denial as data, other errors as script errors unless attempted.
func TestTemperCalls(t *testing.T) {
	tests := []struct {
		name, script string
		result       string
		err          string
		requests     []string
	}{
		{"create", `return temper.create("app", "Things", {"title": "a b", "n": 2})`,
			`{"method":"POST","path":"/odata/app/Things","body":"{\"title\":\"a b\",\"n\":2}"}`, "",
			[]string{`POST /odata/app/Things {"title":"a b","n":2}`}},
		{"get with an escaped key", `return temper.get("app", "Things", "a/b'c d")`, "", "",
			[]string{"GET /odata/app/Things('a%2Fb''c%20d')"}},
		{"integer and compound keys", `temper.get("app", "Things", 5)
temper.get("app", "Things", {"A": 1, "B": "x"})`, "null", "",
			[]string{"GET /odata/app/Things(5)", "GET /odata/app/Things(A=1,B='x')"}},
		{"list", `return temper.list("app", "Things", "status eq 'Linked' and n ge 2", orderby="title desc", top=5, count=True, select=["id", "title"])`,
			`{"value":[{"id":"a"}],"count":1,"next":"/odata/app/Things?$skiptoken=1"}`, "",
			[]string{"GET /odata/app/Things?$filter=status%20eq%20'Linked'%20and%20n%20ge%202&$orderby=title%20desc&$select=id%2Ctitle&$top=5&$count=true"}},
		{"list with a plus", `temper.list("app", "Things", filter="n eq 1+1")`, "null", "",
			[]string{"GET /odata/app/Things?$filter=n%20eq%201%2B1"}},
		{"actions are qualified from $metadata once", `temper.action("app", "Things", "k", "Go", {"p": 1})
temper.action("app", "Things", "k", "Go")
temper.action("app", "Things", "k", "Nope")
temper.action("app", "Things", "k", "Other.Go")
temper.action("app", "Nothings", "k", "Go")`, "null", "",
			[]string{"GET /odata/app/$metadata", `POST /odata/app/Things('k')/Ns.Go {"p":1}`, "POST /odata/app/Things('k')/Ns.Go {}",
				"POST /odata/app/Things('k')/Ns.Nope {}", "POST /odata/app/Things('k')/Other.Go {}", "POST /odata/app/Nothings('k')/Go {}"}},
		{"patch and delete", `temper.patch("app", "Things", "k", {"title": "t"})
return temper.delete("app", "Things", "k")`, "null", "",
			[]string{`PATCH /odata/app/Things('k') {"title":"t"}`, "DELETE /odata/app/Things('k')"}},
		{"governance reads", `temper.decisions("pending")
temper.decision_status("d1")
temper.trajectories(app="app", action="Go", limit=5)
temper.poll_decision("d1", 0.5)`, "null", "",
			[]string{"GET /api/decisions?status=pending", "GET /api/decisions/d1", "GET /api/trajectories?app=app&action=Go&limit=5",
				"GET /api/decisions/d1?wait=500ms"}},
		{"submit specs", `temper.submit_specs("app", {"T.ioa.toml": "x"}, mode="merge")`, "null", "",
			nil},
		{"a denial is data", `return temper.get("app", "Things", "denied")`,
			`{"code":"Denied","decision_id":"d1","denied":true,"message":"Agent::\"tester\" may not read Thing::\"denied\": decision d1 is pending","status":"pending","app":"app","action":"read","resource":{"id":"denied","type":"Thing"},"hint":"a human must approve this: call temper.poll_decision(decision_id, 30) to wait for the answer, then repeat the call"}`,
			"", []string{"GET /odata/app/Things('denied')", "GET /api/decisions/d1"}},
		{"a forbid is data without a decision", `return temper.get("app", "Things", "forbidden")["decision_id"]`, "null", "", nil},
		{"an error answer ends the script", `temper.get("app", "Things", "missing")
print("not reached")`, "", `temper.get: 404 NotFound: no such entity`, nil},
		{"attempt returns errors as data", `return [temper.attempt(temper.get, "app", "Things", "missing"), temper.attempt(temper.agent_id)]`,
			`[{"error":{"code":"NotFound","message":"no such entity","status":404},"ok":false},{"ok":true,"value":"tester"}]`, "", nil},
		{"wrong arguments", `temper.create("app")`, "", "temper.create: missing argument for set", nil},
		{"values that are not JSON", `temper.create("app", "Things", {"f": float("nan")})`, "", "cannot convert nan to JSON", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, g := runScript(t, Limits{}, tc.script)
			if tc.err != "" {
				if !strings.Contains(out.Error, tc.err) {
					t.Fatalf("error %q, want %q", out.Error, tc.err)
				}
				return
			}
			if out.Error != "" {
				t.Fatalf("error: %s", out.Error)
			}
			if tc.result != "" && !jsonSame(t, out.Result, tc.result) {
				t.Errorf("result %s, want %s", out.Result, tc.result)
			}
			if tc.requests != nil {
				if got := g.requests(); !slices.Equal(got, tc.requests) {
					t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.requests, "\n"))
				}
			}
			for _, r := range g.reqs {
				if r.RemoteAddr != "192.0.2.7:4242" || r.Header.Get("traceparent") != "" && !strings.Contains(r.Header.Get("traceparent"), out.TraceID) {
					t.Errorf("request %s from %s, traceparent %q (trace %s)", r.URL, r.RemoteAddr, r.Header.Get("traceparent"), out.TraceID)
				}
				if r.Method == http.MethodPatch && r.Header.Get("Prefer") != "return=representation" {
					t.Errorf("PATCH without Prefer: return=representation")
				}
			}
		})
	}
}

func jsonSame(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("result %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestJSONConversion: values cross between JSON and Starlark intact:
// integers of any size, floats, order of keys, nesting.
func TestJSONConversion(t *testing.T) {
	tests := []struct{ in, out string }{
		{`null`, `null`},
		{`{"b": 1, "a": [true, false, null, 1.5, -2e3, "x\u00e9\"\n"]}`, `{"b":1,"a":[true,false,null,1.5,-2000,"xé\"\n"]}`},
		{`9007199254740993`, `9007199254740993`},
		{`123456789012345678901234567890`, `123456789012345678901234567890`},
		{`[[[[]]]]`, `[[[[]]]]`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			v, err := fromJSON([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := toJSON(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.out {
				t.Errorf("%s -> %s -> %s, want %s", tc.in, v, got, tc.out)
			}
		})
	}
	bad := []struct{ script, want string }{
		{"return float('inf')", "cannot convert +inf to JSON"},
		{"return {1: 2}", "dict key 1 is a int, not a string"},
		{"l = []\nl.append(l)\nreturn l", "nested deeper than 64"},
		{"return len", "cannot convert a builtin_function_or_method to JSON"},
	}
	for _, tc := range bad {
		out, _ := runScript(t, Limits{}, tc.script)
		if !strings.Contains(out.Error, tc.want) {
			t.Errorf("%q: error %q, want %q", tc.script, out.Error, tc.want)
		}
	}
	if _, err := fromJSON([]byte(`{} x`)); err == nil {
		t.Error("trailing data accepted")
	}
}
