package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/identity"
)

const orderSpec = `
[automaton]
name = "Order"
states = ["Open", "Placed"]
initial = "Open"

[[action]]
name = "Place"
from = ["Open"]
to = "Placed"

[[action.triggers]]
name = "ship"
kind = "entity"
target_entity = "Shipment"
target_action = "%s"
resolve_target = { type = "create_if_missing", id_field = "id" }
`

const shipmentSpec = `
[automaton]
name = "Shipment"
states = ["New", "Preparing"]
initial = "New"

[[state]]
name = "count"
type = "counter"
initial = "0"

[[action]]
name = "Prepare"
from = ["New", "Preparing"]
to = "Preparing"
effect = "count += 1"

[[action]]
name = "Expedite"
from = ["New", "Preparing"]
to = "Preparing"
effect = "count += 10"
`

func shopFiles(target, policies string) map[string]string {
	files := map[string]string{
		"Order.ioa.toml":    strings.Replace(orderSpec, "%s", target, 1),
		"Shipment.ioa.toml": shipmentSpec,
	}
	if policies != "" {
		files["policies.cedar"] = policies
	}
	return files
}

// waitFor polls the admin's GET of path until ok accepts it.
func waitFor(t *testing.T, s *stack, path string, ok func(resp) bool) resp {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := s.do(t, "GET", path, nil)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %d %s", path, r.status, r.raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReactions: an entity trigger creates or finds its target and runs
// the target action after the source commits, exactly once, as
// Service::"reaction" through Cedar; a deploy that changes the rule
// applies to entities already running; a policy that does not permit
// the reaction stops it (and the refusal is recorded).
func TestReactions(t *testing.T) {
	s := newStack(t, 0)
	a := s.issue(t, identity.Agent, "agent-a")
	if r := s.do(t, "POST", "/api/apps/shop/specs", shopFiles("Prepare", "")); r.status != http.StatusOK {
		t.Fatalf("v1: %d %s", r.status, r.raw)
	}
	orders, shipments := "/odata/shop/Orders", "/odata/shop/Shipments"
	for _, id := range []string{"o1", "o2", "o3"} {
		if r := s.doAs(t, a, "POST", orders, map[string]any{"id": id}); r.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", id, r.status, r.raw)
		}
	}
	if r := s.doAs(t, a, "POST", orders+"('o1')/Temper.Place", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("Place o1: %d %s", r.status, r.raw)
	}
	waitFor(t, s, shipments+"('o1')", func(r resp) bool { return r.status == http.StatusOK && r.body["count"] == 1.0 })
	ts, err := s.store.EntityTransitions(context.Background(), storeRef("shop", "Shipments", "o1"), 10)
	if err != nil || len(ts) != 2 || ts[0].Action != "Prepare" || ts[0].Principal != `Service::"reaction"` {
		t.Fatalf("shipment transitions: %+v %v", ts, err)
	}
	// Hot reload of the rule: o2 was running under v1.
	if r := s.do(t, "POST", "/api/apps/shop/specs", shopFiles("Expedite", "")); r.status != http.StatusOK {
		t.Fatalf("v2: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", orders+"('o2')/Temper.Place", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("Place o2: %d %s", r.status, r.raw)
	}
	waitFor(t, s, shipments+"('o2')", func(r resp) bool { return r.status == http.StatusOK && r.body["count"] == 10.0 })
	// Exactly once: o1's reaction was not delivered again.
	if r := s.do(t, "GET", shipments+"('o1')", nil); r.body["count"] != 1.0 {
		t.Fatalf("o1's shipment after more work: %s", r.raw)
	}
	// A bundle whose policies do not permit reactions stops them.
	v3 := shopFiles("Prepare", `permit (principal is Agent, action, resource);`)
	if r := s.do(t, "POST", "/api/apps/shop/specs", v3); r.status != http.StatusOK {
		t.Fatalf("v3: %d %s", r.status, r.raw)
	}
	if r := s.doAs(t, a, "POST", orders+"('o3')/Temper.Place", map[string]any{}); r.status != http.StatusOK {
		t.Fatalf("Place o3: %d %s", r.status, r.raw)
	}
	q := "/api/trajectories?app=shop&outcome=denied&principal=" + url.QueryEscape(`Service::"reaction"`)
	waitFor(t, s, q, func(r resp) bool { v, _ := r.body["value"].([]any); return len(v) > 0 })
	if r := s.do(t, "GET", shipments+"('o3')", nil); r.status != http.StatusNotFound {
		t.Fatalf("a refused reaction created its target: %d %s", r.status, r.raw)
	}
}

// TestSpawn: a spawn effect creates the child by running its action,
// once, through the same delivery as reactions.
func TestSpawn(t *testing.T) {
	s := newStack(t, 0)
	files := map[string]string{
		"Team.ioa.toml": `
[automaton]
name = "Team"
states = ["Idle"]
initial = "Idle"

[[action]]
name = "Hire"
from = ["Idle"]
effect = "spawn('Member', 'Join')"
`,
		"Member.ioa.toml": `
[automaton]
name = "Member"
states = ["New", "Active"]
initial = "New"

[[action]]
name = "Join"
from = ["New"]
to = "Active"
`}
	if r := s.do(t, "POST", "/api/apps/teams/specs", files); r.status != http.StatusOK {
		t.Fatalf("deploy: %d %s", r.status, r.raw)
	}
	s.do(t, "POST", "/odata/teams/Teams", map[string]any{"id": "t1"})
	for i := range 2 {
		if r := s.do(t, "POST", "/odata/teams/Teams('t1')/Temper.Hire", map[string]any{}); r.status != http.StatusOK {
			t.Fatalf("Hire %d: %d %s", i, r.status, r.raw)
		}
	}
	r := waitFor(t, s, "/odata/teams/Members?$filter=status%20eq%20'Active'&$count=true", func(r resp) bool { return r.body["@odata.count"] == 2.0 })
	if ids := valueIDs(r); !strings.HasPrefix(ids, "t1-Member-") {
		t.Fatalf("members: %s", r.raw)
	}
}
