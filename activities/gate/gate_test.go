package gate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/temperhq/temper/activities/gate"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// memStore keeps stored policies and recorded trajectories in memory.
type memStore struct {
	policies map[string][]store.Policy
	recorded []store.Trajectory
}

func (m *memStore) Policies(_ context.Context, app string) ([]store.Policy, error) {
	return m.policies[app], nil
}

func (m *memStore) AppendTrajectories(_ context.Context, ts []store.Trajectory) error {
	m.recorded = append(m.recorded, ts...)
	return nil
}

func TestAuthorizeDispatch(t *testing.T) {
	ctx := context.Background()
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	noTimers := map[string][]byte{}
	for n, f := range files {
		if strings.HasSuffix(n, ".cedar") {
			f = []byte(`permit (principal is Agent, action, resource);`)
		}
		noTimers[n] = f
	}
	b2, err := specengine.Load(noTimers)
	if err != nil {
		t.Fatal(err)
	}
	reg := specengine.NewRegistry()
	withTimers, without := reg.Add(b), reg.Add(b2)
	forbid := store.Policy{App: "tasks", ID: "f", Text: `forbid (principal == Service::"timer", action == Action::"Close", resource);`}
	tests := []struct {
		name      string
		spec      string
		principal string
		action    string
		stored    []store.Policy
		allowed   bool
	}{
		{"bundle permits the timer", withTimers, entity.TimerPrincipal, "Start", nil, true},
		{"no permit for the timer", without, entity.TimerPrincipal, "Start", nil, false},
		{"a stored forbid wins", withTimers, entity.TimerPrincipal, "Close", []store.Policy{forbid}, false},
		{"a stored forbid of another action", withTimers, entity.TimerPrincipal, "Start", []store.Policy{forbid}, true},
		{"only service principals dispatch", withTimers, `Agent::"a"`, "Start", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &memStore{policies: map[string][]store.Policy{"tasks": tc.stored}}
			g := &gate.Gate{Bundles: reg, Store: st}
			v, err := g.AuthorizeDispatch(ctx, entity.Dispatch{
				Ref: entity.Ref{App: "tasks", EntitySet: "Tasks", Key: "t1"}, Entity: "Task", Spec: tc.spec,
				Action: tc.action, Principal: tc.principal, Status: "Open", Fields: map[string]any{"title": "x"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed != tc.allowed {
				t.Fatalf("verdict %+v, want allowed=%v", v, tc.allowed)
			}
			if tc.allowed == (len(st.recorded) > 0) {
				t.Fatalf("recorded %+v (a refusal, and only a refusal, is a trajectory)", st.recorded)
			}
			if !tc.allowed && (st.recorded[0].Outcome != store.OutcomeDenied || st.recorded[0].Principal != tc.principal) {
				t.Fatalf("refusal recorded as %+v", st.recorded[0])
			}
		})
	}
	if _, err := (&gate.Gate{Bundles: reg, Store: &memStore{}}).AuthorizeDispatch(ctx, entity.Dispatch{Spec: "nope", Principal: entity.TimerPrincipal}); err == nil {
		t.Fatal("an unknown spec version was authorized")
	}
}
