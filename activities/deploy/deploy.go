package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/temperhq/temper/activities/integration"
	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification"
	"github.com/temperhq/temper/verification/report"
)

// Activity names, registered by worker.Register.
const (
	ParseActivity    = "temper.deploy.Parse"
	VerifyActivity   = "temper.deploy.Verify"
	StrandActivity   = "temper.deploy.Strand"
	ShadowActivity   = "temper.deploy.Shadow"
	ActivateActivity = "temper.deploy.Activate"
	RecordActivity   = "temper.deploy.Record"
)

// ErrBadBundle is the application error type of a bundle that does not
// load (not retried).
const ErrBadBundle = "BadBundle"

// Store is what the steps need of the store.
type Store interface {
	Query(ctx context.Context, q store.ListQuery) (store.ListResult, error)
	AppTransitions(ctx context.Context, app string, limit int) ([]store.Transition, error)
	PutSpecVersion(ctx context.Context, v store.SpecVersion) error
	Activate(ctx context.Context, app, version, by string, at time.Time) error
	PutDeploy(ctx context.Context, d store.Deploy) error
	EnsureSet(ctx context.Context, s store.SetSchema) error
}

// Activities are the pipeline's steps.
type Activities struct {
	Store Store
	// Verifier runs one level of the cascade; nil is verification.Run.
	Verifier func(ctx context.Context, b *specengine.Bundle, level report.Level) (*report.Result, error)
	// Registry, when set, learns each activated bundle, so this process's
	// entity workflows resolve the new version at once.
	Registry *specengine.Registry
	// Schema lays out an entity set of a bundle in the store (the
	// gateway's api.Schema); nil skips the layout.
	Schema func(b *specengine.Bundle, t *specengine.Table) store.Schema
}

// Files is a bundle's files.
type Files = map[string][]byte

func load(files Files) (*specengine.Bundle, error) {
	b, err := specengine.Load(files)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrBadBundle, nil)
	}
	return b, nil
}

// Parsed is what the parse step learns of a bundle.
type Parsed struct {
	Version  string   `json:"version"`
	Entities []string `json:"entities"`
	Sets     []string `json:"sets"`
}

// Parse loads the bundle; a bundle that does not load fails with its
// diagnostics (file:line:column) as a non-retryable error.
func (a *Activities) Parse(ctx context.Context, files Files) (Parsed, error) {
	b, err := load(files)
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{Version: b.Hash}
	for _, t := range b.TableList {
		p.Entities = append(p.Entities, t.Entity)
		p.Sets = append(p.Sets, t.EntitySet)
		if err := checkBudgets(t); err != nil {
			return Parsed{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrBadBundle, nil)
		}
	}
	return p, nil
}

// checkBudgets refuses integration budgets the runtime would refuse
// (unknown keys, values over the hard caps), so a bad budget fails the
// deploy instead of every call.
func checkBudgets(t *specengine.Table) error {
	for _, in := range t.Integrations {
		if _, _, err := integration.Budget(in.Config); err != nil {
			return fmt.Errorf("%s: integration %s: %w", t.Entity, in.Name, err)
		}
	}
	for _, a := range t.Actions {
		for _, tr := range a.Triggers {
			if tr.Kind != "wasm" {
				continue
			}
			if _, _, err := integration.Budget(tr.Config); err != nil {
				return fmt.Errorf("%s: trigger %s: %w", t.Entity, tr.Name, err)
			}
		}
	}
	return nil
}

// LevelInput names a level to run on a bundle.
type LevelInput struct {
	Files Files        `json:"files"`
	Level report.Level `json:"level"`
}

// Verify runs one level, heartbeating while it runs; the activity's
// context ends at the workflow's timeout and cancels the level.
func (a *Activities) Verify(ctx context.Context, in LevelInput) (*report.Result, error) {
	b, err := load(in.Files)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx, string(in.Level))
			}
		}
	}()
	verify := a.Verifier
	if verify == nil {
		verify = runLevel
	}
	return verify(ctx, b, in.Level)
}

func runLevel(ctx context.Context, b *specengine.Bundle, level report.Level) (*report.Result, error) {
	rep, err := verification.Run(ctx, b, verification.Options{Levels: []report.Level{level}})
	if err != nil {
		return nil, err
	}
	if len(rep.Levels) != 1 {
		return nil, fmt.Errorf("verify %s: %d results", level, len(rep.Levels))
	}
	return rep.Levels[0], nil
}

// StrandInput compares a new bundle with the active one.
type StrandInput struct {
	App    string `json:"app"`
	Files  Files  `json:"files"`
	Active Files  `json:"active,omitempty"`
}

// Stranded is a set whose live entities sit in states the new version
// lacks.
type Stranded struct {
	Set      string   `json:"set"`
	States   []string `json:"states"`
	Entities int64    `json:"entities"`
	Examples []string `json:"examples,omitempty"`
}

// Strand finds live entities (in the projection) whose state the new
// version no longer has, or whose entity type it dropped.
func (a *Activities) Strand(ctx context.Context, in StrandInput) ([]Stranded, error) {
	if len(in.Active) == 0 {
		return nil, nil
	}
	nb, err := load(in.Files)
	if err != nil {
		return nil, err
	}
	ob, err := specengine.Load(in.Active)
	if err != nil {
		return nil, fmt.Errorf("the active version no longer loads: %w", err)
	}
	var out []Stranded
	for _, ot := range ob.TableList {
		nt := nb.Tables[ot.Entity]
		var gone []string
		for _, s := range ot.States {
			if nt == nil || !contains(nt.States, s) {
				gone = append(gone, s)
			}
		}
		if len(gone) == 0 {
			continue
		}
		items := make([]ast.Expr, len(gone))
		for i, s := range gone {
			items[i] = &ast.Literal{Kind: ast.LitString, Value: s}
		}
		q := store.ListQuery{App: in.App, Set: ot.EntitySet, Schema: store.Schema{Properties: map[string]string{"status": "Edm.String"}, Key: keyOf(ot)},
			Filter: &ast.Binary{Op: ast.OpIn, L: &ast.Path{Segments: []string{"status"}}, R: &ast.List{Items: items}},
			Top:    5, Count: true}
		res, err := a.Store.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("strand check of %s: %w", ot.EntitySet, err)
		}
		if res.Count != nil && *res.Count > 0 {
			s := Stranded{Set: ot.EntitySet, States: gone, Entities: *res.Count}
			for _, e := range res.Entities {
				s.Examples = append(s.Examples, e.Key+" ("+e.Status+")")
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func keyOf(t *specengine.Table) []string {
	if len(t.KeyProps) > 0 {
		return t.KeyProps
	}
	return []string{"id"}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// ShadowInput replays recorded sequences of app through a new bundle.
type ShadowInput struct {
	App   string `json:"app"`
	Files Files  `json:"files"`
	// Limit bounds how many recent transitions are read (default 5,000).
	Limit int `json:"limit,omitempty"`
}

// ShadowReport says which recorded sequences the new version would
// refuse.
type ShadowReport struct {
	// Entities and Transitions replayed; Skipped entities whose create
	// is older than the window read.
	Entities    int `json:"entities"`
	Transitions int `json:"transitions"`
	Skipped     int `json:"skipped"`
	// Rejected are the first transitions the new version refuses, one
	// per entity.
	Rejected []ShadowRejection `json:"rejected,omitempty"`
}

// ShadowRejection is one recorded transition the new version refuses.
type ShadowRejection struct {
	Entity  string `json:"entity"`
	Version int64  `json:"version"`
	Action  string `json:"action"`
	Reason  string `json:"reason"`
}

// Shadow replays the app's recent recorded transitions (creates with
// their bodies, actions with their parameters, field updates) through
// the new transition table, entity by entity, in version order, and
// reports the first transition of each entity the new table refuses.
func (a *Activities) Shadow(ctx context.Context, in ShadowInput) (ShadowReport, error) {
	var rep ShadowReport
	b, err := load(in.Files)
	if err != nil {
		return rep, err
	}
	limit := in.Limit
	if limit <= 0 {
		limit = 5000
	}
	ts, err := a.Store.AppTransitions(ctx, in.App, limit)
	if err != nil {
		return rep, fmt.Errorf("read transitions of %s: %w", in.App, err)
	}
	// One sequence per life of an entity: a key deleted and created
	// again starts over.
	byEntity := map[string][]store.Transition{}
	for _, t := range ts {
		id := t.Ref.ID() + "#" + t.Incarnation
		byEntity[id] = append(byEntity[id], t)
	}
	ids := make([]string, 0, len(byEntity))
	for id := range byEntity {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		seq := byEntity[id]
		sort.Slice(seq, func(i, j int) bool { return seq[i].Version < seq[j].Version })
		if seq[0].Action != "" { // the create is older than the window
			rep.Skipped++
			continue
		}
		rep.Entities++
		if r := replay(b, seq, &rep); r != nil {
			rep.Rejected = append(rep.Rejected, *r)
		}
	}
	return rep, nil
}

// Pseudo-actions of the transition log (see workflows/entity).
const (
	actUpdate = "$update"
	actDelete = "$delete"
)

func replay(b *specengine.Bundle, seq []store.Transition, rep *ShadowReport) *ShadowRejection {
	t := b.Tables[seq[0].Type]
	reject := func(tr store.Transition, why string) *ShadowRejection {
		return &ShadowRejection{Entity: tr.Ref.ID(), Version: tr.Version, Action: name(tr.Action), Reason: why}
	}
	if t == nil {
		return reject(seq[0], "the new version has no entity type "+seq[0].Type)
	}
	cur, err := t.New(seq[0].Key, seq[0].Params)
	if err != nil {
		return reject(seq[0], err.Error())
	}
	var st specengine.Step
	for _, tr := range seq[1:] {
		rep.Transitions++
		switch tr.Action {
		case actDelete:
			return nil
		case actUpdate:
			next, err := t.Update(&cur, tr.Params)
			if err != nil {
				return reject(tr, err.Error())
			}
			cur = next
			continue
		}
		act, ok := t.Action(tr.Action)
		if !ok {
			return reject(tr, "the new version has no action "+tr.Action)
		}
		params, err := t.Params(act, tr.Params)
		if err != nil {
			return reject(tr, err.Error())
		}
		if o := t.Apply(&st, &cur, act.Index, params); o != specengine.OK {
			err := t.Err(&st, &cur, act.Index)
			why := o.String()
			if err != nil {
				why = err.Error()
			}
			return reject(tr, why)
		}
		cur = st.Next.Clone()
	}
	return nil
}

func name(action string) string {
	if action == "" {
		return "create"
	}
	return action
}

// ActivateInput makes a verified version the app's active one.
type ActivateInput struct {
	App         string         `json:"app"`
	Version     string         `json:"version"`
	Files       Files          `json:"files"`
	Report      *report.Report `json:"report,omitempty"`
	SubmittedBy string         `json:"submitted_by,omitempty"`
	ApprovedBy  string         `json:"approved_by,omitempty"`
	Verifier    string         `json:"verifier"`
}

// Activate stores the version, lays out its entity sets and makes it
// active. It is idempotent, so a retry after a crash is harmless.
func (a *Activities) Activate(ctx context.Context, in ActivateInput) error {
	b, err := load(in.Files)
	if err != nil {
		return err
	}
	if b.Hash != in.Version {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("the files hash to %s, not %s", b.Hash, in.Version), ErrBadBundle, nil)
	}
	rep, err := json.Marshal(in.Report)
	if err != nil {
		return err
	}
	err = a.Store.PutSpecVersion(ctx, store.SpecVersion{App: in.App, Version: in.Version, Files: in.Files, Verifier: in.Verifier,
		Report: rep, SubmittedBy: in.SubmittedBy, ApprovedBy: in.ApprovedBy, CreatedAt: time.Now().UTC()})
	if err != nil {
		return fmt.Errorf("store %s of %s: %w", in.Version, in.App, err)
	}
	if a.Schema != nil {
		for _, t := range b.TableList {
			if err := a.Store.EnsureSet(ctx, store.SetSchema{App: in.App, Set: t.EntitySet, EntityType: t.Entity, Schema: a.Schema(b, t)}); err != nil {
				return fmt.Errorf("lay out %s/%s: %w", in.App, t.EntitySet, err)
			}
		}
	}
	if a.Registry != nil {
		a.Registry.Add(b)
	}
	by := in.ApprovedBy
	if by == "" {
		by = in.SubmittedBy
	}
	if err := a.Store.Activate(ctx, in.App, in.Version, by, time.Now().UTC()); err != nil {
		return fmt.Errorf("activate %s of %s: %w", in.Version, in.App, err)
	}
	return nil
}

// RecordInput is a deploy record and, once it finished, its result.
type RecordInput struct {
	Deploy store.Deploy `json:"deploy"`
	Result any          `json:"result,omitempty"`
}

// Record writes the deploy record (the result as its report).
func (a *Activities) Record(ctx context.Context, in RecordInput) error {
	if in.Result != nil {
		b, err := json.Marshal(in.Result)
		if err != nil {
			return err
		}
		in.Deploy.Report = b
	}
	return a.Store.PutDeploy(ctx, in.Deploy)
}

// IsBadBundle reports whether err is a bundle that does not load.
func IsBadBundle(err error) (string, bool) {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.Type() == ErrBadBundle {
		return strings.TrimSpace(ae.Message()), true
	}
	return "", false
}
