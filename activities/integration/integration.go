package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/temperhq/temper/activities/wasm"
	"github.com/temperhq/temper/activities/wasm/abi"
	"github.com/temperhq/temper/authz"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/store"
	"github.com/temperhq/temper/workflows/entity"
)

// Store is what an integration needs of the store.
type Store interface {
	authz.PolicyStore
	Module(ctx context.Context, app, name string) (store.Module, error)
	OpenDecision(ctx context.Context, d store.Decision) (store.Decision, bool, error)
	AppendTrajectories(ctx context.Context, ts []store.Trajectory) error
}

// Bundles resolves spec versions (for the app's bundle policies).
type Bundles interface {
	Bundle(version string) (*specengine.Bundle, bool)
}

// Secrets gives a module its app's secrets (secrets.Vault.For).
type Secrets func(app string) wasm.Secrets

// Runner is the integration activity.
type Runner struct {
	Runtime *wasm.Runtime
	Store   Store
	Bundles Bundles
	Secrets Secrets
	// AllowPrivate lets modules reach these non-public prefixes (an
	// operator's choice for internal services, never a spec's).
	AllowPrivate []netip.Prefix
	Logger       *slog.Logger
	// NewID makes decision ids.
	NewID func() string
}

// Budget keys in an [[integration]]'s config; the rest of the config is
// the module's.
const budgetPrefix = "budget."

// Budget reads the budget a spec declares in its config (budget.timeout
// as a duration, budget.memory_pages, budget.max_output_bytes,
// budget.max_response_bytes, budget.max_host_calls), validated against
// the runtime's hard caps.
func Budget(config map[string]string) (wasm.Budget, map[string]any, error) {
	var b wasm.Budget
	rest := map[string]any{}
	for k, v := range config {
		name, ok := strings.CutPrefix(k, budgetPrefix)
		if !ok {
			rest[k] = v
			continue
		}
		var err error
		switch name {
		case "timeout":
			b.Timeout, err = time.ParseDuration(v)
		case "memory_pages":
			var n uint64
			n, err = strconv.ParseUint(v, 10, 32)
			b.MemoryPages = uint32(n)
		case "max_output_bytes":
			b.MaxOutputBytes, err = strconv.Atoi(v)
		case "max_response_bytes":
			b.MaxResponseBytes, err = strconv.Atoi(v)
		case "max_host_calls":
			b.MaxHostCalls, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown budget (budget.timeout, budget.memory_pages, budget.max_output_bytes, budget.max_response_bytes, budget.max_host_calls)")
		}
		if err != nil {
			return b, nil, fmt.Errorf("config %s = %q: %v", k, v, err)
		}
	}
	if err := b.Validate(); err != nil {
		return b, nil, err
	}
	return b.Resolve(), rest, nil
}

func fail(f entity.IntegrationFailure, retryable bool) error {
	if retryable {
		return temporal.NewApplicationErrorWithOptions(f.Message, "IntegrationRetry", temporal.ApplicationErrorOptions{Details: []any{f}})
	}
	return temporal.NewNonRetryableApplicationError(f.Message, entity.IntegrationErrorType, nil, f)
}

// Run runs the call's module.
func (r *Runner) Run(ctx context.Context, call entity.IntegrationCall) (entity.Values, error) {
	if call.Module == "" {
		return nil, fail(entity.IntegrationFailure{Kind: "error", Message: "the integration names no module"}, false)
	}
	m, err := r.Store.Module(ctx, call.Ref.App, call.Module)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fail(entity.IntegrationFailure{Kind: "error", Message: fmt.Sprintf("app %s has no module %q (upload it with PUT /api/apps/%s/modules/%s)", call.Ref.App, call.Module, call.Ref.App, call.Module)}, false)
	}
	if err != nil {
		return nil, err
	}
	budget, config, err := Budget(call.Config)
	if err != nil {
		return nil, fail(entity.IntegrationFailure{Kind: "budget", Message: err.Error()}, false)
	}
	if _, err := r.Runtime.Add(ctx, m.Bytes); err != nil {
		return nil, fail(entity.IntegrationFailure{Kind: "error", Message: "the module does not load: " + err.Error()}, false)
	}
	input, err := json.Marshal(abi.Input{App: call.Ref.App, EntityType: call.Entity, EntityID: call.Ref.Key,
		Integration: call.Integration, Fields: call.Fields, Config: config})
	if err != nil {
		return nil, err
	}
	az := &httpAuthorizer{r: r, call: call}
	var secrets wasm.Secrets
	if r.Secrets != nil {
		secrets = r.Secrets(call.Ref.App)
	}
	res, err := r.Runtime.Call(ctx, wasm.Call{Module: m.Hash, Input: input, Tenant: call.Ref.App, Budget: budget,
		Authorizer: az, Secrets: secrets, AllowPrivate: r.AllowPrivate, Logger: r.Logger})
	if f, ok := wasm.AsFailure(err); ok {
		return nil, fail(entity.IntegrationFailure{Kind: string(f.Kind), Message: f.Message, Status: f.Status, DecisionID: f.DecisionID}, f.Retryable())
	}
	if err != nil {
		return nil, err
	}
	var out entity.Values
	if len(res.Output) > 0 && string(res.Output) != "null" {
		if err := json.Unmarshal(res.Output, &out); err != nil {
			return nil, fail(entity.IntegrationFailure{Kind: "bad_output", Message: "the module's output is not a JSON object: " + err.Error()}, false)
		}
	}
	return out, nil
}

// httpAuthorizer asks Cedar for each request a module makes.
type httpAuthorizer struct {
	r    *Runner
	call entity.IntegrationCall
}

func (a *httpAuthorizer) AuthorizeHTTP(ctx context.Context, host, method, url string) (wasm.Decision, error) {
	app := a.call.Ref.App
	eng := authz.New(a.r.Store)
	var policies map[string][]byte
	if b, ok := a.r.Bundles.Bundle(a.call.Spec); ok {
		policies = b.Policies
	}
	if err := eng.Load(ctx, app, policies); err != nil {
		return wasm.Decision{}, err
	}
	p := identity.ServicePrincipal("integration")
	res := authz.Resource{Type: "HttpEndpoint", ID: host, Fields: map[string]any{"method": method}}
	out := eng.Authorize(authz.Request{App: app, Principal: p, Action: authz.ActHTTPCall, Resource: res,
		Context: map[string]any{"app": app, "integration": a.call.Integration, "module": a.call.Module, "method": method}})
	switch out.Decision {
	case authz.Allow:
		return wasm.Decision{Allowed: true}, nil
	case authz.Forbid:
		return wasm.Decision{Reason: "forbidden by policy " + strings.Join(out.Policies, ", ")}, nil
	}
	id := a.r.NewID()
	d, _, err := a.r.Store.OpenDecision(ctx, store.Decision{ID: id, App: app, Principal: p.String(), Action: authz.ActHTTPCall,
		ResourceType: res.Type, ResourceID: host, Status: store.DecisionPending, CreatedAt: time.Now().UTC(),
		Reason: fmt.Sprintf("no policy permits integration %s (module %s) to call %s", a.call.Integration, a.call.Module, host)})
	if err != nil {
		return wasm.Decision{}, err
	}
	_ = a.r.Store.AppendTrajectories(ctx, []store.Trajectory{{At: time.Now().UTC(), App: app, EntityType: "HttpEndpoint", EntityID: host,
		Action: authz.ActHTTPCall, Principal: p.String(), Outcome: store.OutcomeDenied, Authz: authz.Deny, DecisionID: d.ID,
		Error: "integration " + a.call.Integration + " may not call " + host}})
	return wasm.Decision{DecisionID: d.ID, Reason: "pending decision " + d.ID}, nil
}
