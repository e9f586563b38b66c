package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// Factory returns a fresh, migrated, empty store for one test; Run closes
// it. Backends isolate each store (a temp file, a new schema).
type Factory func(t testing.TB) store.Store

// Run runs the conformance suite against the stores open makes.
func Run(t *testing.T, open Factory) {
	setup := func(t *testing.T) (context.Context, store.Store) {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { s.Close() })
		return context.Background(), s
	}
	t.Run("Migrations", func(t *testing.T) {
		t.Parallel()
		ctx, s := setup(t)
		for range 2 {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("repeated Migrate: %v", err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- s.Migrate(ctx) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent Migrate: %v", err)
			}
		}
	})
	t.Run("Projections", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testProjections(ctx, t, s) })
	t.Run("ConcurrentWriters", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testConcurrent(ctx, t, s) })
	t.Run("Transitions", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testTransitions(ctx, t, s) })
	t.Run("Incarnations", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testIncarnations(ctx, t, s) })
	t.Run("EnsureSet", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testEnsureSet(ctx, t, s) })
	t.Run("Query", func(t *testing.T) {
		t.Parallel()
		ctx, s := setup(t)
		seedConf(ctx, t, s)
		// The same table on both layouts: "Typed" was ensured (typed,
		// indexed columns), "Doc" never was (read from the JSON document).
		for _, set := range []string{"Typed", "Doc"} {
			t.Run(set, func(t *testing.T) { testQueries(ctx, t, s, set) })
		}
	})
	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		ctx, s := setup(t)
		seedConf(ctx, t, s)
		testPaging(ctx, t, s)
	})
	t.Run("Keys", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testKeys(ctx, t, s) })
	t.Run("Restrict", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testRestrict(ctx, t, s) })
	t.Run("Principals", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testPrincipals(ctx, t, s) })
	t.Run("Policies", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testPolicies(ctx, t, s) })
	t.Run("Decisions", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testDecisions(ctx, t, s) })
	t.Run("Trajectories", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testTrajectories(ctx, t, s) })
	t.Run("SpecVersions", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testSpecVersions(ctx, t, s) })
	t.Run("Activate", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testActivate(ctx, t, s) })
	t.Run("Deploys", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testDeploys(ctx, t, s) })
	t.Run("Modules", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testModules(ctx, t, s) })
	t.Run("Secrets", func(t *testing.T) { t.Parallel(); ctx, s := setup(t); testSecrets(ctx, t, s) })
	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		ctx, s := setup(t)
		seedConf(ctx, t, s)
		testErrors(ctx, t, s)
	})
}

func seedConf(ctx context.Context, t testing.TB, s store.Store) {
	t.Helper()
	if err := s.EnsureSet(ctx, store.SetSchema{App: confApp, Set: "Typed", EntityType: "Task", Schema: confSchema}); err != nil {
		t.Fatalf("EnsureSet: %v", err)
	}
	var es []store.Entity
	for _, set := range []string{"Typed", "Doc"} {
		for _, r := range confRows {
			es = append(es, entity(confApp, set, r.key, 1, r.status, r.fields))
		}
	}
	if err := s.PutProjections(ctx, es); err != nil {
		t.Fatalf("PutProjections: %v", err)
	}
}

func testProjections(ctx context.Context, t *testing.T, s store.Store) {
	ref := store.Ref{App: "a", Set: "Tasks", Key: "k'1; --"}
	if _, err := s.GetProjection(ctx, ref); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of an unknown set: %v, want ErrNotFound", err)
	}
	fields := map[string]any{"title": "x", "n": int64(3), "f": 2.5, "ok": true, "none": nil, "tags": []any{"a", "b"}}
	v1 := entity("a", "Tasks", ref.Key, 1, "Open", fields)
	v1.CreatedAt = v1.UpdatedAt
	if err := s.PutProjection(ctx, v1); err != nil {
		t.Fatalf("Put v1: %v", err)
	}
	got, err := s.GetProjection(ctx, ref)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := v1
	want.Fields = map[string]any{"status": "Open", "title": "x", "n": int64(3), "f": 2.5, "ok": true, "none": nil, "tags": []any{"a", "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get = %+v\nwant %+v", got, want)
	}
	if _, err := s.GetProjection(ctx, store.Ref{App: "a", Set: "Tasks", Key: "other"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get unknown key: %v, want ErrNotFound", err)
	}

	// Never backwards: v3, then a retried v2 and a repeated v3 change nothing.
	v3 := entity("a", "Tasks", ref.Key, 3, "Done", map[string]any{"title": "three"})
	if err := s.PutProjection(ctx, v3); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []store.Entity{
		entity("a", "Tasks", ref.Key, 2, "InProgress", map[string]any{"title": "two"}),
		entity("a", "Tasks", ref.Key, 3, "Other", map[string]any{"title": "three again"}),
		v1,
	} {
		if err := s.PutProjection(ctx, stale); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetProjection(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 3 || got.Status != "Done" || got.Fields["title"] != "three" {
			t.Fatalf("after a stale write of v%d: %+v", stale.Version, got)
		}
		if !got.CreatedAt.Equal(v1.CreatedAt) {
			t.Fatalf("CreatedAt moved: %v, want %v", got.CreatedAt, v1.CreatedAt)
		}
	}

	// Delete, then delete again; a re-created entity starts over at v1.
	if err := s.DeleteProjection(ctx, ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.GetProjection(ctx, ref); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	if err := s.DeleteProjection(ctx, ref); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
	if err := s.DeleteProjection(ctx, store.Ref{App: "nope", Set: "Nope", Key: "k"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete in an unknown set: %v, want ErrNotFound", err)
	}
	if err := s.PutProjection(ctx, v1); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetProjection(ctx, ref); err != nil || got.Version != 1 {
		t.Fatalf("re-created: %+v, %v", got, err)
	}
	if err := s.PutProjection(ctx, store.Entity{Ref: store.Ref{App: "a"}}); err == nil {
		t.Fatal("Put without set and key: no error")
	}
}

func testConcurrent(ctx context.Context, t *testing.T, s store.Store) {
	const writers, versions = 8, 40
	ref := store.Ref{App: "a", Set: "Race", Key: "k"}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			order := r.Perm(versions)
			for _, v := range order {
				e := entity(ref.App, ref.Set, ref.Key, int64(v+1), fmt.Sprintf("S%d", v+1), map[string]any{"v": v + 1})
				var err error
				if w%2 == 0 {
					err = s.PutProjection(ctx, e)
				} else {
					err = s.RecordCommit(ctx, e, transition(ref, int64(v+1), "Act", "", e.Status, e.UpdatedAt))
				}
				if err != nil {
					errs <- err
					return
				}
				got, err := s.GetProjection(ctx, ref)
				if err != nil {
					errs <- err
					return
				}
				if got.Version < int64(v+1) {
					errs <- fmt.Errorf("read v%d after writing v%d", got.Version, v+1)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := s.GetProjection(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != versions || got.Status != fmt.Sprintf("S%d", versions) || got.Fields["v"] != int64(versions) {
		t.Fatalf("final projection %+v, want v%d", got, versions)
	}
	tr, err := s.EntityTransitions(ctx, ref, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) != versions {
		t.Fatalf("%d transition records, want %d (one per version)", len(tr), versions)
	}
}

func testTransitions(ctx context.Context, t *testing.T, s store.Store) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r1 := store.Ref{App: "a", Set: "Tasks", Key: "one"}
	r2 := store.Ref{App: "a", Set: "Tasks", Key: "two"}
	other := store.Ref{App: "b", Set: "Tasks", Key: "one"}
	states := []string{"", "Open", "InProgress", "Blocked", "InProgress", "Done"}
	for v := int64(1); v <= 5; v++ {
		if err := s.AppendTransition(ctx, transition(r1, v, fmt.Sprintf("A%d", v), states[v-1], states[v], base.Add(time.Duration(2*v)*time.Minute))); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendTransition(ctx, transition(r2, v, fmt.Sprintf("B%d", v), states[v-1], states[v], base.Add(time.Duration(2*v+1)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AppendTransition(ctx, transition(other, 1, "C1", "", "Open", base)); err != nil {
		t.Fatal(err)
	}
	// Idempotent by (entity, version): a retry, even with other content,
	// keeps the first record.
	if err := s.AppendTransition(ctx, transition(r1, 3, "Retry", "x", "y", base)); err != nil {
		t.Fatal(err)
	}
	// RecordCommit writes both; repeating it changes nothing.
	e := entity(r1.App, r1.Set, r1.Key, 6, "Done", nil)
	for range 2 {
		if err := s.RecordCommit(ctx, e, transition(r1, 6, "A6", "Done", "Done", base.Add(13*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.GetProjection(ctx, r1); err != nil || got.Version != 6 {
		t.Fatalf("RecordCommit projection: %+v, %v", got, err)
	}

	got, err := s.EntityTransitions(ctx, r1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, tr := range got {
		actions = append(actions, tr.Action)
	}
	if want := []string{"A6", "A5", "A4", "A3", "A2", "A1"}; !slices.Equal(actions, want) {
		t.Fatalf("entity transitions %v, want %v", actions, want)
	}
	first := got[len(got)-1]
	want := transition(r1, 1, "A1", "", "Open", base.Add(2*time.Minute))
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("record %+v\nwant %+v", first, want)
	}
	if got, _ := s.EntityTransitions(ctx, r1, 2); len(got) != 2 || got[0].Version != 6 {
		t.Fatalf("limit 2: %+v", got)
	}
	app, err := s.AppTransitions(ctx, "a", 4)
	if err != nil {
		t.Fatal(err)
	}
	actions = actions[:0]
	for _, tr := range app {
		actions = append(actions, tr.Action)
	}
	if want := []string{"A6", "B5", "A5", "B4"}; !slices.Equal(actions, want) {
		t.Fatalf("app transitions %v, want %v", actions, want)
	}
	if all, _ := s.AppTransitions(ctx, "a", 100); len(all) != 11 {
		t.Fatalf("app a has %d records, want 11", len(all))
	}
	if none, err := s.AppTransitions(ctx, "nope", 10); err != nil || len(none) != 0 {
		t.Fatalf("unknown app: %v, %v", none, err)
	}
}

func testEnsureSet(ctx context.Context, t *testing.T, s store.Store) {
	// Data first, schema later: EnsureSet lays out a set that has rows,
	// and queries agree before and after.
	var es []store.Entity
	for _, r := range confRows {
		es = append(es, entity(confApp, "Late", r.key, 1, r.status, r.fields))
	}
	if err := s.PutProjections(ctx, es); err != nil {
		t.Fatal(err)
	}
	q := store.ListQuery{App: confApp, Set: "Late", Schema: confSchema, Top: 100, Count: true, Now: confNow,
		Filter: and(eq(p("status"), str("Open")), gt(p("priority"), num(2))), OrderBy: []ast.OrderItem{desc(p("priority"))}}
	before := mustQuery(ctx, t, s, q)
	ss := store.SetSchema{App: confApp, Set: "Late", EntityType: "Task", Schema: confSchema}
	for range 2 {
		if err := s.EnsureSet(ctx, ss); err != nil {
			t.Fatalf("EnsureSet: %v", err)
		}
	}
	after := mustQuery(ctx, t, s, q)
	if !slices.Equal(keys(before.Entities), keys(after.Entities)) || *before.Count != *after.Count {
		t.Fatalf("before EnsureSet %v (%d), after %v (%d)", keys(before.Entities), *before.Count, keys(after.Entities), *after.Count)
	}
	if want := ks(11, 1, 2, 9, 12); !slices.Equal(keys(after.Entities), want) {
		t.Fatalf("got %v, want %v", keys(after.Entities), want)
	}
	// A property added later, and one whose type changed.
	ss2 := ss
	ss2.Schema = store.Schema{Key: confSchema.Key, Properties: map[string]string{"extra": "Edm.Int64", "title": "Edm.Int32"}}
	for k, v := range confSchema.Properties {
		if _, ok := ss2.Schema.Properties[k]; !ok {
			ss2.Schema.Properties[k] = v
		}
	}
	if err := s.EnsureSet(ctx, ss2); err != nil {
		t.Fatalf("EnsureSet with a new and a changed property: %v", err)
	}
	e := entity(confApp, "Late", "t13", 1, "Open", map[string]any{"extra": 7, "title": 42})
	if err := s.PutProjection(ctx, e); err != nil {
		t.Fatal(err)
	}
	r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: "Late", Schema: ss2.Schema, Top: 10,
		Filter: and(eq(p("extra"), num(7)), eq(p("title"), num(42)))})
	if !slices.Equal(keys(r.Entities), []string{"t13"}) {
		t.Fatalf("new columns: %v", keys(r.Entities))
	}
	// Bad schemas are refused.
	bad := store.SetSchema{App: "a", Set: "B", Schema: store.Schema{Properties: map[string]string{"x'; --": "Edm.String"}}}
	if err := s.EnsureSet(ctx, bad); err == nil {
		t.Fatal("EnsureSet accepted a property name that is not an identifier")
	}
	composite := store.SetSchema{App: "a", Set: "C", Schema: store.Schema{Key: []string{"a", "b"}}}
	if err := s.EnsureSet(ctx, composite); err != nil {
		t.Fatalf("compound key: %v", err)
	}
	doubleKey := store.SetSchema{App: "a", Set: "D", Schema: store.Schema{Key: []string{"a"}, Properties: map[string]string{"a": "Edm.Double"}}}
	var ue *store.UnsupportedError
	if err := s.EnsureSet(ctx, doubleKey); !errors.As(err, &ue) {
		t.Fatalf("key of type Edm.Double: %v, want UnsupportedError", err)
	}
	// A set nothing was written to is empty, with a zero count.
	r = mustQuery(ctx, t, s, store.ListQuery{App: "a", Set: "Empty", Schema: confSchema, Top: 10, Count: true})
	if len(r.Entities) != 0 || r.Count == nil || *r.Count != 0 {
		t.Fatalf("empty set: %+v", r)
	}
}

func mustQuery(ctx context.Context, t testing.TB, s store.Store, q store.ListQuery) store.ListResult {
	t.Helper()
	r, err := s.Query(ctx, q)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	return r
}

func testQueries(ctx context.Context, t *testing.T, s store.Store, set string) {
	for _, c := range filterCases {
		t.Run("filter/"+c.name, func(t *testing.T) {
			r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: set, Schema: confSchema, Filter: c.filter,
				Top: 100, Count: true, Now: confNow})
			if got := keys(r.Entities); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if r.Count == nil || *r.Count != int64(len(c.want)) {
				t.Fatalf("count %v, want %d", r.Count, len(c.want))
			}
		})
	}
	for _, c := range orderCases {
		t.Run("orderby/"+c.name, func(t *testing.T) {
			r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: set, Schema: confSchema, Filter: c.filter,
				OrderBy: c.order, Top: 100, Now: confNow})
			if got := keys(r.Entities); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}
	for _, c := range searchCases {
		t.Run("search/"+c.name, func(t *testing.T) {
			r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: set, Schema: confSchema, Search: c.search, Top: 100, Count: true})
			if got := keys(r.Entities); !slices.Equal(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if *r.Count != int64(len(c.want)) {
				t.Fatalf("count %d, want %d", *r.Count, len(c.want))
			}
		})
	}
	t.Run("search and filter", func(t *testing.T) {
		r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: set, Schema: confSchema, Top: 100,
			Search: term("alpha"), Filter: eq(p("status"), str("Open"))})
		if got := keys(r.Entities); !slices.Equal(got, ks(1, 9)) {
			t.Fatalf("got %v", got)
		}
	})
}

func testPaging(ctx context.Context, t *testing.T, s store.Store) {
	for _, c := range orderCases {
		for _, size := range []int{1, 5} {
			t.Run(fmt.Sprintf("%s/top%d", c.name, size), func(t *testing.T) {
				q := store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Filter: c.filter, OrderBy: c.order,
					Top: size, Count: true, Now: confNow}
				var got []string
				for pages := 0; ; pages++ {
					if pages > len(confRows)+1 {
						t.Fatal("paging does not end")
					}
					r := mustQuery(ctx, t, s, q)
					if len(r.Entities) > size {
						t.Fatalf("page of %d > top %d", len(r.Entities), size)
					}
					if *r.Count != int64(len(c.want)) {
						t.Fatalf("count %d on a later page, want %d", *r.Count, len(c.want))
					}
					got = append(got, keys(r.Entities)...)
					if r.Next == "" {
						break
					}
					q.After = r.Next
				}
				if !slices.Equal(got, c.want) {
					t.Fatalf("pages %v, want %v", got, c.want)
				}
			})
		}
	}
	t.Run("skip", func(t *testing.T) {
		r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 3, Skip: 2,
			OrderBy: []ast.OrderItem{desc(p("priority"))}})
		if got := keys(r.Entities); !slices.Equal(got, ks(1, 4, 2)) || r.Next == "" {
			t.Fatalf("skip 2 top 3: %v next %q", got, r.Next)
		}
	})
	t.Run("count only", func(t *testing.T) {
		r := mustQuery(ctx, t, s, store.ListQuery{App: confApp, Set: "Typed", Schema: confSchema, Top: 0, Count: true,
			Filter: eq(p("status"), str("Open"))})
		if len(r.Entities) != 0 || *r.Count != 6 || r.Next != "" {
			t.Fatalf("count only: %+v", r)
		}
	})
	t.Run("stable under inserts", func(t *testing.T) {
		q := store.ListQuery{App: confApp, Set: "Doc", Schema: confSchema, Top: 4}
		r := mustQuery(ctx, t, s, q)
		// An entity inserted before the cursor is not seen, nor does it
		// shift the next page.
		if err := s.PutProjection(ctx, entity(confApp, "Doc", "t00", 1, "Open", nil)); err != nil {
			t.Fatal(err)
		}
		q.After = r.Next
		r2 := mustQuery(ctx, t, s, q)
		if got := keys(r2.Entities); !slices.Equal(got, ks(5, 6, 7, 8)) {
			t.Fatalf("second page %v", got)
		}
	})
}
