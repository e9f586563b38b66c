package projection

import (
	"context"
	"errors"
	"fmt"

	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// Writer is what the hook needs of a store.
type Writer interface {
	RecordCommit(ctx context.Context, e store.Entity, t store.Transition) error
	AppendTransition(ctx context.Context, t store.Transition) error
	DeleteProjection(ctx context.Context, r store.Ref) error
}

var _ Writer = store.Store(nil)

// Hook writes projections and transitions after each commit.
type Hook struct {
	Store Writer
}

var _ entity.Hook = (*Hook)(nil)

// AfterCommit records c: the projection and the transition record, or,
// for a delete, the transition record and the projection's removal.
func (h *Hook) AfterCommit(ctx context.Context, c entity.Commit) error {
	t := Transition(c)
	if c.Deleted {
		if err := h.Store.AppendTransition(ctx, t); err != nil {
			return fmt.Errorf("record delete of %s: %w", c.Ref.WorkflowID(), err)
		}
		// A retried delete finds nothing to delete: done already.
		if err := h.Store.DeleteProjection(ctx, t.Ref); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("delete projection of %s: %w", c.Ref.WorkflowID(), err)
		}
		return nil
	}
	if err := h.Store.RecordCommit(ctx, Projection(c), t); err != nil {
		return fmt.Errorf("record commit of %s v%d: %w", c.Ref.WorkflowID(), c.After.Version, err)
	}
	return nil
}

func ref(c entity.Commit) store.Ref {
	return store.Ref{App: c.Ref.App, Set: c.Ref.EntitySet, Key: c.Ref.Key}
}

// Projection is the store's view of the entity after c.
func Projection(c entity.Commit) store.Entity {
	typ := c.After.Entity
	if typ == "" {
		typ = c.Entity
	}
	spec := c.After.Spec
	if spec == "" {
		spec = c.Spec
	}
	e := store.Entity{
		Ref: ref(c), Type: typ, Spec: spec, Version: c.After.Version, Status: c.After.Status,
		Fields: c.After.Fields, Creator: c.After.Creator, UpdatedAt: c.At,
	}
	if c.Action == "" { // the create
		e.CreatedAt = c.At
	}
	return e
}

// Transition is the record of the transition c.
func Transition(c entity.Commit) store.Transition {
	return store.Transition{
		Ref: ref(c), Type: c.Entity, Incarnation: c.Incarnation, Version: c.After.Version, Action: c.Action, Params: c.Params,
		Principal: c.Principal, Before: c.Before, After: c.After.Status, Spec: c.Spec, At: c.At,
	}
}
