package modelcheck_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/domain"
	"github.com/temperhq/temper/verification/modelcheck"
)

// benchSpec generates a spec with n counters, each stepped up and down
// within 0..max (the guard's literal raises the bound), and b booleans
// switched on and off: (max+1)^n * 2^b reachable states, all of them read
// by guards and an invariant, so projection does not shrink them.
func benchSpec(n, max, b int) string {
	var s strings.Builder
	s.WriteString("[automaton]\nname = \"Grid\"\nstates = [\"Running\"]\ninitial = \"Running\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&s, "\n[[state]]\nname = \"c%d\"\ntype = \"counter\"\ninitial = 0\n", i)
		fmt.Fprintf(&s, "\n[[action]]\nname = \"Up%d\"\nfrom = [\"Running\"]\nguard = \"c%d < %d\"\neffect = \"c%d += 1\"\n", i, i, max, i)
		fmt.Fprintf(&s, "\n[[action]]\nname = \"Down%d\"\nfrom = [\"Running\"]\nguard = \"c%d > 0\"\neffect = \"c%d -= 1\"\n", i, i, i)
	}
	for i := 0; i < b; i++ {
		fmt.Fprintf(&s, "\n[[state]]\nname = \"f%d\"\ntype = \"bool\"\ninitial = false\n", i)
		fmt.Fprintf(&s, "\n[[action]]\nname = \"On%d\"\nfrom = [\"Running\"]\nguard = \"!f%d\"\neffect = \"f%d = true\"\n", i, i, i)
		fmt.Fprintf(&s, "\n[[action]]\nname = \"Off%d\"\nfrom = [\"Running\"]\nguard = \"f%d\"\neffect = \"f%d = false\"\n", i, i, i)
	}
	var conj []string
	for i := 0; i < n; i++ {
		conj = append(conj, fmt.Sprintf("c%d <= %d", i, max))
	}
	fmt.Fprintf(&s, "\n[[invariant]]\nname = \"InRange\"\nassert = \"%s\"\n", strings.Join(conj, " && "))
	return s.String()
}

// The benchmark model: 25^4 * 2^2 = 1,562,500 reachable states.
const (
	benchCounters = 4
	benchMax      = 24
	benchBools    = 2
	benchStates   = 1_562_500
)

func benchTable(b *testing.B) (*specengine.Table, *domain.Domain) {
	bundle, err := specengine.Load(map[string][]byte{"grid/Grid.ioa.toml": []byte(benchSpec(benchCounters, benchMax, benchBools))})
	if err != nil {
		b.Fatal(err)
	}
	t := bundle.TableList[0]
	return t, domain.New(t, domain.Options{})
}

// BenchmarkExplore measures L1's states per second on one core.
//
//	go test ./verification/modelcheck -run '^$' -bench . -benchtime 3x -cpu 1
func BenchmarkExplore(b *testing.B) {
	t, d := benchTable(b)
	var states int
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		g, err := modelcheck.Explore(context.Background(), t, d, modelcheck.Options{})
		if err != nil {
			b.Fatal(err)
		}
		states += g.Len()
		if g.Len() != benchStates {
			b.Fatalf("%d states, want %d", g.Len(), benchStates)
		}
	}
	b.ReportMetric(float64(states)/time.Since(start).Seconds(), "states/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(states)/used.Seconds(), "states/cpu-s")
	}
}

// BenchmarkNaiveBFS is the plain-Go baseline over the same Apply: full
// states in a queue, a map[string]bool of rendered states.
func BenchmarkNaiveBFS(b *testing.B) {
	t, d := benchTable(b)
	var states int
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		n, _ := naiveBFS(t, d)
		states += n
		if n != benchStates {
			b.Fatalf("%d states, want %d", n, benchStates)
		}
	}
	b.ReportMetric(float64(states)/time.Since(start).Seconds(), "states/s")
	if used := cpuTime() - cpu; used > 0 {
		b.ReportMetric(float64(states)/used.Seconds(), "states/cpu-s")
	}
}

// naiveBFS explores as simply as possible: the baseline for the figures and
// an independent count for the tests. Like the checker it does not expand
// states beyond the bounds and does not track versions.
func naiveBFS(t *specengine.Table, d *domain.Domain) (states, transitions int) {
	seen := map[string]bool{}
	var queue []specengine.State
	key := func(s *specengine.State) string {
		var b strings.Builder
		b.WriteString(strconv.Itoa(s.Status))
		for _, v := range s.Vars {
			b.WriteByte('|')
			b.WriteByte('0' + byte(v.K))
			b.WriteString(v.String())
		}
		return b.String()
	}
	for _, s := range d.Initials() {
		if k := key(&s); !seen[k] {
			seen[k] = true
			queue = append(queue, s)
		}
	}
	var st specengine.Step
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if !d.InBounds(&s) {
			continue
		}
		for a := range t.Actions {
			for _, p := range d.ParamSets[a] {
				s.Version = 0
				if t.Apply(&st, &s, a, p) != specengine.OK {
					continue
				}
				transitions++
				n := st.Next.Clone()
				if k := key(&n); !seen[k] {
					seen[k] = true
					queue = append(queue, n)
				}
			}
		}
	}
	return len(seen), transitions
}
