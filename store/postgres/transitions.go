package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
)

const (
	insertTransitionSQL = `INSERT INTO temper_transitions
	(app, set_name, key, incarnation, version, entity_type, action, params, principal, status_before, status_after, spec, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)
ON CONFLICT (app, set_name, key, incarnation, version) DO NOTHING`
	transitionColumns    = `app, set_name, key, incarnation, version, entity_type, action, params, principal, status_before, status_after, spec, at`
	entityTransitionsSQL = `SELECT ` + transitionColumns + ` FROM temper_transitions
WHERE app = $1 AND set_name = $2 AND key = $3 ORDER BY at DESC, id DESC LIMIT $4`
	appTransitionsSQL = `SELECT ` + transitionColumns + ` FROM temper_transitions
WHERE app = $1 ORDER BY at DESC, id DESC LIMIT $2`
)

func transitionArgs(t *model.Transition) ([]any, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	params, err := model.EncodeJSON(t.Params)
	if err != nil {
		return nil, err
	}
	return []any{t.App, t.Set, t.Key, t.Incarnation, t.Version, t.Type, t.Action, string(params), t.Principal, t.Before, t.After, t.Spec, t.At.UTC()}, nil
}

// AppendTransition records one transition; a repeat is a no-op.
func (s *Store) AppendTransition(ctx context.Context, t model.Transition) error {
	args, err := transitionArgs(&t)
	if err != nil {
		return translate("append transition "+t.Ref.ID(), err)
	}
	_, err = s.pool.Exec(ctx, insertTransitionSQL, args...)
	return translate("append transition "+t.Ref.ID(), err)
}

// EntityTransitions lists an entity's transitions, newest first.
func (s *Store) EntityTransitions(ctx context.Context, r model.Ref, limit int) ([]model.Transition, error) {
	rows, err := s.pool.Query(ctx, entityTransitionsSQL, r.App, r.Set, r.Key, limit)
	return scanTransitions(rows, err, "entity transitions "+r.ID())
}

// AppTransitions lists an app's transitions, newest first.
func (s *Store) AppTransitions(ctx context.Context, app string, limit int) ([]model.Transition, error) {
	rows, err := s.pool.Query(ctx, appTransitionsSQL, app, limit)
	return scanTransitions(rows, err, "app transitions "+app)
}

func scanTransitions(rows pgx.Rows, err error, op string) ([]model.Transition, error) {
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Transition
	for rows.Next() {
		var t model.Transition
		var params []byte
		var at time.Time
		if err := rows.Scan(&t.App, &t.Set, &t.Key, &t.Incarnation, &t.Version, &t.Type, &t.Action, &params, &t.Principal,
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
