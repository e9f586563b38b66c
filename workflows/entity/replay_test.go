package entity_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

var updateHistories = flag.Bool("update-histories", false, "record the golden histories in testdata/histories on a real server")

const historyDir = "testdata/histories"

// scenario drives entities on a real server; its histories become golden
// files that every later change must replay.
type scenario struct {
	name    string
	bundles []map[string][]byte // spec versions the scenario uses, in order
	opts    entity.Options
	run     func(t *testing.T, ctx context.Context, c *entity.Client, specs []string) []entity.Ref
}

const leaseSpec = `
[automaton]
name = "Lease"
states = ["Active", "Expiring", "Expired"]
initial = "Active"
terminal = ["Expired"]
[[state]]
name = "renewals"
type = "counter"
initial = 0
[[action]]
name = "Renew"
from = ["Active"]
effect = ["renewals += 1", "schedule('Warn', 1)"]
[[action]]
name = "Warn"
from = ["Active"]
to = "Expiring"
[[action]]
name = "Expire"
from = ["Expiring"]
to = "Expired"
[[state_timeout]]
state = "Expiring"
after_seconds = 1
on_timeout = "Expire"
`

func mustFiles(t *testing.T, app string) map[string][]byte {
	t.Helper()
	f, err := apps.Files(app)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func act(t *testing.T, ctx context.Context, c *entity.Client, ref entity.Ref, id string, req entity.Request, wantErr bool) {
	t.Helper()
	_, err := c.Act(ctx, ref, id, req)
	if (err != nil) != wantErr {
		t.Fatalf("%s %s: %v", ref.Key, req.Action, err)
	}
}

func scenarios(t *testing.T) []scenario {
	tasks := mustFiles(t, "tasks")
	tasks2 := map[string][]byte{}
	for k, v := range tasks {
		tasks2[k] = v
	}
	tasks2["tasks/Task.ioa.toml"] = []byte(strings.Replace(string(tasks["tasks/Task.ioa.toml"]), "from = [\"Open\", \"InProgress\", \"Blocked\"]\nto = \"Cancelled\"", "from = [\"Open\", \"InProgress\", \"Blocked\", \"Done\"]\nto = \"Cancelled\"", 1))
	tasks2["tasks/Task.ioa.toml"] = []byte(strings.Replace(string(tasks2["tasks/Task.ioa.toml"]), "terminal = [\"Done\", \"Cancelled\"]", "terminal = [\"Cancelled\"]", 1))
	return []scenario{
		{name: "tasks", bundles: []map[string][]byte{tasks}, run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
			ref := entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t1"}
			if _, err := c.Create(ctx, entity.Start{Ref: ref, Entity: "Task", Spec: s[0], Body: map[string]any{"title": "Review PR #42", "assignee": "agent-codereview"}}); err != nil {
				t.Fatal(err)
			}
			act(t, ctx, c, ref, "1", entity.Request{Action: "Complete"}, true)
			act(t, ctx, c, ref, "2", entity.Request{Action: "Start"}, false)
			act(t, ctx, c, ref, "3", entity.Request{Action: "Prioritize", Params: map[string]any{"level": 4}}, false)
			act(t, ctx, c, ref, "4", entity.Request{Action: "Block", Params: map[string]any{"reason": "CI"}}, false)
			act(t, ctx, c, ref, "5", entity.Request{Action: "Unblock"}, false)
			act(t, ctx, c, ref, "6", entity.Request{Action: "Review"}, false)
			act(t, ctx, c, ref, "7", entity.Request{Action: "Complete"}, false)
			return []entity.Ref{ref}
		}},
		{name: "knowledge", bundles: []map[string][]byte{mustFiles(t, "knowledge")}, run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
			ref := entity.Ref{App: "my-app", EntitySet: "KnowledgeEntries", Key: "k-1"}
			if _, err := c.Create(ctx, entity.Start{Ref: ref, Entity: "Knowledge", Spec: s[0], Body: map[string]any{"content": "Temporal updates", "source": "docs"}}); err != nil {
				t.Fatal(err)
			}
			act(t, ctx, c, ref, "1", entity.Request{Action: "Index"}, false)
			if err := c.Signal(ctx, ref, entity.Request{Action: "IndexSucceeded", Params: map[string]any{"hits": 3}, RequestID: "cb-1"}); err != nil {
				t.Fatal(err)
			}
			act(t, ctx, c, ref, "2", entity.Request{Action: "Link", Params: map[string]any{"related": []string{"k-12", "k-31"}}}, false)
			act(t, ctx, c, ref, "3", entity.Request{Action: "Archive"}, false)
			return []entity.Ref{ref}
		}},
		{name: "timers", bundles: []map[string][]byte{{"Lease.ioa.toml": []byte(leaseSpec)}}, run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
			ref := entity.Ref{App: "a", EntitySet: "Leases", Key: "l1"}
			if _, err := c.Create(ctx, entity.Start{Ref: ref, Entity: "Lease", Spec: s[0]}); err != nil {
				t.Fatal(err)
			}
			act(t, ctx, c, ref, "1", entity.Request{Action: "Renew"}, false)
			deadline := time.Now().Add(30 * time.Second)
			for {
				e, err := c.Get(ctx, ref)
				if err == nil && e.Status == "Expired" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("lease did not expire: %+v %v", e, err)
				}
				time.Sleep(100 * time.Millisecond)
			}
			return []entity.Ref{ref}
		}},
		{name: "continue-as-new", bundles: []map[string][]byte{{"Lease.ioa.toml": []byte(leaseSpec)}},
			run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
				ref := entity.Ref{App: "a", EntitySet: "Leases", Key: "l2"}
				if _, err := c.Create(ctx, entity.Start{Ref: ref, Entity: "Lease", Spec: s[0], Limits: entity.Limits{MaxUpdatesPerRun: 3}}); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 3; i++ {
					act(t, ctx, c, ref, fmt.Sprint(i), entity.Request{Action: "Renew"}, false)
				}
				return []entity.Ref{ref}
			}},
		{name: "hot-swap", bundles: []map[string][]byte{tasks, tasks2}, run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
			ref := entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t2"}
			if _, err := c.Create(ctx, entity.Start{Ref: ref, Entity: "Task", Spec: s[0], Body: map[string]any{"title": "x", "assignee": "a"}}); err != nil {
				t.Fatal(err)
			}
			act(t, ctx, c, ref, "1", entity.Request{Action: "Start", Spec: s[0]}, false)
			act(t, ctx, c, ref, "2", entity.Request{Action: "Review", Spec: s[0]}, false)
			act(t, ctx, c, ref, "3", entity.Request{Action: "Complete", Spec: s[0]}, false)
			act(t, ctx, c, ref, "4", entity.Request{Action: "Cancel", Spec: s[0]}, true)
			act(t, ctx, c, ref, "5", entity.Request{Action: "Cancel", Spec: s[1]}, false)
			return []entity.Ref{ref}
		}},
		{name: "reactions", bundles: []map[string][]byte{{"Order.ioa.toml": []byte(orderSpec), "Shipment.ioa.toml": []byte(shipmentSpec)}},
			run: func(t *testing.T, ctx context.Context, c *entity.Client, s []string) []entity.Ref {
				order := entity.Ref{App: "shop", EntitySet: "Orders", Key: "o1"}
				ship := entity.Ref{App: "shop", EntitySet: "Shipments", Key: "o1"}
				if _, err := c.Create(ctx, entity.Start{Ref: order, Entity: "Order", Spec: s[0]}); err != nil {
					t.Fatal(err)
				}
				act(t, ctx, c, order, "1", entity.Request{Action: "Place", Spec: s[0]}, false)
				deadline := time.Now().Add(20 * time.Second)
				for {
					e, err := c.Get(ctx, ship)
					if err == nil && e.Status == "Preparing" {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("the reaction did not arrive: %+v %v", e, err)
					}
					time.Sleep(50 * time.Millisecond)
				}
				return []entity.Ref{order, ship}
			}},
	}
}

const orderSpec = `
[automaton]
name = "Order"
states = ["Open", "Placed"]
initial = "Open"
[[action]]
name = "Place"
from = ["Open"]
to = "Placed"
[[action.triggers]]
name = "ship"
kind = "entity"
target_entity = "Shipment"
target_action = "Prepare"
resolve_target = { type = "create_if_missing", id_field = "id" }
`

const shipmentSpec = `
[automaton]
name = "Shipment"
states = ["New", "Preparing"]
initial = "New"
[[action]]
name = "Prepare"
from = ["New"]
to = "Preparing"
`

// TestRecordHistories records the golden histories; it runs only with
// -update-histories.
func TestRecordHistories(t *testing.T) {
	if !*updateHistories {
		t.Skip("records golden histories only with -update-histories")
	}
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			it := newITest(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var specs []string
			dir := filepath.Join(historyDir, sc.name)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			for i, files := range sc.bundles {
				b, err := specengine.Load(files)
				if err != nil {
					t.Fatal(err)
				}
				specs = append(specs, it.reg.Add(b))
				for name, data := range files {
					p := filepath.Join(dir, fmt.Sprintf("bundle%d", i), filepath.Base(name))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, data, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			w := it.startWorker(t, sc.opts)
			refs := sc.run(t, ctx, it.client, specs)
			for _, ref := range refs {
				// A read makes the latest run finish its first task.
				if _, err := it.client.Get(ctx, ref); err != nil {
					t.Fatal(err)
				}
			}
			w.Stop()
			for _, ref := range refs {
				resp, err := it.c.DescribeWorkflowExecution(ctx, ref.WorkflowID(), "")
				if err != nil {
					t.Fatal(err)
				}
				// Every run of the chain: follow continue-as-new from the first.
				runID := resp.WorkflowExecutionInfo.FirstRunId
				for n := 0; runID != ""; n++ {
					hist := history(t, ctx, it.c, ref.WorkflowID(), runID)
					out, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
					if err != nil {
						t.Fatal(err)
					}
					name := filepath.Join(dir, fmt.Sprintf("%s.run%d.json", strings.ReplaceAll(ref.WorkflowID(), "/", "_"), n))
					if err := os.WriteFile(name, append(out, '\n'), 0o644); err != nil {
						t.Fatal(err)
					}
					runID = ""
					last := hist.Events[len(hist.Events)-1]
					if a := last.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
						runID = a.NewExecutionRunId
					}
				}
			}
		})
	}
}

func history(t *testing.T, ctx context.Context, c client.Client, id, runID string) *historypb.History {
	t.Helper()
	iter := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}

// TestReplayGoldenHistories replays every recorded history with the current
// workflow code: a non-deterministic change fails here.
func TestReplayGoldenHistories(t *testing.T) {
	dirs, err := os.ReadDir(historyDir)
	if err != nil {
		t.Fatalf("golden histories missing (record them with -update-histories): %v", err)
	}
	n := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(historyDir, d.Name())
		reg := specengine.NewRegistry()
		bundles, _ := filepath.Glob(filepath.Join(dir, "bundle*"))
		sort.Strings(bundles)
		for _, bd := range bundles {
			files := map[string][]byte{}
			ents, err := os.ReadDir(bd)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				data, err := os.ReadFile(filepath.Join(bd, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				files[e.Name()] = data
			}
			b, err := specengine.Load(files)
			if err != nil {
				t.Fatal(err)
			}
			reg.Add(b)
		}
		hists, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		sort.Strings(hists)
		for _, h := range hists {
			t.Run(strings.TrimPrefix(h, historyDir+"/"), func(t *testing.T) {
				data, err := os.ReadFile(h)
				if err != nil {
					t.Fatal(err)
				}
				hist, err := client.HistoryFromJSON(bytes.NewReader(data), client.HistoryJSONOptions{})
				if err != nil {
					t.Fatal(err)
				}
				r := sdkworker.NewWorkflowReplayer()
				worker.Register(r, reg, nopHook{}, allowGate{}, entity.Options{})
				if err := r.ReplayWorkflowHistory(nil, hist); err != nil {
					t.Fatalf("replay %s: %v", h, err)
				}
			})
			n++
		}
	}
	if n < 5 {
		t.Errorf("replayed %d histories, want at least 5", n)
	}
}

type nopHook struct{}

// allowGate allows every internal dispatch (tests of the workflow, not of
// policies; activities/gate has the Cedar one).
type allowGate struct{}

func (allowGate) AuthorizeDispatch(context.Context, entity.Dispatch) (entity.Verdict, error) {
	return entity.Verdict{Allowed: true, Decision: "allow"}, nil
}

func (nopHook) AfterCommit(context.Context, entity.Commit) error { return nil }
