package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// benchEngine is the knowledge app's policies plus n approvals, as an app
// accumulates them.
func benchEngine(b *testing.B, n int) *authz.Engine {
	b.Helper()
	var stored []store.Policy
	for i := range n {
		p, err := authz.Approval(store.Decision{ID: fmt.Sprint(i), App: "k", Principal: fmt.Sprintf(`Agent::"agent-%d"`, i),
			Action: authz.ActRead, ResourceType: "Knowledge", ResourceID: fmt.Sprintf("k%d", i)}, authz.Narrow)
		if err != nil {
			b.Fatal(err)
		}
		stored = append(stored, p)
	}
	e := authz.New(policies{"k": stored})
	files, err := readKnowledgePolicies()
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Load(context.Background(), "k", files); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkAuthorize: one Cedar decision per gateway operation, with the
// app's bundle policies and 0 or 100 stored approvals.
//
//	go test -run '^$' -bench . -benchmem ./authz
func BenchmarkAuthorize(b *testing.B) {
	for _, n := range []int{0, 100} {
		e := benchEngine(b, n)
		req := authz.Request{App: "k", Principal: identity.Principal{Kind: identity.Agent, ID: "a"}, Action: authz.ActRead,
			Resource: authz.Resource{Type: "Knowledge", ID: "k1", Status: "Indexed", Creator: `Agent::"a"`,
				Fields: map[string]any{"content": "x", "source": "y", "links": 2.0, "related": []any{"k2"}}}}
		b.Run(fmt.Sprintf("approvals=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !e.Authorize(req).Allowed() {
					b.Fatal("denied")
				}
			}
		})
	}
}

// BenchmarkReadFilter: the partial evaluation a list makes to turn the
// read policies into a query condition.
func BenchmarkReadFilter(b *testing.B) {
	for _, n := range []int{0, 100} {
		e := benchEngine(b, n)
		p := identity.Principal{Kind: identity.Agent, ID: "a"}
		b.Run(fmt.Sprintf("approvals=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if f := e.ReadFilter("k", p, authz.ActRead, "Knowledge", nil); !f.Exact || f.Expr == nil {
					b.Fatal("no filter")
				}
			}
		})
	}
}
