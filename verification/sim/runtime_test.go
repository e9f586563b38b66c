package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/report"
)

// The checker watches the runtime model itself: these tests break the
// model on purpose (a worker that forgets its dedupe set, a history that
// lost or reordered an event) and expect the matching finding.

const counter = `
[automaton]
name = "Counter"
states = ["Open", "Closed"]
initial = "Open"
terminal = ["Closed"]

[[state]]
name = "n"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
effect = "n += 1"

[[action]]
name = "Close"
from = ["Open"]
to = "Closed"
`

// setup returns a world with one Counter entity and the indexes of Inc and
// Close.
func setup(t *testing.T) (w *world, inc, close int) {
	t.Helper()
	b, err := specengine.Load(map[string][]byte{"c.ioa.toml": []byte(counter)})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{}.withDefaults()
	m := newModel(b, o.Domain)
	w = newWorld(context.Background(), m, o, 1, nil)
	w.swarm()
	et := m.types[0]
	s := et.initials[0].Clone()
	s.ID = "c"
	w.add(et, s)
	a, _ := et.t.Action("Inc")
	c, _ := et.t.Action("Close")
	return w, a.Index, c.Index
}

func only(t *testing.T, w *world, kind, msg string) {
	t.Helper()
	if len(w.run.Findings) != 1 || w.run.Findings[0].Kind != kind || !strings.Contains(w.run.Findings[0].Msg, msg) {
		t.Fatalf("want one %s finding containing %q, got %+v", kind, msg, w.run.Findings)
	}
	if f := w.run.Findings[0]; f.Severity != report.Error || f.Seed == nil || *f.Seed != 1 || len(f.Trace) == 0 {
		t.Errorf("finding %+v", f)
	}
}

func TestDuplicateDeliveryIsDeduplicated(t *testing.T) {
	w, inc, _ := setup(t)
	m := message{id: 7, ent: 0, action: inc, origin: fromActor}
	w.process(0, m)
	w.process(0, m)
	if e := w.ents[0]; e.state.Vars[0].N != 1 || len(e.log) != 1 || w.run.Deduplicated != 1 || len(w.run.Findings) != 0 {
		t.Fatalf("n=%v log=%d dedup=%d findings=%v", e.state.Vars[0], len(e.log), w.run.Deduplicated, w.run.Findings)
	}
}

func TestDuplicateAppliedIsCaught(t *testing.T) {
	w, inc, _ := setup(t)
	m := message{id: 7, ent: 0, action: inc, origin: fromActor}
	w.process(0, m)
	w.ents[0].seen = map[uint64]bool{} // a runtime that forgot its update ids
	w.process(0, m)
	only(t, w, KindDuplicateApplied, "u7 of Inc was applied twice")
}

func TestRestartRebuildsTheEntity(t *testing.T) {
	w, inc, cl := setup(t)
	for id, a := range []int{inc, inc, cl} {
		w.process(0, message{id: uint64(id + 1), ent: 0, action: a, origin: fromActor})
	}
	before := w.ents[0].state.Clone()
	w.crash(0)
	// Requests that arrive while the worker is down wait for it; the
	// duplicate of an applied one is recognized after the rebuild.
	w.deliver(message{id: 2, ent: 0, action: inc, origin: fromActor})
	w.restart(0)
	e := w.ents[0]
	if !e.up || !sameState(&e.state, &before) || len(w.run.Findings) != 0 || w.run.Deduplicated != 1 {
		t.Fatalf("rebuilt %+v from %+v; findings %v", e.state, before, w.run.Findings)
	}
}

func TestReplayMismatchIsCaught(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(e *entity)
		msg    string
	}{
		{"lost event", func(e *entity) { e.log = e.log[:1] }, "differs from the one before the crash"},
		{"reordered events", func(e *entity) { e.log[1], e.log[2] = e.log[2], e.log[1] }, "history entry 3 (Inc) no longer applies"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, inc, cl := setup(t)
			for id, a := range []int{inc, inc, cl} {
				w.process(0, message{id: uint64(id + 1), ent: 0, action: a, origin: fromActor})
			}
			w.crash(0)
			tc.tamper(w.ents[0])
			w.restart(0)
			only(t, w, KindReplayMismatch, tc.msg)
		})
	}
}

func TestQueueOrder(t *testing.T) {
	var q queue
	seq := uint64(0)
	for _, at := range []int64{5, 1, 5, 3, 1, 9, 0, 5} {
		seq++
		q.push(event{at: at, seq: seq})
	}
	var got []uint64
	for len(q) > 0 {
		got = append(got, q.pop().seq)
	}
	// By time, then by scheduling order.
	want := []uint64{7, 2, 5, 4, 1, 3, 8, 6}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}
