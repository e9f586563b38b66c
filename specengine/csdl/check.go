package csdl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/temperhq/temper/specengine/diag"
)

// Check runs the semantic checks Parse runs (names resolve, keys are sound,
// names are unique, bindings and constraints point at what exists) on a
// model, typically one built in code. It returns a *diag.Error or nil.
func (m *Model) Check() error {
	var l diag.List
	check(m, &l)
	l.Sort()
	return l.Err()
}

type checker struct {
	m *Model
	r resolver
	d *diag.List
	// Caches keep the checks linear in the size of the model.
	entities  map[*EntityType]*structured
	complexes map[*ComplexType]*structured
	typeLists map[string][]string
	// setTypes maps the entity sets and singletons of the container being
	// checked to their types.
	setTypes map[string]string
}

// maxSuggestions bounds how many diagnostics get a "did you mean", each of
// which compares a name with every candidate.
const maxSuggestions = 100

func check(m *Model, d *diag.List) {
	c := &checker{
		m: m, r: indexed(m), d: d,
		entities:  map[*EntityType]*structured{},
		complexes: map[*ComplexType]*structured{},
		typeLists: map[string][]string{},
	}
	c.schemas()
	for _, s := range m.Schemas {
		c.schemaNames(s)
		for _, et := range s.EntityTypes {
			c.entityType(et)
		}
		for _, ct := range s.ComplexTypes {
			c.complexType(ct)
		}
		for _, e := range s.EnumTypes {
			c.enumType(e)
		}
		for _, td := range s.TypeDefinitions {
			c.typeDefinition(td)
		}
		for _, a := range s.Actions {
			c.operation("action", a.Name, a.IsBound, a.EntitySetPath, a.Parameters, a.ReturnType, a.Pos)
		}
		for _, f := range s.Functions {
			c.operation("function", f.Name, f.IsBound, f.EntitySetPath, f.Parameters, f.ReturnType, f.Pos)
		}
		for _, t := range s.Terms {
			c.term(t)
		}
		if s.EntityContainer != nil {
			c.container(s.EntityContainer)
		}
	}
	walkAnnotations(m, c.annotationList)
}

// schemas checks namespaces and aliases across the model.
func (c *checker) schemas() {
	used := map[string]bool{}
	for _, r := range c.m.References {
		for _, inc := range r.Includes {
			for _, name := range []string{inc.Namespace, inc.Alias} {
				if name != "" {
					used[name] = true
				}
			}
		}
	}
	containers := 0
	for _, s := range c.m.Schemas {
		if s.Namespace != "" {
			if contains(reservedNamespaces, s.Namespace) {
				c.d.Errorf(s.Pos, "namespace %s is reserved", s.Namespace)
			} else if used[s.Namespace] {
				c.d.Errorf(s.Pos, "duplicate namespace %s", s.Namespace)
			}
			used[s.Namespace] = true
		}
		if s.Alias != "" {
			if contains(reservedNamespaces, s.Alias) {
				c.d.Errorf(s.Pos, "alias %s is reserved", s.Alias)
			} else if used[s.Alias] {
				c.d.Errorf(s.Pos, "alias %s is already used as a namespace or alias", s.Alias)
			}
			used[s.Alias] = true
		}
		if s.EntityContainer != nil {
			containers++
			if containers > 1 {
				c.d.Errorf(s.EntityContainer.Pos, "extra entity container %s; a model has at most one", s.EntityContainer.Name)
			}
		}
	}
}

// schemaNames checks that the children of a schema have unique names,
// operations excepted, and that overloads differ as CSDL requires.
func (c *checker) schemaNames(s *Schema) {
	// Kinds are grouped in the model; the duplicate to report is the one
	// that comes later in the document.
	type named struct {
		name string
		op   string // "action", "function" or "" for the rest
		pos  diag.Pos
	}
	var all []named
	for _, x := range s.EnumTypes {
		all = append(all, named{x.Name, "", x.Pos})
	}
	for _, x := range s.TypeDefinitions {
		all = append(all, named{x.Name, "", x.Pos})
	}
	for _, x := range s.ComplexTypes {
		all = append(all, named{x.Name, "", x.Pos})
	}
	for _, x := range s.EntityTypes {
		all = append(all, named{x.Name, "", x.Pos})
	}
	for _, x := range s.Actions {
		all = append(all, named{x.Name, "action", x.Pos})
	}
	for _, x := range s.Functions {
		all = append(all, named{x.Name, "function", x.Pos})
	}
	for _, x := range s.Terms {
		all = append(all, named{x.Name, "", x.Pos})
	}
	if ec := s.EntityContainer; ec != nil {
		all = append(all, named{ec.Name, "", ec.Pos})
	}
	sortByPos(all, func(n named) diag.Pos { return n.pos })
	seen := map[string]string{} // name -> op kind of its first use
	for _, n := range all {
		if n.name == "" {
			continue
		}
		first, dup := seen[n.name]
		// Overloads of one action or one function share a name.
		if dup && (n.op == "" || first != n.op) {
			c.d.Errorf(n.pos, "duplicate name %s in schema %s", n.name, s.Namespace)
			continue
		}
		if !dup {
			seen[n.name] = n.op
		}
	}

	overloads := map[string]bool{}
	for _, a := range s.Actions {
		if a.IsBound && len(a.Parameters) == 0 {
			continue // reported as missing its binding parameter
		}
		key := a.Name + "|unbound"
		if a.IsBound {
			key = a.Name + "|" + c.canonicalType(a.Parameters[0].Type)
		}
		if overloads[key] {
			if a.IsBound {
				c.d.Errorf(a.Pos, "duplicate action %s bound to %s", a.Name, a.Parameters[0].Type)
			} else {
				c.d.Errorf(a.Pos, "duplicate unbound action %s", a.Name)
			}
		}
		overloads[key] = true
	}
	for _, f := range s.Functions {
		if f.IsBound && len(f.Parameters) == 0 {
			continue // reported as missing its binding parameter
		}
		params := f.Parameters
		key := f.Name + "|unbound"
		if f.IsBound {
			key = f.Name + "|" + c.canonicalType(params[0].Type)
			params = params[1:]
		}
		var names []string
		for _, p := range params {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		key += "|" + strings.Join(names, ",")
		if overloads["f:"+key] {
			c.d.Errorf(f.Pos, "duplicate function %s with the same binding parameter and parameter names", f.Name)
		}
		overloads["f:"+key] = true
	}
}

// canonicalType spells a type reference with namespaces instead of aliases.
func (c *checker) canonicalType(name string) string {
	if t, ok := c.r.resolveType(name); ok {
		return t.String()
	}
	return name
}

// resolve resolves a type reference, reporting an unknown one as "unknown
// <noun> <name> of <what>" with a suggestion. ok is false when the
// type does not resolve or was empty.
func (c *checker) resolve(name, noun, what string, pos diag.Pos, kinds ...TypeKind) (TypeRef, bool) {
	if name == "" {
		return TypeRef{}, false
	}
	t, ok := c.r.resolveType(name)
	if ok {
		return t, true
	}
	msg := fmt.Sprintf("unknown %s %s of %s", noun, name, what)
	s := c.nearest(ElementType(name), func() []string { return c.typeNames(kinds...) })
	if ElementType(name) == "Edm.DateTime" {
		s = "Edm.DateTimeOffset" // OData v2's type, the usual slip
	}
	if s != "" {
		if IsCollection(name) {
			s = CollectionOf(s)
		}
		msg += "; did you mean " + s + "?"
	}
	c.d.Errorf(pos, "%s", msg)
	return t, false
}

// typeNames lists the qualified names of the types of the given kinds (all
// kinds when none is given), for suggestions.
func (c *checker) typeNames(kinds ...TypeKind) []string {
	key := fmt.Sprint(kinds)
	if out, ok := c.typeLists[key]; ok {
		return out
	}
	want := func(k TypeKind) bool { return len(kinds) == 0 || slices.Contains(kinds, k) }
	var out []string
	if want(KindPrimitive) {
		out = append(out, edmNames(primitiveTypes)...)
	}
	if want(KindAbstract) {
		out = append(out, edmNames(abstractTypes)...)
	}
	for _, s := range c.m.Schemas {
		add := func(k TypeKind, name string) {
			if want(k) {
				out = append(out, s.Namespace+"."+name)
			}
		}
		for _, x := range s.EntityTypes {
			add(KindEntity, x.Name)
		}
		for _, x := range s.ComplexTypes {
			add(KindComplex, x.Name)
		}
		for _, x := range s.EnumTypes {
			add(KindEnum, x.Name)
		}
		for _, x := range s.TypeDefinitions {
			add(KindTypeDefinition, x.Name)
		}
	}
	c.typeLists[key] = out
	return out
}

var valueKinds = []TypeKind{KindPrimitive, KindAbstract, KindEnum, KindTypeDefinition, KindComplex}

// structured is an entity or a complex type, for the checks they share.
type structured struct {
	kind  string // "entity type" or "complex type"
	et    *EntityType
	ct    *ComplexType
	name  string
	base  string
	props []*Property
	navs  []*NavigationProperty
	pos   diag.Pos
	// allProps and allNavs include inherited members, by name: the first
	// declaration of a name, counting from the root base type, wins.
	allProps map[string]*Property
	allNavs  map[string]*NavigationProperty
	// propOrder lists the names of allProps in declaration order.
	propOrder []string
	// inherited names the members declared by base types.
	inherited map[string]bool
}

func newStructured(kind string, props [][]*Property, navs [][]*NavigationProperty) *structured {
	st := &structured{
		kind:      kind,
		allProps:  map[string]*Property{},
		allNavs:   map[string]*NavigationProperty{},
		inherited: map[string]bool{},
	}
	// props and navs run from the type itself to its root base type.
	for i := len(props) - 1; i >= 0; i-- {
		for _, p := range props[i] {
			if _, ok := st.allProps[p.Name]; !ok {
				st.allProps[p.Name] = p
				st.propOrder = append(st.propOrder, p.Name)
			}
			if i > 0 {
				st.inherited[p.Name] = true
			}
		}
		for _, n := range navs[i] {
			if _, ok := st.allNavs[n.Name]; !ok {
				st.allNavs[n.Name] = n
			}
			if i > 0 {
				st.inherited[n.Name] = true
			}
		}
	}
	return st
}

func (c *checker) asStructured(t TypeRef) (*structured, bool) {
	switch {
	case t.Entity != nil:
		return c.entityStructured(t.Entity), true
	case t.Complex != nil:
		return c.complexStructured(t.Complex), true
	}
	return nil, false
}

func (c *checker) entityStructured(et *EntityType) *structured {
	if st, ok := c.entities[et]; ok {
		return st
	}
	var props [][]*Property
	var navs [][]*NavigationProperty
	for _, t := range c.r.entityChain(et) {
		props = append(props, t.Properties)
		navs = append(navs, t.NavigationProperties)
	}
	st := newStructured("entity type", props, navs)
	st.et, st.name, st.base, st.pos = et, et.Name, et.BaseType, et.Pos
	st.props, st.navs = et.Properties, et.NavigationProperties
	c.entities[et] = st
	return st
}

func (c *checker) complexStructured(ct *ComplexType) *structured {
	if st, ok := c.complexes[ct]; ok {
		return st
	}
	var props [][]*Property
	var navs [][]*NavigationProperty
	for _, t := range c.r.complexChain(ct) {
		props = append(props, t.Properties)
		navs = append(navs, t.NavigationProperties)
	}
	st := newStructured("complex type", props, navs)
	st.ct, st.name, st.base, st.pos = ct, ct.Name, ct.BaseType, ct.Pos
	st.props, st.navs = ct.Properties, ct.NavigationProperties
	c.complexes[ct] = st
	return st
}

func (st *structured) prop(name string) *Property { return st.allProps[name] }

func (st *structured) nav(name string) *NavigationProperty { return st.allNavs[name] }

func (st *structured) propNames() []string { return st.propOrder }

func (st *structured) navNames() []string {
	var out []string
	for name := range st.allNavs {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// propertyPath follows a path of structural properties through complex
// properties (type casts allowed) and returns the last one.
func (c *checker) propertyPath(st *structured, path string) *Property {
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if strings.Contains(seg, ".") {
			t, ok := c.r.resolveType(seg)
			if !ok || t.Collection {
				return nil
			}
			if st, ok = c.asStructured(t); !ok {
				return nil
			}
			continue
		}
		p := st.prop(seg)
		if p == nil {
			return nil
		}
		if i == len(segs)-1 {
			return p
		}
		t, ok := c.r.resolveType(p.Type)
		if !ok || t.Collection || t.Complex == nil {
			return nil
		}
		st = c.complexStructured(t.Complex)
	}
	return nil
}

func (c *checker) entityType(et *EntityType) {
	st := c.entityStructured(et)
	c.baseType(st, KindEntity)
	c.members(st)
	c.key(et, st)
}

func (c *checker) complexType(ct *ComplexType) {
	st := c.complexStructured(ct)
	c.baseType(st, KindComplex)
	c.members(st)
}

func (c *checker) baseType(st *structured, kind TypeKind) {
	if st.base == "" {
		return
	}
	t, ok := c.resolve(st.base, "base type", st.kind+" "+st.name, st.pos, kind)
	if !ok {
		return
	}
	if t.Kind != kind || t.Collection {
		c.d.Errorf(st.pos, "base type %s of %s %s is not %s %s", st.base, st.kind, st.name, map[bool]string{true: "an", false: "a"}[kind == KindEntity], kind)
		return
	}
	// A cycle shows as a base chain that comes back to the type itself.
	var length int
	if st.et != nil {
		chain := c.r.entityChain(t.Entity)
		if slices.Contains(chain, st.et) {
			c.d.Errorf(st.pos, "%s %s inherits from itself", st.kind, st.name)
			return
		}
		length = len(chain)
	} else {
		chain := c.r.complexChain(t.Complex)
		if slices.Contains(chain, st.ct) {
			c.d.Errorf(st.pos, "%s %s inherits from itself", st.kind, st.name)
			return
		}
		length = len(chain)
	}
	if length > maxInheritance {
		c.d.Errorf(st.pos, "%s %s has more than %d levels of base types", st.kind, st.name, maxInheritance)
	}
}

// members checks the properties and navigation properties a structured
// type declares.
func (c *checker) members(st *structured) {
	type member struct {
		name string
		pos  diag.Pos
	}
	var all []member
	for _, p := range st.props {
		all = append(all, member{p.Name, p.Pos})
	}
	for _, n := range st.navs {
		all = append(all, member{n.Name, n.Pos})
	}
	sortByPos(all, func(m member) diag.Pos { return m.pos })
	seen := map[string]bool{}
	for _, m := range all {
		switch {
		case m.name == "":
		case seen[m.name]:
			c.d.Errorf(m.pos, "duplicate property %s in %s %s", m.name, st.kind, st.name)
		case st.inherited[m.name]:
			c.d.Errorf(m.pos, "property %s of %s %s is already declared by a base type", m.name, st.kind, st.name)
		}
		seen[m.name] = true
	}
	for _, p := range st.props {
		t, ok := c.resolve(p.Type, "type", "property "+p.Name, p.Pos, valueKinds...)
		if ok && (t.Kind == KindEntity || t.Name == "Edm.EntityType") {
			c.d.Errorf(p.Pos, "property %s has entity type %s; use a NavigationProperty", p.Name, p.Type)
		}
	}
	for _, n := range st.navs {
		c.navigationProperty(st, n)
	}
}

func (c *checker) navigationProperty(st *structured, n *NavigationProperty) {
	t, ok := c.resolve(n.Type, "type", "navigation property "+n.Name, n.Pos, KindEntity)
	if !ok {
		return
	}
	if t.Kind != KindEntity && t.Kind != KindExternal && t.Name != "Edm.EntityType" {
		c.d.Errorf(n.Pos, "navigation property %s has type %s, which is not an entity type", n.Name, n.Type)
		return
	}
	if t.Collection && n.Nullable != nil {
		c.d.Errorf(n.Pos, "collection-valued navigation property %s may not have Nullable", n.Name)
	}
	if t.Entity == nil {
		return
	}
	target := c.entityStructured(t.Entity)
	if n.Partner != "" && target.nav(n.Partner) == nil {
		c.d.Errorf(n.Pos, "partner %s of navigation property %s is not a navigation property of %s", n.Partner, n.Name, t.Name)
	}
	for _, rc := range n.ReferentialConstraints {
		dep := c.propertyPath(st, rc.Property)
		if rc.Property != "" && dep == nil {
			c.d.Errorf(rc.Pos, "referential constraint property %s is not a property of %s %s%s", rc.Property, st.kind, st.name, c.suggest(rc.Property, func() []string { return st.propNames() }))
		}
		prin := c.propertyPath(target, rc.ReferencedProperty)
		if rc.ReferencedProperty != "" && prin == nil {
			c.d.Errorf(rc.Pos, "referenced property %s is not a property of %s%s", rc.ReferencedProperty, t.Name, c.suggest(rc.ReferencedProperty, func() []string { return target.propNames() }))
		}
		if dep != nil && prin != nil && c.canonicalType(dep.Type) != c.canonicalType(prin.Type) {
			c.d.Errorf(rc.Pos, "referential constraint property %s has type %s, but %s has type %s", rc.Property, dep.Type, rc.ReferencedProperty, prin.Type)
		}
	}
}

// nearest is diag.Nearest for the first maxSuggestions diagnostics; later
// ones go without, so that hostile input cannot make checking quadratic.
func (c *checker) nearest(name string, candidates func() []string) string {
	if len(*c.d) >= maxSuggestions {
		return ""
	}
	return diag.Nearest(name, candidates())
}

// suggest renders "; did you mean X?" when a candidate is close to name.
func (c *checker) suggest(name string, candidates func() []string) string {
	if s := c.nearest(name, candidates); s != "" {
		return "; did you mean " + s + "?"
	}
	return ""
}

func (c *checker) key(et *EntityType, st *structured) {
	var inheritedFrom *EntityType
	for _, base := range c.r.entityChain(et)[1:] {
		if base.Key != nil {
			inheritedFrom = base
			break
		}
	}
	if et.Key == nil {
		chain := c.r.entityChain(et)
		// A base type that does not resolve, or a cycle, was reported
		// already and may be what would have supplied the key.
		broken := chain[len(chain)-1].BaseType != ""
		if inheritedFrom == nil && !et.Abstract && !broken {
			c.d.Errorf(et.Pos, "entity type %s has no key", et.Name)
		}
		return
	}
	if inheritedFrom != nil {
		c.d.Errorf(et.KeyPos, "entity type %s declares a key but inherits one from %s", et.Name, inheritedFrom.Name)
	}
	seen := map[string]bool{}
	for _, ref := range et.Key {
		if ref.Name == "" {
			continue
		}
		if seen[ref.Name] {
			c.d.Errorf(ref.Pos, "duplicate key property %s", ref.Name)
			continue
		}
		seen[ref.Name] = true
		path := strings.Contains(ref.Name, "/")
		if path && ref.Alias == "" {
			c.d.Errorf(ref.Pos, "key property path %s needs an Alias", ref.Name)
		}
		if !path && ref.Alias != "" {
			c.d.Errorf(ref.Pos, "key property %s is not a path and may not have an Alias", ref.Name)
		}
		p := c.propertyPath(st, ref.Name)
		if p == nil {
			c.d.Errorf(ref.Pos, "key property %s is not a property of entity type %s%s", ref.Name, et.Name, c.suggest(ref.Name, func() []string { return st.propNames() }))
			continue
		}
		if p.IsNullable() {
			c.d.Errorf(ref.Pos, "key property %s of entity type %s must have Nullable=\"false\"", ref.Name, et.Name)
		}
		t, ok := c.r.resolveType(p.Type)
		if !ok {
			continue // reported on the property
		}
		prim := t.Primitive()
		if t.Collection || (t.Kind != KindEnum && !contains(keyTypes, strings.TrimPrefix(prim, "Edm."))) {
			c.d.Errorf(ref.Pos, "key property %s has type %s, which cannot be a key", ref.Name, p.Type)
		}
	}
}

func (c *checker) enumType(e *EnumType) {
	underlying := e.UnderlyingType
	if underlying == "" {
		underlying = "Edm.Int32"
	}
	bounds, knownType := enumUnderlyingTypes[underlying]
	seen := map[string]bool{}
	withValue := 0
	for _, mb := range e.Members {
		if mb.Value != nil {
			withValue++
		}
	}
	for _, mb := range e.Members {
		if mb.Name != "" && seen[mb.Name] {
			c.d.Errorf(mb.Pos, "duplicate member %s in enum type %s", mb.Name, e.Name)
		}
		seen[mb.Name] = true
		switch {
		case mb.Value == nil && e.IsFlags:
			c.d.Errorf(mb.Pos, "member %s of flags enum type %s needs a Value", mb.Name, e.Name)
		case mb.Value == nil && withValue > 0:
			c.d.Errorf(mb.Pos, "member %s of enum type %s needs a Value, as other members have one", mb.Name, e.Name)
		case mb.Value != nil && e.IsFlags && *mb.Value < 0:
			c.d.Errorf(mb.Pos, "member %s of flags enum type %s has negative value %d", mb.Name, e.Name, *mb.Value)
		case mb.Value != nil && knownType && (*mb.Value < bounds[0] || *mb.Value > bounds[1]):
			c.d.Errorf(mb.Pos, "value %d of member %s is out of range for %s", *mb.Value, mb.Name, underlying)
		}
	}
	if !knownType {
		// Parse reports a bad UnderlyingType where it is written and
		// drops it; a model built in code learns it here.
		c.d.Errorf(e.Pos, "invalid UnderlyingType %s of enum type %s", e.UnderlyingType, e.Name)
	}
}

func (c *checker) typeDefinition(td *TypeDefinition) {
	t, ok := c.resolve(td.UnderlyingType, "underlying type", "type definition "+td.Name, td.Pos, KindPrimitive)
	if ok && (t.Kind != KindPrimitive || t.Collection) {
		c.d.Errorf(td.Pos, "underlying type %s of type definition %s is not a primitive type", td.UnderlyingType, td.Name)
	}
}

func (c *checker) operation(kind, name string, bound bool, entitySetPath string, params []*Parameter, ret *ReturnType, pos diag.Pos) {
	if bound && len(params) == 0 {
		c.d.Errorf(pos, "bound %s %s has no binding parameter", kind, name)
	}
	seen := map[string]bool{}
	for _, p := range params {
		if p.Name != "" && seen[p.Name] {
			c.d.Errorf(p.Pos, "duplicate parameter %s of %s %s", p.Name, kind, name)
		}
		seen[p.Name] = true
		c.resolve(p.Type, "type", "parameter "+p.Name+" of "+kind+" "+name, p.Pos)
	}
	if ret != nil {
		c.resolve(ret.Type, "return type", kind+" "+name, ret.Pos)
	}
	if entitySetPath != "" {
		switch {
		case !bound:
			c.d.Errorf(pos, "%s %s has an EntitySetPath but is not bound", kind, name)
		case len(params) > 0:
			first, _, _ := strings.Cut(entitySetPath, "/")
			if first != params[0].Name {
				c.d.Errorf(pos, "EntitySetPath %s of %s %s must start with the binding parameter %s", entitySetPath, kind, name, params[0].Name)
			}
		}
	}
}

func (c *checker) term(t *Term) {
	c.resolve(t.Type, "type", "term "+t.Name, t.Pos)
	if t.BaseTerm == "" {
		return
	}
	ns, _, _ := splitQualified(t.BaseTerm)
	if c.r.term(t.BaseTerm) == nil && !c.r.included(ns) {
		c.d.Errorf(t.Pos, "unknown base term %s of term %s", t.BaseTerm, t.Name)
	}
}

func (c *checker) container(ec *EntityContainer) {
	c.setTypes = map[string]string{}
	for _, es := range ec.EntitySets {
		if _, ok := c.setTypes[es.Name]; !ok {
			c.setTypes[es.Name] = es.EntityType
		}
	}
	for _, sg := range ec.Singletons {
		if _, ok := c.setTypes[sg.Name]; !ok {
			c.setTypes[sg.Name] = sg.Type
		}
	}
	seen := map[string]bool{}
	dup := func(name string, pos diag.Pos) {
		if name != "" && seen[name] {
			c.d.Errorf(pos, "duplicate name %s in entity container %s", name, ec.Name)
		}
		seen[name] = true
	}
	for _, es := range ec.EntitySets {
		dup(es.Name, es.Pos)
		t, ok := c.resolve(es.EntityType, "entity type", "entity set "+es.Name, es.Pos, KindEntity)
		if ok && (t.Collection || (t.Kind != KindEntity && t.Kind != KindExternal)) {
			c.d.Errorf(es.Pos, "entity set %s has type %s, which is not an entity type", es.Name, es.EntityType)
			ok = false
		}
		c.bindings(ec, "entity set "+es.Name, t, ok, es.NavigationPropertyBindings)
	}
	for _, sg := range ec.Singletons {
		dup(sg.Name, sg.Pos)
		t, ok := c.resolve(sg.Type, "type", "singleton "+sg.Name, sg.Pos, KindEntity)
		if ok && (t.Collection || (t.Kind != KindEntity && t.Kind != KindExternal)) {
			c.d.Errorf(sg.Pos, "singleton %s has type %s, which is not an entity type", sg.Name, sg.Type)
			ok = false
		}
		c.bindings(ec, "singleton "+sg.Name, t, ok, sg.NavigationPropertyBindings)
	}
	for _, ai := range ec.ActionImports {
		dup(ai.Name, ai.Pos)
		if ai.Action == "" {
			continue
		}
		ns, _, _ := splitQualified(ai.Action)
		actions := c.m.Actions(ai.Action)
		switch {
		case len(actions) == 0 && strings.Contains(ai.Action, ".") && c.r.included(ns):
		case len(actions) == 0:
			c.d.Errorf(ai.Pos, "action import %s names unknown action %s%s", ai.Name, ai.Action, c.suggest(ai.Action, func() []string { return c.operationNames(true) }))
		case !slices.ContainsFunc(actions, func(a *Action) bool { return !a.IsBound }):
			c.d.Errorf(ai.Pos, "action import %s names bound action %s; only unbound actions can be imported", ai.Name, ai.Action)
		}
		c.importSet(ec, "action import "+ai.Name, ai.EntitySet, ai.Pos)
	}
	for _, fi := range ec.FunctionImports {
		dup(fi.Name, fi.Pos)
		if fi.Function == "" {
			continue
		}
		ns, _, _ := splitQualified(fi.Function)
		fns := c.m.Functions(fi.Function)
		switch {
		case len(fns) == 0 && strings.Contains(fi.Function, ".") && c.r.included(ns):
		case len(fns) == 0:
			c.d.Errorf(fi.Pos, "function import %s names unknown function %s%s", fi.Name, fi.Function, c.suggest(fi.Function, func() []string { return c.operationNames(false) }))
		case !slices.ContainsFunc(fns, func(f *Function) bool { return !f.IsBound }):
			c.d.Errorf(fi.Pos, "function import %s names bound function %s; only unbound functions can be imported", fi.Name, fi.Function)
		}
		c.importSet(ec, "function import "+fi.Name, fi.EntitySet, fi.Pos)
	}
}

func (c *checker) operationNames(actions bool) []string {
	var out []string
	for _, s := range c.m.Schemas {
		if actions {
			for _, a := range s.Actions {
				out = append(out, s.Namespace+"."+a.Name)
			}
		} else {
			for _, f := range s.Functions {
				out = append(out, s.Namespace+"."+f.Name)
			}
		}
	}
	return out
}

func (c *checker) importSet(ec *EntityContainer, what, set string, pos diag.Pos) {
	if set == "" {
		return
	}
	if _, ok := c.target(ec, set); !ok {
		c.d.Errorf(pos, "entity set %s of %s is not in entity container %s", set, what, ec.Name)
	}
}

func (c *checker) setNames(ec *EntityContainer) []string {
	var out []string
	for _, es := range ec.EntitySets {
		out = append(out, es.Name)
	}
	for _, sg := range ec.Singletons {
		out = append(out, sg.Name)
	}
	return out
}

// target resolves a binding target (Set, Namespace.Container/Set, either
// followed by containment navigation) to the entity type it holds; it is
// nil, with ok true, when that type is not known.
func (c *checker) target(ec *EntityContainer, target string) (*EntityType, bool) {
	segs := strings.Split(target, "/")
	if strings.Contains(segs[0], ".") {
		ns, name, _ := splitQualified(segs[0])
		s := c.r.schema(ns)
		if s == nil || s.EntityContainer != ec || name != ec.Name || len(segs) < 2 {
			return nil, false
		}
		segs = segs[1:]
	}
	typ, found := c.setTypes[segs[0]]
	if !found {
		return nil, false
	}
	t, _ := c.r.resolveType(typ)
	et := t.Entity
	for _, seg := range segs[1:] {
		if et == nil {
			return nil, true
		}
		st := c.entityStructured(et)
		if strings.Contains(seg, ".") {
			if et = c.r.entityType(seg); et == nil {
				return nil, false
			}
			continue
		}
		n := st.nav(seg)
		if n == nil {
			return nil, false
		}
		nt, _ := c.r.resolveType(n.Type)
		et = nt.Entity
	}
	return et, true
}

// navPath resolves a navigation property binding path against the entity
// type of a set: complex properties and type casts, then a navigation
// property.
func (c *checker) navPath(et *EntityType, path string) *NavigationProperty {
	st := c.entityStructured(et)
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		last := i == len(segs)-1
		if strings.Contains(seg, ".") {
			t, ok := c.r.resolveType(seg)
			if !ok || t.Collection || last {
				return nil
			}
			if st, ok = c.asStructured(t); !ok {
				return nil
			}
			continue
		}
		if n := st.nav(seg); n != nil {
			if last {
				return n
			}
			t, _ := c.r.resolveType(n.Type)
			if !n.ContainsTarget || t.Entity == nil {
				return nil
			}
			st = c.entityStructured(t.Entity)
			continue
		}
		p := st.prop(seg)
		if p == nil || last {
			return nil
		}
		t, ok := c.r.resolveType(p.Type)
		if !ok || t.Complex == nil {
			return nil
		}
		st = c.complexStructured(t.Complex)
	}
	return nil
}

func (c *checker) bindings(ec *EntityContainer, what string, t TypeRef, ok bool, bs []*NavigationPropertyBinding) {
	seen := map[string]bool{}
	for _, b := range bs {
		if b.Path != "" && seen[b.Path] {
			c.d.Errorf(b.Pos, "duplicate navigation property binding %s in %s", b.Path, what)
		}
		seen[b.Path] = true
		var nav *NavigationProperty
		if ok && t.Entity != nil && b.Path != "" {
			nav = c.navPath(t.Entity, b.Path)
			if nav == nil {
				st := c.entityStructured(t.Entity)
				c.d.Errorf(b.Pos, "navigation property binding path %s of %s is not a navigation property of %s%s", b.Path, what, t.Name, c.suggest(b.Path, st.navNames))
			}
		}
		if b.Target == "" {
			continue
		}
		targetType, found := c.target(ec, b.Target)
		if !found {
			c.d.Errorf(b.Pos, "navigation property binding target %s of %s is not an entity set or singleton of %s%s", b.Target, what, ec.Name, c.suggest(b.Target, func() []string { return c.setNames(ec) }))
			continue
		}
		if nav == nil || targetType == nil {
			continue
		}
		nt, _ := c.r.resolveType(nav.Type)
		if nt.Entity != nil && !c.related(nt.Entity, targetType) {
			c.d.Errorf(b.Pos, "navigation property binding %s targets %s of type %s, but the navigation property has type %s", b.Path, b.Target, c.m.QualifiedName(targetType), nt.Name)
		}
	}
}

// related reports whether one of a and b derives from (or is) the other.
func (c *checker) related(a, b *EntityType) bool {
	return slices.Contains(c.r.entityChain(a), b) || slices.Contains(c.r.entityChain(b), a)
}

// annotationList checks that a model element is not annotated twice with
// the same term and qualifier.
func (c *checker) annotationList(anns []*Annotation) {
	seen := map[string]bool{}
	for _, a := range anns {
		if a.Term == "" {
			continue
		}
		key := c.r.canonicalName(a.Term) + "#" + a.Qualifier
		if seen[key] {
			name := a.Term
			if a.Qualifier != "" {
				name += "#" + a.Qualifier
			}
			c.d.Errorf(a.Pos, "duplicate annotation %s", name)
		}
		seen[key] = true
	}
}

// walkAnnotations calls fn with every annotation list of the model.
func walkAnnotations(m *Model, fn func([]*Annotation)) {
	var ann func([]*Annotation)
	var expr func(*Expr)
	expr = func(e *Expr) {
		if e == nil {
			return
		}
		ann(e.Annotations)
		for _, op := range e.Operands {
			expr(op)
		}
	}
	ann = func(list []*Annotation) {
		fn(list)
		for _, a := range list {
			ann(a.Annotations)
			expr(a.Value)
		}
	}
	for _, r := range m.References {
		ann(r.Annotations)
		for _, inc := range r.Includes {
			ann(inc.Annotations)
		}
	}
	structural := func(props []*Property, navs []*NavigationProperty) {
		for _, p := range props {
			ann(p.Annotations)
		}
		for _, n := range navs {
			ann(n.Annotations)
			for _, rc := range n.ReferentialConstraints {
				ann(rc.Annotations)
			}
			if n.OnDelete != nil {
				ann(n.OnDelete.Annotations)
			}
		}
	}
	params := func(ps []*Parameter, rt *ReturnType) {
		for _, p := range ps {
			ann(p.Annotations)
		}
		if rt != nil {
			ann(rt.Annotations)
		}
	}
	for _, s := range m.Schemas {
		ann(s.Annotations)
		for _, x := range s.EnumTypes {
			ann(x.Annotations)
			for _, mb := range x.Members {
				ann(mb.Annotations)
			}
		}
		for _, x := range s.TypeDefinitions {
			ann(x.Annotations)
		}
		for _, x := range s.ComplexTypes {
			ann(x.Annotations)
			structural(x.Properties, x.NavigationProperties)
		}
		for _, x := range s.EntityTypes {
			ann(x.Annotations)
			structural(x.Properties, x.NavigationProperties)
		}
		for _, x := range s.Actions {
			ann(x.Annotations)
			params(x.Parameters, x.ReturnType)
		}
		for _, x := range s.Functions {
			ann(x.Annotations)
			params(x.Parameters, x.ReturnType)
		}
		for _, x := range s.Terms {
			ann(x.Annotations)
		}
		if ec := s.EntityContainer; ec != nil {
			ann(ec.Annotations)
			for _, x := range ec.EntitySets {
				ann(x.Annotations)
			}
			for _, x := range ec.Singletons {
				ann(x.Annotations)
			}
			for _, x := range ec.ActionImports {
				ann(x.Annotations)
			}
			for _, x := range ec.FunctionImports {
				ann(x.Annotations)
			}
		}
		for _, x := range s.ExternalAnnotations {
			ann(x.Annotations)
		}
	}
}

// sortByPos orders xs by document position, keeping the order of elements
// without one (models built in code).
func sortByPos[T any](xs []T, pos func(T) diag.Pos) {
	slices.SortStableFunc(xs, func(a, b T) int {
		pa, pb := pos(a), pos(b)
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return pa.Col - pb.Col
	})
}
