package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/temperhq/temper/activities/gate"
	"github.com/temperhq/temper/activities/reaction"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/entity"
)

type workerCmd struct{}

func (*workerCmd) name() string { return "worker" }
func (*workerCmd) synopsis() string {
	return "worker --temporal HOST:PORT: run entity workflows against any Temporal server"
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (*workerCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("worker", stderr, "worker [--temporal HOST:PORT] [--namespace NS] [--task-queue Q] [--store DSN] [--bundle DIR]...")
	addr := fset.String("temporal", "127.0.0.1:7233", "Temporal frontend address")
	ns := fset.String("namespace", "default", "Temporal namespace")
	queue := fset.String("task-queue", worker.DefaultTaskQueue, "task queue of entity workflows")
	storeDSN := fset.String("store", "", "write projections and transitions to this store (a SQLite path or postgres://...); empty: log commits only")
	var bundles stringList
	fset.Var(&bundles, "bundle", "a bundle directory whose specs the worker serves (repeatable); the bundled example apps are always served")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var st store.Store
	if *storeDSN != "" {
		var err error
		if st, err = store.Open(ctx, *storeDSN); err != nil {
			return fmt.Errorf("open store: %w", err)
		}
		defer st.Close()
	}
	reg, err := registry(bundles)
	if err != nil {
		return err
	}
	opts, err := worker.OptionsFromEnv(worker.Options{TaskQueue: *queue}, nil)
	if err != nil {
		return err
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: *addr, Namespace: *ns, Logger: sdklog.NewStructuredLogger(log)})
	if err != nil {
		return fmt.Errorf("dial temporal at %s: %w", *addr, err)
	}
	defer c.Close()
	if st != nil {
		reg.Fallback = storeFallback(st, log)
		g := &gate.Gate{Bundles: reg, Store: st}
		opts.Gate = g
		opts.Deploy = deployActivities(st, reg)
		opts.Reactor = &reaction.Reactor{Entities: &entity.Client{Temporal: c, TaskQueue: opts.TaskQueue}, Gate: g}
		runner, _, err := integrationRunner(ctx, st, reg, filepath.Join(dataDir(*storeDSN), "wasm-cache"), existing(filepath.Join(dataDir(*storeDSN), "secrets.key")), false, log)
		if err != nil {
			return err
		}
		opts.Integrations = runner
	} else {
		log.Warn("no --store: internal dispatches (timers) are refused, since no policies can authorize them")
	}
	w := worker.New(c, reg, commitHook(st, log), opts)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	defer w.Stop()
	fmt.Fprintf(stdout, "worker: namespace %s, task queue %s, temporal %s\n", *ns, opts.TaskQueue, *addr)
	<-ctx.Done()
	return nil
}

// appName is the app a --bundle directory serves: its base name.
func appName(dir string) string { return filepath.Base(filepath.Clean(dir)) }

// appBundle finds the bundle an app name refers to: a bundled app by name,
// or a --bundle directory by base name.
func appBundle(reg *specengine.Registry, dirs []string, app string) (*specengine.Bundle, bool) {
	files, ok := appFiles(dirs, app)
	if !ok {
		return nil, false
	}
	return reg.Bundle(specengine.Hash(files))
}

// appFiles reads the files of a bundled app or a --bundle directory.
func appFiles(dirs []string, app string) (map[string][]byte, bool) {
	for _, d := range dirs {
		if appName(d) == app {
			f, err := ReadBundle(d)
			return f, err == nil
		}
	}
	f, err := apps.Files(app)
	return f, err == nil
}

// registry loads the bundled example apps and the given bundle directories.
func registry(dirs []string) (*specengine.Registry, error) {
	reg := specengine.NewRegistry()
	for _, n := range apps.Names() {
		files, err := apps.Files(n)
		if err != nil {
			return nil, err
		}
		b, err := specengine.Load(files)
		if err != nil {
			return nil, fmt.Errorf("bundled app %s: %w", n, err)
		}
		reg.Add(b)
	}
	for _, d := range dirs {
		files, err := ReadBundle(d)
		if err != nil {
			return nil, err
		}
		b, err := specengine.Load(files)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("bundle %s does not load", d), err)
		}
		reg.Add(b)
	}
	return reg, nil
}

// appNames lists the apps a registry serves, bundled first.
func appNames(reg *specengine.Registry) []string {
	var out []string
	for _, n := range apps.Names() {
		files, err := apps.Files(n)
		if err != nil {
			continue
		}
		if _, ok := reg.Bundle(specengine.Hash(files)); ok {
			out = append(out, n)
		}
	}
	return out
}

// existing is path if a file is there, else "".
func existing(path string) string {
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}
