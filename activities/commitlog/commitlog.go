// Package commitlog is the simplest after-commit hook: one structured log
// line per committed transition. temper worker and temper dev use it until
// the store's projection and transition hook replaces it.
package commitlog

import (
	"context"
	"log/slog"

	"github.com/temperhq/temper/workflows/entity"
)

// Hook logs each commit through a slog.Logger.
type Hook struct {
	Log *slog.Logger
}

var _ entity.Hook = (*Hook)(nil)

// AfterCommit logs the commit.
func (h *Hook) AfterCommit(ctx context.Context, c entity.Commit) error {
	action := c.Action
	if action == "" {
		action = "create"
	}
	h.Log.InfoContext(ctx, "commit",
		"entity", c.Ref.WorkflowID(), "type", c.Entity, "action", action, "principal", c.Principal,
		"before", c.Before, "after", c.After.Status, "version", c.After.Version, "spec", c.Spec, "outgoing", len(c.Outgoing))
	return nil
}
