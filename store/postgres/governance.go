package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Governance = (*Store)(nil)

const (
	principalColumns    = `kind, id, type, role, token_hash, created_by, created_at, revoked_at`
	insertPrincipalSQL  = `INSERT INTO temper_principals (` + principalColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	principalByTokenSQL = `SELECT ` + principalColumns + ` FROM temper_principals WHERE token_hash = $1`
	principalsSQL       = `SELECT ` + principalColumns + ` FROM temper_principals ORDER BY kind, id`
	revokePrincipalSQL  = `UPDATE temper_principals SET revoked_at = coalesce(revoked_at, $1) WHERE kind = $2 AND id = $3`

	policyColumns = `app, id, text, decision_id, created_by, created_at`
	putPolicySQL  = `INSERT INTO temper_policies (` + policyColumns + `) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (app, id) DO UPDATE SET text = excluded.text, decision_id = excluded.decision_id,
	created_by = excluded.created_by, created_at = excluded.created_at`
	deletePolicySQL = `DELETE FROM temper_policies WHERE app = $1 AND id = $2`
	policiesSQL     = `SELECT ` + policyColumns + ` FROM temper_policies WHERE app = $1 ORDER BY id`

	decisionColumns = `id, app, principal, action, resource_type, resource_id, status, reason, scope, policy_id,
	decided_by, created_at, decided_at`
	// The conflict target names the partial unique index of open
	// decisions: a second open one for the same request is not inserted
	// (any other unique violation, a repeated id, is an error). A
	// concurrent insert of the same request makes this one wait for it
	// to commit, then do nothing.
	openDecisionSQL = `INSERT INTO temper_decisions (id, app, principal, action, resource_type, resource_id, status, reason, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (app, principal, action, resource_type, resource_id) WHERE status IN ('pending', 'denied') DO NOTHING
RETURNING ` + decisionColumns
	openDecisionOfSQL = `SELECT ` + decisionColumns + ` FROM temper_decisions
WHERE app = $1 AND principal = $2 AND action = $3 AND resource_type = $4 AND resource_id = $5 AND status IN ('pending', 'denied')`
	decisionSQL       = `SELECT ` + decisionColumns + ` FROM temper_decisions WHERE id = $1`
	decisionStatusSQL = `SELECT status FROM temper_decisions WHERE id = $1`
	decideSQL         = `UPDATE temper_decisions SET status = $1, scope = $2, policy_id = $3, decided_by = $4, decided_at = $5
WHERE id = $6 AND status = 'pending'
RETURNING ` + decisionColumns

	trajectoryColumns = `id, at, app, entity_type, entity_set, entity_id, action, principal, from_status, to_status,
	outcome, authz, policies, decision_id, http_status, error, duration_us, trace_id`
	insertTrajectorySQL = `INSERT INTO temper_trajectories (at, app, entity_type, entity_set, entity_id, action, principal,
	from_status, to_status, outcome, authz, policies, decision_id, http_status, error, duration_us, trace_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16, $17)`
)

// CreatePrincipal stores a new principal; ErrConflict on a taken (kind,
// id) or token hash.
func (s *Store) CreatePrincipal(ctx context.Context, p model.Principal) error {
	op := "create principal " + p.Kind + "::" + p.ID
	if err := p.Check(); err != nil {
		return translate(op, err)
	}
	var token *string
	if p.TokenHash != "" {
		token = &p.TokenHash
	}
	_, err := s.pool.Exec(ctx, insertPrincipalSQL, p.Kind, p.ID, p.Type, p.Role, token, p.CreatedBy,
		p.CreatedAt.UTC(), utcPtr(p.RevokedAt))
	return translate(op, err)
}

// PrincipalByToken returns the principal holding the token hash.
func (s *Store) PrincipalByToken(ctx context.Context, tokenHash string) (model.Principal, error) {
	p, err := scanPrincipal(s.pool.QueryRow(ctx, principalByTokenSQL, tokenHash))
	return p, translate("principal by token", err)
}

// Principals lists principals ordered by kind, id.
func (s *Store) Principals(ctx context.Context) ([]model.Principal, error) {
	rows, err := s.pool.Query(ctx, principalsSQL)
	if err != nil {
		return nil, translate("principals", err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Principal, error) { return scanPrincipal(r) })
	return out, translate("principals", err)
}

// RevokePrincipal marks the principal revoked, keeping an earlier
// revocation time.
func (s *Store) RevokePrincipal(ctx context.Context, kind, id string, at time.Time) error {
	op := "revoke principal " + kind + "::" + id
	tag, err := s.pool.Exec(ctx, revokePrincipalSQL, at.UTC(), kind, id)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

func scanPrincipal(r pgx.Row) (model.Principal, error) {
	var p model.Principal
	var token *string
	if err := r.Scan(&p.Kind, &p.ID, &p.Type, &p.Role, &token, &p.CreatedBy, &p.CreatedAt, &p.RevokedAt); err != nil {
		return model.Principal{}, err
	}
	if token != nil {
		p.TokenHash = *token
	}
	p.CreatedAt, p.RevokedAt = p.CreatedAt.UTC(), utcPtr(p.RevokedAt)
	return p, nil
}

// PutPolicy writes the policy, replacing one with the same app and id.
func (s *Store) PutPolicy(ctx context.Context, p model.Policy) error {
	return translate("put policy "+p.App+"/"+p.ID, putPolicy(ctx, s.pool, &p))
}

func putPolicy(ctx context.Context, x execer, p *model.Policy) error {
	if err := p.Check(); err != nil {
		return err
	}
	_, err := x.Exec(ctx, putPolicySQL, p.App, p.ID, p.Text, p.DecisionID, p.CreatedBy, p.CreatedAt.UTC())
	return err
}

// DeletePolicy removes a policy.
func (s *Store) DeletePolicy(ctx context.Context, app, id string) error {
	op := "delete policy " + app + "/" + id
	tag, err := s.pool.Exec(ctx, deletePolicySQL, app, id)
	if err != nil {
		return translate(op, err)
	}
	if tag.RowsAffected() == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

// Policies lists an app's policies ordered by id.
func (s *Store) Policies(ctx context.Context, app string) ([]model.Policy, error) {
	op := "policies " + app
	rows, err := s.pool.Query(ctx, policiesSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Policy, error) {
		var p model.Policy
		err := r.Scan(&p.App, &p.ID, &p.Text, &p.DecisionID, &p.CreatedBy, &p.CreatedAt)
		p.CreatedAt = p.CreatedAt.UTC()
		return p, err
	})
	return out, translate(op, err)
}

// openAttempts bounds OpenDecision's retries: one is needed only when the
// open decision it collided with was decided before it could be read.
const openAttempts = 5

// OpenDecision inserts a pending decision unless the partial unique index
// finds an open one for the same request, which it then returns. Each
// statement runs on its own (READ COMMITTED), so the read after a
// conflict sees the committed decision that caused it.
func (s *Store) OpenDecision(ctx context.Context, d model.Decision) (model.Decision, bool, error) {
	op := "open decision " + d.ID
	if d.Status == "" {
		d.Status = model.DecisionPending
	}
	if err := d.Check(); err != nil {
		return model.Decision{}, false, translate(op, err)
	}
	for range openAttempts {
		out, err := scanDecision(s.pool.QueryRow(ctx, openDecisionSQL, d.ID, d.App, d.Principal, d.Action,
			d.ResourceType, d.ResourceID, d.Status, d.Reason, d.CreatedAt.UTC()))
		if err == nil {
			return out, true, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return model.Decision{}, false, translate(op, err)
		}
		out, err = scanDecision(s.pool.QueryRow(ctx, openDecisionOfSQL, d.App, d.Principal, d.Action,
			d.ResourceType, d.ResourceID))
		if err == nil {
			return out, false, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return model.Decision{}, false, translate(op, err)
		}
		// The open decision was approved in between: insert again.
	}
	return model.Decision{}, false, translate(op, fmt.Errorf("the open decision kept changing (%d attempts)", openAttempts))
}

// Decision returns one decision.
func (s *Store) Decision(ctx context.Context, id string) (model.Decision, error) {
	d, err := scanDecision(s.pool.QueryRow(ctx, decisionSQL, id))
	return d, translate("decision "+id, err)
}

// Decisions lists decisions newest first (created_at, then id, both
// descending), a page at a time.
func (s *Store) Decisions(ctx context.Context, q model.DecisionQuery) ([]model.Decision, string, error) {
	const op = "decisions"
	var w where
	if q.App != "" {
		w.add("app = ", q.App)
	}
	if q.Status != "" {
		w.add("status = ", q.Status)
	}
	if q.Principal != "" {
		w.add("principal = ", q.Principal)
	}
	if q.After != "" {
		at, id, err := model.DecisionAfter(q.After)
		if err != nil {
			return nil, "", err
		}
		w.conds = append(w.conds, "(created_at, id) < ("+w.arg(at)+", "+w.arg(id)+")")
	}
	limit := model.PageLimit(q.Limit)
	stmt := `SELECT ` + decisionColumns + ` FROM temper_decisions` + w.clause() +
		` ORDER BY created_at DESC, id DESC LIMIT ` + w.arg(limit+1)
	rows, err := s.pool.Query(ctx, stmt, w.args...)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Decision, error) { return scanDecision(r) })
	if err != nil {
		return nil, "", translate(op, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = model.DecisionNext(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

// ApproveDecision marks a pending decision approved and writes its policy
// in the same transaction. The policy's app, decision id, author and time
// default to the decision's.
func (s *Store) ApproveDecision(ctx context.Context, id, scope, by string, at time.Time, p model.Policy) (model.Decision, error) {
	var out model.Decision
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if out, err = decide(ctx, tx, id, model.DecisionApproved, scope, p.ID, by, at); err != nil {
			return err
		}
		policyDefaults(&p, out)
		return putPolicy(ctx, tx, &p)
	})
	if err != nil {
		return model.Decision{}, translate("approve decision "+id, err)
	}
	return out, nil
}

// DenyDecision marks a pending decision denied.
func (s *Store) DenyDecision(ctx context.Context, id, by string, at time.Time) (model.Decision, error) {
	var out model.Decision
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out, err = decide(ctx, tx, id, model.DecisionDenied, "", "", by, at)
		return err
	})
	if err != nil {
		return model.Decision{}, translate("deny decision "+id, err)
	}
	return out, nil
}

// decide moves a pending decision to status: ErrNotFound if there is no
// such decision, ErrConflict if it is not pending. A concurrent decider
// holds the row until it commits; this UPDATE then finds it no longer
// pending.
func decide(ctx context.Context, tx pgx.Tx, id, status, scope, policyID, by string, at time.Time) (model.Decision, error) {
	d, err := scanDecision(tx.QueryRow(ctx, decideSQL, status, scope, policyID, by, at.UTC(), id))
	if !errors.Is(err, pgx.ErrNoRows) {
		return d, err
	}
	var cur string
	if err := tx.QueryRow(ctx, decisionStatusSQL, id).Scan(&cur); err != nil {
		return model.Decision{}, err // pgx.ErrNoRows: not found
	}
	return model.Decision{}, fmt.Errorf("decision %s is %s: %w", id, cur, model.ErrConflict)
}

// policyDefaults fills what an approval's policy leaves empty from its
// decision.
func policyDefaults(p *model.Policy, d model.Decision) {
	if p.App == "" {
		p.App = d.App
	}
	if p.DecisionID == "" {
		p.DecisionID = d.ID
	}
	if p.CreatedBy == "" {
		p.CreatedBy = d.DecidedBy
	}
	if p.CreatedAt.IsZero() && d.DecidedAt != nil {
		p.CreatedAt = *d.DecidedAt
	}
}

func scanDecision(r pgx.Row) (model.Decision, error) {
	var d model.Decision
	if err := r.Scan(&d.ID, &d.App, &d.Principal, &d.Action, &d.ResourceType, &d.ResourceID, &d.Status, &d.Reason,
		&d.Scope, &d.PolicyID, &d.DecidedBy, &d.CreatedAt, &d.DecidedAt); err != nil {
		return model.Decision{}, err
	}
	d.CreatedAt, d.DecidedAt = d.CreatedAt.UTC(), utcPtr(d.DecidedAt)
	return d, nil
}

// AppendTrajectories inserts the records in one transaction, pipelined;
// the store assigns their ids.
func (s *Store) AppendTrajectories(ctx context.Context, ts []model.Trajectory) error {
	const op = "append trajectories"
	if len(ts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range ts {
		t := &ts[i]
		policies, err := encodePolicies(t.Policies)
		if err != nil {
			return translate(op, err)
		}
		b.Queue(insertTrajectorySQL, t.At.UTC(), t.App, t.EntityType, t.EntitySet, t.EntityID, t.Action, t.Principal,
			t.Before, t.After, t.Outcome, t.Authz, policies, t.DecisionID, t.Status, t.Error, t.DurationMicros, t.TraceID)
	}
	return translate(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, b).Close()
	}))
}

// Trajectories lists calls newest first (by id), a page at a time; every
// non-empty field of q filters, Since is inclusive and Until exclusive.
func (s *Store) Trajectories(ctx context.Context, q model.TrajectoryQuery) ([]model.Trajectory, string, error) {
	const op = "trajectories"
	var w where
	for _, f := range []struct{ col, val string }{
		{"app", q.App}, {"entity_type", q.EntityType}, {"entity_id", q.EntityID},
		{"action", q.Action}, {"principal", q.Principal}, {"outcome", q.Outcome},
	} {
		if f.val != "" {
			w.add(f.col+" = ", f.val)
		}
	}
	if !q.Since.IsZero() {
		w.add("at >= ", q.Since.UTC())
	}
	if !q.Until.IsZero() {
		w.add("at < ", q.Until.UTC())
	}
	if q.After != "" {
		id, err := model.TrajectoryAfter(q.After)
		if err != nil {
			return nil, "", err
		}
		w.add("id < ", id)
	}
	limit := model.PageLimit(q.Limit)
	stmt := `SELECT ` + trajectoryColumns + ` FROM temper_trajectories` + w.clause() + ` ORDER BY id DESC LIMIT ` + w.arg(limit+1)
	rows, err := s.pool.Query(ctx, stmt, w.args...)
	if err != nil {
		return nil, "", translate(op, err)
	}
	out, err := collect(rows, func(r pgx.CollectableRow) (model.Trajectory, error) {
		var t model.Trajectory
		var policies []byte
		if err := r.Scan(&t.ID, &t.At, &t.App, &t.EntityType, &t.EntitySet, &t.EntityID, &t.Action, &t.Principal,
			&t.Before, &t.After, &t.Outcome, &t.Authz, &policies, &t.DecisionID, &t.Status, &t.Error,
			&t.DurationMicros, &t.TraceID); err != nil {
			return model.Trajectory{}, err
		}
		t.At = t.At.UTC()
		var err error
		t.Policies, err = decodePolicies(policies)
		return t, err
	})
	if err != nil {
		return nil, "", translate(op, err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = model.TrajectoryNext(out[limit-1].ID)
	}
	return out, next, nil
}

// collect scans every row with scan; nil when there is none, as in the
// SQLite backend.
func collect[T any](rows pgx.Rows, scan func(pgx.CollectableRow) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// where collects conditions on fixed columns, each with its own
// placeholder.
type where struct {
	conds []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds the condition test (a column and an operator) on v.
func (w *where) add(test string, v any) { w.conds = append(w.conds, test+w.arg(v)) }

func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func encodePolicies(ps []string) (string, error) {
	if len(ps) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

func decodePolicies(b []byte) ([]string, error) {
	var ps []string
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, fmt.Errorf("decode policies: %w", err)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	return ps, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
