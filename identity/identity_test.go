package identity_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// principals is an in-memory identity.Principals.
type principals map[string]store.Principal

func (m principals) CreatePrincipal(_ context.Context, p store.Principal) error {
	for _, q := range m {
		if q.Kind == p.Kind && q.ID == p.ID {
			return store.ErrConflict
		}
	}
	m[p.TokenHash] = p
	return nil
}

func (m principals) PrincipalByToken(_ context.Context, hash string) (store.Principal, error) {
	p, ok := m[hash]
	if !ok {
		return store.Principal{}, store.ErrNotFound
	}
	return p, nil
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	st := principals{}
	now := time.Now()
	agentTok, err := identity.Issue(ctx, st, identity.Principal{Kind: identity.Agent, ID: "a", Role: "writer"}, `Admin::"root"`, now)
	if err != nil {
		t.Fatal(err)
	}
	revokedTok, err := identity.Issue(ctx, st, identity.Principal{Kind: identity.Agent, ID: "gone"}, "", now)
	if err != nil {
		t.Fatal(err)
	}
	for h, p := range st {
		if p.ID == "gone" {
			p.RevokedAt = &now
			st[h] = p
		}
		if strings.Contains(h, agentTok) || strings.Contains(h, revokedTok) {
			t.Fatal("the store holds a token, not its hash")
		}
	}
	if _, err := identity.Issue(ctx, st, identity.Principal{Kind: identity.Agent, ID: "a"}, "", now); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second issue for the same agent: %v", err)
	}
	for _, bad := range []identity.Principal{{Kind: "Robot", ID: "x"}, {Kind: identity.Agent, ID: ""}, {Kind: identity.Agent, ID: `a"b`}} {
		if _, err := identity.Issue(ctx, st, bad, "", now); err == nil {
			t.Errorf("issued a token for %+v", bad)
		}
	}
	tests := []struct {
		name     string
		insecure bool
		remote   string
		headers  map[string]string
		want     string // principal UID, or "" for unauthenticated
	}{
		{"bearer token", false, "203.0.113.9:5000", map[string]string{"Authorization": "Bearer " + agentTok}, `Agent::"a"`},
		{"scheme is case-insensitive", false, "203.0.113.9:5000", map[string]string{"Authorization": "bearer " + agentTok}, `Agent::"a"`},
		{"no credentials", false, "127.0.0.1:5000", nil, ""},
		{"unknown token", false, "127.0.0.1:5000", map[string]string{"Authorization": "Bearer temper_nope"}, ""},
		{"revoked token", false, "127.0.0.1:5000", map[string]string{"Authorization": "Bearer " + revokedTok}, ""},
		{"basic auth", false, "127.0.0.1:5000", map[string]string{"Authorization": "Basic YTpi"}, ""},
		{"forged header ignored by default", false, "127.0.0.1:5000", map[string]string{identity.Header: `Admin::"root"`}, ""},
		{"forged header ignored off loopback", true, "203.0.113.9:5000", map[string]string{identity.Header: `Admin::"root"`}, ""},
		{"header trusted on loopback when insecure", true, "127.0.0.1:5000", map[string]string{identity.Header: `Agent::"dev"`}, `Agent::"dev"`},
		{"header trusted on IPv6 loopback when insecure", true, "[::1]:5000", map[string]string{identity.Header: `Agent::"dev"`}, `Agent::"dev"`},
		{"malformed header", true, "127.0.0.1:5000", map[string]string{identity.Header: `dev`}, ""},
		{"a token wins over a header", true, "127.0.0.1:5000", map[string]string{"Authorization": "Bearer " + agentTok, identity.Header: `Admin::"root"`}, `Agent::"a"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := &identity.Authenticator{Store: st, InsecureHeader: tc.insecure}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			p, err := a.Authenticate(ctx, r)
			if tc.want == "" {
				if !errors.Is(err, identity.ErrUnauthenticated) {
					t.Fatalf("got %v, %v; want ErrUnauthenticated", p, err)
				}
				return
			}
			if err != nil || p.String() != tc.want {
				t.Fatalf("got %v, %v; want %s", p, err, tc.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`Agent::"a"`, `Agent::"a"`},
		{` Admin::"root" `, `Admin::"root"`},
		{`Service::"timer"`, `Service::"timer"`},
		{`Agent::a`, ""},
		{`Agent::""`, ""},
		{`Robot::"a"`, ""},
		{`a`, ""},
	}
	for _, tc := range tests {
		p, err := identity.Parse(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("Parse(%q) = %v, want an error", tc.in, p)
			}
			continue
		}
		if err != nil || p.String() != tc.want {
			t.Errorf("Parse(%q) = %v, %v", tc.in, p, err)
		}
	}
}
