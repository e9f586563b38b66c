package csdl_test

import (
	"errors"
	"os"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// a positioned *diag.Error, and that whatever parses also round-trips
// through Marshal.
func FuzzParse(f *testing.F) {
	if _, err := os.Stat(conformanceDir); err == nil {
		for _, path := range corpusFiles(f) {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, tc := range errorCases {
		f.Add([]byte(tc.doc()))
	}
	for _, doc := range validDocs {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := csdl.Parse("fuzz.csdl.xml", data)
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, want *diag.Error: %v", err, err)
			}
			for _, d := range de.Diags {
				if !d.Pos.IsValid() || d.Pos.Col < 1 {
					t.Fatalf("diagnostic without a position: %v", d)
				}
			}
			return
		}
		assertRoundTrip(t, m)
	})
}
