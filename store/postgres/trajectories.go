package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
)

const (
	insertTrajectorySQL = `INSERT INTO temper_trajectories
	(app, set_name, key, version, entity_type, action, params, principal, status_before, status_after, spec, at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
ON CONFLICT (app, set_name, key, version) DO NOTHING`
	trajectoryColumns   = `app, set_name, key, version, entity_type, action, params, principal, status_before, status_after, spec, at`
	entityTrajectorySQL = `SELECT ` + trajectoryColumns + ` FROM temper_trajectories
WHERE app = $1 AND set_name = $2 AND key = $3 ORDER BY version DESC LIMIT $4`
	appTrajectoriesSQL = `SELECT ` + trajectoryColumns + ` FROM temper_trajectories
WHERE app = $1 ORDER BY at DESC, id DESC LIMIT $2`
)

func trajectoryArgs(t *model.Trajectory) ([]any, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	params, err := model.EncodeJSON(t.Params)
	if err != nil {
		return nil, err
	}
	return []any{t.App, t.Set, t.Key, t.Version, t.Type, t.Action, string(params), t.Principal, t.Before, t.After, t.Spec, t.At.UTC()}, nil
}

// AppendTrajectory records one transition; a repeat is a no-op.
func (s *Store) AppendTrajectory(ctx context.Context, t model.Trajectory) error {
	args, err := trajectoryArgs(&t)
	if err != nil {
		return translate("append trajectory "+t.Ref.ID(), err)
	}
	_, err = s.pool.Exec(ctx, insertTrajectorySQL, args...)
	return translate("append trajectory "+t.Ref.ID(), err)
}

// EntityTrajectory lists an entity's transitions, newest first.
func (s *Store) EntityTrajectory(ctx context.Context, r model.Ref, limit int) ([]model.Trajectory, error) {
	rows, err := s.pool.Query(ctx, entityTrajectorySQL, r.App, r.Set, r.Key, limit)
	return scanTrajectories(rows, err, "entity trajectory "+r.ID())
}

// AppTrajectories lists an app's transitions, newest first.
func (s *Store) AppTrajectories(ctx context.Context, app string, limit int) ([]model.Trajectory, error) {
	rows, err := s.pool.Query(ctx, appTrajectoriesSQL, app, limit)
	return scanTrajectories(rows, err, "app trajectories "+app)
}

func scanTrajectories(rows pgx.Rows, err error, op string) ([]model.Trajectory, error) {
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Trajectory
	for rows.Next() {
		var t model.Trajectory
		var params []byte
		var at time.Time
		if err := rows.Scan(&t.App, &t.Set, &t.Key, &t.Version, &t.Type, &t.Action, &params, &t.Principal,
			&t.Before, &t.After, &t.Spec, &at); err != nil {
			return nil, translate(op, err)
		}
		if t.Params, err = model.DecodeJSON(params); err != nil {
			return nil, translate(op, err)
		}
		if len(t.Params) == 0 {
			t.Params = nil
		}
		t.At = at.UTC()
		out = append(out, t)
	}
	return out, translate(op, rows.Err())
}
