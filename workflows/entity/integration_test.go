package entity_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/temperhq/temper/activities/reaction"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/internal/testtemporal"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

type countingHook struct {
	mu      sync.Mutex
	commits map[string]int
}

func (h *countingHook) AfterCommit(_ context.Context, c entity.Commit) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.commits[c.Ref.WorkflowID()]++
	return nil
}

func (h *countingHook) count(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.commits[id]
}

type itest struct {
	ts     *temporaltest.TestServer
	c      client.Client
	reg    *specengine.Registry
	hook   *countingHook
	client *entity.Client
	queue  string
}

func (it *itest) startWorker(t *testing.T, opts entity.Options) sdkworker.Worker {
	t.Helper()
	w := worker.New(it.c, it.reg, it.hook, worker.Options{TaskQueue: it.queue, Entity: opts, Gate: allowGate{},
		Reactor: &reaction.Reactor{Entities: it.client, Gate: allowGate{}}})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

const counterSpec = `
[automaton]
name = "Counter"
states = ["On"]
initial = "On"
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Inc"
from = ["On"]
effect = ["n += 1"]
`

func newTestServer(tb testing.TB) *temporaltest.TestServer { return testtemporal.New(tb) }

func newITest(t *testing.T) *itest {
	ts := newTestServer(t)
	c := ts.GetDefaultClient()
	it := &itest{ts: ts, c: c, reg: specengine.NewRegistry(), hook: &countingHook{commits: map[string]int{}}, queue: "temper-test"}
	it.client = &entity.Client{Temporal: c, TaskQueue: it.queue}
	return it
}

func loadApp(t *testing.T, reg *specengine.Registry, name string) string {
	t.Helper()
	files, err := apps.Files(name)
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	return reg.Add(b)
}

func TestOnRealServer(t *testing.T) {
	it := newITest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	spec := loadApp(t, it.reg, "tasks")
	w := it.startWorker(t, entity.Options{})

	ref := entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t-1"}
	start := entity.Start{Ref: ref, Entity: "Task", Spec: spec, IdempotencyKey: "k1",
		Body: map[string]any{"title": "Review PR #42", "assignee": "agent-codereview"}}

	t.Run("create and conflict", func(t *testing.T) {
		e, err := it.client.Create(ctx, start)
		if err != nil || e.Status != "Open" || e.Version != 0 {
			t.Fatalf("create: %+v %v", e, err)
		}
		if again, err := it.client.Create(ctx, start); err != nil || again.Version != 0 {
			t.Errorf("same idempotency key: %+v %v", again, err)
		}
		other := start
		other.IdempotencyKey = "k2"
		if _, err := it.client.Create(ctx, other); !errors.Is(err, entity.ErrConflict) {
			t.Errorf("second create: %v, want ErrConflict", err)
		}
	})

	t.Run("rejection adds no history", func(t *testing.T) {
		before := countEvents(t, ctx, it.c, ref.WorkflowID())
		_, err := it.client.Act(ctx, ref, "rej-1", entity.Request{Action: "Complete"})
		var re *entity.RejectedError
		if !errors.As(err, &re) || re.Type != entity.ErrTypeRejected || re.Outcome != "wrong from-state" {
			t.Fatalf("Complete in Open: %v", err)
		}
		if after := countEvents(t, ctx, it.c, ref.WorkflowID()); after != before {
			t.Errorf("history grew from %d to %d events for a rejected action", before, after)
		}
		e, err := it.client.Act(ctx, ref, "start-1", entity.Request{Action: "Start"})
		if err != nil || e.Status != "InProgress" || e.Version != 1 {
			t.Fatalf("Start: %+v %v", e, err)
		}
		if after := countEvents(t, ctx, it.c, ref.WorkflowID()); after <= before {
			t.Errorf("an accepted action added no history")
		}
	})

	t.Run("idempotent retry across a worker restart", func(t *testing.T) {
		e1, err := it.client.Act(ctx, ref, "prio-1", entity.Request{Action: "Prioritize", Params: map[string]any{"level": 3}})
		if err != nil {
			t.Fatal(err)
		}
		w.Stop()
		w = it.startWorker(t, entity.Options{})
		e2, err := it.client.Act(ctx, ref, "prio-1", entity.Request{Action: "Prioritize", Params: map[string]any{"level": 3}})
		if err != nil || e2.Version != e1.Version {
			t.Fatalf("retry: %+v %v (first %+v)", e2, err, e1)
		}
		// The first query after a worker restart may wait for the server
		// to give up on the stopped worker's sticky queue (the SDK bounds
		// one query call at 10 s), so allow a few tries.
		var cur entity.Entity
		for try := 0; try < 6; try++ {
			if cur, err = it.client.Get(ctx, ref); err == nil {
				break
			}
		}
		if err != nil || cur.Version != e1.Version {
			t.Errorf("after retry: %+v %v", cur, err)
		}
	})

	t.Run("search attributes", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second)
		for {
			resp, err := it.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: it.ts.GetDefaultNamespace(),
				Query: fmt.Sprintf("%s = 'InProgress' AND %s = 'tracker'", entity.SAStatus, entity.SAApp)})
			if err == nil && len(resp.Executions) == 1 && resp.Executions[0].Execution.WorkflowId == ref.WorkflowID() {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("entity not listed by status: %v %v", resp, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	w.Stop()
}

// TestManyActionsAcrossRuns drives 2,500 actions through one entity with a
// small per-run limit, so they span several continue-as-new runs; none is
// lost.
func TestManyActionsAcrossRuns(t *testing.T) {
	it := newITest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b, err := specengine.Load(map[string][]byte{"Counter.ioa.toml": []byte(counterSpec)})
	if err != nil {
		t.Fatal(err)
	}
	spec := it.reg.Add(b)
	w := it.startWorker(t, entity.Options{})
	defer w.Stop()
	ref := entity.Ref{App: "a", EntitySet: "Counters", Key: "c"}
	if _, err := it.client.Create(ctx, entity.Start{Ref: ref, Entity: "Counter", Spec: spec, Limits: entity.Limits{MaxUpdatesPerRun: 600}}); err != nil {
		t.Fatal(err)
	}
	const n = 2500
	var last entity.Entity
	for i := 0; i < n; i++ {
		last, err = it.client.Act(ctx, ref, fmt.Sprintf("inc-%d", i), entity.Request{Action: "Inc"})
		if err != nil {
			t.Fatalf("action %d: %v", i, err)
		}
	}
	if last.Fields["n"] != int64(n) || last.Version != n {
		t.Fatalf("after %d actions: %+v", n, last)
	}
	resp, err := it.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: it.ts.GetDefaultNamespace(),
		Query: fmt.Sprintf("WorkflowId = '%s'", ref.WorkflowID())})
	if err != nil {
		t.Fatal(err)
	}
	runs := len(resp.Executions)
	if runs < 4 {
		t.Errorf("%d runs, want at least 4 (continue-as-new every 600 updates)", runs)
	}
	if got := it.hook.count(ref.WorkflowID()); got != n+1 {
		t.Errorf("after-commit hook ran %d times, want %d", got, n+1)
	}
}

func TestHotSwapUnderRunningEntities(t *testing.T) {
	it := newITest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v1 := loadApp(t, it.reg, "tasks")
	w := it.startWorker(t, entity.Options{})
	defer w.Stop()
	ref := entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "hot"}
	if _, err := it.client.Create(ctx, entity.Start{Ref: ref, Entity: "Task", Spec: v1, Body: map[string]any{"title": "x", "assignee": "a"}}); err != nil {
		t.Fatal(err)
	}
	// v2 lets Complete run without a review.
	files, _ := apps.Files("tasks")
	files["tasks/Task.ioa.toml"] = []byte(strings.Replace(string(files["tasks/Task.ioa.toml"]), "guard = \"reviewed\"\n", "", 1))
	files["tasks/Task.ioa.toml"] = []byte(strings.Replace(string(files["tasks/Task.ioa.toml"]), "assert = \"status == 'Done' => reviewed\"", "assert = \"true\"", 1))
	b2, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	v2 := it.reg.Add(b2)
	if _, err := it.client.Act(ctx, ref, "s", entity.Request{Action: "Start", Spec: v1}); err != nil {
		t.Fatal(err)
	}
	if _, err := it.client.Act(ctx, ref, "c1", entity.Request{Action: "Complete", Spec: v1}); err == nil {
		t.Fatal("v1 completed an unreviewed task")
	}
	e, err := it.client.Act(ctx, ref, "c2", entity.Request{Action: "Complete", Spec: v2})
	if err != nil || e.Status != "Done" || e.Spec != v2 {
		t.Fatalf("v2 Complete: %+v %v", e, err)
	}
}

// countEvents counts the events in the history of the entity's current run.
func countEvents(t *testing.T, ctx context.Context, c client.Client, id string) int {
	t.Helper()
	iter := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for iter.HasNext() {
		if _, err := iter.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
