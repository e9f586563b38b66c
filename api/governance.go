package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// The governance API: principals, decisions, policies and trajectories,
// under /api. Every route is a Cedar request like any entity call.
func (s *Server) governanceRoutes(g *echo.Group) {
	g.GET("/whoami", s.whoami)
	g.GET("/agents", s.listPrincipals)
	g.POST("/agents", s.createAgent)
	g.DELETE("/agents/:id", s.revokeAgent)
	g.GET("/decisions", s.listDecisions)
	g.GET("/decisions/:id", s.getDecision)
	g.GET("/decisions/:id/policy", s.previewApproval)
	g.POST("/decisions/:id/approve", s.approveDecision)
	g.POST("/decisions/:id/deny", s.denyDecision)
	g.GET("/apps/:app/policies", s.listPolicies)
	g.PUT("/apps/:app/policies/:id", s.putPolicy)
	g.DELETE("/apps/:app/policies/:id", s.deletePolicy)
	g.GET("/trajectories", s.listTrajectories)
}

func (s *Server) whoami(c echo.Context) error {
	return c.JSON(http.StatusOK, principal(c))
}

// named sets the call's action and governance resource for its trajectory.
func named(c echo.Context, app, action string, res authz.Resource) {
	t := &callOf(c).t
	t.App, t.Action, t.EntityType, t.EntityID = app, action, res.Type, res.ID
}

var agentsResource = authz.Resource{Type: authz.TypeAgents, ID: "all"}

func (s *Server) listPrincipals(c echo.Context) error {
	named(c, "", authz.ActManageAgents, agentsResource)
	if err := s.authorize(c, "", authz.ActManageAgents, agentsResource); err != nil {
		return err
	}
	ps, err := s.cfg.Governance.Principals(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"value": nonNil(ps)})
}

// createAgent issues a principal and answers its token, once.
func (s *Server) createAgent(c echo.Context) error {
	named(c, "", authz.ActManageAgents, agentsResource)
	if err := s.authorize(c, "", authz.ActManageAgents, agentsResource); err != nil {
		return err
	}
	var in struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Type string `json:"type"`
		Role string `json:"role"`
	}
	if err := s.decodeStrict(c, &in); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = identity.Agent
	}
	if in.Kind == identity.Service {
		return errorf(http.StatusBadRequest, "BadRequest", "service principals are internal and have no tokens")
	}
	p := identity.Principal{Kind: in.Kind, ID: in.ID, Type: in.Type, Role: in.Role}
	token, err := identity.Issue(c.Request().Context(), s.cfg.Governance, p, principal(c).String(), time.Now().UTC())
	switch {
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "Conflict", "%s exists", p)
	case errors.Is(err, identity.ErrInvalid):
		return errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	case err != nil:
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"principal": p, "uid": p.String(), "token": token})
}

func (s *Server) revokeAgent(c echo.Context) error {
	named(c, "", authz.ActManageAgents, agentsResource)
	if err := s.authorize(c, "", authz.ActManageAgents, agentsResource); err != nil {
		return err
	}
	kind := c.QueryParam("kind")
	if kind == "" {
		kind = identity.Agent
	}
	err := s.cfg.Governance.RevokePrincipal(c.Request().Context(), kind, c.Param("id"), time.Now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "NotFound", "no principal %s::%q", kind, c.Param("id"))
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// decisionResource is a decision as a Cedar resource: its principal is
// an attribute, so an agent may poll its own.
func decisionResource(d store.Decision) authz.Resource {
	return authz.Resource{Type: authz.TypeDecision, ID: d.ID, Status: d.Status,
		Fields: map[string]any{"principal": principalValue(d.Principal), "action": d.Action, "resource_type": d.ResourceType}}
}

func principalValue(uid string) any {
	if p, err := identity.Parse(uid); err == nil {
		return p
	}
	return uid
}

// listDecisions: admins see every decision; anyone else sees only their
// own (authorized as polling them).
func (s *Server) listDecisions(c echo.Context) error {
	q := store.DecisionQuery{App: c.QueryParam("app"), Status: c.QueryParam("status"), After: c.QueryParam("after")}
	var err error
	if q.Limit, err = intParam(c, "limit"); err != nil {
		return err
	}
	me := principal(c)
	res := authz.Resource{Type: authz.TypeDecision, Fields: map[string]any{"principal": me}}
	action := authz.ActPollDecision
	if me.IsAdmin() {
		action, res = authz.ActReadDecisions, authz.Resource{Type: authz.TypeDecision}
	} else {
		q.Principal = me.String()
	}
	named(c, q.App, action, res)
	if err := s.authorize(c, q.App, action, res); err != nil {
		return err
	}
	ds, next, err := s.cfg.Governance.Decisions(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := map[string]any{"value": nonNil(ds)}
	if next != "" {
		out["next"] = next
	}
	return c.JSON(http.StatusOK, out)
}

// getDecision answers one decision; ?wait=30s waits (at most a minute)
// while it is pending, for agents polling for an answer.
func (s *Server) getDecision(c echo.Context) error {
	d, err := s.decision(c, authz.ActPollDecision)
	if err != nil {
		return err
	}
	if w := c.QueryParam("wait"); w != "" && d.Status == store.DecisionPending {
		wait, err := time.ParseDuration(w)
		if err != nil || wait < 0 {
			return errorf(http.StatusBadRequest, "BadRequest", "wait=%q: want a duration such as 30s", w)
		}
		d, err = s.waitDecision(c.Request().Context(), d, min(wait, time.Minute))
		if err != nil {
			return err
		}
	}
	if d.Status == store.DecisionApproved {
		// The approving gateway reloads after its transaction committed;
		// a poller that sees the approval first must not find the old
		// set here, so this gateway loads the app's policies before it
		// answers.
		if err := s.cfg.Authz.Reload(c.Request().Context(), d.App); err != nil {
			return fmt.Errorf("reload the policies of %s: %w", d.App, err)
		}
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) waitDecision(ctx context.Context, d store.Decision, wait time.Duration) (store.Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for d.Status == store.DecisionPending {
		select {
		case <-ctx.Done():
			return d, nil
		case <-tick.C:
		}
		next, err := s.cfg.Governance.Decision(ctx, d.ID)
		if err != nil {
			if ctx.Err() != nil {
				return d, nil
			}
			return d, err
		}
		d = next
	}
	return d, nil
}

// decision loads the :id decision and authorizes action on it.
func (s *Server) decision(c echo.Context, action string) (store.Decision, error) {
	id := c.Param("id")
	d, err := s.cfg.Governance.Decision(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		named(c, "", action, authz.Resource{Type: authz.TypeDecision, ID: id})
		return d, errorf(http.StatusNotFound, "NotFound", "no decision %q", id)
	}
	if err != nil {
		return d, err
	}
	res := decisionResource(d)
	if principal(c).IsAdmin() && action == authz.ActPollDecision {
		action = authz.ActReadDecisions
	}
	named(c, d.App, action, res)
	return d, s.authorize(c, d.App, action, res)
}

func scopeParam(c echo.Context, body bool) (string, error) {
	scope := c.QueryParam("scope")
	if body {
		var in struct {
			Scope string `json:"scope"`
		}
		if c.Request().ContentLength != 0 {
			if err := json.NewDecoder(io.LimitReader(c.Request().Body, 1<<16)).Decode(&in); err != nil && !errors.Is(err, io.EOF) {
				return "", errorf(http.StatusBadRequest, "BadRequest", "body: %v", err)
			}
		}
		if in.Scope != "" {
			scope = in.Scope
		}
	}
	switch scope {
	case authz.Narrow, authz.Medium, authz.Broad:
		return scope, nil
	}
	return "", errorf(http.StatusBadRequest, "BadRequest", "scope %q: want narrow, medium or broad", scope)
}

// previewApproval shows the policy an approval at ?scope= would write.
func (s *Server) previewApproval(c echo.Context) error {
	d, err := s.decision(c, authz.ActApproveDecision)
	if err != nil {
		return err
	}
	scope, err := scopeParam(c, false)
	if err != nil {
		return err
	}
	p, err := authz.Approval(d, scope)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) approveDecision(c echo.Context) error {
	d, err := s.decision(c, authz.ActApproveDecision)
	if err != nil {
		return err
	}
	scope, err := scopeParam(c, true)
	if err != nil {
		return err
	}
	p, err := authz.Approval(d, scope)
	if err != nil {
		return err
	}
	by := principal(c).String()
	now := time.Now().UTC()
	p.CreatedBy, p.CreatedAt = by, now
	d, err = s.cfg.Governance.ApproveDecision(c.Request().Context(), d.ID, scope, by, now, p)
	if errors.Is(err, store.ErrConflict) {
		return errorf(http.StatusConflict, "Conflict", "decision %s is not pending", c.Param("id"))
	}
	if err != nil {
		return err
	}
	if err := s.cfg.Authz.Reload(c.Request().Context(), d.App); err != nil {
		return fmt.Errorf("reload the policies of %s: %w", d.App, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"decision": d, "policy": p})
}

func (s *Server) denyDecision(c echo.Context) error {
	d, err := s.decision(c, authz.ActDenyDecision)
	if err != nil {
		return err
	}
	d, err = s.cfg.Governance.DenyDecision(c.Request().Context(), d.ID, principal(c).String(), time.Now().UTC())
	if errors.Is(err, store.ErrConflict) {
		return errorf(http.StatusConflict, "Conflict", "decision %s is not pending", c.Param("id"))
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

func (s *Server) policyApp(c echo.Context, action string) (string, error) {
	app := c.Param("app")
	res := authz.Resource{Type: authz.TypePolicies, ID: app}
	named(c, app, action, res)
	if _, ok := s.cfg.Apps.Get(app); !ok {
		return "", errorf(http.StatusNotFound, "NotFound", "no app %q", app)
	}
	return app, s.authorize(c, app, action, res)
}

// listPolicies answers the stored policies and the effective set's text.
func (s *Server) listPolicies(c echo.Context) error {
	app, err := s.policyApp(c, authz.ActReadPolicies)
	if err != nil {
		return err
	}
	ps, err := s.cfg.Governance.Policies(c.Request().Context(), app)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"value": nonNil(ps), "effective": s.cfg.Authz.PolicyText(app)})
}

// putPolicy stores one Cedar policy (the body, text/plain) after checking
// it parses, and reloads the app's set.
func (s *Server) putPolicy(c echo.Context) error {
	app, err := s.policyApp(c, authz.ActWritePolicy)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, s.cfg.MaxBody+1))
	if err != nil {
		return err
	}
	if int64(len(body)) > s.cfg.MaxBody {
		return errorf(http.StatusRequestEntityTooLarge, "TooLarge", "the policy is larger than %d bytes", s.cfg.MaxBody)
	}
	id := c.Param("id")
	n, err := authz.Check(id, body)
	if err != nil {
		return errorf(http.StatusBadRequest, "BadPolicy", "%v", err)
	}
	if n != 1 {
		return errorf(http.StatusBadRequest, "BadPolicy", "%s: want exactly one policy, got %d", id, n)
	}
	p := store.Policy{App: app, ID: id, Text: string(body), CreatedBy: principal(c).String(), CreatedAt: time.Now().UTC()}
	if err := s.cfg.Governance.PutPolicy(c.Request().Context(), p); err != nil {
		return err
	}
	if err := s.cfg.Authz.Reload(c.Request().Context(), app); err != nil {
		// The new policy broke the set (say, a duplicate @id): take it
		// back so the app keeps its previous policies.
		_ = s.cfg.Governance.DeletePolicy(c.Request().Context(), app, id)
		_ = s.cfg.Authz.Reload(c.Request().Context(), app)
		return errorf(http.StatusBadRequest, "BadPolicy", "%v", err)
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) deletePolicy(c echo.Context) error {
	app, err := s.policyApp(c, authz.ActWritePolicy)
	if err != nil {
		return err
	}
	err = s.cfg.Governance.DeletePolicy(c.Request().Context(), app, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "NotFound", "app %s has no stored policy %q", app, c.Param("id"))
	}
	if err != nil {
		return err
	}
	if err := s.cfg.Authz.Reload(c.Request().Context(), app); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listTrajectories: admins query every call; agents their own.
func (s *Server) listTrajectories(c echo.Context) error {
	q := store.TrajectoryQuery{App: c.QueryParam("app"), EntityType: c.QueryParam("entity_type"),
		EntityID: c.QueryParam("entity_id"), Action: c.QueryParam("action"), Principal: c.QueryParam("principal"),
		Outcome: c.QueryParam("outcome"), After: c.QueryParam("after")}
	var err error
	if q.Limit, err = intParam(c, "limit"); err != nil {
		return err
	}
	for name, t := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v := c.QueryParam(name); v != "" {
			if *t, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return errorf(http.StatusBadRequest, "BadRequest", "%s=%q: want an RFC 3339 time", name, v)
			}
		}
	}
	me := principal(c)
	res := authz.Resource{Type: "Trajectories", ID: q.App}
	if !me.IsAdmin() {
		if q.Principal != "" && q.Principal != me.String() {
			return errorf(http.StatusForbidden, "Forbidden", "%s may read only its own trajectories", me)
		}
		q.Principal = me.String()
		res.Fields = map[string]any{"principal": me}
	}
	callOf(c).t.Action = authz.ActReadTrajectory
	if err := s.authorize(c, q.App, authz.ActReadTrajectory, res); err != nil {
		return err
	}
	if s.cfg.Recorder != nil {
		s.cfg.Recorder.Flush(c.Request().Context())
	}
	ts, next, err := s.cfg.Governance.Trajectories(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := map[string]any{"value": nonNil(ts)}
	if next != "" {
		out["next"] = next
	}
	return c.JSON(http.StatusOK, out)
}

func intParam(c echo.Context, name string) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "BadRequest", "%s=%q: want a non-negative integer", name, v)
	}
	return n, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// decodeStrict reads a JSON object body into v (no unknown fields), bounded by MaxBody.
func (s *Server) decodeStrict(c echo.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, s.cfg.MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "BadRequest", "body: %v", err)
	}
	return nil
}
