package deploy

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	acts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification/report"
)

// WorkflowName is the registered name of Deploy; ProgressQuery its query.
const (
	WorkflowName  = "temper.Deploy"
	ProgressQuery = "progress"
)

// Kinds of deploys.
const (
	KindSubmit   = "submit"
	KindRollback = "rollback"
	KindImport   = "import"
)

// Input is one deploy.
type Input struct {
	ID   string `json:"id"`
	App  string `json:"app"`
	Kind string `json:"kind"`
	Mode string `json:"mode,omitempty"`
	// Files is the whole bundle to deploy (a merge is resolved by the
	// caller); Active the files of the version serving now, if any.
	Files  acts.Files `json:"files"`
	Active acts.Files `json:"active,omitempty"`
	// SkipVerify re-activates a version the running verifier already
	// verified (rollback); Report is then its stored report.
	SkipVerify bool           `json:"skip_verify,omitempty"`
	Report     *report.Report `json:"report,omitempty"`
	// Verifier names the verifier build (verification.Version).
	Verifier    string `json:"verifier"`
	SubmittedBy string `json:"submitted_by,omitempty"`
	ApprovedBy  string `json:"approved_by,omitempty"`
	// StepTimeout bounds each verification level (default 5 minutes);
	// Heartbeat is the heartbeat timeout (default 30 s).
	StepTimeout time.Duration `json:"step_timeout,omitempty"`
	Heartbeat   time.Duration `json:"heartbeat,omitempty"`
	// DryRun verifies without activating (temper verify --remote).
	DryRun bool `json:"dry_run,omitempty"`
}

// Step states.
const (
	StepRunning = "running"
	StepPassed  = "passed"
	StepFailed  = "failed"
	StepSkipped = "skipped"
)

// Step is one step's result.
type Step struct {
	Name     string        `json:"name"`
	Status   string        `json:"status"`
	Summary  string        `json:"summary,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Result is a verification level's result; Stranded and Shadow the
	// checks' findings.
	Result   *report.Result     `json:"result,omitempty"`
	Stranded []acts.Stranded    `json:"stranded,omitempty"`
	Shadow   *acts.ShadowReport `json:"shadow,omitempty"`
}

// Result is the deploy's state: complete once Status is not running.
type Result struct {
	ID      string `json:"id"`
	App     string `json:"app"`
	Version string `json:"version,omitempty"`
	Status  string `json:"status"`
	Steps   []Step `json:"steps"`
	// Report is the cascade's report (the levels that ran).
	Report *report.Report `json:"report,omitempty"`
	Error  string         `json:"error,omitempty"`
}

// Deploy runs the pipeline. It returns the result, failed or not; an
// error only when the workflow itself cannot go on.
func Deploy(ctx workflow.Context, in Input) (*Result, error) {
	res := &Result{ID: in.ID, App: in.App, Status: store.DeployRunning}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (*Result, error) { return res, nil }); err != nil {
		return nil, err
	}
	started := workflow.Now(ctx)
	quick := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 5},
	})
	record := func() {
		if in.DryRun {
			return // a verification, not a deploy: nothing to record
		}
		d := store.Deploy{ID: in.ID, App: in.App, Version: res.Version, Kind: in.Kind, Mode: in.Mode, Status: res.Status,
			Error: res.Error, SubmittedBy: in.SubmittedBy, ApprovedBy: in.ApprovedBy, CreatedAt: started}
		if len(res.Steps) > 0 {
			d.Step = res.Steps[len(res.Steps)-1].Name
		}
		rin := acts.RecordInput{Deploy: d}
		if res.Status != store.DeployRunning {
			now := workflow.Now(ctx)
			rin.Deploy.FinishedAt = &now
			rin.Result = res
		}
		if err := workflow.ExecuteActivity(quick, acts.RecordActivity, rin).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("deploy record not written", "deploy", in.ID, "error", err)
		}
	}
	record()
	fail := func(msg string) (*Result, error) {
		res.Status, res.Error = store.DeployFailed, msg
		record()
		return res, nil
	}
	// step runs one activity as a visible step.
	step := func(name string, opts workflow.ActivityOptions, activity string, arg, out any) (*Step, error) {
		res.Steps = append(res.Steps, Step{Name: name, Status: StepRunning})
		s := &res.Steps[len(res.Steps)-1]
		t0 := workflow.Now(ctx)
		err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, arg).Get(ctx, out)
		s = &res.Steps[len(res.Steps)-1]
		s.Duration = workflow.Now(ctx).Sub(t0)
		if err != nil {
			s.Status, s.Error = StepFailed, errorText(err)
			return s, err
		}
		s.Status = StepPassed
		return s, nil
	}

	var parsed acts.Parsed
	s, err := step("parse", workflow.ActivityOptions{StartToCloseTimeout: time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}},
		acts.ParseActivity, in.Files, &parsed)
	if err != nil {
		return fail("the bundle does not load: " + s.Error)
	}
	s.Summary = fmt.Sprintf("%s: %d entity types", parsed.Version, len(parsed.Entities))
	res.Version = parsed.Version

	rep := &report.Report{Bundle: parsed.Version, Passed: true}
	res.Report = rep
	levelOpts := workflow.ActivityOptions{
		StartToCloseTimeout: orDefault(in.StepTimeout, 5*time.Minute),
		HeartbeatTimeout:    orDefault(in.Heartbeat, 30*time.Second),
		// A worker that died mid-level is retried once; a level that
		// times out twice fails the deploy.
		RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 2},
	}
	if in.SkipVerify {
		if in.Report != nil {
			*rep = *in.Report
		}
		res.Steps = append(res.Steps, Step{Name: "verify", Status: StepSkipped, Summary: "verified before by " + in.Verifier})
	} else {
		for _, level := range []report.Level{report.L0, report.L1, report.L2, report.L3, report.Cross} {
			var r *report.Result
			s, err := step(string(level), levelOpts, acts.VerifyActivity, acts.LevelInput{Files: in.Files, Level: level}, &r)
			if err != nil {
				rep.Passed = false
				return fail(fmt.Sprintf("%s did not complete: %s", level.Title(), s.Error))
			}
			s.Result, s.Summary = r, r.Summary
			rep.Levels = append(rep.Levels, r)
			rep.Duration += s.Duration
			if !r.Passed && r.Skipped == "" {
				s.Status = StepFailed
				rep.Passed = false
				return fail(fmt.Sprintf("%s failed: %s", level.Title(), r.Summary))
			}
		}
	}

	var stranded []acts.Stranded
	s, err = step("strand", workflow.ActivityOptions{StartToCloseTimeout: 2 * time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}},
		acts.StrandActivity, acts.StrandInput{App: in.App, Files: in.Files, Active: in.Active}, &stranded)
	if err != nil {
		return fail("stranding check: " + s.Error)
	}
	if len(stranded) > 0 {
		s.Status, s.Stranded = StepFailed, stranded
		var n int64
		for _, x := range stranded {
			n += x.Entities
		}
		s.Summary = fmt.Sprintf("%d live entities are in states the new version lacks", n)
		return fail(s.Summary)
	}
	s.Summary = "no live entity would be stranded"

	var shadow acts.ShadowReport
	s, err = step("shadow", workflow.ActivityOptions{StartToCloseTimeout: 2 * time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 3}},
		acts.ShadowActivity, acts.ShadowInput{App: in.App, Files: in.Files}, &shadow)
	if err != nil {
		return fail("shadow check: " + s.Error)
	}
	s.Shadow = &shadow
	s.Summary = fmt.Sprintf("replayed %d entities (%d transitions): %d would now be refused", shadow.Entities, shadow.Transitions, len(shadow.Rejected))

	if in.DryRun {
		res.Status = store.DeploySucceeded
		res.Steps = append(res.Steps, Step{Name: "activate", Status: StepSkipped, Summary: "verify only"})
		return res, nil
	}
	s, err = step("activate", workflow.ActivityOptions{StartToCloseTimeout: time.Minute, RetryPolicy: &temporal.RetryPolicy{MaximumAttempts: 5}},
		acts.ActivateActivity, acts.ActivateInput{App: in.App, Version: parsed.Version, Files: in.Files, Report: rep,
			SubmittedBy: in.SubmittedBy, ApprovedBy: in.ApprovedBy, Verifier: in.Verifier}, nil)
	if err != nil {
		return fail("activate: " + s.Error)
	}
	s.Summary = parsed.Version + " is active"
	res.Status = store.DeploySucceeded
	record()
	return res, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// errorText is an activity error's message without Temporal's wrapping.
func errorText(err error) string {
	if msg, ok := acts.IsBadBundle(err); ok {
		return msg
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		return "timed out (" + te.TimeoutType().String() + ")"
	}
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Message()
	}
	return err.Error()
}
