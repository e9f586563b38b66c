package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/workflows/entity"
)

// Asynchronous requests (OData Protocol 4.01 §11.6). With Prefer:
// respond-async, a bound action, an update (PATCH, PUT) or a delete is
// sent to the entity as a Workflow Update that the gateway waits for only
// until the entity accepted it, and answers 202 Accepted with a status
// monitor URL. The monitor URL encodes the entity's workflow id, the run
// that accepted the update and the update id; Temporal keeps the update's
// outcome with that run, so the monitor holds no state in the gateway and
// survives restarts. A request the entity refuses before accepting it
// leaves no trace in Temporal: its monitor carries the final error
// itself. Creates are always processed synchronously (the preference is
// not applied).

// AsyncEntities is what asynchronous requests need of the entity
// workflows; entity.Client provides it. A gateway whose Entities lack it
// processes every request synchronously and applies no respond-async.
type AsyncEntities interface {
	ActAsync(ctx context.Context, ref entity.Ref, updateID string, req entity.Request) (entity.Accepted, error)
	Outcome(ctx context.Context, a entity.Accepted, wait time.Duration) (entity.Entity, bool, error)
}

var _ AsyncEntities = (*entity.Client)(nil)

const (
	// asyncSegment starts status monitor paths below the service root; no
	// entity set name can start with '$'.
	asyncSegment = "$async"
	// monitorWait is how long a GET of a status monitor waits for the
	// outcome before it answers 202 again.
	monitorWait = 500 * time.Millisecond
	// retryAfter is the Retry-After of 202 answers, in seconds.
	retryAfter = "1"
)

// Kinds of asynchronous requests: what the final response looks like.
const (
	asyncAction = "action"
	asyncUpdate = "update"
	asyncDelete = "delete"
)

// monitorToken is what a status monitor URL encodes (base64url JSON).
type monitorToken struct {
	Version  int    `json:"v"`
	Workflow string `json:"w"`
	Run      string `json:"r,omitempty"`
	Update   string `json:"u"`
	Kind     string `json:"k"`
	// Return is the return preference of the request: minimal or
	// representation.
	Return string `json:"p,omitempty"`
	// Refused is the final error of a request the entity refused before
	// accepting it.
	Refused *monitorError `json:"e,omitempty"`
}

type monitorError struct {
	Status  int    `json:"s"`
	Code    string `json:"c"`
	Message string `json:"m"`
	Target  string `json:"t,omitempty"`
}

func (t monitorToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// errNoMonitor answers a monitor URL that is not one.
var errNoMonitor = &Error{Status: http.StatusNotFound, Code: "NotFound", Message: "no such status monitor"}

// decodeMonitor decodes and validates a token: it must name an entity of
// the app's entity sets, an update, and a run or a final error.
func decodeMonitor(r *request, raw string) (monitorToken, entity.Ref, error) {
	var t monitorToken
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(b) > 4096 {
		return t, entity.Ref{}, errNoMonitor
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || t.Version != 1 || t.Update == "" {
		return t, entity.Ref{}, errNoMonitor
	}
	ref, err := entity.ParseWorkflowID(t.Workflow)
	if err != nil || ref.App != r.app {
		return t, entity.Ref{}, errNoMonitor
	}
	switch t.Kind {
	case asyncAction, asyncUpdate, asyncDelete:
	default:
		return t, entity.Ref{}, errNoMonitor
	}
	switch t.Return {
	case "", "minimal", "representation":
	default:
		return t, entity.Ref{}, errNoMonitor
	}
	if (t.Run == "") == (t.Refused == nil) {
		return t, entity.Ref{}, errNoMonitor
	}
	if e := t.Refused; e != nil && (e.Status < 400 || e.Status > 599 || e.Code == "") {
		return t, entity.Ref{}, errNoMonitor
	}
	for _, tab := range r.bundle.TableList {
		if tab.EntitySet == ref.EntitySet {
			r.table = tab
		}
	}
	if r.table == nil {
		return t, entity.Ref{}, errNoMonitor
	}
	if _, err := r.keyParts(); err != nil {
		return t, entity.Ref{}, errNoMonitor
	}
	if r.keyValues(ref.Key) == nil {
		return t, entity.Ref{}, errNoMonitor
	}
	r.key = ref.Key
	return t, ref, nil
}

// startAsync sends req as an asynchronous update when the client prefers
// respond-async and the gateway can: 202 Accepted with the status monitor.
// It reports false when the request is to be processed synchronously.
// Errors other than a refusal by the entity (no such entity, for one) are
// returned as they are: the caller answers them synchronously.
func (s *Server) startAsync(r *request, req entity.Request, kind, ret string) (bool, error) {
	ae, ok := AsyncEntities(r.ents), r.ents.asyncOK()
	if !ok || !parsePrefer(r.c.Request()).async {
		return false, nil
	}
	if q := r.query; q != nil && (q.Select != nil || q.Expand != nil) {
		// The status monitor renders the whole entity: a request that
		// shapes its answer is processed synchronously.
		return false, nil
	}
	id := r.c.Request().Header.Get("Idempotency-Key")
	if id == "" {
		id = s.cfg.NewID()
	}
	t := monitorToken{Version: 1, Workflow: r.ref().WorkflowID(), Update: id, Kind: kind, Return: ret}
	acc, err := ae.ActAsync(r.c.Request().Context(), r.ref(), id, req)
	var re *entity.RejectedError
	switch {
	case errors.As(err, &re):
		oe := translate(err)
		t.Refused = &monitorError{Status: oe.Status, Code: oe.Code, Message: oe.Message, Target: oe.Target}
	case err != nil:
		return true, err
	default:
		t.Run = acc.RunID
	}
	h := r.c.Response().Header()
	h.Set("Location", r.root+asyncSegment+"/"+t.encode())
	h.Set("Retry-After", retryAfter)
	h.Set("Preference-Applied", "respond-async")
	return true, r.c.NoContent(http.StatusAccepted)
}

// finalResponse is the response an asynchronous request would have had.
type finalResponse struct {
	status int
	header http.Header
	body   []byte
}

// monitor serves a status monitor: 202 while the request runs, then 200
// with the final response, as an application/http message when the
// client asks for one (or speaks OData 4.0 and sends no Accept), and
// with the AsyncResult header always.
func (s *Server) monitor(r *request, raw string) error {
	c := r.c
	switch c.Request().Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodDelete:
		return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "asynchronous requests cannot be cancelled")
	default:
		return methodNotAllowed(c, "GET")
	}
	q, err := uri.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return err
	}
	if q.Filter != nil || q.Search != nil || q.OrderBy != nil || q.Top != nil || q.Skip != nil || q.Count != nil ||
		q.Select != nil || q.Expand != nil || q.SkipToken != "" || len(q.Unsupported) > 0 {
		return errorf(http.StatusBadRequest, "BadRequest", "a status monitor takes no query options but $format")
	}
	asHTTP := wantsHTTPMessage(r)
	if q.Format != "" {
		asHTTP = strings.HasPrefix(strings.ToLower(q.Format), "application/http")
	}
	if !asHTTP {
		if err := checkFormat(c, q, mediaJSON); err != nil {
			return err
		}
	}
	if r.metadata, err = metadataLevel(c, q); err != nil {
		return err
	}
	r.ieee754 = ieee754Compatible(c, q)
	t, ref, err := decodeMonitor(r, raw)
	if err != nil {
		return err
	}
	var final finalResponse
	if e := t.Refused; e != nil {
		final = errorResponse(&Error{Status: e.Status, Code: e.Code, Message: e.Message, Target: e.Target})
	} else {
		ae, ok := AsyncEntities(r.ents), r.ents.asyncOK()
		if !ok {
			return errNoMonitor
		}
		e, done, err := ae.Outcome(c.Request().Context(), entity.Accepted{Ref: ref, RunID: t.Run, UpdateID: t.Update}, monitorWait)
		switch {
		case errors.Is(err, entity.ErrNotFound):
			return errNoMonitor
		case !done && err != nil:
			return err
		case !done:
			h := c.Response().Header()
			h.Set("Location", r.root+asyncSegment+"/"+raw)
			h.Set("Retry-After", retryAfter)
			return c.NoContent(http.StatusAccepted)
		case err != nil:
			final = errorResponse(translate(err))
		default:
			final = s.asyncSuccess(r, t, e)
		}
	}
	if final.header.Get("OData-Version") == "" {
		final.header.Set("OData-Version", c.Response().Header().Get("OData-Version"))
	}
	h := c.Response().Header()
	h.Set("AsyncResult", strconv.Itoa(final.status))
	if asHTTP {
		return c.Blob(http.StatusOK, "application/http", httpMessage(final))
	}
	for k, vs := range final.header {
		h[k] = vs
	}
	if len(final.body) == 0 {
		return c.NoContent(http.StatusOK)
	}
	return c.Blob(http.StatusOK, final.header.Get("Content-Type"), final.body)
}

// asyncSuccess is the final response of a request that completed.
func (s *Server) asyncSuccess(r *request, t monitorToken, e entity.Entity) finalResponse {
	f := finalResponse{status: http.StatusNoContent, header: http.Header{}}
	f.header.Set("OData-Version", r.c.Response().Header().Get("OData-Version"))
	if t.Kind == asyncDelete {
		return f
	}
	f.header.Set("ETag", etag(e.Version))
	switch {
	case t.Kind == asyncAction && t.Return == "minimal":
		f.header.Set("Preference-Applied", "return=minimal")
		return f
	case t.Kind == asyncUpdate && t.Return != "representation":
		return f
	case t.Kind == asyncUpdate:
		f.header.Set("Preference-Applied", "return=representation")
	}
	f.status = http.StatusOK
	ct, body := encodeJSON(r, render(r, e, nil, true))
	f.header.Set("Content-Type", ct)
	f.body = body
	return f
}

// errorResponse is the final response of a request that failed.
func errorResponse(oe *Error) finalResponse {
	b, _ := json.Marshal(errorBody(oe))
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return finalResponse{status: oe.Status, header: h, body: b}
}

// httpMessage is the final response as an HTTP/1.1 message (RFC 7230).
func httpMessage(f finalResponse) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", f.status, http.StatusText(f.status))
	if len(f.body) > 0 {
		f.header.Set("Content-Length", strconv.Itoa(len(f.body)))
	}
	_ = f.header.Write(&b)
	b.WriteString("\r\n")
	b.Write(f.body)
	return b.Bytes()
}

// wantsHTTPMessage: the final response is an application/http message
// when Accept names application/http, or when an OData 4.0 client sends
// no Accept.
func wantsHTTPMessage(r *request) bool {
	accept := r.c.Request().Header.Get("Accept")
	if accept == "" {
		return r.odata40()
	}
	for _, part := range strings.Split(accept, ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/http" {
			return true
		}
	}
	return false
}
