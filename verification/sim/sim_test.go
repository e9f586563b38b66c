package sim_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/internal/vtest"
	"github.com/temperhq/temper/verification/report"
	"github.com/temperhq/temper/verification/sim"
)

const counterSpec = `
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

[[invariant]]
name = "AtMostTwo"
assert = "n <= 2"
`

// callbackSpec races an integration's callbacks against Cancel: a
// callback can arrive when the job is no longer Running.
const callbackSpec = `
[automaton]
name = "Job"
states = ["Idle", "Running", "Done", "Failed", "Cancelled"]
initial = "Idle"
terminal = ["Done", "Failed", "Cancelled"]

[[action]]
name = "Start"
from = ["Idle"]
to = "Running"

[[action]]
name = "Cancel"
from = ["Running"]
to = "Cancelled"

[[action]]
name = "Finish"
kind = "internal"
from = ["Running"]
to = "Done"

[[action]]
name = "Fail"
kind = "internal"
from = ["Running"]
to = "Failed"

[[integration]]
name = "work"
trigger = "Start"
type = "wasm"
module = "worker"
on_success = "Finish"
on_failure = "Fail"
`

// cycleSpec cycles between A and B and never reaches C.
const cycleSpec = `
[automaton]
name = "Loop"
states = ["A", "B", "C"]
initial = "A"

[[action]]
name = "Go"
from = ["A"]
to = "B"

[[action]]
name = "Back"
from = ["B"]
to = "A"

[[liveness]]
name = "ReachesC"
from = ["A", "B"]
reaches = ["C"]
`

// leaseSpec has a state timeout and a schedule effect; Ping is rejected
// when it fires after the lease moved on (a warning).
const leaseSpec = `
[automaton]
name = "Lease"
states = ["Free", "Held", "Expired"]
initial = "Free"
terminal = ["Expired"]

[[state]]
name = "pings"
type = "counter"
initial = 0

[[action]]
name = "Acquire"
from = ["Free"]
to = "Held"
effect = "schedule('Ping', 5)"

[[action]]
name = "Ping"
kind = "internal"
from = ["Held"]
effect = "pings += 1"

[[action]]
name = "Release"
from = ["Held"]
to = "Free"

[[action]]
name = "Expire"
kind = "internal"
from = ["Held"]
to = "Expired"

[[state_timeout]]
state = "Held"
after_seconds = 30
on_timeout = "Expire"

[[liveness]]
name = "LeasesEnd"
from = ["Held"]
reaches = ["Free", "Expired"]
`

// orderSpecs trigger across entity types: placing an order creates its
// invoice, which the order's own id resolves.
var orderSpecs = map[string][]byte{
	"Order.ioa.toml": []byte(`
[automaton]
name = "Order"
states = ["Cart", "Placed"]
initial = "Cart"

[[action]]
name = "Place"
from = ["Cart"]
to = "Placed"

[[action.triggers]]
name = "bill"
kind = "entity"
target_entity = "Invoice"
target_action = "Issue"
resolve_target = { type = "create" }
`),
	"Invoice.ioa.toml": []byte(`
[automaton]
name = "Invoice"
states = ["Draft", "Issued", "Paid"]
initial = "Draft"

[[action]]
name = "Issue"
from = ["Draft"]
to = "Issued"

[[action]]
name = "Pay"
from = ["Issued"]
to = "Paid"

[[liveness]]
name = "InvoicesGetPaid"
from = ["Issued"]
reaches = ["Paid"]
`),
}

// small keeps the broken-spec runs quick.
var small = sim.Options{Seeds: 40, Steps: 200}

func TestBundledAppsPass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    func(testing.TB) *specengine.Bundle
		warn string // the one kind of warning expected, if any
	}{
		{"tasks", func(t testing.TB) *specengine.Bundle { return vtest.FixedApp(t, "tasks") }, ""},
		{"knowledge", func(t testing.TB) *specengine.Bundle { return vtest.FixedApp(t, "knowledge") }, ""},
		{"seed", vtest.Seed, ""},
		// Ping, scheduled on Acquire, may fire after the lease moved on.
		{"lease", func(t testing.TB) *specengine.Bundle { return vtest.Inline(t, leaseSpec) }, sim.KindTimerNotEnabled},
		{"orders", func(t testing.TB) *specengine.Bundle { return vtest.Load(t, orderSpecs) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := sim.Check(context.Background(), tc.b(t), sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Level != report.L2 || !r.Passed {
				t.Fatalf("want a pass:\n%s", text(r))
			}
			for _, f := range r.Findings {
				if f.Kind != tc.warn {
					t.Errorf("unexpected finding:\n%s", text(r))
					break
				}
			}
			if !strings.Contains(r.Summary, "200 seeds × 500 steps, 3 actors") || !strings.HasSuffix(r.Summary, "; 0 failures") {
				t.Errorf("summary %q", r.Summary)
			}
			if r.Stats["transitions"] == 0 || r.Stats["self_checks"] == 0 {
				t.Errorf("stats %v", r.Stats)
			}
		})
	}
}

// TestBundledTaskAssignWithoutAgent pins the bug vtest.TaskAssignFix works
// around: Assign without an agent clears a started task's assignee.
func TestBundledTaskAssignWithoutAgent(t *testing.T) {
	t.Parallel()
	files, err := apps.Files("tasks")
	if err != nil {
		t.Fatal(err)
	}
	// The task tracker as it first shipped: Assign's guard let a null
	// agent through (null equals only null) and the CSDL did not require
	// the parameter.
	spec := string(files["tasks/Task.ioa.toml"])
	fixed := `guard = "params.agent != null && params.agent != ''"`
	if !strings.Contains(spec, fixed) {
		t.Fatal("the bundled Task spec's Assign guard changed; update this test")
	}
	files["tasks/Task.ioa.toml"] = []byte(strings.Replace(spec, fixed, `guard = "params.agent != ''"`, 1))
	files["tasks/model.csdl.xml"] = []byte(strings.Replace(string(files["tasks/model.csdl.xml"]),
		`<Parameter Name="agent" Type="Edm.String" Nullable="false"/>`, `<Parameter Name="agent" Type="Edm.String"/>`, 1))
	r, err := sim.Check(context.Background(), vtest.Load(t, files), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := firstError(t, r)
	if f.Invariant != "StartedTasksHaveAnAssignee" || f.Trace[len(f.Trace)-1].Action != "Assign" {
		t.Errorf("unexpected finding:\n%s", text(r))
	}
}

func TestCatchesBrokenSpecs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		src       string
		kind      string
		invariant string
		action    string // the last trace step, or the rejected callback
	}{
		{"counter", counterSpec, report.InvariantViolation, "AtMostTwo", "Inc"},
		{"bool", vtest.Source(t, "switch-fires-unarmed"), report.InvariantViolation, "OnlyArmedFires", "Fire"},
		{"string", vtest.Source(t, "account-renamed-root"), report.InvariantViolation, "NeverRoot", "Rename"},
		{"list", vtest.Source(t, "bag-overfilled"), report.InvariantViolation, "AtMostTwoItems", "Put"},
		{"callback not enabled", callbackSpec, report.CallbackNotEnabled, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := sim.Check(context.Background(), vtest.Inline(t, tc.src), small)
			if err != nil {
				t.Fatal(err)
			}
			f := firstError(t, r)
			if f.Kind != tc.kind || f.Invariant != tc.invariant {
				t.Fatalf("want %s %s:\n%s", tc.kind, tc.invariant, text(r))
			}
			if f.Seed == nil || len(f.Trace) == 0 || f.Trace[0].Action != "" {
				t.Fatalf("finding without seed or trace from the create: %+v", f)
			}
			if tc.action != "" && f.Trace[len(f.Trace)-1].Action != tc.action {
				t.Errorf("trace ends with %q, want %q", f.Trace[len(f.Trace)-1].Action, tc.action)
			}
			if tc.kind == report.CallbackNotEnabled && !strings.Contains(f.Msg, "callback of integration work") {
				t.Errorf("message %q", f.Msg)
			}
			if !strings.Contains(r.Summary, "failure") || r.Stats["failing_seeds"] == 0 {
				t.Errorf("summary %q stats %v", r.Summary, r.Stats)
			}
		})
	}
}

// TestLivenessWithoutPathWarns: a property no action sequence can satisfy
// is L1's to fail; L2 warns.
func TestLivenessWithoutPathWarns(t *testing.T) {
	t.Parallel()
	r, err := sim.Check(context.Background(), vtest.Inline(t, cycleSpec), small)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Passed || len(r.Findings) == 0 {
		t.Fatalf("want a pass with a liveness warning:\n%s", text(r))
	}
	for _, f := range r.Findings {
		if f.Kind != report.Liveness || f.Severity != report.Warning || f.Invariant != "ReachesC" || f.Seed == nil {
			t.Errorf("unexpected finding %+v", f)
		}
	}
}

// TestSameSeedSameRun is the self-check as a test: a seed's run is the
// same every time, whatever the parallelism, and seeds differ.
func TestSameSeedSameRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, name := range []string{"tasks", "knowledge"} {
		b := vtest.FixedApp(t, name)
		o := sim.Options{Faults: sim.AllFaults, NoSwarm: true}
		a, err := sim.Replay(ctx, b, 7, o)
		if err != nil {
			t.Fatal(err)
		}
		again, err := sim.Replay(ctx, b, 7, o)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, again) {
			t.Errorf("%s: seed 7 gave two runs:\n%+v\n%+v", name, a, again)
		}
		other, err := sim.Replay(ctx, b, 8, o)
		if err != nil {
			t.Fatal(err)
		}
		if other.Digest == a.Digest {
			t.Errorf("%s: seeds 7 and 8 have the same digest", name)
		}
		one, err := sim.Check(ctx, b, sim.Options{Seeds: 50, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		many, err := sim.Check(ctx, b, sim.Options{Seeds: 50, Workers: 4})
		if err != nil {
			t.Fatal(err)
		}
		delete(one.Stats, "events_per_sec")
		delete(many.Stats, "events_per_sec")
		if !reflect.DeepEqual(one.Findings, many.Findings) || !reflect.DeepEqual(one.Stats, many.Stats) || one.Summary != many.Summary {
			t.Errorf("%s: the result depends on the number of workers", name)
		}
	}
}

// TestFailingSeedReplays: the seed of a failure reproduces it exactly,
// trace included, and the event trace shows it.
func TestFailingSeedReplays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, src := range []string{counterSpec, callbackSpec} {
		b := vtest.Inline(t, src)
		r, err := sim.Check(ctx, b, small)
		if err != nil {
			t.Fatal(err)
		}
		f := firstError(t, r)
		var buf bytes.Buffer
		o := small
		o.Trace = &buf
		run, err := sim.Replay(ctx, b, *f.Seed, o)
		if err != nil {
			t.Fatal(err)
		}
		if !run.Failed() {
			t.Fatalf("seed %d does not fail on replay", *f.Seed)
		}
		g := run.Findings[len(run.Findings)-1]
		if g.Kind != f.Kind || g.Invariant != f.Invariant || !reflect.DeepEqual(g.Trace, f.Trace) || !strings.HasPrefix(f.Msg, g.Msg) {
			t.Errorf("replay differs:\n%+v\n%+v", g, f)
		}
		if !strings.Contains(buf.String(), "FAIL "+f.Kind) {
			t.Errorf("event trace lacks the failure:\n%s", tail(buf.String(), 10))
		}
	}
}

// TestFaultsAreExercised: with every fault on, the runtime model crashes
// and rebuilds workers, loses, duplicates and deduplicates messages, fails
// integrations and fires timers, and still finds nothing wrong in a
// correct spec.
func TestFaultsAreExercised(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		b     *specengine.Bundle
		check func(r *sim.Run) bool
	}{
		{"tasks", vtest.FixedApp(t, "tasks"), func(r *sim.Run) bool {
			return r.Crashes > 0 && r.Dropped > 0 && r.Duplicated > 0 && r.Deduplicated > 0
		}},
		{"knowledge", vtest.FixedApp(t, "knowledge"), func(r *sim.Run) bool { return r.Integrations > 0 && r.Crashes > 0 }},
		{"lease", vtest.Inline(t, leaseSpec), func(r *sim.Run) bool { return r.Timers > 0 && r.Crashes > 0 }},
		{"orders", vtest.Load(t, orderSpecs), func(r *sim.Run) bool { return r.Entities > 6 }},
	}
	for _, tc := range tests {
		var total sim.Run
		for seed := uint64(1); seed <= 5; seed++ {
			run, err := sim.Replay(ctx, tc.b, seed, sim.Options{NoSwarm: true, Steps: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if run.Failed() {
				t.Fatalf("%s seed %d: %+v", tc.name, seed, run.Findings)
			}
			if run.Faults != run.Faults&sim.AllFaults || len(run.Actions) == 0 {
				t.Errorf("%s: faults %v actions %v", tc.name, run.Faults, run.Actions)
			}
			total.Crashes += run.Crashes
			total.Dropped += run.Dropped
			total.Duplicated += run.Duplicated
			total.Deduplicated += run.Deduplicated
			total.Integrations += run.Integrations
			total.Timers += run.Timers
			total.LivenessChecks += run.LivenessChecks
			total.Entities = max(total.Entities, run.Entities)
		}
		if !tc.check(&total) {
			t.Errorf("%s: faults not exercised: %+v", tc.name, total)
		}
	}
}

// TestLivenessDriver: after a few actor steps most entities are still in a
// liveness from-state; the driver brings each to a reaches-state through
// the runtime.
func TestLivenessDriver(t *testing.T) {
	t.Parallel()
	for _, b := range []*specengine.Bundle{vtest.FixedApp(t, "tasks"), vtest.Inline(t, leaseSpec), vtest.Load(t, orderSpecs)} {
		for seed := uint64(1); seed <= 10; seed++ {
			run, err := sim.Replay(context.Background(), b, seed, sim.Options{Steps: 4})
			if err != nil {
				t.Fatal(err)
			}
			if run.Failed() {
				t.Fatalf("%s seed %d: %+v", b.TableList[0].Entity, seed, run.Findings)
			}
			if run.LivenessChecks == 0 && b.TableList[0].Entity == "Task" {
				t.Errorf("seed %d: no liveness obligation driven", seed)
			}
		}
	}
}

func TestFaultSet(t *testing.T) {
	t.Parallel()
	if got := sim.AllFaults.String(); got != "delay drop dup crash integration timer" {
		t.Errorf("AllFaults = %q", got)
	}
	s := sim.FaultSet(0).With(sim.FaultCrash).With(sim.FaultDup)
	if !s.Has(sim.FaultCrash) || s.Has(sim.FaultDrop) || s.String() != "dup crash" {
		t.Errorf("set %v", s)
	}
	for _, tc := range []struct {
		set  sim.FaultSet
		want string
	}{
		{s, "faults: dup crash;"},
		{sim.NoFaults, "faults: none;"},
		{0, "faults: delay drop dup crash;"}, // the bundle has no integrations or timers
	} {
		r, err := sim.Check(context.Background(), vtest.FixedApp(t, "tasks"), sim.Options{Seeds: 5, Faults: tc.set})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Summary, tc.want) {
			t.Errorf("summary %q, want %q", r.Summary, tc.want)
		}
	}
	run, err := sim.Replay(context.Background(), vtest.FixedApp(t, "tasks"), 3, sim.Options{Faults: sim.NoFaults, NoSwarm: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Faults != 0 || run.Crashes+run.Dropped+run.Duplicated != 0 || run.Failed() {
		t.Errorf("a fault-free run: %+v", run)
	}
}

func TestCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := sim.Check(ctx, vtest.FixedApp(t, "tasks"), sim.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := sim.Check(ctx, nil, sim.Options{}); !errors.Is(err, sim.ErrNoBundle) {
		t.Errorf("err = %v, want ErrNoBundle", err)
	}
}

func firstError(t *testing.T, r *report.Result) report.Finding {
	t.Helper()
	if r.Passed {
		t.Fatalf("want a failure:\n%s", text(r))
	}
	for _, f := range r.Findings {
		if f.Severity == report.Error {
			return f
		}
	}
	t.Fatalf("failed without an error finding:\n%s", text(r))
	return report.Finding{}
}

func text(r *report.Result) string {
	return (&report.Report{Levels: []*report.Result{r}}).Text()
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func BenchmarkCheck(b *testing.B) {
	for _, name := range []string{"tasks", "knowledge"} {
		bundle := vtest.FixedApp(b, name)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				r, err := sim.Check(context.Background(), bundle, sim.Options{})
				if err != nil || !r.Passed {
					b.Fatal(err, r.Summary)
				}
				b.ReportMetric(r.Stats["events"]/r.Duration.Seconds(), "events/s")
			}
		})
	}
}
