package entity

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// Workflows holds what the entity workflow needs; register its Entity
// method under WorkflowName and Hook.AfterCommit under CommitActivity.
type Workflows struct {
	Specs Specs
	Hook  Hook
	// Gate authorizes internal dispatches (timers); register its
	// AuthorizeDispatch under GateActivity. Without one, internal
	// dispatches are refused: there is no silent bypass.
	Gate Gate
	Opts Options
}

// Search attribute keys.
var (
	saApp    = temporal.NewSearchAttributeKeyKeyword(SAApp)
	saEntity = temporal.NewSearchAttributeKeyKeyword(SAEntity)
	saStatus = temporal.NewSearchAttributeKeyKeyword(SAStatus)
)

// run is the state of one workflow run.
type run struct {
	w       *Workflows
	opts    Options
	limits  Limits
	ref     Ref
	entity  string
	spec    string
	table   *specengine.Table
	state   specengine.State
	creator string
	key     string
	recent  []Done
	seen    []string
	timers  []Timer
	updates int
	runs    int
	deleted bool
	mu      workflow.Mutex
	step    specengine.Step
}

// Entity is the workflow function.
func (w *Workflows) Entity(ctx workflow.Context, in Start) error {
	e := &run{w: w, opts: w.Opts.withDefaults(), limits: in.Limits.withDefaults(), ref: in.Ref, entity: in.Entity, spec: in.Spec, creator: in.Creator, key: in.IdempotencyKey}
	t := e.tableFor(in.Spec)
	e.table = t
	e.mu = workflow.NewMutex(ctx)
	if in.Carry != nil {
		e.state = in.Carry.State
		e.recent = in.Carry.Recent
		e.seen = in.Carry.Seen
		e.runs = in.Carry.Runs + 1
	} else {
		st, err := t.New(in.Ref.Key, in.Body)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeBadRequest, nil)
		}
		e.state = st
	}
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (Entity, error) { return e.view(), nil }); err != nil {
		return fmt.Errorf("register query: %w", err)
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAction, e.handleUpdate, workflow.UpdateHandlerOptions{
		Validator:   e.validate,
		Description: "run an action of the entity's spec",
	}); err != nil {
		return fmt.Errorf("register update: %w", err)
	}
	e.upsert(ctx)
	if in.Carry == nil {
		e.afterCommit(ctx, "", in.Body, "", "", nil, in.Creator)
		e.armStateTimeout(ctx)
	} else {
		for _, tm := range in.Carry.Timers {
			e.arm(ctx, tm)
		}
	}
	signals := workflow.GetSignalChannel(ctx, SignalAction)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var req Request
			signals.Receive(ctx, &req)
			e.handleSignal(ctx, req)
		}
	})
	if err := workflow.Await(ctx, func() bool {
		return (e.deleted || workflow.GetInfo(ctx).GetContinueAsNewSuggested() || e.updates >= e.limits.MaxUpdatesPerRun) &&
			workflow.AllHandlersFinished(ctx)
	}); err != nil {
		return err
	}
	if e.deleted {
		return nil
	}
	// Signals delivered in this task are applied before the run ends.
	for {
		var req Request
		if !signals.ReceiveAsync(&req) {
			break
		}
		e.handleSignal(ctx, req)
	}
	return workflow.NewContinueAsNewError(ctx, WorkflowName, Start{
		Ref: e.ref, Entity: e.entity, Spec: e.spec, Creator: e.creator, IdempotencyKey: e.key, Limits: in.Limits,
		Carry: &Carry{State: e.state, Recent: e.recent, Seen: e.seen, Timers: e.pendingTimers(), Runs: e.runs},
	})
}

// tableFor resolves a spec version. A missing version panics, which fails
// the workflow task (not the workflow): Temporal retries it, and a worker
// that knows the version completes it.
func (e *run) tableFor(version string) *specengine.Table {
	t, err := e.w.Specs.Table(version, e.entity)
	if err != nil {
		panic(fmt.Sprintf("entity %s: spec %s: %v", e.ref.WorkflowID(), version, err))
	}
	return t
}

func (e *run) view() Entity {
	return Entity{
		Ref: e.ref, Entity: e.entity, Spec: e.spec, Version: e.state.Version,
		Status: e.table.States[e.state.Status], Fields: e.table.Fields(&e.state), Creator: e.creator, CreateKey: e.key,
		Deleted: e.deleted,
	}
}

// prepared is an action resolved against the table it will run on.
type prepared struct {
	table  *specengine.Table
	spec   string
	state  specengine.State
	action *specengine.Action // nil for an update or a delete
	params []expr.Value
	next   specengine.State // an update's result
	req    Request
}

// name is the action as recorded in commits.
func (p *prepared) name() string {
	switch {
	case p.action != nil:
		return p.action.Name
	case p.req.Delete:
		return ActionDelete
	}
	return ActionUpdate
}

// prepare resolves the request's spec version (migrating the state when it
// is newer), the action and its parameters. It changes nothing.
func (e *run) prepare(req Request) (prepared, error) {
	p := prepared{table: e.table, spec: e.spec, state: e.state, req: req}
	if e.deleted {
		return p, temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s was deleted", e.ref.WorkflowID()), ErrTypeRejected, nil, "deleted")
	}
	if req.IfVersion != nil && *req.IfVersion != e.state.Version {
		return p, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s is at version %d, not %d", e.ref.WorkflowID(), e.state.Version, *req.IfVersion), ErrTypePrecondition, nil)
	}
	if req.Spec != "" && req.Spec != e.spec {
		t := e.tableFor(req.Spec)
		st, err := Migrate(e.table, t, e.state, req.StateMap)
		if err != nil {
			return p, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeStranded, nil)
		}
		p.table, p.spec, p.state = t, req.Spec, st
	}
	if req.Action == "" {
		switch {
		case req.Delete && req.Update == nil:
			p.next = p.state.Clone()
			p.next.Version++
			return p, nil
		case req.Update != nil && !req.Delete:
			next, err := p.table.Update(&p.state, req.Update)
			if err != nil {
				return p, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeBadRequest, nil)
			}
			p.next = next
			return p, nil
		}
		return p, temporal.NewNonRetryableApplicationError("a request names an action, an update or a delete", ErrTypeBadRequest, nil)
	}
	a, ok := p.table.Action(req.Action)
	if !ok {
		return p, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s has no action %q", e.entity, req.Action), ErrTypeRejected, nil, specengine.UnknownAction.String())
	}
	params, err := p.table.Params(a, req.Params)
	if err != nil {
		return p, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeBadRequest, nil)
	}
	p.action, p.params = a, params
	return p, nil
}

// check runs Apply on a scratch step and turns a rejection into an error.
// An update or a delete was fully checked by prepare; its result is copied
// into the step.
func (e *run) check(p *prepared, st *specengine.Step) error {
	if p.action == nil {
		st.Next, st.Out = p.next, st.Out[:0]
		return nil
	}
	if p.table.Apply(st, &p.state, p.action.Index, p.params) == specengine.OK {
		return nil
	}
	err := p.table.Err(st, &p.state, p.action.Index)
	return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeRejected, nil, st.Outcome.String())
}

// validate is the update validator: a rejection here adds no history.
func (e *run) validate(ctx workflow.Context, req Request) error {
	if id := updateID(ctx); id != "" && e.done(id) != nil {
		return nil // a retry of a committed update returns its first result
	}
	p, err := e.prepare(req)
	if err != nil {
		return err
	}
	var st specengine.Step
	return e.check(&p, &st)
}

func updateID(ctx workflow.Context) string {
	if info := workflow.GetCurrentUpdateInfo(ctx); info != nil {
		return info.ID
	}
	return ""
}

func (e *run) done(id string) *Done {
	for i := range e.recent {
		if e.recent[i].ID == id {
			return &e.recent[i]
		}
	}
	return nil
}

func (e *run) handleUpdate(ctx workflow.Context, req Request) (Entity, error) {
	id := updateID(ctx)
	if d := e.done(id); id != "" && d != nil {
		return d.Result, nil
	}
	res, err := e.apply(ctx, req)
	if err != nil {
		return Entity{}, err
	}
	e.updates++
	if id != "" {
		e.recent = append(e.recent, Done{ID: id, Result: res})
		if n := len(e.recent) - e.limits.RecentUpdates; n > 0 {
			e.recent = append([]Done(nil), e.recent[n:]...)
		}
	}
	return res, nil
}

func (e *run) handleSignal(ctx workflow.Context, req Request) {
	if req.RequestID != "" {
		for _, s := range e.seen {
			if s == req.RequestID {
				return
			}
		}
		e.seen = append(e.seen, req.RequestID)
		if n := len(e.seen) - e.limits.RecentUpdates; n > 0 {
			e.seen = append([]string(nil), e.seen[n:]...)
		}
	}
	if _, err := e.apply(ctx, req); err != nil {
		workflow.GetLogger(ctx).Info("signalled action rejected", "action", req.Action, "error", err)
	}
}

// apply commits one action: the one place the entity's state changes.
func (e *run) apply(ctx workflow.Context, req Request) (Entity, error) {
	return e.applyAs(ctx, req, false)
}

// applyAs is apply; internal dispatches (the system acting by itself as
// req.Principal) are first authorized through the gate, under the lock,
// so the entity cannot change between the check and the commit.
func (e *run) applyAs(ctx workflow.Context, req Request, internal bool) (Entity, error) {
	if err := e.mu.Lock(ctx); err != nil {
		return Entity{}, err
	}
	defer e.mu.Unlock()
	p, err := e.prepare(req)
	if err != nil {
		return Entity{}, err
	}
	if internal {
		if err := e.authorize(ctx, req); err != nil {
			return Entity{}, err
		}
	}
	if err := e.check(&p, &e.step); err != nil {
		return Entity{}, err
	}
	before := e.table.States[e.state.Status]
	statusChanged := p.table != e.table || e.step.Next.Status != e.state.Status
	e.table, e.spec, e.state = p.table, p.spec, e.step.Next.Clone()
	out := append([]specengine.Outgoing(nil), e.step.Out...)
	if statusChanged {
		e.upsert(ctx) // visibility changes only with the status
	}
	if req.Delete {
		e.deleted = true
	}
	params := req.Params
	if req.Update != nil {
		params = req.Update
	}
	e.afterCommit(ctx, p.name(), params, req.Principal, before, out, "")
	for _, o := range out {
		switch o.Kind {
		case specengine.OutSchedule:
			e.arm(ctx, Timer{Action: o.Action, Due: workflow.Now(ctx).Add(time.Duration(o.Seconds) * time.Second)})
		case specengine.OutTrigger:
			e.react(ctx, o, req.Depth)
		case specengine.OutSpawn:
			e.spawn(ctx, o, req.Depth)
		case specengine.OutIntegration:
			e.integrate(ctx, o)
		}
	}
	if statusChanged {
		e.armStateTimeout(ctx)
	}
	return e.view(), nil
}

func (e *run) upsert(ctx workflow.Context) {
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		saApp.ValueSet(e.ref.App), saEntity.ValueSet(e.entity), saStatus.ValueSet(e.table.States[e.state.Status]))
	_ = workflow.UpsertMemo(ctx, map[string]any{"entity": fmt.Sprintf("%s %s: %s", e.entity, e.ref.Key, e.table.States[e.state.Status])})
}

// afterCommit runs the hook as a local activity. The transition is already
// committed; a hook that keeps failing is logged, and the next commit
// (idempotent by version) repairs what it writes.
func (e *run) afterCommit(ctx workflow.Context, action string, params map[string]any, principal, before string, out []specengine.Outgoing, creator string) {
	if e.w.Hook == nil {
		return
	}
	c := Commit{Ref: e.ref, Entity: e.entity, Spec: e.spec, Action: action, Params: params, Principal: principal,
		Before: before, After: e.view(), At: workflow.Now(ctx), Deleted: e.deleted, Incarnation: workflow.GetInfo(ctx).FirstRunID}
	if action == "" {
		c.Principal = creator
	}
	for _, o := range out {
		c.Outgoing = append(c.Outgoing, outgoing(o))
	}
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    e.opts.CommitTimeout,
		ScheduleToCloseTimeout: 6 * e.opts.CommitTimeout,
	})
	// By name, so the recorded activity type does not depend on how the
	// hook's method happens to be called.
	if err := workflow.ExecuteLocalActivity(lctx, CommitActivity, c).Get(lctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("after-commit hook failed", "version", e.state.Version, "error", err)
	}
}

func outgoing(o specengine.Outgoing) Outgoing {
	kinds := map[specengine.OutKind]string{specengine.OutSchedule: "schedule", specengine.OutSpawn: "spawn",
		specengine.OutTrigger: "trigger", specengine.OutIntegration: "integration"}
	out := Outgoing{Kind: kinds[o.Kind], Action: o.Action, Entity: o.Entity, ID: o.ID, Seconds: o.Seconds}
	switch {
	case o.Trigger != nil:
		out.Name = o.Trigger.Name
	case o.Integration != nil:
		out.Name = o.Integration.Name
	}
	return out
}

// armStateTimeout arms the [[state_timeout]] of the current state.
func (e *run) armStateTimeout(ctx workflow.Context) {
	status := e.table.States[e.state.Status]
	for _, to := range e.table.Timeouts {
		if to.State == status {
			e.arm(ctx, Timer{Action: to.OnTimeout, State: status, Version: e.state.Version,
				Due: workflow.Now(ctx).Add(time.Duration(to.AfterSeconds) * time.Second)})
		}
	}
}

// arm starts a durable timer; when it fires, its action runs through the
// same code as a signal (a rejection is logged, never an error).
func (e *run) arm(ctx workflow.Context, tm Timer) {
	e.timers = append(e.timers, tm)
	workflow.Go(ctx, func(ctx workflow.Context) {
		if d := tm.Due.Sub(workflow.Now(ctx)); d > 0 {
			if err := workflow.Sleep(ctx, d); err != nil {
				return
			}
		}
		e.removeTimer(tm)
		if tm.State != "" && (e.table.States[e.state.Status] != tm.State || e.state.Version != tm.Version) {
			return // the entity left the state: the timeout no longer applies
		}
		if _, err := e.applyAs(ctx, Request{Action: tm.Action, Principal: TimerPrincipal}, true); err != nil {
			workflow.GetLogger(ctx).Info("timer action rejected", "action", tm.Action, "error", err)
		}
	})
}

// react dispatches an entity trigger after the commit, durably, as an
// activity that delivers it to the target (authorized there as
// ReactionPrincipal) with a deterministic request id. The action does not
// wait for it. Histories recorded before reactions existed replay without
// them (a version marker).
func (e *run) react(ctx workflow.Context, o specengine.Outgoing, depth int) {
	if workflow.GetVersion(ctx, "entity-reactions", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	log := workflow.GetLogger(ctx)
	tr := o.Trigger
	if depth+1 > MaxReactionDepth {
		log.Warn("reaction not dispatched: chain too deep", "trigger", tr.Name, "depth", depth+1)
		return
	}
	target, err := e.w.Specs.Table(e.spec, tr.TargetEntity)
	if err != nil {
		log.Error("reaction not dispatched: no target type", "trigger", tr.Name, "error", err)
		return
	}
	fields := e.table.Fields(&e.state)
	r := Reaction{Source: e.ref, Trigger: tr.Name, Entity: target.Entity, Spec: e.spec, Action: tr.TargetAction,
		Depth: depth + 1, RequestID: fmt.Sprintf("%s@%d/%s", e.ref.WorkflowID(), e.state.Version, tr.Name)}
	key := e.ref.Key
	switch rt := tr.ResolveTarget; rt.Type {
	case "field":
		key = fmt.Sprint(fields[rt.Field])
		if fields[rt.Field] == nil {
			log.Info("reaction not dispatched: the target field is empty", "trigger", tr.Name, "field", rt.Field)
			return
		}
	case "static":
		key = rt.EntityID
	case "create", "create_if_missing":
		r.Create = rt.Type
		switch {
		case rt.IDField != "" && fields[rt.IDField] != nil:
			key = fmt.Sprint(fields[rt.IDField])
		case rt.Field != "" && fields[rt.Field] != nil:
			key = fmt.Sprint(fields[rt.Field])
		case rt.Type == "create":
			key = fmt.Sprintf("%s-%s-%d", e.ref.Key, tr.Name, e.state.Version)
		}
	}
	r.Target = Ref{App: e.ref.App, EntitySet: target.EntitySet, Key: key}
	params := Values{}
	for _, k := range sortedNames(tr.Params) {
		params[k] = tr.Params[k].Any()
	}
	for _, k := range sortedNames(tr.ParamsFrom) {
		params[k] = fields[tr.ParamsFrom[k]]
	}
	if len(params) > 0 {
		r.Params = params
	}
	e.dispatch(ctx, r)
}

// spawn creates a child entity by running its action, through the same
// delivery as reactions (the id comes from the effect).
func (e *run) spawn(ctx workflow.Context, o specengine.Outgoing, depth int) {
	if workflow.GetVersion(ctx, "entity-reactions", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	log := workflow.GetLogger(ctx)
	if depth+1 > MaxReactionDepth {
		log.Warn("spawn not dispatched: chain too deep", "entity", o.Entity, "depth", depth+1)
		return
	}
	target, err := e.w.Specs.Table(e.spec, o.Entity)
	if err != nil {
		log.Error("spawn not dispatched: no target type", "entity", o.Entity, "error", err)
		return
	}
	e.dispatch(ctx, Reaction{Source: e.ref, Trigger: "spawn:" + o.Entity, Entity: target.Entity, Spec: e.spec, Action: o.Action,
		Target: Ref{App: e.ref.App, EntitySet: target.EntitySet, Key: o.ID}, Create: "create", Depth: depth + 1,
		RequestID: fmt.Sprintf("%s@%d/spawn/%s", e.ref.WorkflowID(), e.state.Version, o.ID)})
}

// integrate runs an integration's module as an activity (retried per
// the policy below) after the action committed, then applies its
// on_success action with the module's output as parameters, or its
// on_failure action with the typed failure, as IntegrationPrincipal
// through the gate and the same transition code as every action.
func (e *run) integrate(ctx workflow.Context, o specengine.Outgoing) {
	if workflow.GetVersion(ctx, "entity-integrations", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	call := IntegrationCall{Ref: e.ref, Entity: e.entity, Spec: e.spec, Version: e.state.Version,
		Status: e.table.States[e.state.Status], Fields: e.table.Fields(&e.state)}
	var onSuccess, onFailure string
	switch {
	case o.Integration != nil:
		in := o.Integration
		call.Integration, call.Module, call.Config = in.Name, in.Module, in.Config
		onSuccess, onFailure = in.OnSuccess, in.OnFailure
	case o.Trigger != nil:
		tr := o.Trigger
		call.Integration, call.Module, call.Config = tr.Name, tr.Module, tr.Config
		onSuccess, onFailure = tr.OnSuccess, tr.OnFailure
	default:
		return
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumAttempts:        3,
			NonRetryableErrorTypes: []string{IntegrationErrorType},
		},
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		log := workflow.GetLogger(ctx)
		var out Values
		err := workflow.ExecuteActivity(actx, IntegrationActivity, call).Get(ctx, &out)
		req := Request{Action: onSuccess, Params: out, Principal: IntegrationPrincipal}
		if err != nil {
			f := failureOf(err)
			req = Request{Action: onFailure, Params: Values{"kind": f.Kind, "message": f.Message}, Principal: IntegrationPrincipal}
			if f.Status != 0 {
				req.Params["status"] = int64(f.Status)
			}
			if f.DecisionID != "" {
				req.Params["decision_id"] = f.DecisionID
			}
		}
		if req.Action == "" {
			log.Warn("integration finished without a callback to run", "integration", call.Integration, "error", err)
			return
		}
		if _, aerr := e.applyAs(ctx, req, true); aerr != nil {
			log.Warn("integration callback refused", "integration", call.Integration, "action", req.Action, "error", aerr)
		}
	})
}

// failureOf reads the typed failure of an integration activity's error.
func failureOf(err error) IntegrationFailure {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		var f IntegrationFailure
		if ae.HasDetails() && ae.Details(&f) == nil && f.Kind != "" {
			return f
		}
		return IntegrationFailure{Kind: "error", Message: ae.Message()}
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		return IntegrationFailure{Kind: "timeout", Message: "the integration timed out"}
	}
	return IntegrationFailure{Kind: "error", Message: err.Error()}
}

// dispatch delivers r in the background: the action does not wait.
func (e *run) dispatch(ctx workflow.Context, r Reaction) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 10},
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		if err := workflow.ExecuteActivity(actx, ReactActivity, r).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("reaction not delivered", "trigger", r.Trigger, "target", r.Target.WorkflowID(), "error", err)
		}
	})
}

// sortedNames are a map's keys in order (map order must not decide
// anything in a workflow).
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	// Collecting the keys is order-free; they are sorted below.
	//workflowcheck:ignore
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ErrDispatchDenied refuses an internal dispatch the gate did not allow.
var ErrDispatchDenied = errors.New("internal dispatch not authorized")

// authorize asks the gate, as a local activity, whether req.Principal may
// run req.Action on the entity as it is now. Histories recorded before
// the gate existed replay without it (a version marker).
func (e *run) authorize(ctx workflow.Context, req Request) error {
	if workflow.GetVersion(ctx, "authorize-internal-dispatch", workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	if e.w.Gate == nil {
		return fmt.Errorf("%w: this worker has no gate", ErrDispatchDenied)
	}
	d := Dispatch{Ref: e.ref, Entity: e.entity, Spec: e.spec, Action: req.Action, Principal: req.Principal,
		Status: e.table.States[e.state.Status], Fields: e.table.Fields(&e.state), Creator: e.creator}
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    e.opts.CommitTimeout,
		ScheduleToCloseTimeout: 6 * e.opts.CommitTimeout,
	})
	var v Verdict
	if err := workflow.ExecuteLocalActivity(lctx, GateActivity, d).Get(lctx, &v); err != nil {
		return fmt.Errorf("%w: %v", ErrDispatchDenied, err)
	}
	if !v.Allowed {
		return fmt.Errorf("%w: %s may not %s (%s)", ErrDispatchDenied, req.Principal, req.Action, v.Decision)
	}
	return nil
}

func (e *run) removeTimer(tm Timer) {
	for i, x := range e.timers {
		if x == tm {
			e.timers = append(e.timers[:i:i], e.timers[i+1:]...)
			return
		}
	}
}

// pendingTimers are the timers a continued run must re-arm, in due order;
// state timeouts that no longer apply are dropped.
func (e *run) pendingTimers() []Timer {
	var out []Timer
	for _, tm := range e.timers {
		if tm.State != "" && (e.table.States[e.state.Status] != tm.State || e.state.Version != tm.Version) {
			continue
		}
		out = append(out, tm)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out
}

// ErrStranded is returned when a new spec version has no state for an
// entity and the deploy gave no mapping.
var ErrStranded = errors.New("entity stranded by the new spec version")

// Migrate moves an entity from one table to another: status by name (or
// through stateMap), variables and fields by name when the types agree; a
// variable new in the target starts at its initial value.
func Migrate(from, to *specengine.Table, s specengine.State, stateMap map[string]string) (specengine.State, error) {
	status := from.States[s.Status]
	if m, ok := stateMap[status]; ok {
		status = m
	}
	idx, ok := to.StateIndex(status)
	if !ok {
		return specengine.State{}, fmt.Errorf("%w: %s is in state %s, which version has no longer", ErrStranded, s.ID, status)
	}
	out := specengine.State{ID: s.ID, Version: s.Version, Status: idx, Vars: make([]expr.Value, len(to.Vars))}
	for i, v := range to.Vars {
		if v.Initial != nil {
			out.Vars[i] = *v.Initial
		}
		if j, ok := from.SlotIndex(v.Name); ok && v.Type.Accepts(s.Vars[j].K) {
			out.Vars[i] = s.Vars[j]
		}
	}
	return out, nil
}
