package mcp

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"

	"github.com/temperhq/temper/specengine"
)

// ErrCallLimit ends a script that made more temper calls than its budget.
var ErrCallLimit = errors.New("call limit")

// session is one script's connection to the gateway: its calls, its
// budget and what it learned about the apps' models.
type session struct {
	ctx      context.Context
	gw       *gateway
	maxCalls int
	calls    int
	// deadline bounds waits (poll_decision, submit_specs).
	deadline time.Time
	// models caches each app's $metadata for qualifying action names.
	models map[string]*edmx
}

// fn is the body of one temper function.
type fn func(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

// functions are the temper module's members. None approves, denies or
// writes policies: the governance API refuses agents those routes, and
// the module does not offer them to anyone.
var functions = map[string]fn{
	"agent_id":        agentID,
	"specs":           specs,
	"spec":            spec,
	"submit_specs":    submitSpecs,
	"create":          create,
	"get":             get,
	"list":            list,
	"action":          action,
	"patch":           patch,
	"delete":          del,
	"decisions":       decisions,
	"decision_status": decisionStatus,
	"poll_decision":   pollDecision,
	"trajectories":    trajectories,
}

// module builds the temper module for one script.
func (s *session) module() *starlarkstruct.Module {
	m := &starlarkstruct.Module{Name: "temper", Members: starlark.StringDict{}}
	for name, f := range functions {
		m.Members[name] = starlark.NewBuiltin("temper."+name, func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
			if s.calls >= s.maxCalls {
				return nil, fmt.Errorf("%w: a script may make at most %d temper calls", ErrCallLimit, s.maxCalls)
			}
			s.calls++
			return f(s, b.Name(), args, kwargs)
		})
	}
	m.Members["attempt"] = starlark.NewBuiltin("temper.attempt", attempt)
	return m
}

// attempt calls a temper function and returns its outcome as data, so a
// script can go on after an error answer: {"ok": True, "value": v} or
// {"ok": False, "error": {"status", "code", "message"}}. Budget errors and
// wrong arguments still end the script.
func attempt(thread *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%s: want a temper function, then its arguments", b.Name())
	}
	f, ok := args[0].(*starlark.Builtin)
	if !ok || !strings.HasPrefix(f.Name(), "temper.") || f.Name() == b.Name() {
		return nil, fmt.Errorf("%s: the first argument must be a temper function such as temper.get, not %s", b.Name(), args[0].Type())
	}
	v, err := starlark.Call(thread, f, args[1:], kwargs)
	var ae *APIError
	switch {
	case err == nil:
		return fromGoWith(map[string]any{"ok": true}, "value", v)
	case errors.As(err, &ae):
		return fromGo(map[string]any{"ok": false, "error": map[string]any{"status": ae.Status, "code": ae.Code, "message": ae.Message}})
	}
	return nil, err
}

// fromGoWith converts m and adds the Starlark value v under key.
func fromGoWith(m map[string]any, key string, v starlark.Value) (starlark.Value, error) {
	out, err := fromGo(m)
	if err != nil {
		return nil, err
	}
	return out, out.(*starlark.Dict).SetKey(starlark.String(key), v)
}

// request sends one call and converts its answer.
func (s *session) request(call, method, path string, body starlark.Value, headers ...string) (starlark.Value, error) {
	var b []byte
	if body != nil {
		var err error
		if b, err = toJSON(body); err != nil {
			return nil, fmt.Errorf("%s: %w", call, err)
		}
	}
	r, err := s.gw.do(s.ctx, method, path, b, headers...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", call, err)
	}
	return s.gw.result(s.ctx, call, r)
}

// raw sends one call and returns the answer undecoded when it succeeded.
func (s *session) raw(call, path string, accept string) (*response, starlark.Value, error) {
	r, err := s.gw.do(s.ctx, http.MethodGet, path, nil, "Accept", accept)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", call, err)
	}
	if r.status >= 300 {
		v, err := s.gw.result(s.ctx, call, r)
		return nil, v, err
	}
	return r, nil, nil
}

// remaining is the time left before the script's deadline, less a margin
// for the answer to reach the script.
func (s *session) remaining(margin time.Duration) time.Duration {
	return max(time.Until(s.deadline)-margin, 0)
}

func agentID(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(name, args, kwargs); err != nil {
		return nil, err
	}
	v, err := s.request(name, http.MethodGet, "/api/whoami", nil)
	if d, ok := v.(*starlark.Dict); ok && err == nil {
		if id, found, _ := d.Get(starlark.String("id")); found {
			return id, nil
		}
	}
	return v, err
}

// bundleFile is the part of an export the module reads.
type bundleFile struct {
	Version string            `json:"version"`
	Files   map[string][]byte `json:"files"`
}

// export reads an app's active bundle; v is set when the answer was a
// denial.
func (s *session) export(call, app string) (*bundleFile, starlark.Value, error) {
	r, v, err := s.raw(call, "/api/apps/"+pathEscape(app)+"/export", "application/json")
	if r == nil {
		return nil, v, err
	}
	var bf bundleFile
	if err := json.Unmarshal(r.body, &bf); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", call, err)
	}
	return &bf, nil, nil
}

func specs(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app string
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app); err != nil {
		return nil, err
	}
	r, v, err := s.raw(name, "/api/apps/"+pathEscape(app)+"/versions", "application/json")
	if r == nil {
		return v, err
	}
	var vs struct {
		Active string `json:"active"`
		Value  []struct {
			Version     string    `json:"version"`
			Verifier    string    `json:"verifier"`
			SubmittedBy string    `json:"submitted_by,omitempty"`
			ApprovedBy  string    `json:"approved_by,omitempty"`
			CreatedAt   time.Time `json:"created_at"`
		} `json:"value"`
	}
	if err := json.Unmarshal(r.body, &vs); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := map[string]any{"app": app, "active": nil, "versions": nonNil(vs.Value), "files": map[string]string{}}
	if vs.Active != "" {
		out["active"] = vs.Active
		bf, denial, err := s.export(name, app)
		if bf == nil {
			return denial, err
		}
		files := map[string]string{}
		for n, b := range bf.Files {
			files[n] = string(b)
		}
		out["files"] = files
	}
	return fromGo(out)
}

func spec(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, typ string
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "entity_type", &typ); err != nil {
		return nil, err
	}
	bf, denial, err := s.export(name, app)
	if bf == nil {
		return denial, err
	}
	b, err := specengine.Load(bf.Files)
	if err != nil {
		return nil, fmt.Errorf("%s: the active bundle of %s does not load: %w", name, app, err)
	}
	var names []string
	for _, t := range b.TableList {
		names = append(names, t.Entity)
		if t.Entity != typ && t.EntitySet != typ {
			continue
		}
		out := map[string]any{"app": app, "version": bf.Version, "entity_type": t.Entity, "entity_set": t.EntitySet,
			"namespace": t.Namespace, "states": t.States, "initial": t.States[t.Initial]}
		var terminal []string
		for i, term := range t.Terminal {
			if term {
				terminal = append(terminal, t.States[i])
			}
		}
		out["terminal"] = nonNil(terminal)
		var actions []map[string]any
		for _, a := range t.Actions {
			if a.Event {
				continue
			}
			var from, params []string
			for i, ok := range a.From {
				if ok {
					from = append(from, t.States[i])
				}
			}
			for _, p := range a.Params {
				params = append(params, p.Name)
			}
			to := any(nil)
			if a.To >= 0 {
				to = t.States[a.To]
			}
			actions = append(actions, map[string]any{"name": a.Name, "from": nonNil(from), "to": to, "params": nonNil(params), "hint": a.Hint})
		}
		out["actions"] = actions
		if t.Spec != nil {
			out["file"] = t.Spec.File
			out["text"] = string(bf.Files[t.Spec.File])
		}
		return fromGo(out)
	}
	return nil, &APIError{Call: name, Status: http.StatusNotFound, Code: "NotFound",
		Message: fmt.Sprintf("app %s has no entity type or set %q (it has %s)", app, typ, strings.Join(names, ", "))}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func submitSpecs(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app string
	var files *starlark.Dict
	var mode starlark.Value = starlark.None
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "files", &files, "mode?", &mode); err != nil {
		return nil, err
	}
	for _, item := range files.Items() {
		if _, ok := item[0].(starlark.String); !ok {
			return nil, fmt.Errorf("%s: files maps file names to their text; got a %s key", name, item[0].Type())
		}
		if _, ok := item[1].(starlark.String); !ok {
			return nil, fmt.Errorf("%s: the text of %s is a %s, want a string", name, item[0], item[1].Type())
		}
	}
	// Wait for the deploy while the script has time; a longer one answers
	// its status (running) and specs(app) shows how it ended.
	q := "?wait=" + strconv.FormatInt(s.remaining(2*time.Second).Milliseconds(), 10) + "ms"
	if m, ok := mode.(starlark.String); ok {
		q += "&mode=" + queryEscape(string(m))
	} else if mode != starlark.None {
		return nil, fmt.Errorf("%s: mode is \"merge\" or \"replace\", not %s", name, mode.Type())
	}
	return s.request(name, http.MethodPost, "/api/apps/"+pathEscape(app)+"/specs"+q, files)
}

// setPath is /odata/<app>/<set>.
func setPath(app, set string) string { return "/odata/" + pathEscape(app) + "/" + pathEscape(set) }

// entityPath is /odata/<app>/<set>(<key>).
func entityPath(call, app, set string, id starlark.Value) (string, error) {
	key, err := keyLiteral(id)
	if err != nil {
		return "", fmt.Errorf("%s: %w", call, err)
	}
	return setPath(app, set) + "(" + key + ")", nil
}

// keyLiteral writes an entity key in OData URL syntax, escaped for the
// path: a string 'k1' (quotes doubled), an integer 5, or a dict of
// compound key parts OrderID=1,Line='a'.
func keyLiteral(v starlark.Value) (string, error) {
	switch k := v.(type) {
	case starlark.String:
		return "'" + pathEscape(strings.ReplaceAll(string(k), "'", "''")) + "'", nil
	case starlark.Int:
		return k.String(), nil
	case *starlark.Dict:
		var parts []string
		for _, item := range k.Items() {
			name, ok := item[0].(starlark.String)
			if !ok {
				return "", fmt.Errorf("a compound key maps property names to values; got a %s key", item[0].Type())
			}
			lit, err := keyLiteral(item[1])
			if err != nil {
				return "", err
			}
			parts = append(parts, pathEscape(string(name))+"="+lit)
		}
		if len(parts) == 0 {
			return "", errors.New("an empty compound key")
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("an entity id is a string, an int or a dict of key parts, not a %s", v.Type())
}

func create(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set string
	var fields *starlark.Dict
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "fields?", &fields); err != nil {
		return nil, err
	}
	if fields == nil {
		fields = starlark.NewDict(0)
	}
	return s.request(name, http.MethodPost, setPath(app, set), fields)
}

func get(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set string
	var id starlark.Value
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "id", &id); err != nil {
		return nil, err
	}
	p, err := entityPath(name, app, set, id)
	if err != nil {
		return nil, err
	}
	return s.request(name, http.MethodGet, p, nil)
}

// optionList reads a query option given as a string or a list of strings
// (joined with commas).
func optionList(name string, v starlark.Value) (string, error) {
	switch x := v.(type) {
	case starlark.String:
		return string(x), nil
	case starlark.Indexable:
		var parts []string
		for i := range x.Len() {
			s, ok := x.Index(i).(starlark.String)
			if !ok {
				return "", fmt.Errorf("%s: want strings, got a %s", name, x.Index(i).Type())
			}
			parts = append(parts, string(s))
		}
		return strings.Join(parts, ","), nil
	}
	return "", fmt.Errorf("%s: want a string or a list of strings, not a %s", name, v.Type())
}

func list(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set string
	var filter, orderby, sel, expand, search starlark.Value = starlark.None, starlark.None, starlark.None, starlark.None, starlark.None
	var top, skip starlark.Value = starlark.None, starlark.None
	var count bool
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "filter?", &filter, "orderby?", &orderby,
		"top?", &top, "skip?", &skip, "count?", &count, "select?", &sel, "expand?", &expand, "search?", &search); err != nil {
		return nil, err
	}
	var q []string
	for _, o := range []struct {
		name string
		v    starlark.Value
	}{{"$filter", filter}, {"$orderby", orderby}, {"$select", sel}, {"$expand", expand}, {"$search", search}} {
		if o.v == starlark.None {
			continue
		}
		text, err := optionList(name+": "+o.name[1:], o.v)
		if err != nil {
			return nil, err
		}
		q = append(q, o.name+"="+queryEscape(text))
	}
	for _, o := range []struct {
		name string
		v    starlark.Value
	}{{"$top", top}, {"$skip", skip}} {
		if o.v == starlark.None {
			continue
		}
		n, ok := o.v.(starlark.Int)
		if !ok {
			return nil, fmt.Errorf("%s: %s is an int, not a %s", name, o.name[1:], o.v.Type())
		}
		q = append(q, o.name+"="+n.String())
	}
	if count {
		q = append(q, "$count=true")
	}
	p := setPath(app, set)
	if len(q) > 0 {
		p += "?" + strings.Join(q, "&")
	}
	v, err := s.request(name, http.MethodGet, p, nil)
	d, ok := v.(*starlark.Dict)
	if err != nil || !ok {
		return v, err
	}
	if _, denied, _ := d.Get(starlark.String("denied")); denied {
		return d, nil
	}
	// Plain names for the control information a script reads.
	out := starlark.NewDict(3)
	for _, kv := range [][2]string{{"value", "value"}, {"@odata.count", "count"}, {"@odata.nextLink", "next"}} {
		if x, found, _ := d.Get(starlark.String(kv[0])); found {
			if s, isStr := x.(starlark.String); isStr && kv[1] == "next" {
				x = starlark.String(relative(string(s)))
			}
			_ = out.SetKey(starlark.String(kv[1]), x)
		}
	}
	return out, nil
}

// relative drops the scheme and host of an in-process link.
func relative(link string) string {
	if rest, ok := strings.CutPrefix(link, "http://localhost"); ok {
		return rest
	}
	return link
}

func action(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set, act string
	var id starlark.Value
	var params *starlark.Dict
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "id", &id, "name", &act, "params?", &params); err != nil {
		return nil, err
	}
	if params == nil {
		params = starlark.NewDict(0)
	}
	p, err := entityPath(name, app, set, id)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(act, ".") {
		ns, denial, err := s.namespace(name, app, set, act)
		if denial != nil || err != nil {
			return denial, err
		}
		if ns != "" {
			act = ns + "." + act
		}
	}
	return s.request(name, http.MethodPost, p+"/"+pathEscape(act), params)
}

// edmx is the part of $metadata that qualifies bound actions.
type edmx struct {
	Schemas []struct {
		Namespace string `xml:"Namespace,attr"`
		Actions   []struct {
			Name    string `xml:"Name,attr"`
			IsBound string `xml:"IsBound,attr"`
			Params  []struct {
				Type string `xml:"Type,attr"`
			} `xml:"Parameter"`
		} `xml:"Action"`
		Sets []struct {
			Name       string `xml:"Name,attr"`
			EntityType string `xml:"EntityType,attr"`
		} `xml:"EntityContainer>EntitySet"`
	} `xml:"DataServices>Schema"`
}

// namespace finds the namespace of the bound action act of set's entity
// type in the app's $metadata: the request path names Namespace.Action.
// An action the model lacks takes the entity type's namespace (and an
// unknown set none), so the gateway answers and records the unmet intent
// itself.
func (s *session) namespace(call, app, set, act string) (string, starlark.Value, error) {
	m := s.models[app]
	if m == nil {
		r, v, err := s.raw(call, "/odata/"+pathEscape(app)+"/$metadata", "application/xml")
		if r == nil {
			return "", v, err
		}
		m = &edmx{}
		if err := xml.Unmarshal(r.body, m); err != nil {
			return "", nil, fmt.Errorf("%s: read $metadata of %s: %w", call, app, err)
		}
		s.models[app] = m
	}
	typ := ""
	for _, sc := range m.Schemas {
		for _, es := range sc.Sets {
			if es.Name == set {
				typ = es.EntityType
			}
		}
	}
	if typ == "" {
		// Unknown set: the gateway answers, and records the unmet intent.
		return "", nil, nil
	}
	for _, sc := range m.Schemas {
		for _, a := range sc.Actions {
			if a.Name == act && a.IsBound == "true" && len(a.Params) > 0 && a.Params[0].Type == typ {
				return sc.Namespace, nil, nil
			}
		}
	}
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		return typ[:i], nil, nil
	}
	return "", nil, nil
}

func patch(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set string
	var id starlark.Value
	var fields *starlark.Dict
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "id", &id, "fields", &fields); err != nil {
		return nil, err
	}
	p, err := entityPath(name, app, set, id)
	if err != nil {
		return nil, err
	}
	return s.request(name, http.MethodPatch, p, fields, "Prefer", "return=representation")
}

func del(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, set string
	var id starlark.Value
	if err := starlark.UnpackArgs(name, args, kwargs, "app", &app, "set", &set, "id", &id); err != nil {
		return nil, err
	}
	p, err := entityPath(name, app, set, id)
	if err != nil {
		return nil, err
	}
	return s.request(name, http.MethodDelete, p, nil)
}

// values unwraps {"value": [...]} answers of the governance API.
func values(v starlark.Value, err error) (starlark.Value, error) {
	if d, ok := v.(*starlark.Dict); ok && err == nil {
		if _, denied, _ := d.Get(starlark.String("denied")); !denied {
			if x, found, _ := d.Get(starlark.String("value")); found {
				return x, nil
			}
		}
	}
	return v, err
}

// query builds ?k=v&... from the options that are set.
func query(kv ...string) string {
	var q []string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q = append(q, kv[i]+"="+queryEscape(kv[i+1]))
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

func decisions(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var status, app string
	if err := starlark.UnpackArgs(name, args, kwargs, "status?", &status, "app?", &app); err != nil {
		return nil, err
	}
	return values(s.request(name, http.MethodGet, "/api/decisions"+query("status", status, "app", app), nil))
}

func decisionStatus(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var id string
	if err := starlark.UnpackArgs(name, args, kwargs, "id", &id); err != nil {
		return nil, err
	}
	return s.request(name, http.MethodGet, "/api/decisions/"+pathEscape(id), nil)
}

// pollDecision waits up to timeout seconds (bounded by the script's
// deadline and the gateway's one minute) for a decision to be answered.
func pollDecision(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var id string
	var timeout starlark.Value = starlark.MakeInt(30)
	if err := starlark.UnpackArgs(name, args, kwargs, "id", &id, "timeout?", &timeout); err != nil {
		return nil, err
	}
	secs, ok := starlark.AsFloat(timeout)
	if !ok || secs < 0 {
		return nil, fmt.Errorf("%s: timeout is a number of seconds, not %s", name, timeout.String())
	}
	wait := min(time.Duration(secs*float64(time.Second)), s.remaining(time.Second), time.Minute)
	return s.request(name, http.MethodGet, "/api/decisions/"+pathEscape(id)+"?wait="+strconv.FormatInt(wait.Milliseconds(), 10)+"ms", nil)
}

func trajectories(s *session, name string, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var app, typ, id, act, outcome, since, until string
	var limit int
	if err := starlark.UnpackArgs(name, args, kwargs, "app?", &app, "entity_type?", &typ, "entity_id?", &id, "action?", &act,
		"outcome?", &outcome, "since?", &since, "until?", &until, "limit?", &limit); err != nil {
		return nil, err
	}
	lim := ""
	if limit > 0 {
		lim = strconv.Itoa(limit)
	}
	return values(s.request(name, http.MethodGet, "/api/trajectories"+query("app", app, "entity_type", typ, "entity_id", id,
		"action", act, "outcome", outcome, "since", since, "until", until, "limit", lim), nil))
}

// pathEscape percent-encodes everything but unreserved characters and the
// single quote (OData's string delimiter, a legal path character).
func pathEscape(s string) string { return escape(s, "'") }

// queryEscape percent-encodes a query option value the same way: spaces
// become %20 (in OData a + is a plus, not a space).
func queryEscape(s string) string { return escape(s, "'") }

func escape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// memberNames lists the temper module's functions, sorted.
func memberNames() []string {
	names := []string{"attempt"}
	for n := range functions {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
