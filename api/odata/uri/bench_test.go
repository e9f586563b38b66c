package uri

import "testing"

// A typical list request of the gateway.
const (
	benchFilter = "$filter=Status eq 'Open' and Priority ge 2 and contains(tolower(Title),'bug%20fix') and Created gt 2024-01-01T00:00:00Z and Owner/Name ne null"
	benchQuery  = benchFilter + "&$orderby=Priority desc,Created&$select=ID,Title,Status&$expand=Owner($select=Name)&$top=50&$count=true"
	benchPath   = "Tasks('a%2Fb')/Tracker.Start"
)

func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseQuery(benchFilter); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseQuery(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseQuery(benchQuery); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePath(benchPath); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatQuery(b *testing.B) {
	q, err := ParseQuery(benchQuery)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = FormatQuery(q)
	}
}
