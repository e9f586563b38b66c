package api

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// Relationships. A navigation property is stored as a foreign key: a
// single-valued one (Tasks(k)/Project) in a property of its own entity,
// a collection-valued one (Projects(k)/Tasks) in a property of each
// related entity, through its partner's referential constraint. Every
// write of a relationship is a field update of the entity that holds the
// foreign key, through its workflow like a PATCH: the spec decides
// whether that property may change, and the entity gets a new version
// (ETag).

// navRoute serves a path below an entity that starts with a navigation
// property: Nav, Nav/$ref, Nav/$count, Nav(k2) and Nav(k2)/$ref.
func (s *Server) navRoute(r *request, rest []ast.Segment) error {
	n, err := resolveNav(r, r.table, rest[0].Name)
	if err != nil {
		return err
	}
	method := r.c.Request().Method
	member := ""
	if len(rest[0].Keys) > 0 {
		if !n.collection {
			return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: it takes no key", n.name)
		}
		if member, err = canonicalKey(r.sub(n.target, ""), rest[0].Keys); err != nil {
			return err
		}
	}
	tail := ast.SegmentKind(0)
	switch {
	case len(rest) == 1:
	case len(rest) == 2 && (rest[1].Kind == ast.SegRef || rest[1].Kind == ast.SegCount):
		tail = rest[1].Kind
	default:
		return errorf(http.StatusNotImplemented, "NotImplemented", "paths beyond %s are not supported", n.name)
	}
	if r.refID != "" && (member != "" || tail != ast.SegRef || !n.collection || method != http.MethodDelete) {
		return errorf(http.StatusBadRequest, "BadRequest", "$id applies to DELETE of a collection's references (<Set>(<key>)/<Nav>/$ref)")
	}
	if method != http.MethodGet && method != http.MethodHead {
		if err := refuseQueryOptions(r); err != nil {
			return err
		}
	}
	switch {
	case member == "" && tail == 0:
		switch {
		case method == http.MethodGet || method == http.MethodHead:
			return s.navigate(r, n)
		case method == http.MethodPost && n.collection:
			return s.createRelated(r, n)
		case n.collection:
			return methodNotAllowed(r.c, "GET, POST")
		}
		return methodNotAllowed(r.c, "GET")
	case member == "" && tail == ast.SegCount:
		if !n.collection {
			return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: /$count applies to collections", n.name)
		}
		if method != http.MethodGet && method != http.MethodHead {
			return methodNotAllowed(r.c, "GET")
		}
		return s.navCount(r, n)
	case member == "" && tail == ast.SegRef:
		switch {
		case method == http.MethodGet || method == http.MethodHead:
			return s.getRefs(r, n)
		case method == http.MethodPost && n.collection:
			return s.addRef(r, n)
		case method == http.MethodPut && n.collection:
			return s.replaceRefs(r, n)
		case method == http.MethodPut:
			return s.setRef(r, n)
		case method == http.MethodDelete && n.collection && r.refID != "":
			key, err := s.referenceKey(r, n.target, r.refID, true)
			if err != nil {
				return err
			}
			return s.removeRef(r, n, key)
		case method == http.MethodDelete && n.collection:
			return s.removeAllRefs(r, n)
		case method == http.MethodDelete:
			return s.clearRef(r, n)
		case n.collection:
			return methodNotAllowed(r.c, "GET, POST, PUT, DELETE")
		}
		return methodNotAllowed(r.c, "GET, PUT, DELETE")
	case tail == ast.SegCount:
		return errorf(http.StatusBadRequest, "BadRequest", "/$count applies to collections, not to %s(...)", n.name)
	case tail == ast.SegRef:
		switch method {
		case http.MethodGet, http.MethodHead:
			if err := s.checkMember(r, n, member); err != nil {
				return err
			}
			out := reference(r.sub(n.target, ""), member)
			out["@odata.context"] = r.root + "$metadata#$ref"
			return writeJSON(r, http.StatusOK, out)
		case http.MethodDelete:
			return s.removeRef(r, n, member)
		}
		return methodNotAllowed(r.c, "GET, DELETE")
	}
	// <Set>(k)/<Nav>(k2): the related entity, addressed through the
	// relationship.
	if err := s.checkMember(r, n, member); err != nil {
		return err
	}
	sub := r.sub(n.target, member)
	sub.query, sub.path = r.query, r.path
	switch method {
	case http.MethodGet, http.MethodHead:
		return s.get(sub)
	case http.MethodPatch, http.MethodPut:
		return s.update(sub)
	case http.MethodDelete:
		return s.delete(sub)
	}
	return methodNotAllowed(r.c, "GET, PATCH, PUT, DELETE")
}

// refuseQueryOptions refuses query options on a write that has no use for
// them, rather than ignoring them.
func refuseQueryOptions(r *request) error {
	q := r.query
	if hasCollectionOptions(q) || q.Select != nil || q.Expand != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "%s takes no $filter, $orderby, $top, $skip, $count, $search, $select or $expand", r.c.Request().Method)
	}
	return nil
}

// checkMember answers 404 unless member, a key of n's target, is related
// to the request's entity through n (a collection).
func (s *Server) checkMember(r *request, n *navigation, member string) error {
	t, err := r.ents.Get(r.c.Request().Context(), r.sub(n.target, member).ref())
	if err != nil {
		return err
	}
	if cur, ok := fkKey(r, r.table, t.Fields[n.remoteFK]); !ok || cur != r.key {
		if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
			return err
		}
		return errorf(http.StatusNotFound, "NotFound", "%s is not related to %s through %s",
			r.sub(n.target, "").entityPath(member), r.entityPath(r.key), n.name)
	}
	return nil
}

// entityPath is the resource path of an entity, for messages.
func (r *request) entityPath(key string) string {
	return r.table.EntitySet + "(" + r.keyPredicate(key) + ")"
}

// navCount serves GET <Set>(k)/<Nav>/$count.
func (s *Server) navCount(r *request, n *navigation) error {
	q := r.query
	if q.OrderBy != nil || q.Top != nil || q.Skip != nil || q.Count != nil || q.Select != nil || q.Expand != nil || q.SkipToken != "" {
		return errorf(http.StatusBadRequest, "BadRequest", "/$count takes only $filter and $search")
	}
	if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
		return err
	}
	c, err := s.countRelated(r, n, r.key, q)
	if err != nil {
		return err
	}
	return r.c.String(http.StatusOK, strconv.FormatInt(c, 10))
}

// propertyCount serves GET <Set>(k)/<collection property>/$count.
func (s *Server) propertyCount(r *request, name string) error {
	i, ok := r.table.SlotIndex(name)
	if !ok {
		return errorf(http.StatusNotFound, "NotFound", "%s has no property %q", r.table.Entity, name)
	}
	if r.table.Vars[i].Type != expr.TList {
		return errorf(http.StatusBadRequest, "BadRequest", "%s is not a collection: /$count applies to collections", name)
	}
	if q := r.query; hasCollectionOptions(q) || q.Select != nil || q.Expand != nil {
		return errorf(http.StatusNotImplemented, "NotImplemented", "options on the /$count of a collection property are not supported")
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	n := 0
	switch v := e.Fields[name].(type) {
	case []any:
		n = len(v)
	case []string:
		n = len(v)
	}
	return r.c.String(http.StatusOK, strconv.Itoa(n))
}

// getRefs serves GET <Set>(k)/<Nav>/$ref: the reference of the related
// entity, or a page of references with the collection options applied.
func (s *Server) getRefs(r *request, n *navigation) error {
	q := r.query
	if q.Select != nil || q.Expand != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "references take no $select or $expand")
	}
	if !n.collection && hasCollectionOptions(q) {
		return errorf(http.StatusBadRequest, "BadRequest", "%s is single-valued: collection options do not apply", n.name)
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	res, err := s.fetchRelated(r, n, e, q, "/$ref")
	if err != nil {
		return err
	}
	sub := r.sub(n.target, "")
	if !n.collection {
		if res.one == nil {
			return r.c.NoContent(http.StatusNoContent)
		}
		out := reference(sub, res.one.Ref.Key)
		out["@odata.context"] = r.root + "$metadata#$ref"
		return writeJSON(r, http.StatusOK, out)
	}
	refs := make([]any, 0, len(res.many))
	for _, x := range res.many {
		refs = append(refs, reference(sub, x.Ref.Key))
	}
	out := map[string]any{"@odata.context": r.root + "$metadata#Collection($ref)", "value": refs}
	if res.count != nil {
		out["@odata.count"] = *res.count
	}
	if res.next != "" {
		out["@odata.nextLink"] = res.next
	}
	return writeJSON(r, http.StatusOK, out)
}

// createRelated serves POST <Set>(k)/<Nav>: it creates an entity of the
// target set whose foreign key names k.
func (s *Server) createRelated(r *request, n *navigation) error {
	if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
		return err
	}
	sub := r.sub(n.target, "")
	body, err := s.decodeEntityBody(sub)
	if err != nil {
		return err
	}
	if err := numbersFromStrings(sub, body); err != nil {
		return err
	}
	if err := enumValues(sub, n.target, body); err != nil {
		return err
	}
	if err := complexIn(sub, n.target, body); err != nil {
		return err
	}
	dropComputed(n.target, body)
	fk, err := keyValueOf(r, r.table, r.key)
	if err != nil {
		return err
	}
	if v, given := body[n.remoteFK]; given && v != nil {
		if cur, ok := fkKey(r, r.table, v); !ok || cur != r.key {
			return errorf(http.StatusBadRequest, "BadRequest", "%s: the body's %s names another %s than %s", n.name, n.remoteFK, r.table.Entity, r.entityPath(r.key))
		}
	}
	body[n.remoteFK] = fk
	key, err := sub.bodyKey(body, s.cfg.NewID)
	if err != nil {
		return err
	}
	return s.start(sub, key, body)
}

// setRef serves PUT <Set>(k)/<Nav>/$ref for a single-valued Nav: the
// foreign key of k now names the entity the body references.
func (s *Server) setRef(r *request, n *navigation) error {
	if err := refuseIfNoneMatch(r); err != nil {
		return err
	}
	if err := fkWritable(r.table, n.localFK, n.name); err != nil {
		return err
	}
	cond, err := ifMatch(r.c.Request())
	if err != nil {
		return err
	}
	body, err := s.decodeJSON(r.c, false)
	if err != nil {
		return err
	}
	id, err := bodyReference(body)
	if err != nil {
		return err
	}
	key, err := s.referenceKey(r, n.target, id, false)
	if err != nil {
		return err
	}
	if _, err := r.ents.Get(r.c.Request().Context(), r.sub(n.target, key).ref()); errors.Is(err, entity.ErrNotFound) {
		return errorf(http.StatusBadRequest, "BadRequest", "@odata.id %s names no existing entity", id)
	} else if err != nil {
		return err
	}
	v, err := keyValueOf(r, n.target, key)
	if err != nil {
		return err
	}
	if _, err := s.writeFK(r, r.table, r.key, n.localFK, v, cond); err != nil {
		return err
	}
	return r.c.NoContent(http.StatusNoContent)
}

// clearRef serves DELETE <Set>(k)/<Nav>/$ref for a single-valued Nav.
func (s *Server) clearRef(r *request, n *navigation) error {
	if err := refuseIfNoneMatch(r); err != nil {
		return err
	}
	if err := fkWritable(r.table, n.localFK, n.name); err != nil {
		return err
	}
	cond, err := ifMatch(r.c.Request())
	if err != nil {
		return err
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	if e.Fields[n.localFK] == nil {
		if cond != nil && *cond != e.Version {
			return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "%s is at version %d, not %d", r.entityPath(r.key), e.Version, *cond)
		}
		return r.c.NoContent(http.StatusNoContent) // nothing to remove
	}
	if _, err := s.writeFK(r, r.table, r.key, n.localFK, nil, cond); err != nil {
		return err
	}
	return r.c.NoContent(http.StatusNoContent)
}

// refuseIfMatchOnCollection: a collection's references are stored on the
// related entities, so an ETag of k cannot guard a change of them.
func refuseIfMatchOnCollection(r *request, n *navigation) error {
	if r.c.Request().Header.Get("If-Match") != "" {
		return errorf(http.StatusNotImplemented, "NotImplemented",
			"If-Match on the references of %s is not supported: each relationship is stored on the related %s (its %s); change it there", n.name, n.target.Entity, n.remoteFK)
	}
	return refuseIfNoneMatch(r)
}

// addRef serves POST <Set>(k)/<Nav>/$ref: the referenced entity's foreign
// key now names k (moving it from the entity it was related to).
func (s *Server) addRef(r *request, n *navigation) error {
	if err := refuseIfMatchOnCollection(r, n); err != nil {
		return err
	}
	if err := fkWritable(n.target, n.remoteFK, n.name); err != nil {
		return err
	}
	body, err := s.decodeJSON(r.c, false)
	if err != nil {
		return err
	}
	id, err := bodyReference(body)
	if err != nil {
		return err
	}
	key, err := s.referenceKey(r, n.target, id, false)
	if err != nil {
		return err
	}
	if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
		return err
	}
	if err := s.link(r, n, key); err != nil {
		return err
	}
	return r.c.NoContent(http.StatusNoContent)
}

// link sets the foreign key of the target entity key to the request's
// entity, unless it already names it.
func (s *Server) link(r *request, n *navigation, key string) error {
	t, err := r.ents.Get(r.c.Request().Context(), r.sub(n.target, key).ref())
	if errors.Is(err, entity.ErrNotFound) {
		return errorf(http.StatusBadRequest, "BadRequest", "%s does not exist", r.sub(n.target, "").entityPath(key))
	}
	if err != nil {
		return err
	}
	if cur, ok := fkKey(r, r.table, t.Fields[n.remoteFK]); ok && cur == r.key {
		return nil // already related
	}
	fk, err := keyValueOf(r, r.table, r.key)
	if err != nil {
		return err
	}
	_, err = s.writeFK(r, n.target, key, n.remoteFK, fk, nil)
	return err
}

// removeRef serves DELETE <Set>(k)/<Nav>/$ref?$id=... and
// DELETE <Set>(k)/<Nav>(k2)/$ref: k2's foreign key is cleared if it
// names k.
func (s *Server) removeRef(r *request, n *navigation, member string) error {
	if err := refuseIfMatchOnCollection(r, n); err != nil {
		return err
	}
	if err := fkWritable(n.target, n.remoteFK, n.name); err != nil {
		return err
	}
	if err := s.unlink(r, n, member); err != nil {
		return err
	}
	return r.c.NoContent(http.StatusNoContent)
}

// errNotRelated is unlink's answer for an entity not related to k.
var errNotRelated = errors.New("not related")

// unlink clears the foreign key of the target entity key if it names the
// request's entity. The check and the write are one compare-and-set on
// the entity's version, retried when a concurrent write came between.
func (s *Server) unlink(r *request, n *navigation, key string) error {
	ctx := r.c.Request().Context()
	ref := r.sub(n.target, key).ref()
	for try := 0; try < 5; try++ {
		t, err := r.ents.Get(ctx, ref)
		if err != nil {
			return err
		}
		if cur, ok := fkKey(r, r.table, t.Fields[n.remoteFK]); !ok || cur != r.key {
			return &Error{Status: http.StatusNotFound, Code: "NotFound", Message: r.sub(n.target, "").entityPath(key) + " is not related to " + r.entityPath(r.key) + " through " + n.name}
		}
		v := t.Version
		_, err = s.writeFK(r, n.target, key, n.remoteFK, nil, &v)
		var re *entity.RejectedError
		if errors.As(err, &re) && re.Type == entity.ErrTypePrecondition {
			continue
		}
		return err
	}
	return errorf(http.StatusConflict, "Conflict", "%s keeps changing; try again", r.sub(n.target, "").entityPath(key))
}

// members lists the keys of every entity n relates to the request's
// entity, from the projection.
func (s *Server) members(r *request, n *navigation) ([]string, error) {
	cond, err := memberFilter(r, n, r.key)
	if err != nil {
		return nil, err
	}
	var keys []string
	after := ""
	for {
		res, err := r.ents.Query(r.c.Request().Context(), store.ListQuery{App: r.app, Set: n.target.EntitySet,
			Schema: Schema(r.bundle, n.target), Filter: cond, Top: 500, After: after})
		if err != nil {
			return nil, err
		}
		for _, e := range res.Entities {
			keys = append(keys, e.Key)
		}
		if res.Next == "" {
			return keys, nil
		}
		after = res.Next
	}
}

// removeAllRefs serves DELETE <Set>(k)/<Nav>/$ref for a collection: every
// related entity's foreign key is cleared. Each is its own update: a
// failure part-way leaves the ones before it cleared.
func (s *Server) removeAllRefs(r *request, n *navigation) error {
	if err := refuseIfMatchOnCollection(r, n); err != nil {
		return err
	}
	if err := fkWritable(n.target, n.remoteFK, n.name); err != nil {
		return err
	}
	if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
		return err
	}
	keys, err := s.members(r, n)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.unlink(r, n, k); err != nil && !isNotFound(err) {
			return err
		}
	}
	return r.c.NoContent(http.StatusNoContent)
}

// replaceRefs serves PUT <Set>(k)/<Nav>/$ref for a collection: the body's
// references become the related entities. Each change is its own update:
// a failure part-way leaves the ones before it done.
func (s *Server) replaceRefs(r *request, n *navigation) error {
	if err := refuseIfMatchOnCollection(r, n); err != nil {
		return err
	}
	if err := fkWritable(n.target, n.remoteFK, n.name); err != nil {
		return err
	}
	body, err := s.decodeJSON(r.c, false)
	if err != nil {
		return err
	}
	list, ok := body["value"].([]any)
	if !ok {
		return errorf(http.StatusBadRequest, "BadRequest", `the body must be a collection of references: {"value": [{"@odata.id": "..."}, ...]}`)
	}
	want := map[string]bool{}
	var order []string
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			return errorf(http.StatusBadRequest, "BadRequest", "each item of value must be an entity reference object")
		}
		id, err := bodyReference(m)
		if err != nil {
			return err
		}
		key, err := s.referenceKey(r, n.target, id, false)
		if err != nil {
			return err
		}
		if !want[key] {
			want[key] = true
			order = append(order, key)
		}
	}
	if _, err := r.ents.Get(r.c.Request().Context(), r.ref()); err != nil {
		return err
	}
	current, err := s.members(r, n)
	if err != nil {
		return err
	}
	for _, k := range order {
		if err := s.link(r, n, k); err != nil {
			return err
		}
	}
	for _, k := range current {
		if want[k] {
			continue
		}
		if err := s.unlink(r, n, k); err != nil && !isNotFound(err) {
			return err
		}
	}
	return r.c.NoContent(http.StatusNoContent)
}

func isNotFound(err error) bool {
	var oe *Error
	return errors.As(err, &oe) && oe.Status == http.StatusNotFound || errors.Is(err, entity.ErrNotFound)
}

// fkWritable refuses a relationship write when the spec does not let
// field updates change the foreign key: it is a state variable (it
// changes only through actions), or not a property of the entity at all
// (a key, for example).
func fkWritable(t *specengine.Table, fk, nav string) error {
	if i, ok := t.SlotIndex(fk); ok && t.Vars[i].Field {
		return nil
	}
	return &Error{Status: http.StatusMethodNotAllowed, Code: "MethodNotAllowed",
		Message: "the relationship " + nav + " is stored in " + t.Entity + "." + fk + ", which field updates cannot change (it is a state variable or a key); only actions change it"}
}

// writeFK writes a foreign key (nil clears it) of the entity key of t
// through the entity's field-update path, like a PATCH: the spec
// validates it and the entity gets a new version.
func (s *Server) writeFK(r *request, t *specengine.Table, key, fk string, val any, cond *int64) (entity.Entity, error) {
	e, err := r.ents.Act(r.c.Request().Context(), r.sub(t, key).ref(), "",
		entity.Request{Update: map[string]any{fk: val}, Spec: r.bundle.Hash, IfVersion: cond})
	if err != nil {
		return entity.Entity{}, err
	}
	return e, nil
}

// keyValueOf is the typed value (string or int64) of the single key
// property of t in the canonical key.
func keyValueOf(r *request, t *specengine.Table, key string) (any, error) {
	sub := r.sub(t, "")
	parts, err := sub.keyParts()
	if err != nil {
		return nil, err
	}
	if len(parts) != 1 {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "relationships to %s, which has a compound key, are not supported", t.Entity)
	}
	vals, err := store.ParseKey(parts, key)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	return vals[0], nil
}

// fkKey turns a foreign-key value into the canonical key of an entity of
// t; ok is false for null or a value that cannot be such a key.
func fkKey(r *request, t *specengine.Table, v any) (string, bool) {
	if v == nil {
		return "", false
	}
	parts, err := r.sub(t, "").keyParts()
	if err != nil || len(parts) != 1 {
		return "", false
	}
	if f, ok := v.(float64); ok {
		// Numbers come back from the workflow as float64.
		if f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
			return "", false
		}
		v = int64(f)
	}
	kv, err := keyValue(parts[0], v)
	if err != nil {
		return "", false
	}
	key, err := store.FormatKey(parts, []any{kv})
	if err != nil {
		return "", false
	}
	return key, true
}

// bodyReference reads the entity reference of a $ref body:
// {"@odata.id": "..."} (4.0) or {"@id": "..."} (4.01).
func bodyReference(body map[string]any) (string, error) {
	for _, name := range []string{"@odata.id", "@id"} {
		if v, ok := body[name]; ok {
			s, ok := v.(string)
			if !ok || s == "" {
				return "", errorf(http.StatusBadRequest, "BadRequest", "%s must be a URL", name)
			}
			return s, nil
		}
	}
	return "", errorf(http.StatusBadRequest, "BadRequest", `the body must be an entity reference: {"@odata.id": "<Set>(<key>)"}`)
}

// referenceKey resolves an entity id (@odata.id or $id) to the canonical
// key of an entity of t. The id is an absolute URL below the service
// root, or a URL relative to the request URL or, failing that, to the
// service root (Tasks('a')).
func (s *Server) referenceKey(r *request, t *specengine.Table, id string, fromQuery bool) (string, error) {
	what := "@odata.id"
	if fromQuery {
		what = "$id"
	}
	ref, err := url.Parse(id)
	if err != nil {
		return "", errorf(http.StatusBadRequest, "BadRequest", "%s %q is not a URL", what, id)
	}
	root, _ := url.Parse(r.root)
	reqURL := *r.c.Request().URL
	reqURL.Scheme, reqURL.Host = root.Scheme, root.Host
	var last error
	for _, base := range []*url.URL{&reqURL, root} {
		abs := base.ResolveReference(ref)
		if abs.Host != root.Host || !strings.HasPrefix(abs.EscapedPath(), root.EscapedPath()) || abs.RawQuery != "" || abs.Fragment != "" {
			last = errorf(http.StatusBadRequest, "BadRequest", "%s %q is not an entity of this service", what, id)
			continue
		}
		rp, err := uri.ParsePath(strings.TrimPrefix(abs.EscapedPath(), root.EscapedPath()))
		if err != nil || len(rp.Segments) != 1 || rp.Segments[0].Kind != ast.SegEntitySet || len(rp.Segments[0].Keys) == 0 {
			last = errorf(http.StatusBadRequest, "BadRequest", "%s %q is not the URL of an entity (<Set>(<key>))", what, id)
			continue
		}
		if rp.Segments[0].Name != t.EntitySet {
			return "", errorf(http.StatusBadRequest, "BadRequest", "%s %q is not an entity of %s", what, id, t.EntitySet)
		}
		return canonicalKey(r.sub(t, ""), rp.Segments[0].Keys)
	}
	return "", last
}

// navFilter rewrites what the store cannot resolve itself: a single-valued
// navigation property compared with null (Project eq null, Project ne
// null) and a path to the referenced key (Project/id) become the foreign
// key. It returns e itself when nothing changes; it never changes e.
func navFilter(r *request, t *specengine.Table, e ast.Expr) (ast.Expr, error) {
	var err error
	var walk func(e ast.Expr) ast.Expr
	fk := func(p *ast.Path, withNull bool) ast.Expr {
		if p.Params != nil || len(p.Segments) == 0 || len(p.Segments) > 2 || !isNavigation(r, t, p.Segments[0]) {
			return nil
		}
		n, nerr := resolveNav(r, t, p.Segments[0])
		switch {
		case nerr != nil:
			err = nerr
			return nil
		case n.collection:
			if withNull && len(p.Segments) == 1 {
				err = errorf(http.StatusBadRequest, "BadRequest", "%s is a collection: compare it with any(), all() or $count, not with null", n.name)
			}
			return nil
		case len(p.Segments) == 1 && withNull,
			len(p.Segments) == 2 && len(n.target.KeyProps) == 1 && p.Segments[1] == n.target.KeyProps[0]:
			return &ast.Path{Off: p.Off, Segments: []string{n.localFK}}
		}
		return nil
	}
	walk = func(e ast.Expr) ast.Expr {
		switch x := e.(type) {
		case *ast.Path:
			if y := fk(x, false); y != nil {
				return y
			}
			if err == nil && len(x.Segments) > 0 && isNavigation(r, t, x.Segments[0]) {
				// Valid OData the store cannot translate: a path through a
				// navigation property (Parent/name, Tasks/$count).
				err = errorf(http.StatusNotImplemented, "NotImplemented",
					"$filter: paths through navigation properties (%s) are not supported, except Nav eq null and Nav/<key>", strings.Join(x.Segments, "/"))
			}
		case *ast.Lambda:
			if x.Path != nil && len(x.Path.Segments) > 0 && isNavigation(r, t, x.Path.Segments[0]) {
				if err == nil {
					err = errorf(http.StatusNotImplemented, "NotImplemented",
						"$filter: any and all over navigation properties (%s) are not supported", strings.Join(x.Path.Segments, "/"))
				}
			}
		case *ast.Binary:
			l, rr := x.L, x.R
			if x.Op == ast.OpEq || x.Op == ast.OpNe {
				if p, ok := l.(*ast.Path); ok && isNull(rr) {
					if y := fk(p, true); y != nil {
						l = y
					}
				}
				if p, ok := rr.(*ast.Path); ok && isNull(l) {
					if y := fk(p, true); y != nil {
						rr = y
					}
				}
			}
			l, rr = walk(l), walk(rr)
			if l != x.L || rr != x.R {
				return &ast.Binary{Off: x.Off, Op: x.Op, L: l, R: rr}
			}
		case *ast.Unary:
			if y := walk(x.X); y != x.X {
				return &ast.Unary{Off: x.Off, Op: x.Op, X: y}
			}
		case *ast.Call:
			var args []ast.Expr
			for i, a := range x.Args {
				if y := walk(a); y != a {
					if args == nil {
						args = append([]ast.Expr(nil), x.Args...)
					}
					args[i] = y
				}
			}
			if args != nil {
				return &ast.Call{Off: x.Off, Name: x.Name, Args: args, ArgNames: x.ArgNames}
			}
		}
		return e
	}
	out := walk(e)
	return out, err
}

func isNull(e ast.Expr) bool {
	l, ok := e.(*ast.Literal)
	return ok && l.Kind == ast.LitNull
}

// numbersFromStrings accepts Int64 and Decimal values written as JSON
// strings, the IEEE754Compatible=true form, in a create or update body.
func numbersFromStrings(r *request, body map[string]any) error {
	if !r.ieee754 && !ieee754Body(r) {
		return nil
	}
	types := r.edmTypes()
	for k, v := range body {
		s, ok := v.(string)
		if !ok || !isIEEE754Type(types[k]) {
			continue
		}
		n := json.Number(strings.TrimSpace(s))
		if _, err := n.Float64(); err != nil {
			return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: k + ": " + strconv.Quote(s) + " is not a number", Target: k}
		}
		if types[k] == "Edm.Int64" {
			if _, err := n.Int64(); err != nil {
				return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: k + ": " + strconv.Quote(s) + " is not an Edm.Int64", Target: k}
			}
		}
		body[k] = n
	}
	return nil
}

// decodeEntityBody reads a create or update body: its instance
// annotations are dropped, except binding information
// (Nav@odata.bind, 4.01 Nav@bind) of single-valued navigation
// properties, which sets the foreign key like PUT .../Nav/$ref. Binding a
// collection-valued navigation property in a body is refused (501): it
// would change other entities.
func (s *Server) decodeEntityBody(r *request) (map[string]any, error) {
	body, err := s.decodeJSON(r.c, false)
	if err != nil {
		return nil, err
	}
	type binding struct {
		target *specengine.Table
		key    string // "" unbinds
		val    any
	}
	binds := map[string]binding{}
	for k := range body {
		if isNavigation(r, r.table, k) {
			return nil, &Error{Status: http.StatusNotImplemented, Code: "NotImplemented", Target: k,
				Message: "deep inserts and updates (" + k + " inline) are not supported: bind with " + k + "@odata.bind, or POST to <Set>(<key>)/" + k}
		}
	}
	for k, v := range body {
		nav, ok := strings.CutSuffix(k, "@odata.bind")
		if !ok {
			nav, ok = strings.CutSuffix(k, "@bind")
		}
		if !ok || nav == "" {
			continue
		}
		if !isNavigation(r, r.table, nav) {
			return nil, &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: r.table.Entity + " has no navigation property " + nav + " to bind", Target: k}
		}
		n, err := resolveNav(r, r.table, nav)
		if err != nil {
			return nil, err
		}
		if n.collection {
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "binding the collection %s in a body is not supported: add references with POST .../%s/$ref", nav, nav)
		}
		if !bindable(r.table, n.localFK, r.c.Request().Method == http.MethodPost) {
			// A binding is an instruction, not a value to ignore: the
			// foreign key is one only actions change.
			return nil, &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: k,
				Message: "the relationship " + nav + " is stored in " + r.table.Entity + "." + n.localFK + ", which only actions change"}
		}
		if v == nil {
			binds[n.localFK] = binding{target: n.target}
			continue
		}
		id, ok := v.(string)
		if !ok {
			return nil, &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: k + " must be the URL of an entity", Target: k}
		}
		key, err := s.referenceKey(r, n.target, id, false)
		if err != nil {
			return nil, err
		}
		if _, err := r.ents.Get(r.c.Request().Context(), r.sub(n.target, key).ref()); errors.Is(err, entity.ErrNotFound) {
			return nil, &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: k + ": " + id + " names no existing entity", Target: k}
		} else if err != nil {
			return nil, err
		}
		val, err := keyValueOf(r, n.target, key)
		if err != nil {
			return nil, err
		}
		binds[n.localFK] = binding{target: n.target, key: key, val: val}
	}
	if r.bodyETag, err = bodyETagOf(body); err != nil {
		return nil, err
	}
	for k := range body {
		if strings.Contains(k, "@") {
			delete(body, k)
		}
	}
	for fk, b := range binds {
		if cur, given := body[fk]; given {
			if k, _ := fkKey(r, b.target, cur); k != b.key {
				return nil, &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: "the body gives " + fk + " and a binding that disagree", Target: fk}
			}
		}
		body[fk] = b.val
	}
	return body, nil
}

// navOrderBy applies navFilter to each $orderby expression: Nav/<key>
// orders by the foreign key, other navigation paths are refused (501).
func navOrderBy(r *request, t *specengine.Table, items []ast.OrderItem) ([]ast.OrderItem, error) {
	var out []ast.OrderItem
	for i, it := range items {
		e, err := navFilter(r, t, it.Expr)
		if err != nil {
			return nil, err
		}
		if e != it.Expr && out == nil {
			out = append([]ast.OrderItem(nil), items...)
		}
		if out != nil {
			out[i].Expr = e
		}
	}
	if out == nil {
		return items, nil
	}
	return out, nil
}

// bindable reports whether a body binding may set the foreign key fk of
// t: a data-model field, or on a create a state variable without an
// initial value (an input).
func bindable(t *specengine.Table, fk string, create bool) bool {
	i, ok := t.SlotIndex(fk)
	return ok && (t.Vars[i].Field || create && t.Vars[i].Initial == nil)
}
