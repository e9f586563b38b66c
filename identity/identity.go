package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/temperhq/temper/store"
)

// Principal kinds.
const (
	Agent   = store.KindAgent
	Admin   = store.KindAdmin
	Service = store.KindService
)

// Principal is an authenticated caller.
type Principal struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Type string `json:"type,omitempty"`
	Role string `json:"role,omitempty"`
}

// String is the principal's Cedar entity UID: Agent::"a".
func (p Principal) String() string { return p.Kind + "::" + strconv.Quote(p.ID) }

// IsAdmin reports whether p is a human admin.
func (p Principal) IsAdmin() bool { return p.Kind == Admin }

// ServicePrincipal names an internal dispatcher (timer, reaction,
// integration callback).
func ServicePrincipal(name string) Principal { return Principal{Kind: Service, ID: name} }

// Parse reads a principal from its UID text (Agent::"a"). A bare id is
// refused: the kind is part of the identity.
func Parse(s string) (Principal, error) {
	kind, rest, ok := strings.Cut(strings.TrimSpace(s), "::")
	if !ok {
		return Principal{}, fmt.Errorf("principal %q: want Kind::\"id\"", s)
	}
	id, err := strconv.Unquote(rest)
	if err != nil || id == "" {
		return Principal{}, fmt.Errorf("principal %q: the id must be a non-empty quoted string", s)
	}
	if err := CheckKind(kind); err != nil {
		return Principal{}, err
	}
	return Principal{Kind: kind, ID: id}, nil
}

// CheckKind accepts the principal kinds.
func CheckKind(kind string) error {
	switch kind {
	case Agent, Admin, Service:
		return nil
	}
	return fmt.Errorf("principal kind %q: want Agent, Admin or Service", kind)
}

// TokenPrefix starts every token, so scanners and humans recognise one.
const TokenPrefix = "temper_"

// NewToken returns a fresh bearer token and its hash.
func NewToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the stored form of a token: hex SHA-256.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Errors callers branch on.
var (
	// ErrUnauthenticated: no credentials, or credentials that do not
	// name a live principal (the gateway answers 401).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrInvalid: a principal that cannot be issued (bad kind or id).
	ErrInvalid = errors.New("invalid principal")
)

// Principals is what the Authenticator needs of the store.
type Principals interface {
	CreatePrincipal(ctx context.Context, p store.Principal) error
	PrincipalByToken(ctx context.Context, tokenHash string) (store.Principal, error)
}

// Authenticator resolves a request's principal.
type Authenticator struct {
	Store Principals
	// InsecureHeader trusts a principal named in the X-Temper-Principal
	// header (Agent::"a"), for requests from loopback only. For local
	// development; never set it on a server others can reach.
	InsecureHeader bool
}

// Header is the plain principal header InsecureHeader trusts.
const Header = "X-Temper-Principal"

// Authenticate returns the request's principal or an error wrapping
// ErrUnauthenticated.
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request) (Principal, error) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return Principal{}, fmt.Errorf("%w: the Authorization header must be \"Bearer <token>\"", ErrUnauthenticated)
		}
		return a.Token(ctx, strings.TrimSpace(token))
	}
	if h := r.Header.Get(Header); h != "" && a.InsecureHeader && loopback(r.RemoteAddr) {
		p, err := Parse(h)
		if err != nil {
			return Principal{}, fmt.Errorf("%w: %s: %v", ErrUnauthenticated, Header, err)
		}
		return p, nil
	}
	return Principal{}, fmt.Errorf("%w: a bearer token is required", ErrUnauthenticated)
}

// Token resolves a bearer token.
func (a *Authenticator) Token(ctx context.Context, token string) (Principal, error) {
	sp, err := a.Store.PrincipalByToken(ctx, HashToken(token))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return Principal{}, fmt.Errorf("%w: unknown token", ErrUnauthenticated)
	case err != nil:
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	case sp.RevokedAt != nil:
		return Principal{}, fmt.Errorf("%w: the token was revoked", ErrUnauthenticated)
	}
	return Principal{Kind: sp.Kind, ID: sp.ID, Type: sp.Type, Role: sp.Role}, nil
}

// Issue creates a principal with a fresh token and returns the token
// (shown once; only its hash is kept).
func Issue(ctx context.Context, st Principals, p Principal, by string, now time.Time) (string, error) {
	if err := CheckKind(p.Kind); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if p.ID == "" || strings.ContainsAny(p.ID, "\"\\\n") {
		return "", fmt.Errorf("%w: id %q must be non-empty, without quotes, backslashes or newlines", ErrInvalid, p.ID)
	}
	token, hash := NewToken()
	err := st.CreatePrincipal(ctx, store.Principal{Kind: p.Kind, ID: p.ID, Type: p.Type, Role: p.Role,
		TokenHash: hash, CreatedBy: by, CreatedAt: now})
	if err != nil {
		return "", fmt.Errorf("issue a token for %s: %w", p, err)
	}
	return token, nil
}

func loopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
