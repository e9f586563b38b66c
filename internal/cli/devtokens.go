package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// devTokensPath is where temper dev keeps its tokens between runs (mode
// 0600; the store holds only their hashes): beside a SQLite store, or in
// .temper for Postgres.
func devTokensPath(storeDSN string) string {
	return filepath.Join(dataDir(storeDSN), "dev-tokens.json")
}

// dataDir is where temper dev keeps its files beside the store: the
// SQLite store's directory, or .temper for Postgres.
func dataDir(storeDSN string) string {
	if store.IsPostgres(storeDSN) || storeDSN == "" {
		return ".temper"
	}
	return filepath.Dir(storeDSN)
}

type devTokenFile struct {
	Admin    string `json:"admin"`
	AdminUID string `json:"admin_uid"`
	Agent    string `json:"agent"`
	AgentUID string `json:"agent_uid"`
}

// devTokens returns temper dev's admin and agent tokens: the saved ones
// if they still authenticate, or new principals (dev-admin, dev-agent,
// suffixed if those ids are taken) with fresh tokens, saved to path.
func devTokens(ctx context.Context, st store.Store, path string) (devTokenFile, error) {
	auth := &identity.Authenticator{Store: st}
	var saved devTokenFile
	if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &saved) == nil {
		a, aerr := auth.Token(ctx, saved.Admin)
		g, gerr := auth.Token(ctx, saved.Agent)
		if aerr == nil && gerr == nil && a.IsAdmin() && g.Kind == identity.Agent {
			return saved, nil
		}
	}
	now := time.Now().UTC()
	issue := func(kind, base string) (string, string, error) {
		for i := 0; i < 100; i++ {
			id := base
			if i > 0 {
				id = fmt.Sprintf("%s-%d", base, i+1)
			}
			p := identity.Principal{Kind: kind, ID: id}
			tok, err := identity.Issue(ctx, st, p, "temper dev", now)
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			return tok, p.String(), err
		}
		return "", "", fmt.Errorf("no free id for the dev %s", kind)
	}
	var out devTokenFile
	var err error
	if out.Admin, out.AdminUID, err = issue(identity.Admin, "dev-admin"); err != nil {
		return out, err
	}
	if out.Agent, out.AgentUID, err = issue(identity.Agent, "dev-agent"); err != nil {
		return out, err
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return out, err
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return out, fmt.Errorf("save the dev tokens: %w", err)
	}
	return out, nil
}
