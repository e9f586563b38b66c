package smt

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/internal/vtest"
)

var update = flag.Bool("update", false, "rewrite the golden SMT-LIB2 files in testdata/")

// TestGolden pins the SMT-LIB2 text of every query (the text Z3 parses, as
// Options.DumpDir writes it) and its answer: the seed, and the sink spec,
// which uses every construct. go test -run TestGolden -update rewrites
// testdata/.
func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		load func(testing.TB) *specengine.Bundle
	}{
		{"seed", vtest.Seed},
		{"sink", func(t testing.TB) *specengine.Bundle { return loadSpecs(t, sinkSpec) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			check(t, c.load(t), Options{DumpDir: dir})
			golden := filepath.Join("testdata", c.name)
			got := readDir(t, dir)
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(golden, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, data := range got {
					if err := os.WriteFile(filepath.Join(golden, name), []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := readDir(t, golden)
			for _, name := range sortedKeys(want) {
				g, ok := got[name]
				if !ok {
					t.Errorf("%s: no longer produced", name)
					continue
				}
				if g != want[name] {
					t.Errorf("%s differs (run with -update to accept):\n%s", name, firstDiff(want[name], g))
				}
			}
			for _, name := range sortedKeys(got) {
				if _, ok := want[name]; !ok {
					t.Errorf("%s: new query without a golden file (run with -update)", name)
				}
			}
		})
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".smt2") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, a, b)
		}
	}
	return ""
}
