package csdl_test

import (
	"os"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
)

func BenchmarkParseCorpus(b *testing.B) {
	data, err := os.ReadFile(conformanceDir + "/temper-original/os-apps/project-management/specs/model.csdl.xml")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := csdl.Parse("pm.csdl.xml", data); err != nil {
			b.Fatal(err)
		}
	}
}
