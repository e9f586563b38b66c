package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
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
	xml, err := r.bundle.Model.Marshal()
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
		// Namespace.* parses as Star with the namespace as its path.
		if it.ParamNames != nil || len(it.Path) > 1 || it.Star && len(it.Path) > 0 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$select supports property names, * and nested options on collections; not paths or Namespace.*")
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

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// property serves one property, or its raw value with /$value.
func (s *Server) property(r *request, name string, raw bool) error {
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
	if i, ok := r.table.SlotIndex(name); ok && r.table.Vars[i].Type == expr.TList && v == nil {
		v = []string{} // a collection is never null
	}
	if raw {
		if v == nil {
			return r.c.NoContent(http.StatusNoContent)
		}
		return r.c.String(http.StatusOK, toText(v))
	}
	if v == nil {
		return r.c.NoContent(http.StatusNoContent)
	}
	if r.ieee754 && isIEEE754Type(r.edmTypes()[name]) {
		v = ieee754Value(v)
	}
	return writeJSON(r, http.StatusOK, map[string]any{
		"@odata.context": r.root + "$metadata#" + r.table.EntitySet + "(" + r.keyPredicate(r.key) + ")/" + name,
		"value":          v,
	})
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
	return writeJSON(r, http.StatusCreated, render(r, e, nil, true))
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
	r.c.Response().Header().Set("ETag", etag(e.Version))
	if p.minimal {
		r.c.Response().Header().Set("Preference-Applied", "return=minimal")
		return r.c.NoContent(http.StatusNoContent)
	}
	return writeJSON(r, http.StatusOK, render(r, e, nil, true))
}

// refuseIfNoneMatch: a write with If-None-Match (create-only semantics,
// upsert) is not supported on an existing entity, which is all this
// service updates: 412, never silently ignored.
func refuseIfNoneMatch(r *request) error {
	if r.c.Request().Header.Get("If-None-Match") != "" {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "If-None-Match on an update: the entity exists")
	}
	return nil
}

// update writes data-model fields (PATCH; PUT replaces them all).
func (s *Server) update(r *request) error {
	if err := refuseIfNoneMatch(r); err != nil {
		return err
	}
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
	for _, kp := range r.table.KeyProps {
		delete(body, kp)
	}
	if r.c.Request().Method == http.MethodPut {
		// PUT replaces: every field not given is reset to null.
		for _, v := range r.table.Vars {
			if _, given := body[v.Name]; v.Field && !given {
				body[v.Name] = nil
			}
		}
	}
	cond, err := ifMatch(r.c.Request())
	if err != nil {
		return err
	}
	upd := entity.Request{Update: body, Spec: r.bundle.Hash, IfVersion: cond}
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
	if errors.Is(err, entity.ErrNotFound) && cond == nil {
		// Upsert: an update of a key that does not exist creates it
		// (synchronously, also with respond-async).
		for k, v := range body {
			if v == nil {
				delete(body, k)
			}
		}
		return s.start(r, r.key, body)
	}
	if err != nil {
		return err
	}
	r.c.Response().Header().Set("ETag", etag(e.Version))
	if parsePrefer(r.c.Request()).representation {
		r.c.Response().Header().Set("Preference-Applied", "return=representation")
		return writeJSON(r, http.StatusOK, render(r, e, nil, true))
	}
	return r.c.NoContent(http.StatusNoContent)
}

// delete ends the entity.
func (s *Server) delete(r *request) error {
	if err := refuseIfNoneMatch(r); err != nil {
		return err
	}
	cond, err := ifMatch(r.c.Request())
	if err != nil {
		return err
	}
	del := entity.Request{Delete: true, Spec: r.bundle.Hash, IfVersion: cond}
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
