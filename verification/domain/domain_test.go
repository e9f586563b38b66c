package domain_test

import (
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/domain"
)

func table(t *testing.T, app, entity string) *specengine.Table {
	t.Helper()
	files, err := apps.Files(app)
	if err != nil {
		t.Fatal(err)
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	return b.Tables[entity]
}

func TestKnowledgeInitials(t *testing.T) {
	d := domain.New(table(t, "knowledge", "Knowledge"), domain.Options{})
	// content and source are free strings: null, '', and "other" each
	// (content is compared with '' only).
	in := d.Initials()
	if len(in) != 9 {
		t.Fatalf("%d initial states, want 9", len(in))
	}
	seen := map[string]bool{}
	for _, s := range in {
		seen[s.Vars[0].String()] = true
	}
	for _, want := range []string{"null", "''", "'" + domain.Other + "'"} {
		if !seen[want] {
			t.Errorf("content never %s: %v", want, seen)
		}
	}
}

func TestTaskParamsAndInitials(t *testing.T) {
	tt := table(t, "tasks", "Task")
	d := domain.New(tt, domain.Options{})
	p, _ := tt.Action("Prioritize")
	got := map[int64]bool{}
	for _, set := range d.ParamSets[p.Index] {
		if set[0].K == expr.Int {
			got[set[0].N] = true
		}
	}
	for _, n := range []int64{0, 1, 2, 4, 5, 6} {
		if !got[n] {
			t.Errorf("Prioritize level %d not explored: %v", n, got)
		}
	}
	// title must be non-empty (field invariant): null and '' are refused.
	for _, s := range d.Initials() {
		if s.Vars[0].K != expr.String || s.Vars[0].S == "" {
			t.Errorf("initial state with title %v", s.Vars[0])
		}
	}
	pr, _ := tt.SlotIndex("priority")
	if d.Bounds[pr] < 6 {
		t.Errorf("priority bound %d, want it raised to the literals", d.Bounds[pr])
	}
}
