package reaction

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/temperhq/temper/workflows/entity"
)

// Entities is what delivery needs of the entity workflows; entity.Client
// provides it.
type Entities interface {
	Create(ctx context.Context, in entity.Start) (entity.Entity, error)
	Act(ctx context.Context, ref entity.Ref, updateID string, req entity.Request) (entity.Entity, error)
	Get(ctx context.Context, ref entity.Ref) (entity.Entity, error)
}

// Reactor delivers reactions.
type Reactor struct {
	Entities Entities
	Gate     entity.Gate
}

// Error types of refused deliveries (not retried).
const (
	ErrRefused = "ReactionRefused"
)

func refused(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrRefused, nil)
}

// React delivers r.
func (x *Reactor) React(ctx context.Context, r entity.Reaction) error {
	cur, err := x.Entities.Get(ctx, r.Target)
	switch {
	case errors.Is(err, entity.ErrNotFound) && r.Create == "":
		return refused("reaction %s: no target %s", r.Trigger, r.Target.WorkflowID())
	case errors.Is(err, entity.ErrNotFound):
		v, err := x.Gate.AuthorizeDispatch(ctx, entity.Dispatch{Ref: r.Target, Entity: r.Entity, Spec: r.Spec,
			Action: "create", Principal: entity.ReactionPrincipal})
		if err != nil {
			return err
		}
		if !v.Allowed {
			return refused("reaction %s: %s may not create %s (%s)", r.Trigger, entity.ReactionPrincipal, r.Target.WorkflowID(), v.Decision)
		}
		cur, err = x.Entities.Create(ctx, entity.Start{Ref: r.Target, Entity: r.Entity, Spec: r.Spec,
			Creator: entity.ReactionPrincipal, IdempotencyKey: r.RequestID})
		if errors.Is(err, entity.ErrConflict) {
			cur, err = x.Entities.Get(ctx, r.Target)
		}
		if err != nil {
			return fmt.Errorf("reaction %s: create %s: %w", r.Trigger, r.Target.WorkflowID(), err)
		}
	case err != nil:
		return fmt.Errorf("reaction %s: read %s: %w", r.Trigger, r.Target.WorkflowID(), err)
	case r.Create == "create" && cur.CreateKey != r.RequestID:
		return refused("reaction %s: the target %s exists already", r.Trigger, r.Target.WorkflowID())
	}
	v, err := x.Gate.AuthorizeDispatch(ctx, entity.Dispatch{Ref: r.Target, Entity: r.Entity, Spec: cur.Spec,
		Action: r.Action, Principal: entity.ReactionPrincipal, Status: cur.Status, Fields: cur.Fields, Creator: cur.Creator})
	if err != nil {
		return err
	}
	if !v.Allowed {
		return refused("reaction %s: %s may not run %s on %s (%s)", r.Trigger, entity.ReactionPrincipal, r.Action, r.Target.WorkflowID(), v.Decision)
	}
	_, err = x.Entities.Act(ctx, r.Target, r.RequestID, entity.Request{Action: r.Action, Params: r.Params, Spec: r.Spec,
		Principal: entity.ReactionPrincipal, Depth: r.Depth})
	var re *entity.RejectedError
	if errors.As(err, &re) {
		return refused("reaction %s: %s refused %s: %s", r.Trigger, r.Target.WorkflowID(), r.Action, re.Msg)
	}
	return err
}
