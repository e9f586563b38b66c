package entity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
)

// bundleSpecs serves loaded bundles by their content hash.
type bundleSpecs map[string]*specengine.Bundle

func (s bundleSpecs) Table(version, entity string) (*specengine.Table, error) {
	b, ok := s[version]
	if !ok {
		return nil, ErrSpecNotFound
	}
	t, ok := b.Tables[entity]
	if !ok {
		return nil, ErrSpecNotFound
	}
	return t, nil
}

func (s bundleSpecs) add(t *testing.T, files map[string][]byte) string {
	t.Helper()
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	s[b.Hash] = b
	return b.Hash
}

type recordingHook struct {
	mu      sync.Mutex
	commits []Commit
}

func (h *recordingHook) AfterCommit(_ context.Context, c Commit) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.commits = append(h.commits, c)
	return nil
}

func (h *recordingHook) actions() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, c := range h.commits {
		out = append(out, c.Action+"@"+c.After.Status)
	}
	return out
}

type fixture struct {
	env   *testsuite.TestWorkflowEnvironment
	specs bundleSpecs
	hook  *recordingHook
	gate  *fakeGate
	// integration answers IntegrationActivity (default: {"hits": 3}).
	integration func(IntegrationCall) (Values, error)
	w           *Workflows
}

// fakeGate allows internal dispatches except the actions in deny, and
// records what it was asked.
type fakeGate struct {
	mu    sync.Mutex
	deny  map[string]bool
	asked []string
}

func (g *fakeGate) AuthorizeDispatch(_ context.Context, d Dispatch) (Verdict, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, d.Principal+" "+d.Action+"@"+d.Status)
	if g.deny[d.Action] {
		return Verdict{Decision: "deny"}, nil
	}
	return Verdict{Allowed: true, Decision: "allow", Policies: []string{"test"}}, nil
}

func setup(t *testing.T, opts Options) *fixture {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	f := &fixture{env: s.NewTestWorkflowEnvironment(), specs: bundleSpecs{}, hook: &recordingHook{}, gate: &fakeGate{deny: map[string]bool{}}}
	f.w = &Workflows{Specs: f.specs, Hook: f.hook, Gate: f.gate, Opts: opts}
	f.env.RegisterWorkflowWithOptions(f.w.Entity, workflow.RegisterOptions{Name: WorkflowName})
	f.env.RegisterActivityWithOptions(f.hook.AfterCommit, activity.RegisterOptions{Name: CommitActivity})
	f.env.RegisterActivityWithOptions(f.gate.AuthorizeDispatch, activity.RegisterOptions{Name: GateActivity})
	f.integration = func(IntegrationCall) (Values, error) { return Values{"hits": int64(3)}, nil }
	f.env.RegisterActivityWithOptions(func(_ context.Context, c IntegrationCall) (Values, error) { return f.integration(c) },
		activity.RegisterOptions{Name: IntegrationActivity})
	return f
}

func appFiles(t *testing.T, name string) map[string][]byte {
	t.Helper()
	files, err := apps.Files(name)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

type updateResult struct {
	rejected error
	err      error
	entity   Entity
}

// update sends an update at virtual time d and records its outcome.
func (f *fixture) update(d time.Duration, id string, req Request, out *updateResult) {
	f.env.RegisterDelayedCallback(func() {
		f.env.UpdateWorkflow(UpdateAction, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { out.rejected = err },
			OnComplete: func(v any, err error) {
				out.err = err
				if e, ok := v.(Entity); ok {
					out.entity = e
				}
			},
		}, req)
	}, d)
}

func (f *fixture) query(t *testing.T) Entity {
	t.Helper()
	v, err := f.env.QueryWorkflow(QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var e Entity
	if err := v.Get(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

func taskStart(spec string) Start {
	return Start{Ref: Ref{App: "tracker", EntitySet: "Tasks", Key: "t1"}, Entity: "Task", Spec: spec,
		Body: map[string]any{"title": "Review PR #42", "assignee": "agent-codereview"}, Creator: "Agent::\"a\""}
}

func rejectionType(err error) (string, string) {
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		return "", ""
	}
	var outcome string
	_ = ae.Details(&outcome)
	return ae.Type(), outcome
}

func TestActionsAcceptAndReject(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, appFiles(t, "tasks"))
	var complete, start, prio, bad, unknown, badParam, retry updateResult
	f.update(time.Second, "u1", Request{Action: "Complete"}, &complete)
	f.update(2*time.Second, "u2", Request{Action: "Start"}, &start)
	f.update(3*time.Second, "u3", Request{Action: "Prioritize", Params: map[string]any{"level": 9}}, &bad)
	f.update(4*time.Second, "u4", Request{Action: "Prioritize", Params: map[string]any{"level": 4}}, &prio)
	f.update(5*time.Second, "u5", Request{Action: "Fly"}, &unknown)
	f.update(6*time.Second, "u6", Request{Action: "Prioritize", Params: map[string]any{"level": "high"}}, &badParam)
	f.update(7*time.Second, "u2", Request{Action: "Start"}, &retry) // same update id: the first result
	f.env.RegisterDelayedCallback(func() {
		e := f.query(t)
		if e.Status != "InProgress" || e.Version != 2 || e.Fields["priority"] != int64(4) {
			t.Errorf("query: %+v", e)
		}
		f.env.CancelWorkflow()
	}, 8*time.Second)
	f.env.ExecuteWorkflow(WorkflowName, taskStart(spec))

	for name, tc := range map[string]struct {
		r       updateResult
		typ     string
		outcome string
	}{
		"wrong state":    {complete, ErrTypeRejected, "wrong from-state"},
		"guard false":    {bad, ErrTypeRejected, "guard false"},
		"unknown action": {unknown, ErrTypeRejected, "unknown action"},
		"bad params":     {badParam, ErrTypeBadRequest, ""},
	} {
		typ, outcome := rejectionType(tc.r.rejected)
		if typ != tc.typ || outcome != tc.outcome {
			t.Errorf("%s: rejected with %v (type %q, outcome %q), want %q %q", name, tc.r.rejected, typ, outcome, tc.typ, tc.outcome)
		}
	}
	if start.err != nil || start.rejected != nil || start.entity.Status != "InProgress" || start.entity.Version != 1 {
		t.Errorf("Start: %+v", start)
	}
	if retry.err != nil || retry.rejected != nil || retry.entity.Version != 1 {
		t.Errorf("retried update: %+v", retry)
	}
	if prio.entity.Version != 2 {
		t.Errorf("Prioritize: %+v", prio)
	}
	got := f.hook.actions()
	want := []string{"@Open", "Start@InProgress", "Prioritize@InProgress"}
	if len(got) != len(want) {
		t.Fatalf("commits %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("commit %d = %s, want %s", i, got[i], want[i])
		}
	}
}

func TestCreateWithBadBodyFails(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, appFiles(t, "tasks"))
	st := taskStart(spec)
	st.Body = map[string]any{"assignee": "x"} // no title: field invariant
	f.env.ExecuteWorkflow(WorkflowName, st)
	typ, _ := rejectionType(f.env.GetWorkflowError())
	if typ != ErrTypeBadRequest {
		t.Fatalf("workflow error %v, want %s", f.env.GetWorkflowError(), ErrTypeBadRequest)
	}
}

const timerSpec = `
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
effect = ["renewals += 1", "schedule('Warn', 60)"]

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
after_seconds = 300
on_timeout = "Expire"
`

func TestTimersAndStateTimeouts(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(timerSpec)})
	var renew updateResult
	f.update(time.Second, "r1", Request{Action: "Renew"}, &renew)
	var at []string
	for _, d := range []time.Duration{30 * time.Second, 90 * time.Second, 200 * time.Second, 400 * time.Second} {
		f.env.RegisterDelayedCallback(func() { at = append(at, f.query(t).Status) }, d)
	}
	f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 500*time.Second)
	f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "a", EntitySet: "Leases", Key: "l1"}, Entity: "Lease", Spec: spec})
	want := []string{"Active", "Expiring", "Expiring", "Expired"}
	for i := range want {
		if i >= len(at) || at[i] != want[i] {
			t.Fatalf("statuses over time %v, want %v", at, want)
		}
	}
	if got := f.hook.actions(); len(got) != 4 || got[2] != "Warn@Expiring" || got[3] != "Expire@Expired" {
		t.Errorf("commits %v", got)
	}
	if got := strings.Join(f.gate.asked, ","); got != `Service::"timer" Warn@Active,Service::"timer" Expire@Expiring` {
		t.Errorf("the gate was asked %s", got)
	}
}

// TestTimersNeedTheGate: a timer's action commits only when the gate
// allows it; a worker without a gate refuses internal dispatches.
func TestTimersNeedTheGate(t *testing.T) {
	tests := []struct {
		name    string
		deny    []string
		noGate  bool
		final   string
		commits int
	}{
		{"gate refuses Expire", []string{"Expire"}, false, "Expiring", 3},
		{"gate refuses Warn", []string{"Warn"}, false, "Active", 2},
		{"no gate", nil, true, "Active", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, Options{})
			for _, a := range tc.deny {
				f.gate.deny[a] = true
			}
			if tc.noGate {
				f.w.Gate = nil
			}
			spec := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(timerSpec)})
			var renew updateResult
			f.update(time.Second, "r1", Request{Action: "Renew"}, &renew)
			var final string
			f.env.RegisterDelayedCallback(func() { final = f.query(t).Status; f.env.CancelWorkflow() }, 500*time.Second)
			f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "a", EntitySet: "Leases", Key: "l1"}, Entity: "Lease", Spec: spec})
			if final != tc.final || len(f.hook.actions()) != tc.commits {
				t.Fatalf("final %s, commits %v; want %s and %d commits", final, f.hook.actions(), tc.final, tc.commits)
			}
		})
	}
}

func TestContinueAsNewCarriesState(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(timerSpec)})
	var r1, r2 updateResult
	f.update(time.Second, "r1", Request{Action: "Renew"}, &r1)
	f.update(2*time.Second, "r2", Request{Action: "Renew"}, &r2)
	f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "a", EntitySet: "Leases", Key: "l1"}, Entity: "Lease", Spec: spec, Limits: Limits{MaxUpdatesPerRun: 2}})
	var can *workflow.ContinueAsNewError
	if !errors.As(f.env.GetWorkflowError(), &can) {
		t.Fatalf("workflow ended with %v, want continue-as-new", f.env.GetWorkflowError())
	}
	if can.WorkflowType.Name != WorkflowName {
		t.Errorf("continued as %s", can.WorkflowType.Name)
	}
	var next Start
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.Carry == nil || next.Carry.State.Version != 2 || len(next.Carry.Recent) != 2 || len(next.Carry.Timers) != 2 {
		t.Fatalf("carry %+v", next.Carry)
	}
	if next.Carry.Timers[0].Action != "Warn" {
		t.Errorf("timers %+v", next.Carry.Timers)
	}
	// The continued run keeps the state and answers a retried update id
	// with its first result.
	g := setup(t, Options{})
	g.specs[spec] = f.specs[spec]
	var again updateResult
	g.update(time.Second, "r2", Request{Action: "Renew"}, &again)
	var status string
	// The carried Warn timers (due 60 s after the renewals) fire in the
	// new run.
	g.env.RegisterDelayedCallback(func() { status = g.query(t).Status }, 90*time.Second)
	g.env.RegisterDelayedCallback(g.env.CancelWorkflow, 100*time.Second)
	g.env.ExecuteWorkflow(WorkflowName, next)
	if again.err != nil || again.rejected != nil || again.entity.Version != 2 {
		t.Errorf("retried update after continue-as-new: %+v", again)
	}
	if status != "Expiring" {
		t.Errorf("carried timer did not fire: status %q", status)
	}
}

func TestHotSwapAndStranding(t *testing.T) {
	f := setup(t, Options{})
	v1 := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(timerSpec)})
	// v2 adds a state and an action; v3 renames Active to Live.
	v2src := strings.Replace(timerSpec, `"Active", "Expiring", "Expired"`, `"Active", "Expiring", "Expired", "Paused"`, 1) +
		"\n[[action]]\nname = \"Pause\"\nfrom = [\"Active\"]\nto = \"Paused\"\n"
	v2 := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(v2src)})
	v3 := f.specs.add(t, map[string][]byte{"Lease.ioa.toml": []byte(strings.ReplaceAll(timerSpec, "Active", "Live"))})
	var old, stranded, mapped, pause updateResult
	f.update(time.Second, "p0", Request{Action: "Pause"}, &old)
	f.update(2*time.Second, "s1", Request{Action: "Renew", Spec: v3}, &stranded)
	f.update(3*time.Second, "p1", Request{Action: "Pause", Spec: v2}, &pause)
	f.update(4*time.Second, "m1", Request{Action: "Expire", Spec: v3, StateMap: map[string]string{"Paused": "Expiring"}}, &mapped)
	f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 5*time.Second)
	f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "a", EntitySet: "Leases", Key: "l1"}, Entity: "Lease", Spec: v1})
	if typ, outcome := rejectionType(old.rejected); typ != ErrTypeRejected || outcome != "unknown action" {
		t.Errorf("Pause on v1: %+v", old)
	}
	if typ, _ := rejectionType(stranded.rejected); typ != ErrTypeStranded {
		t.Errorf("v3 without a state map: %+v", stranded)
	}
	if pause.err != nil || pause.rejected != nil || pause.entity.Status != "Paused" || pause.entity.Spec != v2 {
		t.Errorf("Pause on v2: %+v", pause)
	}
	if mapped.err != nil || mapped.rejected != nil || mapped.entity.Status != "Expired" || mapped.entity.Spec != v3 {
		t.Errorf("Expire on v3 with a state map: %+v", mapped)
	}
}

func TestSignalsApplyDedupeAndNeverFail(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, appFiles(t, "knowledge"))
	send := func(d time.Duration, req Request) {
		f.env.RegisterDelayedCallback(func() { f.env.SignalWorkflow(SignalAction, req) }, d)
	}
	var index updateResult
	f.update(time.Second, "i", Request{Action: "Index"}, &index)
	send(2*time.Second, Request{Action: "IndexSucceeded", Params: map[string]any{"hits": 3}, RequestID: "cb-1"})
	send(3*time.Second, Request{Action: "IndexSucceeded", Params: map[string]any{"hits": 3}, RequestID: "cb-1"}) // duplicate
	send(4*time.Second, Request{Action: "Archive", RequestID: "a-0"})                                            // valid
	send(5*time.Second, Request{Action: "Link", RequestID: "l-1"})                                               // rejected: Archived
	var final Entity
	f.env.RegisterDelayedCallback(func() { final = f.query(t); f.env.CancelWorkflow() }, 6*time.Second)
	f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "my-app", EntitySet: "KnowledgeEntries", Key: "k1"}, Entity: "Knowledge", Spec: spec,
		Body: map[string]any{"content": "c", "source": "s"}})
	if final.Status != "Archived" || final.Version != 4 {
		t.Errorf("after signals: %+v", final)
	}
	// The integration's own callback, then cb-1 once, then Archive.
	want := []string{"@Draft", "Index@Indexed", "IndexSucceeded@Indexed", "IndexSucceeded@Indexed", "Archive@Archived"}
	if got := f.hook.actions(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("commits %v, want %v", got, want)
	}
	if _, ok := f.env.GetWorkflowError().(*temporal.CanceledError); !ok && f.env.GetWorkflowError() != nil && !errors.As(f.env.GetWorkflowError(), new(*temporal.CanceledError)) {
		t.Errorf("a rejected signal failed the workflow: %v", f.env.GetWorkflowError())
	}
}

func TestUpdateDeleteAndPreconditions(t *testing.T) {
	f := setup(t, Options{})
	spec := f.specs.add(t, appFiles(t, "tasks"))
	v0, v5 := int64(0), int64(5)
	var stale, patch, badPatch, statePatch, del updateResult
	f.update(time.Second, "s", Request{Action: "Start", IfVersion: &v5}, &stale)
	f.update(2*time.Second, "p", Request{Update: map[string]any{"description": "more"}, IfVersion: &v0}, &patch)
	f.update(3*time.Second, "b", Request{Update: map[string]any{"nope": 1}}, &badPatch)
	f.update(4*time.Second, "sv", Request{Update: map[string]any{"priority": 3}}, &statePatch)
	f.update(5*time.Second, "d", Request{Delete: true}, &del)
	f.env.ExecuteWorkflow(WorkflowName, taskStart(spec))
	if typ, _ := rejectionType(stale.rejected); typ != ErrTypePrecondition {
		t.Errorf("stale If-Match: %+v", stale)
	}
	if patch.err != nil || patch.rejected != nil || patch.entity.Fields["description"] != "more" || patch.entity.Version != 1 {
		t.Errorf("patch: %+v", patch)
	}
	for name, r := range map[string]updateResult{"unknown field": badPatch, "state variable": statePatch} {
		if typ, _ := rejectionType(r.rejected); typ != ErrTypeBadRequest {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if del.err != nil || del.rejected != nil || del.entity.Version != 2 {
		t.Errorf("delete: %+v", del)
	}
	if !f.env.IsWorkflowCompleted() || f.env.GetWorkflowError() != nil {
		t.Errorf("deleted entity's workflow: completed %v, error %v", f.env.IsWorkflowCompleted(), f.env.GetWorkflowError())
	}
	got := f.hook.actions()
	if len(got) != 3 || got[1] != ActionUpdate+"@Open" || got[2] != ActionDelete+"@Open" {
		t.Errorf("commits %v", got)
	}
	f.hook.mu.Lock()
	last := f.hook.commits[len(f.hook.commits)-1]
	f.hook.mu.Unlock()
	if !last.Deleted {
		t.Error("delete commit not marked deleted")
	}
	// The workflow has ended, so nothing more reaches it; actions after a
	// delete answer 404 over HTTP (api TestGateway/delete, real server).
}

// TestIntegrationCallbacks: after Index commits, the integration's module
// runs as an activity; its output becomes IndexSucceeded's parameters, a
// typed failure IndexFailed's, both applied as the integration principal
// through the gate.
func TestIntegrationCallbacks(t *testing.T) {
	tests := []struct {
		name   string
		answer func(IntegrationCall) (Values, error)
		deny   bool
		want   string
		params string
	}{
		{"success", func(c IntegrationCall) (Values, error) {
			if c.Module != "search_service" || c.Fields["content"] != "c" || c.Status != "Indexed" {
				return nil, fmt.Errorf("call %+v", c)
			}
			return Values{"hits": int64(7)}, nil
		}, false, "IndexSucceeded", "map[hits:7]"},
		{"typed failure", func(IntegrationCall) (Values, error) {
			return nil, temporal.NewNonRetryableApplicationError("endpoint answered 503", IntegrationErrorType, nil,
				IntegrationFailure{Kind: "http_status", Message: "endpoint answered 503", Status: 503})
		}, false, "IndexFailed", "map[kind:http_status message:endpoint answered 503 status:503]"},
		{"untyped error", func(IntegrationCall) (Values, error) {
			return nil, temporal.NewNonRetryableApplicationError("module not found", "NotFound", nil)
		}, false, "IndexFailed", "map[kind:error message:module not found]"},
		{"the gate refuses the callback", nil, true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, Options{})
			if tc.answer != nil {
				f.integration = tc.answer
			}
			if tc.deny {
				f.gate.deny["IndexSucceeded"] = true
			}
			spec := f.specs.add(t, appFiles(t, "knowledge"))
			var index updateResult
			f.update(time.Second, "i", Request{Action: "Index"}, &index)
			f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 10*time.Second)
			f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "k", EntitySet: "KnowledgeEntries", Key: "k1"}, Entity: "Knowledge", Spec: spec,
				Body: map[string]any{"content": "c", "source": "s"}})
			f.hook.mu.Lock()
			defer f.hook.mu.Unlock()
			cs := f.hook.commits
			if tc.want == "" {
				if len(cs) != 2 {
					t.Fatalf("commits %d, want the create and Index only", len(cs))
				}
				return
			}
			if len(cs) != 3 || cs[2].Action != tc.want || fmt.Sprint(cs[2].Params) != tc.params || cs[2].Principal != IntegrationPrincipal {
				t.Fatalf("last commit %+v, want %s with %s", cs[len(cs)-1], tc.want, tc.params)
			}
		})
	}
}

// TestWasmTrigger: an [[action.triggers]] of kind wasm runs its module
// after the action and its callbacks apply like an [[integration]]'s.
func TestWasmTrigger(t *testing.T) {
	f := setup(t, Options{})
	var called IntegrationCall
	f.integration = func(c IntegrationCall) (Values, error) { called = c; return Values{"score": int64(9)}, nil }
	spec := f.specs.add(t, map[string][]byte{"Doc.ioa.toml": []byte(`
[automaton]
name = "Doc"
states = ["Draft", "Scored"]
initial = "Draft"

[[action]]
name = "Score"
from = ["Draft"]
to = "Scored"

[[action.triggers]]
name = "scorer"
kind = "wasm"
module = "score_module"
on_success = "Scored"
on_failure = "ScoreFailed"
config = { mode = "fast" }
`)})
	var res updateResult
	f.update(time.Second, "s", Request{Action: "Score"}, &res)
	f.env.RegisterDelayedCallback(f.env.CancelWorkflow, 10*time.Second)
	f.env.ExecuteWorkflow(WorkflowName, Start{Ref: Ref{App: "d", EntitySet: "Docs", Key: "d1"}, Entity: "Doc", Spec: spec})
	if called.Module != "score_module" || called.Integration != "scorer" || called.Config["mode"] != "fast" || called.Status != "Scored" {
		t.Fatalf("integration call %+v", called)
	}
	if got := strings.Join(f.hook.actions(), " "); got != "@Draft Score@Scored Scored@Scored" {
		t.Fatalf("commits %s", got)
	}
}
