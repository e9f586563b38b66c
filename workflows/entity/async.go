package entity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Accepted names an update the entity accepted and may still be running:
// the run it was sent to and its update id. Temporal keeps the update's
// outcome with that run, also after the entity continued as new or was
// deleted, so a status monitor built from an Accepted survives gateway
// restarts.
type Accepted struct {
	Ref      Ref
	RunID    string
	UpdateID string
}

// ActAsync sends a request as a Workflow Update and returns once the
// entity's validator accepted it, without waiting for it to complete. A
// request the validator rejects returns its *RejectedError here: a
// rejected update is not recorded anywhere, so there is nothing to poll.
// The same updateID returns the same update (exactly-once effect); an
// empty one makes a new id.
func (c *Client) ActAsync(ctx context.Context, ref Ref, updateID string, req Request) (Accepted, error) {
	h, err := c.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   ref.WorkflowID(),
		UpdateID:     updateID,
		UpdateName:   UpdateAction,
		Args:         []any{req},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return Accepted{}, c.mapErr(ref, err)
	}
	// A validator's rejection comes back as an update that completed with
	// a failure, not as an error of UpdateWorkflow. Reading the handle
	// with a context that has ended returns that failure at once, and
	// does not wait for an update that was accepted.
	done, cancel := context.WithCancel(ctx)
	cancel()
	var ae *temporal.ApplicationError
	if err := h.Get(done, nil); errors.As(err, &ae) {
		return Accepted{}, rejected(err)
	}
	return Accepted{Ref: ref, RunID: h.RunID(), UpdateID: h.UpdateID()}, nil
}

// Outcome waits up to wait for an accepted update to complete. It returns
// done false while the update runs; when it completed, the entity after
// it, or the error it failed with (a *RejectedError when the entity
// refused it after accepting it, for example because a concurrent action
// changed its state). ErrNotFound means Temporal knows no such update:
// the ids are wrong, or the entity's history is past retention.
func (c *Client) Outcome(ctx context.Context, a Accepted, wait time.Duration) (e Entity, done bool, err error) {
	if a.Ref.WorkflowID() == "" || a.UpdateID == "" {
		return Entity{}, false, fmt.Errorf("%w: no update named", ErrNotFound)
	}
	pctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	h := c.Temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{
		WorkflowID: a.Ref.WorkflowID(), RunID: a.RunID, UpdateID: a.UpdateID,
	})
	err = h.Get(pctx, &e)
	var timeout *client.WorkflowUpdateServiceTimeoutOrCanceledError
	var rpc serviceerror.ServiceError
	var nf *serviceerror.NotFound
	switch {
	case err == nil:
		return e, true, nil
	case errors.As(err, &nf):
		// The SDK reports this as a timeout whose cause is NotFound.
		return Entity{}, false, fmt.Errorf("%w: update %s of %s", ErrNotFound, a.UpdateID, a.Ref.WorkflowID())
	case ctx.Err() != nil:
		return Entity{}, false, ctx.Err()
	case errors.As(err, &timeout):
		return Entity{}, false, nil // still running
	case errors.As(err, &rpc):
		// The poll failed, not the update: NotFound, or a transient error
		// the caller may retry.
		return Entity{}, false, c.mapErr(a.Ref, err)
	}
	// The update's own failure (an application error, or the entity
	// ending before the update completed).
	return Entity{}, true, rejected(err)
}
