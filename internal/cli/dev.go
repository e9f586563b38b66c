package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/temperhq/temper/activities/gate"
	"github.com/temperhq/temper/activities/reaction"
	"github.com/temperhq/temper/api"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/dev/devserver"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/deploy"
	"github.com/temperhq/temper/workflows/entity"
)

type devCmd struct{}

func (*devCmd) name() string { return "dev" }
func (*devCmd) synopsis() string {
	return "run the local stack in one process: embedded Temporal (SQLite), Web UI, worker, store, gateway"
}

func (*devCmd) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlags("dev", stderr, "dev "+serverFlagsUsage+" [--http ADDR] [--store DSN] [--bundle DIR]...")
	helped := false
	usage := fset.Usage
	fset.Usage = func() { helped = true; usage() }
	sf := addServerFlags(fset)
	httpAddr := fset.String("http", "127.0.0.1:8080", "gateway `address` (OData under /odata/<app>/; keep it on loopback in dev)")
	storeDSN := fset.String("store", store.DefaultPath, "the store: a SQLite `path` or postgres://...")
	insecure := fset.Bool("insecure-principal-header", false, "trust a principal named in the X-Temper-Principal header from loopback clients (local experiments only; bearer tokens are always accepted)")
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
	st, err := store.Open(ctx, *storeDSN)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer st.Close()
	appsReg, err := gatewayApps(ctx, reg, bundles, st)
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
	reg.Fallback = storeFallback(st, log)
	g := &gate.Gate{Bundles: reg, Store: st}
	runner, vault, err := integrationRunner(ctx, st, reg, filepath.Join(dataDir(*storeDSN), "wasm-cache"), filepath.Join(dataDir(*storeDSN), "secrets.key"), true, log)
	if err != nil {
		c.Close()
		return errors.Join(err, s.Stop())
	}
	w := worker.New(c, reg, commitHook(st, log), worker.Options{Gate: g, Deploy: deployActivities(st, reg),
		Reactor:      &reaction.Reactor{Entities: &entity.Client{Temporal: c, TaskQueue: worker.DefaultTaskQueue}, Gate: g},
		Integrations: runner})
	if err := w.Start(); err != nil {
		c.Close()
		return errors.Join(fmt.Errorf("start worker: %w", err), s.Stop())
	}
	sec, err := gatewaySecurity(ctx, st, appsReg, *insecure, authz.DevPlatformPolicies, log)
	if err != nil {
		w.Stop()
		c.Close()
		return errors.Join(err, s.Stop())
	}
	defer sec.Recorder.Close()
	tokensPath := devTokensPath(*storeDSN)
	tokens, err := devTokens(ctx, st, tokensPath)
	if err != nil {
		w.Stop()
		c.Close()
		return errors.Join(err, s.Stop())
	}
	gw := api.New(api.Config{Security: sec, Apps: appsReg, Entities: &entity.Client{Temporal: c, TaskQueue: worker.DefaultTaskQueue}, Store: st, Logger: log,
		Deploys:      &api.Deploys{Deployer: &deploy.Client{Temporal: c, TaskQueue: worker.DefaultTaskQueue}, Specs: st},
		Integrations: &api.Integrations{Modules: st, Vault: vault}})
	if err := gw.Sync(ctx); err != nil {
		log.Warn("load deployed apps", "error", err)
	}
	go gw.RunSync(ctx, 2*time.Second)
	herr := serveHTTP(ctx, *httpAddr, gw.Handler(), func(addr string) {
		printServer(stdout, s, opts)
		fmt.Fprintf(stdout, "Worker:           task queue %s, apps %v\n", worker.DefaultTaskQueue, appNames(reg))
		fmt.Fprintf(stdout, "Store:            %s\n", *storeDSN)
		fmt.Fprintf(stdout, "Gateway:          http://%s/odata/<app>/ (apps: %v)\n", addr, appsReg.Names())
		fmt.Fprintf(stdout, "Admin token:      %s   (%s; also in %s)\n", tokens.Admin, tokens.AdminUID, tokensPath)
		fmt.Fprintf(stdout, "Agent token:      %s   (%s)\n", tokens.Agent, tokens.AgentUID)
		fmt.Fprintf(stdout, "Try:              curl -X POST http://%s/odata/tasks/Tasks -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d '{\"title\": \"Review PR #42\", \"assignee\": \"agent-codereview\"}'\n", addr, tokens.Agent)
		fmt.Fprintf(stdout, "Decisions:        TEMPER_URL=http://%s TEMPER_TOKEN=%s temper decide --list\n", addr, tokens.Admin)
		fmt.Fprintf(stdout, "MCP:              http://%s/mcp (streamable HTTP, Authorization: Bearer <token>; stdio: temper mcp --url http://%s)\n", addr, addr)
		fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	})
	w.Stop()
	c.Close()
	return errors.Join(herr, s.Stop())
}
