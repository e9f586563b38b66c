package csdl_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/specengine/csdl"
)

// TestHostileInputScales feeds large pathological models and checks that
// Parse stays fast: long inheritance chains, thousands of unresolvable
// references (each of which could ask for a suggestion) and thousands of
// bindings.
func TestHostileInputScales(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	t.Parallel()
	gens := map[string]func(n int) string{
		"inheritance chain": func(n int) string {
			var b strings.Builder
			b.WriteString(`<EntityType Name="E0"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>`)
			for i := 1; i < n; i++ {
				fmt.Fprintf(&b, `<EntityType Name="E%d" BaseType="T.E%d"><Property Name="p%d" Type="T.E%d"/></EntityType>`+"\n", i, i-1, i, i)
			}
			return b.String()
		},
		"unknown types": func(n int) string {
			var b strings.Builder
			b.WriteString(`<ComplexType Name="C">`)
			for i := range n {
				fmt.Fprintf(&b, `<Property Name="p%d" Type="T.X%d"/>`+"\n", i, i)
			}
			b.WriteString(`</ComplexType>`)
			for i := range n {
				fmt.Fprintf(&b, `<ComplexType Name="X%dx"/>`+"\n", i)
			}
			return b.String()
		},
		"bindings": func(n int) string {
			var b strings.Builder
			b.WriteString(`<EntityType Name="E"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>`)
			for i := range n {
				fmt.Fprintf(&b, `<NavigationProperty Name="n%d" Type="T.E"/>`+"\n", i)
			}
			b.WriteString(`</EntityType><EntityContainer Name="C">`)
			for i := range n {
				fmt.Fprintf(&b, `<EntitySet Name="S%d" EntityType="T.E"><NavigationPropertyBinding Path="n%d" Target="S%d"/></EntitySet>`+"\n", i, i, n-1-i)
			}
			b.WriteString(`</EntityContainer>`)
			return b.String()
		},
	}
	for name, gen := range gens {
		doc := header + gen(8000) + footer
		start := time.Now()
		_, _ = csdl.Parse("big.xml", []byte(doc))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: %d bytes took %v", name, len(doc), d)
		} else {
			t.Logf("%s: %d bytes in %v", name, len(doc), d)
		}
	}
}
