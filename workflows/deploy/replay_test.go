package deploy_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	acts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/internal/testtemporal"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/deploy"
)

var updateHistories = flag.Bool("update-histories", false, "record the golden deploy histories on a real server")

const historyDir = "testdata/histories"

// runDeploy runs one deploy of the tasks app on a real server with the
// real steps and returns its result and history.
func runDeploy(t *testing.T, files map[string][]byte, active map[string][]byte) (*deploy.Result, *historypb.History) {
	t.Helper()
	ts := testtemporal.New(t)
	c := ts.GetDefaultClient()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "temper.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := specengine.NewRegistry()
	w := worker.New(c, reg, nil, worker.Options{TaskQueue: "deploy-test", Deploy: &acts.Activities{Store: st, Registry: reg}})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	dc := &deploy.Client{Temporal: c, TaskQueue: "deploy-test"}
	in := deploy.Input{ID: "d-1", App: "tasks", Kind: deploy.KindSubmit, Mode: "replace", Files: files, Active: active,
		Verifier: verification.Version, SubmittedBy: `Agent::"a"`}
	run, err := dc.Start(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	res, done, err := dc.Wait(ctx, "tasks", run, time.Minute)
	if err != nil || !done {
		t.Fatalf("deploy: %v (done %v)", err, done)
	}
	iter := c.GetWorkflowHistory(ctx, deploy.WorkflowID("tasks"), run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	if d, err := st.Deploy(ctx, "d-1"); err != nil || d.Status != res.Status {
		t.Fatalf("deploy record %+v, %v; result %s", d, err, res.Status)
	}
	return res, h
}

// TestDeployOnRealServer runs the pipeline with the real verifier and
// replays the history it made; with -update-histories it records the
// golden history that TestReplayGoldenHistory replays forever after.
func TestDeployOnRealServer(t *testing.T) {
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	res, h := runDeploy(t, files, nil)
	if res.Status != store.DeploySucceeded || res.Report == nil || !res.Report.Passed || len(res.Steps) != 9 {
		t.Fatalf("result %+v", res)
	}
	replay(t, h)
	if *updateHistories {
		b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(historyDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(historyDir, "tasks-submit.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func replay(t *testing.T, h *historypb.History) {
	t.Helper()
	r := sdkworker.NewWorkflowReplayer()
	worker.RegisterDeploy(r, nil)
	if err := r.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay: %v", err)
	}
}

// TestReplayGoldenHistory replays the recorded deploy with the current
// workflow code: a non-deterministic change fails here.
func TestReplayGoldenHistory(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(historyDir, "tasks-submit.json"))
	if err != nil {
		t.Fatalf("golden history missing (record it with go test -run TestDeployOnRealServer -args -update-histories): %v", err)
	}
	h, err := client.HistoryFromJSON(bytes.NewReader(data), client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	replay(t, h)
}
