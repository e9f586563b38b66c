package authz

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// Operations that are not spec actions. A spec action is authorized under
// its own name (Action::"Index").
const (
	ActRead            = "read"
	ActList            = "list"
	ActCreate          = "create"
	ActUpdate          = "update"
	ActDelete          = "delete"
	ActSubmitSpecs     = "submit_specs"
	ActVerifySpecs     = "verify_specs"
	ActReadSpecs       = "read_specs"
	ActReadDecisions   = "read_decisions"
	ActPollDecision    = "poll_decision"
	ActApproveDecision = "approve_decision"
	ActDenyDecision    = "deny_decision"
	ActReadPolicies    = "read_policies"
	ActWritePolicy     = "write_policy"
	ActManageAgents    = "manage_agents"
	ActReadTrajectory  = "read_trajectories"
	ActUploadModule    = "upload_module"
	ActWriteSecret     = "write_secret"
	ActReadSecrets     = "read_secrets"
	ActHTTPCall        = "http_call"
)

// Governance resources (Cedar entity types for non-entity resources).
const (
	TypeApp      = "App"
	TypeDecision = "Decision"
	TypePolicies = "PolicySet"
	TypeAgents   = "Agents"
)

// SystemPolicies are part of every app's set and cannot be removed: admins
// may do everything; agents may never approve, deny or write policies,
// manage principals, or set or list secrets (a forbid, so no approval can
// lift it); an agent may
// poll its own decisions and read its own trajectories.
const SystemPolicies = `@id("system:admins")
permit (principal is Admin, action, resource);

@id("system:agents-never-govern")
forbid (
  principal is Agent,
  action in [Action::"approve_decision", Action::"deny_decision", Action::"write_policy", Action::"manage_agents", Action::"write_secret", Action::"read_secrets"],
  resource
);

@id("system:agents-read-own-records")
permit (
  principal is Agent,
  action in [Action::"poll_decision", Action::"read_trajectories"],
  resource
)
when { resource has principal && resource.principal == principal };
`

// DefaultAppPolicies govern an app whose bundle brings no *.cedar file:
// an agent may create entities and list the sets, and read and act on
// the entities it created, and the spec's own timers, reactions and
// integration callbacks run;
// everything else waits for an approval.
const DefaultAppPolicies = `@id("default:agents-create-and-list")
permit (principal is Agent, action in [Action::"create", Action::"list"], resource);

@id("default:agents-own-entities")
permit (principal is Agent, action, resource)
when { resource has creator && resource.creator == principal };

@id("default:system-dispatch")
permit (principal is Service, action, resource)
when { principal == Service::"timer" || principal == Service::"reaction" || principal == Service::"integration" }
unless { action == Action::"http_call" };
`

// DevPlatformPolicies are temper dev's platform policies (part of every
// app's set there): an agent may submit and verify specs for an app that
// does not exist yet or that it owns (submitted first), and upload its
// modules.
const DevPlatformPolicies = `@id("platform:agents-submit-own-apps")
permit (
  principal is Agent,
  action in [Action::"submit_specs", Action::"verify_specs", Action::"read_specs", Action::"upload_module"],
  resource is App
)
when { !(resource has owner) || resource.owner == principal };
`

// Resource is what a request acts on.
type Resource struct {
	// Type is the Cedar entity type: an entity type of the app
	// (Knowledge) or a governance type (App, Decision, ...).
	Type string
	// ID is the entity's key; "" for a type-level request.
	ID string
	// Status and Fields become attributes (status, and one per field);
	// Creator, when set, the creator attribute (a principal UID).
	Status  string
	Fields  map[string]any
	Creator string
}

// Request is one authorization question.
type Request struct {
	App       string
	Principal identity.Principal
	Action    string
	Resource  Resource
	// Context facts (strings, numbers, booleans).
	Context map[string]any
}

// Decision values.
const (
	Allow  = "allow"
	Deny   = "deny"   // no permit applied: a human may approve
	Forbid = "forbid" // a forbid applied: final
)

// Result is the answer with the policies that decided it.
type Result struct {
	Decision string
	// Policies are the ids of the policies that decided (the permits for
	// an allow, the forbids for a forbid; none for a deny).
	Policies []string
	// Errors are policies that failed to evaluate (they are skipped, as
	// Cedar specifies).
	Errors []string
}

// Allowed reports an allow.
func (r Result) Allowed() bool { return r.Decision == Allow }

// PolicyStore is what the Engine reads of stored policies.
type PolicyStore interface {
	Policies(ctx context.Context, app string) ([]store.Policy, error)
}

// Engine holds one immutable policy set per app.
type Engine struct {
	store PolicyStore
	mu    sync.Mutex // serialises reloads
	sets  atomic.Pointer[map[string]*policySet]
	// bundles keeps each app's bundle policies for reloads.
	bundles map[string]map[string][]byte
	// platform is Cedar text in every app's set; base the set of an app
	// that was never loaded (system and platform policies).
	platform []byte
	base     atomic.Pointer[policySet]
}

type policySet struct {
	ps *cedar.PolicySet
	// ids lists the policies in a fixed order (the set is a map).
	ids []cedar.PolicyID
}

func newPolicySet(ps *cedar.PolicySet) *policySet {
	s := &policySet{ps: ps}
	for id := range ps.All() {
		s.ids = append(s.ids, id)
	}
	slices.Sort(s.ids)
	return s
}

// New returns an engine reading stored policies from st. Apps without a
// loaded set get the system policies alone.
func New(st PolicyStore) *Engine {
	e := &Engine{store: st, bundles: map[string]map[string][]byte{}}
	empty := map[string]*policySet{}
	e.sets.Store(&empty)
	e.base.Store(system)
	return e
}

// SetPlatform sets policies that are part of every app's set (temper dev
// uses DevPlatformPolicies); call it before loading apps.
func (e *Engine) SetPlatform(text []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	ps := cedar.NewPolicySet()
	for _, src := range []struct {
		name string
		text []byte
	}{{"system", []byte(SystemPolicies)}, {"platform", text}} {
		l, err := parse(src.name, src.text)
		if err != nil {
			return fmt.Errorf("platform policies: %w", err)
		}
		if err := addAll(ps, src.name, l); err != nil {
			return err
		}
	}
	e.platform = text
	e.base.Store(newPolicySet(ps))
	return nil
}

// addAll adds policies under their @id, or source#index.
func addAll(ps *cedar.PolicySet, source string, l cedar.PolicyList) error {
	for i, p := range l {
		id := cedar.PolicyID(fmt.Sprintf("%s#%d", source, i))
		if v, ok := p.Annotations()["id"]; ok && v != "" {
			id = cedar.PolicyID(v)
		}
		if !ps.Add(id, p) {
			return fmt.Errorf("policy id %q is used twice (%s)", id, source)
		}
	}
	return nil
}

// Load builds app's set from the system policies, bundle (file name ->
// Cedar text; nil keeps the bundle of the last Load) and the stored
// policies, and swaps it in.
func (e *Engine) Load(ctx context.Context, app string, bundle map[string][]byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if bundle != nil {
		e.bundles[app] = maps.Clone(bundle)
	}
	ps, err := e.build(ctx, app, e.bundles[app])
	if err != nil {
		return err
	}
	next := maps.Clone(*e.sets.Load())
	next[app] = ps
	e.sets.Store(&next)
	return nil
}

// Reload rebuilds app's set after its stored policies changed.
func (e *Engine) Reload(ctx context.Context, app string) error { return e.Load(ctx, app, nil) }

// Check parses Cedar policy text as it would be loaded, for validation
// before it is stored: file:line:column errors.
func Check(name string, text []byte) (int, error) {
	l, err := parse(name, text)
	return len(l), err
}

// parse reads Cedar policies, with errors positioned as name:line:column
// (cedar-go reports its positions in "<input>").
func parse(name string, text []byte) (cedar.PolicyList, error) {
	l, err := cedar.NewPolicyListFromBytes(name, text)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), "<input>", name)
		msg = strings.TrimPrefix(msg, "parser error: ")
		return nil, errors.New(msg)
	}
	return l, nil
}

func (e *Engine) build(ctx context.Context, app string, bundle map[string][]byte) (*policySet, error) {
	ps := cedar.NewPolicySet()
	add := func(source string, text []byte) error {
		l, err := parse(source, text)
		if err != nil {
			return fmt.Errorf("policies of %s: %w", app, err)
		}
		if err := addAll(ps, source, l); err != nil {
			return fmt.Errorf("policies of %s: %w", app, err)
		}
		return nil
	}
	if err := add("system", []byte(SystemPolicies)); err != nil {
		return nil, err
	}
	if len(e.platform) > 0 {
		if err := add("platform", e.platform); err != nil {
			return nil, err
		}
	}
	if len(bundle) == 0 {
		bundle = map[string][]byte{"default": []byte(DefaultAppPolicies)}
	}
	for _, name := range slices.Sorted(maps.Keys(bundle)) {
		if err := add(name, bundle[name]); err != nil {
			return nil, err
		}
	}
	stored, err := e.store.Policies(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("policies of %s: %w", app, err)
	}
	for _, p := range stored {
		if err := add("stored:"+p.ID, []byte(p.Text)); err != nil {
			return nil, err
		}
	}
	return newPolicySet(ps), nil
}

func (e *Engine) set(app string) *policySet {
	if ps, ok := (*e.sets.Load())[app]; ok {
		return ps
	}
	return nil
}

// system is the set of an app that was never loaded.
var system = func() *policySet {
	ps, err := cedar.NewPolicySetFromBytes("system", []byte(SystemPolicies))
	if err != nil {
		panic(err)
	}
	return newPolicySet(ps)
}()

func (e *Engine) policies(app string) *policySet {
	if s := e.set(app); s != nil {
		return s
	}
	return e.base.Load()
}

// Loaded reports whether app has a loaded set.
func (e *Engine) Loaded(app string) bool { return e.set(app) != nil }

// Authorize answers a request.
func (e *Engine) Authorize(req Request) Result {
	entities, cr := request(req)
	dec, diag := cedar.Authorize(e.policies(req.App).ps, entities, cr)
	res := Result{Decision: Deny}
	for _, r := range diag.Reasons {
		res.Policies = append(res.Policies, string(r.PolicyID))
	}
	for _, er := range diag.Errors {
		res.Errors = append(res.Errors, er.String())
	}
	switch {
	case dec == cedar.Allow:
		res.Decision = Allow
	case len(diag.Reasons) > 0:
		res.Decision = Forbid
	}
	sort.Strings(res.Policies)
	return res
}

// PolicyText lists the app's effective policies as Cedar text, for
// inspection.
func (e *Engine) PolicyText(app string) string {
	var b strings.Builder
	s := e.policies(app)
	for _, id := range s.ids {
		fmt.Fprintf(&b, "// %s\n%s\n\n", id, s.ps.Get(id).MarshalCedar())
	}
	return b.String()
}

// UID is a Cedar entity UID.
func UID(typ, id string) types.EntityUID {
	return types.NewEntityUID(types.EntityType(typ), types.String(id))
}

func principalUID(p identity.Principal) types.EntityUID { return UID(p.Kind, p.ID) }

// request builds the Cedar request and the entities it names.
func request(req Request) (types.EntityMap, cedar.Request) {
	p := principalUID(req.Principal)
	pattrs := types.RecordMap{"id": types.String(req.Principal.ID)}
	if req.Principal.Type != "" {
		pattrs["type"] = types.String(req.Principal.Type)
	}
	if req.Principal.Role != "" {
		pattrs["role"] = types.String(req.Principal.Role)
	}
	r := UID(req.Resource.Type, req.Resource.ID)
	entities := types.EntityMap{
		p: {UID: p, Attributes: types.NewRecord(pattrs)},
		r: {UID: r, Attributes: types.NewRecord(resourceAttrs(req.Resource))},
	}
	return entities, cedar.Request{
		Principal: p,
		Action:    UID("Action", req.Action),
		Resource:  r,
		Context:   types.NewRecord(record(req.Context)),
	}
}

func resourceAttrs(r Resource) types.RecordMap {
	attrs := record(r.Fields)
	if r.Status != "" {
		attrs["status"] = types.String(r.Status)
	}
	if r.Creator != "" {
		if c, err := identity.Parse(r.Creator); err == nil {
			attrs["creator"] = principalUID(c)
		}
	}
	return attrs
}

func record(m map[string]any) types.RecordMap {
	out := types.RecordMap{}
	for k, v := range m {
		if cv, ok := value(v); ok {
			out[types.String(k)] = cv
		}
	}
	return out
}

// value converts a JSON value; null and values Cedar cannot hold
// (fractional numbers) are left out, so `has` is false for them.
func value(v any) (types.Value, bool) {
	switch x := v.(type) {
	case string:
		return types.String(x), true
	case bool:
		return types.Boolean(x), true
	case int:
		return types.Long(x), true
	case int64:
		return types.Long(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return types.Long(int64(x)), true
		}
	case []any:
		vals := make([]types.Value, 0, len(x))
		for _, e := range x {
			if cv, ok := value(e); ok {
				vals = append(vals, cv)
			}
		}
		return types.NewSet(vals...), true
	case []string:
		vals := make([]types.Value, len(x))
		for i, e := range x {
			vals[i] = types.String(e)
		}
		return types.NewSet(vals...), true
	case map[string]any:
		return types.NewRecord(record(x)), true
	case identity.Principal:
		return principalUID(x), true
	}
	return nil, false
}
