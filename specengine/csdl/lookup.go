package csdl

// TypeKind classifies what a type reference resolves to.
type TypeKind int

const (
	// KindUnknown means the name resolves to nothing.
	KindUnknown TypeKind = iota
	// KindPrimitive is a concrete Edm primitive type such as Edm.String.
	KindPrimitive
	// KindAbstract is an abstract Edm type such as Edm.Untyped or
	// Edm.EntityType.
	KindAbstract
	// KindEnum is an enumeration type of the model.
	KindEnum
	// KindTypeDefinition is a type definition of the model.
	KindTypeDefinition
	// KindComplex is a complex type of the model.
	KindComplex
	// KindEntity is an entity type of the model.
	KindEntity
	// KindExternal is a type in a namespace included from a referenced
	// document; it is accepted but not looked into.
	KindExternal
)

// String names the kind as CSDL does.
func (k TypeKind) String() string {
	switch k {
	case KindPrimitive:
		return "primitive type"
	case KindAbstract:
		return "abstract type"
	case KindEnum:
		return "enum type"
	case KindTypeDefinition:
		return "type definition"
	case KindComplex:
		return "complex type"
	case KindEntity:
		return "entity type"
	case KindExternal:
		return "external type"
	}
	return "unknown type"
}

// TypeRef is a resolved type reference.
type TypeRef struct {
	// Name is the qualified name of the (element) type with any alias
	// replaced by its namespace, e.g. Temper.Order or Edm.String.
	Name string
	// Collection is set for Collection(...) references.
	Collection bool
	Kind       TypeKind
	// Schema is the schema declaring the type, for kinds of the model.
	Schema         *Schema
	Entity         *EntityType
	Complex        *ComplexType
	Enum           *EnumType
	TypeDefinition *TypeDefinition
}

// IsPrimitive reports whether the (element) type is a concrete primitive.
func (t TypeRef) IsPrimitive() bool { return t.Kind == KindPrimitive }

// IsEnum reports whether the (element) type is an enumeration.
func (t TypeRef) IsEnum() bool { return t.Kind == KindEnum }

// IsComplex reports whether the (element) type is a complex type.
func (t TypeRef) IsComplex() bool { return t.Kind == KindComplex }

// IsEntity reports whether the (element) type is an entity type.
func (t TypeRef) IsEntity() bool { return t.Kind == KindEntity }

// IsCollection reports whether the reference is Collection(...).
func (t TypeRef) IsCollection() bool { return t.Collection }

// Primitive returns the primitive type values of the type are stored as:
// the type itself for primitives, the underlying type of a type definition
// and of an enumeration (Edm.Int32 unless declared). It is "" otherwise.
func (t TypeRef) Primitive() string {
	switch t.Kind {
	case KindPrimitive:
		return t.Name
	case KindTypeDefinition:
		return t.TypeDefinition.UnderlyingType
	case KindEnum:
		if t.Enum.UnderlyingType == "" {
			return "Edm.Int32"
		}
		return t.Enum.UnderlyingType
	}
	return ""
}

// String renders the reference in canonical form.
func (t TypeRef) String() string {
	if t.Collection {
		return CollectionOf(t.Name)
	}
	return t.Name
}

// MainSchema returns the schema holding the entity container, or the first
// schema when there is no container. It is nil for an empty model.
func (m *Model) MainSchema() *Schema {
	for _, s := range m.Schemas {
		if s.EntityContainer != nil {
			return s
		}
	}
	if len(m.Schemas) > 0 {
		return m.Schemas[0]
	}
	return nil
}

// Namespace returns the namespace of the main schema (see MainSchema), the
// one bound actions are addressed with.
func (m *Model) Namespace() string {
	if s := m.MainSchema(); s != nil {
		return s.Namespace
	}
	return ""
}

// Schema returns the schema with the given namespace or alias.
func (m *Model) Schema(namespaceOrAlias string) *Schema {
	return scanner(m).schema(namespaceOrAlias)
}

// ResolveType resolves a type reference: Collection(T) or T, where T is a
// primitive or abstract Edm type or a type of the model qualified by its
// schema's namespace or alias. Types of namespaces included from referenced
// documents resolve with KindExternal. ok is false when nothing matches.
func (m *Model) ResolveType(name string) (TypeRef, bool) {
	return scanner(m).resolveType(name)
}

// EntityType returns the entity type with the given name, qualified by
// namespace or alias; an unqualified name is looked up in the main schema.
// It returns nil when there is none.
func (m *Model) EntityType(name string) *EntityType {
	return scanner(m).entityType(name)
}

// ComplexType returns the complex type with the given name, resolved like
// EntityType.
func (m *Model) ComplexType(name string) *ComplexType {
	r := scanner(m)
	s, simple := r.split(name)
	if s == nil {
		return nil
	}
	return r.findType(s, simple).Complex
}

// EnumType returns the enumeration type with the given name, resolved like
// EntityType.
func (m *Model) EnumType(name string) *EnumType {
	r := scanner(m)
	s, simple := r.split(name)
	if s == nil {
		return nil
	}
	return r.findType(s, simple).Enum
}

// Term returns the term with the given qualified name. Terms whose own name
// contains dots (StateMachine.States) are found too.
func (m *Model) Term(name string) *Term {
	return scanner(m).term(name)
}

// QualifiedName returns Namespace.Name of an entity type of the model, or
// "" when et is not part of it.
func (m *Model) QualifiedName(et *EntityType) string {
	for _, s := range m.Schemas {
		for _, x := range s.EntityTypes {
			if x == et {
				return s.Namespace + "." + et.Name
			}
		}
	}
	return ""
}

// Container returns the model's entity container, or nil.
func (m *Model) Container() *EntityContainer {
	for _, s := range m.Schemas {
		if s.EntityContainer != nil {
			return s.EntityContainer
		}
	}
	return nil
}

// EntitySet returns the entity set of the container with the given name,
// or nil.
func (m *Model) EntitySet(name string) *EntitySet {
	c := m.Container()
	if c == nil {
		return nil
	}
	for _, es := range c.EntitySets {
		if es.Name == name {
			return es
		}
	}
	return nil
}

// Singleton returns the singleton of the container with the given name, or
// nil.
func (m *Model) Singleton(name string) *Singleton {
	c := m.Container()
	if c == nil {
		return nil
	}
	for _, sg := range c.Singletons {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

// EntitySetsOf returns the entity sets whose entity type is exactly the
// named one (resolved like EntityType), in container order.
func (m *Model) EntitySetsOf(entityType string) []*EntitySet {
	et := m.EntityType(entityType)
	c := m.Container()
	if et == nil || c == nil {
		return nil
	}
	var out []*EntitySet
	for _, es := range c.EntitySets {
		if t, ok := m.ResolveType(es.EntityType); ok && !t.Collection && t.Entity == et {
			out = append(out, es)
		}
	}
	return out
}

// BoundAction is an action bound to an entity type.
type BoundAction struct {
	Action *Action
	// Collection is set when the binding parameter is Collection(T): the
	// action applies to the entity set, not to one entity.
	Collection bool
}

// BoundFunction is a function bound to an entity type.
type BoundFunction struct {
	Function *Function
	// Collection is set when the binding parameter is Collection(T).
	Collection bool
}

// BoundActions returns the actions whose binding parameter (the first
// parameter of a bound action) has the named entity type, resolved like
// EntityType, or Collection of it. Actions bound to a base type apply to
// derived types too and follow the type's own, unless the type has one of
// the same name and collection-ness.
func (m *Model) BoundActions(entityType string) []BoundAction {
	var out []BoundAction
	seen := map[string]bool{}
	for _, et := range scanner(m).entityChain(m.EntityType(entityType)) {
		for _, s := range m.Schemas {
			for _, a := range s.Actions {
				if coll, ok := m.bindsTo(a.IsBound, a.Parameters, et); ok {
					k := s.Namespace + "." + a.Name + "/" + boolKey(coll)
					if !seen[k] {
						seen[k] = true
						out = append(out, BoundAction{Action: a, Collection: coll})
					}
				}
			}
		}
	}
	return out
}

// BoundFunctions returns the functions bound to the named entity type, the
// way BoundActions does for actions. Overloads are all returned.
func (m *Model) BoundFunctions(entityType string) []BoundFunction {
	var out []BoundFunction
	for _, et := range scanner(m).entityChain(m.EntityType(entityType)) {
		for _, s := range m.Schemas {
			for _, f := range s.Functions {
				if coll, ok := m.bindsTo(f.IsBound, f.Parameters, et); ok {
					out = append(out, BoundFunction{Function: f, Collection: coll})
				}
			}
		}
	}
	return out
}

func boolKey(b bool) string {
	if b {
		return "c"
	}
	return "s"
}

func (m *Model) bindsTo(bound bool, params []*Parameter, et *EntityType) (collection, ok bool) {
	if !bound || len(params) == 0 || et == nil {
		return false, false
	}
	t, found := m.ResolveType(params[0].Type)
	if !found || t.Entity != et {
		return false, false
	}
	return t.Collection, true
}

// Actions returns the actions (overloads included) with the given name,
// resolved like EntityType.
func (m *Model) Actions(name string) []*Action {
	s, simple := scanner(m).split(name)
	if s == nil {
		return nil
	}
	var out []*Action
	for _, a := range s.Actions {
		if a.Name == simple {
			out = append(out, a)
		}
	}
	return out
}

// Functions returns the functions (overloads included) with the given name,
// resolved like EntityType.
func (m *Model) Functions(name string) []*Function {
	s, simple := scanner(m).split(name)
	if s == nil {
		return nil
	}
	var out []*Function
	for _, f := range s.Functions {
		if f.Name == simple {
			out = append(out, f)
		}
	}
	return out
}

// BaseType returns the entity type et derives from, or nil.
func (m *Model) BaseType(et *EntityType) *EntityType {
	return scanner(m).baseType(et)
}

// KeyOf returns the key of et, declared on it or inherited from a base type.
func (m *Model) KeyOf(et *EntityType) []*PropertyRef {
	for _, t := range scanner(m).entityChain(et) {
		if t.Key != nil {
			return t.Key
		}
	}
	return nil
}

// AllProperties returns the structural properties of et, inherited ones
// first.
func (m *Model) AllProperties(et *EntityType) []*Property {
	return scanner(m).allProperties(et)
}

// AllNavigationProperties returns the navigation properties of et,
// inherited ones first.
func (m *Model) AllNavigationProperties(et *EntityType) []*NavigationProperty {
	return scanner(m).allNavigationProperties(et)
}

// Property returns the structural property of et (or of a base type) with
// the given name, or nil.
func (m *Model) Property(et *EntityType, name string) *Property {
	for _, p := range m.AllProperties(et) {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// NavigationProperty returns the navigation property of et (or of a base
// type) with the given name, or nil.
func (m *Model) NavigationProperty(et *EntityType, name string) *NavigationProperty {
	for _, n := range m.AllNavigationProperties(et) {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// CanonicalName replaces a schema or include alias at the start of a
// qualified name by the namespace it stands for.
func (m *Model) CanonicalName(name string) string {
	return scanner(m).canonicalName(name)
}

// FindAnnotation returns the annotation in anns applying term (qualified by
// namespace or alias) with the given qualifier ("" for none), or nil.
func (m *Model) FindAnnotation(anns []*Annotation, term, qualifier string) *Annotation {
	want := m.CanonicalName(term)
	for _, a := range anns {
		if a.Qualifier == qualifier && m.CanonicalName(a.Term) == want {
			return a
		}
	}
	return nil
}
