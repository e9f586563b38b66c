package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/workflows/entity"
)

// serviceDocument lists the app's entity sets.
func (s *Server) serviceDocument(r *request) error {
	var sets []map[string]any
	for _, t := range r.bundle.TableList {
		sets = append(sets, map[string]any{"name": t.EntitySet, "kind": "EntitySet", "url": t.EntitySet})
	}
	return writeJSON(r, http.StatusOK, map[string]any{"@odata.context": r.root + "$metadata", "value": sets})
}

// metadata serves the app's CSDL XML.
func (s *Server) metadata(r *request) error {
	xml, err := metadataDocument(r.bundle)
	if err != nil {
		return err
	}
	return r.c.Blob(http.StatusOK, "application/xml", xml)
}

// get reads one entity through its workflow: a consistent read.
func (s *Server) get(r *request) error {
	if r.query.Filter != nil || r.query.OrderBy != nil || r.query.Top != nil || r.query.Skip != nil || r.query.Count != nil || r.query.Search != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "$filter, $orderby, $top, $skip, $count and $search apply to collections")
	}
	if err := checkSelect(r, r.query.Select); err != nil {
		return err
	}
	if err := checkExpand(r, r.table, r.query.Expand); err != nil {
		return err
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	if notModified(r, e.Version) {
		r.c.Response().Header().Set("ETag", etag(e.Version))
		return r.c.NoContent(http.StatusNotModified)
	}
	out, err := s.renderEntity(r, e, r.query)
	if err != nil {
		return err
	}
	out["@odata.context"] = contextURL(r, r.table, r.query, true)
	r.c.Response().Header().Set("ETag", etag(e.Version))
	return writeJSON(r, http.StatusOK, out)
}

// checkSelect refuses $select of unknown properties, and what it does not
// implement (paths, Namespace.*, function signatures, nested options
// other than those selectopts.go applies) rather than ignoring it.
func checkSelect(r *request, sel []ast.SelectItem) error {
	for _, it := range sel {
		// Namespace.* parses as Star with the namespace as its path: all
		// the entity type's actions.
		if it.Star && len(it.Path) == 1 && it.Path[0] == r.table.Namespace && it.Options == nil {
			continue
		}
		if !it.Star && it.ParamNames == nil && len(it.Path) > 0 && (len(it.Path) > 1 || it.Options != nil) && isComplex(r, it.Path[0]) {
			// Members of a complex property: Address/City,
			// Address($select=City).
			if err := checkComplexSelect(r, it); err != nil {
				return err
			}
			continue
		}
		if it.ParamNames != nil || len(it.Path) > 1 || it.Star && len(it.Path) > 0 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$select supports property names, members of complex properties, *, actions and nested options on collections; not other paths, functions or other namespaces")
		}
		if len(it.Path) == 1 && strings.Contains(it.Path[0], ".") && it.Options == nil {
			if _, ok := selectedAction(r.table, it.Path[0]); ok {
				continue
			}
			return errorf(http.StatusBadRequest, "BadRequest", "$select: %s has no action %s", r.table.Entity, it.Path[0])
		}
		if it.Options != nil {
			if _, err := compileItemOptions(r.table, it); err != nil {
				return err
			}
		}
		if it.Star || len(it.Path) == 0 {
			continue
		}
		name := it.Path[0]
		if _, ok := r.table.SlotIndex(name); ok || name == "status" || contains(r.table.KeyProps, name) {
			continue
		}
		return errorf(http.StatusBadRequest, "BadRequest", "$select: %s has no property %q", r.table.Entity, name)
	}
	return nil
}

// selectedAction returns the simple name of a qualified action name of
// t's actions that a client may call ($select=Namespace.Action).
func selectedAction(t *specengine.Table, qualified string) (string, bool) {
	i := strings.LastIndexByte(qualified, '.')
	if i < 0 || qualified[:i] != t.Namespace {
		return "", false
	}
	a, ok := t.Action(qualified[i+1:])
	if !ok || a.Event {
		return "", false
	}
	return a.Name, true
}

// advertiseActions adds the actions $select names to a rendered entity
// (JSON Format §15): "#Namespace.Action": {} with minimal metadata, with
// its title and target with full metadata.
func advertiseActions(r *request, out map[string]any, key string, sel []ast.SelectItem) {
	add := func(name string) {
		q := r.table.Namespace + "." + name
		adv := map[string]any{}
		if r.metadata == "full" {
			adv["title"] = name
			adv["target"] = r.entityURL(key) + "/" + q
		}
		out["#"+q] = adv
	}
	for _, it := range sel {
		switch {
		case it.Star && len(it.Path) == 1 && it.Path[0] == r.table.Namespace:
			for _, a := range r.table.Actions {
				if !a.Event {
					add(a.Name)
				}
			}
		case !it.Star && len(it.Path) == 1 && strings.Contains(it.Path[0], "."):
			if name, ok := selectedAction(r.table, it.Path[0]); ok {
				add(name)
			}
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// property serves one property, or its raw value with /$value, with the
// entity's ETag. A collection property takes the collection options
// $filter, $orderby, $skip, $top and $count (as nested in $select); a
// primitive one takes none.
func (s *Server) property(r *request, name string, raw bool) error {
	list := false
	if i, ok := r.table.SlotIndex(name); ok && r.table.Vars[i].Type == expr.TList {
		list = true
	}
	q := r.query
	complexValue := isComplex(r, name)
	var opts *itemOptions
	switch {
	case complexValue && raw:
		return errorf(http.StatusBadRequest, "BadRequest", "%s is complex: /$value applies to primitive properties", name)
	case complexValue && (hasCollectionOptions(q) || q.Select != nil || q.Expand != nil):
		return errorf(http.StatusNotImplemented, "NotImplemented", "query options on a complex property are not supported")
	case q.Select != nil || q.Expand != nil:
		return errorf(http.StatusBadRequest, "BadRequest", "%s is not an entity: $select and $expand do not apply", name)
	case raw && list:
		return errorf(http.StatusBadRequest, "BadRequest", "%s is a collection: /$value applies to primitive properties", name)
	case hasCollectionOptions(q) && (raw || !list):
		return errorf(http.StatusBadRequest, "BadRequest", "%s is not a collection: $filter, $orderby, $top, $skip, $count and $search do not apply", name)
	case hasCollectionOptions(q):
		var err error
		if opts, err = compileItemOptions(r.table, ast.SelectItem{Path: []string{name}, Options: q}); err != nil {
			return err
		}
	}
	e, err := r.ents.Get(r.c.Request().Context(), r.ref())
	if err != nil {
		return err
	}
	var v any
	switch {
	case contains(r.table.KeyProps, name):
		v = r.keyValues(e.Ref.Key)[name]
		if v == nil && len(r.table.KeyProps) == 1 {
			v = e.Ref.Key
		}
	default:
		var ok bool
		if v, ok = e.Fields[name]; !ok {
			return errorf(http.StatusNotFound, "NotFound", "%s has no property %q", r.table.Entity, name)
		}
	}
	if list && v == nil {
		v = []string{} // a collection is never null
	}
	r.c.Response().Header().Set("ETag", etag(e.Version))
	if notModified(r, e.Version) {
		return r.c.NoContent(http.StatusNotModified)
	}
	if raw {
		if v == nil {
			return r.c.NoContent(http.StatusNoContent)
		}
		return r.c.String(http.StatusOK, toText(propertyValue(r, r.edmTypes()[name], v)))
	}
	if v == nil {
		return r.c.NoContent(http.StatusNoContent)
	}
	out := map[string]any{"@odata.context": r.root + "$metadata#" + r.table.EntitySet + "(" + r.keyPredicate(r.key) + ")/" + name}
	if opts != nil {
		items, n := opts.apply(stringList(v))
		v = items
		if opts.count {
			out["@odata.count"] = n
		}
	}
	if complexValue {
		wrap := map[string]any{name: v}
		complexOut(r, wrap)
		v = wrap[name]
	}
	out["value"] = propertyValue(r, r.edmTypes()[name], v)
	return writeJSON(r, http.StatusOK, out)
}

// writeProperty serves PUT, PATCH and DELETE of one property (Protocol
// §11.4.9): PUT and PATCH set it to the body's {"value": ...}, DELETE
// sets it to null, through the entity's field-update path with the
// entity's ETag as precondition. Only data-model fields may change.
func (s *Server) writeProperty(r *request, name string) error {
	method := r.c.Request().Method
	if err := refuseQueryOptions(r); err != nil {
		return err
	}
	i, ok := r.table.SlotIndex(name)
	if !ok {
		if contains(r.table.KeyProps, name) || name == "status" {
			return methodNotAllowed(r.c, "GET")
		}
		return errorf(http.StatusNotFound, "NotFound", "%s has no property %q", r.table.Entity, name)
	}
	if !r.table.Vars[i].Field {
		// Status and state variables change only through actions.
		return methodNotAllowed(r.c, "GET")
	}
	var val any
	if method != http.MethodDelete {
		body, err := s.decodeJSON(r.c, false)
		if err != nil {
			return err
		}
		v, ok := body["value"]
		if !ok {
			return errorf(http.StatusBadRequest, "BadRequest", `the body of a property update is {"value": ...}`)
		}
		if r.bodyETag, err = bodyETagOf(body); err != nil {
			return err
		}
		fields := map[string]any{name: v}
		if err := numbersFromStrings(r, fields); err != nil {
			return err
		}
		if err := enumValues(r, r.table, fields); err != nil {
			return err
		}
		if err := complexIn(r, r.table, fields); err != nil {
			return err
		}
		val = fields[name]
	} else if body, err := s.decodeJSON(r.c, true); err != nil {
		return err
	} else if r.bodyETag, err = bodyETagOf(body); err != nil {
		return err
	}
	if val == nil && !r.nullable(name) {
		return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: name + " is not nullable", Target: name}
	}
	cond, err := writeConditions(r)
	if err != nil {
		return err
	}
	missing, err := checkNoneMatch(r, cond)
	if err != nil {
		return err
	}
	if missing {
		return errorf(http.StatusNotFound, "NotFound", "no entity %s", r.entityPath(r.key))
	}
	upd := entity.Request{Update: entity.Values{name: val}, Spec: r.bundle.Hash, IfVersion: cond.version}
	e, err := r.ents.Act(r.c.Request().Context(), r.ref(), r.c.Request().Header.Get("Idempotency-Key"), upd)
	if err != nil {
		return err
	}
	r.c.Response().Header().Set("ETag", etag(e.Version))
	return r.c.NoContent(http.StatusNoContent)
}

// nullable reports whether the model lets property name be null.
func (r *request) nullable(name string) bool {
	m := r.bundle.Model
	et := m.EntityType(r.table.Namespace + "." + r.table.Entity)
	if et == nil {
		return true
	}
	for _, p := range m.AllProperties(et) {
		if p.Name == name {
			return p.Nullable == nil || *p.Nullable || csdl.IsCollection(p.Type)
		}
	}
	return true
}

// create starts an entity: 201 with the entity and its Location, or 204
// with Prefer: return=minimal.
func (s *Server) create(r *request) error {
	body, err := s.decodeEntityBody(r)
	if err != nil {
		return err
	}
	if err := numbersFromStrings(r, body); err != nil {
		return err
	}
	if err := enumValues(r, r.table, body); err != nil {
		return err
	}
	if err := complexIn(r, r.table, body); err != nil {
		return err
	}
	dropComputed(r.table, body)
	key, err := r.bodyKey(body, s.cfg.NewID)
	if err != nil {
		return err
	}
	return s.start(r, key, body)
}

// start creates the entity key from a create body: 201 with the entity
// and its Location, or 204 with Prefer: return=minimal.
func (s *Server) start(r *request, key string, body map[string]any) error {
	// Validate the body with the table before starting anything.
	if _, err := r.table.New(key, body); err != nil {
		return err
	}
	r.key = key
	start := entity.Start{Ref: r.ref(), Entity: r.table.Entity, Spec: r.bundle.Hash, Body: body,
		IdempotencyKey: r.c.Request().Header.Get("Idempotency-Key")}
	e, err := r.ents.Create(r.c.Request().Context(), start)
	if err != nil {
		return err
	}
	loc := r.entityURL(key)
	h := r.c.Response().Header()
	h.Set("Location", loc)
	h.Set("ETag", etag(e.Version))
	if parsePrefer(r.c.Request()).minimal {
		h.Set("OData-EntityId", loc)
		h.Set("Preference-Applied", "return=minimal")
		return r.c.NoContent(http.StatusNoContent)
	}
	return s.writeRepresentation(r, http.StatusCreated, e)
}

// action runs a bound action through the workflow: 200 with the entity,
// 204 with return=minimal, 202 with respond-async (see startAsync).
func (s *Server) action(r *request, qualified string) error {
	name := qualified
	if i := strings.LastIndexByte(qualified, '.'); i >= 0 {
		ns := qualified[:i]
		if ns != r.table.Namespace {
			return errorf(http.StatusNotFound, "UnknownAction", "%s is not an action of %s (namespace %s)", qualified, r.table.Entity, r.table.Namespace)
		}
		name = qualified[i+1:]
	}
	a, ok := r.table.Action(name)
	if !ok || a.Event {
		return errorf(http.StatusNotFound, "UnknownAction", "%s has no action %s", r.table.Entity, name)
	}
	params, err := s.decodeBody(r.c, true)
	if err != nil {
		return err
	}
	if _, err := r.table.Params(a, params); err != nil {
		return err
	}
	cond, err := ifMatch(r.c.Request())
	if err != nil {
		return err
	}
	if err := refuseIfNoneMatch(r); err != nil {
		return err
	}
	req := entity.Request{Action: name, Params: params, Spec: r.bundle.Hash, IfVersion: cond}
	idem := r.c.Request().Header.Get("Idempotency-Key")
	p := parsePrefer(r.c.Request())
	ret := ""
	if p.minimal {
		ret = "minimal"
	}
	if done, err := s.startAsync(r, req, asyncAction, ret); done || err != nil {
		return err
	}
	e, err := r.ents.Act(r.c.Request().Context(), r.ref(), idem, req)
	if err != nil {
		return err
	}
	if v := r.c.QueryParam("await_integration"); v == "true" && runsIntegration(a) {
		e = s.awaitIntegration(r, e)
	} else if v != "" && v != "true" && v != "false" {
		return errorf(http.StatusBadRequest, "BadRequest", "await_integration=%q: want true or false", v)
	}
	r.c.Response().Header().Set("ETag", etag(e.Version))
	if p.minimal {
		r.c.Response().Header().Set("Preference-Applied", "return=minimal")
		return r.c.NoContent(http.StatusNoContent)
	}
	return s.writeRepresentation(r, http.StatusOK, e)
}

// writeRepresentation answers a create, update or action with the entity,
// shaped by the request's $select and $expand (OData 4.01 §11.4: data
// modification requests may take them).
func (s *Server) writeRepresentation(r *request, status int, e entity.Entity) error {
	out, err := s.renderEntity(r, e, r.query)
	if err != nil {
		return err
	}
	out["@odata.context"] = contextURL(r, r.table, r.query, true)
	return writeJSON(r, status, out)
}

// checkWriteOptions refuses query options a write has no use for (400)
// and checks the $select and $expand a create, update or action applies
// to the entity it returns.
func checkWriteOptions(r *request) error {
	q := r.query
	if hasCollectionOptions(q) {
		return errorf(http.StatusBadRequest, "BadRequest", "%s takes no $filter, $orderby, $top, $skip, $count or $search", r.c.Request().Method)
	}
	if r.c.Request().Method == http.MethodDelete && (q.Select != nil || q.Expand != nil) {
		return errorf(http.StatusBadRequest, "BadRequest", "DELETE takes no $select or $expand")
	}
	if err := checkSelect(r, q.Select); err != nil {
		return err
	}
	return checkExpand(r, r.table, q.Expand)
}

// refuseIfNoneMatch evaluates If-None-Match before a write that cannot
// insert (a relationship change, an action): the entity must exist and
// not be in the version it names.
func refuseIfNoneMatch(r *request) error {
	c := conditions{noneMatch: strings.TrimSpace(r.c.Request().Header.Get("If-None-Match"))}
	missing, err := checkNoneMatch(r, c)
	if err != nil {
		return err
	}
	if missing {
		return errorf(http.StatusNotFound, "NotFound", "no entity %s", r.entityPath(r.key))
	}
	return nil
}

// update writes data-model fields (PATCH; PUT replaces them all), or
// creates the entity when its key does not exist (upsert) and no ETag
// says it should.
func (s *Server) update(r *request) error {
	if !r.table.Updatable() {
		return methodNotAllowed(r.c, "GET, DELETE")
	}
	body, err := s.decodeEntityBody(r)
	if err != nil {
		return err
	}
	if err := numbersFromStrings(r, body); err != nil {
		return err
	}
	if err := enumValues(r, r.table, body); err != nil {
		return err
	}
	if err := complexIn(r, r.table, body); err != nil {
		return err
	}
	cond, err := writeConditions(r)
	if err != nil {
		return err
	}
	// What an insert takes: everything but what the service computes.
	insert := map[string]any{}
	for k, v := range body {
		if v != nil {
			insert[k] = v
		}
	}
	dropComputed(r.table, insert)
	for _, kp := range r.table.KeyProps {
		delete(insert, kp)
	}
	dropNonUpdatable(r.table, body)
	if r.c.Request().Method == http.MethodPut {
		// PUT replaces: every field not given is reset to null.
		for _, v := range r.table.Vars {
			if _, given := body[v.Name]; v.Field && !given {
				body[v.Name] = nil
			}
		}
	}
	missing, err := checkNoneMatch(r, cond)
	if err != nil {
		return err
	}
	if missing {
		return s.upsert(r, cond, insert)
	}
	if len(body) == 0 {
		// Nothing a field update may change: the entity stays as it is.
		return s.unchanged(r, cond, insert)
	}
	upd := entity.Request{Update: body, Spec: r.bundle.Hash, IfVersion: cond.version}
	ret := ""
	if parsePrefer(r.c.Request()).representation {
		ret = "representation"
	}
	done, err := s.startAsync(r, upd, asyncUpdate, ret)
	if done && err == nil {
		return nil
	}
	var e entity.Entity
	if err == nil {
		e, err = r.ents.Act(r.c.Request().Context(), r.ref(), r.c.Request().Header.Get("Idempotency-Key"), upd)
	}
	if errors.Is(err, entity.ErrNotFound) {
		return s.upsert(r, cond, insert)
	}
	if err != nil {
		return err
	}
	return s.updated(r, e)
}

// updated answers a successful update: 204, or 200 with the entity under
// return=representation.
func (s *Server) updated(r *request, e entity.Entity) error {
	r.c.Response().Header().Set("ETag", etag(e.Version))
	if parsePrefer(r.c.Request()).representation {
		r.c.Response().Header().Set("Preference-Applied", "return=representation")
		return s.writeRepresentation(r, http.StatusOK, e)
	}
	return r.c.NoContent(http.StatusNoContent)
}

// upsert creates the entity of an update whose key does not exist
// (Protocol §11.4.4), synchronously also with respond-async. An update
// that names an ETag is never an insert (404).
func (s *Server) upsert(r *request, cond conditions, body map[string]any) error {
	if cond.ifMatch {
		return errorf(http.StatusNotFound, "NotFound", "no entity %s (an update with an ETag does not insert)", r.entityPath(r.key))
	}
	err := s.start(r, r.key, body)
	if errors.Is(err, entity.ErrConflict) && cond.noneMatch != "" {
		// Created by someone else since the If-None-Match check.
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "If-None-Match %s: %s exists", cond.noneMatch, r.entityPath(r.key))
	}
	return err
}

// unchanged answers an update that changes nothing: it is authorized
// like any update, its preconditions still apply, and a missing entity is
// inserted.
func (s *Server) unchanged(r *request, cond conditions, insert map[string]any) error {
	ctx := r.c.Request().Context()
	noop := entity.Request{Update: entity.Values{}}
	_, err := r.ents.admit(ctx, r.ref(), &noop)
	if errors.Is(err, entity.ErrNotFound) {
		return s.upsert(r, cond, insert)
	}
	if err != nil {
		return err
	}
	e, err := r.ents.Get(ctx, r.ref())
	if err != nil {
		return err
	}
	if cond.version != nil && *cond.version != e.Version {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "%s is at version %d, not %d", r.entityPath(r.key), e.Version, *cond.version)
	}
	return s.updated(r, e)
}

// delete ends the entity.
func (s *Server) delete(r *request) error {
	body, err := s.decodeJSON(r.c, true)
	if err != nil {
		return err
	}
	if r.bodyETag, err = bodyETagOf(body); err != nil {
		return err
	}
	cond, err := writeConditions(r)
	if err != nil {
		return err
	}
	missing, err := checkNoneMatch(r, cond)
	if err != nil {
		return err
	}
	if missing {
		return errorf(http.StatusNotFound, "NotFound", "no entity %s", r.entityPath(r.key))
	}
	del := entity.Request{Delete: true, Spec: r.bundle.Hash, IfVersion: cond.version}
	if done, err := s.startAsync(r, del, asyncDelete, ""); done || err != nil {
		return err
	}
	if _, err := r.ents.Act(r.c.Request().Context(), r.ref(), r.c.Request().Header.Get("Idempotency-Key"), del); err != nil {
		return err
	}
	return r.c.NoContent(http.StatusNoContent)
}

// toText renders a JSON value as plain text for $value and $count.
func toText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// notModified reports whether If-None-Match names the entity's current
// ETag (or is *): the client's copy is current.
func notModified(r *request, version int64) bool {
	v := strings.TrimSpace(r.c.Request().Header.Get("If-None-Match"))
	if v == "" {
		return false
	}
	if v == "*" {
		return true
	}
	for _, part := range strings.Split(v, ",") {
		if strings.TrimSpace(part) == etag(version) || strings.TrimPrefix(strings.TrimSpace(part), "W/") == strings.TrimPrefix(etag(version), "W/") {
			return true
		}
	}
	return false
}

// runsIntegration reports whether an action triggers an integration.
func runsIntegration(a *specengine.Action) bool {
	if len(a.Integrations) > 0 {
		return true
	}
	for _, t := range a.Triggers {
		if t.Kind == "wasm" {
			return true
		}
	}
	return false
}

// awaitIntegration waits (at most 25 s) until the entity moved past
// e's version, i.e. an integration callback (on_success or on_failure)
// committed, and answers the entity then; on timeout the entity as it was,
// with Temper-Integration: pending.
func (s *Server) awaitIntegration(r *request, e entity.Entity) entity.Entity {
	ctx, cancel := context.WithTimeout(r.c.Request().Context(), 25*time.Second)
	defer cancel()
	for {
		cur, err := s.cfg.Entities.Get(ctx, r.ref())
		if err == nil && cur.Version > e.Version {
			return cur
		}
		select {
		case <-ctx.Done():
			r.c.Response().Header().Set("Temper-Integration", "pending")
			return e
		case <-time.After(20 * time.Millisecond):
		}
	}
}
