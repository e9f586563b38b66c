package storetest

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/temperhq/temper/store"
)

// govAt is the governance records' base time: microseconds, the precision
// both backends keep.
var govAt = time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)

// principalFor is a factory with defaults: an agent of type "bot" created
// by an admin at govAt.
func principalFor(kind, id, tokenHash string) store.Principal {
	return store.Principal{Kind: kind, ID: id, Type: "bot", Role: "worker", TokenHash: tokenHash,
		CreatedBy: `Admin::"root"`, CreatedAt: govAt}
}

// decisionFor is a factory with defaults: a pending decision on a Task,
// created minute minutes after govAt.
func decisionFor(id, app, principal, action, resourceID string, minute int) store.Decision {
	return store.Decision{ID: id, App: app, Principal: principal, Action: action, ResourceType: "Task",
		ResourceID: resourceID, Status: store.DecisionPending, Reason: "no policy permits it",
		CreatedAt: govAt.Add(time.Duration(minute) * time.Minute)}
}

func policyFor(app, id, text string) store.Policy {
	return store.Policy{App: app, ID: id, Text: text, CreatedBy: `Admin::"root"`, CreatedAt: govAt}
}

func testPrincipals(ctx context.Context, t *testing.T, s store.Store) {
	agent := principalFor(store.KindAgent, "a", "hash-agent-a")
	admin := principalFor(store.KindAdmin, "a", "hash-admin-a") // same id, another kind
	admin.Type, admin.Role = "", ""
	svc1 := principalFor(store.KindService, "timer", "") // no token
	svc2 := principalFor(store.KindService, "reaction", "")
	for _, pr := range []store.Principal{agent, admin, svc1, svc2} {
		if err := s.CreatePrincipal(ctx, pr); err != nil {
			t.Fatalf("CreatePrincipal %s::%q: %v", pr.Kind, pr.ID, err)
		}
	}
	t.Run("create refused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			pr   store.Principal
			want error // nil: any error
		}{
			{"same kind and id", principalFor(store.KindAgent, "a", "hash-other"), store.ErrConflict},
			{"same token hash", principalFor(store.KindAgent, "b", "hash-agent-a"), store.ErrConflict},
			{"same token hash, another kind", principalFor(store.KindAdmin, "b", "hash-agent-a"), store.ErrConflict},
			{"no kind", principalFor("", "c", "hash-c"), nil},
			{"no id", principalFor(store.KindAgent, "", "hash-d"), nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := s.CreatePrincipal(ctx, c.pr)
				if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
			})
		}
	})
	t.Run("by token", func(t *testing.T) {
		got, err := s.PrincipalByToken(ctx, "hash-agent-a")
		if err != nil || !reflect.DeepEqual(got, agent) {
			t.Fatalf("got %+v, %v\nwant %+v", got, err, agent)
		}
		for _, h := range []string{"hash-unknown", "", "hash-other"} {
			if _, err := s.PrincipalByToken(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("token hash %q: %v, want ErrNotFound", h, err)
			}
		}
	})
	t.Run("list", func(t *testing.T) {
		got, err := s.Principals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := []store.Principal{admin, agent, svc2, svc1}; !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v\nwant %+v", got, want)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		first, later := govAt.Add(time.Hour), govAt.Add(2*time.Hour)
		if err := s.RevokePrincipal(ctx, store.KindAgent, "a", first); err != nil {
			t.Fatal(err)
		}
		// Revoking twice keeps the first time.
		if err := s.RevokePrincipal(ctx, store.KindAgent, "a", later); err != nil {
			t.Fatal(err)
		}
		got, err := s.PrincipalByToken(ctx, "hash-agent-a")
		if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(first) {
			t.Fatalf("revoked principal %+v, %v; want revoked at %v", got, err, first)
		}
		if other, _ := s.PrincipalByToken(ctx, "hash-admin-a"); other.RevokedAt != nil {
			t.Fatalf("revoking Agent::a revoked Admin::a: %+v", other)
		}
		for _, c := range []struct{ kind, id string }{{store.KindAgent, "nobody"}, {store.KindService, "a"}, {"", ""}} {
			if err := s.RevokePrincipal(ctx, c.kind, c.id, first); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("revoke %s::%q: %v, want ErrNotFound", c.kind, c.id, err)
			}
		}
	})
}

func testPolicies(ctx context.Context, t *testing.T, s store.Store) {
	put := func(pol store.Policy) {
		t.Helper()
		if err := s.PutPolicy(ctx, pol); err != nil {
			t.Fatalf("PutPolicy %s/%s: %v", pol.App, pol.ID, err)
		}
	}
	list := func(app string) []store.Policy {
		t.Helper()
		got, err := s.Policies(ctx, app)
		if err != nil {
			t.Fatalf("Policies %s: %v", app, err)
		}
		return got
	}
	p2 := policyFor("a", "p2", `permit (principal, action, resource);`)
	p1 := policyFor("a", "p1", `forbid (principal, action == Action::"delete", resource);`)
	p1.DecisionID = "d-1"
	other := policyFor("b", "p1", `permit (principal == Agent::"x", action, resource);`)
	for _, pol := range []store.Policy{p2, p1, other} {
		put(pol)
	}
	p1b := p1
	p1b.Text, p1b.DecisionID, p1b.CreatedAt = `permit (principal, action == Action::"read", resource);`, "", govAt.Add(time.Minute)
	for _, c := range []struct {
		name string
		do   func() error
		app  string
		want []store.Policy
	}{
		{"ordered by id", nil, "a", []store.Policy{p1, p2}},
		{"per app", nil, "b", []store.Policy{other}},
		{"unknown app", nil, "nope", nil},
		{"replace", func() error { return s.PutPolicy(ctx, p1b) }, "a", []store.Policy{p1b, p2}},
		{"delete", func() error { return s.DeletePolicy(ctx, "a", "p1") }, "a", []store.Policy{p2}},
		{"delete is per app", nil, "b", []store.Policy{other}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.do != nil {
				if err := c.do(); err != nil {
					t.Fatal(err)
				}
			}
			if got := list(c.app); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct{ app, id string }{{"a", "p1"}, {"nope", "p2"}, {"b", "p2"}} {
			if err := s.DeletePolicy(ctx, c.app, c.id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("delete %s/%s: %v, want ErrNotFound", c.app, c.id, err)
			}
		}
		if err := s.PutPolicy(ctx, policyFor("a", "empty", "")); err == nil {
			t.Fatal("PutPolicy without text: no error")
		}
	})
}

func testDecisions(ctx context.Context, t *testing.T, s store.Store) {
	open := func(d store.Decision) (store.Decision, bool) {
		t.Helper()
		got, created, err := s.OpenDecision(ctx, d)
		if err != nil {
			t.Fatalf("OpenDecision %s: %v", d.ID, err)
		}
		return got, created
	}
	const bob = `Agent::"bob"`
	d1 := decisionFor("d1", "a", bob, "close", "t1", 0)
	if got, created := open(d1); !created || !reflect.DeepEqual(got, d1) {
		t.Fatalf("new decision: %+v, created %v\nwant %+v", got, created, d1)
	}
	if got, err := s.Decision(ctx, "d1"); err != nil || !reflect.DeepEqual(got, d1) {
		t.Fatalf("Decision: %+v, %v", got, err)
	}
	if _, err := s.Decision(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown decision: %v, want ErrNotFound", err)
	}
	typeLevel := decisionFor("d-create", "a", bob, "create", "", 1)
	if _, created := open(typeLevel); !created {
		t.Fatal("a type-level request was deduplicated")
	}

	t.Run("dedup", func(t *testing.T) {
		bug := decisionFor("d-bug", "a", bob, "close", "t1", 2)
		bug.ResourceType = "Bug"
		for _, c := range []struct {
			name    string
			d       store.Decision
			wantID  string // the decision returned
			created bool
		}{
			{"same request", decisionFor("d1-again", "a", bob, "close", "t1", 2), "d1", false},
			{"a retry of the same decision", d1, "d1", false},
			{"same type-level request", decisionFor("d-create-again", "a", bob, "create", "", 2), "d-create", false},
			{"another resource", decisionFor("d-t2", "a", bob, "close", "t2", 2), "d-t2", true},
			{"another action", decisionFor("d-reopen", "a", bob, "reopen", "t1", 2), "d-reopen", true},
			{"another principal", decisionFor("d-eve", "a", `Agent::"eve"`, "close", "t1", 2), "d-eve", true},
			{"another app", decisionFor("d-b", "b", bob, "close", "t1", 2), "d-b", true},
			{"another resource type", bug, "d-bug", true},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, created := open(c.d)
				if got.ID != c.wantID || created != c.created {
					t.Fatalf("got %s (created %v), want %s (created %v)", got.ID, created, c.wantID, c.created)
				}
			})
		}
	})

	t.Run("deny", func(t *testing.T) {
		at := govAt.Add(time.Hour)
		got, err := s.DenyDecision(ctx, "d1", `Admin::"root"`, at)
		if err != nil {
			t.Fatal(err)
		}
		want := d1
		want.Status, want.DecidedBy, want.DecidedAt = store.DecisionDenied, `Admin::"root"`, &at
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("denied %+v\nwant %+v", got, want)
		}
		if stored, _ := s.Decision(ctx, "d1"); !reflect.DeepEqual(stored, want) {
			t.Fatalf("stored %+v\nwant %+v", stored, want)
		}
		// A denied decision stays open: the same request finds it.
		if got, created := open(decisionFor("d1-after-deny", "a", bob, "close", "t1", 3)); created || got.ID != "d1" {
			t.Fatalf("after deny: %s, created %v; want d1", got.ID, created)
		}
	})

	t.Run("approve", func(t *testing.T) {
		at := govAt.Add(2 * time.Hour)
		pol := store.Policy{ID: "approved-d-t2", Text: `permit (principal == Agent::"bob", action == Action::"close", resource);`}
		got, err := s.ApproveDecision(ctx, "d-t2", "medium", `Admin::"root"`, at, pol)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != store.DecisionApproved || got.Scope != "medium" || got.PolicyID != pol.ID ||
			got.DecidedBy != `Admin::"root"` || got.DecidedAt == nil || !got.DecidedAt.Equal(at) {
			t.Fatalf("approved %+v", got)
		}
		if stored, _ := s.Decision(ctx, "d-t2"); !reflect.DeepEqual(stored, got) {
			t.Fatalf("stored %+v\nwant %+v", stored, got)
		}
		// The policy was written with the decision's app, id, approver and time.
		wantPol := store.Policy{App: "a", ID: pol.ID, Text: pol.Text, DecisionID: "d-t2", CreatedBy: `Admin::"root"`, CreatedAt: at}
		if pols, err := s.Policies(ctx, "a"); err != nil || !slices.ContainsFunc(pols, func(x store.Policy) bool { return reflect.DeepEqual(x, wantPol) }) {
			t.Fatalf("policies %+v, %v; want one %+v", pols, err, wantPol)
		}
		// An approved decision does not dedupe: the same request opens a new one.
		if got, created := open(decisionFor("d-t2-again", "a", bob, "close", "t2", 4)); !created || got.ID != "d-t2-again" {
			t.Fatalf("after approve: %s, created %v", got.ID, created)
		}
	})

	t.Run("refused", func(t *testing.T) {
		pol := func(id string) store.Policy {
			return store.Policy{ID: id, Text: `permit (principal, action, resource);`}
		}
		for _, c := range []struct {
			name string
			do   func() error
			want error
		}{
			{"approve twice", func() error {
				_, err := s.ApproveDecision(ctx, "d-t2", "broad", "x", govAt, pol("second"))
				return err
			}, store.ErrConflict},
			{"approve a denied one", func() error {
				_, err := s.ApproveDecision(ctx, "d1", "narrow", "x", govAt, pol("denied"))
				return err
			}, store.ErrConflict},
			{"deny twice", func() error { _, err := s.DenyDecision(ctx, "d1", "x", govAt); return err }, store.ErrConflict},
			{"deny an approved one", func() error { _, err := s.DenyDecision(ctx, "d-t2", "x", govAt); return err }, store.ErrConflict},
			{"approve unknown", func() error {
				_, err := s.ApproveDecision(ctx, "nope", "narrow", "x", govAt, pol("unknown"))
				return err
			}, store.ErrNotFound},
			{"deny unknown", func() error { _, err := s.DenyDecision(ctx, "nope", "x", govAt); return err }, store.ErrNotFound},
			{"open with a taken id", func() error {
				_, _, err := s.OpenDecision(ctx, decisionFor("d1", "a", bob, "other", "t9", 5))
				return err
			}, store.ErrConflict},
			{"open without a principal", func() error {
				_, _, err := s.OpenDecision(ctx, decisionFor("d-x", "a", "", "close", "t9", 5))
				return err
			}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := c.do()
				if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
			})
		}
		// A refused approval wrote no policy.
		pols, err := s.Policies(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range pols {
			if x.ID == "second" || x.ID == "denied" || x.ID == "unknown" {
				t.Fatalf("a refused approval wrote policy %+v", x)
			}
		}
	})

	t.Run("approve is atomic", func(t *testing.T) {
		// The policy write fails (no text): the decision stays pending.
		if _, err := s.ApproveDecision(ctx, "d-reopen", "narrow", "x", govAt, store.Policy{ID: "bad"}); err == nil {
			t.Fatal("approval with an unwritable policy: no error")
		}
		if got, _ := s.Decision(ctx, "d-reopen"); got.Status != store.DecisionPending || got.DecidedAt != nil {
			t.Fatalf("after a failed approval: %+v", got)
		}
	})

	t.Run("concurrent open", func(t *testing.T) {
		const callers = 8
		type result struct {
			d       store.Decision
			created bool
			err     error
		}
		results := make(chan result, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d, created, err := s.OpenDecision(ctx, decisionFor(fmt.Sprintf("race-%d", i), "race", bob, "close", "t1", i))
				results <- result{d, created, err}
			}()
		}
		wg.Wait()
		close(results)
		created, ids := 0, map[string]bool{}
		for r := range results {
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.created {
				created++
			}
			ids[r.d.ID] = true
		}
		if created != 1 || len(ids) != 1 {
			t.Fatalf("%d created, ids %v; want one decision", created, ids)
		}
		stored, _, err := s.Decisions(ctx, store.DecisionQuery{App: "race"})
		if err != nil || len(stored) != 1 {
			t.Fatalf("stored %+v, %v; want one decision", stored, err)
		}
	})

	t.Run("concurrent approve", func(t *testing.T) {
		const callers = 8
		open(decisionFor("contested", "race", bob, "delete", "t1", 0))
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.ApproveDecision(ctx, "contested", "narrow", fmt.Sprintf("admin-%d", i), govAt,
					store.Policy{ID: fmt.Sprintf("contested-%d", i), Text: `permit (principal, action, resource);`})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		won := 0
		for err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Fatalf("concurrent approve: %v, want nil or ErrConflict", err)
			}
		}
		pols, err := s.Policies(ctx, "race")
		if won != 1 || err != nil || len(pols) != 1 {
			t.Fatalf("%d approvals succeeded, policies %+v (%v); want one of each", won, pols, err)
		}
	})

	t.Run("list", func(t *testing.T) { testDecisionList(ctx, t, s) })
}

func testDecisionList(ctx context.Context, t *testing.T, s store.Store) {
	// App "l": nine decisions; l3 and l4 share a creation time (the id
	// breaks the tie), and l0 is the oldest.
	seed := []struct {
		id, principal string
		minute        int
		deny          bool
	}{
		{"l0", `Agent::"x"`, 0, false}, {"l1", `Agent::"y"`, 10, true}, {"l2", `Agent::"x"`, 20, false},
		{"l3", `Agent::"y"`, 30, false}, {"l4", `Agent::"x"`, 30, true}, {"l5", `Agent::"x"`, 40, false},
		{"l6", `Agent::"y"`, 50, false}, {"l7", `Agent::"x"`, 60, true}, {"l8", `Agent::"y"`, 70, false},
	}
	for _, d := range seed {
		if _, created, err := s.OpenDecision(ctx, decisionFor(d.id, "l", d.principal, "act-"+d.id, "r", d.minute)); err != nil || !created {
			t.Fatalf("open %s: %v, created %v", d.id, err, created)
		}
		if d.deny {
			if _, err := s.DenyDecision(ctx, d.id, "x", govAt); err != nil {
				t.Fatal(err)
			}
		}
	}
	ids := func(ds []store.Decision) []string {
		out := make([]string, len(ds))
		for i, d := range ds {
			out[i] = d.ID
		}
		return out
	}
	newestFirst := []string{"l8", "l7", "l6", "l5", "l4", "l3", "l2", "l1", "l0"}
	cases := []struct {
		name string
		q    store.DecisionQuery
		want []string
	}{
		{"app", store.DecisionQuery{App: "l"}, newestFirst},
		{"pending", store.DecisionQuery{App: "l", Status: store.DecisionPending}, []string{"l8", "l6", "l5", "l3", "l2", "l0"}},
		{"denied", store.DecisionQuery{App: "l", Status: store.DecisionDenied}, []string{"l7", "l4", "l1"}},
		{"approved", store.DecisionQuery{App: "l", Status: store.DecisionApproved}, nil},
		{"principal", store.DecisionQuery{App: "l", Principal: `Agent::"y"`}, []string{"l8", "l6", "l3", "l1"}},
		{"principal and status", store.DecisionQuery{App: "l", Principal: `Agent::"x"`, Status: store.DecisionDenied}, []string{"l7", "l4"}},
		{"unknown app", store.DecisionQuery{App: "nope"}, nil},
	}
	for _, c := range cases {
		for _, limit := range []int{0, 1, 2, 4} {
			t.Run(fmt.Sprintf("%s/limit%d", c.name, limit), func(t *testing.T) {
				qq := c.q
				qq.Limit = limit
				var got []string
				for pages := 0; ; pages++ {
					if pages > len(seed) {
						t.Fatal("paging does not end")
					}
					page, next, err := s.Decisions(ctx, qq)
					if err != nil {
						t.Fatal(err)
					}
					if limit > 0 && len(page) > limit {
						t.Fatalf("page of %d > limit %d", len(page), limit)
					}
					got = append(got, ids(page)...)
					if next == "" {
						break
					}
					qq.After = next
				}
				if !slices.Equal(got, c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			})
		}
	}
	t.Run("all apps", func(t *testing.T) {
		got, _, err := s.Decisions(ctx, store.DecisionQuery{Limit: 1000})
		if err != nil || len(got) < len(seed) {
			t.Fatalf("%d decisions, %v", len(got), err)
		}
		for i := 1; i < len(got); i++ {
			if got[i].CreatedAt.After(got[i-1].CreatedAt) {
				t.Fatalf("not newest first: %s (%v) after %s (%v)", got[i].ID, got[i].CreatedAt, got[i-1].ID, got[i-1].CreatedAt)
			}
		}
	})
	t.Run("malformed After", func(t *testing.T) {
		_, trajToken := pageTokens(ctx, t, s)
		for _, after := range append(malformedTokens, trajToken) {
			var qe *store.QueryError
			if _, _, err := s.Decisions(ctx, store.DecisionQuery{App: "l", After: after}); !errors.As(err, &qe) {
				t.Fatalf("After %q: %v, want *store.QueryError", after, err)
			}
		}
	})
}

// malformedTokens are paging tokens no store issues.
var malformedTokens = []string{
	"'; DROP TABLE temper_decisions; --",
	"not base64!",
	base64.RawURLEncoding.EncodeToString([]byte("t1:abc")),
	base64.RawURLEncoding.EncodeToString([]byte("t1:-5")),
	base64.RawURLEncoding.EncodeToString([]byte("t1:007")),
	base64.RawURLEncoding.EncodeToString([]byte("d1:yesterday l1")),
	base64.RawURLEncoding.EncodeToString([]byte("d1:2025-03-01T12:00:00Z")),
	base64.RawURLEncoding.EncodeToString([]byte("x9:1")),
}

// pageTokens returns a real Next of each kind, from records of app "tok".
func pageTokens(ctx context.Context, t *testing.T, s store.Store) (decision, trajectory string) {
	t.Helper()
	for i := range 2 {
		if _, _, err := s.OpenDecision(ctx, decisionFor(fmt.Sprintf("tok-%d", i), "tok", `Agent::"t"`, "a", fmt.Sprint(i), i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendTrajectories(ctx, []store.Trajectory{trajectoryFor("tok", 0), trajectoryFor("tok", 1)}); err != nil {
		t.Fatal(err)
	}
	_, decision, err := s.Decisions(ctx, store.DecisionQuery{App: "tok", Limit: 1})
	if err != nil || decision == "" {
		t.Fatalf("decision token %q, %v", decision, err)
	}
	_, trajectory, err = s.Trajectories(ctx, store.TrajectoryQuery{App: "tok", Limit: 1})
	if err != nil || trajectory == "" {
		t.Fatalf("trajectory token %q, %v", trajectory, err)
	}
	return decision, trajectory
}

// trajectoryFor is a factory with defaults: an applied update of a Task
// by agent x, i minutes after govAt, with its trace id naming it.
func trajectoryFor(app string, i int) store.Trajectory {
	return store.Trajectory{
		At: govAt.Add(time.Duration(i) * time.Minute), App: app, EntityType: "Task", EntitySet: "Tasks",
		EntityID: "t1", Action: "update", Principal: `Agent::"x"`, Before: "Open", After: "Open",
		Outcome: store.OutcomeApplied, Authz: "allow", Policies: []string{"p1"}, Status: 200,
		DurationMicros: int64(100 + i), TraceID: fmt.Sprintf("%s-%02d", app, i),
	}
}

func testTrajectories(ctx context.Context, t *testing.T, s store.Store) {
	// Thirty calls to app "a", in three batches, with ten to app "b"
	// between them; every field varies.
	var seed []store.Trajectory
	for i := range 30 {
		tr := trajectoryFor("a", i)
		switch i % 5 {
		case 1:
			tr.Action, tr.Outcome, tr.Authz, tr.Status, tr.Policies = "close", store.OutcomeDenied, "deny", 403, nil
			tr.DecisionID, tr.After = fmt.Sprintf("d%d", i), ""
		case 2:
			tr.Principal, tr.EntityID, tr.Outcome, tr.Policies = `Agent::"y"`, "t2", store.OutcomeOK, []string{"p1", "p2"}
			tr.Action, tr.Before, tr.After = "read", "", ""
		case 3:
			tr.EntityType, tr.EntitySet, tr.EntityID, tr.Outcome, tr.Authz = "", "Nope", "", store.OutcomeUnknownSet, ""
			tr.Status, tr.Policies, tr.Error, tr.Before, tr.After = 404, nil, "no entity set Nope", "", ""
		case 4:
			tr.EntityType, tr.EntityID, tr.Principal, tr.Outcome = "Bug", "b1", `Agent::"y"`, store.OutcomeRejected
			tr.Status, tr.Error = 409, "not allowed in Open"
		}
		seed = append(seed, tr)
	}
	others := make([]store.Trajectory, 10)
	for i := range others {
		others[i] = trajectoryFor("b", i)
	}
	for _, batch := range [][]store.Trajectory{seed[:10], others[:5], seed[10:25], nil, others[5:], seed[25:]} {
		if err := s.AppendTrajectories(ctx, batch); err != nil {
			t.Fatalf("AppendTrajectories of %d: %v", len(batch), err)
		}
	}

	traces := func(ts []store.Trajectory) []string {
		out := make([]string, len(ts))
		for i, tr := range ts {
			out[i] = tr.TraceID
		}
		return out
	}
	// want is the seed's records that match, newest first.
	want := func(match func(store.Trajectory) bool) []string {
		var out []string
		for i := len(seed) - 1; i >= 0; i-- {
			if match(seed[i]) {
				out = append(out, seed[i].TraceID)
			}
		}
		return out
	}
	at := func(i int) time.Time { return govAt.Add(time.Duration(i) * time.Minute) }

	t.Run("records", func(t *testing.T) {
		got, _, err := s.Trajectories(ctx, store.TrajectoryQuery{App: "a", Limit: 1000})
		if err != nil || len(got) != len(seed) {
			t.Fatalf("%d records, %v; want %d", len(got), err, len(seed))
		}
		for i, tr := range got {
			w := seed[len(seed)-1-i]
			w.ID = tr.ID
			if tr.ID <= 0 || !reflect.DeepEqual(tr, w) {
				t.Fatalf("record %d: %+v\nwant %+v", i, tr, w)
			}
			if i > 0 && tr.ID >= got[i-1].ID {
				t.Fatalf("ids not decreasing: %d after %d", tr.ID, got[i-1].ID)
			}
		}
	})

	cases := []struct {
		name string
		q    store.TrajectoryQuery
		want []string
	}{
		{"app", store.TrajectoryQuery{App: "a"}, want(func(store.Trajectory) bool { return true })},
		{"entity type", store.TrajectoryQuery{App: "a", EntityType: "Bug"},
			want(func(tr store.Trajectory) bool { return tr.EntityType == "Bug" })},
		{"entity", store.TrajectoryQuery{App: "a", EntityType: "Task", EntityID: "t1"},
			want(func(tr store.Trajectory) bool { return tr.EntityType == "Task" && tr.EntityID == "t1" })},
		{"entity id alone", store.TrajectoryQuery{App: "a", EntityID: "t2"},
			want(func(tr store.Trajectory) bool { return tr.EntityID == "t2" })},
		{"action", store.TrajectoryQuery{App: "a", Action: "close"},
			want(func(tr store.Trajectory) bool { return tr.Action == "close" })},
		{"principal", store.TrajectoryQuery{App: "a", Principal: `Agent::"y"`},
			want(func(tr store.Trajectory) bool { return tr.Principal == `Agent::"y"` })},
		{"outcome", store.TrajectoryQuery{App: "a", Outcome: store.OutcomeDenied},
			want(func(tr store.Trajectory) bool { return tr.Outcome == store.OutcomeDenied })},
		{"since is inclusive", store.TrajectoryQuery{App: "a", Since: at(20)},
			want(func(tr store.Trajectory) bool { return !tr.At.Before(at(20)) })},
		{"until is exclusive", store.TrajectoryQuery{App: "a", Until: at(7)},
			want(func(tr store.Trajectory) bool { return tr.At.Before(at(7)) })},
		{"since and until", store.TrajectoryQuery{App: "a", Since: at(5), Until: at(15)},
			want(func(tr store.Trajectory) bool { return !tr.At.Before(at(5)) && tr.At.Before(at(15)) })},
		{"times in another zone", store.TrajectoryQuery{App: "a", Since: at(5).In(time.FixedZone("X", -5*3600)), Until: at(15).In(time.FixedZone("Y", 3600))},
			want(func(tr store.Trajectory) bool { return !tr.At.Before(at(5)) && tr.At.Before(at(15)) })},
		{"combined", store.TrajectoryQuery{App: "a", Principal: `Agent::"x"`, Outcome: store.OutcomeApplied, Since: at(10)},
			want(func(tr store.Trajectory) bool {
				return tr.Principal == `Agent::"x"` && tr.Outcome == store.OutcomeApplied && !tr.At.Before(at(10))
			})},
		{"no match", store.TrajectoryQuery{App: "a", Outcome: store.OutcomeError}, nil},
		{"unknown app", store.TrajectoryQuery{App: "nope"}, nil},
		{"other app", store.TrajectoryQuery{App: "b", Since: at(8)}, []string{"b-09", "b-08"}},
	}
	for _, c := range cases {
		for _, limit := range []int{0, 1, 3, 7} {
			t.Run(fmt.Sprintf("%s/limit%d", c.name, limit), func(t *testing.T) {
				qq := c.q
				qq.Limit = limit
				var got []string
				seen := map[int64]bool{}
				for pages := 0; ; pages++ {
					if pages > len(seed)+1 {
						t.Fatal("paging does not end")
					}
					page, next, err := s.Trajectories(ctx, qq)
					if err != nil {
						t.Fatal(err)
					}
					if limit > 0 && len(page) > limit {
						t.Fatalf("page of %d > limit %d", len(page), limit)
					}
					for _, tr := range page {
						if seen[tr.ID] {
							t.Fatalf("id %d on two pages", tr.ID)
						}
						seen[tr.ID] = true
					}
					got = append(got, traces(page)...)
					if next == "" {
						break
					}
					qq.After = next
				}
				if !slices.Equal(got, c.want) {
					t.Fatalf("got %v\nwant %v", got, c.want)
				}
			})
		}
	}

	t.Run("all apps", func(t *testing.T) {
		got, _, err := s.Trajectories(ctx, store.TrajectoryQuery{Limit: 1000})
		if err != nil || len(got) != len(seed)+len(others) {
			t.Fatalf("%d records, %v; want %d", len(got), err, len(seed)+len(others))
		}
	})

	t.Run("stable under appends", func(t *testing.T) {
		q1 := store.TrajectoryQuery{App: "a", Limit: 10}
		first, next, err := s.Trajectories(ctx, q1)
		if err != nil {
			t.Fatal(err)
		}
		// A newer call does not shift the pages after the cursor.
		if err := s.AppendTrajectories(ctx, []store.Trajectory{trajectoryFor("a", 99)}); err != nil {
			t.Fatal(err)
		}
		q1.After = next
		second, _, err := s.Trajectories(ctx, q1)
		if err != nil {
			t.Fatal(err)
		}
		everything := want(func(store.Trajectory) bool { return true })
		if got := append(traces(first), traces(second)...); !slices.Equal(got, everything[:20]) {
			t.Fatalf("pages %v\nwant %v", got, everything[:20])
		}
	})

	t.Run("limits", func(t *testing.T) {
		bulk := make([]store.Trajectory, 1001)
		for i := range bulk {
			bulk[i] = trajectoryFor("bulk", i)
		}
		if err := s.AppendTrajectories(ctx, bulk); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {1000, 1000}, {5000, 1000}} {
			got, next, err := s.Trajectories(ctx, store.TrajectoryQuery{App: "bulk", Limit: c.limit})
			if err != nil || len(got) != c.want || next == "" {
				t.Fatalf("limit %d: %d records, next %q, %v; want %d and a next page", c.limit, len(got), next, err, c.want)
			}
		}
	})

	t.Run("malformed After", func(t *testing.T) {
		decToken, _ := pageTokens(ctx, t, s)
		for _, after := range append(malformedTokens, decToken) {
			var qe *store.QueryError
			if _, _, err := s.Trajectories(ctx, store.TrajectoryQuery{App: "a", After: after}); !errors.As(err, &qe) {
				t.Fatalf("After %q: %v, want *store.QueryError", after, err)
			}
		}
	})
}
