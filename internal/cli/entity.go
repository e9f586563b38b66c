package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.temporal.io/sdk/client"

	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

type entityCmd struct{}

func (*entityCmd) name() string { return "entity" }
func (*entityCmd) synopsis() string {
	return "entity create|act|get|signal APP SET KEY ...: drive entity workflows directly through Temporal"
}

const entityUsage = `entity [--temporal HOST:PORT] [--namespace NS] [--bundle DIR]... <verb> APP SET KEY [args]
  create APP SET KEY [BODY-JSON] [--idempotency-key K]
  act    APP SET KEY ACTION [PARAMS-JSON] [--update-id ID]
  signal APP SET KEY ACTION [PARAMS-JSON]
  get    APP SET KEY
APP is a bundled app (tasks, knowledge) or the base name of a --bundle directory.`

func (*entityCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("entity", stderr, entityUsage)
	addr := fset.String("temporal", "127.0.0.1:7233", "Temporal frontend address")
	ns := fset.String("namespace", "default", "Temporal namespace")
	queue := fset.String("task-queue", worker.DefaultTaskQueue, "task queue of entity workflows")
	idem := fset.String("idempotency-key", "", "create: a retry with the same key returns the first result")
	updateID := fset.String("update-id", "", "act: the update id (a retry with the same id returns the first result)")
	var bundles stringList
	fset.Var(&bundles, "bundle", "a bundle directory (repeatable)")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	a := fset.Args()
	if len(a) < 4 {
		fset.Usage()
		return fmt.Errorf("%w: entity needs a verb, APP, SET and KEY", ErrUsage)
	}
	verb, ref := a[0], entity.Ref{App: a[1], EntitySet: a[2], Key: a[3]}
	rest := a[4:]
	reg, err := registry(bundles)
	if err != nil {
		return err
	}
	b, ok := appBundle(reg, bundles, ref.App)
	if !ok {
		return fmt.Errorf("%w: unknown app %q (bundled: tasks, knowledge; or pass --bundle DIR)", ErrUsage, ref.App)
	}
	var typ string
	for _, t := range b.TableList {
		if t.EntitySet == ref.EntitySet {
			typ = t.Entity
		}
	}
	if typ == "" {
		return fmt.Errorf("%w: app %s has no entity set %q", ErrUsage, ref.App, ref.EntitySet)
	}
	obj := func(i int) (map[string]any, error) {
		if len(rest) <= i {
			return nil, nil
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(rest[i]), &m); err != nil {
			return nil, fmt.Errorf("%w: %q is not a JSON object: %v", ErrUsage, rest[i], err)
		}
		return m, nil
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: *addr, Namespace: *ns})
	if err != nil {
		return fmt.Errorf("dial temporal at %s: %w", *addr, err)
	}
	defer c.Close()
	ec := &entity.Client{Temporal: c, TaskQueue: *queue}
	var e entity.Entity
	switch verb {
	case "create":
		body, err := obj(0)
		if err != nil {
			return err
		}
		e, err = ec.Create(ctx, entity.Start{Ref: ref, Entity: typ, Spec: b.Hash, Body: body, IdempotencyKey: *idem, Creator: "cli"})
		if err != nil {
			return err
		}
	case "act", "signal":
		if len(rest) < 1 {
			return fmt.Errorf("%w: %s needs an ACTION", ErrUsage, verb)
		}
		params, err := obj(1)
		if err != nil {
			return err
		}
		req := entity.Request{Action: rest[0], Params: params, Spec: b.Hash, Principal: "cli"}
		if verb == "signal" {
			if err := ec.Signal(ctx, ref, req); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "signalled")
			return nil
		}
		e, err = ec.Act(ctx, ref, *updateID, req)
		if err != nil {
			var re *entity.RejectedError
			if errors.As(err, &re) {
				return fmt.Errorf("rejected (%s %s): %s", re.Type, re.Outcome, re.Msg)
			}
			return err
		}
	case "get":
		if e, err = ec.Get(ctx, ref); err != nil {
			return err
		}
	default:
		fset.Usage()
		return fmt.Errorf("%w: unknown verb %q", ErrUsage, verb)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(e)
}
