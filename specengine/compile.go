package specengine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/specengine/ioa"
)

type compiler struct {
	b *Bundle
	d diag.List
}

// exprErr turns an expression error at a byte offset into a positioned
// diagnostic inside the TOML string.
func (c *compiler) exprErr(src ioa.Src, what string, err error) {
	if e, ok := err.(*expr.Error); ok {
		c.d.Errorf(src.Pos.Shift(e.Off), "%s: %s", what, e.Msg)
		return
	}
	c.d.Errorf(src.Pos, "%s: %v", what, err)
}

func (c *compiler) compileAll() {
	var entities []string
	for _, s := range c.b.Specs {
		entities = append(entities, s.Automaton.Name)
	}
	for _, s := range c.b.Specs {
		if _, dup := c.b.Tables[s.Automaton.Name]; dup {
			c.d.Errorf(s.Automaton.Pos, "two specs define automaton %q", s.Automaton.Name)
			continue
		}
		t := c.table(s, entities)
		if t != nil {
			c.b.Tables[t.Entity] = t
			c.b.TableList = append(c.b.TableList, t)
		}
	}
	// Cross-entity references: trigger targets.
	for _, t := range c.b.TableList {
		for _, a := range t.Actions {
			for _, tr := range a.Triggers {
				if tr.Kind != "entity" {
					continue
				}
				target, ok := c.b.Tables[tr.TargetEntity]
				if !ok {
					c.d.Errorf(tr.Pos, "trigger %q targets unknown entity type %q%s", tr.Name, tr.TargetEntity, suggest(tr.TargetEntity, entities))
					continue
				}
				if _, ok := target.Action(tr.TargetAction); !ok {
					c.d.Errorf(tr.Pos, "trigger %q targets unknown action %s.%s%s", tr.Name, tr.TargetEntity, tr.TargetAction, suggest(tr.TargetAction, actionNames(target)))
				}
				for _, src := range sortedValues(tr.ParamsFrom) {
					if _, ok := t.SlotIndex(src); !ok && src != "id" {
						c.d.Errorf(tr.Pos, "trigger %q: params_from reads unknown field %q of %s", tr.Name, src, t.Entity)
					}
				}
			}
		}
	}
	if c.b.DerivedModel {
		c.typeDerivedParams()
	}
	// Entity sets without a spec.
	for _, sch := range c.b.Model.Schemas {
		if sch.EntityContainer == nil {
			continue
		}
		for _, es := range sch.EntityContainer.EntitySets {
			_, simple := splitName(es.EntityType)
			if _, ok := c.b.Tables[simple]; !ok {
				c.d.Warnf(es.Pos, "entity set %s (%s) has no spec: it has no actions", es.Name, es.EntityType)
			}
		}
	}
}

func sortedValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func actionNames(t *Table) []string {
	out := make([]string, len(t.Actions))
	for i, a := range t.Actions {
		out[i] = a.Name
	}
	return out
}

func suggest(name string, cands []string) string {
	if n := diag.Nearest(name, cands); n != "" {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

func splitName(q string) (ns, simple string) {
	if i := strings.LastIndexByte(q, '.'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return "", q
}

// findEntityType finds an entity type by simple name in any schema.
func (c *compiler) findEntityType(name string) (*csdl.Schema, *csdl.EntityType) {
	for _, sch := range c.b.Model.Schemas {
		for _, et := range sch.EntityTypes {
			if et.Name == name {
				return sch, et
			}
		}
	}
	return nil, nil
}

// typeMatches reports whether a CSDL type name refers to the entity type
// et of schema sch (qualified by namespace or alias).
func typeMatches(q string, sch *csdl.Schema, et *csdl.EntityType) bool {
	ns, simple := splitName(q)
	return simple == et.Name && (ns == sch.Namespace || ns == sch.Alias && ns != "")
}

// slotType maps a CSDL property type to a slot type.
func slotType(t string) expr.Type {
	if strings.HasPrefix(t, "Collection(") {
		return expr.TList
	}
	switch t {
	case "Edm.Boolean":
		return expr.TBool
	case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte":
		return expr.TInt
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		return expr.TFloat
	case "Edm.Untyped":
		return expr.TAny
	}
	return expr.TString
}

// typedElem is the element type of a CSDL collection of numbers or
// Booleans, which a list holds as text; "" for any other type.
func typedElem(t string) string {
	elem, ok := strings.CutPrefix(t, "Collection(")
	if !ok {
		return ""
	}
	elem = strings.TrimSuffix(elem, ")")
	switch elem {
	case "Edm.Boolean", "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Single", "Edm.Decimal":
		return elem
	}
	return ""
}

func compatible(v expr.Type, csdlType string) bool {
	st := slotType(csdlType)
	switch v {
	case expr.TCounter, expr.TInt:
		return st == expr.TInt || st == expr.TFloat
	}
	return st == v
}

func (c *compiler) table(s *ioa.Spec, entities []string) *Table {
	n := len(c.d.Errors())
	t := &Table{
		Entity:    s.Automaton.Name,
		States:    s.Automaton.States,
		Spec:      s,
		actionIdx: map[string]int{},
		stateIdx:  map[string]int{},
		slotIdx:   map[string]int{},
	}
	for i, st := range t.States {
		t.stateIdx[st] = i
	}
	state := func(name string, pos diag.Pos, what string) int {
		i, ok := t.stateIdx[name]
		if !ok {
			c.d.Errorf(pos, "%s names unknown state %q%s", what, name, suggest(name, t.States))
			return -1
		}
		return i
	}
	t.Initial = state(s.Automaton.Initial, s.Automaton.InitialPos, "initial")
	t.Terminal = make([]bool, len(t.States))
	for _, name := range s.Automaton.Terminal {
		if i := state(name, s.Automaton.Pos, "terminal"); i >= 0 {
			t.Terminal[i] = true
		}
	}

	// The entity type this spec binds to.
	sch, et := c.findEntityType(t.Entity)
	if et == nil {
		c.d.Errorf(s.Automaton.Pos, "spec %s binds to no EntityType named %s in the CSDL model", t.Entity, t.Entity)
		return nil
	}
	t.Namespace = sch.Namespace
	for _, k := range et.Key {
		t.KeyProps = append(t.KeyProps, k.Name)
	}
	for _, s2 := range c.b.Model.Schemas {
		if s2.EntityContainer == nil {
			continue
		}
		for _, es := range s2.EntityContainer.EntitySets {
			if typeMatches(es.EntityType, sch, et) {
				if t.EntitySet == "" {
					t.EntitySet = es.Name
				}
			}
		}
	}
	if t.EntitySet == "" {
		t.EntitySet = plural(t.Entity)
		c.d.Warnf(s.Automaton.Pos, "no entity set of type %s.%s in the CSDL model; serving it as %s", sch.Namespace, t.Entity, t.EntitySet)
	}

	// Slots: state variables, then the other fields of the entity type.
	for _, v := range s.Vars {
		if _, dup := t.slotIdx[v.Name]; dup {
			c.d.Errorf(v.Pos, "state variable %q is declared twice", v.Name)
			continue
		}
		if v.Name == "status" || v.Name == "id" {
			c.d.Errorf(v.Pos, "%q is reserved for the entity's own %s", v.Name, v.Name)
			continue
		}
		t.slotIdx[v.Name] = len(t.Vars)
		t.Vars = append(t.Vars, Slot{Name: v.Name, Type: v.Type, Initial: v.Initial, Input: v.Initial == nil})
	}
	t.NumStateVars = len(t.Vars)
	keys := map[string]bool{}
	for _, k := range t.KeyProps {
		keys[k] = true
	}
	// The gateway serves an entity type as it is: type casts (for
	// derived types) and media streams are not implemented, so a model
	// that needs them is refused rather than half served.
	if et.BaseType != "" {
		c.d.Errorf(et.Pos, "entity type %s derives from %s: derived entity types (BaseType) are not supported", t.Entity, et.BaseType)
	}
	for _, s2 := range c.b.Model.Schemas {
		for _, other := range s2.EntityTypes {
			if other.BaseType != "" && typeMatches(other.BaseType, sch, et) {
				c.d.Errorf(other.Pos, "entity type %s derives from %s: derived entity types (BaseType) are not supported", other.Name, t.Entity)
			}
		}
	}
	if et.HasStream {
		c.d.Errorf(et.Pos, "entity type %s has a stream (HasStream): media entities are not supported", t.Entity)
	}
	for _, p := range et.Properties {
		if keys[p.Name] || p.Name == "status" {
			continue
		}
		if i, ok := t.slotIdx[p.Name]; ok {
			if !compatible(t.Vars[i].Type, p.Type) {
				c.d.Errorf(p.Pos, "property %s.%s is %s, but the spec declares state variable %q as %s", t.Entity, p.Name, p.Type, p.Name, t.Vars[i].Type)
			}
			if t.Vars[i].Type == expr.TList {
				t.Vars[i].Elem = typedElem(p.Type)
			}
			continue
		}
		t.slotIdx[p.Name] = len(t.Vars)
		t.Vars = append(t.Vars, Slot{Name: p.Name, Type: slotType(p.Type), Field: true, Elem: typedElem(p.Type)})
	}
	vars := make([]expr.Var, len(t.Vars))
	for i, v := range t.Vars {
		vars[i] = expr.Var{Name: v.Name, Type: v.Type, Slot: i, Field: v.Field}
	}

	// Actions, including implicit integration callbacks.
	actions := append([]ioa.Action(nil), s.Actions...)
	declared := map[string]bool{}
	for _, a := range actions {
		declared[a.Name] = true
	}
	implicit := func(name string, pos diag.Pos, what string) {
		if name == "" || declared[name] {
			return
		}
		declared[name] = true
		c.d.Warnf(pos, "%s names undeclared action %q: added as an implicit callback (a self-loop from every non-terminal state that records the result)", what, name)
		actions = append(actions, ioa.Action{Name: name, Kind: ioa.KindInput, Implicit: true, Pos: pos})
	}
	for _, in := range s.Integrations {
		implicit(in.OnSuccess, in.Pos, fmt.Sprintf("integration %q on_success", in.Name))
		implicit(in.OnFailure, in.Pos, fmt.Sprintf("integration %q on_failure", in.Name))
	}
	for _, a := range s.Actions {
		for _, tr := range a.Triggers {
			if tr.Kind == "wasm" {
				implicit(tr.OnSuccess, tr.Pos, fmt.Sprintf("trigger %q on_success", tr.Name))
				implicit(tr.OnFailure, tr.Pos, fmt.Sprintf("trigger %q on_failure", tr.Name))
			}
		}
	}
	var names []string
	for _, a := range actions {
		names = append(names, a.Name)
	}
	csdlActions := c.boundActions(sch, et)
	// A Temper action returns the entity after it: say so in the model
	// served as $metadata when the CSDL leaves the return type out.
	for _, ca := range csdlActions {
		if ca.ReturnType == nil {
			ca.ReturnType = &csdl.ReturnType{Type: sch.Namespace + "." + et.Name}
		}
	}
	for i := range actions {
		a := &actions[i]
		if _, dup := t.actionIdx[a.Name]; dup {
			c.d.Errorf(a.Pos, "action %q is declared twice", a.Name)
			continue
		}
		ca := c.action(t, a, vars, names, entities, csdlActions[a.Name])
		ca.Index = len(t.Actions)
		t.actionIdx[a.Name] = ca.Index
		t.Actions = append(t.Actions, ca)
	}
	for name, ca := range csdlActions {
		if _, ok := t.actionIdx[name]; !ok {
			c.d.Warnf(ca.Pos, "CSDL action %s is bound to %s, but the spec has no action %q%s: calling it answers 501", name, t.Entity, name, suggest(name, names))
		}
	}

	// Integrations: triggered by an action name or an early trigger effect.
	for i := range s.Integrations {
		in := &s.Integrations[i]
		t.Integrations = append(t.Integrations, *in)
		found := false
		for _, a := range t.Actions {
			fires := a.Name == in.Trigger
			for _, tr := range a.src.Triggers {
				if tr.Kind == "integration" && tr.Name == in.Trigger {
					fires = true
				}
			}
			if fires {
				a.Integrations = append(a.Integrations, in)
				found = true
			}
		}
		if !found {
			c.d.Errorf(in.Pos, "integration %q: trigger %q names no action and no trigger effect%s", in.Name, in.Trigger, suggest(in.Trigger, names))
		}
	}
	for _, a := range t.Actions {
		for _, tr := range a.src.Triggers {
			if tr.Kind != "integration" {
				continue
			}
			ok := false
			for _, in := range s.Integrations {
				ok = ok || in.Trigger == tr.Name
			}
			if !ok {
				c.d.Errorf(tr.Pos, "effect triggers %q, but no [[integration]] has trigger = %q", tr.Name, tr.Name)
			}
		}
	}

	// Invariants.
	for _, inv := range s.Invariants {
		ci := &Invariant{Name: inv.Name, Src: inv.Assert.Text, Source: inv.Assert}
		if len(inv.When) > 0 {
			ci.When = make([]bool, len(t.States))
			for j, w := range inv.When {
				if k := state(w, inv.WhenPos[j], "invariant "+inv.Name+" when"); k >= 0 {
					ci.When[k] = true
				}
			}
		}
		if inv.NoFurtherTransitions {
			for k, in := range ci.When {
				if in {
					t.Terminal[k] = true
				}
			}
			continue
		}
		sc := &expr.Scope{States: t.States, Vars: vars, NoFields: true, What: "invariant", Entities: entities}
		ci.Pred, ci.Expr = c.pred(inv.Assert, sc, "invariant "+inv.Name)
		if ci.Pred != nil {
			t.Invariants = append(t.Invariants, ci)
		}
	}
	for _, fi := range s.FieldInvariants {
		sc := &expr.Scope{States: t.States, Vars: vars, What: "field invariant", Entities: entities}
		ci := &Invariant{Name: fi.Name, Src: fi.Assert.Text, Msg: fi.Message, Source: fi.Assert}
		ci.Pred, ci.Expr = c.pred(fi.Assert, sc, "field invariant "+fi.Name)
		if ci.Pred != nil {
			t.FieldInvariants = append(t.FieldInvariants, ci)
		}
	}
	// Terminal states: no declared action may leave them. Implicit
	// callbacks never run there.
	for _, a := range t.Actions {
		if a.Implicit {
			for k := range a.From {
				a.From[k] = !t.Terminal[k]
			}
			continue
		}
		for k, from := range a.From {
			if from && t.Terminal[k] && a.To >= 0 && a.To != k {
				c.d.Errorf(a.src.Pos, "action %s leaves terminal state %s", a.Name, t.States[k])
			}
		}
	}
	for _, l := range s.Liveness {
		for _, st := range append(append([]string{}, l.From...), l.Reaches...) {
			state(st, l.Pos, "liveness "+l.Name)
		}
	}
	t.Liveness = s.Liveness
	for _, to := range s.StateTimeouts {
		k := state(to.State, to.Pos, "state_timeout")
		a, ok := t.Action(to.OnTimeout)
		switch {
		case !ok:
			c.d.Errorf(to.Pos, "state_timeout on_timeout names unknown action %q%s", to.OnTimeout, suggest(to.OnTimeout, names))
		case k >= 0 && !a.From[k]:
			c.d.Errorf(to.Pos, "state_timeout: action %s cannot run in state %s", to.OnTimeout, to.State)
		}
	}
	t.Timeouts = s.StateTimeouts
	if len(c.d.Errors()) > n {
		return nil
	}
	return t
}

func (c *compiler) pred(src ioa.Src, sc *expr.Scope, what string) (expr.Pred, expr.Expr) {
	e, err := expr.ParsePredicate(src.Text)
	if err != nil {
		c.exprErr(src, what, err)
		return nil, nil
	}
	p, err := expr.CompilePredicate(e, sc)
	if err != nil {
		c.exprErr(src, what, err)
		return nil, nil
	}
	return p, e
}

// boundActions lists the CSDL actions bound to the entity type.
func (c *compiler) boundActions(sch *csdl.Schema, et *csdl.EntityType) map[string]*csdl.Action {
	out := map[string]*csdl.Action{}
	for _, s := range c.b.Model.Schemas {
		for _, a := range s.Actions {
			if a.IsBound && len(a.Parameters) > 0 && typeMatches(csdl.ElementType(a.Parameters[0].Type), sch, et) {
				out[a.Name] = a
			}
		}
	}
	return out
}

func (c *compiler) action(t *Table, a *ioa.Action, vars []expr.Var, actions, entities []string, ca *csdl.Action) *Action {
	out := &Action{Name: a.Name, Kind: a.Kind, To: -1, Hint: a.Hint, Implicit: a.Implicit, Event: a.Event, src: a}
	out.From = make([]bool, len(t.States))
	if a.Implicit {
		out.OpenParams = true
		return out
	}
	for i, f := range a.From {
		if k, ok := t.stateIdx[f]; ok {
			out.From[k] = true
		} else {
			c.d.Errorf(a.FromPos[i], "action %s: from names unknown state %q%s", a.Name, f, suggest(f, t.States))
		}
	}
	if a.To != "" {
		if k, ok := t.stateIdx[a.To]; ok {
			out.To = k
		} else {
			c.d.Errorf(a.ToPos, "action %s: to names unknown state %q%s", a.Name, a.To, suggest(a.To, t.States))
		}
	}
	// Parameters: the spec's, typed and completed by the CSDL action.
	out.Params = append([]expr.Param{}, a.Params...)
	// A derived model knows no more than the spec: types come from use.
	if ca != nil && !c.b.DerivedModel {
		for _, cp := range ca.Parameters[1:] {
			pt := slotType(cp.Type)
			found := false
			for i := range out.Params {
				if out.Params[i].Name != cp.Name {
					continue
				}
				found = true
				out.Params[i].Required = !cp.IsNullable()
				switch {
				case out.Params[i].Type == expr.TAny:
					out.Params[i].Type = pt
				case out.Params[i].Type != pt && !(pt == expr.TInt && out.Params[i].Type == expr.TFloat):
					c.d.Errorf(cp.Pos, "parameter %s of action %s is %s in the CSDL but %s in the spec", cp.Name, a.Name, cp.Type, out.Params[i].Type)
				}
			}
			if !found {
				out.Params = append(out.Params, expr.Param{Name: cp.Name, Type: pt, Required: !cp.IsNullable()})
			}
		}
		for _, p := range a.Params {
			ok := false
			for _, cp := range ca.Parameters[1:] {
				ok = ok || cp.Name == p.Name
			}
			if !ok {
				c.d.Warnf(a.Pos, "parameter %s of action %s is not declared on the CSDL action %s", p.Name, a.Name, a.Name)
			}
		}
	}
	sc := &expr.Scope{States: t.States, Vars: vars, Params: out.Params, Actions: actions, Entities: entities, What: "guard"}
	if a.Guard != nil {
		out.Guard, out.GuardExpr = c.pred(*a.Guard, sc, "guard of "+a.Name)
	}
	sc.What = "effect"
	for _, src := range a.Effects {
		st, err := expr.ParseEffect(src.Text)
		if err != nil {
			c.exprErr(src, "effect of "+a.Name, err)
			continue
		}
		ef, err := expr.CompileEffect(st, sc)
		if err != nil {
			c.exprErr(src, "effect of "+a.Name, err)
			continue
		}
		out.Effects = append(out.Effects, ef)
		out.Stmts = append(out.Stmts, st)
	}
	// Parameters still untyped after every use hold any value.
	for i, p := range out.Params {
		if j, ok := t.slotIdx[p.Name]; ok && t.Vars[j].Field {
			ft := t.Vars[j].Type
			if ft == expr.TAny && p.Type != expr.TAny {
				// An untyped field of a derived model takes the type of
				// the parameter that writes it.
				t.Vars[j].Type, ft = p.Type, p.Type
			}
			if p.Type == expr.TAny {
				out.Params[i].Type = ft
			} else if p.Type != ft && !(ft == expr.TFloat && p.Type == expr.TInt) {
				c.d.Errorf(a.Pos, "parameter %s of action %s is a %s, but it is written to field %s, a %s", p.Name, a.Name, p.Type, p.Name, ft)
				continue
			}
			out.fieldWrites = append(out.fieldWrites, fieldWrite{param: i, slot: j})
		}
	}
	for _, tr := range a.Triggers {
		if tr.Kind == "integration" {
			continue
		}
		ct := &Trigger{Trigger: tr, ToState: -1}
		if tr.ToState != "" {
			k, ok := t.stateIdx[tr.ToState]
			if !ok {
				c.d.Errorf(tr.Pos, "trigger %q: to_state names unknown state %q%s", tr.Name, tr.ToState, suggest(tr.ToState, t.States))
			}
			ct.ToState = k
			if !ok {
				ct.ToState = -1
			}
		}
		if tr.Guard != nil {
			tsc := &expr.Scope{States: t.States, Vars: vars, Entities: entities, What: "trigger guard"}
			ct.Guard, ct.GuardExpr = c.pred(*tr.Guard, tsc, "guard of trigger "+tr.Name)
		}
		if tr.Kind == "entity" && tr.ResolveTarget.Type == "field" {
			if _, ok := t.slotIdx[tr.ResolveTarget.Field]; !ok {
				c.d.Errorf(tr.Pos, "trigger %q: resolve_target field %q is not a field of %s", tr.Name, tr.ResolveTarget.Field, t.Entity)
			}
		}
		out.Triggers = append(out.Triggers, ct)
	}
	return out
}

// plural derives an entity set name from an entity type name.
func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}

// typeDerivedParams writes the parameter types inferred from use into a
// derived model's bound actions.
func (c *compiler) typeDerivedParams() {
	for _, sch := range c.b.Model.Schemas {
		for _, a := range sch.Actions {
			if len(a.Parameters) == 0 {
				continue
			}
			_, entity := splitName(a.Parameters[0].Type)
			t, ok := c.b.Tables[entity]
			if !ok {
				continue
			}
			ta, ok := t.Action(a.Name)
			if !ok {
				continue
			}
			for _, p := range a.Parameters[1:] {
				for _, tp := range ta.Params {
					if tp.Name == p.Name && tp.Type != expr.TAny {
						p.Type = EdmType(tp.Type)
					}
				}
			}
		}
		for _, et := range sch.EntityTypes {
			t, ok := c.b.Tables[et.Name]
			if !ok {
				continue
			}
			for _, p := range et.Properties {
				if i, ok := t.SlotIndex(p.Name); ok && p.Type == "Edm.Untyped" && t.Vars[i].Type != expr.TAny {
					p.Type = EdmType(t.Vars[i].Type)
				}
			}
		}
	}
}
