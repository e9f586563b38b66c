package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// translateQuery maps parser and store errors: 400 for what is malformed
// or refused, 501 for what is valid OData but not implemented.
func translateQuery(err error) *Error {
	var se *uri.SyntaxError
	if errors.As(err, &se) {
		return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: se.Error(), Target: se.Option}
	}
	var qe *store.QueryError
	if errors.As(err, &qe) {
		return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: qe.Error()}
	}
	var ue *store.UnsupportedError
	if errors.As(err, &ue) {
		return &Error{Status: http.StatusNotImplemented, Code: "NotImplemented", Message: ue.Error()}
	}
	return nil
}

// Schema is the store schema of an entity set: its key, status and every
// variable and data-model property with its Edm type.
func Schema(b *specengine.Bundle, t *specengine.Table) store.Schema {
	props := map[string]string{"status": "Edm.String"}
	for _, k := range t.KeyProps {
		props[k] = "Edm.String"
	}
	var enums map[string]store.Enum
	if et := b.Model.EntityType(t.Namespace + "." + t.Entity); et != nil {
		for _, p := range b.Model.AllProperties(et) {
			props[p.Name] = p.Type
			if e := b.Model.EnumType(p.Type); e != nil {
				if enums == nil {
					enums = map[string]store.Enum{}
				}
				enums[p.Type] = storeEnum(e)
			}
		}
	}
	for _, v := range t.Vars {
		if _, ok := props[v.Name]; !ok {
			props[v.Name] = specengine.EdmType(v.Type)
		}
	}
	return store.Schema{Properties: props, Key: append([]string(nil), t.KeyProps...), Enums: enums}
}

// storeEnum is the store's view of an enumeration type: members with their
// values (CSDL: consecutive from 0 when the model gives none).
func storeEnum(e *csdl.EnumType) store.Enum {
	out := store.Enum{Flags: e.IsFlags}
	next := int64(0)
	for _, m := range e.Members {
		v := next
		if m.Value != nil {
			v = *m.Value
		}
		out.Members = append(out.Members, store.EnumMember{Name: m.Name, Value: v})
		next = v + 1
	}
	return out
}

// enumValues checks the values a write gives enumeration-typed properties
// of t (JSON Format §7.1: a string of member names or values, comma
// separated for flags) and rewrites them as member names, which is what
// entities hold and queries compare.
func enumValues(r *request, t *specengine.Table, body map[string]any) error {
	types := Schema(r.bundle, t)
	for k, v := range body {
		e, ok := types.Enums[types.Properties[k]]
		if !ok || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: k,
				Message: k + " is an enumeration (" + types.Properties[k] + "): give a member name as a string"}
		}
		parts := []string{s}
		if e.Flags {
			parts = strings.Split(s, ",")
		}
		for _, p := range parts {
			if _, ok := e.Member(strings.TrimSpace(p)); !ok {
				return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: k,
					Message: k + ": " + strconv.Quote(strings.TrimSpace(p)) + " is not a member of " + types.Properties[k]}
			}
		}
		// Member names, flags in declaration order: the form queries
		// compare.
		body[k], _ = e.Canonical(parts)
	}
	return nil
}

// list serves a collection (or its /$count) from the projection, with
// server-driven paging.
func (s *Server) list(r *request, countOnly bool) error {
	q := r.query
	if countOnly && (q.OrderBy != nil || q.Top != nil || q.Skip != nil || q.Count != nil || q.Select != nil || q.Expand != nil || q.SkipToken != "") {
		return errorf(http.StatusBadRequest, "BadRequest", "/$count takes only $filter and $search")
	}
	if err := checkSelect(r, q.Select); err != nil {
		return err
	}
	if err := checkExpand(r, r.table, q.Expand); err != nil {
		return err
	}
	page := s.pageSize(r)
	filter, err := navFilter(r, r.table, q.Filter)
	if err != nil {
		return err
	}
	orderBy, err := navOrderBy(r, r.table, q.OrderBy)
	if err != nil {
		return err
	}
	lq := store.ListQuery{App: r.app, Set: r.table.EntitySet, Schema: Schema(r.bundle, r.table),
		Filter: filter, Search: q.Search, OrderBy: orderBy, After: q.SkipToken}
	top := -1
	if q.Top != nil {
		top = int(min(*q.Top, int64(1<<31-1)))
	}
	if q.Skip != nil {
		lq.Skip = int(min(*q.Skip, int64(1<<31-1)))
	}
	lq.Top = page
	if top >= 0 && top < page {
		lq.Top = top
	}
	lq.Count = countOnly || q.Count != nil && *q.Count
	if countOnly {
		lq.Top = 0
	}
	res, err := r.ents.Query(r.c.Request().Context(), lq)
	if err != nil {
		return err
	}
	if countOnly {
		return r.c.String(http.StatusOK, strconv.FormatInt(*res.Count, 10))
	}
	out := map[string]any{"@odata.context": contextURL(r, r.table, q, false)}
	if lq.Count && res.Count != nil {
		out["@odata.count"] = *res.Count
	}
	values := make([]any, 0, len(res.Entities))
	for _, e := range res.Entities {
		v, err := s.renderEntity(r, fromProjection(e), q)
		if err != nil {
			return err
		}
		values = append(values, v)
	}
	out["value"] = values
	// A next page exists when the store says so and the client's $top
	// still wants more.
	if res.Next != "" && (top < 0 || top > len(res.Entities)) {
		next, err := nextLink(r, res.Next, top, len(res.Entities))
		if err != nil {
			return err
		}
		out["@odata.nextLink"] = next
	}
	s.pageSizeApplied(r)
	return writeJSON(r, http.StatusOK, out)
}

// pageSize is the server-driven page size of every collection in a
// response: the configured one, or the client's odata.maxpagesize
// preference up to MaxPageSize.
func (s *Server) pageSize(r *request) int {
	if p := parsePrefer(r.c.Request()).maxPageSize; p > 0 {
		return min(p, s.cfg.MaxPageSize)
	}
	return s.cfg.PageSize
}

// pageSizeApplied echoes an applied maxpagesize preference in the form the
// client wrote it (with or without the odata. prefix).
func (s *Server) pageSizeApplied(r *request) {
	if p := parsePrefer(r.c.Request()); p.maxPageSize > 0 {
		r.c.Response().Header().Set("Preference-Applied", fmt.Sprintf("%s=%d", p.maxPageSizeName, s.pageSize(r)))
	}
}

// nextLink is the request's URL with $skiptoken set to the store's token,
// $skip dropped (the token already skipped) and $top reduced by what this
// page returned. The client's other options are kept byte for byte.
func nextLink(r *request, token string, top, got int) (string, error) {
	var parts []string
	for _, p := range strings.Split(r.c.Request().URL.RawQuery, "&") {
		if p == "" {
			continue
		}
		name, _, _ := strings.Cut(p, "=")
		if dec, err := url.QueryUnescape(strings.ReplaceAll(name, "+", "%2B")); err == nil {
			name = dec
		}
		switch strings.TrimPrefix(strings.ToLower(name), "$") {
		case "skiptoken", "skip", "top":
			continue
		}
		parts = append(parts, p)
	}
	if top >= 0 {
		parts = append(parts, "$top="+strconv.Itoa(top-got))
	}
	parts = append(parts, "$skiptoken="+url.QueryEscape(token))
	return r.root + r.table.EntitySet + "?" + strings.Join(parts, "&"), nil
}

// fromProjection turns a stored projection into the workflow's view.
func fromProjection(e store.Entity) entity.Entity {
	fields := map[string]any{}
	for k, v := range e.Fields {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				fields[k] = i
				continue
			}
			// A decimal a float64 only approximates keeps its text.
			if f, err := n.Float64(); err == nil && expr.DecimalVal(f, string(n)).S == "" {
				fields[k] = f
				continue
			}
		}
		fields[k] = v
	}
	fields["status"] = e.Status
	return entity.Entity{Ref: entity.Ref{App: e.App, EntitySet: e.Set, Key: e.Key}, Entity: e.Type, Spec: e.Spec,
		Version: e.Version, Status: e.Status, Fields: fields, Creator: e.Creator}
}
