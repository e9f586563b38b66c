package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/verification/report"
)

// seedFiles reads the founding document's Knowledge spec and model from
// the shared conformance data (never copied into the repository).
func seedFiles(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range []string{"Knowledge.ioa.toml", "model.csdl.xml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "shared", "conformance", "seed", n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

func steps(r resp) string {
	var out []string
	list, _ := r.body["steps"].([]any)
	for _, v := range list {
		st := v.(map[string]any)
		out = append(out, fmt.Sprint(st["name"], ":", st["status"]))
	}
	return strings.Join(out, " ")
}

// TestFoundingFlow is the founding document's flow over HTTP on a real
// Temporal server: an agent submits Knowledge + CSDL for my-app, the
// cascade passes, the API is live: create, Index, Link with related, and
// a list filtered by status.
func TestFoundingFlow(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	r := s.doAs(t, a, "POST", "/api/apps/my-app/specs", seedFiles(t))
	if r.status != http.StatusOK || r.body["status"] != "succeeded" {
		t.Fatalf("submit: %d %s", r.status, r.raw)
	}
	want := "parse:passed L0:passed L1:passed L2:passed L3:passed cross:passed strand:passed shadow:passed activate:passed"
	if got := steps(r); got != want {
		t.Fatalf("steps %s, want %s", got, want)
	}
	rep := r.body["report"].(map[string]any)
	if rep["passed"] != true || len(rep["levels"].([]any)) != 5 {
		t.Fatalf("report: %v", rep)
	}
	version := r.body["version"].(string)
	set := "/odata/my-app/KnowledgeEntries"
	if r := s.doAs(t, a, "POST", set, map[string]any{"id": "k1", "content": "Temporal runs workflows"}); r.status != http.StatusCreated || r.body["status"] != "Draft" {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", set+"('k1')/Temper.Index", map[string]any{}); r.status != http.StatusOK || r.body["status"] != "Indexed" {
		t.Fatalf("Index: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", set+"('k1')/Temper.Link", map[string]any{"related": []string{"k-12", "k-31"}}); r.status != http.StatusOK || r.body["status"] != "Linked" {
		t.Fatalf("Link: %d %s", r.status, r.raw)
	}
	s.doAs(t, a, "POST", set, map[string]any{"id": "k2", "content": "draft"})
	if r := s.doAs(t, a, "GET", set+"?$filter=status%20eq%20'Linked'&$count=true", nil); r.status != http.StatusOK || r.body["@odata.count"] != 1.0 || valueIDs(r) != "k1" {
		t.Fatalf("list Linked: %d %s", r.status, r.raw)
	}
	// The version is recorded with who submitted it; the deploy is listed.
	r = s.doAs(t, a, "GET", "/api/apps/my-app/versions", nil)
	vs := r.body["value"].([]any)
	if r.status != http.StatusOK || r.body["active"] != version || len(vs) != 1 || vs[0].(map[string]any)["submitted_by"] != `Agent::"agent-a"` {
		t.Fatalf("versions: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "GET", "/api/apps/my-app/specs", nil); r.status != http.StatusOK || len(r.body["deploys"].([]any)) != 1 {
		t.Fatalf("status: %d %s", r.status, r.raw)
	}
	// Another agent does not own my-app: its submission is a decision.
	b := s.issue(t, identity.Agent, "agent-b")
	decisionOf(t, s.doAs(t, b, "POST", "/api/apps/my-app/specs", seedFiles(t)))
	// Agents never write policies, not even through a submission.
	files := seedFiles(t)
	files["policies.cedar"] = `permit (principal, action, resource);`
	if r := s.doAs(t, a, "POST", "/api/apps/my-app/specs?mode=merge", files); r.status != http.StatusForbidden || r.code() != "Forbidden" {
		t.Fatalf("agent submits policies: %d %s", r.status, r.raw)
	}
}

// TestFailingCascadeKeepsServing: a spec that fails L1 is refused with the
// counterexample in the response, and the old version still serves.
func TestFailingCascadeKeepsServing(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	if r := s.doAs(t, a, "POST", "/api/apps/my-app/specs", seedFiles(t)); r.status != http.StatusOK {
		t.Fatalf("v1: %d %s", r.status, r.raw)
	}
	set := "/odata/my-app/KnowledgeEntries"
	s.doAs(t, a, "POST", set, map[string]any{"id": "k1", "content": "x"})
	bad := seedFiles(t)
	bad["Knowledge.ioa.toml"] += `
[[liveness]]
name = "EntriesGetArchived"
from = ["Draft", "Indexed", "Linked"]
reaches = ["Archived"]
`
	r := s.doAs(t, a, "POST", "/api/apps/my-app/specs?mode=merge", bad)
	if r.status != http.StatusUnprocessableEntity || r.body["status"] != "failed" || !strings.Contains(steps(r), "L0:passed L1:failed") {
		t.Fatalf("bad v2: %d %s", r.status, r.raw)
	}
	if !strings.Contains(r.raw, "EntriesGetArchived") || !strings.Contains(r.raw, `"trace"`) {
		t.Fatalf("no counterexample in the answer: %s", r.raw)
	}
	// The old version still serves, entities and all.
	if r := s.doAs(t, a, "POST", set+"('k1')/Temper.Index", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("after the refused deploy: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "GET", "/api/apps/my-app/versions", nil); len(r.body["value"].([]any)) != 1 {
		t.Fatalf("a refused version was stored: %s", r.raw)
	}
	// A bundle that does not parse is a 400 with file:line:column.
	broken := seedFiles(t)
	broken["Knowledge.ioa.toml"] = strings.Replace(broken["Knowledge.ioa.toml"], `to = "Indexed"`, `to = "Nowhere"`, 1)
	if r := s.doAs(t, a, "POST", "/api/apps/my-app/specs", broken); r.status != http.StatusBadRequest || !strings.Contains(r.raw, "Knowledge.ioa.toml:") {
		t.Fatalf("broken spec: %d %s", r.status, r.raw)
	}
}

// TestStuckVerifierFailsCleanly: a level that outlives its timeout fails
// the deploy (the verifier is abandoned, not waited for), nothing is
// activated, and the next deploy can run.
func TestStuckVerifierFailsCleanly(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var stuck atomic.Bool
	stuck.Store(true)
	verifier := func(ctx context.Context, b *specengine.Bundle, level report.Level) (*report.Result, error) {
		if level == report.L1 && stuck.Load() {
			<-release // ignores its context: truly stuck
		}
		rep, err := verification.Run(ctx, b, verification.Options{Levels: []report.Level{level}})
		if err != nil {
			return nil, err
		}
		return rep.Levels[0], nil
	}
	s := newStackWith(t, stackOptions{verifier: verifier, stepTimeout: time.Second})
	t0 := time.Now()
	r := s.do(t, "POST", "/api/apps/my-app/specs", seedFiles(t))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.raw, "timed out") || !strings.Contains(steps(r), "L1:failed") {
		t.Fatalf("stuck verifier: %d %s", r.status, r.raw)
	}
	if d := time.Since(t0); d > 20*time.Second {
		t.Fatalf("the deploy took %v to fail", d)
	}
	if r := s.do(t, "GET", "/odata/my-app/KnowledgeEntries", nil); r.status != http.StatusNotFound {
		t.Fatalf("a failed deploy activated the app: %d %s", r.status, r.raw)
	}
	stuck.Store(false)
	if r := s.do(t, "POST", "/api/apps/my-app/specs", seedFiles(t)); r.status != http.StatusOK {
		t.Fatalf("the next deploy: %d %s", r.status, r.raw)
	}
}

// TestVerifyingSetsAnswer423: while a new entity type is verified, calls
// on its set answer 423 with the verification state; an asynchronous
// submission answers 202 with the deploy's status URL.
func TestVerifyingSetsAnswer423(t *testing.T) {
	gateL1 := make(chan struct{})
	verifier := func(ctx context.Context, b *specengine.Bundle, level report.Level) (*report.Result, error) {
		if level == report.L1 {
			select {
			case <-gateL1:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		rep, err := verification.Run(ctx, b, verification.Options{Levels: []report.Level{level}})
		if err != nil {
			return nil, err
		}
		return rep.Levels[0], nil
	}
	s := newStackWith(t, stackOptions{verifier: verifier})
	r := s.do(t, "POST", "/api/apps/my-app/specs?wait=0", seedFiles(t))
	loc := r.header.Get("Location")
	if r.status != http.StatusAccepted || !strings.HasPrefix(loc, "/api/apps/my-app/deploys/") {
		t.Fatalf("async submit: %d %v %s", r.status, r.header, r.raw)
	}
	if r := s.do(t, "GET", "/odata/my-app/KnowledgeEntries", nil); r.status != http.StatusLocked || r.code() != "Verifying" {
		t.Fatalf("during verification: %d %s", r.status, r.raw)
	}
	// A second deploy of the same app waits its turn.
	if r := s.do(t, "POST", "/api/apps/my-app/specs?wait=0", seedFiles(t)); r.status != http.StatusConflict {
		t.Fatalf("concurrent deploy: %d %s", r.status, r.raw)
	}
	// The status URL shows the steps while they run.
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(steps(s.do(t, "GET", loc, nil)), "L1:running") {
		if time.Now().After(deadline) {
			t.Fatalf("no running L1 in %s", s.do(t, "GET", loc, nil).raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(gateL1)
	for {
		r := s.do(t, "GET", loc, nil)
		if r.body["status"] == "succeeded" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deploy did not finish: %s", r.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		r := s.do(t, "GET", "/odata/my-app/KnowledgeEntries", nil)
		if r.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the deploy: %d %s", r.status, r.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const counterV1 = `
[automaton]
name = "Counter"
states = ["On"]
initial = "On"

[[state]]
name = "n"
type = "counter"
initial = "0"

[[action]]
name = "Bump"
from = ["On"]
effect = "n += 1"
`

// TestHotSwapUnderLoad: a new version deploys while 100 entities take
// concurrent actions; every acknowledged action is counted exactly once,
// none is lost or duplicated, and the entities run the new version.
func TestHotSwapUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("drives 100 entities through a deploy; skipped in -short mode")
	}
	s := newStack(t, 0)
	v1 := map[string]string{"Counter.ioa.toml": counterV1}
	if r := s.do(t, "POST", "/api/apps/counters/specs", v1); r.status != http.StatusOK {
		t.Fatalf("v1: %d %s", r.status, r.raw)
	}
	const n = 100
	set := "/odata/counters/Counters"
	for i := range n {
		if r := s.do(t, "POST", set, map[string]any{"id": fmt.Sprintf("c%03d", i)}); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.raw)
		}
	}
	var acked [n]atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				i := (w*13 + k*7) % n
				key := fmt.Sprintf("w%d-k%d", w, k)
				r := s.do(t, "POST", fmt.Sprintf("%s('c%03d')/Temper.Bump", set, i), map[string]any{}, "Idempotency-Key", key)
				if r.status == http.StatusOK {
					acked[i].Add(1)
					// A retry of an acknowledged action changes nothing.
					if k%5 == 0 {
						s.do(t, "POST", fmt.Sprintf("%s('c%03d')/Temper.Bump", set, i), map[string]any{}, "Idempotency-Key", key)
					}
				} else if r.status != http.StatusLocked {
					t.Errorf("Bump: %d %s", r.status, r.raw)
					return
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	v2 := map[string]string{"Counter.ioa.toml": counterV1 + `
[[action]]
name = "Double"
from = ["On"]
effect = "n += n"
`}
	r := s.do(t, "POST", "/api/apps/counters/specs", v2)
	if r.status != http.StatusOK {
		t.Fatalf("v2: %d %s", r.status, r.raw)
	}
	version := r.body["version"].(string)
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	var total int64
	for i := range n {
		got := s.do(t, "GET", fmt.Sprintf("%s('c%03d')", set, i), nil)
		if got.body["n"] != float64(acked[i].Load()) {
			t.Errorf("c%03d: n = %v, %d actions acknowledged", i, got.body["n"], acked[i].Load())
		}
		total += acked[i].Load()
	}
	if total < n {
		t.Fatalf("only %d actions ran", total)
	}
	// The next action runs the new version (Double exists only there).
	if r := s.do(t, "POST", set+"('c000')/Temper.Double", map[string]any{}); r.status != http.StatusOK || r.body["n"] != float64(2*acked[0].Load()) {
		t.Fatalf("Double after the swap: %d %s", r.status, r.raw)
	}
	if e, err := s.store.GetProjection(context.Background(), storeRef("counters", "Counters", "c000")); err != nil || e.Spec != version {
		t.Fatalf("c000 runs %s, want %s (%v)", e.Spec, version, err)
	}
}

func storeRef(app, set, key string) store.Ref { return store.Ref{App: app, Set: set, Key: key} }

// TestRollbackExportImport: versions are listed, an earlier one comes
// back without re-verification, and an exported app imports into
// another name with the cascade run again.
func TestRollbackExportImport(t *testing.T) {
	s := newStack(t, 0)
	v1 := map[string]string{"Counter.ioa.toml": counterV1}
	r1 := s.do(t, "POST", "/api/apps/counters/specs", v1)
	v2 := map[string]string{"Counter.ioa.toml": counterV1 + "\n[[action]]\nname = \"Reset\"\nfrom = [\"On\"]\neffect = \"n = 0\"\n"}
	r2 := s.do(t, "POST", "/api/apps/counters/specs", v2)
	if r1.status != http.StatusOK || r2.status != http.StatusOK {
		t.Fatalf("deploys: %d %d %s", r1.status, r2.status, r2.raw)
	}
	h1, h2 := r1.body["version"].(string), r2.body["version"].(string)
	if r := s.do(t, "GET", "/api/apps/counters/versions", nil); r.body["active"] != h2 || len(r.body["value"].([]any)) != 2 {
		t.Fatalf("versions: %s", r.raw)
	}
	r := s.do(t, "POST", "/api/apps/counters/rollback", map[string]string{"version": h1})
	if r.status != http.StatusOK || !strings.Contains(steps(r), "verify:skipped") || r.body["version"] != h1 {
		t.Fatalf("rollback: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", "/api/apps/counters/versions", nil); r.body["active"] != h1 {
		t.Fatalf("after rollback: %s", r.raw)
	}
	if r := s.do(t, "POST", "/api/apps/counters/rollback", map[string]string{"version": "sha256:nope"}); r.status != http.StatusNotFound {
		t.Fatalf("rollback to nothing: %d %s", r.status, r.raw)
	}
	exp := s.do(t, "GET", "/api/apps/counters/export", nil)
	if exp.status != http.StatusOK || exp.body["format"] != "temper-bundle/1" || exp.body["version"] != h1 {
		t.Fatalf("export: %d %s", exp.status, exp.raw)
	}
	imp := s.doRaw(t, "", "POST", "/api/apps/counters-copy/import", exp.raw)
	if imp.status != http.StatusOK || !strings.Contains(steps(imp), "L1:passed") || imp.body["version"] != h1 {
		t.Fatalf("import: %d %s", imp.status, imp.raw)
	}
	if r := s.do(t, "POST", "/odata/counters-copy/Counters", map[string]any{"id": "x"}); r.status != http.StatusCreated {
		t.Fatalf("the imported app: %d %s", r.status, r.raw)
	}
	tampered := strings.Replace(exp.raw, `"version":"`+h1, `"version":"sha256:00`, 1)
	if r := s.doRaw(t, "", "POST", "/api/apps/other/import", tampered); r.status != http.StatusBadRequest {
		t.Fatalf("a file whose hash does not match: %d %s", r.status, r.raw)
	}
	// Verify without deploying.
	if r := s.do(t, "POST", "/api/verify", v2); r.status != http.StatusOK || !strings.Contains(steps(r), "activate:skipped") {
		t.Fatalf("verify: %d %s", r.status, r.raw)
	}
	if r := s.do(t, "GET", "/api/apps/counters/versions", nil); r.body["active"] != h1 || len(r.body["value"].([]any)) != 2 {
		t.Fatalf("verify changed the app: %s", r.raw)
	}
}

const switchV1 = `
[automaton]
name = "Switch"
states = ["On", "Off"]
initial = "On"

[[action]]
name = "TurnOff"
from = ["On"]
to = "Off"

[[action]]
name = "TurnOn"
from = ["Off"]
to = "On"
`

// TestStrandingAndShadow: a version that drops a state live entities are
// in is refused (409, naming them); a version that would refuse recorded
// sequences deploys, and its report says which.
func TestStrandingAndShadow(t *testing.T) {
	s := newStack(t, 0)
	if r := s.do(t, "POST", "/api/apps/switches/specs", map[string]string{"Switch.ioa.toml": switchV1}); r.status != http.StatusOK {
		t.Fatalf("v1: %d %s", r.status, r.raw)
	}
	set := "/odata/switches/Switches"
	s.do(t, "POST", set, map[string]any{"id": "s1"})
	s.do(t, "POST", set, map[string]any{"id": "s2"})
	if r := s.do(t, "POST", set+"('s1')/Temper.TurnOff", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("TurnOff: %d %s", r.status, r.raw)
	}
	noOff := `
[automaton]
name = "Switch"
states = ["On"]
initial = "On"

[[action]]
name = "Toggle"
from = ["On"]
`
	r := s.do(t, "POST", "/api/apps/switches/specs", map[string]string{"Switch.ioa.toml": noOff})
	if r.status != http.StatusConflict || !strings.Contains(steps(r), "strand:failed") || !strings.Contains(r.raw, "s1 (Off)") {
		t.Fatalf("stranding deploy: %d %s", r.status, r.raw)
	}
	// TurnOff no longer runs from On: s1's recorded TurnOff would be
	// refused.
	stricter := strings.Replace(switchV1, "name = \"TurnOff\"\nfrom = [\"On\"]", "name = \"Cut\"\nfrom = [\"On\"]", 1) + `
[[action]]
name = "TurnOff"
from = ["Off"]
`
	r = s.do(t, "POST", "/api/apps/switches/specs", map[string]string{"Switch.ioa.toml": stricter})
	if r.status != http.StatusOK {
		t.Fatalf("stricter: %d %s", r.status, r.raw)
	}
	var shadow map[string]any
	for _, v := range r.body["steps"].([]any) {
		if st := v.(map[string]any); st["name"] == "shadow" {
			shadow = st["shadow"].(map[string]any)
		}
	}
	rej, _ := shadow["rejected"].([]any)
	if shadow["entities"] != 2.0 || len(rej) != 1 || rej[0].(map[string]any)["entity"] != "switches/Switches/s1" || rej[0].(map[string]any)["action"] != "TurnOff" {
		t.Fatalf("shadow report: %v", shadow)
	}
}

// TestPolicyHotReloadByDeploy: a deploy that changes an app's policies
// takes effect for the next call on entities already running.
func TestPolicyHotReloadByDeploy(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	b := s.issue(t, identity.Agent, "agent-b")
	v1 := map[string]string{"Switch.ioa.toml": switchV1}
	if r := s.do(t, "POST", "/api/apps/switches/specs", v1); r.status != http.StatusOK {
		t.Fatalf("v1: %d %s", r.status, r.raw)
	}
	set := "/odata/switches/Switches"
	if r := s.doAs(t, a, "POST", set, map[string]any{"id": "s1"}); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "POST", set+"('s1')/Temper.TurnOff", map[string]any{}); r.status != http.StatusForbidden {
		t.Fatalf("B acts under the default policies: %d %s", r.status, r.raw)
	}
	v2 := map[string]string{"Switch.ioa.toml": switchV1, "policies.cedar": `permit (principal is Agent, action, resource is Switch);`}
	if r := s.do(t, "POST", "/api/apps/switches/specs", v2); r.status != http.StatusOK {
		t.Fatalf("v2 (admin, with policies): %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, b, "POST", set+"('s1')/Temper.TurnOff", map[string]any{}); r.status != http.StatusOK || r.body["status"] != "Off" {
		t.Fatalf("B acts after the policy deploy: %d %s", r.status, r.raw)
	}
}

// TestRecreatedKeyKeepsBothLives: a key deleted and created again starts
// its versions over; the transition log keeps both lives.
func TestRecreatedKeyKeepsBothLives(t *testing.T) {
	s := newStack(t, 0)
	if r := s.do(t, "POST", "/api/apps/switches/specs", map[string]string{"Switch.ioa.toml": switchV1}); r.status != http.StatusOK {
		t.Fatalf("deploy: %d %s", r.status, r.raw)
	}
	set := "/odata/switches/Switches"
	for life := range 2 {
		if r := s.do(t, "POST", set, map[string]any{"id": "s1"}); r.status != http.StatusCreated {
			t.Fatalf("create (life %d): %d %s", life, r.status, r.raw)
		}
		if r := s.do(t, "POST", set+"('s1')/Temper.TurnOff", map[string]any{}); r.status != http.StatusOK {
			t.Fatalf("TurnOff (life %d): %d %s", life, r.status, r.raw)
		}
		if r := s.do(t, "DELETE", set+"('s1')", nil); r.status != http.StatusNoContent {
			t.Fatalf("delete (life %d): %d %s", life, r.status, r.raw)
		}
	}
	ts, err := s.store.EntityTransitions(context.Background(), storeRef("switches", "Switches", "s1"), 100)
	if err != nil || len(ts) != 6 {
		t.Fatalf("%d transitions, %v: %+v", len(ts), err, ts)
	}
	if ts[0].Incarnation == "" || ts[0].Incarnation == ts[5].Incarnation || ts[0].Incarnation != ts[2].Incarnation {
		t.Fatalf("incarnations: %s %s %s", ts[0].Incarnation, ts[2].Incarnation, ts[5].Incarnation)
	}
}
