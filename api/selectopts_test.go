package api_test

import (
	"slices"
	"testing"
)

func TestSelectNestedOptions(t *testing.T) {
	s := newStack(t, 100)
	root := "/odata/tasks/"
	if r := s.do(t, "POST", root+"Tasks", map[string]any{"id": "l1", "title": "labels"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "PATCH", root+"Tasks('l1')", map[string]any{"labels": []string{"delta", "alpha", "charlie", "bravo", "Alpha"}}); r.status != 204 {
		t.Fatalf("labels: %d %s", r.status, r.raw)
	}
	labels := func(v any) []string {
		out := []string{}
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	for _, c := range []struct {
		sel   string
		want  []string
		count any
	}{
		{"labels($top=2;$orderby=$this)", []string{"Alpha", "alpha"}, nil},
		{"labels($orderby=$this%20desc;$skip=1;$top=2)", []string{"charlie", "bravo"}, nil},
		{"labels($filter=startswith(tolower($this),'a');$count=true)", []string{"alpha", "Alpha"}, float64(2)},
		{"labels($filter=$this%20gt%20'c'%20and%20not%20($this%20eq%20'delta'))", []string{"charlie"}, nil},
		{"labels($filter=length($this)%20eq%205%20or%20$this%20in%20('bravo','x'))", []string{"delta", "alpha", "bravo", "Alpha"}, nil},
		{"labels($filter=contains($this,'ar');$top=0;$count=true)", []string{}, float64(1)},
		{"labels($filter=indexof($this,'l')%20eq%201)", []string{"alpha", "Alpha"}, nil},
		{"labels", []string{"delta", "alpha", "charlie", "bravo", "Alpha"}, nil},
		{"labels($filter=$this%20eq%20@a;@a='bravo')", []string{"bravo"}, nil},
	} {
		r := s.do(t, "GET", root+"Tasks('l1')?$select=title,"+c.sel, nil)
		if r.status != 200 {
			t.Errorf("%s: %d %s", c.sel, r.status, r.raw)
			continue
		}
		if got := labels(r.body["labels"]); !slices.Equal(got, c.want) || r.body["labels@odata.count"] != c.count {
			t.Errorf("%s: %v count %v, want %v count %v", c.sel, got, r.body["labels@odata.count"], c.want, c.count)
		}
	}
	// On lists and expansions too.
	r := s.do(t, "GET", root+"Tasks?$filter=id%20eq%20'l1'&$select=labels($orderby=$this;$top=1)", nil)
	if vals, _ := r.body["value"].([]any); r.status != 200 || len(vals) != 1 || !slices.Equal(labels(vals[0].(map[string]any)["labels"]), []string{"Alpha"}) {
		t.Errorf("on a list: %d %s", r.status, r.raw)
	}
	for sel, want := range map[string]int{
		"title($top=1)":                        400,
		"labels($filter=$this%20eq%201)":       400,
		"labels($filter=$this)":                400,
		"labels($select=x)":                    400,
		"labels($search=a)":                    501,
		"labels($orderby=length($this))":       501,
		"labels($filter=year($this)%20eq%201)": 501,
		"nope($top=1)":                         400,
	} {
		if r := s.do(t, "GET", root+"Tasks('l1')?$select="+sel, nil); r.status != want {
			t.Errorf("%s: %d, want %d: %s", sel, r.status, want, r.raw)
		}
	}
}
