package entity_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/temperhq/temper/activities/projection"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

// noop is the baseline: a workflow whose update handler does nothing.
func noop(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandlerWithOptions(ctx, "noop", func(ctx workflow.Context, n int) (int, error) { return n, nil },
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, n int) error { return nil }}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	s := append(latencies(nil), l...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

// drive runs n calls spread over conc callers, each on its own target, and
// returns the latencies and the throughput.
func drive(b *testing.B, conc, n int, call func(caller, i int) error) (latencies, float64) {
	var mu sync.Mutex
	var lat latencies
	var wg sync.WaitGroup
	start := time.Now()
	per := n / conc
	for c := 0; c < conc; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				t0 := time.Now()
				if err := call(c, i); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	return lat, float64(len(lat)) / time.Since(start).Seconds()
}

// BenchmarkEntityVsBareUpdate compares one action through the entity
// workflow (validator, Apply, after-commit local activity) with a bare
// Workflow Update on a no-op workflow, on the same server in the same run,
// at 1, 16 and 64 concurrent callers (each on its own entity). It reports
// p50/p99 latency and throughput of both and their ratio.
func BenchmarkEntityVsBareUpdate(b *testing.B) {
	it := newBenchServer(b)
	ctx := context.Background()
	for _, conc := range []int{1, 16, 64} {
		n := 200 * conc
		if conc == 1 {
			n = 300
		}
		if n > 2000 {
			n = 2000
		}
		b.Run(fmt.Sprintf("callers=%d", conc), func(b *testing.B) {
			for b.Loop() {
				// Targets.
				refs := make([]entity.Ref, conc)
				for c := range refs {
					refs[c] = entity.Ref{App: "bench", EntitySet: "Counters", Key: fmt.Sprintf("c%d-%d-%d", conc, c, time.Now().UnixNano())}
					if _, err := it.client.Create(ctx, entity.Start{Ref: refs[c], Entity: "Counter", Spec: it.spec}); err != nil {
						b.Fatal(err)
					}
					if _, err := it.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "noop-" + refs[c].Key, TaskQueue: it.queue}, "noop"); err != nil {
						b.Fatal(err)
					}
				}
				bare, bareTput := drive(b, conc, n, func(c, i int) error {
					h, err := it.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: "noop-" + refs[c].Key, UpdateName: "noop",
						Args: []any{i}, WaitForStage: client.WorkflowUpdateStageCompleted})
					if err != nil {
						return err
					}
					return h.Get(ctx, nil)
				})
				ent, entTput := drive(b, conc, n, func(c, i int) error {
					_, err := it.client.Act(ctx, refs[c], "", entity.Request{Action: "Inc"})
					return err
				})
				b.ReportMetric(float64(bare.pct(0.5).Microseconds())/1000, "bare-p50-ms")
				b.ReportMetric(float64(bare.pct(0.99).Microseconds())/1000, "bare-p99-ms")
				b.ReportMetric(bareTput, "bare-ops/s")
				b.ReportMetric(float64(ent.pct(0.5).Microseconds())/1000, "entity-p50-ms")
				b.ReportMetric(float64(ent.pct(0.99).Microseconds())/1000, "entity-p99-ms")
				b.ReportMetric(entTput, "entity-ops/s")
				b.ReportMetric(float64(ent.pct(0.5))/float64(bare.pct(0.5)), "p50-ratio")
				b.ReportMetric(bareTput/entTput, "throughput-ratio")
				if conc == 1 {
					// The same actions with the projection hook writing to a
					// SQLite store: the cost the projection adds.
					prefs := make([]entity.Ref, conc)
					for c := range prefs {
						prefs[c] = entity.Ref{App: "bench", EntitySet: "Counters", Key: fmt.Sprintf("p%d-%d", c, time.Now().UnixNano())}
						if _, err := it.projected.Create(ctx, entity.Start{Ref: prefs[c], Entity: "Counter", Spec: it.spec}); err != nil {
							b.Fatal(err)
						}
					}
					proj, projTput := drive(b, conc, n, func(c, i int) error {
						_, err := it.projected.Act(ctx, prefs[c], "", entity.Request{Action: "Inc"})
						return err
					})
					b.ReportMetric(float64(proj.pct(0.5).Microseconds())/1000, "projected-p50-ms")
					b.ReportMetric(projTput, "projected-ops/s")
					b.ReportMetric(float64(proj.pct(0.5))/float64(ent.pct(0.5)), "projection-p50-ratio")
				}
			}
		})
	}
}

type benchServer struct {
	c         client.Client
	client    *entity.Client
	projected *entity.Client // workers with the projection hook
	spec      string
	queue     string
}

func newBenchServer(b *testing.B) *benchServer {
	b.Helper()
	ts := newTestServer(b)
	c := ts.GetDefaultClient()
	reg := specengine.NewRegistry()
	bundle, err := specengine.Load(map[string][]byte{"Counter.ioa.toml": []byte(counterSpec)})
	if err != nil {
		b.Fatal(err)
	}
	bs := &benchServer{c: c, spec: reg.Add(bundle), queue: "temper-bench"}
	bs.client = &entity.Client{Temporal: c, TaskQueue: bs.queue}
	w := worker.New(c, reg, nopHook{}, worker.Options{TaskQueue: bs.queue})
	w.RegisterWorkflowWithOptions(noop, workflow.RegisterOptions{Name: "noop"})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.Stop)
	var _ sdkworker.Worker = w
	st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	pw := worker.New(c, reg, &projection.Hook{Store: st}, worker.Options{TaskQueue: "temper-bench-projected"})
	if err := pw.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pw.Stop)
	bs.projected = &entity.Client{Temporal: c, TaskQueue: "temper-bench-projected"}
	return bs
}
