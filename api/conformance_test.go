package api_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func itoa(n int) string { return strconv.Itoa(n) }

// TestODataConformance exercises the rows of docs/odata-conformance.tsv
// that no other gateway test covers; each subtest names its rows. It runs
// on the relationship bundle (newRelStack) with a page size of 2.
func TestODataConformance(t *testing.T) {
	s := newRelStack(t, 2)
	root := relRoot
	get := func(t *testing.T, path string, headers ...string) resp {
		t.Helper()
		return s.do(t, "GET", root+path, nil, headers...)
	}
	type check struct {
		name, method, path string
		body               any
		headers            []string
		want               int
	}
	run := func(t *testing.T, checks []check) {
		t.Helper()
		for _, c := range checks {
			r := s.do(t, c.method, root+c.path, c.body, c.headers...)
			if r.status != c.want {
				t.Errorf("%s: %s %s %v: %d, want %d: %s", c.name, c.method, c.path, c.headers, r.status, c.want, r.raw)
				continue
			}
			if r.status >= 400 && r.code() == "" {
				t.Errorf("%s: %d without an OData error body: %s", c.name, r.status, r.raw)
			}
		}
	}

	// 4.0-Minimal 2, 4.01-Minimal 2, JSON-producer 9: Int64 beyond 2^53
	// and Decimal digits beyond a float64 survive the entity workflow and
	// the projection; decimals are never written with an exponent.
	t.Run("Int64 and Decimal values", func(t *testing.T) {
		body := json.RawMessage(`{"id":"n1","budget":9007199254740993,"rate":12345678901234567.891234567}`)
		r := s.do(t, "POST", root+"Projects", body)
		if r.status != 201 || !strings.Contains(r.raw, `"budget":9007199254740993`) || !strings.Contains(r.raw, `"rate":12345678901234567.891234567`) {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		for _, path := range []string{"Projects('n1')", "Projects?$filter=id%20eq%20'n1'", "Projects?$filter=budget%20eq%209007199254740993"} {
			r := get(t, path)
			if r.status != 200 || !strings.Contains(r.raw, `"budget":9007199254740993`) || !strings.Contains(r.raw, `"rate":12345678901234567.891234567`) {
				t.Errorf("%s: %d %s", path, r.status, r.raw)
			}
		}
		if r := get(t, "Projects('n1')/budget"); !strings.Contains(r.raw, `"value":9007199254740993`) {
			t.Errorf("property: %s", r.raw)
		}
		r = get(t, "Projects('n1')", "Accept", "application/json;IEEE754Compatible=true")
		if r.body["budget"] != "9007199254740993" || r.body["rate"] != "12345678901234567.891234567" {
			t.Errorf("IEEE754Compatible: %s", r.raw)
		}
		if r := s.do(t, "PATCH", root+"Projects('n1')", json.RawMessage(`{"budget":-9223372036854775808,"rate":1e-7}`)); r.status != 204 {
			t.Fatalf("PATCH: %d %s", r.status, r.raw)
		}
		for _, path := range []string{"Projects('n1')", "Projects?$filter=id%20eq%20'n1'"} {
			r := get(t, path)
			if !strings.Contains(r.raw, `"budget":-9223372036854775808`) || !strings.Contains(r.raw, `"rate":0.0000001`) {
				t.Errorf("after PATCH, %s: %s", path, r.raw)
			}
		}
		if r := s.do(t, "POST", root+"Projects", json.RawMessage(`{"id":"n2","budget":9223372036854775808}`)); r.status != 400 {
			t.Errorf("an Int64 out of range: %d %s", r.status, r.raw)
		}
	})

	// 4.0-Minimal 5.1, 4.01-Minimal 10: Accept and $format select the
	// media type of each resource, with q-values, or the request fails.
	t.Run("Accept", func(t *testing.T) {
		run(t, []check{
			{"JSON", "GET", "Projects('p1')", nil, []string{"Accept", "application/json"}, 200},
			{"any", "GET", "Projects('p1')", nil, []string{"Accept", "*/*"}, 200},
			{"application/*", "GET", "Projects('p1')", nil, []string{"Accept", "application/*"}, 200},
			{"JSON with parameters", "GET", "Projects", nil, []string{"Accept", "application/json;odata.metadata=minimal;q=0.9, text/html"}, 200},
			{"text/plain for JSON", "GET", "Projects('p1')", nil, []string{"Accept", "text/plain"}, 406},
			{"text/* for JSON", "GET", "Projects", nil, []string{"Accept", "text/*"}, 406},
			{"q=0", "GET", "Projects('p1')", nil, []string{"Accept", "application/json;q=0"}, 406},
			{"q=0 beats */*", "GET", "Projects('p1')", nil, []string{"Accept", "application/json;q=0, */*"}, 406},
			{"*/*;q=0", "GET", "Projects('p1')", nil, []string{"Accept", "*/*;q=0"}, 406},
			{"$count as text", "GET", "Projects/$count", nil, []string{"Accept", "text/plain"}, 200},
			{"$count as JSON", "GET", "Projects/$count", nil, []string{"Accept", "application/json"}, 406},
			{"$value as text", "GET", "Projects('p1')/name/$value", nil, []string{"Accept", "text/*"}, 200},
			{"$value as JSON", "GET", "Projects('p1')/name/$value", nil, []string{"Accept", "application/json"}, 406},
			{"$metadata as XML", "GET", "$metadata", nil, []string{"Accept", "application/xml"}, 200},
			{"$metadata as JSON", "GET", "$metadata", nil, []string{"Accept", "application/json"}, 406},
			{"$format wins", "GET", "Projects?$format=json", nil, []string{"Accept", "text/plain"}, 200},
			{"$format=xml", "GET", "Projects?$format=xml", nil, nil, 406},
			{"$format=json on $count", "GET", "Projects/$count?$format=json", nil, nil, 406},
		})
		if r := get(t, "Projects/$count", "Accept", "text/plain"); r.raw != "4" && !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Errorf("$count: %s %s", r.header.Get("Content-Type"), r.raw)
		}
	})

	// 4.0-Minimal 4, 5.2, 11: OData-Version and OData-MaxVersion.
	t.Run("protocol versions", func(t *testing.T) {
		run(t, []check{
			{"4.0 request", "GET", "Projects('p1')", nil, []string{"OData-Version", "4.0"}, 200},
			{"4.01 request", "GET", "Projects('p1')", nil, []string{"OData-Version", "4.01"}, 200},
			{"3.0 request", "GET", "Projects('p1')", nil, []string{"OData-Version", "3.0"}, 400},
			{"5.0 request", "GET", "Projects('p1')", nil, []string{"OData-Version", "5.0"}, 400},
			{"MaxVersion 3.0", "GET", "Projects('p1')", nil, []string{"OData-MaxVersion", "3.0"}, 400},
			{"MaxVersion not a version", "GET", "Projects('p1')", nil, []string{"OData-MaxVersion", "four"}, 400},
		})
		for maxVersion, want := range map[string]string{"": "4.01", "4.0": "4.0", "4.01": "4.01", "5.0": "4.01"} {
			r := get(t, "Projects('p1')", "OData-MaxVersion", maxVersion)
			if r.status != 200 || r.header.Get("OData-Version") != want {
				t.Errorf("OData-MaxVersion %q: %d, OData-Version %q, want %q", maxVersion, r.status, r.header.Get("OData-Version"), want)
			}
		}
		// Errors carry the header too.
		if r := get(t, "Nope"); r.status != 404 || r.header.Get("OData-Version") == "" {
			t.Errorf("error without OData-Version: %d %v", r.status, r.header)
		}
	})

	// 4.0-Minimal 6, 9: custom query options, unknown preferences and
	// headers, and instance annotations in request bodies are ignored.
	t.Run("extensibility", func(t *testing.T) {
		plain := get(t, "Projects('p1')")
		r := get(t, "Projects('p1')?custom=1&x-vendor=two", "Prefer", "x-custom=1", "X-Custom-Header", "yes")
		if r.status != 200 || r.body["name"] != plain.body["name"] || r.header.Get("Preference-Applied") != "" {
			t.Errorf("custom query options and preferences: %d %v %s", r.status, r.header, r.raw)
		}
		body := map[string]any{"id": "x1", "name": "annotated", "@odata.type": "#RT.Project", "name@odata.type": "String",
			"@vendor.note": "ignored", "parent_id@vendor.note": 5}
		if r := s.do(t, "POST", root+"Projects", body); r.status != 201 || r.body["name"] != "annotated" {
			t.Errorf("create with annotations: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "PATCH", root+"Projects('x1')", map[string]any{"parent_id": "p1", "@vendor.note": true}); r.status != 204 {
			t.Errorf("PATCH with annotations: %d %s", r.status, r.raw)
		}
	})

	// 4.0-Minimal 7, 11; 4.0-Intermediate 2: valid OData the service does
	// not implement is 501, never a 404, a 405 or an option ignored.
	t.Run("not implemented", func(t *testing.T) {
		run(t, []check{
			{"$crossjoin", "GET", "$crossjoin(Projects,Tasks)", nil, nil, 501},
			{"$all", "GET", "$all", nil, nil, 501},
			{"$entity", "GET", "$entity?$id=Projects('p1')", nil, nil, 501},
			{"$batch", "POST", "$batch", nil, nil, 501},
			{"multipart $batch", "POST", "$batch", nil, []string{"Accept", "multipart/mixed"}, 501},
			{"/$filter segment", "GET", "Projects/$filter(name%20eq%20'one')", nil, nil, 501},
			{"/$each", "PATCH", "Projects/$each", map[string]any{"parent_id": nil}, nil, 501},
			{"/$query", "POST", "Projects/$query", nil, nil, 501},
			{"cast of a collection", "GET", "Projects/RT.Project", nil, nil, 501},
			{"cast of an entity", "GET", "Projects('p1')/RT.Project", nil, nil, 501},
			{"key as segment", "GET", "Boards/7", nil, nil, 501},
			{"a name after a collection", "GET", "Projects/p1", nil, nil, 404},
			{"$apply", "GET", "Projects?$apply=groupby((name))", nil, nil, 501},
			{"$compute", "GET", "Projects?$compute=budget%20add%201%20as%20b", nil, nil, 501},
			{"$schemaversion", "GET", "Projects?$schemaversion=1", nil, nil, 501},
			{"path through a navigation property", "GET", "Tasks?$filter=Project/name%20eq%20'one'", nil, nil, 501},
			{"lambda over a navigation property", "GET", "Projects?$filter=Tasks/any(t:t/title%20eq%20'a')", nil, nil, 501},
			{"$orderby through a navigation property", "GET", "Tasks?$orderby=Project/name", nil, nil, 501},
			{"$select path", "GET", "Projects?$select=name/x", nil, nil, 501},
			{"$select function", "GET", "Projects?$select=RT.F(x)", nil, nil, 501},
			{"$expand path", "GET", "Tasks?$expand=Project/Parent", nil, nil, 501},
			{"collection options on an entity", "GET", "Projects('p1')?$top=1", nil, nil, 400},
			{"collection options on a property", "GET", "Projects('p1')/name?$filter=true", nil, nil, 400},
			{"$select on a property", "GET", "Projects('p1')/name?$select=name", nil, nil, 400},
			{"$value of a collection", "GET", "Tasks('a')/labels/$value", nil, nil, 400},
			{"unknown entity set", "GET", "Nope", nil, nil, 404},
			{"options on $metadata", "GET", "$metadata?$select=x", nil, nil, 400},
			{"$orderby on /$count", "GET", "Projects/$count?$orderby=name", nil, nil, 400},
			{"$top on /$count", "GET", "Projects/$count?$top=1", nil, nil, 400},
			{"options on the service document", "GET", "?$top=1", nil, nil, 400},
			{"unknown property", "GET", "Projects('p1')/nope", nil, nil, 404},
		})
	})

	// 4.0-Intermediate 3: $select of properties, * and actions, checked
	// against the model, with the select-list in the context URL.
	t.Run("$select", func(t *testing.T) {
		r := get(t, "Projects('p1')?$select=name")
		if r.status != 200 || len(r.body) != 4 || r.body["name"] != "one" || r.body["id"] != "p1" ||
			r.body["@odata.context"] != s.url+root+"$metadata#Projects(name,id)/$entity" {
			t.Errorf("$select=name: %d %s", r.status, r.raw)
		}
		r = get(t, "Projects?$select=*&$filter=id%20eq%20'p1'")
		if vals, _ := r.body["value"].([]any); len(vals) != 1 || path(vals[0], "budget") == nil {
			t.Errorf("$select=*: %s", r.raw)
		}
		r = get(t, "Projects('p1')?$select=name,RT.Finish")
		if adv, ok := r.body["#RT.Finish"].(map[string]any); !ok || len(adv) != 0 || r.body["budget"] != nil {
			t.Errorf("$select of an action: %s", r.raw)
		}
		r = get(t, "Projects('p1')?$select=RT.*", "Accept", "application/json;odata.metadata=full")
		if path(r.body, "#RT.Finish", "target") != s.url+root+"Projects('p1')/RT.Finish" || path(r.body, "#RT.Finish", "title") != "Finish" {
			t.Errorf("$select=RT.* with full metadata: %s", r.raw)
		}
		if r := get(t, "Projects('p1')?$select=RT.*", "Accept", "application/json;odata.metadata=none"); strings.Contains(r.raw, "#RT.") {
			t.Errorf("odata.metadata=none advertises actions: %s", r.raw)
		}
		r = get(t, "Projects('p1')/Tasks?$select=title&$orderby=id")
		if vals, _ := r.body["value"].([]any); len(vals) != 2 || path(vals[0], "project_id") != nil || path(vals[0], "title") != "task a" {
			t.Errorf("$select on a navigation collection: %s", r.raw)
		}
		run(t, []check{
			{"unknown property", "GET", "Projects?$select=nope", nil, nil, 400},
			{"unknown action", "GET", "Projects?$select=RT.Nope", nil, nil, 400},
			{"another namespace", "GET", "Projects?$select=Other.*", nil, nil, 501},
			{"navigation collection", "GET", "Projects('p1')/Tasks?$select=nope", nil, nil, 400},
		})
	})

	// 4.0-Minimal 10; 4.01-Minimal 18: PATCH merges, PUT replaces, keys,
	// status and state variables (Core.Computed, Core.Immutable in
	// $metadata) are ignored, so a GET-modify-PUT round trip works.
	t.Run("update semantics", func(t *testing.T) {
		if r := s.do(t, "POST", root+"Projects", map[string]any{"id": "u1", "name": "before", "status": "Done", "parent_id": "p1", "budget": 5}); r.status != 201 ||
			r.body["status"] != "Active" || r.body["name"] != "before" {
			t.Fatalf("create ignores status: %d %s", r.status, r.raw)
		}
		r := s.do(t, "PATCH", root+"Projects('u1')", map[string]any{"budget": 6, "id": "other", "status": "Done", "name": "after"})
		if r.status != 204 || r.header.Get("ETag") != `W/"1"` {
			t.Fatalf("PATCH: %d %v %s", r.status, r.header, r.raw)
		}
		r = get(t, "Projects('u1')")
		if r.body["budget"] != float64(6) || r.body["parent_id"] != "p1" || r.body["status"] != "Active" || r.body["name"] != "before" || r.body["id"] != "u1" {
			t.Fatalf("after PATCH: %s", r.raw)
		}
		// GET, modify, PUT back: every property, control information
		// included.
		round := map[string]any{}
		for k, v := range r.body {
			round[k] = v
		}
		round["parent_id"] = "p2"
		delete(round, "rate")
		if r := s.do(t, "PUT", root+"Projects('u1')", round); r.status != 204 {
			t.Fatalf("PUT of a GET: %d %s", r.status, r.raw)
		}
		r = get(t, "Projects('u1')")
		if r.body["parent_id"] != "p2" || r.body["budget"] != float64(6) || r.body["rate"] != nil || r.body["@odata.etag"] != `W/"2"` {
			t.Errorf("after PUT: %s", r.raw)
		}
		// A PUT resets what it omits.
		if r := s.do(t, "PUT", root+"Projects('u1')", map[string]any{"budget": 7}); r.status != 204 {
			t.Fatalf("PUT: %d %s", r.status, r.raw)
		}
		if r := get(t, "Projects('u1')"); r.body["parent_id"] != nil || r.body["budget"] != float64(7) || r.body["name"] != "before" {
			t.Errorf("PUT resets omitted fields: %s", r.raw)
		}
		// Nothing left to write: no new version.
		if r := s.do(t, "PATCH", root+"Projects('u1')", map[string]any{"status": "Done"}); r.status != 204 || r.header.Get("ETag") != `W/"3"` {
			t.Errorf("PATCH of only read-only properties: %d %v", r.status, r.header)
		}
		if r := s.do(t, "PATCH", root+"Projects('u1')", map[string]any{}, "If-Match", `W/"1"`); r.status != 412 {
			t.Errorf("empty PATCH with a stale If-Match: %d", r.status)
		}
		if r := s.do(t, "PATCH", root+"Projects('u1')", map[string]any{"nope": 1}); r.status != 400 {
			t.Errorf("PATCH of an unknown property: %d %s", r.status, r.raw)
		}
		meta := get(t, "$metadata").raw
		for _, want := range []string{
			`<edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>`,
			`<Property Name="status" Type="Edm.String"><Annotation Term="Core.Computed"/></Property>`,
			`<Property Name="name" Type="Edm.String"><Annotation Term="Core.Immutable"/></Property>`,
			`<Annotation Term="Core.ODataVersions" String="4.0 4.01"/>`,
		} {
			if !strings.Contains(strings.Join(strings.Fields(meta), ""), strings.Join(strings.Fields(want), "")) {
				t.Errorf("$metadata lacks %s:\n%s", want, meta)
			}
		}
	})

	// 4.0-Minimal 26, 11; JSON-service 28: If-Match, If-None-Match and
	// odata.etag in bodies on every write of a resource with an ETag.
	t.Run("preconditions", func(t *testing.T) {
		if r := s.do(t, "POST", root+"Projects", map[string]any{"id": "e1", "budget": 1}); r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		run(t, []check{
			{"PATCH, stale If-Match", "PATCH", "Projects('e1')", map[string]any{"budget": 2}, []string{"If-Match", `W/"9"`}, 412},
			{"PATCH, current If-Match", "PATCH", "Projects('e1')", map[string]any{"budget": 2}, []string{"If-Match", `W/"0"`}, 204},
			{"PATCH, If-Match *", "PATCH", "Projects('e1')", map[string]any{"budget": 3}, []string{"If-Match", "*"}, 204},
			{"PUT, stale If-Match", "PUT", "Projects('e1')", map[string]any{"budget": 4}, []string{"If-Match", `W/"0"`}, 412},
			{"PUT, current If-Match", "PUT", "Projects('e1')", map[string]any{"budget": 4}, []string{"If-Match", `W/"2"`}, 204},
			{"PATCH, stale body ETag", "PATCH", "Projects('e1')", map[string]any{"budget": 5, "@odata.etag": `W/"0"`}, nil, 412},
			{"PATCH, current body ETag", "PATCH", "Projects('e1')", map[string]any{"budget": 5, "@odata.etag": `W/"3"`}, nil, 204},
			{"PUT, 4.01 body ETag", "PUT", "Projects('e1')", map[string]any{"budget": 6, "@etag": `W/"0"`}, nil, 412},
			{"header and body disagree", "PATCH", "Projects('e1')", map[string]any{"budget": 6, "@odata.etag": `W/"4"`}, []string{"If-Match", `W/"3"`}, 412},
			{"not an ETag of this service", "PATCH", "Projects('e1')", map[string]any{"budget": 6}, []string{"If-Match", `"abc"`}, 412},
			{"PATCH, If-None-Match *", "PATCH", "Projects('e1')", map[string]any{"budget": 6}, []string{"If-None-Match", "*"}, 412},
			{"PATCH, If-None-Match current", "PATCH", "Projects('e1')", map[string]any{"budget": 6}, []string{"If-None-Match", `W/"4"`}, 412},
			{"PATCH, If-None-Match stale", "PATCH", "Projects('e1')", map[string]any{"budget": 6}, []string{"If-None-Match", `W/"0"`}, 204},
			{"action, stale If-Match", "POST", "Projects('e1')/RT.Finish", nil, []string{"If-Match", `W/"0"`}, 412},
			{"action, If-None-Match *", "POST", "Projects('e1')/RT.Finish", nil, []string{"If-None-Match", "*"}, 412},
			{"property PUT, stale If-Match", "PUT", "Projects('e1')/budget", map[string]any{"value": 9}, []string{"If-Match", `W/"0"`}, 412},
			{"property DELETE, stale body ETag", "DELETE", "Projects('e1')/budget", map[string]any{"@odata.etag": `W/"0"`}, nil, 412},
			{"reference PUT, stale If-Match", "PUT", "Projects('e1')/Parent/$ref", map[string]any{"@odata.id": "Projects('p1')"}, []string{"If-Match", `W/"0"`}, 412},
			{"reference PUT, If-None-Match *", "PUT", "Projects('e1')/Parent/$ref", map[string]any{"@odata.id": "Projects('p1')"}, []string{"If-None-Match", "*"}, 412},
			{"reference DELETE, stale If-Match", "DELETE", "Projects('e1')/Parent/$ref", nil, []string{"If-Match", `W/"0"`}, 412},
			{"DELETE, stale body ETag", "DELETE", "Projects('e1')", map[string]any{"@odata.etag": `W/"0"`}, nil, 412},
			{"DELETE, If-None-Match *", "DELETE", "Projects('e1')", nil, []string{"If-None-Match", "*"}, 412},
			{"DELETE, stale If-Match", "DELETE", "Projects('e1')", nil, []string{"If-Match", `W/"0"`}, 412},
			{"DELETE, current If-Match", "DELETE", "Projects('e1')", nil, []string{"If-Match", `W/"5"`}, 204},
			{"DELETE of a missing entity", "DELETE", "Projects('e1')", nil, nil, 404},
		})
		// Reads: a property answers with the entity's ETag, and 304 when
		// the client's copy is current.
		r := get(t, "Projects('p1')/name")
		if r.status != 200 || r.header.Get("ETag") == "" {
			t.Fatalf("property ETag: %d %v", r.status, r.header)
		}
		if r := get(t, "Projects('p1')/name/$value", "If-None-Match", r.header.Get("ETag")); r.status != 304 {
			t.Errorf("property If-None-Match: %d", r.status)
		}
	})

	// 4.0-Minimal 28, 29: upserts, and OData-EntityId on every 204
	// create.
	t.Run("upserts and OData-EntityId", func(t *testing.T) {
		minimal := []string{"Prefer", "return=minimal"}
		for _, c := range []struct {
			name, method, path string
			body               map[string]any
			headers            []string
			want               int
			entityID           string
		}{
			{"PATCH inserts", "PATCH", "Projects('up1')", map[string]any{"budget": 1, "status": "Done"}, nil, 201, ""},
			{"PUT inserts", "PUT", "Projects('up2')", map[string]any{"name": "input"}, nil, 201, ""},
			{"PUT with If-None-Match * inserts", "PUT", "Projects('up3')", map[string]any{"budget": 3}, []string{"If-None-Match", "*"}, 201, ""},
			{"again: it exists now", "PUT", "Projects('up3')", map[string]any{"budget": 3}, []string{"If-None-Match", "*"}, 412, ""},
			{"If-Match never inserts", "PATCH", "Projects('up4')", map[string]any{"budget": 4}, []string{"If-Match", "*"}, 404, ""},
			{"a body ETag never inserts", "PATCH", "Projects('up4')", map[string]any{"budget": 4, "@odata.etag": `W/"0"`}, nil, 404, ""},
			{"upsert, return=minimal", "PATCH", "Projects('up5')", map[string]any{"budget": 5}, minimal, 204, "Projects('up5')"},
			{"create, return=minimal", "POST", "Projects", map[string]any{"id": "up6"}, minimal, 204, "Projects('up6')"},
			{"create through a navigation property, return=minimal", "POST", "Projects('p2')/Tasks", map[string]any{"id": "up7", "title": "t"}, minimal, 204, "Tasks('up7')"},
		} {
			r := s.do(t, c.method, root+c.path, c.body, c.headers...)
			if r.status != c.want {
				t.Errorf("%s: %d, want %d: %s", c.name, r.status, c.want, r.raw)
				continue
			}
			if c.want == 201 && (r.header.Get("Location") == "" || r.body["status"] != "Active") {
				t.Errorf("%s: %v %s", c.name, r.header, r.raw)
			}
			if c.entityID != "" && (r.header.Get("OData-EntityId") != s.url+root+c.entityID || r.header.Get("Preference-Applied") != "return=minimal") {
				t.Errorf("%s: OData-EntityId %q, Preference-Applied %q", c.name, r.header.Get("OData-EntityId"), r.header.Get("Preference-Applied"))
			}
		}
		if r := get(t, "Projects('up2')"); r.body["name"] != "input" {
			t.Errorf("an upsert sets inputs: %s", r.raw)
		}
	})

	// 4.0-Minimal 14, 4.01-Minimal 4: preferences and format parameters
	// with and without the odata. prefix, echoed in the client's form.
	t.Run("prefixed and unprefixed", func(t *testing.T) {
		for _, c := range []struct{ path, prefer, applied string }{
			{"Projects", "odata.maxpagesize=1", "odata.maxpagesize=1"},
			{"Projects", "maxpagesize=1", "maxpagesize=1"},
			{"Projects('p1')/Children", "maxpagesize=1", "maxpagesize=1"},
		} {
			r := get(t, c.path, "Prefer", c.prefer)
			if vals, _ := r.body["value"].([]any); r.status != 200 || len(vals) != 1 || r.body["@odata.nextLink"] == nil && c.path == "Projects" ||
				r.header.Get("Preference-Applied") != c.applied {
				t.Errorf("%s with %s: %d %v %s", c.path, c.prefer, r.status, r.header, r.raw)
			}
		}
		for _, accept := range []string{"application/json;odata.metadata=none", "application/json;metadata=none"} {
			r := get(t, "Projects('p1')", "Accept", accept)
			if r.status != 200 || r.body["@odata.context"] != nil || !strings.Contains(r.header.Get("Content-Type"), "odata.metadata=none") {
				t.Errorf("%s: %d %v %s", accept, r.status, r.header, r.raw)
			}
		}
		r := s.do(t, "PATCH", root+"Projects('p2')", map[string]any{"budget": 2}, "Prefer", "return=representation")
		if r.status != 200 || r.header.Get("Preference-Applied") != "return=representation" || r.body["budget"] != float64(2) {
			t.Errorf("return=representation: %d %v %s", r.status, r.header, r.raw)
		}
	})

	// 4.0-Minimal 30, 31; 4.0-Intermediate 6: a property is a resource of
	// its own: read, set, set to null, its raw value.
	t.Run("properties", func(t *testing.T) {
		if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "pr1", "title": "props"}); r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "PUT", root+"Tasks('pr1')/project_id", map[string]any{"value": "p2"}); r.status != 204 || r.header.Get("ETag") != `W/"1"` {
			t.Errorf("PUT of a property: %d %v %s", r.status, r.header, r.raw)
		}
		if r := s.do(t, "PATCH", root+"Tasks('pr1')/labels", map[string]any{"value": []string{"x", "y", "z"}}); r.status != 204 {
			t.Errorf("PATCH of a collection property: %d %s", r.status, r.raw)
		}
		if r := get(t, "Tasks('pr1')/project_id/$value"); r.raw != "p2" {
			t.Errorf("$value: %s", r.raw)
		}
		r := get(t, "Tasks('pr1')/labels?$filter=$this%20ne%20'y'&$orderby=$this%20desc&$count=true")
		if vals, _ := r.body["value"].([]any); len(vals) != 2 || vals[0] != "z" || r.body["@odata.count"] != float64(2) {
			t.Errorf("options on a collection property: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "DELETE", root+"Tasks('pr1')/project_id", nil); r.status != 204 {
			t.Errorf("DELETE of a property: %d %s", r.status, r.raw)
		}
		if r := get(t, "Tasks('pr1')/project_id"); r.status != 204 {
			t.Errorf("a null property: %d %s", r.status, r.raw)
		}
		if r := get(t, "Tasks('pr1')"); r.body["project_id"] != nil || r.body["@odata.etag"] != `W/"3"` || len(r.body["labels"].([]any)) != 3 {
			t.Errorf("after the property writes: %s", r.raw)
		}
		run(t, []check{
			{"status", "PUT", "Tasks('pr1')/status", map[string]any{"value": "Closed"}, nil, 405},
			{"a state variable", "DELETE", "Tasks('pr1')/owner_id", nil, nil, 405},
			{"the key", "PUT", "Tasks('pr1')/id", map[string]any{"value": "x"}, nil, 405},
			{"a state variable set by the create", "PUT", "Tasks('pr1')/title", map[string]any{"value": "x"}, nil, 405},
			{"no value", "PUT", "Tasks('pr1')/project_id", map[string]any{"project_id": "x"}, nil, 400},
			{"unknown property", "PUT", "Tasks('pr1')/nope", map[string]any{"value": "x"}, nil, 404},
			{"a missing entity", "PUT", "Tasks('zz')/project_id", map[string]any{"value": "x"}, nil, 404},
			{"the raw value", "PUT", "Tasks('pr1')/project_id/$value", map[string]any{"value": "x"}, nil, 405},
			{"POST", "POST", "Tasks('pr1')/project_id", map[string]any{"value": "x"}, nil, 405},
		})
	})

	// 4.01-Minimal 27; 4.0-Minimal 7: $select and $expand shape what a
	// create, an update or an action returns; options a write has no use
	// for are refused, and so is inline content (deep insert).
	t.Run("options on writes", func(t *testing.T) {
		r := s.do(t, "POST", root+"Projects?$select=name", map[string]any{"id": "w1", "name": "shaped", "budget": 1})
		if r.status != 201 || r.body["budget"] != nil || r.body["name"] != "shaped" || r.body["@odata.context"] != s.url+root+"$metadata#Projects(name,id)/$entity" {
			t.Errorf("create with $select: %d %s", r.status, r.raw)
		}
		r = s.do(t, "PATCH", root+"Projects('p1')?$expand=Tasks($select=id)&$select=id", map[string]any{"budget": 11}, "Prefer", "return=representation")
		if tasks, _ := r.body["Tasks"].([]any); r.status != 200 || len(tasks) == 0 || r.body["budget"] != nil {
			t.Errorf("update with $expand: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Tasks('c')/RT.Close?$select=status", nil)
		if r.status != 200 || r.body["status"] != "Closed" || r.body["title"] != nil {
			t.Errorf("action with $select: %d %s", r.status, r.raw)
		}
		run(t, []check{
			{"$filter on a create", "POST", "Projects?$filter=true", map[string]any{"id": "w2"}, nil, 400},
			{"$top on an update", "PATCH", "Projects('w1')?$top=1", map[string]any{"budget": 2}, nil, 400},
			{"$select on a delete", "DELETE", "Projects('w1')?$select=name", nil, nil, 400},
			{"unknown property in $select", "POST", "Projects?$select=nope", map[string]any{"id": "w3"}, nil, 400},
			{"deep insert", "POST", "Projects", map[string]any{"id": "w4", "Tasks": []any{map[string]any{"id": "w4t", "title": "x"}}}, nil, 501},
			{"deep update", "PATCH", "Tasks('a')", map[string]any{"Project": map[string]any{"id": "p9"}}, nil, 501},
		})
	})

	// JSON-service 14: odata.metadata=full spells out ids, types and
	// navigation links.
	t.Run("full metadata", func(t *testing.T) {
		r := get(t, "Projects('p1')", "Accept", "application/json;odata.metadata=full")
		id := s.url + root + "Projects('p1')"
		for k, want := range map[string]any{
			"@odata.id": id, "@odata.editLink": id, "@odata.type": "#RT.Project",
			"Tasks@odata.navigationLink": id + "/Tasks", "Tasks@odata.associationLink": id + "/Tasks/$ref",
			"Parent@odata.navigationLink": id + "/Parent",
		} {
			if r.body[k] != want {
				t.Errorf("%s: %v, want %v", k, r.body[k], want)
			}
		}
		if r := get(t, "Projects('p1')", "Accept", "application/json;odata.metadata=minimal"); strings.Contains(r.raw, "navigationLink") {
			t.Errorf("minimal metadata with links: %s", r.raw)
		}
	})

	// JSON-service 22: null values are present, never omitted.
	t.Run("nulls", func(t *testing.T) {
		r := get(t, "Projects('p2')")
		for _, name := range []string{"parent_id", "rate"} {
			if v, ok := r.body[name]; !ok || v != nil {
				t.Errorf("%s: %v present %v in %s", name, v, ok, r.raw)
			}
		}
	})

	// 4.0-Minimal 3, JSON-service 15: every partial collection has a next
	// link: entity sets, navigation collections, references, expansions.
	t.Run("server-driven paging", func(t *testing.T) {
		if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "pg1", "title": "third", "project_id": "p1"}); r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
		for _, c := range []struct{ path, count string }{
			{"Projects", "Projects/$count"},
			{"Projects('p1')/Tasks", "Projects('p1')/Tasks/$count"},
			{"Projects('p1')/Tasks/$ref", "Projects('p1')/Tasks/$count"},
			{"Projects('p1')/Tasks?$select=title&$orderby=title%20desc", "Projects('p1')/Tasks/$count"},
		} {
			seen, pages := 0, 0
			for next := c.path; next != "" && pages < 20; pages++ {
				r := get(t, next)
				vals, _ := r.body["value"].([]any)
				if r.status != 200 || len(vals) > 2 {
					t.Fatalf("%s: %d %s", next, r.status, r.raw)
				}
				seen += len(vals)
				link, _ := r.body["@odata.nextLink"].(string)
				next = strings.TrimPrefix(link, s.url+root)
			}
			if total := get(t, c.count); total.raw != strings.TrimSpace(total.raw) || pages < 2 || total.raw != itoa(seen) {
				t.Errorf("%s: %d entities in %d pages, %s counted", c.path, seen, pages, total.raw)
			}
		}
		r := get(t, "Projects('p1')?$expand=Tasks")
		if tasks, _ := r.body["Tasks"].([]any); len(tasks) != 2 || r.body["Tasks@odata.nextLink"] == nil {
			t.Errorf("expanded page: %s", r.raw)
		}
	})

	// JSON-service 23, 24, 27; JSON-producer 9: a 4.0 client gets 4.0
	// payloads and may send 4.0 control information; a 4.01 client may
	// send the unprefixed forms.
	t.Run("4.0 and 4.01 payloads", func(t *testing.T) {
		v40 := []string{"OData-MaxVersion", "4.0", "OData-Version", "4.0"}
		r := s.do(t, "POST", root+"Projects", json.RawMessage(`{"@odata.type":"#RT.Project","id":"v40","rate":0.000001,"Parent@odata.bind":"Projects('p1')"}`), v40...)
		if r.status != 201 || r.header.Get("OData-Version") != "4.0" || r.body["parent_id"] != "p1" || !strings.Contains(r.raw, `"rate":0.000001`) {
			t.Fatalf("4.0 create: %d %v %s", r.status, r.header, r.raw)
		}
		for k := range r.body {
			if strings.HasPrefix(k, "@") && !strings.HasPrefix(k, "@odata.") {
				t.Errorf("4.0 payload with %s: %s", k, r.raw)
			}
		}
		r = s.do(t, "PATCH", root+"Projects('v40')", json.RawMessage(`{"@type":"#RT.Project","@etag":"W/\"0\"","Parent@bind":"Projects('p2')"}`))
		if r.status != 204 {
			t.Fatalf("4.01 PATCH: %d %s", r.status, r.raw)
		}
		if r := get(t, "Projects('v40')", v40[:2]...); r.body["parent_id"] != "p2" || r.header.Get("OData-Version") != "4.0" {
			t.Errorf("after the 4.01 PATCH: %v %s", r.header, r.raw)
		}
	})
}

// The enumeration test bundle: items with an enumeration, a flags
// enumeration and a duration property.
const enumItem = `
[automaton]
name = "Item"
states = ["Open", "Closed"]
initial = "Open"
[[action]]
name = "Close"
from = ["Open"]
to = "Closed"
`

const enumModel = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="EN" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="Color">
        <Member Name="Red" Value="2"/>
        <Member Name="Green" Value="0"/>
        <Member Name="Blue" Value="1"/>
      </EnumType>
      <EnumType Name="Perms" IsFlags="true">
        <Member Name="Read" Value="1"/>
        <Member Name="Write" Value="2"/>
      </EnumType>
      <EntityType Name="Item">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="color" Type="EN.Color"/>
        <Property Name="perms" Type="EN.Perms"/>
        <Property Name="wait" Type="Edm.Duration"/>
      </EntityType>
      <EntityContainer Name="Container">
        <EntitySet Name="Items" EntityType="EN.Item"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

// TestEnumerationAndDurationLiterals: 4.0-Minimal 15, 4.01-Minimal 9.b:
// enumeration and duration literals in URLs, with and without the type
// prefix, against properties of those types; enumeration values in
// payloads are member names.
func TestEnumerationAndDurationLiterals(t *testing.T) {
	s := newStack(t, 100, map[string][]byte{"Item.ioa.toml": []byte(enumItem), "model.csdl.xml": []byte(enumModel)})
	root := "/odata/extra0/"
	for _, it := range []map[string]any{
		{"id": "i1", "color": "Red", "wait": "PT1H", "perms": "Read"},
		{"id": "i2", "color": "0", "wait": "P1D", "perms": "Write,1"},
		{"id": "i3", "color": "Blue", "wait": "PT30M"},
		{"id": "i4"},
	} {
		if r := s.do(t, "POST", root+"Items", it); r.status != 201 {
			t.Fatalf("create %v: %d %s", it["id"], r.status, r.raw)
		}
	}
	if r := s.do(t, "GET", root+"Items('i2')", nil); r.body["color"] != "Green" || r.body["perms"] != "Read,Write" {
		t.Errorf("member values are written as names: %s", r.raw)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"$filter=color%20eq%20EN.Color'Red'", []string{"i1"}},
		{"$filter=color%20eq%20'Blue'", []string{"i3"}},
		{"$filter=color%20eq%20EN.Color'0'", []string{"i2"}},
		{"$filter=color%20ne%20EN.Color'Red'", []string{"i2", "i3", "i4"}},
		{"$filter=color%20gt%20EN.Color'Green'", []string{"i1", "i3"}},
		{"$filter=color%20in%20('Green',EN.Color'Blue')", []string{"i2", "i3"}},
		{"$filter=color%20has%20EN.Color'Red'", []string{"i1"}},
		{"$filter=color%20eq%20null", []string{"i4"}},
		{"$filter=perms%20has%20EN.Perms'Read'", []string{"i1", "i2"}},
		{"$filter=perms%20has%20'Write'", []string{"i2"}},
		{"$filter=perms%20eq%20EN.Perms'Write,Read'", []string{"i2"}},
		{"$orderby=color%20desc&$filter=color%20ne%20null", []string{"i1", "i3", "i2"}},
		{"$filter=wait%20gt%20duration'PT45M'", []string{"i1", "i2"}},
		{"$filter=wait%20eq%20'P1D'", []string{"i2"}},
		{"$filter=wait%20lt%20duration'-P1D'%20or%20wait%20le%20'PT30M'", []string{"i3"}},
		{"$orderby=wait&$filter=wait%20ne%20null", []string{"i3", "i1", "i2"}},
	} {
		r := s.do(t, "GET", root+"Items?"+c.query, nil)
		vals, _ := r.body["value"].([]any)
		got := idsOf(vals)
		if c.query[1] != 'o' {
			slices.Sort(got)
		}
		if r.status != 200 || !slices.Equal(got, c.want) {
			t.Errorf("%s: %d %v, want %v: %s", c.query, r.status, got, c.want, r.raw)
		}
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
		want         int
	}{
		{"GET", "Items?$filter=color%20eq%20EN.Color'Purple'", nil, 400},
		{"GET", "Items?$filter=color%20eq%20'purple'", nil, 400},
		{"GET", "Items?$filter=color%20eq%20EN.Other'Red'", nil, 400},
		{"GET", "Items?$filter=status%20eq%20EN.Color'Red'", nil, 400},
		{"GET", "Items?$filter=perms%20gt%20EN.Perms'Read'", nil, 501},
		{"GET", "Items?$orderby=perms", nil, 501},
		{"GET", "Items?$filter=perms%20has%20EN.Perms'Delete'", nil, 400},
		{"GET", "Items?$filter=wait%20eq%20duration'P1X'", nil, 400},
		{"POST", "Items", map[string]any{"id": "bad1", "color": "Purple"}, 400},
		{"POST", "Items", map[string]any{"id": "bad2", "color": 2}, 400},
		{"PATCH", "Items('i1')", map[string]any{"perms": "Read,Delete"}, 400},
		{"PUT", "Items('i1')/color", map[string]any{"value": "1"}, 204},
	} {
		if r := s.do(t, c.method, root+c.path, c.body); r.status != c.want {
			t.Errorf("%s %s %v: %d, want %d: %s", c.method, c.path, c.body, r.status, c.want, r.raw)
		}
	}
	if r := s.do(t, "GET", root+"Items('i1')/color", nil); r.body["value"] != "Blue" {
		t.Errorf("after PUT of a member value: %s", r.raw)
	}
}

// The complex-type test bundle: sites with an address (with a nested
// position) and a history of addresses.
const complexSite = `
[automaton]
name = "Site"
states = ["Open"]
initial = "Open"
[[action]]
name = "Touch"
from = ["Open"]
`

const complexModel = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="CX" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="Position">
        <Property Name="lat" Type="Edm.Double"/>
        <Property Name="lon" Type="Edm.Double"/>
      </ComplexType>
      <ComplexType Name="Address">
        <Property Name="street" Type="Edm.String"/>
        <Property Name="city" Type="Edm.String" Nullable="false"/>
        <Property Name="zip" Type="Edm.Int32"/>
        <Property Name="at" Type="CX.Position"/>
      </ComplexType>
      <EntityType Name="Site">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="name" Type="Edm.String"/>
        <Property Name="addr" Type="CX.Address"/>
        <Property Name="history" Type="Collection(CX.Address)"/>
        <Property Name="scores" Type="Collection(Edm.Int32)"/>
        <Property Name="ratios" Type="Collection(Edm.Decimal)"/>
        <Property Name="checks" Type="Collection(Edm.Boolean)"/>
      </EntityType>
      <EntityContainer Name="Container">
        <EntitySet Name="Sites" EntityType="CX.Site"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

// TestComplexProperties: 4.0-Minimal 2 and 8, 4.0-Intermediate 3,
// 4.01-Intermediate 5: complex values are JSON objects checked against
// their type, $select picks their members by path or nested $select.
func TestComplexProperties(t *testing.T) {
	s := newStack(t, 100, map[string][]byte{"Site.ioa.toml": []byte(complexSite), "model.csdl.xml": []byte(complexModel)})
	root := "/odata/extra0/"
	addr := map[string]any{"street": "1 Main St", "city": "Springfield", "zip": 12345, "at": map[string]any{"lat": 1.5, "lon": -2.25}}
	r := s.do(t, "POST", root+"Sites", map[string]any{"id": "s1", "name": "one", "addr": addr,
		"history": []any{map[string]any{"city": "Shelbyville"}, map[string]any{"city": "Ogdenville", "zip": 1}}})
	if r.status != 201 || path(r.body, "addr", "at", "lon") != -2.25 || path(r.body, "addr", "city") != "Springfield" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if hist, _ := r.body["history"].([]any); len(hist) != 2 || path(hist[1], "zip") != float64(1) {
		t.Errorf("a collection of complex values: %s", r.raw)
	}
	for q, want := range map[string]string{
		"$select=addr/city":                              `{"city":"Springfield"}`,
		"$select=addr($select=city,at($select=lat))":     `{"at":{"lat":1.5},"city":"Springfield"}`,
		"$select=addr/at/lon,addr/zip":                   `{"at":{"lon":-2.25},"zip":12345}`,
		"$select=addr($select=*)":                        `{"at":{"lat":1.5,"lon":-2.25},"city":"Springfield","street":"1 Main St","zip":12345}`,
		"$select=history($select=city)":                  ``,
		"$select=name,addr($select=street)&$format=json": `{"street":"1 Main St"}`,
	} {
		r := s.do(t, "GET", root+"Sites('s1')?"+q, nil)
		if want == "" {
			if q == "$select=history($select=city)" {
				if h, _ := r.body["history"].([]any); r.status != 200 || len(h) != 2 || len(h[0].(map[string]any)) != 1 || r.body["addr"] != nil {
					t.Errorf("%s: %d %s", q, r.status, r.raw)
				}
			}
			continue
		}
		b, _ := json.Marshal(r.body["addr"])
		if r.status != 200 || string(b) != want || r.body["history"] != nil {
			t.Errorf("%s: %d %s, want addr %s", q, r.status, r.raw, want)
		}
	}
	if r := s.do(t, "GET", root+"Sites('s1')?$select=addr($select=city,at($select=lat))", nil); r.body["@odata.context"] != s.url+root+"$metadata#Sites(addr(city,at(lat)),id)/$entity" {
		t.Errorf("context URL of a nested $select: %v", r.body["@odata.context"])
	}
	if r := s.do(t, "PUT", root+"Sites('s1')/addr", map[string]any{"value": map[string]any{"city": "Capital City"}}); r.status != 204 {
		t.Errorf("PUT of a complex property: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Sites('s1')/addr", nil); path(r.body, "value", "city") != "Capital City" || path(r.body, "value", "zip") != nil {
		t.Errorf("a complex property: %d %s", r.status, r.raw)
	}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"GET", "Sites?$select=addr/nope", nil, 400},
		{"GET", "Sites?$select=addr($select=nope)", nil, 400},
		{"GET", "Sites?$select=addr/city/x", nil, 400},
		{"GET", "Sites?$select=name/x", nil, 501},
		{"GET", "Sites?$select=addr($top=1)", nil, 501},
		{"GET", "Sites?$filter=addr/city%20eq%20'x'", nil, 501},
		{"GET", "Sites('s1')/addr/$value", nil, 400},
		{"POST", "Sites", map[string]any{"id": "b1", "addr": "Springfield"}, 400},
		{"POST", "Sites", map[string]any{"id": "b2", "addr": map[string]any{"city": "x", "planet": "Earth"}}, 400},
		{"POST", "Sites", map[string]any{"id": "b3", "addr": map[string]any{"city": nil}}, 400},
		{"POST", "Sites", map[string]any{"id": "b4", "addr": map[string]any{"city": "x", "zip": "123"}}, 400},
		{"POST", "Sites", map[string]any{"id": "b5", "addr": map[string]any{"city": "x", "at": map[string]any{"lat": "north"}}}, 400},
		{"POST", "Sites", map[string]any{"id": "b6", "history": map[string]any{"city": "x"}}, 400},
		{"PATCH", "Sites('s1')", map[string]any{"history": []any{map[string]any{"city": "y", "@odata.type": "#CX.Address"}}}, 204},
	} {
		if r := s.do(t, c.method, root+c.path, c.body); r.status != c.want {
			t.Errorf("%s %s %v: %d, want %d: %s", c.method, c.path, c.body, r.status, c.want, r.raw)
		}
	}
	if r := s.do(t, "GET", root+"Sites?$filter=id%20eq%20's1'&$select=history", nil); !strings.Contains(r.raw, `"history":[{"city":"y"}]`) {
		t.Errorf("a collection of complex values from the projection: %s", r.raw)
	}
}

// TestTypedCollections: 4.0-Minimal 2: collections of numbers and Booleans
// are JSON arrays of numbers and Booleans in the entity, the projection
// and queries, though the entity holds them as lists of text.
func TestTypedCollections(t *testing.T) {
	s := newStack(t, 100, map[string][]byte{"Site.ioa.toml": []byte(complexSite), "model.csdl.xml": []byte(complexModel)})
	root := "/odata/extra0/"
	body := json.RawMessage(`{"id":"t1","scores":[3,1,2],"ratios":[0.5,12345678901234567.891],"checks":[true,false]}`)
	r := s.do(t, "POST", root+"Sites", body)
	want := `"checks":[true,false]`
	if r.status != 201 || !strings.Contains(r.raw, `"scores":[3,1,2]`) || !strings.Contains(r.raw, `"ratios":[0.5,12345678901234567.891]`) || !strings.Contains(r.raw, want) {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	s.do(t, "POST", root+"Sites", map[string]any{"id": "t2", "scores": []any{7}})
	for _, c := range []struct {
		query string
		ids   []string
	}{
		{"$filter=3%20in%20scores", []string{"t1"}},
		{"$filter=scores/any(x:x%20gt%205)", []string{"t2"}},
		{"$filter=scores/$count%20eq%203", []string{"t1"}},
		{"$filter=checks/any(c:c)", []string{"t1"}},
	} {
		r := s.do(t, "GET", root+"Sites?"+c.query, nil)
		vals, _ := r.body["value"].([]any)
		if got := idsOf(vals); r.status != 200 || !slices.Equal(got, c.ids) {
			t.Errorf("%s: %d %v, want %v: %s", c.query, r.status, got, c.ids, r.raw)
		}
		if c.ids[0] == "t1" && !strings.Contains(r.raw, `"scores":[3,1,2]`) {
			t.Errorf("%s: the projection's scores: %s", c.query, r.raw)
		}
	}
	if r := s.do(t, "GET", root+"Sites('t1')/scores", nil, "Accept", "application/json;IEEE754Compatible=true"); !strings.Contains(r.raw, `"value":[3,1,2]`) {
		t.Errorf("a collection property: %s", r.raw)
	}
	if r := s.do(t, "GET", root+"Sites('t1')/ratios", nil, "Accept", "application/json;IEEE754Compatible=true"); !strings.Contains(r.raw, `"value":["0.5","12345678901234567.891"]`) {
		t.Errorf("Decimal elements with IEEE754Compatible: %s", r.raw)
	}
	for _, c := range []struct {
		method, path string
		body         any
		want         int
	}{
		{"PATCH", "Sites('t1')", map[string]any{"scores": []any{1.5}}, 400},
		{"PATCH", "Sites('t1')", map[string]any{"scores": []any{"x"}}, 400},
		{"PATCH", "Sites('t1')", map[string]any{"checks": []any{1}}, 400},
		{"PATCH", "Sites('t1')", map[string]any{"scores": []any{4, 5}}, 204},
		{"GET", "Sites('t1')/scores?$top=1", nil, 501},
		{"GET", "Sites?$select=scores($top=1)", nil, 501},
	} {
		if r := s.do(t, c.method, root+c.path, c.body); r.status != c.want {
			t.Errorf("%s %s %v: %d, want %d: %s", c.method, c.path, c.body, r.status, c.want, r.raw)
		}
	}
	if r := s.do(t, "GET", root+"Sites('t1')", nil); !strings.Contains(r.raw, `"scores":[4,5]`) {
		t.Errorf("after PATCH: %s", r.raw)
	}
}
