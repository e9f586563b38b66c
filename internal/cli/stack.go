package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/temperhq/temper/activities/commitlog"
	deployacts "github.com/temperhq/temper/activities/deploy"
	"github.com/temperhq/temper/activities/integration"
	"github.com/temperhq/temper/activities/projection"
	"github.com/temperhq/temper/activities/wasm"
	"github.com/temperhq/temper/activities/wasm/secrets"
	"github.com/temperhq/temper/api"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/dev/apps"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// hooks runs several after-commit hooks in order.
type hooks []entity.Hook

func (h hooks) AfterCommit(ctx context.Context, c entity.Commit) error {
	var errs []error
	for _, x := range h {
		errs = append(errs, x.AfterCommit(ctx, c))
	}
	return errors.Join(errs...)
}

// commitHook is the worker's after-commit hook: the projection and
// transition when a store is open, and a log line per commit.
func commitHook(st store.Store, log *slog.Logger) entity.Hook {
	h := hooks{&commitlog.Hook{Log: log}}
	if st != nil {
		h = append(hooks{&projection.Hook{Store: st}}, h...)
	}
	return h
}

// gatewayApps activates the registry's bundled apps and the given bundle
// directories in a gateway app registry and lays out their entity sets in
// the store.
func gatewayApps(ctx context.Context, reg *specengine.Registry, dirs []string, st store.Store) (*api.Apps, error) {
	out := api.NewApps()
	names := apps.Names()
	for _, d := range dirs {
		names = append(names, appName(d))
	}
	for _, n := range names {
		files, _ := appFiles(dirs, n)
		b, ok := appBundle(reg, dirs, n)
		if !ok {
			return nil, fmt.Errorf("app %s: no loaded bundle", n)
		}
		out.ActivateFiles(n, b, files)
		for _, t := range b.TableList {
			if err := st.EnsureSet(ctx, store.SetSchema{App: n, Set: t.EntitySet, EntityType: t.Entity, Schema: api.Schema(b, t)}); err != nil {
				return nil, fmt.Errorf("lay out %s/%s: %w", n, t.EntitySet, err)
			}
		}
	}
	return out, nil
}

// serveHTTP serves h on addr until ctx ends; it returns the bound address
// through ready.
func serveHTTP(ctx context.Context, addr string, h http.Handler, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("gateway: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ready(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	case err := <-errc:
		return fmt.Errorf("gateway: %w", err)
	}
}

// gatewaySecurity builds the gateway's authentication, Cedar engine (with
// every active app's bundle policies loaded) and trajectory recorder.
// insecureHeader trusts X-Temper-Principal from loopback (dev only).
func gatewaySecurity(ctx context.Context, st store.Store, reg *api.Apps, insecureHeader bool, platform string, log *slog.Logger) (api.Security, error) {
	eng := authz.New(st)
	if platform != "" {
		if err := eng.SetPlatform([]byte(platform)); err != nil {
			return api.Security{}, err
		}
	}
	for _, n := range reg.Names() {
		b, _ := reg.Get(n)
		if err := eng.Load(ctx, n, b.Policies); err != nil {
			return api.Security{}, err
		}
	}
	return api.Security{
		Auth:       &identity.Authenticator{Store: st, InsecureHeader: insecureHeader},
		Authz:      eng,
		Governance: st,
		Recorder:   api.NewRecorder(st, log),
	}, nil
}

// storeFallback finds spec versions deployed through any gateway: the
// worker's registry asks it for a version it does not hold.
func storeFallback(st store.Store, log *slog.Logger) func(string) (*specengine.Bundle, bool) {
	return func(version string) (*specengine.Bundle, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		avs, err := st.ActiveVersions(ctx)
		if err != nil {
			log.Warn("look up a spec version", "version", version, "error", err)
			return nil, false
		}
		for _, av := range avs {
			sv, err := st.SpecVersion(ctx, av.App, version)
			if err != nil {
				continue
			}
			b, err := specengine.Load(sv.Files)
			if err != nil {
				log.Error("a stored spec version does not load", "app", av.App, "version", version, "error", err)
				return nil, false
			}
			return b, true
		}
		return nil, false
	}
}

// deployActivities are the worker's steps of the deploy pipeline.
func deployActivities(st store.Store, reg *specengine.Registry) *deployacts.Activities {
	return &deployacts.Activities{Store: st, Registry: reg, Schema: api.Schema}
}

// integrationRunner is the worker's integration activity: the WASM
// runtime (compiled modules cached under cacheDir), the app's secrets
// (sealed with the key from TEMPER_SECRETS_KEY or keyFile, created there
// when create is set), and TEMPER_WASM_ALLOW_PRIVATE (comma-separated
// prefixes modules may reach besides public addresses).
func integrationRunner(ctx context.Context, st store.Store, reg *specengine.Registry, cacheDir, keyFile string, create bool, log *slog.Logger) (*integration.Runner, *secrets.Vault, error) {
	rt, err := wasm.New(ctx, wasm.Config{CacheDir: cacheDir, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	vault, err := openVault(st, keyFile, create)
	if err != nil {
		return nil, nil, err
	}
	var allow []netip.Prefix
	if v := os.Getenv("TEMPER_WASM_ALLOW_PRIVATE"); v != "" {
		for _, p := range strings.Split(v, ",") {
			pre, err := netip.ParsePrefix(strings.TrimSpace(p))
			if err != nil {
				return nil, nil, fmt.Errorf("TEMPER_WASM_ALLOW_PRIVATE: %w", err)
			}
			allow = append(allow, pre)
		}
	}
	r := &integration.Runner{Runtime: rt, Store: st, Bundles: reg, AllowPrivate: allow, Logger: log, NewID: uuid.NewString}
	if vault != nil {
		r.Secrets = func(app string) wasm.Secrets { return vault.For(app) }
	}
	return r, vault, nil
}

// openVault reads the secrets key (TEMPER_SECRETS_KEY, else keyFile; a
// missing file is created with a new key when create is set); without a
// key there is no vault and secrets cannot be set.
func openVault(st store.Store, keyFile string, create bool) (*secrets.Vault, error) {
	var key []byte
	var err error
	switch {
	case os.Getenv("TEMPER_SECRETS_KEY") != "":
		key, err = secrets.ParseKey(os.Getenv("TEMPER_SECRETS_KEY"))
	case keyFile != "":
		key, err = secrets.LoadKeyFile(keyFile)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err = os.MkdirAll(filepath.Dir(keyFile), 0o700); err == nil {
				err = os.WriteFile(keyFile, []byte(secrets.NewKey()+"\n"), 0o600)
			}
			if err == nil {
				key, err = secrets.LoadKeyFile(keyFile)
			}
		}
	default:
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	return secrets.NewVault(key, &integration.SecretStore{Store: st})
}
