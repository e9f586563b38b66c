package storetest

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// BenchSize is how many entities the benchmarks seed into one set.
const BenchSize = 100_000

// BenchApp is the benchmarks' app.
const BenchApp = "bench"

// BenchSchema is the benchmark set's schema.
var BenchSchema = store.Schema{Key: []string{"id"}, Properties: map[string]string{
	"id": "Edm.String", "status": "Edm.String", "title": "Edm.String", "assignee": "Edm.String",
	"priority": "Edm.Int32", "reopened": "Edm.Int32", "reviewed": "Edm.Boolean", "labels": "Collection(Edm.String)",
}}

var benchStates = []string{"Open", "InProgress", "Blocked", "Done", "Cancelled"}

// benchEntity is entity i of the benchmark set at version v.
func benchEntity(set string, i int, v int64) store.Entity {
	r := rand.New(rand.NewSource(int64(i)))
	words := []string{"fix", "login", "page", "slow", "crash", "report", "export", "search", "cache", "retry"}
	e := entity(BenchApp, set, fmt.Sprintf("task-%06d", i), v, benchStates[r.Intn(len(benchStates))], map[string]any{
		"title":    words[r.Intn(len(words))] + " " + words[r.Intn(len(words))] + fmt.Sprintf(" #%d", i),
		"assignee": fmt.Sprintf("agent-%02d", r.Intn(20)),
		"priority": 1 + r.Intn(5), "reopened": r.Intn(3), "reviewed": r.Intn(2) == 0,
		"labels": []any{words[r.Intn(len(words))]},
	})
	e.Creator = fmt.Sprintf(`Agent::"agent-%02d"`, i%20)
	return e
}

// SeedBench writes BenchSize entities into set, laying it out with
// EnsureSet first when ensure is true.
func SeedBench(ctx context.Context, tb testing.TB, s store.Store, set string, ensure bool) {
	tb.Helper()
	if ensure {
		if err := s.EnsureSet(ctx, store.SetSchema{App: BenchApp, Set: set, EntityType: "Task", Schema: BenchSchema}); err != nil {
			tb.Fatal(err)
		}
	}
	const batch = 2000
	for i := 0; i < BenchSize; i += batch {
		es := make([]store.Entity, 0, batch)
		for j := i; j < min(i+batch, BenchSize); j++ {
			es = append(es, benchEntity(set, j, 1))
		}
		if err := s.PutProjections(ctx, es); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchQuery is the tracked list request: a filtered, ordered page of 50
// with the total count (status eq 'Open' and priority gt 2,
// $orderby=priority desc,id, $count=true).
func BenchQuery(set string) store.ListQuery {
	return store.ListQuery{App: BenchApp, Set: set, Schema: BenchSchema, Top: 50, Count: true,
		Filter:  and(eq(p("status"), str("Open")), gt(p("priority"), num(2))),
		OrderBy: []ast.OrderItem{desc(p("priority")), asc(p("id"))}}
}

// Extra is a backend's own benchmark on the seeded store.
type Extra struct {
	Name string
	Run  func(b *testing.B, s store.Store)
}

// Measure runs f b.N times and reports the p50 and p99 latency in
// milliseconds beside ns/op.
func Measure(b *testing.B, f func(i int) error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	for i := range 3 { // warm caches and prepared statements
		if err := f(-1 - i); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := f(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// Bench runs the tracked figures on one store from open: the benchmark
// page on the typed layout and on the JSON document (a set never
// ensured), its next page by skip token, and the writes an action adds
// (PutProjection, RecordCommit: a version bump of an existing entity).
// Seeding 2×100,000 entities takes a while; it happens once per call.
//
// A store with an Optimize(ctx) error method (planner statistics, vacuum)
// has it called after seeding, as a deployment's maintenance would. The
// extras run as further sub-benchmarks on the seeded store: backends add
// their layout experiments there.
func Bench(b *testing.B, open Factory, extras ...Extra) {
	ctx := context.Background()
	s := open(b)
	defer s.Close()
	SeedBench(ctx, b, s, "Tasks", true)
	SeedBench(ctx, b, s, "TasksDoc", false)
	if o, ok := s.(interface{ Optimize(context.Context) error }); ok {
		if err := o.Optimize(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for _, x := range extras {
		b.Run(x.Name, func(b *testing.B) { x.Run(b, s) })
	}

	for _, set := range []string{"Tasks", "TasksDoc"} {
		name := map[string]string{"Tasks": "Page/typed", "TasksDoc": "Page/json-doc"}[set]
		b.Run(name, func(b *testing.B) {
			q := BenchQuery(set)
			Measure(b, func(int) error {
				r, err := s.Query(ctx, q)
				if err == nil && (len(r.Entities) != 50 || *r.Count == 0) {
					err = fmt.Errorf("page of %d, count %d", len(r.Entities), *r.Count)
				}
				return err
			})
		})
	}
	// The same page as seen by one of 20 agents under the default
	// policies (its own entities): the authorization filter is one more
	// condition of the same query.
	b.Run("Page/typed-restricted", func(b *testing.B) {
		q := BenchQuery("Tasks")
		q.Restrict = eq(p(store.CreatorProperty), str(`Agent::"agent-07"`))
		Measure(b, func(int) error {
			r, err := s.Query(ctx, q)
			if err == nil && (len(r.Entities) == 0 || *r.Count == 0) {
				err = fmt.Errorf("page of %d, count %d", len(r.Entities), *r.Count)
			}
			return err
		})
	})
	b.Run("Page/typed-next", func(b *testing.B) {
		q := BenchQuery("Tasks")
		q.Count = false
		first, err := s.Query(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		q.After = first.Next
		Measure(b, func(int) error { _, err := s.Query(ctx, q); return err })
	})
	version := int64(1)
	b.Run("PutProjection", func(b *testing.B) {
		Measure(b, func(i int) error {
			version++
			return s.PutProjection(ctx, benchEntity("Tasks", (i+BenchSize)%BenchSize, version))
		})
	})
	b.Run("RecordCommit", func(b *testing.B) {
		Measure(b, func(i int) error {
			version++
			e := benchEntity("Tasks", (i+BenchSize)%BenchSize, version)
			return s.RecordCommit(ctx, e, transition(e.Ref, e.Version, "Prioritize", "Open", e.Status, e.UpdatedAt))
		})
	})
}
