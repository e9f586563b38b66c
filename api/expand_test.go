package api_test

import (
	"slices"
	"strings"
	"testing"
)

// path follows names through nested maps of a payload.
func path(v any, names ...string) any {
	for _, n := range names {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[n]
	}
	return v
}

// idsOf lists the ids (or reference ids) of a JSON array.
func idsOf(v any) []string {
	list, _ := v.([]any)
	out := []string{}
	for _, it := range list {
		m, _ := it.(map[string]any)
		if id, ok := m["id"].(string); ok {
			out = append(out, id)
		} else if ref, ok := m["@odata.id"].(string); ok {
			out = append(out, ref[strings.LastIndex(ref, "/")+1:])
		}
	}
	return out
}

func TestExpand(t *testing.T) {
	s := newRelStack(t, 100)
	root := relRoot
	get := func(t *testing.T, p string, headers ...string) map[string]any {
		t.Helper()
		r := s.do(t, "GET", root+p, nil, headers...)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", p, r.status, r.raw)
		}
		return r.body
	}

	t.Run("nested $expand", func(t *testing.T) {
		b := get(t, "Projects('p1')?$expand=Tasks($orderby=id;$expand=Project($select=name))")
		tasks, _ := b["Tasks"].([]any)
		if got := idsOf(b["Tasks"]); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("Tasks: %v", got)
		}
		p := path(tasks[0], "Project").(map[string]any)
		if p["name"] != "one" || p["id"] != "p1" {
			t.Errorf("nested Project: %v", p)
		}
		if _, ok := p["budget"]; ok {
			t.Errorf("nested $select ignored: %v", p)
		}
		// On a navigation path, single-valued and collection-valued.
		b = get(t, "Tasks('a')/Project?$expand=Tasks($select=title)")
		if got := idsOf(b["Tasks"]); !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("Tasks('a')/Project?$expand=Tasks: %v", b)
		}
		b = get(t, "Projects('p1')/Tasks?$expand=Project&$orderby=id")
		if path(b["value"].([]any)[0], "Project", "name") != "one" {
			t.Errorf("Projects('p1')/Tasks?$expand=Project: %v", b)
		}
	})

	t.Run("$levels", func(t *testing.T) {
		b := get(t, "Projects('p1')?$expand=Children($levels=2)")
		if got := idsOf(b["Children"]); !slices.Equal(got, []string{"p3"}) {
			t.Fatalf("level 1: %v", b)
		}
		p3 := b["Children"].([]any)[0]
		if got := idsOf(path(p3, "Children")); !slices.Equal(got, []string{"p4"}) {
			t.Fatalf("level 2: %v", p3)
		}
		if _, ok := path(p3, "Children").([]any)[0].(map[string]any)["Children"]; ok {
			t.Errorf("level 3 expanded with $levels=2: %v", p3)
		}
		if ctx := b["@odata.context"].(string); !strings.HasSuffix(ctx, "$metadata#Projects(Children+())/$entity") {
			t.Errorf("context %s", ctx)
		}
		// max: to the end of the chain.
		b = get(t, "Projects('p4')?$expand=Parent($levels=max;$select=name)")
		if path(b, "Parent", "id") != "p3" || path(b, "Parent", "Parent", "id") != "p1" {
			t.Fatalf("Parent chain: %v", b)
		}
		if v, ok := path(b, "Parent", "Parent").(map[string]any)["Parent"]; !ok || v != nil {
			t.Errorf("the chain must end in null: %v", b)
		}
		b = get(t, "Projects('p1')?$expand=Children($levels=max)")
		if got := path(b, "Children").([]any)[0].(map[string]any)["Children"].([]any)[0].(map[string]any)["Children"]; got == nil || len(got.([]any)) != 0 {
			t.Errorf("max must expand p4's empty Children: %v", b)
		}
		for _, p := range []string{
			"Projects('p1')?$expand=Children($levels=9)",
			"Projects('p1')?$expand=Tasks($levels=2)",
			"Projects('p1')?$expand=Children($levels=0)",
		} {
			if r := s.do(t, "GET", root+p, nil); r.status != 400 {
				t.Errorf("%s: %d, want 400: %s", p, r.status, r.raw)
			}
		}
	})

	t.Run("$expand=*", func(t *testing.T) {
		b := get(t, "Tasks('d')?$expand=*")
		if path(b, "Owner", "id") != "p1" {
			t.Errorf("Owner: %v", b)
		}
		if v, ok := b["Project"]; !ok || v != nil {
			t.Errorf("an unset single-valued navigation expands to null: %v", b)
		}
		b = get(t, "Projects('p1')?$expand=*")
		for _, n := range []string{"Tasks", "Owned", "Parent", "Children"} {
			if _, ok := b[n]; !ok {
				t.Errorf("$expand=* lacks %s: %v", n, b)
			}
		}
		if ctx := b["@odata.context"].(string); !strings.HasSuffix(ctx, "#Projects(Tasks(),Owned(),Parent(),Children())/$entity") {
			t.Errorf("context %s", ctx)
		}
		b = get(t, "Projects('p1')?$expand=*/$ref")
		if got := idsOf(b["Children"]); !slices.Equal(got, []string{"Projects('p3')"}) {
			t.Errorf("*/$ref Children: %v", b["Children"])
		}
		if r := s.do(t, "GET", root+"Projects('p1')?$expand=*($levels=2)", nil); r.status != 400 {
			t.Errorf("*($levels=2) over non-recursive navigation: %d %s", r.status, r.raw)
		}
	})

	t.Run("$ref and $count", func(t *testing.T) {
		b := get(t, "Projects('p1')?$expand=Tasks/$ref($orderby=id%20desc;$top=1)")
		refs, _ := b["Tasks"].([]any)
		if len(refs) != 1 || path(refs[0], "@odata.id") != s.url+root+"Tasks('b')" || len(refs[0].(map[string]any)) != 1 {
			t.Errorf("Tasks/$ref: %v", b["Tasks"])
		}
		if ctx := b["@odata.context"].(string); !strings.HasSuffix(ctx, "$metadata#Projects/$entity") {
			t.Errorf("expanded references are not in the context URL: %s", ctx)
		}
		b = get(t, "Tasks('a')?$expand=Project/$ref")
		if path(b, "Project", "@odata.id") != s.url+root+"Projects('p1')" {
			t.Errorf("Project/$ref: %v", b)
		}
		b = get(t, "Projects?$expand=Tasks/$count&$orderby=id")
		vals := b["value"].([]any)
		if path(vals[0], "Tasks@odata.count") != float64(2) || path(vals[1], "Tasks@odata.count") != float64(0) || path(vals[0], "Tasks") != nil {
			t.Errorf("Tasks/$count: %v", vals)
		}
		b = get(t, "Projects('p1')?$expand=Tasks/$count($filter=title%20eq%20'task%20b')")
		if b["Tasks@odata.count"] != float64(1) {
			t.Errorf("Tasks/$count($filter): %v", b)
		}
		b = get(t, "Projects('p1')?$expand=Tasks($count=true;$top=1;$orderby=id)")
		if b["Tasks@odata.count"] != float64(2) || len(b["Tasks"].([]any)) != 1 {
			t.Errorf("Tasks($count=true;$top=1): %v", b)
		}
		for _, p := range []string{"Tasks('a')?$expand=Project/$count", "Tasks('a')?$expand=Project/$ref($top=1)", "Tasks('a')?$expand=Project/name", "Tasks('a')?$expand=RT.Project"} {
			if r := s.do(t, "GET", root+p, nil); r.status != 400 && r.status != 501 {
				t.Errorf("%s: %d, want 400 or 501: %s", p, r.status, r.raw)
			}
		}
	})

	t.Run("nested $skip and $search", func(t *testing.T) {
		b := get(t, "Projects('p1')?$expand=Tasks($orderby=id;$skip=1)")
		if got := idsOf(b["Tasks"]); !slices.Equal(got, []string{"b"}) {
			t.Errorf("$skip=1: %v", got)
		}
		b = get(t, "Projects('p1')?$expand=Tasks($search=%22task%20b%22)")
		if got := idsOf(b["Tasks"]); !slices.Equal(got, []string{"b"}) {
			t.Errorf(`$search="task b": %v`, got)
		}
		b = get(t, "Projects('p1')?$expand=Tasks($filter=title%20ne%20'task%20a';$select=title)")
		if got := idsOf(b["Tasks"]); !slices.Equal(got, []string{"b"}) {
			t.Errorf("$filter: %v", got)
		}
	})

	t.Run("context URLs", func(t *testing.T) {
		for _, c := range []struct {
			path, want string
			headers    []string
		}{
			{"Tasks?$select=title", "#Tasks(title,id)", nil},
			{"Tasks?$select=*", "#Tasks(*)", nil},
			{"Tasks", "#Tasks", nil},
			{"Tasks('a')?$select=title,project_id", "#Tasks(title,project_id,id)/$entity", nil},
			{"Projects('p1')?$expand=Tasks", "#Projects(Tasks())/$entity", nil},
			{"Projects('p1')?$select=name&$expand=Tasks($select=title)", "#Projects(name,id,Tasks(title,id))/$entity", nil},
			{"Projects('p1')?$expand=Tasks($expand=Project)", "#Projects(Tasks(Project()))/$entity", nil},
			{"Projects('p1')/Tasks?$select=title", "#Tasks(title,id)", nil},
			{"Tasks('a')/Project?$select=name", "#Projects(name,id)/$entity", nil},
			// 4.0 omits expansions without a select-list of their own.
			{"Projects('p1')?$expand=Tasks", "#Projects/$entity", []string{"OData-MaxVersion", "4.0"}},
			{"Projects('p1')?$expand=Tasks($select=title)", "#Projects(Tasks(title,id))/$entity", []string{"OData-MaxVersion", "4.0"}},
		} {
			b := get(t, c.path, c.headers...)
			if ctx, _ := b["@odata.context"].(string); ctx != s.url+root+"$metadata"+c.want {
				t.Errorf("%s %v: context %s, want ...%s", c.path, c.headers, ctx, c.want)
			}
		}
	})
}
