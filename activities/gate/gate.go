package gate

import (
	"context"
	"fmt"
	"time"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// Bundles resolves a spec version to its bundle; specengine.Registry
// provides it.
type Bundles interface {
	Bundle(version string) (*specengine.Bundle, bool)
}

// Store is what the gate needs of the store: the app's stored policies,
// and somewhere to record refusals (optional).
type Store interface {
	authz.PolicyStore
	AppendTrajectories(ctx context.Context, ts []store.Trajectory) error
}

// Gate implements entity.Gate.
type Gate struct {
	Bundles Bundles
	Store   Store
}

var _ entity.Gate = (*Gate)(nil)

// AuthorizeDispatch answers whether d.Principal may run d.Action on the
// entity as it is.
func (g *Gate) AuthorizeDispatch(ctx context.Context, d entity.Dispatch) (entity.Verdict, error) {
	start := time.Now()
	p, err := identity.Parse(d.Principal)
	if err != nil || p.Kind != identity.Service {
		v := entity.Verdict{Decision: authz.Deny}
		return v, g.refused(ctx, d, v, start, "only service principals dispatch internally")
	}
	b, ok := g.Bundles.Bundle(d.Spec)
	if !ok {
		return entity.Verdict{}, fmt.Errorf("authorize %s: spec version %s is not loaded", d.Ref.WorkflowID(), d.Spec)
	}
	eng := authz.New(g.Store)
	if err := eng.Load(ctx, d.Ref.App, b.Policies); err != nil {
		return entity.Verdict{}, fmt.Errorf("authorize %s: %w", d.Ref.WorkflowID(), err)
	}
	res := eng.Authorize(authz.Request{
		App: d.Ref.App, Principal: p, Action: d.Action,
		Resource: authz.Resource{Type: d.Entity, ID: d.Ref.Key, Status: d.Status, Fields: d.Fields, Creator: d.Creator},
		Context:  map[string]any{"internal": true, "app": d.Ref.App},
	})
	v := entity.Verdict{Allowed: res.Allowed(), Decision: res.Decision, Policies: res.Policies}
	if !v.Allowed {
		return v, g.refused(ctx, d, v, start, "internal dispatch refused by policy")
	}
	return v, nil
}

// refused records a refused dispatch as a denied trajectory.
func (g *Gate) refused(ctx context.Context, d entity.Dispatch, v entity.Verdict, start time.Time, why string) error {
	err := g.Store.AppendTrajectories(ctx, []store.Trajectory{{
		At: start, App: d.Ref.App, EntityType: d.Entity, EntitySet: d.Ref.EntitySet, EntityID: d.Ref.Key,
		Action: d.Action, Principal: d.Principal, Before: d.Status, Outcome: store.OutcomeDenied,
		Authz: v.Decision, Policies: v.Policies, DurationMicros: time.Since(start).Microseconds(), Error: why,
	}})
	if err != nil {
		return fmt.Errorf("record the refusal of %s: %w", d.Ref.WorkflowID(), err)
	}
	return nil
}
