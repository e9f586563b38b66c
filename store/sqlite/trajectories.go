package sqlite

import (
	"context"
	"database/sql"

	"github.com/temperhq/temper/store/internal/model"
)

const (
	insertTrajectorySQL = `INSERT INTO temper_trajectories
	(app, set_name, key, version, entity_type, action, params, principal, status_before, status_after, spec, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (app, set_name, key, version) DO NOTHING`
	trajectoryColumns   = `app, set_name, key, version, entity_type, action, params, principal, status_before, status_after, spec, at`
	entityTrajectorySQL = `SELECT ` + trajectoryColumns + ` FROM temper_trajectories
WHERE app = ? AND set_name = ? AND key = ? ORDER BY version DESC LIMIT ?`
	appTrajectoriesSQL = `SELECT ` + trajectoryColumns + ` FROM temper_trajectories
WHERE app = ? ORDER BY at DESC, id DESC LIMIT ?`
)

func appendTrajectory(ctx context.Context, x execer, t *model.Trajectory) error {
	if err := t.Check(); err != nil {
		return err
	}
	params, err := model.EncodeJSON(t.Params)
	if err != nil {
		return err
	}
	_, err = x.ExecContext(ctx, insertTrajectorySQL, t.App, t.Set, t.Key, t.Version, t.Type, t.Action,
		string(params), t.Principal, t.Before, t.After, t.Spec, formatTime(t.At))
	return err
}

// AppendTrajectory records one transition; a repeat is a no-op.
func (s *Store) AppendTrajectory(ctx context.Context, t model.Trajectory) error {
	return translate("append trajectory "+t.Ref.ID(), appendTrajectory(ctx, s.w, &t))
}

// EntityTrajectory lists an entity's transitions, newest first.
func (s *Store) EntityTrajectory(ctx context.Context, r model.Ref, limit int) ([]model.Trajectory, error) {
	rows, err := s.r.QueryContext(ctx, entityTrajectorySQL, r.App, r.Set, r.Key, limit)
	return scanTrajectories(rows, err, "entity trajectory "+r.ID())
}

// AppTrajectories lists an app's transitions, newest first.
func (s *Store) AppTrajectories(ctx context.Context, app string, limit int) ([]model.Trajectory, error) {
	rows, err := s.r.QueryContext(ctx, appTrajectoriesSQL, app, limit)
	return scanTrajectories(rows, err, "app trajectories "+app)
}

func scanTrajectories(rows *sql.Rows, err error, op string) ([]model.Trajectory, error) {
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Trajectory
	for rows.Next() {
		var t model.Trajectory
		var params, at string
		if err := rows.Scan(&t.App, &t.Set, &t.Key, &t.Version, &t.Type, &t.Action, &params, &t.Principal,
			&t.Before, &t.After, &t.Spec, &at); err != nil {
			return nil, translate(op, err)
		}
		if t.Params, err = model.DecodeJSON([]byte(params)); err != nil {
			return nil, translate(op, err)
		}
		if len(t.Params) == 0 {
			t.Params = nil
		}
		t.At = parseTime(at)
		out = append(out, t)
	}
	return out, translate(op, rows.Err())
}
