package worker

import (
	"fmt"
	"os"
	"strconv"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	deployacts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/activities/integration"
	"github.com/temperhq/temper/activities/reaction"
	"github.com/temperhq/temper/workflows/deploy"
	"github.com/temperhq/temper/workflows/entity"
)

// DefaultTaskQueue is the task queue entity workflows run on.
const DefaultTaskQueue = "temper-entities"

// Options configure a worker; zero values take defaults.
type Options struct {
	TaskQueue string
	// MaxConcurrentWorkflowTasks and MaxConcurrentActivities bound the
	// worker's slots (0: the SDK's defaults).
	MaxConcurrentWorkflowTasks int
	MaxConcurrentActivities    int
	Entity                     entity.Options
	// Gate authorizes internal dispatches (timers); without one they are
	// refused.
	Gate entity.Gate
	// Deploy, when set, makes the worker run the deploy pipeline too.
	Deploy *deployacts.Activities
	// Reactor delivers entity triggers; without one they are not
	// delivered (each attempt fails and is logged).
	Reactor *reaction.Reactor
	// Integrations runs integration modules; without it integrations
	// wait for a worker that has it.
	Integrations *integration.Runner
}

// OptionsFromEnv reads TEMPER_TASK_QUEUE, TEMPER_MAX_WORKFLOW_TASKS and
// TEMPER_MAX_ACTIVITIES over base; lookup is os.LookupEnv in production and
// a map in tests.
func OptionsFromEnv(base Options, lookup func(string) (string, bool)) (Options, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if v, ok := lookup("TEMPER_TASK_QUEUE"); ok && v != "" {
		base.TaskQueue = v
	}
	for _, kv := range []struct {
		name string
		dst  *int
	}{{"TEMPER_MAX_WORKFLOW_TASKS", &base.MaxConcurrentWorkflowTasks}, {"TEMPER_MAX_ACTIVITIES", &base.MaxConcurrentActivities}} {
		if v, ok := lookup(kv.name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return base, fmt.Errorf("%s=%q: want a non-negative integer", kv.name, v)
			}
			*kv.dst = n
		}
	}
	return base, nil
}

// New builds a worker that runs entity workflows with the given specs and
// after-commit hook. It only wires; the caller runs it.
func New(c client.Client, specs entity.Specs, hook entity.Hook, opts Options) sdkworker.Worker {
	if opts.TaskQueue == "" {
		opts.TaskQueue = DefaultTaskQueue
	}
	w := sdkworker.New(c, opts.TaskQueue, sdkworker.Options{
		MaxConcurrentWorkflowTaskExecutionSize: opts.MaxConcurrentWorkflowTasks,
		MaxConcurrentActivityExecutionSize:     opts.MaxConcurrentActivities,
	})
	Register(w, specs, hook, opts.Gate, opts.Entity)
	if opts.Deploy != nil {
		RegisterDeploy(w, opts.Deploy)
	}
	if opts.Reactor != nil {
		w.RegisterActivityWithOptions(opts.Reactor.React, activity.RegisterOptions{Name: entity.ReactActivity})
	}
	if opts.Integrations != nil {
		w.RegisterActivityWithOptions(opts.Integrations.Run, activity.RegisterOptions{Name: entity.IntegrationActivity})
	}
	return w
}

// Registrar is what Register needs of a worker or a replayer.
type Registrar interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register registers the entity workflow (and the hook and gate
// activities when the registrar runs activities); replayers use it too,
// so replay registers exactly what production runs.
func Register(r Registrar, specs entity.Specs, hook entity.Hook, gate entity.Gate, opts entity.Options) {
	wf := &entity.Workflows{Specs: specs, Hook: hook, Gate: gate, Opts: opts}
	r.RegisterWorkflowWithOptions(wf.Entity, workflow.RegisterOptions{Name: entity.WorkflowName})
	ar, ok := r.(interface {
		RegisterActivityWithOptions(a any, options activity.RegisterOptions)
	})
	if !ok {
		return
	}
	if hook != nil {
		ar.RegisterActivityWithOptions(hook.AfterCommit, activity.RegisterOptions{Name: entity.CommitActivity})
	}
	if gate != nil {
		ar.RegisterActivityWithOptions(gate.AuthorizeDispatch, activity.RegisterOptions{Name: entity.GateActivity})
	}
}

// ActivityRegistrar is what RegisterDeploy needs of a worker.
type ActivityRegistrar interface {
	Registrar
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

// RegisterDeploy registers the deploy workflow and its steps (a nil a
// registers the workflow alone, for replayers).
func RegisterDeploy(r Registrar, a *deployacts.Activities) {
	r.RegisterWorkflowWithOptions(deploy.Deploy, workflow.RegisterOptions{Name: deploy.WorkflowName})
	ar, ok := r.(ActivityRegistrar)
	if !ok || a == nil {
		return
	}
	for name, fn := range map[string]any{
		deployacts.ParseActivity: a.Parse, deployacts.VerifyActivity: a.Verify, deployacts.StrandActivity: a.Strand,
		deployacts.ShadowActivity: a.Shadow, deployacts.ActivateActivity: a.Activate, deployacts.RecordActivity: a.Record,
	} {
		ar.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}
