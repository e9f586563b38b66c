package api

import (
	"context"
	"errors"
	"net/http"

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

// related reads what a navigation property of e leads to: one entity (or
// nil) or a page of entities with the nested options applied, and the
// next link of the collection when more entities follow.
func (s *Server) related(ctx context.Context, r *request, n *navigation, e entity.Entity, opts *ast.Query) (any, *int64, string, error) {
	sub := &request{c: r.c, app: r.app, bundle: r.bundle, root: r.root, table: n.target, query: &ast.Query{}, metadata: r.metadata}
	if opts != nil {
		sub.query = opts
	}
	if !n.collection {
		fk, _ := e.Fields[n.localFK].(string)
		if fk == "" {
			return nil, nil, "", nil
		}
		sub.key = fk
		t, err := s.cfg.Entities.Get(ctx, sub.ref())
		if errors.Is(err, entity.ErrNotFound) {
			return nil, nil, "", nil
		}
		if err != nil {
			return nil, nil, "", err
		}
		out := render(sub, t, sub.query.Select, false)
		return out, nil, "", nil
	}
	cond := ast.Expr(&ast.Binary{Op: ast.OpEq, L: &ast.Path{Segments: []string{n.remoteFK}}, R: &ast.Literal{Kind: ast.LitString, Value: e.Ref.Key}})
	if sub.query.Filter != nil {
		cond = &ast.Binary{Op: ast.OpAnd, L: cond, R: sub.query.Filter}
	}
	lq := store.ListQuery{App: r.app, Set: n.target.EntitySet, Schema: Schema(r.bundle, n.target), Filter: cond,
		Search: sub.query.Search, OrderBy: sub.query.OrderBy, Top: s.cfg.PageSize, After: sub.query.SkipToken,
		Count: sub.query.Count != nil && *sub.query.Count}
	top := int64(-1)
	if sub.query.Top != nil {
		top = *sub.query.Top
		lq.Top = int(min(top, int64(s.cfg.PageSize)))
	}
	if sub.query.Skip != nil {
		lq.Skip = int(min(*sub.query.Skip, int64(1<<31-1)))
	}
	res, err := s.cfg.Store.Query(ctx, lq)
	if err != nil {
		return nil, nil, "", err
	}
	vals := make([]any, 0, len(res.Entities))
	for _, x := range res.Entities {
		vals = append(vals, render(sub, fromProjection(x), sub.query.Select, false))
	}
	next := ""
	if res.Next != "" && (top < 0 || top > int64(len(res.Entities))) {
		// Server-driven paging: the rest of the collection is at its own
		// URL with the same options, the skip token, and what is left of
		// $top.
		q := *sub.query
		q.Skip, q.SkipToken = nil, res.Next
		if top >= 0 {
			left := top - int64(len(res.Entities))
			q.Top = &left
		}
		next = r.entityURL(e.Ref.Key) + "/" + n.name + "?" + uri.FormatQuery(&q)
	}
	return vals, res.Count, next, nil
}

// expand adds the $expand items to a rendered entity.
func (s *Server) expand(r *request, e entity.Entity, out map[string]any, items []ast.ExpandItem) error {
	for _, it := range items {
		if it.Ref || it.Count || it.Levels != 0 || len(it.Path) != 1 || it.Path[0] == "*" {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$expand supports navigation properties with nested options, not $ref, $count, $levels or paths")
		}
		n, err := resolveNav(r, r.table, it.Path[0])
		if err != nil {
			return err
		}
		if it.Options != nil && len(it.Options.Expand) > 0 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "nested $expand is not supported")
		}
		if o := it.Options; o != nil && !n.collection && (o.Filter != nil || o.OrderBy != nil || o.Top != nil || o.Skip != nil || o.Count != nil || o.Search != nil) {
			return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: only $select and $expand apply to it", n.name)
		}
		if it.Options != nil {
			if err := checkSelect(&request{c: r.c, bundle: r.bundle, table: n.target}, it.Options.Select); err != nil {
				return err
			}
			if err := checkAliases(it.Options); err != nil {
				return err
			}
		}
		v, count, next, err := s.related(r.c.Request().Context(), r, n, e, it.Options)
		if err != nil {
			return err
		}
		out[n.name] = v
		if count != nil {
			out[n.name+"@odata.count"] = *count
		}
		if next != "" {
			out[n.name+"@odata.nextLink"] = next
		}
	}
	return nil
}

// navigate serves GET <Set>('<key>')/<Nav>.
func (s *Server) navigate(r *request, name string) error {
	n, err := resolveNav(r, r.table, name)
	if err != nil {
		return err
	}
	q := r.query
	if err := checkSelect(&request{c: r.c, bundle: r.bundle, table: n.target}, q.Select); err != nil {
		return err
	}
	if len(q.Expand) > 0 {
		return errorf(http.StatusNotImplemented, "NotImplemented", "$expand on a navigation path is not supported")
	}
	if !n.collection && (q.Filter != nil || q.OrderBy != nil || q.Top != nil || q.Skip != nil || q.Count != nil || q.Search != nil) {
		return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: collection options do not apply", n.name)
	}
	e, err := s.cfg.Entities.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	v, count, next, err := s.related(r.c.Request().Context(), r, n, e, r.query)
	if err != nil {
		return err
	}
	ctxURL := r.root + "$metadata#" + n.target.EntitySet
	if !n.collection {
		if v == nil {
			return r.c.NoContent(http.StatusNoContent)
		}
		m := v.(map[string]any)
		m["@odata.context"] = ctxURL + "/$entity"
		return writeJSON(r, http.StatusOK, m)
	}
	out := map[string]any{"@odata.context": ctxURL, "value": v}
	if count != nil {
		out["@odata.count"] = *count
	}
	if next != "" {
		out["@odata.nextLink"] = next
	}
	return writeJSON(r, http.StatusOK, out)
}

// isNavigation reports whether name is a navigation property of t.
func isNavigation(r *request, t *specengine.Table, name string) bool {
	m := r.bundle.Model
	et := m.EntityType(t.Namespace + "." + t.Entity)
	return et != nil && m.NavigationProperty(et, name) != nil
}
