// Package vtest is the test support the verification levels share: it
// loads the spec corpus in verification/testdata/corpus, the bundled apps
// and the conformance seed into a *specengine.Bundle, so that every level
// (and the cascade) runs against the same files rather than its own
// copies of them.
package vtest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
)

// TaskAssignFix is the one-line fix the bundled Task spec once needed: its
// Assign guard only refused an empty agent, so a request without one (a
// null parameter) cleared the assignee of a started task, which breaks
// StartedTasksHaveAnAssignee. Once dev/apps/tasks carries the fix the
// replacement is a no-op.
var TaskAssignFix = strings.NewReplacer(`guard = "params.agent != ''"`, `guard = "params.agent != null && params.agent != ''"`)

// verificationDir is the verification/ folder of the source tree, found
// from this file so that tests in any package read the same corpus.
func verificationDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// CorpusDir is the folder of the shared spec corpus.
func CorpusDir() string {
	return filepath.Join(verificationDir(), "testdata", "corpus")
}

// SeedDir is the conformance seed, which sits beside the repository
// (../shared/conformance/seed); it is read in place.
func SeedDir() string {
	return filepath.Join(verificationDir(), "..", "..", "shared", "conformance", "seed")
}

// Load loads a bundle from file names and contents, failing the test on
// an error.
func Load(t testing.TB, files map[string][]byte) *specengine.Bundle {
	t.Helper()
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return b
}

// Inline loads one spec text as a bundle of its own (the data model is
// derived), for specs a single level uses.
func Inline(t testing.TB, src string) *specengine.Bundle {
	t.Helper()
	return Load(t, map[string][]byte{"s.ioa.toml": []byte(src)})
}

// Source returns the text of the corpus spec name
// (testdata/corpus/<name>.ioa.toml).
func Source(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(CorpusDir(), name+".ioa.toml"))
	if err != nil {
		t.Fatalf("corpus spec %s: %v", name, err)
	}
	return string(data)
}

// Spec loads the corpus spec name as a bundle of its own (the data model
// is derived).
func Spec(t testing.TB, name string) *specengine.Bundle {
	t.Helper()
	return Load(t, map[string][]byte{name + ".ioa.toml": []byte(Source(t, name))})
}

// App loads the bundled app name (see dev/apps) as it ships.
func App(t testing.TB, name string) *specengine.Bundle {
	t.Helper()
	return app(t, name)
}

// FixedApp loads the bundled app name with TaskAssignFix applied, for the
// levels whose expectations assume the fixed Task spec whatever
// dev/apps/tasks holds.
func FixedApp(t testing.TB, name string) *specengine.Bundle {
	t.Helper()
	return app(t, name, TaskAssignFix)
}

// app loads the bundled app name with each replacer applied to every file
// in turn.
func app(t testing.TB, name string, fixes ...*strings.Replacer) *specengine.Bundle {
	t.Helper()
	files, err := apps.Files(name)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range files {
		for _, r := range fixes {
			v = []byte(r.Replace(string(v)))
		}
		files[k] = v
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return b
}

// Seed loads the conformance seed (its spec and CSDL model). It skips the
// test when the seed is not there, as in a checkout of the repository
// alone.
func Seed(t testing.TB) *specengine.Bundle {
	t.Helper()
	dir := SeedDir()
	files := map[string][]byte{}
	for _, n := range []string{"Knowledge.ioa.toml", "model.csdl.xml"} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if errors.Is(err, fs.ErrNotExist) {
			t.Skipf("conformance seed not found at %s (it sits beside the repository): %v", dir, err)
		}
		if err != nil {
			t.Fatal(err)
		}
		files[n] = data
	}
	b, err := specengine.Load(files)
	if err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return b
}
