package csdl

import "strings"

// maxInheritance bounds how many base types a chain of BaseType references
// is followed through, so that hostile input cannot make the checks
// quadratic in the number of types. Real models stay in single digits.
const maxInheritance = 64

// resolver resolves names against a model. The Model's lookup methods use
// it without an index: they scan, so they stay right however the model is
// edited between calls. The checker indexes the model once, so that checking
// a large model stays linear. Both go through the same code; only the last
// step, finding a name in a table, differs.
type resolver struct {
	m *Model
	// The indexes are nil for a scanning resolver.
	schemas  map[string]*Schema
	types    map[*Schema]map[string]TypeRef
	terms    map[string]*Term
	includes map[string]bool
	aliases  map[string]string // alias -> namespace
}

func scanner(m *Model) resolver { return resolver{m: m} }

// indexed builds a resolver whose lookups are map reads. Every index keeps
// the first match, as the scans do.
func indexed(m *Model) resolver {
	r := resolver{
		m:        m,
		schemas:  map[string]*Schema{},
		types:    map[*Schema]map[string]TypeRef{},
		terms:    map[string]*Term{},
		includes: map[string]bool{},
		aliases:  map[string]string{},
	}
	setSchema := func(k string, s *Schema) {
		if _, ok := r.schemas[k]; k != "" && !ok {
			r.schemas[k] = s
		}
	}
	for _, s := range m.Schemas {
		setSchema(s.Namespace, s)
		setSchema(s.Alias, s)
		if _, ok := r.aliases[s.Alias]; s.Alias != "" && !ok {
			r.aliases[s.Alias] = s.Namespace
		}
		if _, ok := r.types[s]; !ok {
			r.types[s] = typeTable(s)
		}
		for _, prefix := range []string{s.Namespace, s.Alias} {
			if prefix == "" {
				continue
			}
			for _, t := range s.Terms {
				if _, ok := r.terms[prefix+"."+t.Name]; !ok {
					r.terms[prefix+"."+t.Name] = t
				}
			}
		}
	}
	for _, ref := range m.References {
		for _, inc := range ref.Includes {
			r.includes[inc.Namespace] = true
			if inc.Alias != "" {
				r.includes[inc.Alias] = true
				if _, ok := r.aliases[inc.Alias]; !ok {
					r.aliases[inc.Alias] = inc.Namespace
				}
			}
		}
	}
	return r
}

// typeTable lists the types of a schema by simple name, the first of each
// name winning in the order findType searches.
func typeTable(s *Schema) map[string]TypeRef {
	tab := map[string]TypeRef{}
	set := func(name string, t TypeRef) {
		if _, ok := tab[name]; !ok {
			t.Schema, t.Name = s, s.Namespace+"."+name
			tab[name] = t
		}
	}
	for _, x := range s.EntityTypes {
		set(x.Name, TypeRef{Kind: KindEntity, Entity: x})
	}
	for _, x := range s.ComplexTypes {
		set(x.Name, TypeRef{Kind: KindComplex, Complex: x})
	}
	for _, x := range s.EnumTypes {
		set(x.Name, TypeRef{Kind: KindEnum, Enum: x})
	}
	for _, x := range s.TypeDefinitions {
		set(x.Name, TypeRef{Kind: KindTypeDefinition, TypeDefinition: x})
	}
	return tab
}

func (r resolver) schema(namespaceOrAlias string) *Schema {
	if namespaceOrAlias == "" {
		return nil
	}
	if r.schemas != nil {
		return r.schemas[namespaceOrAlias]
	}
	for _, s := range r.m.Schemas {
		if s.Namespace == namespaceOrAlias || s.Alias == namespaceOrAlias {
			return s
		}
	}
	return nil
}

// included reports whether ns is a namespace or alias included from a
// referenced document.
func (r resolver) included(ns string) bool {
	if r.includes != nil {
		return ns != "" && r.includes[ns]
	}
	for _, ref := range r.m.References {
		for _, inc := range ref.Includes {
			if inc.Namespace == ns || (inc.Alias != "" && inc.Alias == ns) {
				return true
			}
		}
	}
	return false
}

// findType finds a type of s by simple name; Kind is KindUnknown when there
// is none.
func (r resolver) findType(s *Schema, simple string) TypeRef {
	if r.types != nil {
		return r.types[s][simple]
	}
	var t TypeRef
	for _, x := range s.EntityTypes {
		if x.Name == simple {
			t.Kind, t.Entity = KindEntity, x
			break
		}
	}
	for i := 0; t.Kind == KindUnknown && i < len(s.ComplexTypes); i++ {
		if x := s.ComplexTypes[i]; x.Name == simple {
			t.Kind, t.Complex = KindComplex, x
		}
	}
	for i := 0; t.Kind == KindUnknown && i < len(s.EnumTypes); i++ {
		if x := s.EnumTypes[i]; x.Name == simple {
			t.Kind, t.Enum = KindEnum, x
		}
	}
	for i := 0; t.Kind == KindUnknown && i < len(s.TypeDefinitions); i++ {
		if x := s.TypeDefinitions[i]; x.Name == simple {
			t.Kind, t.TypeDefinition = KindTypeDefinition, x
		}
	}
	if t.Kind != KindUnknown {
		t.Schema, t.Name = s, s.Namespace+"."+simple
	}
	return t
}

func (r resolver) resolveType(name string) (TypeRef, bool) {
	elem, coll := collectionElem(name)
	if !coll {
		elem = name
	}
	t := TypeRef{Name: elem, Collection: coll}
	if _, nested := collectionElem(elem); nested {
		return t, false
	}
	if rest, ok := strings.CutPrefix(elem, "Edm."); ok {
		switch {
		case contains(primitiveTypes, rest):
			t.Kind = KindPrimitive
		case contains(abstractTypes, rest):
			t.Kind = KindAbstract
		default:
			return t, false
		}
		return t, true
	}
	ns, simple, ok := splitQualified(elem)
	if !ok {
		return t, false
	}
	s := r.schema(ns)
	if s == nil {
		if r.included(ns) {
			t.Kind = KindExternal
			return t, true
		}
		return t, false
	}
	found := r.findType(s, simple)
	if found.Kind == KindUnknown {
		return t, false
	}
	found.Collection = coll
	return found, true
}

// split resolves the namespace part of a qualified name. An unqualified name
// is looked up in the main schema.
func (r resolver) split(name string) (*Schema, string) {
	ns, simple, ok := splitQualified(name)
	if !ok {
		return r.m.MainSchema(), name
	}
	return r.schema(ns), simple
}

func (r resolver) entityType(name string) *EntityType {
	s, simple := r.split(name)
	if s == nil {
		return nil
	}
	return r.findType(s, simple).Entity
}

func (r resolver) term(name string) *Term {
	if r.terms != nil {
		return r.terms[name]
	}
	for _, s := range r.m.Schemas {
		for _, prefix := range []string{s.Namespace, s.Alias} {
			rest, ok := strings.CutPrefix(name, prefix+".")
			if prefix == "" || !ok {
				continue
			}
			for _, t := range s.Terms {
				if t.Name == rest {
					return t
				}
			}
		}
	}
	return nil
}

func (r resolver) canonicalName(name string) string {
	alias, rest, ok := strings.Cut(name, ".")
	if !ok {
		return name
	}
	if r.aliases != nil {
		if ns, ok := r.aliases[alias]; ok {
			return ns + "." + rest
		}
		return name
	}
	for _, s := range r.m.Schemas {
		if s.Alias != "" && s.Alias == alias {
			return s.Namespace + "." + rest
		}
	}
	for _, ref := range r.m.References {
		for _, inc := range ref.Includes {
			if inc.Alias != "" && inc.Alias == alias {
				return inc.Namespace + "." + rest
			}
		}
	}
	return name
}

func (r resolver) baseType(et *EntityType) *EntityType {
	if et == nil || et.BaseType == "" {
		return nil
	}
	t, ok := r.resolveType(et.BaseType)
	if !ok || t.Collection {
		return nil
	}
	return t.Entity
}

// entityChain returns et followed by its base types, stopping at a cycle, at
// a base that does not resolve, or after maxInheritance base types.
func (r resolver) entityChain(et *EntityType) []*EntityType {
	var out []*EntityType
	for et != nil && len(out) <= maxInheritance {
		for _, seen := range out {
			if seen == et {
				return out
			}
		}
		out = append(out, et)
		et = r.baseType(et)
	}
	return out
}

// complexChain is entityChain for complex types.
func (r resolver) complexChain(ct *ComplexType) []*ComplexType {
	var out []*ComplexType
	for ct != nil && len(out) <= maxInheritance {
		for _, seen := range out {
			if seen == ct {
				return out
			}
		}
		out = append(out, ct)
		if ct.BaseType == "" {
			break
		}
		t, ok := r.resolveType(ct.BaseType)
		if !ok || t.Collection {
			break
		}
		ct = t.Complex
	}
	return out
}

func (r resolver) allProperties(et *EntityType) []*Property {
	chain := r.entityChain(et)
	var out []*Property
	for i := len(chain) - 1; i >= 0; i-- {
		out = append(out, chain[i].Properties...)
	}
	return out
}

func (r resolver) allNavigationProperties(et *EntityType) []*NavigationProperty {
	chain := r.entityChain(et)
	var out []*NavigationProperty
	for i := len(chain) - 1; i >= 0; i-- {
		out = append(out, chain[i].NavigationProperties...)
	}
	return out
}
