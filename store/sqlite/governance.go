package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/temperhq/temper/store/internal/model"
)

var _ model.Governance = (*Store)(nil)

const (
	principalColumns    = `kind, id, type, role, token_hash, created_by, created_at, revoked_at`
	insertPrincipalSQL  = `INSERT INTO temper_principals (` + principalColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	principalByTokenSQL = `SELECT ` + principalColumns + ` FROM temper_principals WHERE token_hash = ?`
	principalsSQL       = `SELECT ` + principalColumns + ` FROM temper_principals ORDER BY kind, id`
	revokePrincipalSQL  = `UPDATE temper_principals SET revoked_at = coalesce(revoked_at, ?) WHERE kind = ? AND id = ?`

	policyColumns = `app, id, text, decision_id, created_by, created_at`
	putPolicySQL  = `INSERT INTO temper_policies (` + policyColumns + `) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (app, id) DO UPDATE SET text = excluded.text, decision_id = excluded.decision_id,
	created_by = excluded.created_by, created_at = excluded.created_at`
	deletePolicySQL = `DELETE FROM temper_policies WHERE app = ? AND id = ?`
	policiesSQL     = `SELECT ` + policyColumns + ` FROM temper_policies WHERE app = ? ORDER BY id`

	decisionColumns = `id, app, principal, action, resource_type, resource_id, status, reason, scope, policy_id,
	decided_by, created_at, decided_at`
	// The conflict target names the partial unique index of open
	// decisions: a second open one for the same request is not inserted
	// (any other unique violation, a repeated id, is an error).
	openDecisionSQL = `INSERT INTO temper_decisions (id, app, principal, action, resource_type, resource_id, status, reason, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (app, principal, action, resource_type, resource_id) WHERE status IN ('pending', 'denied') DO NOTHING
RETURNING ` + decisionColumns
	openDecisionOfSQL = `SELECT ` + decisionColumns + ` FROM temper_decisions
WHERE app = ? AND principal = ? AND action = ? AND resource_type = ? AND resource_id = ? AND status IN ('pending', 'denied')`
	decisionSQL       = `SELECT ` + decisionColumns + ` FROM temper_decisions WHERE id = ?`
	decisionStatusSQL = `SELECT status FROM temper_decisions WHERE id = ?`
	decideSQL         = `UPDATE temper_decisions SET status = ?, scope = ?, policy_id = ?, decided_by = ?, decided_at = ?
WHERE id = ? AND status = 'pending'
RETURNING ` + decisionColumns

	trajectoryColumns = `id, at, app, entity_type, entity_set, entity_id, action, principal, from_status, to_status,
	outcome, authz, policies, decision_id, http_status, error, duration_us, trace_id`
	insertTrajectorySQL = `INSERT INTO temper_trajectories (at, app, entity_type, entity_set, entity_id, action, principal,
	from_status, to_status, outcome, authz, policies, decision_id, http_status, error, duration_us, trace_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CreatePrincipal stores a new principal; ErrConflict on a taken (kind,
// id) or token hash.
func (s *Store) CreatePrincipal(ctx context.Context, p model.Principal) error {
	op := "create principal " + p.Kind + "::" + p.ID
	if err := p.Check(); err != nil {
		return translate(op, err)
	}
	_, err := s.w.ExecContext(ctx, insertPrincipalSQL, p.Kind, p.ID, p.Type, p.Role, nullString(p.TokenHash),
		p.CreatedBy, formatTime(p.CreatedAt), nullTime(p.RevokedAt))
	return translate(op, err)
}

// PrincipalByToken returns the principal holding the token hash.
func (s *Store) PrincipalByToken(ctx context.Context, tokenHash string) (model.Principal, error) {
	p, err := scanPrincipal(s.r.QueryRowContext(ctx, principalByTokenSQL, tokenHash))
	return p, translate("principal by token", err)
}

// Principals lists principals ordered by kind, id.
func (s *Store) Principals(ctx context.Context) ([]model.Principal, error) {
	rows, err := s.r.QueryContext(ctx, principalsSQL)
	if err != nil {
		return nil, translate("principals", err)
	}
	defer rows.Close()
	var out []model.Principal
	for rows.Next() {
		p, err := scanPrincipal(rows)
		if err != nil {
			return nil, translate("principals", err)
		}
		out = append(out, p)
	}
	return out, translate("principals", rows.Err())
}

// RevokePrincipal marks the principal revoked, keeping an earlier
// revocation time.
func (s *Store) RevokePrincipal(ctx context.Context, kind, id string, at time.Time) error {
	op := "revoke principal " + kind + "::" + id
	res, err := s.w.ExecContext(ctx, revokePrincipalSQL, formatTime(at), kind, id)
	if err != nil {
		return translate(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

func scanPrincipal(r rowScanner) (model.Principal, error) {
	var p model.Principal
	var token, revoked sql.NullString
	var created string
	if err := r.Scan(&p.Kind, &p.ID, &p.Type, &p.Role, &token, &p.CreatedBy, &created, &revoked); err != nil {
		return model.Principal{}, err
	}
	p.TokenHash, p.CreatedAt, p.RevokedAt = token.String, parseTime(created), timePtr(revoked)
	return p, nil
}

// PutPolicy writes the policy, replacing one with the same app and id.
func (s *Store) PutPolicy(ctx context.Context, p model.Policy) error {
	return translate("put policy "+p.App+"/"+p.ID, putPolicy(ctx, s.w, &p))
}

func putPolicy(ctx context.Context, x execer, p *model.Policy) error {
	if err := p.Check(); err != nil {
		return err
	}
	_, err := x.ExecContext(ctx, putPolicySQL, p.App, p.ID, p.Text, p.DecisionID, p.CreatedBy, formatTime(p.CreatedAt))
	return err
}

// DeletePolicy removes a policy.
func (s *Store) DeletePolicy(ctx context.Context, app, id string) error {
	op := "delete policy " + app + "/" + id
	res, err := s.w.ExecContext(ctx, deletePolicySQL, app, id)
	if err != nil {
		return translate(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return translate(op, model.ErrNotFound)
	}
	return nil
}

// Policies lists an app's policies ordered by id.
func (s *Store) Policies(ctx context.Context, app string) ([]model.Policy, error) {
	op := "policies " + app
	rows, err := s.r.QueryContext(ctx, policiesSQL, app)
	if err != nil {
		return nil, translate(op, err)
	}
	defer rows.Close()
	var out []model.Policy
	for rows.Next() {
		var p model.Policy
		var created string
		if err := rows.Scan(&p.App, &p.ID, &p.Text, &p.DecisionID, &p.CreatedBy, &created); err != nil {
			return nil, translate(op, err)
		}
		p.CreatedAt = parseTime(created)
		out = append(out, p)
	}
	return out, translate(op, rows.Err())
}

// OpenDecision inserts a pending decision unless the partial unique index
// finds an open one for the same request, which it then returns. Writes
// are serialized on the one writer connection, so the insert and the
// read of the open decision see the same state.
func (s *Store) OpenDecision(ctx context.Context, d model.Decision) (model.Decision, bool, error) {
	op := "open decision " + d.ID
	if d.Status == "" {
		d.Status = model.DecisionPending
	}
	if err := d.Check(); err != nil {
		return model.Decision{}, false, translate(op, err)
	}
	var out model.Decision
	created := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = scanDecision(tx.QueryRowContext(ctx, openDecisionSQL, d.ID, d.App, d.Principal, d.Action,
			d.ResourceType, d.ResourceID, d.Status, d.Reason, formatTime(d.CreatedAt)))
		if err == nil {
			created = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out, err = scanDecision(tx.QueryRowContext(ctx, openDecisionOfSQL, d.App, d.Principal, d.Action,
			d.ResourceType, d.ResourceID))
		if errors.Is(err, sql.ErrNoRows) {
			// Writes are serialized: the open decision that stopped the
			// insert is still there, so this cannot happen.
			return fmt.Errorf("no open decision after a conflict")
		}
		return err
	})
	if err != nil {
		return model.Decision{}, false, translate(op, err)
	}
	return out, created, nil
}

// Decision returns one decision.
func (s *Store) Decision(ctx context.Context, id string) (model.Decision, error) {
	d, err := scanDecision(s.r.QueryRowContext(ctx, decisionSQL, id))
	return d, translate("decision "+id, err)
}

// Decisions lists decisions newest first (created_at, then id, both
// descending), a page at a time.
func (s *Store) Decisions(ctx context.Context, q model.DecisionQuery) ([]model.Decision, string, error) {
	const op = "decisions"
	var where []string
	var args []any
	if q.App != "" {
		where, args = append(where, "app = ?"), append(args, q.App)
	}
	if q.Status != "" {
		where, args = append(where, "status = ?"), append(args, q.Status)
	}
	if q.Principal != "" {
		where, args = append(where, "principal = ?"), append(args, q.Principal)
	}
	if q.After != "" {
		at, id, err := model.DecisionAfter(q.After)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, "(created_at, id) < (?, ?)"), append(args, formatTime(at), id)
	}
	limit := model.PageLimit(q.Limit)
	stmt := `SELECT ` + decisionColumns + ` FROM temper_decisions` + whereClause(where) +
		` ORDER BY created_at DESC, id DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, stmt, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(op, err)
	}
	defer rows.Close()
	var out []model.Decision
	next := ""
	for rows.Next() {
		if len(out) == limit {
			last := out[len(out)-1]
			next = model.DecisionNext(last.CreatedAt, last.ID)
			break
		}
		d, err := scanDecision(rows)
		if err != nil {
			return nil, "", translate(op, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, "", translate(op, err)
	}
	return out, next, nil
}

// ApproveDecision marks a pending decision approved and writes its policy
// in the same write transaction. The policy's app, decision id, author
// and time default to the decision's.
func (s *Store) ApproveDecision(ctx context.Context, id, scope, by string, at time.Time, p model.Policy) (model.Decision, error) {
	op := "approve decision " + id
	var out model.Decision
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = decide(ctx, tx, id, model.DecisionApproved, scope, p.ID, by, at); err != nil {
			return err
		}
		policyDefaults(&p, out)
		return putPolicy(ctx, tx, &p)
	})
	if err != nil {
		return model.Decision{}, translate(op, err)
	}
	return out, nil
}

// DenyDecision marks a pending decision denied.
func (s *Store) DenyDecision(ctx context.Context, id, by string, at time.Time) (model.Decision, error) {
	var out model.Decision
	err := s.write(ctx, func(tx *sql.Tx) error {
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
// such decision, ErrConflict if it is not pending.
func decide(ctx context.Context, tx *sql.Tx, id, status, scope, policyID, by string, at time.Time) (model.Decision, error) {
	d, err := scanDecision(tx.QueryRowContext(ctx, decideSQL, status, scope, policyID, by, formatTime(at), id))
	if !errors.Is(err, sql.ErrNoRows) {
		return d, err
	}
	var cur string
	if err := tx.QueryRowContext(ctx, decisionStatusSQL, id).Scan(&cur); err != nil {
		return model.Decision{}, err // sql.ErrNoRows: not found
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

func scanDecision(r rowScanner) (model.Decision, error) {
	var d model.Decision
	var created string
	var decided sql.NullString
	if err := r.Scan(&d.ID, &d.App, &d.Principal, &d.Action, &d.ResourceType, &d.ResourceID, &d.Status, &d.Reason,
		&d.Scope, &d.PolicyID, &d.DecidedBy, &created, &decided); err != nil {
		return model.Decision{}, err
	}
	d.CreatedAt, d.DecidedAt = parseTime(created), timePtr(decided)
	return d, nil
}

// AppendTrajectories inserts the records in one write transaction; the
// store assigns their ids.
func (s *Store) AppendTrajectories(ctx context.Context, ts []model.Trajectory) error {
	const op = "append trajectories"
	if len(ts) == 0 {
		return nil
	}
	return translate(op, s.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, insertTrajectorySQL)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range ts {
			t := &ts[i]
			policies, err := encodePolicies(t.Policies)
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, formatTime(t.At), t.App, t.EntityType, t.EntitySet, t.EntityID, t.Action,
				t.Principal, t.Before, t.After, t.Outcome, t.Authz, policies, t.DecisionID, t.Status, t.Error,
				t.DurationMicros, t.TraceID); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Trajectories lists calls newest first (by id), a page at a time; every
// non-empty field of q filters, Since is inclusive and Until exclusive.
func (s *Store) Trajectories(ctx context.Context, q model.TrajectoryQuery) ([]model.Trajectory, string, error) {
	const op = "trajectories"
	var where []string
	var args []any
	for _, f := range []struct{ col, val string }{
		{"app", q.App}, {"entity_type", q.EntityType}, {"entity_id", q.EntityID},
		{"action", q.Action}, {"principal", q.Principal}, {"outcome", q.Outcome},
	} {
		if f.val != "" {
			where, args = append(where, f.col+" = ?"), append(args, f.val)
		}
	}
	if !q.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, formatTime(q.Since))
	}
	if !q.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, formatTime(q.Until))
	}
	if q.After != "" {
		id, err := model.TrajectoryAfter(q.After)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, "id < ?"), append(args, id)
	}
	limit := model.PageLimit(q.Limit)
	stmt := `SELECT ` + trajectoryColumns + ` FROM temper_trajectories` + whereClause(where) + ` ORDER BY id DESC LIMIT ?`
	rows, err := s.r.QueryContext(ctx, stmt, append(args, limit+1)...)
	if err != nil {
		return nil, "", translate(op, err)
	}
	defer rows.Close()
	var out []model.Trajectory
	next := ""
	for rows.Next() {
		if len(out) == limit {
			next = model.TrajectoryNext(out[len(out)-1].ID)
			break
		}
		var t model.Trajectory
		var at, policies string
		if err := rows.Scan(&t.ID, &at, &t.App, &t.EntityType, &t.EntitySet, &t.EntityID, &t.Action, &t.Principal,
			&t.Before, &t.After, &t.Outcome, &t.Authz, &policies, &t.DecisionID, &t.Status, &t.Error,
			&t.DurationMicros, &t.TraceID); err != nil {
			return nil, "", translate(op, err)
		}
		t.At = parseTime(at)
		if t.Policies, err = decodePolicies(policies); err != nil {
			return nil, "", translate(op, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", translate(op, err)
	}
	return out, next, nil
}

// whereClause joins conditions, each a fixed column test with a
// placeholder.
func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

func encodePolicies(ps []string) (string, error) {
	if len(ps) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

func decodePolicies(s string) ([]string, error) {
	var ps []string
	if err := json.Unmarshal([]byte(s), &ps); err != nil {
		return nil, fmt.Errorf("decode policies: %w", err)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	return ps, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullTime(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(*t), Valid: true}
}

func timePtr(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
