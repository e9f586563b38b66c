package verification_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/internal/vtest"
	"github.com/temperhq/temper/verification/modelcheck"
	"github.com/temperhq/temper/verification/report"
	"github.com/temperhq/temper/verification/smt"
)

// bundles loads every bundled app, and the conformance seed when it is
// there.
func bundles(t testing.TB) map[string]*specengine.Bundle {
	out := map[string]*specengine.Bundle{}
	for _, n := range apps.Names() {
		out[n] = vtest.App(t, n)
	}
	if _, err := os.Stat(vtest.SeedDir()); err == nil {
		out["seed"] = vtest.Seed(t)
	}
	return out
}

func TestBundledAppsPassEveryLevel(t *testing.T) {
	for name, b := range bundles(t) {
		t.Run(name, func(t *testing.T) {
			rep, err := verification.Run(context.Background(), b, verification.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Passed || len(rep.Levels) != 5 {
				t.Fatalf("cascade:\n%s", rep.Text())
			}
			var js report.Report
			data, _ := json.Marshal(rep)
			if err := json.Unmarshal(data, &js); err != nil || js.Bundle != b.Hash {
				t.Errorf("JSON report does not round trip: %v", err)
			}
		})
	}
}

const head = `
[automaton]
name = "S"
states = ["A", "B", "C"]
initial = "A"
`

// TestBrokenSpecsAreCaughtByTheirLevel runs the whole cascade over specs
// that are wrong in one way each, and checks which level fails.
func TestBrokenSpecsAreCaughtByTheirLevel(t *testing.T) {
	tests := []struct {
		name  string
		spec  string
		fails []report.Level
		kind  string
	}{
		{"dead guard", head + `
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Go"
from = ["A"]
to = "B"
guard = "n > 1 && n < 1"
[[action]]
name = "Other"
from = ["A"]
to = "C"
`, []report.Level{report.L0}, report.DeadAction},
		{"counter invariant", head + `
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Inc"
from = ["A"]
effect = ["n += 1"]
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "Done"
from = ["B"]
to = "C"
[[invariant]]
name = "Small"
assert = "n <= 2"
`, []report.Level{report.L1, report.L2, report.L3}, report.InvariantViolation},
		{"required deadlock freedom", head + `terminal = ["C"]
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "Skip"
from = ["A"]
to = "C"
`, []report.Level{report.L1}, report.Deadlock},
		{"unreachable state", head + `
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "Back"
from = ["B"]
to = "A"
`, []report.Level{report.L0}, report.UnreachableState},
		{"liveness through a cycle", head + `
[[action]]
name = "Ping"
from = ["A"]
to = "B"
[[action]]
name = "Pong"
from = ["B"]
to = "A"
[[action]]
name = "Fin"
from = ["C"]
[[liveness]]
name = "Finishes"
from = ["A"]
reaches = ["C"]
`, []report.Level{report.L0, report.L1}, report.Liveness},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := vtest.Load(t, map[string][]byte{"S.ioa.toml": []byte(tc.spec)})
			rep, err := verification.Run(context.Background(), b, verification.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Passed {
				t.Fatalf("cascade passed:\n%s", rep.Text())
			}
			failed := map[report.Level]bool{}
			kinds := map[string]bool{}
			for _, l := range rep.Levels {
				if !l.Passed {
					failed[l.Level] = true
				}
				for _, f := range l.Findings {
					if f.Severity == report.Error {
						kinds[f.Kind] = true
					}
				}
			}
			for _, l := range tc.fails {
				if !failed[l] {
					t.Errorf("%s passed; want it to fail:\n%s", l.Title(), rep.Text())
				}
			}
			if !kinds[tc.kind] {
				t.Errorf("no %s finding:\n%s", tc.kind, rep.Text())
			}
		})
	}
}

// TestL0UnreachableIsNeverReached cross-checks the symbolic level against
// the explicit one: a state L0 proves unreachable is never reached by L1.
func TestL0UnreachableIsNeverReached(t *testing.T) {
	all := bundles(t)
	all["unreachable"] = vtest.Load(t, map[string][]byte{"S.ioa.toml": []byte(head + `
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Go"
from = ["A"]
to = "B"
guard = "n > 5"
[[action]]
name = "Inc"
from = ["A"]
effect = ["n += 1"]
[[action]]
name = "Never"
from = ["B"]
to = "C"
guard = "n < 0"
`)})
	checked := 0
	for name, b := range all {
		for _, tab := range b.TableList {
			an, err := smt.Analyze(context.Background(), b, tab, smt.Options{})
			if err != nil {
				t.Fatal(err)
			}
			g, err := modelcheck.Explore(context.Background(), tab, domain.New(tab, domain.Options{Bound: 8}), modelcheck.Options{})
			if err != nil {
				t.Fatal(err)
			}
			reached := g.Reached()
			for _, s := range an.Unreachable() {
				checked++
				if reached[s] {
					t.Errorf("%s/%s: L0 calls state %s unreachable, L1 reached it", name, tab.Entity, tab.States[s])
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no unreachable state to cross-check")
	}
}

func TestLevelsFilterAndSeed(t *testing.T) {
	b := bundles(t)["tasks"]
	rep, err := verification.Run(context.Background(), b, verification.Options{Levels: []report.Level{report.L1, report.L3}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Levels) != 2 || rep.Levels[0].Level != report.L1 || rep.Levels[1].Level != report.L3 {
		t.Fatalf("levels %v", rep.Levels)
	}
	if !strings.Contains(rep.Levels[1].Summary, "seed 7") {
		t.Errorf("L3 did not take the seed: %s", rep.Levels[1].Summary)
	}
}

// BenchmarkCascade times the whole cascade on each bundled app.
func BenchmarkCascade(b *testing.B) {
	for name, bundle := range bundles(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				rep, err := verification.Run(context.Background(), bundle, verification.Options{})
				if err != nil || !rep.Passed {
					b.Fatalf("%v\n%s", err, rep.Text())
				}
			}
		})
	}
}

func TestCrossEntityTriggers(t *testing.T) {
	entity := func(name, other string, create bool) string {
		resolve := `{ type = "same_id" }`
		if create {
			resolve = `{ type = "create" }`
		}
		return `
[automaton]
name = "` + name + `"
states = ["Idle", "Busy"]
initial = "Idle"
[[action]]
name = "Poke"
from = ["Busy"]
[[action.triggers]]
name = "poke_` + other + `"
kind = "entity"
target_entity = "` + other + `"
target_action = "Poke"
resolve_target = ` + resolve + `
params = { why = "x" }
[[action]]
name = "Work"
from = ["Idle"]
to = "Busy"
`
	}
	b := vtest.Load(t, map[string][]byte{"A.ioa.toml": []byte(entity("A", "B", true)), "B.ioa.toml": []byte(entity("B", "A", false))})
	rep, err := verification.Run(context.Background(), b, verification.Options{Levels: []report.Level{report.Cross}})
	if err != nil {
		t.Fatal(err)
	}
	text := rep.Text()
	for _, want := range []string{"entity triggers form a cycle: A.Poke -> B.Poke -> A.Poke", `sends parameter "why", which B.Poke takes not`, "creates a B and runs Poke, which is not enabled in its initial state Idle"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if rep.Passed {
		t.Error("cross-entity check passed")
	}
}

// TestL3ShrinksToL1Length checks that property testing shrinks its
// counterexample to the length of the model checker's shortest trace.
func TestL3ShrinksToL1Length(t *testing.T) {
	specs := map[string]string{
		"counter": head + `
[[state]]
name = "n"
type = "counter"
initial = 0
[[action]]
name = "Inc"
from = ["A", "B"]
effect = ["n += 1"]
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "End"
from = ["B"]
to = "C"
[[invariant]]
name = "Small"
assert = "n <= 2"
`,
		"list": head + `
[[state]]
name = "tags"
type = "list"
initial = []
[[action]]
name = "Tag"
from = ["A"]
params = [{ name = "t", type = "string" }]
effect = ["append(tags, params.t)"]
[[action]]
name = "Go"
from = ["A"]
to = "B"
[[action]]
name = "End"
from = ["B"]
to = "C"
[[invariant]]
name = "NoBad"
assert = "status == 'C' => 'bad' not in tags"
`,
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			b := vtest.Load(t, map[string][]byte{"S.ioa.toml": []byte(spec)})
			rep, err := verification.Run(context.Background(), b, verification.Options{Levels: []report.Level{report.L1, report.L3}})
			if err != nil {
				t.Fatal(err)
			}
			trace := func(l report.Level) int {
				for _, r := range rep.Levels {
					if r.Level != l {
						continue
					}
					for _, f := range r.Findings {
						if f.Kind == report.InvariantViolation {
							return len(f.Trace)
						}
					}
				}
				return -1
			}
			l1, l3 := trace(report.L1), trace(report.L3)
			if l1 <= 0 || l1 != l3 {
				t.Errorf("L1 trace %d steps, L3 %d:\n%s", l1, l3, rep.Text())
			}
		})
	}
}
