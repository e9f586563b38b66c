package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// ErrBusy: a deploy of the app is already running.
var ErrBusy = errors.New("a deploy of this app is running")

// Client starts and watches deploys.
type Client struct {
	Temporal  client.Client
	TaskQueue string
}

// WorkflowID is the deploy workflow of an app: one runs at a time.
func WorkflowID(app string) string { return "deploy/" + app }

// Start starts a deploy and returns its run id; ErrBusy when one runs.
func (c *Client) Start(ctx context.Context, in Input) (string, error) {
	run, err := c.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       WorkflowID(in.App),
		TaskQueue:                                c.TaskQueue,
		WorkflowIDConflictPolicy:                 enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		Memo:                                     map[string]any{"deploy": in.ID, "kind": in.Kind},
	}, WorkflowName, in)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return "", fmt.Errorf("%w: %s", ErrBusy, in.App)
	}
	if err != nil {
		return "", fmt.Errorf("start the deploy of %s: %w", in.App, err)
	}
	return run.GetRunID(), nil
}

// Wait returns the deploy's result once it finished, or, after wait, its
// progress with done false.
func (c *Client) Wait(ctx context.Context, app, runID string, wait time.Duration) (*Result, bool, error) {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var res Result
	err := c.Temporal.GetWorkflow(wctx, WorkflowID(app), runID).Get(wctx, &res)
	if err == nil {
		return &res, true, nil
	}
	if ctx.Err() != nil {
		return nil, false, ctx.Err()
	}
	if wctx.Err() == nil {
		return nil, false, fmt.Errorf("deploy of %s: %w", app, err)
	}
	p, err := c.Progress(ctx, app, runID)
	return p, false, err
}

// Progress queries a running (or finished) deploy.
func (c *Client) Progress(ctx context.Context, app, runID string) (*Result, error) {
	v, err := c.Temporal.QueryWorkflow(ctx, WorkflowID(app), runID, ProgressQuery)
	if err != nil {
		return nil, fmt.Errorf("progress of the deploy of %s: %w", app, err)
	}
	var res Result
	if err := v.Get(&res); err != nil {
		return nil, err
	}
	return &res, nil
}
