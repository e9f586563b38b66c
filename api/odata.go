package api

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// request is one OData request resolved against its app.
type request struct {
	c      echo.Context
	app    string
	bundle *specengine.Bundle
	root   string // absolute service root URL, ending in '/'
	path   *ast.ResourcePath
	query  *ast.Query
	table  *specengine.Table
	key    string // canonical key of the addressed entity, "" for a collection
	// metadata is the odata.metadata level asked for: minimal, full or none.
	metadata string
	// ieee754 is IEEE754Compatible=true: Int64 and Decimal values travel
	// as JSON strings.
	ieee754 bool
	// refID is the $id query option, which only DELETE of a collection's
	// references takes.
	refID string
	keys  []store.KeyPart
	// reads counts the reads $expand made for this request, shared by
	// sub-requests, to bound the work one request can cause.
	reads *int
	// depth is how many expansions led to this (sub-)request.
	depth int
	// ents is the authorizing view of entities and the projection every
	// handler goes through.
	ents *guard
	// schema caches the Edm types of table's properties.
	schema map[string]string
	// bodyETag is the ETag control information of a write's body
	// (@odata.etag), a precondition like If-Match.
	bodyETag string
	// complex caches the complex-typed properties of table.
	complex map[string]complexRef
}

func (r *request) ref() entity.Ref {
	return entity.Ref{App: r.app, EntitySet: r.table.EntitySet, Key: r.key}
}

// sub is a request for another entity type of the same app (a navigation
// target), sharing the client's request and its settings.
func (r *request) sub(t *specengine.Table, key string) *request {
	return &request{c: r.c, app: r.app, bundle: r.bundle, root: r.root, table: t, key: key, query: &ast.Query{},
		metadata: r.metadata, ieee754: r.ieee754, reads: r.reads, depth: r.depth, ents: r.ents}
}

// odata40 reports whether the response speaks OData 4.0 (the client's
// OData-MaxVersion).
func (r *request) odata40() bool {
	return r.c.Response().Header().Get("OData-Version") == "4.0"
}

// dispatch routes every request below /odata/<app>/.
func (s *Server) dispatch(c echo.Context) error {
	app := c.Param("app")
	b, ok := s.cfg.Apps.Get(app)
	if !ok {
		if state, busy := s.cfg.Apps.Verifying(app, appWide); busy {
			return &Error{Status: http.StatusLocked, Code: "Verifying", Message: fmt.Sprintf("app %s is being verified (%s); try again when it is deployed", app, state)}
		}
		callOf(c).t.Outcome = store.OutcomeUnknownSet
		return errorf(http.StatusNotFound, "NotFound", "no app %q", app)
	}
	req := c.Request()
	prefix := "/odata/" + url.PathEscape(app) + "/"
	escaped := req.URL.EscapedPath()
	if !strings.HasPrefix(escaped, prefix) {
		prefix = "/odata/" + app + "/"
	}
	raw := strings.TrimPrefix(escaped, prefix)
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	}
	r := &request{c: c, app: app, bundle: b, root: scheme + "://" + req.Host + prefix, reads: new(int)}
	r.ents = &guard{s: s, c: c, app: app, bundle: b}
	if strings.HasPrefix(raw, asyncSegment+"/") {
		// A status monitor answers in the media type of the final
		// response (or application/http), not by the rules below.
		return s.monitor(r, strings.TrimPrefix(raw, asyncSegment+"/"))
	}
	var (
		rp  *ast.ResourcePath
		q   *ast.Query
		err error
	)
	switch raw {
	case "", "$metadata", "$batch":
		q, err = uri.ParseQuery(req.URL.RawQuery)
	default:
		// Parse substitutes parameter aliases in the path too: Tasks(@k)?@k='a'.
		rp, q, err = uri.Parse(raw, req.URL.RawQuery)
	}
	if err != nil {
		return err
	}
	if raw == "$batch" {
		return errorf(http.StatusNotImplemented, "NotImplemented", "$batch is not supported")
	}
	r.query = q
	unsupported := q.Unsupported
	if i := slices.Index(unsupported, "$id"); i >= 0 {
		// $id identifies the reference DELETE .../Nav/$ref removes;
		// the parser keeps only its name.
		r.refID = queryOption(req.URL.RawQuery, "id")
		unsupported = slices.Delete(slices.Clone(unsupported), i, i+1)
	}
	if len(unsupported) > 0 {
		return errorf(http.StatusNotImplemented, "NotImplemented", "query option %s is not supported", strings.Join(unsupported, ", "))
	}
	if err := checkVersion(req); err != nil {
		return err
	}
	if err := checkFormat(c, q, resourceMedia(raw, rp)); err != nil {
		return err
	}
	if r.metadata, err = metadataLevel(c, q); err != nil {
		return err
	}
	r.ieee754 = ieee754Compatible(c, q)
	if err := checkAliases(q); err != nil {
		return err
	}
	if (raw == "" || raw == "$metadata") && (hasCollectionOptions(q) || q.Select != nil || q.Expand != nil) {
		return errorf(http.StatusBadRequest, "BadRequest", "the service document and $metadata take no query options but $format")
	}
	switch raw {
	case "":
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			return methodNotAllowed(c, "GET")
		}
		return s.serviceDocument(r)
	case "$metadata":
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			return methodNotAllowed(c, "GET")
		}
		return s.metadata(r)
	}
	r.path = rp
	segs := rp.Segments
	if err := unsupportedSegments(b, segs); err != nil {
		return err
	}
	if segs[0].Kind != ast.SegEntitySet {
		return errorf(http.StatusNotFound, "NotFound", "no resource %q", raw)
	}
	for _, t := range b.TableList {
		if t.EntitySet == segs[0].Name {
			r.table = t
		}
	}
	if r.table == nil {
		if state, busy := s.cfg.Apps.Verifying(app, segs[0].Name); busy {
			return &Error{Status: http.StatusLocked, Code: "Verifying", Message: fmt.Sprintf("%s is being verified (%s); try again when it is deployed", segs[0].Name, state)}
		}
		t := &callOf(c).t
		t.Outcome, t.EntitySet = store.OutcomeUnknownSet, segs[0].Name
		return errorf(http.StatusNotFound, "NotFound", "app %s has no entity set %q", app, segs[0].Name)
	}
	if state, busy := s.cfg.Apps.Verifying(app, r.table.Entity); busy {
		return &Error{Status: http.StatusLocked, Code: "Verifying", Message: fmt.Sprintf("%s is being verified (%s); try again when it is deployed", r.table.Entity, state)}
	}
	if len(segs[0].Keys) > 0 {
		if r.key, err = canonicalKey(r, segs[0].Keys); err != nil {
			return err
		}
	}
	rest := segs[1:]
	navPath := len(rest) > 0 && rest[0].Kind == ast.SegNavigation && !strings.Contains(rest[0].Name, ".") &&
		r.key != "" && isNavigation(r, r.table, rest[0].Name)
	if r.refID != "" && !navPath {
		return errorf(http.StatusBadRequest, "BadRequest", "$id applies to DELETE of a collection's references (<Set>(<key>)/<Nav>/$ref)")
	}
	switch {
	case r.key == "" && len(rest) == 0:
		switch req.Method {
		case http.MethodGet, http.MethodHead:
			return s.list(r, false)
		case http.MethodPost:
			if err := checkWriteOptions(r); err != nil {
				return err
			}
			return s.create(r)
		}
		return methodNotAllowed(c, "GET, POST")
	case r.key == "" && len(rest) == 1 && rest[0].Kind == ast.SegCount:
		if req.Method != http.MethodGet {
			return methodNotAllowed(c, "GET")
		}
		return s.list(r, true)
	case r.key == "":
		return errorf(http.StatusNotFound, "NotFound", "no resource %q", raw)
	case len(rest) == 0:
		switch req.Method {
		case http.MethodGet, http.MethodHead:
			return s.get(r)
		case http.MethodPatch, http.MethodPut, http.MethodDelete:
			if err := checkWriteOptions(r); err != nil {
				return err
			}
			if req.Method == http.MethodDelete {
				return s.delete(r)
			}
			return s.update(r)
		}
		return methodNotAllowed(c, "GET, PATCH, PUT, DELETE")
	case len(rest) == 1 && (rest[0].Kind == ast.SegOperation || rest[0].Kind == ast.SegNavigation && strings.Contains(rest[0].Name, ".")):
		if req.Method != http.MethodPost {
			return methodNotAllowed(c, "POST")
		}
		if err := checkWriteOptions(r); err != nil {
			return err
		}
		return s.action(r, rest[0].Name)
	case navPath:
		return s.navRoute(r, rest)
	case len(rest) <= 2 && (rest[0].Kind == ast.SegNavigation || rest[0].Kind == ast.SegProperty) && len(rest[0].Keys) == 0:
		if len(rest) == 1 && (req.Method == http.MethodPut || req.Method == http.MethodPatch || req.Method == http.MethodDelete) {
			return s.writeProperty(r, rest[0].Name)
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			if len(rest) == 1 {
				return methodNotAllowed(c, "GET, PUT, PATCH, DELETE")
			}
			return methodNotAllowed(c, "GET")
		}
		switch {
		case len(rest) == 1:
			return s.property(r, rest[0].Name, false)
		case rest[1].Kind == ast.SegValue:
			return s.property(r, rest[0].Name, true)
		case rest[1].Kind == ast.SegCount:
			return s.propertyCount(r, rest[0].Name)
		}
		return errorf(http.StatusNotImplemented, "NotImplemented", "navigation beyond a property is not supported")
	}
	return errorf(http.StatusNotImplemented, "NotImplemented", "resource path %q is not supported", raw)
}

// unsupportedSegments refuses, with 501, path segments that are valid
// OData this service does not implement, so that they are not mistaken
// for unknown resources (404) or wrong methods (405).
func unsupportedSegments(b *specengine.Bundle, segs []ast.Segment) error {
	for _, sg := range segs {
		what := ""
		switch sg.Kind {
		case ast.SegOperation, ast.SegNavigation:
			if strings.Contains(sg.Name, ".") && isTypeName(b, sg.Name) {
				what = "type-cast segments (" + sg.Name + ")"
			}
		case ast.SegAll:
			what = "$all"
		case ast.SegCrossjoin:
			what = "$crossjoin"
		case ast.SegEntity:
			what = "$entity"
		case ast.SegFilter:
			what = "$filter path segments"
		case ast.SegEach:
			what = "$each"
		case ast.SegQuery:
			what = "$query"
		case ast.SegCast:
			what = "type-cast segments"
		case ast.SegKeyOrIndex:
			what = "key-as-segment URLs and ordinal indexes (" + sg.Name + ")"
		}
		if what != "" {
			return errorf(http.StatusNotImplemented, "NotImplemented", "%s: not supported by this service", what)
		}
	}
	return nil
}

// isTypeName reports whether a qualified name is a type of the app's
// model rather than an action: a type-cast segment.
func isTypeName(b *specengine.Bundle, name string) bool {
	return b.Model.EntityType(name) != nil || b.Model.ComplexType(name) != nil
}

// queryOption returns the decoded value of a system query option (name
// without '$', matched case-insensitively, with or without '$'), for the
// options the parser checks but does not keep. '+' stays a plus sign.
func queryOption(rawQuery, name string) string {
	for _, part := range strings.Split(rawQuery, "&") {
		n, v, _ := strings.Cut(part, "=")
		if dn, err := url.PathUnescape(n); err == nil {
			n = dn
		}
		if !strings.EqualFold(strings.TrimPrefix(n, "$"), name) {
			continue
		}
		if dv, err := url.PathUnescape(v); err == nil {
			return dv
		}
		return v
	}
	return ""
}

func methodNotAllowed(c echo.Context, allow string) error {
	c.Response().Header().Set("Allow", allow)
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "%s is not allowed here (allowed: %s)", c.Request().Method, allow)
}

// decodeBody reads a JSON object body within the size limit, without
// its instance annotations.
func (s *Server) decodeBody(c echo.Context, optional bool) (map[string]any, error) {
	m, err := s.decodeJSON(c, optional)
	if err != nil {
		return nil, err
	}
	// Instance annotations (@odata.type, ...) are not fields.
	for k := range m {
		if strings.Contains(k, "@") {
			delete(m, k)
		}
	}
	return m, nil
}

// decodeJSON reads a JSON object body within the size limit, numbers as
// json.Number.
func (s *Server) decodeJSON(c echo.Context, optional bool) (map[string]any, error) {
	req := c.Request()
	body, err := io.ReadAll(io.LimitReader(req.Body, s.cfg.MaxBody+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "read body: %v", err)
	}
	if int64(len(body)) > s.cfg.MaxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "TooLarge", "the body exceeds %d bytes", s.cfg.MaxBody)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		if optional {
			return map[string]any{}, nil
		}
		return nil, errorf(http.StatusBadRequest, "BadRequest", "a JSON object body is required")
	}
	if ct := req.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type %q: send application/json", ct)
		}
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "the body is not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "the body holds more than one JSON value")
	}
	if m == nil {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "the body is not a JSON object")
	}
	return m, nil
}

// prefer parses the Prefer header.
type prefer struct {
	minimal, representation, async bool
	maxPageSize                    int
	// maxPageSizeName is how the client wrote maxpagesize: with the
	// odata. prefix of OData 4.0 or without it (4.01), which
	// Preference-Applied repeats.
	maxPageSizeName string
}

func parsePrefer(r *http.Request) prefer {
	var p prefer
	for _, v := range r.Header.Values("Prefer") {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(strings.ToLower(part))
			prefixed := strings.HasPrefix(part, "odata.")
			part = strings.TrimPrefix(part, "odata.")
			switch {
			case part == "return=minimal":
				p.minimal = true
			case part == "return=representation":
				p.representation = true
			case part == "respond-async":
				p.async = true
			case strings.HasPrefix(part, "maxpagesize="):
				p.maxPageSize, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(part, "maxpagesize=")))
				p.maxPageSizeName = "maxpagesize"
				if prefixed {
					p.maxPageSizeName = "odata.maxpagesize"
				}
			}
		}
	}
	return p
}

// ifMatch reads If-Match: "*" or a weak or strong ETag W/"<version>".
func ifMatch(r *http.Request) (*int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return nil, nil
	}
	v = strings.TrimPrefix(v, "W/")
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil {
		return nil, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "If-Match %q is not an ETag of this service", r.Header.Get("If-Match"))
	}
	return &n, nil
}

func etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// render is the OData JSON of an entity; selected limits the properties
// (nil: all).
func render(r *request, e entity.Entity, selected []ast.SelectItem, withContext bool) map[string]any {
	out := map[string]any{}
	if withContext {
		out["@odata.context"] = r.root + "$metadata#" + r.table.EntitySet + "/$entity"
	}
	out["@odata.etag"] = etag(e.Version)
	if r.metadata == "full" {
		// Full metadata spells out what minimal leaves to the client to
		// compute: identity, type and the links of every navigation
		// property (JSON Format §4.5).
		id := r.entityURL(e.Ref.Key)
		out["@odata.type"] = "#" + r.table.Namespace + "." + r.table.Entity
		out["@odata.id"] = id
		out["@odata.editLink"] = id
		for _, n := range navNames(r, r.table) {
			out[n+"@odata.navigationLink"] = id + "/" + n
			out[n+"@odata.associationLink"] = id + "/" + n + "/$ref"
		}
	}
	fields := map[string]any{}
	for k, v := range e.Fields {
		fields[k] = v
	}
	if kv := r.keyValues(e.Ref.Key); kv != nil {
		for k, v := range kv {
			fields[k] = v
		}
	} else if len(r.table.KeyProps) == 1 {
		fields[r.table.KeyProps[0]] = e.Ref.Key
	}
	// A collection is never null in OData JSON: unset lists are empty.
	for _, v := range r.table.Vars {
		if v.Type == expr.TList && fields[v.Name] == nil {
			fields[v.Name] = []string{}
		}
	}
	complexOut(r, fields)
	keep := selectSet(selected)
	types := r.edmTypes()
	for k, v := range fields {
		// Key properties are always present, so the entity can be
		// addressed (the context URL lists them).
		if keep == nil || keep[k] || contains(r.table.KeyProps, k) {
			out[k] = propertyValue(r, types[k], v)
		}
	}
	applySelectOptions(r.table, out, selected)
	applyMembers(out, selectMembers(r, selected))
	advertiseActions(r, out, e.Ref.Key, selected)
	return out
}

func selectSet(sel []ast.SelectItem) map[string]bool {
	if len(sel) == 0 {
		return nil
	}
	m := map[string]bool{}
	for _, s := range sel {
		if s.Star && len(s.Path) == 0 {
			return nil
		}
		if len(s.Path) > 0 {
			m[s.Path[0]] = true
		}
	}
	return m
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// checkAliases refuses parameter aliases the query string did not give a
// value for, instead of letting them read as null.
func checkAliases(q *ast.Query) error {
	var found string
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e == nil || found != "" {
			return
		}
		switch x := e.(type) {
		case *ast.Alias:
			found = x.Name
		case *ast.Unary:
			walk(x.X)
		case *ast.Binary:
			walk(x.L)
			walk(x.R)
		case *ast.List:
			for _, it := range x.Items {
				walk(it)
			}
		case *ast.Call:
			for _, a := range x.Args {
				walk(a)
			}
		case *ast.Lambda:
			walk(x.Body)
		case *ast.Path:
			if len(x.Segments) > 0 && strings.HasPrefix(x.Segments[0], "@") {
				found = strings.TrimPrefix(x.Segments[0], "@")
			}
		}
	}
	walk(q.Filter)
	for _, o := range q.OrderBy {
		walk(o.Expr)
	}
	if found != "" {
		return errorf(http.StatusBadRequest, "BadRequest", "parameter alias @%s has no value in the query string", found)
	}
	return nil
}

// metadataLevel reads odata.metadata from $format or Accept.
func metadataLevel(c echo.Context, q *ast.Query) (string, error) {
	var specs []string
	if q.Format != "" {
		specs = []string{q.Format}
	} else {
		specs = strings.Split(c.Request().Header.Get("Accept"), ",")
	}
	for _, spec := range specs {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(spec))
		if err != nil || mt != "application/json" && !strings.EqualFold(mt, "json") {
			continue
		}
		v := params["odata.metadata"]
		if v == "" {
			v = params["metadata"]
		}
		switch strings.ToLower(v) {
		case "", "minimal":
			return "minimal", nil
		case "full", "none":
			return strings.ToLower(v), nil
		default:
			return "", errorf(http.StatusNotAcceptable, "NotAcceptable", "odata.metadata=%s: use minimal, full or none", v)
		}
	}
	return "minimal", nil
}

// writeJSON sends an OData JSON payload at the request's metadata level:
// odata.metadata=none drops the control information clients can do
// without (context, ETags, ids, types), keeping counts and next links.
func writeJSON(r *request, status int, m map[string]any) error {
	ct, body := encodeJSON(r, m)
	return r.c.Blob(status, ct, body)
}

// encodeJSON is writeJSON's payload and Content-Type.
func encodeJSON(r *request, m map[string]any) (string, []byte) {
	if r.metadata == "none" {
		stripControl(m)
	}
	ct := "application/json;odata.metadata=" + r.metadata
	if r.ieee754 {
		ieee754Counts(m)
		ct += ";IEEE754Compatible=true"
	}
	b, err := json.Marshal(m)
	if err != nil {
		// Payloads are maps of JSON values; this cannot happen.
		b, _ = json.Marshal(errorBody(&Error{Status: http.StatusInternalServerError, Code: "InternalError", Message: "internal error"}))
	}
	return ct, b
}

// isReference reports whether m is an entity reference: its id is its
// content, which no metadata level drops.
func isReference(m map[string]any) bool {
	if _, ok := m["@odata.id"]; !ok {
		return false
	}
	for k := range m {
		if k != "@odata.id" && k != "@odata.context" {
			return false
		}
	}
	return true
}

func stripControl(v any) {
	switch x := v.(type) {
	case map[string]any:
		ref := isReference(x)
		for k, val := range x {
			if ref && k == "@odata.id" {
				continue
			}
			switch {
			case strings.HasSuffix(k, "@odata.context"), strings.HasSuffix(k, "@odata.etag"),
				strings.HasSuffix(k, "@odata.id"), strings.HasSuffix(k, "@odata.editLink"), strings.HasSuffix(k, "@odata.type"),
				strings.HasPrefix(k, "#"): // action advertisements
				delete(x, k)
			default:
				stripControl(val)
			}
		}
	case []any:
		for _, it := range x {
			stripControl(it)
		}
	}
}
