package csdl_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
)

// conformanceDir holds the shared conformance corpus, outside the module.
const conformanceDir = "../../../shared/conformance"

func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus %s not present: %v", conformanceDir, err)
	}
	var files []string
	err := filepath.WalkDir(conformanceDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".csdl.xml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCorpus(t *testing.T) {
	t.Parallel()
	files := corpusFiles(t)
	if len(files) != 9 {
		t.Errorf("found %d CSDL files in %s, want 9", len(files), conformanceDir)
	}
	for _, f := range files {
		t.Run(strings.TrimPrefix(f, conformanceDir+"/"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := csdl.Parse(f, data)
			if err != nil {
				t.Fatalf("parse:\n%v", err)
			}
			assertRoundTrip(t, m)
		})
	}
}
