package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// call is the record of the request being served; handlers fill in what
// they learn (entity, action, statuses, the authorization decision) and
// the middleware completes and records it.
type call struct {
	t         store.Trajectory
	principal identity.Principal
	start     time.Time
}

const callKey = "temper.call"

func callOf(c echo.Context) *call {
	if cl, ok := c.Get(callKey).(*call); ok {
		return cl
	}
	// Outside the middleware (tests of a handler alone): a throwaway.
	cl := &call{start: time.Now()}
	c.Set(callKey, cl)
	return cl
}

// principal is the authenticated caller of the request.
func principal(c echo.Context) identity.Principal { return callOf(c).principal }

// authenticated resolves the principal of every request (401 without a
// valid token) and records the call as a trajectory when it ends.
func (s *Server) authenticated(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		cl := &call{start: time.Now()}
		cl.t.TraceID = traceID(req)
		c.Set(callKey, cl)
		c.Response().Header().Set("Temper-Trace-Id", cl.t.TraceID)
		p, err := s.cfg.Auth.Authenticate(req.Context(), req)
		if err != nil {
			if !errors.Is(err, identity.ErrUnauthenticated) {
				return err
			}
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="temper"`)
			err = &Error{Status: http.StatusUnauthorized, Code: "Unauthenticated", Message: strings.TrimPrefix(err.Error(), identity.ErrUnauthenticated.Error()+": ")}
		} else {
			cl.principal = p
			cl.t.Principal = p.String()
			err = next(c)
		}
		s.record(c, cl, err)
		return err
	}
}

// record completes the call's trajectory from the response and queues it.
func (s *Server) record(c echo.Context, cl *call, err error) {
	if s.cfg.Recorder == nil {
		return
	}
	t := &cl.t
	t.At = cl.start
	t.DurationMicros = time.Since(cl.start).Microseconds()
	if t.App == "" {
		t.App = c.Param("app")
	}
	status := c.Response().Status
	if err != nil {
		oe := translate(err)
		status = oe.Status
		t.Error = oe.Code + ": " + oe.Message
		if oe.Code == "UnknownAction" && t.Outcome == "" {
			t.Outcome = store.OutcomeUnknownAction
		}
	}
	t.Status = status
	if t.Outcome == "" {
		t.Outcome = outcome(c.Request().Method, status, t.Authz)
	}
	if t.Action == "" {
		t.Action = strings.ToLower(c.Request().Method)
	}
	s.cfg.Recorder.Record(*t)
}

func outcome(method string, status int, decision string) string {
	switch {
	case status == http.StatusForbidden || status == http.StatusUnauthorized || decision == authz.Deny || decision == authz.Forbid:
		return store.OutcomeDenied
	case status < 400 && (method == http.MethodGet || method == http.MethodHead):
		return store.OutcomeOK
	case status < 400:
		return store.OutcomeApplied
	case status == http.StatusNotFound:
		return store.OutcomeNotFound
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		return store.OutcomeRejected
	case status >= 500 && status != http.StatusNotImplemented:
		return store.OutcomeError
	}
	return store.OutcomeInvalid
}

// traceID takes the trace id of a W3C traceparent header, or makes one.
func traceID(r *http.Request) string {
	if tp := r.Header.Get("traceparent"); len(tp) >= 55 && tp[2] == '-' {
		if id := tp[3:35]; isHex(id) {
			return id
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// authorize asks Cedar whether the caller may do action on res of app. A
// forbid is a final 403; a missing permit opens (or finds) a pending
// decision and answers 403 naming it.
func (s *Server) authorize(c echo.Context, app, action string, res authz.Resource) error {
	cl := callOf(c)
	req := c.Request()
	result := s.cfg.Authz.Authorize(authz.Request{
		App: app, Principal: cl.principal, Action: action, Resource: res,
		Context: map[string]any{"method": req.Method, "app": app},
	})
	cl.t.Authz, cl.t.Policies = result.Decision, result.Policies
	switch result.Decision {
	case authz.Allow:
		return nil
	case authz.Forbid:
		return &Error{Status: http.StatusForbidden, Code: "Forbidden",
			Message: fmt.Sprintf("%s may not %s %s: forbidden by policy %s (no approval can lift a forbid)", cl.principal, action, describe(res), strings.Join(result.Policies, ", "))}
	}
	d, _, err := s.cfg.Governance.OpenDecision(req.Context(), store.Decision{
		ID: s.cfg.NewID(), App: app, Principal: cl.principal.String(), Action: action,
		ResourceType: res.Type, ResourceID: res.ID, Status: store.DecisionPending,
		Reason:    fmt.Sprintf("no policy permits %s to %s %s", cl.principal, action, describe(res)),
		CreatedAt: time.Now().UTC(),
	})
	if err != nil {
		return fmt.Errorf("open a decision: %w", err)
	}
	cl.t.DecisionID = d.ID
	return denied(c, cl.principal, action, res, d)
}

// denied is the 403 for a decision: its id in the message, in the error
// details and in the Temper-Decision header, with where to poll it.
func denied(c echo.Context, p identity.Principal, action string, res authz.Resource, d store.Decision) error {
	url := "/api/decisions/" + d.ID
	c.Response().Header().Set("Temper-Decision", d.ID)
	msg := fmt.Sprintf("%s may not %s %s: decision %s is %s", p, action, describe(res), d.ID, d.Status)
	if d.Status == store.DecisionPending {
		msg += "; an admin can approve it, poll GET " + url
	}
	return &Error{Status: http.StatusForbidden, Code: "Denied", Message: msg,
		Details: []ErrorDetail{{Code: "Decision", Message: d.ID, Target: url}}}
}

func describe(r authz.Resource) string {
	if r.ID == "" {
		return r.Type
	}
	return fmt.Sprintf("%s::%q", r.Type, r.ID)
}
