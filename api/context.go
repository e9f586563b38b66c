package api

import (
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/specengine"
)

// Context URLs (OData JSON 4.01 §10, Protocol §10): the metadata URL and
// a fragment naming the entity set, with the select-list of what $select
// and $expand put in the payload: Tasks(title,id), Projects(Tasks())/$entity.

// contextURL is the context URL of a collection of t (or one entity of t
// with single) shaped by q's $select and $expand.
func contextURL(r *request, t *specengine.Table, q *ast.Query, single bool) string {
	u := r.root + "$metadata#" + t.EntitySet + selectList(r, t, q)
	if single {
		u += "/$entity"
	}
	return u
}

// selectList is the parenthesized select-list of q for t, or "" when the
// payload has every structural property and nothing expanded.
func selectList(r *request, t *specengine.Table, q *ast.Query) string {
	items := selectItems(r, t, q)
	if len(items) == 0 {
		return ""
	}
	return "(" + strings.Join(items, ",") + ")"
}

func selectItems(r *request, t *specengine.Table, q *ast.Query) []string {
	if q == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	star := false
	for _, it := range q.Select {
		switch {
		case it.Star && len(it.Path) == 0:
			add("*")
			star = true
		case len(it.Path) > 0:
			add(selectPath(it))
		}
	}
	if len(q.Select) > 0 && !star {
		// Key properties are always in the payload (render).
		for _, k := range t.KeyProps {
			add(k)
		}
	}
	for _, it := range q.Expand {
		// Expanded references and counts are not in the context URL.
		if it.Ref || it.Count || len(it.Path) != 1 {
			continue
		}
		names := []string{it.Path[0]}
		if it.Path[0] == "*" {
			names = navNames(r, t)
		}
		for _, name := range names {
			inner := ""
			if n, err := resolveNav(r, t, name); err == nil {
				inner = strings.Join(selectItems(r, n.target, it.Options), ",")
			}
			// A 4.0 response names an expanded property only when its
			// expansion has a select-list of its own.
			if inner == "" && r.odata40() {
				continue
			}
			plus := ""
			if it.Levels != 0 {
				plus = "+"
			}
			add(name + plus + "(" + inner + ")")
		}
	}
	return out
}

// selectPath is a $select item in a select-list: its path, with the
// select-list of a nested $select in parentheses (Address(City)).
func selectPath(it ast.SelectItem) string {
	p := strings.Join(it.Path, "/")
	if it.Star {
		p += "/*"
	}
	if it.Options == nil || it.Options.Select == nil {
		return p
	}
	inner := make([]string, 0, len(it.Options.Select))
	for _, x := range it.Options.Select {
		if x.Star && len(x.Path) == 0 {
			inner = append(inner, "*")
			continue
		}
		inner = append(inner, selectPath(x))
	}
	return p + "(" + strings.Join(inner, ",") + ")"
}
