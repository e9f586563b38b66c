package entity_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

// gateHook holds every commit of an action named gate until release is
// closed, so that an update can be seen accepted but not completed.
type gateHook struct {
	gate    string
	release chan struct{}
}

func (h *gateHook) AfterCommit(ctx context.Context, c entity.Commit) error {
	if c.Action == h.gate {
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	}
	return nil
}

func TestActAsync(t *testing.T) {
	it := newITest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := specengine.Load(map[string][]byte{"Counter.ioa.toml": []byte(counterSpec)})
	if err != nil {
		t.Fatal(err)
	}
	spec := it.reg.Add(b)
	hook := &gateHook{gate: "Inc", release: make(chan struct{})}
	w := worker.New(it.c, it.reg, hook, worker.Options{TaskQueue: it.queue})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	// One committed update per run: every update ends its run. The
	// acceptance of an update reaches the client with the workflow task
	// that ran it, which the held hook keeps open until the SDK completes
	// it early, at most 80% of the task timeout: a short one keeps the
	// test short.
	ref := entity.Ref{App: "a", EntitySet: "Counters", Key: "async"}
	if _, err := it.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: ref.WorkflowID(), TaskQueue: it.queue, WorkflowTaskTimeout: 2 * time.Second},
		entity.WorkflowName, entity.Start{Ref: ref, Entity: "Counter", Spec: spec, Limits: entity.Limits{MaxUpdatesPerRun: 1}}); err != nil {
		t.Fatal(err)
	}

	acc, err := it.client.ActAsync(ctx, ref, "inc-1", entity.Request{Action: "Inc"})
	if err != nil || acc.RunID == "" || acc.UpdateID != "inc-1" || acc.Ref != ref {
		t.Fatalf("ActAsync: %+v %v", acc, err)
	}
	// Accepted, held in the after-commit hook: not done yet.
	if _, done, err := it.client.Outcome(ctx, acc, 300*time.Millisecond); done || err != nil {
		t.Fatalf("Outcome while running: done %v, %v", done, err)
	}
	close(hook.release)
	e, done, err := it.client.Outcome(ctx, acc, 20*time.Second)
	if !done || err != nil || e.Fields["n"] != int64(1) || e.Version != 1 {
		t.Fatalf("Outcome after release: %+v done %v, %v", e, done, err)
	}

	// The run that accepted the update has continued as new; a client
	// that knows nothing but the ids still reads the outcome.
	if _, err := it.client.Act(ctx, ref, "inc-2", entity.Request{Action: "Inc"}); err != nil {
		t.Fatal(err)
	}
	fresh := &entity.Client{Temporal: it.c, TaskQueue: it.queue}
	e, done, err = fresh.Outcome(ctx, entity.Accepted{Ref: ref, RunID: acc.RunID, UpdateID: "inc-1"}, 5*time.Second)
	if !done || err != nil || e.Version != 1 {
		t.Errorf("Outcome from the first run after continue-as-new: %+v done %v, %v", e, done, err)
	}
	cur, err := it.client.Get(ctx, ref)
	if err != nil || cur.Version != 2 {
		t.Fatalf("current: %+v %v", cur, err)
	}

	// A validator's rejection is returned at once: nothing to poll.
	_, err = it.client.ActAsync(ctx, ref, "bad-1", entity.Request{Action: "Nope"})
	var re *entity.RejectedError
	if !errors.As(err, &re) || re.Outcome != specengine.UnknownAction.String() {
		t.Errorf("ActAsync of an unknown action: %v", err)
	}
	if _, err := it.client.ActAsync(ctx, entity.Ref{App: "a", EntitySet: "Counters", Key: "missing"}, "", entity.Request{Action: "Inc"}); !errors.Is(err, entity.ErrNotFound) {
		t.Errorf("ActAsync of a missing entity: %v", err)
	}
	for name, a := range map[string]entity.Accepted{
		"unknown update": {Ref: ref, RunID: acc.RunID, UpdateID: "never-sent"},
		"unknown run":    {Ref: ref, RunID: "00000000-0000-0000-0000-000000000000", UpdateID: "inc-1"},
		"unknown entity": {Ref: entity.Ref{App: "a", EntitySet: "Counters", Key: "missing"}, UpdateID: "inc-1"},
	} {
		if _, done, err := it.client.Outcome(ctx, a, 2*time.Second); done || !errors.Is(err, entity.ErrNotFound) {
			t.Errorf("Outcome of %s: done %v, %v", name, done, err)
		}
	}
}
