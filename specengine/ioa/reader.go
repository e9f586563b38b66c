package ioa

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
)

// MaxSize bounds the size of one spec file.
const MaxSize = 1 << 20

type reader struct {
	file string
	ix   *positions
	d    diag.List
}

// Unsupported constructs of the original project, each with the reason.
// The README lists the same table.
var (
	unsupportedTop = map[string]string{
		"key":       "declared alternate keys ([[key]]) are not implemented; declare the key in the CSDL model",
		"vector":    "vector indexes ([[vector]]) are not implemented",
		"webhook":   "inbound webhooks ([[webhook]]) are not implemented; call the action over OData",
		"reaction":  "reactions.toml rules are retired; declare [[action.triggers]] kind = \"entity\"",
		"reactions": "reactions.toml rules are retired; declare [[action.triggers]] kind = \"entity\"",
	}
	unsupportedAutomaton = map[string]string{
		"timeouts": "[automaton.timeouts] is the early form of timeouts; declare [[state_timeout]] with state, after_seconds and on_timeout",
	}
	unsupportedIntegration = map[string]string{
		"emits": "emitted events are retired; route results with on_success and on_failure",
	}
)

var (
	topKeys         = []string{"automaton", "state", "action", "invariant", "field_invariant", "liveness", "state_timeout", "integration"}
	automatonKeys   = []string{"name", "states", "initial", "terminal", "allow_indefinite_states"}
	stateKeys       = []string{"name", "type", "initial", "hint"}
	actionKeys      = []string{"name", "kind", "from", "to", "guard", "effect", "params", "hint", "triggers"}
	triggerKeys     = []string{"name", "kind", "target_entity", "target_action", "params", "params_from", "resolve_target", "to_state", "guard", "module", "principal", "on_success", "on_failure", "config"}
	resolveKeys     = []string{"type", "field", "entity_id", "id_field"}
	invariantKeys   = []string{"name", "assert", "when"}
	fieldInvKeys    = []string{"name", "assert", "message"}
	livenessKeys    = []string{"name", "from", "reaches", "has_actions"}
	timeoutKeys     = []string{"name", "state", "after_seconds", "on_timeout"}
	integrationKeys = []string{"name", "trigger", "type", "module", "on_success", "on_failure", "config"}
	// Keys the early form put directly on [[integration]]; they move to
	// config with a warning.
	integrationConfigKeys = []string{"url", "method", "headers", "body", "timeout_ms"}
)

// Parse reads one *.ioa.toml file. The error, if any, is a *diag.Error
// listing every problem found with its position; the returned Spec's
// Warnings hold lint notes.
func Parse(file string, data []byte) (*Spec, error) {
	if len(data) > MaxSize {
		return nil, (diag.List{{Pos: diag.Pos{File: file}, Msg: fmt.Sprintf("spec is %d bytes; the limit is %d", len(data), MaxSize)}}).Err()
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, (diag.List{{Pos: diag.Pos{File: file, Line: line, Col: col}, Msg: "TOML: " + de.Error()}}).Err()
		}
		return nil, (diag.List{{Pos: diag.Pos{File: file}, Msg: "TOML: " + err.Error()}}).Err()
	}
	r := &reader{file: file, ix: buildPositions(file, data)}
	spec := r.spec(table{r: r, m: doc})
	r.d.Sort()
	spec.Warnings = r.d.Warnings()
	if err := r.d.Err(); err != nil {
		return spec, err
	}
	return spec, nil
}

func (r *reader) spec(top table) *Spec {
	s := &Spec{File: r.file}
	top.check("the spec", topKeys, unsupportedTop)
	if a, ok := top.sub("automaton"); ok {
		s.Automaton = r.automaton(a)
	} else {
		r.d.Errorf(diag.Pos{File: r.file, Line: 1, Col: 1}, "missing [automaton] table")
	}
	for _, t := range top.tables("state") {
		s.Vars = append(s.Vars, r.stateVar(t))
	}
	for _, t := range top.tables("action") {
		s.Actions = append(s.Actions, r.action(t))
	}
	for _, t := range top.tables("invariant") {
		s.Invariants = append(s.Invariants, r.invariant(t))
	}
	for _, t := range top.tables("field_invariant") {
		t.check("[[field_invariant]]", fieldInvKeys, nil)
		fi := FieldInvariant{Name: t.req("name"), Pos: t.pos()}
		if src := t.src("assert"); src != nil {
			fi.Assert = *src
		} else if !t.has("assert") {
			r.d.Errorf(t.pos(), "[[field_invariant]] is missing required key 'assert'")
		}
		fi.Message, _ = t.str("message")
		s.FieldInvariants = append(s.FieldInvariants, fi)
	}
	for _, t := range top.tables("liveness") {
		t.check("[[liveness]]", livenessKeys, nil)
		l := Liveness{Name: t.req("name"), Pos: t.pos()}
		l.From, _, _ = t.strs("from")
		l.Reaches, _, _ = t.strs("reaches")
		l.HasActions, _ = t.boolean("has_actions")
		if len(l.Reaches) == 0 && !l.HasActions {
			r.d.Errorf(t.pos(), "[[liveness]] %q needs reaches = [...] or has_actions = true", l.Name)
		}
		s.Liveness = append(s.Liveness, l)
	}
	for _, t := range top.tables("state_timeout") {
		t.check("[[state_timeout]]", timeoutKeys, nil)
		st := StateTimeout{State: t.req("state"), OnTimeout: t.req("on_timeout"), Pos: t.pos()}
		n, ok := t.integer("after_seconds")
		switch {
		case !ok && !t.has("after_seconds"):
			r.d.Errorf(t.pos(), "[[state_timeout]] is missing required key 'after_seconds'")
		case ok && n <= 0:
			r.d.Errorf(t.valPos("after_seconds"), "after_seconds must be at least 1")
		}
		st.AfterSeconds = n
		s.StateTimeouts = append(s.StateTimeouts, st)
	}
	for _, t := range top.tables("integration") {
		s.Integrations = append(s.Integrations, r.integration(t))
	}
	return s
}

func (r *reader) automaton(t table) Automaton {
	t.check("[automaton]", automatonKeys, unsupportedAutomaton)
	a := Automaton{Name: t.req("name"), Pos: t.pos()}
	var ok bool
	a.States, a.StatePos, ok = t.strs("states")
	if !ok && !t.has("states") {
		r.d.Errorf(t.pos(), "[automaton] is missing required key 'states'")
	} else if ok && len(a.States) == 0 {
		r.d.Errorf(t.valPos("states"), "[automaton] states must list at least one state")
	}
	seen := map[string]bool{}
	for i, s := range a.States {
		switch {
		case !validName(s):
			r.d.Errorf(a.StatePos[i], "state name %q must be a letter or '_' followed by letters, digits or '_'", s)
		case seen[s]:
			r.d.Errorf(a.StatePos[i], "state %q is listed twice", s)
		}
		seen[s] = true
	}
	a.Initial = t.req("initial")
	a.InitialPos = t.r.ix.inner(t.child("initial"))
	a.Terminal, _, _ = t.strs("terminal")
	return a
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

func (r *reader) stateVar(t table) StateVar {
	t.check("[[state]]", stateKeys, nil)
	v := StateVar{Name: t.req("name"), Pos: t.pos()}
	v.Hint, _ = t.str("hint")
	if v.Name != "" && !validName(v.Name) {
		r.d.Errorf(t.valPos("name"), "variable name %q must be a letter or '_' followed by letters, digits or '_'", v.Name)
	}
	v.TypeName = t.req("type")
	typ, ok := expr.ParseType(v.TypeName)
	if v.TypeName != "" && (!ok || typ == expr.TFloat) {
		r.d.Errorf(t.valPos("type"), "unknown variable type %q (types: string, bool, counter, int, list)", v.TypeName)
		return v
	}
	v.Type = typ
	if !t.has("initial") {
		return v
	}
	val, err := initialValue(typ, t.m["initial"])
	if err != nil {
		r.d.Errorf(t.valPos("initial"), "initial value of %q: %v", v.Name, err)
		return v
	}
	v.Initial = &val
	return v
}

// initialValue converts a typed TOML value, or the early form's string, to
// a value of type t.
func initialValue(t expr.Type, raw any) (expr.Value, error) {
	switch t {
	case expr.TCounter, expr.TInt:
		switch x := raw.(type) {
		case int64:
			if t == expr.TCounter && x < 0 {
				return expr.Value{}, fmt.Errorf("a counter cannot be negative")
			}
			return expr.IntVal(x), nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return expr.Value{}, fmt.Errorf("%q is not an integer", x)
			}
			if t == expr.TCounter && n < 0 {
				return expr.Value{}, fmt.Errorf("a counter cannot be negative")
			}
			return expr.IntVal(n), nil
		}
	case expr.TBool:
		switch x := raw.(type) {
		case bool:
			return expr.BoolVal(x), nil
		case string:
			switch strings.TrimSpace(x) {
			case "true":
				return expr.BoolVal(true), nil
			case "false":
				return expr.BoolVal(false), nil
			}
			return expr.Value{}, fmt.Errorf("%q is not true or false", x)
		}
	case expr.TString:
		if s, ok := raw.(string); ok {
			return expr.StringVal(s), nil
		}
	case expr.TList:
		switch x := raw.(type) {
		case []any:
			l := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return expr.Value{}, fmt.Errorf("list elements are strings, found %s", typeName(e))
				}
				l = append(l, s)
			}
			return expr.ListVal(l), nil
		case string:
			if s := strings.TrimSpace(x); s == "" || s == "[]" {
				return expr.ListVal([]string{}), nil
			}
			return expr.Value{}, fmt.Errorf("a list starts empty: write [] (found %q)", x)
		}
	}
	return expr.Value{}, fmt.Errorf("a %s variable cannot start as %s", t, typeName(raw))
}

func (r *reader) action(t table) Action {
	t.check("[[action]]", actionKeys, nil)
	a := Action{Name: t.req("name"), Pos: t.pos(), Kind: KindInput}
	if a.Name != "" && !validName(a.Name) {
		r.d.Errorf(t.valPos("name"), "action name %q must be a letter or '_' followed by letters, digits or '_'", a.Name)
	}
	if k, ok := t.str("kind"); ok {
		switch ActionKind(k) {
		case KindInput, KindInternal, KindOutput:
			a.Kind = ActionKind(k)
		default:
			r.d.Errorf(t.valPos("kind"), "action kind %q must be input, internal or output", k)
		}
	}
	var ok bool
	a.From, a.FromPos, ok = t.strs("from")
	if !ok && !t.has("from") && a.Kind != KindOutput {
		r.d.Errorf(t.pos(), "[[action]] %q is missing required key 'from'", a.Name)
	} else if !ok && !t.has("from") {
		// An output action with no from-states is an event label: the
		// automaton emits it, nobody invokes it.
		a.Event = true
	} else if ok && len(a.From) == 0 {
		r.d.Errorf(t.valPos("from"), "[[action]] %q: from must list at least one state", a.Name)
	}
	a.To, _ = t.str("to")
	a.ToPos = t.r.ix.inner(t.child("to"))
	a.Hint, _ = t.str("hint")
	if g := t.src("guard"); g != nil {
		if early, ok := expr.EarlyPredicate(g.Text); ok {
			r.d.Warnf(g.Pos, "early form %q: write %q", g.Text, early)
			g.Text = early
		}
		a.Guard = g
	}
	a.Effects = r.effects(t, &a)
	a.Params = r.params(t)
	for _, tt := range t.tables("triggers") {
		a.Triggers = append(a.Triggers, r.trigger(tt))
	}
	return a
}

func (r *reader) params(t table) []expr.Param {
	v, ok := t.m["params"]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		t.wrongType("params", "an array of names or {name, type} tables")
		return nil
	}
	out := []expr.Param{}
	seen := map[string]bool{}
	for i, e := range arr {
		p := fmt.Sprintf("%s.params[%d]", t.path, i)
		var prm expr.Param
		switch x := e.(type) {
		case string:
			prm = expr.Param{Name: x, Type: expr.TAny}
		case map[string]any:
			pt := table{r: r, path: p, m: x}
			pt.check("a parameter", []string{"name", "type", "required", "hint"}, nil)
			prm.Name = pt.req("name")
			prm.Type = expr.TAny
			if tn, ok := pt.str("type"); ok {
				typ, ok := expr.ParseType(tn)
				if !ok || typ == expr.TCounter {
					r.d.Errorf(pt.valPos("type"), "unknown parameter type %q (types: string, bool, int, float, list)", tn)
				}
				prm.Type = typ
			}
		default:
			r.d.Errorf(r.ix.val(p), "a parameter is a name or a {name, type} table, found %s", typeName(e))
			continue
		}
		if !validName(prm.Name) {
			r.d.Errorf(r.ix.val(p), "parameter name %q must be a letter or '_' followed by letters, digits or '_'", prm.Name)
			continue
		}
		if seen[prm.Name] {
			r.d.Errorf(r.ix.val(p), "parameter %q is declared twice", prm.Name)
			continue
		}
		seen[prm.Name] = true
		out = append(out, prm)
	}
	return out
}

// effects reads effect = "stmt" | ["stmt", ...] | [{type = ...}, ...],
// rewriting early clauses and tables into statements.
func (r *reader) effects(t table, a *Action) []Src {
	v, ok := t.m["effect"]
	if !ok {
		return nil
	}
	path := t.child("effect")
	var out []Src
	one := func(s string, pos diag.Pos) {
		for _, part := range splitClauses(s) {
			if early, ok := expr.EarlyEffect(part.text); ok {
				r.d.Warnf(pos.Shift(part.off), "early form %q: write %q", part.text, early)
				out = append(out, Src{Text: early, Pos: pos.Shift(part.off)})
				continue
			}
			out = append(out, Src{Text: part.text, Pos: pos.Shift(part.off)})
		}
	}
	switch x := v.(type) {
	case string:
		one(x, r.ix.inner(path))
	case []any:
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", path, i)
			switch y := e.(type) {
			case string:
				one(y, r.ix.inner(p))
			case map[string]any:
				if s, ok := r.effectTable(table{r: r, path: p, m: y}, a); ok {
					out = append(out, s)
				}
			default:
				r.d.Errorf(r.ix.val(p), "an effect is a statement string, found %s", typeName(e))
			}
		}
	default:
		t.wrongType("effect", "a statement or an array of statements")
	}
	return out
}

type clause struct {
	text string
	off  int
}

// splitClauses splits "a; b" (the early form joined clauses with ';')
// outside quotes, keeping offsets.
func splitClauses(s string) []clause {
	var out []clause
	start, inQ := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			inQ = !inQ
		case ';':
			if !inQ {
				out = append(out, trimClause(s[start:i], start))
				start = i + 1
			}
		}
	}
	out = append(out, trimClause(s[start:], start))
	res := out[:0]
	for _, c := range out {
		if c.text != "" || len(out) == 1 {
			res = append(res, c)
		}
	}
	return res
}

func trimClause(s string, off int) clause {
	t := strings.TrimLeft(s, " \t")
	off += len(s) - len(t)
	return clause{text: strings.TrimRight(t, " \t"), off: off}
}

// effectTable converts an early effect table to a statement.
func (r *reader) effectTable(t table, a *Action) (Src, bool) {
	typ := t.req("type")
	pos := t.pos()
	if p := t.r.ix.val(t.path); p.IsValid() {
		pos = p
	}
	var stmt string
	switch typ {
	case "increment", "decrement":
		t.check("an effect table", []string{"type", "var"}, nil)
		op := "+="
		if typ == "decrement" {
			op = "-="
		}
		stmt = t.req("var") + " " + op + " 1"
	case "set":
		t.check("an effect table", []string{"type", "var", "value"}, nil)
		val, ok := t.m["value"]
		if !ok {
			r.d.Errorf(pos, "effect table of type set is missing required key 'value'")
			return Src{}, false
		}
		stmt = t.req("var") + " = " + literal(val)
	case "schedule":
		t.check("an effect table", []string{"type", "action", "delay_seconds"}, nil)
		n, _ := t.integer("delay_seconds")
		stmt = fmt.Sprintf("schedule(%s, %d)", expr.StringVal(t.req("action")), n)
	case "trigger":
		t.check("an effect table", []string{"type", "name"}, nil)
		a.Triggers = append(a.Triggers, Trigger{Name: t.req("name"), Kind: "integration", Pos: pos})
		r.d.Warnf(pos, "early form: effect {type = \"trigger\"} runs the [[integration]] named %q; declare [[action.triggers]] kind = \"wasm\" instead", a.Triggers[len(a.Triggers)-1].Name)
		return Src{}, false
	case "emit", "emit_event":
		t.check("an effect table", []string{"type", "event"}, nil)
		r.d.Warnf(pos, "effect {type = %q} is retired and does nothing: every action already emits its own name", typ)
		return Src{}, false
	case "":
		return Src{}, false
	default:
		r.d.Errorf(t.valPos("type"), "unsupported: effect table type %q (write effects as statements: x = v, x += n, append(l, v), schedule('A', s))", typ)
		return Src{}, false
	}
	r.d.Warnf(pos, "early form: effect table; write %q", stmt)
	return Src{Text: stmt, Pos: pos}, true
}

func literal(v any) string {
	switch x := v.(type) {
	case string:
		return expr.StringVal(x).String()
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

func (r *reader) trigger(t table) Trigger {
	t.check("[[action.triggers]]", triggerKeys, nil)
	tr := Trigger{Name: t.req("name"), Kind: t.req("kind"), Pos: t.pos()}
	tr.ToState, _ = t.str("to_state")
	tr.Guard = t.src("guard")
	tr.Principal, _ = t.str("principal")
	switch tr.Kind {
	case "entity":
		tr.TargetEntity = t.req("target_entity")
		tr.TargetAction = t.req("target_action")
		if p, ok := t.sub("params"); ok {
			tr.Params = map[string]expr.Value{}
			for _, k := range sortedKeys(p.m) {
				val, err := paramValue(p.m[k])
				if err != nil {
					r.d.Errorf(p.valPos(k), "trigger param %q: %v", k, err)
					continue
				}
				tr.Params[k] = val
			}
		}
		if p, ok := t.sub("params_from"); ok {
			tr.ParamsFrom = map[string]string{}
			for _, k := range sortedKeys(p.m) {
				s, ok := p.str(k)
				if ok {
					tr.ParamsFrom[k] = s
				}
				if _, dup := tr.Params[k]; dup {
					r.d.Errorf(p.keyPos(k), "trigger %q: params and params_from both set %q", tr.Name, k)
				}
			}
		}
		if rt, ok := t.sub("resolve_target"); ok {
			rt.check("resolve_target", resolveKeys, nil)
			tr.ResolveTarget.Type = rt.req("type")
			tr.ResolveTarget.Field, _ = rt.str("field")
			tr.ResolveTarget.EntityID, _ = rt.str("entity_id")
			tr.ResolveTarget.IDField, _ = rt.str("id_field")
			switch tr.ResolveTarget.Type {
			case "same_id", "create":
			case "field":
				if tr.ResolveTarget.Field == "" {
					r.d.Errorf(rt.pos(), "resolve_target of type field needs field = \"...\"")
				}
			case "static":
				if tr.ResolveTarget.EntityID == "" {
					r.d.Errorf(rt.pos(), "resolve_target of type static needs entity_id = \"...\"")
				}
			case "create_if_missing":
				if tr.ResolveTarget.IDField == "" {
					r.d.Errorf(rt.pos(), "resolve_target of type create_if_missing needs id_field = \"...\"")
				}
			case "":
			default:
				r.d.Errorf(rt.valPos("type"), "resolve_target type %q must be same_id, field, static, create_if_missing or create", tr.ResolveTarget.Type)
			}
		} else {
			tr.ResolveTarget.Type = "same_id"
		}
		for _, k := range []string{"module", "on_success", "on_failure", "config"} {
			if t.has(k) {
				r.d.Errorf(t.keyPos(k), "trigger %q of kind entity cannot set '%s' (it belongs to kind wasm)", tr.Name, k)
			}
		}
	case "wasm":
		tr.Module = t.req("module")
		tr.OnSuccess, _ = t.str("on_success")
		tr.OnFailure, _ = t.str("on_failure")
		if c, ok := t.sub("config"); ok {
			tr.Config = stringMap(c)
		}
		for _, k := range []string{"target_entity", "target_action", "params", "params_from", "resolve_target"} {
			if t.has(k) {
				r.d.Errorf(t.keyPos(k), "trigger %q of kind wasm cannot set '%s' (it belongs to kind entity)", tr.Name, k)
			}
		}
	case "adapter", "webhook", "hook":
		r.d.Errorf(t.valPos("kind"), "unsupported: trigger kind %q: only entity and wasm triggers are implemented", tr.Kind)
	case "":
	default:
		r.d.Errorf(t.valPos("kind"), "trigger kind %q must be entity or wasm", tr.Kind)
	}
	return tr
}

func stringMap(t table) map[string]string {
	out := map[string]string{}
	for _, k := range sortedKeys(t.m) {
		switch x := t.m[k].(type) {
		case string:
			out[k] = x
		case int64, bool, float64:
			out[k] = fmt.Sprint(x)
		default:
			t.r.d.Errorf(t.valPos(k), "config value %q must be a string, number or boolean, found %s", k, typeName(x))
		}
	}
	return out
}

func paramValue(v any) (expr.Value, error) {
	switch x := v.(type) {
	case string:
		return expr.StringVal(x), nil
	case bool:
		return expr.BoolVal(x), nil
	case int64:
		return expr.IntVal(x), nil
	case float64:
		return expr.FloatVal(x), nil
	case []any:
		l := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return expr.Value{}, fmt.Errorf("list elements are strings, found %s", typeName(e))
			}
			l = append(l, s)
		}
		return expr.ListVal(l), nil
	}
	return expr.Value{}, fmt.Errorf("unsupported value %s", typeName(v))
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *reader) invariant(t table) Invariant {
	t.check("[[invariant]]", invariantKeys, nil)
	inv := Invariant{Name: t.req("name"), Pos: t.pos()}
	if src := t.src("assert"); src != nil {
		inv.Assert = *src
		if strings.TrimSpace(src.Text) == "no_further_transitions" {
			inv.NoFurtherTransitions = true
			r.d.Warnf(src.Pos, "early form: assert = \"no_further_transitions\"; list the states in [automaton] terminal = [...]")
		} else if early, ok := expr.EarlyPredicate(src.Text); ok {
			r.d.Warnf(src.Pos, "early form %q: write %q", src.Text, early)
			inv.Assert.Text = early
		}
	} else if !t.has("assert") {
		r.d.Errorf(t.pos(), "[[invariant]] %q is missing required key 'assert'", inv.Name)
	}
	inv.When, inv.WhenPos, _ = t.strs("when")
	if inv.NoFurtherTransitions && len(inv.When) == 0 {
		r.d.Errorf(t.pos(), "[[invariant]] %q: no_further_transitions needs when = [states]", inv.Name)
	}
	return inv
}

func (r *reader) integration(t table) Integration {
	allowed := append(append([]string{}, integrationKeys...), integrationConfigKeys...)
	t.check("[[integration]]", allowed, unsupportedIntegration)
	in := Integration{Name: t.req("name"), Trigger: t.req("trigger"), Pos: t.pos(), Type: "wasm"}
	if typ, ok := t.str("type"); ok {
		in.Type = typ
		if typ != "wasm" {
			r.d.Errorf(t.valPos("type"), "unsupported: integration type %q: only wasm integrations are implemented", typ)
		}
	}
	in.Module, _ = t.str("module")
	if in.Type == "wasm" && in.Module == "" {
		in.Module = in.Name
		r.d.Warnf(t.pos(), "[[integration]] %q names no module; using module %q", in.Name, in.Name)
	}
	in.OnSuccess, _ = t.str("on_success")
	in.OnFailure, _ = t.str("on_failure")
	in.Config = map[string]string{}
	if c, ok := t.sub("config"); ok {
		in.Config = stringMap(c)
	}
	for _, k := range integrationConfigKeys {
		if s, ok := t.str(k); ok {
			r.d.Warnf(t.keyPos(k), "early form: %s on [[integration]]; move it under config", k)
			in.Config[k] = s
		}
	}
	return in
}
