package vtest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temperhq/temper/verification/internal/vtest"
)

// TestCorpusFiles checks the corpus itself: every spec loads, and its
// header says what is wrong with it and which level must catch it.
func TestCorpusFiles(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(vtest.CorpusDir(), "*.ioa.toml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus specs in %s: %v", vtest.CorpusDir(), err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(filepath.Base(n), ".ioa.toml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if b := vtest.Spec(t, name); len(b.TableList) != 1 {
				t.Errorf("%d tables, want 1", len(b.TableList))
			}
			data, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			src := string(data)
			if !strings.HasPrefix(src, "# Broken: ") || !strings.Contains(src, "# Must be caught by: ") {
				t.Errorf("header does not say what is wrong and which level must catch it:\n%s", src)
			}
		})
	}
}
