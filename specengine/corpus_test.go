package specengine_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/diag"
)

// conformance is the shared conformance data, read in place (never copied).
const conformance = "../../shared/conformance"

func requireConformance(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(conformance); err != nil {
		t.Skipf("shared conformance data not found at %s (it sits beside the repository): %v", conformance, err)
	}
}

// readDirs groups the corpus by directory: each directory's specs, model and
// policies form one bundle, as the original project deployed them.
func readDirs(t *testing.T, root string) map[string]map[string][]byte {
	t.Helper()
	dirs := map[string]map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n := d.Name()
		if !strings.HasSuffix(n, ".ioa.toml") && !strings.HasSuffix(n, ".csdl.xml") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		dir := filepath.Dir(p)
		if dirs[dir] == nil {
			dirs[dir] = map[string][]byte{}
		}
		dirs[dir][p] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// TestOriginalCorpus loads every spec of the original project. A file that
// does not load must fail only with errors that name an unsupported
// construct (the README lists them, with reasons).
func TestOriginalCorpus(t *testing.T) {
	requireConformance(t)
	dirs := readDirs(t, filepath.Join(conformance, "temper-original"))
	total, loaded := 0, 0
	var keys []string
	for k := range dirs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, dir := range keys {
		files := dirs[dir]
		_, err := specengine.Load(files)
		byFile := map[string][]diag.Diagnostic{}
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("%s: error %T is not *diag.Error: %v", dir, err, err)
			}
			for _, d := range de.Diags.Errors() {
				byFile[d.Pos.File] = append(byFile[d.Pos.File], d)
			}
		}
		for name := range files {
			if !strings.HasSuffix(name, ".ioa.toml") {
				continue
			}
			total++
			ds := byFile[name]
			if len(ds) == 0 {
				loaded++
				continue
			}
			for _, d := range ds {
				if !strings.Contains(d.Msg, "unsupported: ") {
					t.Errorf("%s: not an unsupported construct: %s", name, d.Error())
				}
				if !d.Pos.IsValid() && !strings.Contains(d.Msg, "spec key") {
					t.Errorf("%s: error without a line: %s", name, d.Error())
				}
			}
			t.Logf("not loaded: %s: %s", name, ds[0].Error())
		}
		// Errors in files other than specs (the model) are failures.
		for f, ds := range byFile {
			if !strings.HasSuffix(f, ".ioa.toml") {
				t.Errorf("%s: %v", f, ds)
			}
		}
	}
	t.Logf("original corpus: %d of %d specs load", loaded, total)
	if total != 41 {
		t.Errorf("found %d specs, the corpus has 41", total)
	}
	if loaded < 30 {
		t.Errorf("only %d of %d specs load", loaded, total)
	}
}
