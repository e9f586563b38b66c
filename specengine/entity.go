package specengine

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/temperhq/temper/specengine/expr"
)

// How outside data reaches an entity (the README says the same):
//
//   - A create body sets state variables that have no initial value
//     (inputs) and data-model fields. Variables with an initial value,
//     status and unknown names are refused.
//   - Action parameters are typed by the spec and the CSDL action; after the
//     effects run, a parameter whose name is a data-model field of the
//     entity is written to that field (the original merged every parameter
//     into the fields; Temper merges only declared fields, so the data model
//     stays the schema). Parameters never write state variables: those
//     change only through effects.
//   - Field updates (PATCH) write data-model fields only.

// FieldError is a body or parameter value that does not fit, typed so the
// gateway can answer 400.
type FieldError struct {
	Name string
	Msg  string
}

func (e *FieldError) Error() string { return e.Name + ": " + e.Msg }

// Convert turns a decoded JSON value into a value of type t.
func Convert(t expr.Type, v any) (expr.Value, error) {
	switch x := v.(type) {
	case nil:
		return expr.Value{}, nil
	case bool:
		if t == expr.TBool || t == expr.TAny {
			return expr.BoolVal(x), nil
		}
	case string:
		if t == expr.TString || t == expr.TAny {
			return expr.StringVal(x), nil
		}
	case json.Number:
		if n, err := x.Int64(); err == nil && (t == expr.TInt || t == expr.TCounter || t == expr.TAny) {
			return Convert(t, n)
		}
		f, err := x.Float64()
		if err != nil {
			return expr.Value{}, fmt.Errorf("%s is not a number", x)
		}
		if t == expr.TFloat {
			// Keep the exact text of a decimal a float64 only
			// approximates (Edm.Decimal).
			return expr.DecimalVal(f, string(x)), nil
		}
		return Convert(t, f)
	case float64:
		switch t {
		case expr.TFloat, expr.TAny:
			if t == expr.TAny && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return expr.IntVal(int64(x)), nil
			}
			return expr.FloatVal(x), nil
		case expr.TInt, expr.TCounter:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return Convert(t, int64(x))
			}
			return expr.Value{}, fmt.Errorf("%v is not an integer", x)
		}
	case int:
		return Convert(t, int64(x))
	case int64:
		switch t {
		case expr.TInt, expr.TAny:
			return expr.IntVal(x), nil
		case expr.TCounter:
			if x < 0 {
				return expr.Value{}, fmt.Errorf("a counter cannot be negative")
			}
			return expr.IntVal(x), nil
		case expr.TFloat:
			return expr.FloatVal(float64(x)), nil
		}
	case []string:
		if t == expr.TList || t == expr.TAny {
			return expr.ListVal(append([]string{}, x...)), nil
		}
	case []any:
		if t == expr.TList || t == expr.TAny {
			l := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return expr.Value{}, fmt.Errorf("list elements must be strings")
				}
				l = append(l, s)
			}
			return expr.ListVal(l), nil
		}
	}
	return expr.Value{}, fmt.Errorf("expected %s, found %s", t, jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case float64, int, int64, json.Number:
		return "a number"
	case []any, []string:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Params converts named parameters (a decoded JSON object) into the value
// slice Apply takes. Unknown names and ill-typed values are errors, except
// for an implicit callback, which takes any parameters.
func (t *Table) Params(a *Action, m map[string]any) ([]expr.Value, error) {
	if a.OpenParams {
		return nil, nil
	}
	out := make([]expr.Value, len(a.Params))
	for _, k := range sortedKeys(m) {
		i := -1
		for j, p := range a.Params {
			if p.Name == k {
				i = j
			}
		}
		if i < 0 {
			return nil, &FieldError{Name: k, Msg: fmt.Sprintf("%s takes no parameter %q", a.Name, k)}
		}
		v, err := Convert(a.Params[i].Type, m[k])
		if err != nil {
			return nil, &FieldError{Name: k, Msg: err.Error()}
		}
		out[i] = v
	}
	return out, nil
}

// sortedKeys ranges over a map only to collect its keys, then sorts them:
// the result does not depend on map order, so workflow code may call it.
//
//workflowcheck:ignore
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// New creates an entity in the initial state from a create body. Key
// properties are not part of the body's fields; the caller passes the id.
func (t *Table) New(id string, body map[string]any) (State, error) {
	s := State{ID: id, Status: t.Initial, Vars: make([]expr.Value, len(t.Vars))}
	for i, v := range t.Vars {
		if v.Initial != nil {
			s.Vars[i] = *v.Initial
			if v.Initial.K == expr.List {
				s.Vars[i].L = append([]string{}, v.Initial.L...)
			}
		}
	}
	for _, k := range sortedKeys(body) {
		if k == "status" {
			return State{}, &FieldError{Name: k, Msg: "status is set by actions, not by the create body"}
		}
		if isKey(t.KeyProps, k) {
			continue
		}
		i, ok := t.slotIdx[k]
		if !ok {
			return State{}, &FieldError{Name: k, Msg: fmt.Sprintf("%s has no field %q%s", t.Entity, k, suggest(k, t.fieldNames()))}
		}
		if t.Vars[i].Initial != nil {
			return State{}, &FieldError{Name: k, Msg: fmt.Sprintf("%q is a state variable with an initial value; it changes only through actions", k)}
		}
		v, err := t.convertSlot(i, body[k])
		if err != nil {
			return State{}, &FieldError{Name: k, Msg: err.Error()}
		}
		s.Vars[i] = v
	}
	var st Step
	if i := t.CheckFieldInvariants(&st, &s); i >= 0 {
		inv := t.FieldInvariants[i]
		return State{}, &FieldError{Name: inv.Name, Msg: "field invariant violated: " + inv.Src}
	}
	return s, nil
}

func isKey(keys []string, k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

func (t *Table) fieldNames() []string {
	var out []string
	for _, v := range t.Vars {
		if v.Field || v.Input {
			out = append(out, v.Name)
		}
	}
	return out
}

// Fields renders an entity as a JSON-ready map: status and every slot.
func (t *Table) Fields(s *State) map[string]any {
	m := make(map[string]any, len(t.Vars)+1)
	m["status"] = t.stateName(s.Status)
	for i, v := range t.Vars {
		m[v.Name] = s.Vars[i].Any()
		if v.Elem != "" && s.Vars[i].K == expr.List {
			m[v.Name] = typedList(v.Elem, s.Vars[i].L)
		}
	}
	return m
}

// Updatable reports whether the entity type has fields a PATCH may write:
// data-model fields that are not state variables.
func (t *Table) Updatable() bool {
	for _, v := range t.Vars {
		if v.Field {
			return true
		}
	}
	return false
}

// Update writes data-model fields (a PATCH body) into a copy of cur and
// checks the field invariants; state variables, status and keys change
// only through actions. The result has the next version.
func (t *Table) Update(cur *State, fields map[string]any) (State, error) {
	next := cur.Clone()
	next.Version++
	for _, k := range sortedKeys(fields) {
		if isKey(t.KeyProps, k) {
			return State{}, &FieldError{Name: k, Msg: fmt.Sprintf("%q is the key; it cannot change", k)}
		}
		if k == "status" {
			return State{}, &FieldError{Name: k, Msg: "status is set by actions, not by updates"}
		}
		i, ok := t.slotIdx[k]
		if !ok {
			return State{}, &FieldError{Name: k, Msg: fmt.Sprintf("%s has no field %q%s", t.Entity, k, suggest(k, t.fieldNames()))}
		}
		if !t.Vars[i].Field {
			return State{}, &FieldError{Name: k, Msg: fmt.Sprintf("%q is a state variable; it changes only through actions", k)}
		}
		v, err := t.convertSlot(i, fields[k])
		if err != nil {
			return State{}, &FieldError{Name: k, Msg: err.Error()}
		}
		next.Vars[i] = v
	}
	var st Step
	if i := t.CheckFieldInvariants(&st, &next); i >= 0 {
		inv := t.FieldInvariants[i]
		return State{}, &FieldError{Name: inv.Name, Msg: "field invariant violated: " + inv.Src}
	}
	return next, nil
}

// convertSlot is Convert for slot i: a list bound to a collection of
// numbers or Booleans takes them as JSON numbers and Booleans (or their
// text) and holds their canonical text.
func (t *Table) convertSlot(i int, v any) (expr.Value, error) {
	sl := t.Vars[i]
	items, ok := v.([]any)
	if sl.Elem == "" || !ok {
		return Convert(sl.Type, v)
	}
	l := make([]string, 0, len(items))
	for _, it := range items {
		s, err := elemText(sl.Elem, it)
		if err != nil {
			return expr.Value{}, err
		}
		l = append(l, s)
	}
	return expr.ListVal(l), nil
}

// elemText is the canonical text of an element of a collection of elem.
func elemText(elem string, v any) (string, error) {
	if elem == "Edm.Boolean" {
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x), nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil && (x == "true" || x == "false") {
				return strconv.FormatBool(b), nil
			}
		}
		return "", fmt.Errorf("elements must be true or false")
	}
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	case int64:
		text = strconv.FormatInt(x, 10)
	case int:
		text = strconv.Itoa(x)
	case float64:
		text = strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return "", fmt.Errorf("elements must be numbers (%s)", elem)
	}
	switch elem {
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			return "", fmt.Errorf("%s is not a number", text)
		}
		return text, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%s is not an integer (%s)", text, elem)
	}
	return strconv.FormatInt(n, 10), nil
}

// typedList renders a list held as text as the JSON values of elem:
// integers, numbers (Decimal: its exact text) or Booleans; an element that
// does not parse (written by a spec's effects) stays a string.
func typedList(elem string, l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
		switch elem {
		case "Edm.Boolean":
			if b, err := strconv.ParseBool(s); err == nil {
				out[i] = b
			}
		case "Edm.Double", "Edm.Single":
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				out[i] = f
			}
		case "Edm.Decimal":
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				out[i] = json.Number(s)
			}
		default:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				out[i] = n
			}
		}
	}
	return out
}
