package smt

import (
	"context"
	"testing"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/internal/vtest"
)

// BenchmarkCheck is L0 on each bundled app and the seed: one Check per
// iteration (context creation included).
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct {
		name string
		load func(testing.TB) *specengine.Bundle
	}{
		{"tasks", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "tasks") }},
		{"knowledge", func(t testing.TB) *specengine.Bundle { return vtest.App(t, "knowledge") }},
		{"seed", vtest.Seed},
	} {
		b.Run(c.name, func(b *testing.B) {
			bundle := c.load(b)
			var queries float64
			for b.Loop() {
				res, err := Check(context.Background(), bundle, Options{})
				if err != nil {
					b.Fatal(err)
				}
				queries = res.Stats["queries"]
			}
			b.ReportMetric(queries, "queries/op")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/queries, "µs/query")
		})
	}
}
