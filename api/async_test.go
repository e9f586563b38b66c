package api_test

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// finalMessage parses the application/http body of a status monitor's
// final answer.
func finalMessage(t *testing.T, r resp) (*http.Response, map[string]any) {
	t.Helper()
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/http") {
		t.Fatalf("final answer: %d %v %s", r.status, r.header, r.raw)
	}
	res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(r.raw)), nil)
	if err != nil {
		t.Fatalf("the body is not an HTTP response: %v\n%s", err, r.raw)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("final body: %v: %s", err, raw)
		}
	}
	if r.header.Get("AsyncResult") != res.Status[:3] {
		t.Errorf("AsyncResult %q, final status %s", r.header.Get("AsyncResult"), res.Status)
	}
	return res, body
}

func TestAsyncRequests(t *testing.T) {
	s := newStack(t, 100)
	root := "/odata/tasks/"
	for _, id := range []string{"as1", "as2", "as3", "as4"} {
		if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": id, "title": "async " + id, "assignee": "x"}); r.status != 201 {
			t.Fatalf("create %s: %d %s", id, r.status, r.raw)
		}
	}
	async := []string{"Prefer", "respond-async"}
	// accepted checks a 202 and returns its monitor path.
	accepted := func(t *testing.T, r resp) string {
		t.Helper()
		loc := r.header.Get("Location")
		if r.status != 202 || r.header.Get("Preference-Applied") != "respond-async" || r.header.Get("Retry-After") == "" ||
			!strings.HasPrefix(loc, s.url+root+"$async/") {
			t.Fatalf("want 202 with a status monitor: %d %v %s", r.status, r.header, r.raw)
		}
		return strings.TrimPrefix(loc, s.url)
	}

	t.Run("bound action", func(t *testing.T) {
		mon := accepted(t, s.do(t, "POST", root+"Tasks('as1')/Tracker.Start", map[string]any{}, async...))
		// An OData 4.0 client without Accept gets the HTTP message.
		res, body := finalMessage(t, s.do(t, "GET", mon, nil, "OData-MaxVersion", "4.0"))
		if res.StatusCode != 200 || body["status"] != "InProgress" || res.Header.Get("ETag") != `W/"1"` ||
			!strings.HasSuffix(body["@odata.context"].(string), "$metadata#Tasks/$entity") {
			t.Errorf("final response: %v %v", res.Header, body)
		}
		// So does a client that asks for application/http.
		if res, _ := finalMessage(t, s.do(t, "GET", mon, nil, "Accept", "application/http")); res.StatusCode != 200 {
			t.Errorf("Accept application/http: %s", res.Status)
		}
		// A 4.01 client that accepts JSON gets the result itself.
		r := s.do(t, "GET", mon, nil, "Accept", "application/json")
		if r.status != 200 || r.header.Get("AsyncResult") != "200" || r.body["status"] != "InProgress" ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.header.Get("ETag") != `W/"1"` {
			t.Errorf("4.01 final answer: %d %v %s", r.status, r.header, r.raw)
		}
		if r := s.do(t, "GET", mon, nil, "Accept", "application/xml"); r.status != 406 {
			t.Errorf("Accept application/xml: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "DELETE", mon, nil); r.status != 405 {
			t.Errorf("DELETE of a monitor: %d %s", r.status, r.raw)
		}
		mon = accepted(t, s.do(t, "POST", root+"Tasks('as1')/Tracker.Prioritize", map[string]any{"level": 3}, "Prefer", "respond-async, return=minimal"))
		r = s.do(t, "GET", mon, nil)
		if r.status != 200 || r.header.Get("AsyncResult") != "204" || r.raw != "" || r.header.Get("ETag") != `W/"2"` {
			t.Errorf("return=minimal final answer: %d %v %s", r.status, r.header, r.raw)
		}
	})

	t.Run("refused action", func(t *testing.T) {
		// Complete needs InProgress: the entity refuses it, and the
		// monitor's final response is the 409.
		mon := accepted(t, s.do(t, "POST", root+"Tasks('as2')/Tracker.Complete", nil, async...))
		res, body := finalMessage(t, s.do(t, "GET", mon, nil, "Accept", "application/http"))
		e, _ := body["error"].(map[string]any)
		if res.StatusCode != 409 || e["code"] != "WrongState" {
			t.Errorf("final response: %s %v", res.Status, body)
		}
		r := s.do(t, "GET", mon, nil)
		if r.status != 200 || r.header.Get("AsyncResult") != "409" || r.code() != "WrongState" {
			t.Errorf("4.01 final answer: %d %v %s", r.status, r.header, r.raw)
		}
		// A stale If-Match is a 412, also asynchronously.
		mon = accepted(t, s.do(t, "POST", root+"Tasks('as2')/Tracker.Start", nil, "Prefer", "respond-async", "If-Match", `W/"7"`))
		if res, _ := finalMessage(t, s.do(t, "GET", mon, nil, "Accept", "application/http")); res.StatusCode != 412 {
			t.Errorf("stale If-Match: %s", res.Status)
		}
		// An unknown entity is answered at once.
		if r := s.do(t, "POST", root+"Tasks('nope')/Tracker.Start", nil, async...); r.status != 404 {
			t.Errorf("unknown entity: %d %s", r.status, r.raw)
		}
	})

	t.Run("update and delete", func(t *testing.T) {
		mon := accepted(t, s.do(t, "PATCH", root+"Tasks('as3')", map[string]any{"description": "later"}, async...))
		if r := s.do(t, "GET", mon, nil); r.status != 200 || r.header.Get("AsyncResult") != "204" {
			t.Errorf("PATCH final answer: %d %v %s", r.status, r.header, r.raw)
		}
		if r := s.do(t, "GET", root+"Tasks('as3')", nil); r.body["description"] != "later" {
			t.Errorf("after the PATCH: %s", r.raw)
		}
		mon = accepted(t, s.do(t, "PATCH", root+"Tasks('as3')", map[string]any{"description": "again"}, "Prefer", "respond-async,return=representation"))
		if r := s.do(t, "GET", mon, nil); r.header.Get("AsyncResult") != "200" || r.body["description"] != "again" {
			t.Errorf("PATCH return=representation final answer: %d %v %s", r.status, r.header, r.raw)
		}
		// A PATCH of only a state variable changes nothing (the field
		// update ignores it): answered at once.
		if r := s.do(t, "PATCH", root+"Tasks('as3')", map[string]any{"priority": 3}, async...); r.status != 204 || r.header.Get("Preference-Applied") != "" {
			t.Errorf("PATCH of a state variable: %d %v %s", r.status, r.header, r.raw)
		}
		mon = accepted(t, s.do(t, "DELETE", root+"Tasks('as3')", nil, async...))
		if res, _ := finalMessage(t, s.do(t, "GET", mon, nil, "Accept", "application/http")); res.StatusCode != 204 {
			t.Errorf("DELETE final response: %s", res.Status)
		}
		if r := s.do(t, "GET", root+"Tasks('as3')", nil); r.status != 404 {
			t.Errorf("after the DELETE: %d", r.status)
		}
		// The monitor of the deleted entity's update still answers.
		if r := s.do(t, "GET", mon, nil); r.status != 200 || r.header.Get("AsyncResult") != "204" {
			t.Errorf("monitor after the entity ended: %d %v %s", r.status, r.header, r.raw)
		}
	})

	t.Run("processed synchronously", func(t *testing.T) {
		// Creates, and updates that create (upserts), ignore the preference.
		r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "as9", "title": "t"}, async...)
		if r.status != 201 || r.header.Get("Preference-Applied") != "" {
			t.Errorf("async create: %d %v", r.status, r.header)
		}
		r = s.do(t, "PATCH", root+"Tasks('as10')", map[string]any{"title": "t"}, async...)
		if r.status != 201 || r.header.Get("Preference-Applied") != "" {
			t.Errorf("async upsert: %d %v", r.status, r.header)
		}
	})

	t.Run("idempotent", func(t *testing.T) {
		h := []string{"Prefer", "respond-async", "Idempotency-Key", "prio-as4"}
		mon1 := accepted(t, s.do(t, "POST", root+"Tasks('as4')/Tracker.Prioritize", map[string]any{"level": 2}, h...))
		mon2 := accepted(t, s.do(t, "POST", root+"Tasks('as4')/Tracker.Prioritize", map[string]any{"level": 2}, h...))
		if mon1 != mon2 {
			t.Errorf("a retried request got another monitor: %s, %s", mon1, mon2)
		}
		if r := s.do(t, "GET", root+"Tasks('as4')", nil); r.body["@odata.etag"] != `W/"1"` {
			t.Errorf("the action ran twice: %s", r.raw)
		}
	})

	t.Run("monitors that are not", func(t *testing.T) {
		good := accepted(t, s.do(t, "POST", root+"Tasks('as4')/Tracker.Prioritize", map[string]any{"level": 4}, async...))
		tok, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(good, root+"$async/"))
		forge := func(old, new string) string {
			return root + "$async/" + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(tok), old, new, 1)))
		}
		for name, path := range map[string]string{
			"not base64":            root + "$async/!!!",
			"not JSON":              root + "$async/" + base64.RawURLEncoding.EncodeToString([]byte("nope")),
			"another app":           forge(`"w":"tasks/`, `"w":"knowledge/`),
			"unknown entity set":    forge(`"w":"tasks/Tasks/`, `"w":"tasks/Nope/`),
			"unknown update":        forge(`"u":"`, `"u":"x`),
			"unknown kind":          forge(`"k":"action"`, `"k":"nope"`),
			"through another app":   strings.Replace(good, "/odata/tasks/", "/odata/knowledge/", 1),
			"monitor of no request": root + "$async/",
		} {
			if r := s.do(t, "GET", path, nil); r.status != 404 {
				t.Errorf("%s: %d, want 404: %s", name, r.status, r.raw)
			}
		}
		if r := s.do(t, "GET", good, nil); r.status != 200 {
			t.Errorf("the unforged monitor: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", good+"?$top=1", nil); r.status != 400 {
			t.Errorf("a monitor with $top: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", good+"?$format=application/http", nil); !strings.HasPrefix(r.header.Get("Content-Type"), "application/http") {
			t.Errorf("$format=application/http: %d %v", r.status, r.header)
		}
		if r := s.do(t, "GET", good+"?$format=json", nil, "Accept", "application/http"); r.header.Get("AsyncResult") != "200" || r.body["status"] == nil {
			t.Errorf("$format=json over Accept: %d %v %s", r.status, r.header, r.raw)
		}
	})
}
