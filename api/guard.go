package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// guard is one request's view of the entity workflows and the projection:
// every entity operation and query through it is a Cedar request as the
// request's principal, and the first one names the call's trajectory.
// Handlers reach entities only through it (r.ents), so no path of the
// gateway — navigation, $expand, relationships, status monitors — skips
// authorization.
type guard struct {
	s      *Server
	c      echo.Context
	app    string
	bundle *specengine.Bundle
}

var (
	_ Entities      = (*guard)(nil)
	_ AsyncEntities = (*guard)(nil)
	_ Lister        = (*guard)(nil)
)

func (g *guard) entityType(set string) string {
	for _, t := range g.bundle.TableList {
		if t.EntitySet == set {
			return t.Entity
		}
	}
	return ""
}

// note names the call's trajectory after its first entity operation.
func (g *guard) note(action string, ref entity.Ref) *store.Trajectory {
	t := &callOf(g.c).t
	if t.Action == "" {
		t.Action, t.EntitySet, t.EntityID, t.EntityType = action, ref.EntitySet, ref.Key, g.entityType(ref.EntitySet)
		return t
	}
	return nil
}

func resourceOf(e entity.Entity) authz.Resource {
	return authz.Resource{Type: e.Entity, ID: e.Ref.Key, Status: e.Status, Fields: e.Fields, Creator: e.Creator}
}

// Get reads an entity the principal may read.
func (g *guard) Get(ctx context.Context, ref entity.Ref) (entity.Entity, error) {
	t := g.note(authz.ActRead, ref)
	e, err := g.s.cfg.Entities.Get(ctx, ref)
	if err != nil {
		return e, err
	}
	if t != nil {
		t.Before = e.Status
	}
	if err := g.s.authorize(g.c, g.app, authz.ActRead, resourceOf(e)); err != nil {
		return entity.Entity{}, err
	}
	return e, nil
}

// Create starts an entity the principal may create, as its creator.
func (g *guard) Create(ctx context.Context, in entity.Start) (entity.Entity, error) {
	t := g.note(authz.ActCreate, in.Ref)
	in.Creator = principal(g.c).String()
	res := authz.Resource{Type: in.Entity, ID: in.Ref.Key, Fields: in.Body, Creator: in.Creator}
	if err := g.s.authorize(g.c, g.app, authz.ActCreate, res); err != nil {
		return entity.Entity{}, err
	}
	e, err := g.s.cfg.Entities.Create(ctx, in)
	if err == nil && t != nil {
		t.After = e.Status
	}
	return e, err
}

// operation is the Cedar action of a request: its spec action, or
// update or delete.
func operation(req entity.Request) string {
	switch {
	case req.Delete:
		return authz.ActDelete
	case req.Update != nil:
		return authz.ActUpdate
	}
	return req.Action
}

// admit authorizes req on the entity as it is now and stamps the
// principal on it.
func (g *guard) admit(ctx context.Context, ref entity.Ref, req *entity.Request) (*store.Trajectory, error) {
	op := operation(*req)
	t := g.note(op, ref)
	cur, err := g.current(ctx, ref)
	if err != nil {
		return t, err
	}
	if t != nil {
		t.Before = cur.Status
	}
	res := resourceOf(cur)
	if req.Update != nil {
		// The policy sees the fields as they would be after the update:
		// a forbid on a value cannot be side-stepped by writing it.
		merged := make(map[string]any, len(cur.Fields)+len(req.Update))
		for k, v := range cur.Fields {
			merged[k] = v
		}
		for k, v := range req.Update {
			merged[k] = v
		}
		res.Fields = merged
	}
	if err := g.s.authorize(g.c, g.app, op, res); err != nil {
		return t, err
	}
	req.Principal = principal(g.c).String()
	return t, nil
}

// projections is the projection read the guard uses when the store
// offers it.
type projections interface {
	GetProjection(ctx context.Context, r store.Ref) (store.Entity, error)
}

// current is the entity as authorization sees it: its projection (one
// indexed read, written before every commit returns), or, without one,
// the workflow's query — so an action costs no extra round trip to
// Temporal. The workflow re-checks state and guards itself.
func (g *guard) current(ctx context.Context, ref entity.Ref) (entity.Entity, error) {
	if p, ok := g.s.cfg.Store.(projections); ok {
		e, err := p.GetProjection(ctx, store.Ref{App: ref.App, Set: ref.EntitySet, Key: ref.Key})
		if err == nil {
			return fromProjection(e), nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return entity.Entity{}, err
		}
	}
	return g.s.cfg.Entities.Get(ctx, ref)
}

// Act runs an action, update or delete the principal may run.
func (g *guard) Act(ctx context.Context, ref entity.Ref, updateID string, req entity.Request) (entity.Entity, error) {
	t, err := g.admit(ctx, ref, &req)
	if err != nil {
		return entity.Entity{}, err
	}
	e, err := g.s.cfg.Entities.Act(ctx, ref, updateID, req)
	if err == nil && t != nil {
		t.After = e.Status
	}
	return e, err
}

// Signal is Act, fire and forget.
func (g *guard) Signal(ctx context.Context, ref entity.Ref, req entity.Request) error {
	if _, err := g.admit(ctx, ref, &req); err != nil {
		return err
	}
	return g.s.cfg.Entities.Signal(ctx, ref, req)
}

// asyncOK reports whether the entity workflows take asynchronous requests.
func (g *guard) asyncOK() bool {
	_, ok := g.s.cfg.Entities.(AsyncEntities)
	return ok
}

func (g *guard) async() (AsyncEntities, error) {
	ae, ok := g.s.cfg.Entities.(AsyncEntities)
	if !ok {
		return nil, errorf(http.StatusNotImplemented, "NotImplemented", "asynchronous requests are not available")
	}
	return ae, nil
}

// ActAsync is Act without waiting for the outcome.
func (g *guard) ActAsync(ctx context.Context, ref entity.Ref, updateID string, req entity.Request) (entity.Accepted, error) {
	ae, err := g.async()
	if err != nil {
		return entity.Accepted{}, err
	}
	if _, err := g.admit(ctx, ref, &req); err != nil {
		return entity.Accepted{}, err
	}
	return ae.ActAsync(ctx, ref, updateID, req)
}

// Outcome reads an asynchronous request's result: only a principal that
// may read the entity learns it.
func (g *guard) Outcome(ctx context.Context, a entity.Accepted, wait time.Duration) (entity.Entity, bool, error) {
	ae, err := g.async()
	if err != nil {
		return entity.Entity{}, false, err
	}
	e, done, err := ae.Outcome(ctx, a, wait)
	if done && err == nil && !e.Deleted {
		g.note(authz.ActRead, a.Ref)
		if aerr := g.s.authorize(g.c, g.app, authz.ActRead, resourceOf(e)); aerr != nil {
			return entity.Entity{}, false, aerr
		}
		return e, done, err
	}
	// Running, refused or deleted: the principal must be able to read
	// the entity as it is (a deleted one answers with its last state
	// until retention removes it).
	if _, gerr := g.Get(ctx, a.Ref); gerr != nil && !errors.Is(gerr, entity.ErrNotFound) {
		return entity.Entity{}, false, gerr
	}
	return e, done, err
}

// Query lists what the principal may read: the read policies become a
// condition of the query (so counts and paging stay right), none or all
// of the set, or — when a policy cannot be turned into a condition — a
// 501 rather than a list that silently shows or hides the wrong entities.
func (g *guard) Query(ctx context.Context, q store.ListQuery) (store.ListResult, error) {
	typ := g.entityType(q.Set)
	t := &callOf(g.c).t
	if t.Action == "" {
		t.Action, t.EntitySet, t.EntityType = authz.ActList, q.Set, typ
	}
	// Listing the set is an action of its own (type-level, like create);
	// what the list shows is then what the principal may read.
	if err := g.s.authorize(g.c, g.app, authz.ActList, authz.Resource{Type: typ}); err != nil {
		return store.ListResult{}, err
	}
	f := g.s.cfg.Authz.ReadFilter(g.app, principal(g.c), authz.ActRead, typ, map[string]any{"method": g.c.Request().Method, "app": g.app})
	switch {
	case !f.Exact:
		return store.ListResult{}, errorf(http.StatusNotImplemented, "NotImplemented",
			"the read policies of %s cannot be applied to a list (they use entity hierarchies or operators the projection cannot evaluate); read entities one by one", typ)
	case f.None:
		res := store.ListResult{}
		if q.Count {
			var zero int64
			res.Count = &zero
		}
		return res, nil
	case !f.All:
		q.Restrict = f.Expr
	}
	return g.s.cfg.Store.Query(ctx, q)
}
