package entity

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// Client sends creates, actions and reads to entity workflows. The gateway
// and tests use it; it holds no state but its Temporal client.
type Client struct {
	Temporal  client.Client
	TaskQueue string
}

// Errors the client returns, for callers to map to status codes.
var (
	// ErrConflict: an entity with this key exists (and the request is not a
	// retry of the one that created it).
	ErrConflict = errors.New("entity already exists")
	// ErrNotFound: no entity with this key.
	ErrNotFound = errors.New("entity not found")
)

// RejectedError is an action the entity refused.
type RejectedError struct {
	Type    string // ErrTypeRejected, ErrTypeBadRequest, ErrTypeStranded
	Outcome string // specengine outcome name for ErrTypeRejected
	Msg     string
}

func (e *RejectedError) Error() string { return e.Msg }

func rejected(err error) error {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return err
	}
	r := &RejectedError{Type: ae.Type(), Msg: ae.Error()}
	if ae.HasDetails() {
		_ = ae.Details(&r.Outcome)
	}
	return r
}

// Create starts an entity's workflow. A second create with the same key is
// ErrConflict, unless it carries the same idempotency key as the first, in
// which case it returns the entity as it is.
func (c *Client) Create(ctx context.Context, in Start) (Entity, error) {
	_, err := c.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       in.Ref.WorkflowID(),
		TaskQueue:                                c.TaskQueue,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, WorkflowName, in)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		cur, gerr := c.Get(ctx, in.Ref)
		if gerr == nil && in.IdempotencyKey != "" && cur.CreateKey == in.IdempotencyKey {
			return cur, nil
		}
		return Entity{}, fmt.Errorf("%w: %s", ErrConflict, in.Ref.WorkflowID())
	}
	if err != nil {
		return Entity{}, fmt.Errorf("create %s: %w", in.Ref.WorkflowID(), err)
	}
	return c.Get(ctx, in.Ref)
}

// Act runs an action as a Workflow Update and returns the entity after it.
// The same updateID returns the first result (exactly-once effect).
func (c *Client) Act(ctx context.Context, ref Ref, updateID string, req Request) (Entity, error) {
	h, err := c.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   ref.WorkflowID(),
		UpdateID:     updateID,
		UpdateName:   UpdateAction,
		Args:         []any{req},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return Entity{}, c.mapErr(ref, err)
	}
	var e Entity
	if err := h.Get(ctx, &e); err != nil {
		return Entity{}, c.mapErr(ref, err)
	}
	return e, nil
}

// Signal sends an action that must not be rejected to the caller: it is
// applied if valid and recorded otherwise.
func (c *Client) Signal(ctx context.Context, ref Ref, req Request) error {
	if err := c.Temporal.SignalWorkflow(ctx, ref.WorkflowID(), "", SignalAction, req); err != nil {
		return c.mapErr(ref, err)
	}
	return nil
}

// Get reads an entity through the workflow's query: a consistent read.
func (c *Client) Get(ctx context.Context, ref Ref) (Entity, error) {
	v, err := c.Temporal.QueryWorkflow(ctx, ref.WorkflowID(), "", QueryState)
	// One query call is bounded at 10 s by the SDK; right after a worker
	// restart the server may still be waiting on the stopped worker's
	// sticky queue. Try again while the caller's context allows.
	for tries := 1; err != nil && ctx.Err() == nil && tries < 4 && isDeadline(err); tries++ {
		v, err = c.Temporal.QueryWorkflow(ctx, ref.WorkflowID(), "", QueryState)
	}
	if err != nil {
		return Entity{}, c.mapErr(ref, err)
	}
	var e Entity
	if err := v.Get(&e); err != nil {
		return Entity{}, fmt.Errorf("decode %s: %w", ref.WorkflowID(), err)
	}
	if e.Deleted {
		return Entity{}, fmt.Errorf("%w: %s was deleted", ErrNotFound, ref.WorkflowID())
	}
	return e, nil
}

func (c *Client) mapErr(ref Ref, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %s", ErrNotFound, ref.WorkflowID())
	}
	return rejected(err)
}

func isDeadline(err error) bool {
	var de *serviceerror.DeadlineExceeded
	return errors.As(err, &de) || errors.Is(err, context.DeadlineExceeded)
}
