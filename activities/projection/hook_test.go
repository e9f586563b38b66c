package projection_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/temperhq/temper/activities/projection"
	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/store/sqlite"
	"github.com/temperhq/temper/workflows/entity"
)

func setup(t *testing.T) (context.Context, store.Store, *projection.Hook) {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "temper.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return context.Background(), s, &projection.Hook{Store: s}
}

func commit(version int64, action, before, after string, fields map[string]any) entity.Commit {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(version) * time.Minute)
	f := map[string]any{"status": after}
	for k, v := range fields {
		f[k] = v
	}
	return entity.Commit{
		Ref: entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t1"}, Entity: "Task", Spec: "sha256:v1",
		Action: action, Params: map[string]any{"v": version}, Principal: "agent:a", Before: before,
		After: entity.Entity{Ref: entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t1"}, Entity: "Task",
			Spec: "sha256:v1", Version: version, Status: after, Fields: f, Creator: "agent:a"},
		At: at,
	}
}

func TestHookIdempotentAndOrdered(t *testing.T) {
	t.Parallel()
	ctx, s, h := setup(t)
	r := store.Ref{App: "tracker", Set: "Tasks", Key: "t1"}
	c1 := commit(1, "", "", "Open", map[string]any{"title": "x"})
	c2 := commit(2, "Assign", "Open", "Open", map[string]any{"title": "x", "assignee": "bob"})
	c3 := commit(3, "Start", "Open", "InProgress", map[string]any{"title": "x", "assignee": "bob"})
	// Retries and a late replay of an older commit change nothing.
	for _, c := range []entity.Commit{c1, c1, c2, c3, c2, c3, c1} {
		if err := h.AfterCommit(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	e, err := s.GetProjection(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if e.Version != 3 || e.Status != "InProgress" || e.Fields["assignee"] != "bob" || e.Type != "Task" ||
		!e.CreatedAt.Equal(c1.At) || !e.UpdatedAt.Equal(c3.At) || e.Creator != "agent:a" {
		t.Fatalf("projection %+v", e)
	}
	tr, err := s.EntityTransitions(ctx, r, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range tr {
		got = append(got, x.Action+":"+x.Before+">"+x.After)
	}
	if want := []string{"Start:Open>InProgress", "Assign:Open>Open", ":>Open"}; !slices.Equal(got, want) {
		t.Fatalf("transitions %v, want %v", got, want)
	}

	// A delete removes the projection and is recorded; a retry is fine.
	del := commit(4, entity.ActionDelete, "InProgress", "InProgress", nil)
	del.Deleted = true
	for range 2 {
		if err := h.AfterCommit(ctx, del); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.GetProjection(ctx, r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if tr, _ := s.EntityTransitions(ctx, r, 1); len(tr) != 1 || tr[0].Action != entity.ActionDelete {
		t.Fatalf("delete not recorded: %+v", tr)
	}
}

// TestHookInEntityWorkflow runs the bundled task tracker's entity
// workflow with the hook as its after-commit local activity: when an
// action returns, a list query already sees its result.
func TestHookInEntityWorkflow(t *testing.T) {
	t.Parallel()
	ctx, s, h := setup(t)
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	reg := specengine.NewRegistry()
	spec := reg.Add(b)

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	w := &entity.Workflows{Specs: reg, Hook: h}
	env.RegisterWorkflowWithOptions(w.Entity, workflow.RegisterOptions{Name: entity.WorkflowName})
	env.RegisterActivityWithOptions(h.AfterCommit, activity.RegisterOptions{Name: entity.CommitActivity})

	schema := store.Schema{Key: []string{"id"}, Properties: map[string]string{"status": "Edm.String", "priority": "Edm.Int32", "assignee": "Edm.String"}}
	list := func() []store.Entity {
		r, err := s.Query(ctx, store.ListQuery{App: "tracker", Set: "Tasks", Schema: schema, Top: 10,
			Filter: &ast.Binary{Op: ast.OpEq, L: &ast.Path{Segments: []string{"priority"}}, R: &ast.Literal{Kind: ast.LitInt, Value: int64(4)}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Entities
	}
	var seen []store.Entity
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(entity.UpdateAction, "prio", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { t.Errorf("rejected: %v", err) },
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("update: %v", err)
				}
				seen = list() // read your writes: the hook already ran
			},
		}, entity.Request{Action: "Prioritize", Params: map[string]any{"level": 4}, Principal: "agent:a"})
	}, time.Second)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, time.Minute)
	env.ExecuteWorkflow(entity.WorkflowName, entity.Start{
		Ref: entity.Ref{App: "tracker", EntitySet: "Tasks", Key: "t1"}, Entity: "Task", Spec: spec,
		Body: map[string]any{"title": "Write the store", "assignee": "agent-x"}, Creator: "agent:a",
	})
	tr, err := s.EntityTransitions(ctx, store.Ref{App: "tracker", Set: "Tasks", Key: "t1"}, 10)
	if err != nil || len(tr) != 2 || tr[0].Action != "Prioritize" || tr[1].Action != "" || tr[0].Version <= tr[1].Version {
		t.Fatalf("transitions %+v, %v", tr, err)
	}
	if len(seen) != 1 || seen[0].Key != "t1" || seen[0].Version != tr[0].Version || seen[0].Fields["priority"] != int64(4) {
		t.Fatalf("list after the action returned: %+v", seen)
	}
}
