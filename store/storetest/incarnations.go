package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/store"
)

// testIncarnations: a key deleted and created again starts its versions
// over; both lives' transitions are kept (none is dropped as a repeat),
// repeats are still no-ops within a life, and the entity's list holds
// both, newest first.
func testIncarnations(ctx context.Context, t *testing.T, s store.Store) {
	base := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)
	r := store.Ref{App: "inc", Set: "Tasks", Key: "k"}
	for i, life := range []string{"run-1", "run-2"} {
		for v := int64(0); v <= 2; v++ {
			tr := transition(r, v, life+"/"+string(rune('a'+v)), "", "Open", base.Add(time.Duration(10*i+int(v))*time.Minute))
			tr.Incarnation = life
			for range 2 { // the repeat is a no-op
				if err := s.AppendTransition(ctx, tr); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	got, err := s.EntityTransitions(ctx, r, 100)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, tr := range got {
		actions = append(actions, tr.Action)
	}
	if want := "run-2/c run-2/b run-2/a run-1/c run-1/b run-1/a"; strings.Join(actions, " ") != want {
		t.Fatalf("transitions %v, want %s", actions, want)
	}
	if got[0].Incarnation != "run-2" || got[5].Incarnation != "run-1" {
		t.Fatalf("incarnations not kept: %+v", got)
	}
}
