package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/temperhq/temper/activities/commitlog"
	"github.com/temperhq/temper/dev/devserver"
	"github.com/temperhq/temper/worker"
)

type devCmd struct{}

func (*devCmd) name() string { return "dev" }
func (*devCmd) synopsis() string {
	return "run the local stack in one process: embedded Temporal (SQLite), Web UI, worker"
}

func (*devCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("dev", stderr, "dev "+serverFlagsUsage+" [--bundle DIR]...")
	helped := false
	usage := fset.Usage
	fset.Usage = func() { helped = true; usage() }
	sf := addServerFlags(fset)
	var bundles stringList
	fset.Var(&bundles, "bundle", "a bundle directory whose specs the worker serves (repeatable); the bundled example apps are always served")
	if err := parseFlags(fset, args); err != nil || helped {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("%w: dev takes no arguments, got %q", ErrUsage, fset.Arg(0))
	}
	opts, err := sf.options(stderr)
	if err != nil {
		return err
	}
	reg, err := registry(bundles)
	if err != nil {
		return err
	}
	s, err := devserver.Start(ctx, opts)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	c, err := client.DialContext(ctx, client.Options{HostPort: s.FrontendAddr(), Namespace: s.Namespace(), Logger: sdklog.NewStructuredLogger(log)})
	if err != nil {
		return errors.Join(fmt.Errorf("dial the dev server: %w", err), s.Stop())
	}
	w := worker.New(c, reg, &commitlog.Hook{Log: log}, worker.Options{})
	if err := w.Start(); err != nil {
		c.Close()
		return errors.Join(fmt.Errorf("start worker: %w", err), s.Stop())
	}
	printServer(stdout, s, opts)
	fmt.Fprintf(stdout, "Worker:           task queue %s, apps %v\n", worker.DefaultTaskQueue, appNames(reg))
	fmt.Fprintf(stdout, "Try:              temper entity --temporal %s create tasks Tasks t1 '{\"title\": \"Review PR #42\", \"assignee\": \"agent-codereview\"}'\n", s.FrontendAddr())
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	<-ctx.Done()
	w.Stop()
	c.Close()
	return s.Stop()
}
