package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/csdl"
)

// Complex-typed properties. An entity holds primitive values and lists of
// strings, so a property of a complex type (or a collection of one) is
// held as the canonical JSON text of its value (a list of texts). The
// gateway converts at its edge: a write is checked against the complex
// type and stored as text, a read parses the text back into the JSON
// object the model declares, and $select may pick its members
// (Address/City, or Address($select=City) nested in $select). Queries
// that look inside a complex value ($filter=Address/City eq 'x') are 501
// in the store.

// complexType returns the complex type of a property type, or of its
// elements for a collection.
func complexType(m *csdl.Model, typ string) (ct *csdl.ComplexType, coll bool) {
	return m.ComplexType(csdl.ElementType(typ)), csdl.IsCollection(typ)
}

// complexProperties lists the structural properties of ct, its base
// types' first.
func complexProperties(m *csdl.Model, ct *csdl.ComplexType) []*csdl.Property {
	var out []*csdl.Property
	for depth := 0; ct != nil && depth < 32; depth++ {
		out = append(append([]*csdl.Property(nil), ct.Properties...), out...)
		if ct.BaseType == "" {
			break
		}
		ct = m.ComplexType(ct.BaseType)
	}
	return out
}

// propertyTypes are the CSDL types of t's properties, by name.
func propertyTypes(r *request, t *specengine.Table) map[string]string {
	out := map[string]string{}
	m := r.bundle.Model
	if et := m.EntityType(t.Namespace + "." + t.Entity); et != nil {
		for _, p := range m.AllProperties(et) {
			out[p.Name] = p.Type
		}
	}
	return out
}

// complexIn checks the values a write gives complex-typed properties of t
// and replaces each by its canonical JSON text (a list of texts for a
// collection).
func complexIn(r *request, t *specengine.Table, body map[string]any) error {
	m := r.bundle.Model
	types := propertyTypes(r, t)
	for k, v := range body {
		ct, coll := complexType(m, types[k])
		if ct == nil || v == nil {
			continue
		}
		bad := func(msg string) error {
			return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: k, Message: k + ": " + msg}
		}
		one := func(x any, at string) (string, error) {
			obj, ok := x.(map[string]any)
			if !ok {
				return "", bad(at + "is " + types[k] + ": give a JSON object")
			}
			if err := checkComplex(m, ct, obj, k); err != nil {
				return "", err
			}
			b, err := json.Marshal(obj)
			if err != nil {
				return "", bad(err.Error())
			}
			return string(b), nil
		}
		if !coll {
			s, err := one(v, "")
			if err != nil {
				return err
			}
			body[k] = s
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return bad("is " + types[k] + ": give a JSON array of objects")
		}
		texts := make([]any, 0, len(list))
		for _, x := range list {
			s, err := one(x, "each item ")
			if err != nil {
				return err
			}
			texts = append(texts, s)
		}
		body[k] = texts
	}
	return nil
}

// checkComplex checks a JSON object against complex type ct: known
// members of the right JSON kinds, non-nullable members not null, nested
// complex values recursively. Instance annotations are dropped.
func checkComplex(m *csdl.Model, ct *csdl.ComplexType, obj map[string]any, at string) error {
	props := map[string]*csdl.Property{}
	for _, p := range complexProperties(m, ct) {
		props[p.Name] = p
	}
	for k, v := range obj {
		if strings.Contains(k, "@") {
			delete(obj, k)
			continue
		}
		path := at + "/" + k
		p, ok := props[k]
		if !ok {
			if ct.OpenType {
				continue
			}
			return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: path, Message: path + ": " + ct.Name + " has no property " + k}
		}
		if err := checkMember(m, p, v, path); err != nil {
			return err
		}
	}
	return nil
}

// checkMember checks one member value against its property.
func checkMember(m *csdl.Model, p *csdl.Property, v any, path string) error {
	bad := func(want string) error {
		return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Target: path, Message: path + " is " + p.Type + ": give " + want}
	}
	if v == nil {
		if !p.IsNullable() {
			return bad("a value (it is not nullable)")
		}
		return nil
	}
	items := []any{v}
	if csdl.IsCollection(p.Type) {
		list, ok := v.([]any)
		if !ok {
			return bad("a JSON array")
		}
		items = list
	}
	elem := csdl.ElementType(p.Type)
	for _, x := range items {
		if ct := m.ComplexType(elem); ct != nil {
			obj, ok := x.(map[string]any)
			if !ok {
				return bad("a JSON object")
			}
			if err := checkComplex(m, ct, obj, path); err != nil {
				return err
			}
			continue
		}
		if m.EnumType(elem) != nil {
			if _, ok := x.(string); !ok {
				return bad("a member name")
			}
			continue
		}
		switch elem {
		case "Edm.Boolean":
			if _, ok := x.(bool); !ok {
				return bad("true or false")
			}
		case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
			if n, ok := x.(json.Number); !ok || strings.ContainsAny(string(n), ".eE") {
				return bad("an integer")
			}
		case "Edm.Double", "Edm.Single", "Edm.Decimal":
			if _, ok := x.(json.Number); !ok {
				if s, ok := x.(string); !ok || (s != "INF" && s != "-INF" && s != "NaN") {
					return bad("a number")
				}
			}
		case "Edm.Untyped":
		default:
			if _, ok := x.(string); !ok {
				return bad("a string")
			}
		}
	}
	return nil
}

// complexRef is a complex-typed property: its type and whether it is a
// collection of it.
type complexRef struct {
	ct   *csdl.ComplexType
	coll bool
}

// complexProps are the complex-typed properties of the request's entity
// type, computed once per request.
func (r *request) complexProps() map[string]complexRef {
	if r.complex == nil {
		r.complex = map[string]complexRef{}
		for name, typ := range propertyTypes(r, r.table) {
			if ct, coll := complexType(r.bundle.Model, typ); ct != nil {
				r.complex[name] = complexRef{ct: ct, coll: coll}
			}
		}
	}
	return r.complex
}

// complexOut turns the stored text of complex-typed properties of a
// rendered entity back into JSON values. Text that is not a JSON object
// (written by a spec's effects, say) is left as it is.
func complexOut(r *request, out map[string]any) {
	for name, cr := range r.complexProps() {
		coll := cr.coll
		switch v := out[name].(type) {
		case string:
			if obj, ok := parseObject(v); ok {
				out[name] = obj
			}
		case []any:
			if coll {
				out[name] = parseObjects(stringsOf(v))
			}
		case []string:
			if coll {
				out[name] = parseObjects(v)
			}
		}
	}
}

func stringsOf(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func parseObjects(l []string) []any {
	out := make([]any, 0, len(l))
	for _, s := range l {
		if obj, ok := parseObject(s); ok {
			out = append(out, obj)
			continue
		}
		out = append(out, s)
	}
	return out
}

func parseObject(s string) (map[string]any, bool) {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, false
	}
	return obj, true
}

// memberSelection is what $select keeps of complex values: per property,
// the member paths chosen (Address/City, Address($select=City)); a
// property absent from it is kept whole.
type memberSelection map[string][][]string

// selectMembers collects the member selections of $select items on
// complex-typed properties of t.
func selectMembers(r *request, sel []ast.SelectItem) memberSelection {
	var out memberSelection
	complexProps := r.complexProps()
	var walk func(prefix []string, items []ast.SelectItem)
	walk = func(prefix []string, items []ast.SelectItem) {
		for _, it := range items {
			if it.Star || len(it.Path) == 0 {
				continue
			}
			path := append(append([]string(nil), prefix...), it.Path...)
			root := path[0]
			if _, ok := complexProps[root]; !ok {
				continue
			}
			if out == nil {
				out = memberSelection{}
			}
			if it.Options != nil && it.Options.Select != nil {
				walk(path, it.Options.Select)
				continue
			}
			out[root] = append(out[root], path[1:])
		}
	}
	walk(nil, sel)
	return out
}

// applyMembers trims the complex values of a rendered entity to the
// members $select chose.
func applyMembers(out map[string]any, sel memberSelection) {
	for name, paths := range sel {
		whole := false
		for _, p := range paths {
			if len(p) == 0 {
				whole = true
			}
		}
		if whole {
			continue
		}
		switch v := out[name].(type) {
		case map[string]any:
			out[name] = pick(v, paths)
		case []any:
			for i, x := range v {
				if obj, ok := x.(map[string]any); ok {
					v[i] = pick(obj, paths)
				}
			}
		}
	}
}

// pick keeps the member paths of obj.
func pick(obj map[string]any, paths [][]string) map[string]any {
	out := map[string]any{}
	sub := map[string][][]string{}
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		sub[p[0]] = append(sub[p[0]], p[1:])
	}
	for k, rest := range sub {
		v, ok := obj[k]
		if !ok {
			continue
		}
		deeper := true
		for _, p := range rest {
			if len(p) == 0 {
				deeper = false
			}
		}
		if m, ok := v.(map[string]any); ok && deeper {
			out[k] = pick(m, rest)
			continue
		}
		out[k] = v
	}
	return out
}

// checkComplexSelect checks a $select item that reaches into a complex
// property (a path, or nested $select): every member must exist.
func checkComplexSelect(r *request, it ast.SelectItem) error {
	types := propertyTypes(r, r.table)
	m := r.bundle.Model
	ct, _ := complexType(m, types[it.Path[0]])
	if ct == nil {
		return errorf(http.StatusBadRequest, "BadRequest", "$select=%s: %s is not a complex property", strings.Join(it.Path, "/"), it.Path[0])
	}
	var check func(ct *csdl.ComplexType, path []string, o *ast.Query) error
	check = func(ct *csdl.ComplexType, path []string, o *ast.Query) error {
		for i, name := range path {
			var p *csdl.Property
			for _, x := range complexProperties(m, ct) {
				if x.Name == name {
					p = x
				}
			}
			if p == nil {
				return errorf(http.StatusBadRequest, "BadRequest", "$select: %s has no property %q", ct.Name, name)
			}
			next, _ := complexType(m, p.Type)
			if i < len(path)-1 || o != nil {
				if next == nil {
					return errorf(http.StatusBadRequest, "BadRequest", "$select: %s.%s is not a complex property", ct.Name, name)
				}
				ct = next
			}
		}
		if o == nil {
			return nil
		}
		if hasCollectionOptions(o) || o.Expand != nil || len(o.Unsupported) > 0 {
			return errorf(http.StatusNotImplemented, "NotImplemented", "$select into a complex property takes only a nested $select")
		}
		for _, it := range o.Select {
			if it.Star && len(it.Path) == 0 {
				continue
			}
			if it.Star || it.ParamNames != nil || len(it.Path) == 0 {
				return errorf(http.StatusNotImplemented, "NotImplemented", "$select into a complex property takes member paths")
			}
			if err := check(ct, it.Path, it.Options); err != nil {
				return err
			}
		}
		return nil
	}
	var opts *ast.Query
	if it.Options != nil {
		opts = it.Options
	}
	return check(ct, it.Path[1:], opts)
}

// isComplex reports whether name is a complex-typed property (or a
// collection of one) of the request's entity type.
func isComplex(r *request, name string) bool {
	_, ok := r.complexProps()[name]
	return ok
}
