package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/temperhq/temper/api"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/deploy"
	"github.com/temperhq/temper/workflows/entity"
)

type serveCmd struct{}

func (*serveCmd) name() string { return "serve" }
func (*serveCmd) synopsis() string {
	return "serve --temporal HOST:PORT --store DSN: the HTTP gateway against any Temporal server"
}

func (*serveCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("serve", stderr, "serve [--temporal HOST:PORT] [--namespace NS] [--task-queue Q] [--store DSN] [--http ADDR] [--bundle DIR]...")
	addr := fset.String("temporal", "127.0.0.1:7233", "Temporal frontend address")
	ns := fset.String("namespace", "default", "Temporal namespace")
	queue := fset.String("task-queue", worker.DefaultTaskQueue, "task queue of entity workflows")
	storeDSN := fset.String("store", store.DefaultPath, "the store the workers write: a SQLite path or postgres://...")
	httpAddr := fset.String("http", "127.0.0.1:8080", "gateway listen address")
	var bundles stringList
	fset.Var(&bundles, "bundle", "a bundle directory to serve as an app (repeatable); the bundled example apps are always served")
	if err := parseFlags(fset, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	reg, err := registry(bundles)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *storeDSN)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	appsReg, err := gatewayApps(ctx, reg, bundles, st)
	if err != nil {
		return err
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: *addr, Namespace: *ns, Logger: sdklog.NewStructuredLogger(log)})
	if err != nil {
		return fmt.Errorf("dial temporal at %s: %w", *addr, err)
	}
	defer c.Close()
	vault, err := openVault(st, existing(filepath.Join(dataDir(*storeDSN), "secrets.key")), false)
	if err != nil {
		return err
	}
	sec, err := gatewaySecurity(ctx, st, appsReg, false, "", log)
	if err != nil {
		return err
	}
	defer sec.Recorder.Close()
	gw := api.New(api.Config{Security: sec, Apps: appsReg, Entities: &entity.Client{Temporal: c, TaskQueue: *queue}, Store: st, Logger: log,
		Deploys:      &api.Deploys{Deployer: &deploy.Client{Temporal: c, TaskQueue: *queue}, Specs: st},
		Integrations: &api.Integrations{Modules: st, Vault: vault}})
	if err := gw.Sync(ctx); err != nil {
		log.Warn("load deployed apps", "error", err)
	}
	go gw.RunSync(ctx, 2*time.Second)
	return serveHTTP(ctx, *httpAddr, gw.Handler(), func(a string) {
		fmt.Fprintf(stdout, "gateway: http://%s/odata/<app>/ (apps %v), temporal %s, store %s\n", a, appsReg.Names(), *addr, *storeDSN)
	})
}
