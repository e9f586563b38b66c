package sqlite

import (
	"context"
	"database/sql"

	"github.com/temperhq/temper/store/internal/model"
)

const (
	insertTransitionSQL = `INSERT INTO temper_transitions
	(app, set_name, key, incarnation, version, entity_type, action, params, principal, status_before, status_after, spec, at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (app, set_name, key, incarnation, version) DO NOTHING`
	transitionColumns    = `app, set_name, key, incarnation, version, entity_type, action, params, principal, status_before, status_after, spec, at`
	entityTransitionsSQL = `SELECT ` + transitionColumns + ` FROM temper_transitions
WHERE app = ? AND set_name = ? AND key = ? ORDER BY at DESC, id DESC LIMIT ?`
	appTransitionsSQL = `SELECT ` + transitionColumns + ` FROM temper_transitions
WHERE app = ? ORDER BY at DESC, id DESC LIMIT ?`
)

func appendTransition(ctx context.Context, x execer, t *model.Transition) error {
	if err := t.Check(); err != nil {
		return err
	}
	params, err := model.EncodeJSON(t.Params)
	if err != nil {
		return err
	}
	_, err = x.ExecContext(ctx, insertTransitionSQL, t.App, t.Set, t.Key, t.Incarnation, t.Version, t.Type, t.Action,
		string(params), t.Principal, t.Before, t.After, t.Spec, formatTime(t.At))
	return err
}

// AppendTransition records one transition; a repeat is a no-op.
func (s *Store) AppendTransition(ctx context.Context, t model.Transition) error {
	return translate("append transition "+t.Ref.ID(), appendTransition(ctx, s.w, &t))
}

// EntityTransitions lists an entity's transitions, newest first.
func (s *Store) EntityTransitions(ctx context.Context, r model.Ref, limit int) ([]model.Transition, error) {
	rows, err := s.r.QueryContext(ctx, entityTransitionsSQL, r.App, r.Set, r.Key, limit)
	return scanTransitions(rows, err, "entity transitions "+r.ID())
}

// AppTransitions lists an app's transitions, newest first.
func (s *Store) AppTransitions(ctx context.Context, app string, limit int) ([]model.Transition, error) {
	rows, err := s.r.QueryContext(ctx, appTransitionsSQL, app, limit)
	return scanTransitions(rows, err, "app transitions "+app)
}

func scanTransitions(rows *sql.Rows, err error, op string) ([]model.Transition, error) {
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Transition
	for rows.Next() {
		var t model.Transition
		var params, at string
		if err := rows.Scan(&t.App, &t.Set, &t.Key, &t.Incarnation, &t.Version, &t.Type, &t.Action, &params, &t.Principal,
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
