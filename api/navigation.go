package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// navigation is a navigation property resolved against the model: the
// target entity type and how the two sides are joined.
type navigation struct {
	name       string
	target     *specengine.Table
	collection bool
	// Single-valued: the local property holding the target's key.
	localFK string
	// Collection-valued: the target's property holding this entity's key.
	remoteFK string
}

// resolveNav finds a navigation property of the request's entity type and
// how to follow it: through a referential constraint on this side
// (single-valued) or on the partner (collection-valued).
func resolveNav(r *request, t *specengine.Table, name string) (*navigation, error) {
	m := r.bundle.Model
	et := m.EntityType(t.Namespace + "." + t.Entity)
	if et == nil {
		return nil, errorf(http.StatusNotFound, "NotFound", "%s has no navigation property %q", t.Entity, name)
	}
	np := m.NavigationProperty(et, name)
	if np == nil {
		return nil, errorf(http.StatusNotFound, "NotFound", "%s has no navigation property %q", t.Entity, name)
	}
	n := &navigation{name: name, collection: csdl.IsCollection(np.Type)}
	targetType := m.EntityType(csdl.ElementType(np.Type))
	for _, tab := range r.bundle.TableList {
		if targetType != nil && m.QualifiedName(targetType) == tab.Namespace+"."+tab.Entity {
			n.target = tab
		}
	}
	if n.target == nil {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "navigation %s leads to %s, which has no spec", name, np.Type)
	}
	if !n.collection {
		for _, rc := range np.ReferentialConstraints {
			if len(n.target.KeyProps) == 1 && rc.ReferencedProperty == n.target.KeyProps[0] {
				n.localFK = rc.Property
			}
		}
		if n.localFK == "" {
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "navigation %s has no referential constraint to follow", name)
		}
		return n, nil
	}
	if np.Partner != "" && targetType != nil {
		if partner := m.NavigationProperty(targetType, np.Partner); partner != nil {
			for _, rc := range partner.ReferentialConstraints {
				if len(t.KeyProps) == 1 && rc.ReferencedProperty == t.KeyProps[0] {
					n.remoteFK = rc.Property
				}
			}
		}
	}
	if n.remoteFK == "" {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "navigation %s has no partner with a referential constraint to follow", name)
	}
	return n, nil
}

// Limits of $expand: $levels (and $levels=max) expand at most maxLevels
// levels, and one request may read at most maxExpandReads related
// entities or collections, so that a short URL cannot make the gateway
// read the whole store.
const (
	maxLevels      = 8
	maxExpandReads = 2000
)

// read counts one read made for $expand against the request's budget.
func (r *request) read() error {
	if r.reads == nil {
		r.reads = new(int)
	}
	*r.reads++
	if *r.reads > maxExpandReads {
		return errorf(http.StatusBadRequest, "BadRequest", "$expand needs more than %d reads; narrow it with $top, $filter or fewer $levels", maxExpandReads)
	}
	return nil
}

// relatedSet is what a navigation property of one entity leads to.
type relatedSet struct {
	one   *entity.Entity  // single-valued: nil when unset or dangling
	many  []entity.Entity // collection-valued: one page
	count *int64
	next  string // the rest of the collection (server-driven paging)
}

// hasCollectionOptions reports whether q has options only a collection
// takes.
func hasCollectionOptions(q *ast.Query) bool {
	return q != nil && (q.Filter != nil || q.OrderBy != nil || q.Top != nil || q.Skip != nil || q.Count != nil || q.Search != nil || q.SkipToken != "")
}

// sourceKeyLiteral is the key of e (an entity of t, which has a single key
// property) as a literal to compare a foreign key with.
func sourceKeyLiteral(r *request, t *specengine.Table, key string) (*ast.Literal, error) {
	v, err := keyValueOf(r, t, key)
	if err != nil {
		return nil, err
	}
	if i, ok := v.(int64); ok {
		return &ast.Literal{Kind: ast.LitInt, Value: i}, nil
	}
	return &ast.Literal{Kind: ast.LitString, Value: v}, nil
}

// memberFilter is the condition that selects the entities n leads to
// from the entity key of r.table.
func memberFilter(r *request, n *navigation, key string) (ast.Expr, error) {
	lit, err := sourceKeyLiteral(r, r.table, key)
	if err != nil {
		return nil, err
	}
	return &ast.Binary{Op: ast.OpEq, L: &ast.Path{Segments: []string{n.remoteFK}}, R: lit}, nil
}

// fetchRelated reads what n leads to from e, an entity of r.table: one
// entity, or a page of entities with the collection options of opts
// applied and the next link of the rest. tail follows the navigation
// property in next links ("" or "/$ref").
func (s *Server) fetchRelated(r *request, n *navigation, e entity.Entity, opts *ast.Query, tail string) (relatedSet, error) {
	ctx := r.c.Request().Context()
	if opts == nil {
		opts = &ast.Query{}
	}
	if err := r.read(); err != nil {
		return relatedSet{}, err
	}
	sub := r.sub(n.target, "")
	if !n.collection {
		key, ok := fkKey(r, n.target, e.Fields[n.localFK])
		if !ok {
			return relatedSet{}, nil
		}
		sub.key = key
		t, err := r.ents.Get(ctx, sub.ref())
		if errors.Is(err, entity.ErrNotFound) {
			return relatedSet{}, nil // a dangling reference reads as none
		}
		if err != nil {
			return relatedSet{}, err
		}
		return relatedSet{one: &t}, nil
	}
	cond, err := memberFilter(r, n, e.Ref.Key)
	if err != nil {
		return relatedSet{}, err
	}
	if opts.Filter != nil {
		f, err := navFilter(sub, n.target, opts.Filter)
		if err != nil {
			return relatedSet{}, err
		}
		cond = &ast.Binary{Op: ast.OpAnd, L: cond, R: f}
	}
	orderBy, err := navOrderBy(sub, n.target, opts.OrderBy)
	if err != nil {
		return relatedSet{}, err
	}
	page := s.pageSize(r)
	lq := store.ListQuery{App: r.app, Set: n.target.EntitySet, Schema: Schema(r.bundle, n.target), Filter: cond,
		Search: opts.Search, OrderBy: orderBy, Top: page, After: opts.SkipToken,
		Count: opts.Count != nil && *opts.Count}
	top := int64(-1)
	if opts.Top != nil {
		top = *opts.Top
		lq.Top = int(min(top, int64(page)))
	}
	if opts.Skip != nil {
		lq.Skip = int(min(*opts.Skip, int64(1<<31-1)))
	}
	res, err := r.ents.Query(ctx, lq)
	if err != nil {
		return relatedSet{}, err
	}
	out := relatedSet{many: make([]entity.Entity, 0, len(res.Entities)), count: res.Count}
	for _, x := range res.Entities {
		out.many = append(out.many, fromProjection(x))
	}
	if res.Next != "" && (top < 0 || top > int64(len(res.Entities))) {
		// Server-driven paging: the rest of the collection is at its own
		// URL with the same options, the skip token, and what is left of
		// $top.
		q := *opts
		q.Skip, q.SkipToken = nil, res.Next
		if top >= 0 {
			left := top - int64(len(res.Entities))
			q.Top = &left
		}
		out.next = r.entityURL(e.Ref.Key) + "/" + n.name + tail + "?" + uri.FormatQuery(&q)
	}
	return out, nil
}

// countRelated counts the entities n leads to from e that match the
// $filter and $search of opts.
func (s *Server) countRelated(r *request, n *navigation, key string, opts *ast.Query) (int64, error) {
	if err := r.read(); err != nil {
		return 0, err
	}
	cond, err := memberFilter(r, n, key)
	if err != nil {
		return 0, err
	}
	var search ast.Search
	if opts != nil {
		if opts.Filter != nil {
			f, err := navFilter(r.sub(n.target, ""), n.target, opts.Filter)
			if err != nil {
				return 0, err
			}
			cond = &ast.Binary{Op: ast.OpAnd, L: cond, R: f}
		}
		search = opts.Search
	}
	res, err := r.ents.Query(r.c.Request().Context(), store.ListQuery{App: r.app, Set: n.target.EntitySet,
		Schema: Schema(r.bundle, n.target), Filter: cond, Search: search, Top: 0, Count: true})
	if err != nil {
		return 0, err
	}
	return *res.Count, nil
}

// renderEntity renders e, an entity of r.table, with the $select and
// $expand of q (nil: all properties, nothing expanded).
func (s *Server) renderEntity(r *request, e entity.Entity, q *ast.Query) (map[string]any, error) {
	if q == nil {
		q = &ast.Query{}
	}
	out := render(r, e, q.Select, false)
	if err := s.expand(r, e, out, q.Expand); err != nil {
		return nil, err
	}
	return out, nil
}

// reference is the JSON of an entity reference.
func reference(r *request, key string) map[string]any {
	return map[string]any{"@odata.id": r.entityURL(key)}
}

// checkExpand validates $expand items for t against the model before
// anything is read, so that a bad item fails also where there is nothing
// to expand.
func checkExpand(r *request, t *specengine.Table, items []ast.ExpandItem) error {
	for _, it := range items {
		if len(it.Path) != 1 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$expand paths (%s) are not supported: navigation properties are direct", strings.Join(it.Path, "/"))
		}
		names := []string{it.Path[0]}
		switch name := it.Path[0]; {
		case name == "*":
			names = navNames(r, t)
		case strings.HasPrefix(name, "@") || strings.Contains(name, ".") || name == "$value":
			return errorf(http.StatusNotImplemented, "NotImplemented", "$expand of %s is not supported: only navigation properties", name)
		}
		o := it.Options
		if o == nil {
			o = &ast.Query{}
		}
		if err := checkAliases(o); err != nil {
			return err
		}
		for _, name := range names {
			n, err := resolveNav(r, t, name)
			if err != nil {
				return err
			}
			switch {
			case it.Count && !n.collection:
				return errorf(http.StatusBadRequest, "BadRequest", "%s/$count: %s is single-valued", n.name, n.name)
			case !n.collection && hasCollectionOptions(o):
				return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: only $select and $expand apply to it", n.name)
			case it.Levels > maxLevels:
				return errorf(http.StatusBadRequest, "BadRequest", "$levels=%d: this service expands at most %d levels", it.Levels, maxLevels)
			case it.Levels > 1 && !isNavigation(r, n.target, name):
				return errorf(http.StatusBadRequest, "BadRequest", "$levels=%d: %s has no navigation property %s to expand again", it.Levels, n.target.Entity, name)
			case it.Ref || it.Count:
				continue
			}
			sub := r.sub(n.target, "")
			if err := checkSelect(sub, o.Select); err != nil {
				return err
			}
			if err := checkExpand(sub, n.target, o.Expand); err != nil {
				return err
			}
		}
	}
	return nil
}

// expand adds the $expand items to a rendered entity e of r.table.
func (s *Server) expand(r *request, e entity.Entity, out map[string]any, items []ast.ExpandItem) error {
	for _, it := range items {
		if len(it.Path) != 1 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$expand paths (%s) are not supported: navigation properties are direct", strings.Join(it.Path, "/"))
		}
		name := it.Path[0]
		if name == "*" {
			for _, nav := range navNames(r, r.table) {
				n, err := resolveNav(r, r.table, nav)
				if err != nil {
					return err
				}
				if err := s.expandNav(r, e, out, n, it, it.Levels); err != nil {
					return err
				}
			}
			continue
		}
		if strings.HasPrefix(name, "@") || strings.Contains(name, ".") || name == "$value" {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$expand of %s is not supported: only navigation properties", name)
		}
		n, err := resolveNav(r, r.table, name)
		if err != nil {
			return err
		}
		if err := s.expandNav(r, e, out, n, it, it.Levels); err != nil {
			return err
		}
	}
	return nil
}

// expandNav expands one navigation property of e into out. levels is
// what is left of $levels: 0 or 1 expand once, -1 is max.
func (s *Server) expandNav(r *request, e entity.Entity, out map[string]any, n *navigation, it ast.ExpandItem, levels int) error {
	o := it.Options
	if o == nil {
		o = &ast.Query{}
	}
	if err := checkAliases(o); err != nil {
		return err
	}
	sub := r.sub(n.target, "")
	sub.depth = r.depth + 1
	switch {
	case it.Count:
		if !n.collection {
			return errorf(http.StatusBadRequest, "BadRequest", "%s/$count: %s is single-valued", n.name, n.name)
		}
		c, err := s.countRelated(r, n, e.Ref.Key, o)
		if err != nil {
			return err
		}
		out[n.name+"@odata.count"] = c
		return nil
	case !n.collection && hasCollectionOptions(o):
		return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: only $select and $expand apply to it", n.name)
	case it.Ref:
		res, err := s.fetchRelated(r, n, e, o, "/$ref")
		if err != nil {
			return err
		}
		if !n.collection {
			out[n.name] = nil
			if res.one != nil {
				out[n.name] = reference(sub, res.one.Ref.Key)
			}
			return nil
		}
		refs := make([]any, 0, len(res.many))
		for _, x := range res.many {
			refs = append(refs, reference(sub, x.Ref.Key))
		}
		annotateRelated(out, n.name, refs, res)
		return nil
	}
	if levels > maxLevels {
		return errorf(http.StatusBadRequest, "BadRequest", "$levels=%d: this service expands at most %d levels", levels, maxLevels)
	}
	if err := checkSelect(sub, o.Select); err != nil {
		return err
	}
	res, err := s.fetchRelated(r, n, e, o, "")
	if err != nil {
		return err
	}
	// Recursion for $levels: the same item, one level less, on each
	// expanded entity; max stops where the navigation property ends.
	var again *navigation
	deeper := levels - 1
	if levels == -1 {
		deeper = -1
		if sub.depth < maxLevels {
			again, _ = resolveNav(sub, n.target, n.name)
		}
	} else if levels > 1 {
		if again, err = resolveNav(sub, n.target, n.name); err != nil {
			return errorf(http.StatusBadRequest, "BadRequest", "$levels=%d: %s has no navigation property %s to expand again", levels, n.target.Entity, n.name)
		}
	}
	one := func(x entity.Entity) (map[string]any, error) {
		v, err := s.renderEntity(sub, x, o)
		if err != nil {
			return nil, err
		}
		if again != nil {
			if err := s.expandNav(sub, x, v, again, it, deeper); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
	if !n.collection {
		out[n.name] = nil
		if res.one != nil {
			v, err := one(*res.one)
			if err != nil {
				return err
			}
			out[n.name] = v
		}
		return nil
	}
	vals := make([]any, 0, len(res.many))
	for _, x := range res.many {
		v, err := one(x)
		if err != nil {
			return err
		}
		vals = append(vals, v)
	}
	annotateRelated(out, n.name, vals, res)
	return nil
}

// annotateRelated sets an expanded collection and its count and next
// link.
func annotateRelated(out map[string]any, name string, vals []any, res relatedSet) {
	out[name] = vals
	if res.count != nil {
		out[name+"@odata.count"] = *res.count
	}
	if res.next != "" {
		out[name+"@odata.nextLink"] = res.next
	}
}

// navNames lists the navigation properties of t, in model order.
func navNames(r *request, t *specengine.Table) []string {
	m := r.bundle.Model
	et := m.EntityType(t.Namespace + "." + t.Entity)
	if et == nil {
		return nil
	}
	var out []string
	for _, np := range m.AllNavigationProperties(et) {
		out = append(out, np.Name)
	}
	return out
}

// navigate serves GET <Set>('<key>')/<Nav>.
func (s *Server) navigate(r *request, n *navigation) error {
	q := r.query
	sub := r.sub(n.target, "")
	sub.query = q
	if err := checkSelect(sub, q.Select); err != nil {
		return err
	}
	if err := checkExpand(sub, n.target, q.Expand); err != nil {
		return err
	}
	if !n.collection && hasCollectionOptions(q) {
		return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: collection options do not apply", n.name)
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	res, err := s.fetchRelated(r, n, e, q, "")
	if err != nil {
		return err
	}
	if !n.collection {
		if res.one == nil {
			return r.c.NoContent(http.StatusNoContent)
		}
		sub.key = res.one.Ref.Key
		m, err := s.renderEntity(sub, *res.one, q)
		if err != nil {
			return err
		}
		m["@odata.context"] = contextURL(sub, n.target, q, true)
		r.c.Response().Header().Set("ETag", etag(res.one.Version))
		return writeJSON(r, http.StatusOK, m)
	}
	vals := make([]any, 0, len(res.many))
	for _, x := range res.many {
		v, err := s.renderEntity(sub, x, q)
		if err != nil {
			return err
		}
		vals = append(vals, v)
	}
	out := map[string]any{"@odata.context": contextURL(sub, n.target, q, false), "value": vals}
	if res.count != nil {
		out["@odata.count"] = *res.count
	}
	if res.next != "" {
		out["@odata.nextLink"] = res.next
	}
	s.pageSizeApplied(r)
	return writeJSON(r, http.StatusOK, out)
}

// isNavigation reports whether name is a navigation property of t.
func isNavigation(r *request, t *specengine.Table, name string) bool {
	m := r.bundle.Model
	et := m.EntityType(t.Namespace + "." + t.Entity)
	return et != nil && m.NavigationProperty(et, name) != nil
}
