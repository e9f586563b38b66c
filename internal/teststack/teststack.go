package teststack

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	deployacts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/activities/gate"
	"github.com/temperhq/temper/activities/integration"
	"github.com/temperhq/temper/activities/projection"
	"github.com/temperhq/temper/activities/reaction"
	"github.com/temperhq/temper/activities/wasm"
	"github.com/temperhq/temper/activities/wasm/secrets"
	"github.com/temperhq/temper/api"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/internal/testtemporal"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/verification/report"
	"github.com/temperhq/temper/worker"
	"github.com/temperhq/temper/workflows/deploy"
	"github.com/temperhq/temper/workflows/entity"
)

// Options tune the stack; zero values take temper dev's defaults.
type Options struct {
	// PageSize is the gateway's server-driven page size.
	PageSize int
	// Apps are bundles served besides the bundled example apps, by app
	// name.
	Apps map[string]map[string][]byte
	// Verifier replaces the cascade's levels in deploys; StepTimeout
	// bounds each level.
	Verifier    func(context.Context, *specengine.Bundle, report.Level) (*report.Result, error)
	StepTimeout time.Duration
	// AllowPrivate lets integration modules reach these prefixes (test
	// servers on loopback); WasmCache keeps compiled modules.
	AllowPrivate []netip.Prefix
	WasmCache    string
	// TaskQueue defaults to "temper-test".
	TaskQueue string
}

// Stack is a running stack.
type Stack struct {
	URL   string
	Store store.Store
	Apps  *api.Apps
	// Admin is an admin's bearer token.
	Admin string
	// Sync is the gateway's sync of active versions and stored policies
	// (temper dev and serve run it every 2 s).
	Sync func(context.Context) error
}

var ids atomic.Int64

// New starts a stack; everything stops when the test ends.
func New(tb testing.TB, o Options) *Stack {
	tb.Helper()
	queue := o.TaskQueue
	if queue == "" {
		queue = "temper-test"
	}
	ts := testtemporal.New(tb)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(tb.TempDir(), "temper.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	reg := specengine.NewRegistry()
	appsReg := api.NewApps()
	all := map[string]map[string][]byte{}
	for _, n := range apps.Names() {
		files, err := apps.Files(n)
		if err != nil {
			tb.Fatal(err)
		}
		all[n] = files
	}
	for n, files := range o.Apps {
		all[n] = files
	}
	for n, files := range all {
		b, err := specengine.Load(files)
		if err != nil {
			tb.Fatal(err)
		}
		reg.Add(b)
		appsReg.ActivateFiles(n, b, files)
		for _, tab := range b.TableList {
			if err := st.EnsureSet(ctx, store.SetSchema{App: n, Set: tab.EntitySet, EntityType: tab.Entity, Schema: api.Schema(b, tab)}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	c := ts.GetDefaultClient()
	g := &gate.Gate{Bundles: reg, Store: st}
	rt, err := wasm.New(ctx, wasm.Config{CacheDir: o.WasmCache})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rt.Close(context.Background()) })
	vault, err := secrets.NewVault([]byte(strings.Repeat("k", 32)), &integration.SecretStore{Store: st})
	if err != nil {
		tb.Fatal(err)
	}
	runner := &integration.Runner{Runtime: rt, Store: st, Bundles: reg, AllowPrivate: o.AllowPrivate,
		NewID:   func() string { return fmt.Sprintf("id-%d-%d", time.Now().UnixNano(), ids.Add(1)) },
		Secrets: func(app string) wasm.Secrets { return vault.For(app) }}
	w := worker.New(c, reg, &projection.Hook{Store: st}, worker.Options{TaskQueue: queue, Gate: g,
		Deploy:       &deployacts.Activities{Store: st, Registry: reg, Schema: api.Schema, Verifier: o.Verifier},
		Reactor:      &reaction.Reactor{Entities: &entity.Client{Temporal: c, TaskQueue: queue}, Gate: g},
		Integrations: runner})
	if err := w.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(w.Stop)
	eng := authz.New(st)
	if err := eng.SetPlatform([]byte(authz.DevPlatformPolicies)); err != nil {
		tb.Fatal(err)
	}
	for _, n := range appsReg.Names() {
		b, _ := appsReg.Get(n)
		if err := eng.Load(ctx, n, b.Policies); err != nil {
			tb.Fatal(err)
		}
	}
	rec := api.NewRecorder(st, nil)
	sec := api.Security{Auth: &identity.Authenticator{Store: st}, Authz: eng, Governance: st, Recorder: rec}
	gw := api.New(api.Config{Security: sec, Apps: appsReg, Entities: &entity.Client{Temporal: c, TaskQueue: queue}, Store: st, PageSize: o.PageSize,
		Deploys:      &api.Deploys{Deployer: &deploy.Client{Temporal: c, TaskQueue: queue}, Specs: st, StepTimeout: o.StepTimeout},
		Integrations: &api.Integrations{Modules: st, Vault: vault}})
	srv := httptest.NewServer(gw.Handler())
	tb.Cleanup(rec.Close) // after the server closed: calls still running are recorded
	tb.Cleanup(srv.Close)
	s := &Stack{URL: srv.URL, Store: st, Apps: appsReg, Sync: gw.Sync}
	s.Admin = s.Issue(tb, identity.Admin, "test-admin")
	return s
}

// Issue creates a principal and returns its token.
func (s *Stack) Issue(tb testing.TB, kind, id string) string {
	tb.Helper()
	tok, err := identity.Issue(context.Background(), s.Store, identity.Principal{Kind: kind, ID: id}, "test", time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}
