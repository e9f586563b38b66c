package api_test

import (
	"strings"
	"testing"
)

func TestIEEE754Compatible(t *testing.T) {
	s := newRelStack(t, 100)
	root := relRoot
	ieee := []string{"Accept", "application/json;IEEE754Compatible=true"}

	r := s.do(t, "GET", root+"Projects('p1')", nil, ieee...)
	if r.status != 200 || r.body["budget"] != "9007199254740991" || r.body["rate"] != "1.5" ||
		!strings.Contains(r.header.Get("Content-Type"), "IEEE754Compatible=true") {
		t.Errorf("entity: %d %v %s", r.status, r.header, r.raw)
	}
	r = s.do(t, "GET", root+"Projects('p1')", nil)
	if r.body["budget"] != float64(9007199254740991) || r.body["rate"] != 1.5 || strings.Contains(r.header.Get("Content-Type"), "IEEE754") {
		t.Errorf("entity without IEEE754Compatible: %v %s", r.header, r.raw)
	}
	// Counts are Int64 too; other types stay JSON numbers and strings.
	r = s.do(t, "GET", root+"Projects?$count=true&$expand=Tasks($count=true)&$orderby=id&$format=application/json%3BIEEE754Compatible%3Dtrue", nil)
	vals, _ := r.body["value"].([]any)
	if r.status != 200 || r.body["@odata.count"] != "4" || len(vals) != 4 || path(vals[0], "Tasks@odata.count") != "2" || path(vals[1], "budget") != nil {
		t.Errorf("list: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Projects('p1')/budget", nil, ieee...); r.body["value"] != "9007199254740991" {
		t.Errorf("property: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Projects('p1')/name", nil, ieee...); r.body["value"] != "one" {
		t.Errorf("a string property: %d %s", r.status, r.raw)
	}

	// Request bodies may carry Int64 and Decimal values as strings.
	ct := []string{"Content-Type", "application/json;IEEE754Compatible=true"}
	r = s.do(t, "POST", root+"Projects", map[string]any{"id": "i1", "budget": "42", "rate": "0.25"}, ct...)
	if r.status != 201 || r.body["budget"] != float64(42) || r.body["rate"] != 0.25 {
		t.Errorf("create with strings: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "PATCH", root+"Projects('i1')", map[string]any{"budget": "-7"}, ct...); r.status != 204 {
		t.Errorf("PATCH with a string: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", root+"Projects('i1')", nil); r.body["budget"] != float64(-7) {
		t.Errorf("after PATCH: %s", r.raw)
	}
	for name, c := range map[string]struct {
		body    map[string]any
		headers []string
	}{
		"not a number":           {map[string]any{"id": "i2", "budget": "lots"}, ct},
		"a fraction for Int64":   {map[string]any{"id": "i3", "budget": "1.5"}, ct},
		"string without IEEE754": {map[string]any{"id": "i4", "budget": "42"}, nil},
	} {
		if r := s.do(t, "POST", root+"Projects", c.body, c.headers...); r.status != 400 {
			t.Errorf("%s: %d, want 400: %s", name, r.status, r.raw)
		}
	}
}

func TestKeyAliases(t *testing.T) {
	s := newStack(t, 100)
	root := "/odata/tasks/"
	if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "a/b", "title": "slash"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	for _, c := range []struct {
		path string
		want int
	}{
		{"Tasks(@k)?@k='a%2Fb'", 200},
		{"Tasks(id=@k)?@k='a%2Fb'", 200},
		{"Tasks(@k)/title?@k='a%2Fb'", 200},
		{"Tasks(@k)?@k='nope'", 404},
		{"Tasks(@k)", 400},
		{"Tasks(@k)?@k=1", 400},
		{"Tasks(@k)?@k=title", 400},
	} {
		r := s.do(t, "GET", root+c.path, nil)
		if r.status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.path, r.status, c.want, r.raw)
		}
		if c.want == 200 && r.body["id"] != "a/b" && r.body["value"] != "slash" {
			t.Errorf("%s: %s", c.path, r.raw)
		}
	}
}
