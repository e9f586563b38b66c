package model

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// What the backends share about governance records, so both validate,
// bound pages and read paging tokens alike.

// Page sizes of Decisions and Trajectories: Limit zero or less is the
// default, more than the maximum is the maximum.
const (
	DefaultPageLimit = 100
	MaxPageLimit     = 1000
)

// PageLimit bounds a requested page size.
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultPageLimit
	case n > MaxPageLimit:
		return MaxPageLimit
	}
	return n
}

// Check reports what makes a principal unstorable.
func (p *Principal) Check() error {
	if p.Kind == "" || p.ID == "" {
		return fmt.Errorf("principal %s::%q: kind and id are required", p.Kind, p.ID)
	}
	return nil
}

// Check reports what makes a policy unstorable.
func (p *Policy) Check() error {
	if p.App == "" || p.ID == "" || p.Text == "" {
		return fmt.Errorf("policy %s/%s: app, id and text are required", p.App, p.ID)
	}
	return nil
}

// Check reports what makes a decision unstorable.
func (d *Decision) Check() error {
	if d.ID == "" || d.App == "" || d.Principal == "" || d.Action == "" || d.ResourceType == "" {
		return fmt.Errorf("decision %q: id, app, principal, action and resource type are required", d.ID)
	}
	switch d.Status {
	case DecisionPending, DecisionApproved, DecisionDenied:
		return nil
	}
	return fmt.Errorf("decision %q: unknown status %q", d.ID, d.Status)
}

// Paging tokens are opaque to callers: a kind prefix and the position of
// the last row of the page, base64url-encoded. A token of the wrong kind
// or a mangled one is a *QueryError.
const (
	trajectoryToken = "t1:"
	decisionToken   = "d1:"
)

func badToken() error { return &QueryError{Offset: -1, Msg: "malformed paging token"} }

// TrajectoryNext is the token of the page after the trajectory id.
func TrajectoryNext(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(trajectoryToken + strconv.FormatInt(id, 10)))
}

// TrajectoryAfter reads a TrajectoryNext token: the page continues below
// the id.
func TrajectoryAfter(token string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(b), trajectoryToken) {
		return 0, badToken()
	}
	id, err := parseCanonicalInt(string(b[len(trajectoryToken):]))
	if err != nil || id <= 0 {
		return 0, badToken()
	}
	return id, nil
}

// DecisionNext is the token of the page after the decision created at
// createdAt with the id (decisions are ordered by created_at, then id,
// both descending).
func DecisionNext(createdAt time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(decisionToken + createdAt.UTC().Format(time.RFC3339Nano) + " " + id))
}

// DecisionAfter reads a DecisionNext token.
func DecisionAfter(token string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(b), decisionToken) {
		return time.Time{}, "", badToken()
	}
	at, id, ok := strings.Cut(string(b[len(decisionToken):]), " ")
	if !ok || id == "" {
		return time.Time{}, "", badToken()
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return time.Time{}, "", badToken()
	}
	return t.UTC(), id, nil
}
