package csdl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/temperhq/temper/specengine/diag"
)

// Parse reads a CSDL XML document. filename only labels positions. It
// reports every problem it finds, structural (an element or attribute CSDL
// does not define, a missing attribute, a malformed value) and semantic (a
// type that does not resolve, a key property that is nullable, a duplicate
// name, ...), as one *diag.Error; the model is returned only when there is
// none.
//
// Annotation terms and the targets of Annotations elements are not
// resolved: they usually name vocabularies the document only references.
//
// Guarding the input size is the caller's job; nesting depth is bounded
// here.
func Parse(filename string, data []byte) (*Model, error) {
	p := &parser{lines: newLineIndex(filename, data)}
	root := readTree(p.lines, data, &p.diags)
	var m *Model
	if root != nil {
		m = p.edmx(root)
	}
	if m != nil {
		check(m, &p.diags)
	}
	p.diags.Sort()
	if err := p.diags.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

type parser struct {
	lines *lineIndex
	diags diag.List
}

// edmxElements are the elements of the edmx namespace; every other CSDL
// element is in the edm namespace.
var edmxElements = []string{"Edmx", "Reference", "Include", "IncludeAnnotations", "DataServices"}

// edmElements are the non-expression elements of the edm namespace.
var edmElements = []string{
	"Schema", "EntityType", "ComplexType", "Key", "PropertyRef", "Property",
	"NavigationProperty", "ReferentialConstraint", "OnDelete", "EnumType",
	"Member", "TypeDefinition", "Action", "Function", "Parameter", "ReturnType",
	"EntityContainer", "EntitySet", "Singleton", "NavigationPropertyBinding",
	"ActionImport", "FunctionImport", "Term", "Annotations", "Annotation",
}

func isKnownElement(local string) bool {
	_, expr := exprShapes[local]
	return expr || contains(edmElements, local) || contains(edmxElements, local)
}

func namespaceOf(local string) string {
	if contains(edmxElements, local) {
		return NamespaceEdmx
	}
	return NamespaceEdm
}

// display renders an element name as it is usually written.
func display(n *node) string {
	if n.name.Space == NamespaceEdmx {
		return "<edmx:" + n.name.Local + ">"
	}
	return "<" + n.name.Local + ">"
}

func displayLocal(local string) string {
	if namespaceOf(local) == NamespaceEdmx {
		return "<edmx:" + local + ">"
	}
	return "<" + local + ">"
}

// each checks that n holds only the allowed child elements (reporting the
// others with a suggestion) and no text, and calls fn on the allowed ones.
func (p *parser) each(n *node, allowed []string, fn func(c *node)) {
	if n.textPos.IsValid() {
		p.diags.Errorf(n.textPos, "unexpected text in %s", display(n))
	}
	for _, c := range n.children {
		local := c.name.Local
		if !contains(allowed, local) {
			p.unexpected(c, n, allowed)
			continue
		}
		if want := namespaceOf(local); c.name.Space != want {
			p.diags.Errorf(c.pos, "element %s must be in namespace %s", displayLocal(local), want)
			continue
		}
		fn(c)
	}
}

func (p *parser) unexpected(c, parent *node, allowed []string) {
	local := c.name.Local
	known := isKnownElement(local) && (c.name.Space == NamespaceEdm || c.name.Space == NamespaceEdmx)
	if known {
		p.diags.Errorf(c.pos, "element %s is not allowed in %s", display(c), display(parent))
		return
	}
	name := "<" + local + ">"
	if c.name.Space != NamespaceEdm && c.name.Space != NamespaceEdmx && c.name.Space != "" {
		name = fmt.Sprintf("<%s> (namespace %s)", local, c.name.Space)
	}
	if s := diag.Nearest(local, allowed); s != "" {
		p.diags.Errorf(c.pos, "unknown element %s in %s; did you mean %s?", name, display(parent), displayLocal(s))
		return
	}
	p.diags.Errorf(c.pos, "unknown element %s in %s", name, display(parent))
}

// attrSet holds the checked attributes of one element.
type attrSet struct {
	p    *parser
	n    *node
	vals map[string]xattr
}

// attrs checks n's attributes against allowed (reporting unknown, foreign
// and duplicate ones) and returns them for reading.
func (p *parser) attrs(n *node, allowed ...string) attrSet {
	a := attrSet{p: p, n: n, vals: map[string]xattr{}}
	for _, at := range n.attrs {
		switch {
		case at.name.Space == "xmlns" || (at.name.Space == "" && at.name.Local == "xmlns"):
			continue
		case at.name.Space != "":
			p.diags.Errorf(at.pos, "unknown attribute %s (namespace %s) on %s", at.name.Local, at.name.Space, display(n))
			continue
		case !contains(allowed, at.name.Local):
			if s := diag.Nearest(at.name.Local, allowed); s != "" {
				p.diags.Errorf(at.pos, "unknown attribute %s on %s; did you mean %s?", at.name.Local, display(n), s)
			} else {
				p.diags.Errorf(at.pos, "unknown attribute %s on %s", at.name.Local, display(n))
			}
			continue
		}
		if _, dup := a.vals[at.name.Local]; dup {
			p.diags.Errorf(at.pos, "duplicate attribute %s on %s", at.name.Local, display(n))
			continue
		}
		a.vals[at.name.Local] = at
	}
	return a
}

func (a attrSet) has(name string) bool { _, ok := a.vals[name]; return ok }

func (a attrSet) str(name string) string { return a.vals[name].value }

func (a attrSet) optStr(name string) *string {
	at, ok := a.vals[name]
	if !ok {
		return nil
	}
	v := at.value
	return &v
}

// req returns a required attribute, reporting it when missing.
func (a attrSet) req(name string) string {
	at, ok := a.vals[name]
	if !ok {
		a.p.diags.Errorf(a.n.pos, "%s is missing required attribute %s", display(a.n), name)
		return ""
	}
	return at.value
}

// name returns a required simple identifier.
func (a attrSet) name() string {
	v := a.req("Name")
	if _, ok := a.vals["Name"]; ok && !isSimpleIdentifier(v) {
		a.bad("Name", "not a simple identifier")
	}
	return v
}

// ident returns an optional simple identifier such as Alias or Qualifier.
func (a attrSet) ident(name string) string {
	v, ok := a.vals[name]
	if ok && !isSimpleIdentifier(v.value) {
		a.bad(name, "not a simple identifier")
	}
	return v.value
}

// qualified returns a qualified name (Namespace.Name), required or not.
func (a attrSet) qualified(name string, required bool) string {
	var v string
	if required {
		v = a.req(name)
	} else {
		v = a.str(name)
	}
	if a.has(name) {
		if _, _, ok := splitQualified(v); !ok || !isNamespace(v) {
			// Dropping the value spares the checks a second report.
			a.bad(name, "want a qualified name such as Namespace.Name")
			return ""
		}
	}
	return v
}

func (a attrSet) bad(name, want string) {
	at := a.vals[name]
	a.p.diags.Errorf(at.pos, "invalid %s %q on %s: %s", name, at.value, display(a.n), want)
}

func (a attrSet) boolean(name string) bool {
	b := a.optBool(name)
	return b != nil && *b
}

func (a attrSet) optBool(name string) *bool {
	at, ok := a.vals[name]
	if !ok {
		return nil
	}
	switch at.value {
	case "true":
		return new(true)
	case "false":
		return new(false)
	}
	a.bad(name, "want true or false")
	return nil
}

func (a attrSet) facets() Facets {
	f := Facets{Unicode: a.optBool("Unicode")}
	for _, name := range []string{"MaxLength", "Precision", "Scale", "SRID"} {
		at, ok := a.vals[name]
		if !ok {
			continue
		}
		if want, ok := validFacet(name, at.value); !ok {
			a.bad(name, "want "+want)
			continue
		}
		switch name {
		case "MaxLength":
			f.MaxLength = at.value
		case "Precision":
			f.Precision = at.value
		case "Scale":
			f.Scale = at.value
		case "SRID":
			f.SRID = at.value
		}
	}
	return f
}

func withFacets(names ...string) []string {
	return append(names, "MaxLength", "Precision", "Scale", "SRID", "Unicode")
}

func (p *parser) edmx(root *node) *Model {
	if root.name.Space != NamespaceEdmx || root.name.Local != "Edmx" {
		p.diags.Errorf(root.pos, "root element must be <edmx:Edmx> in namespace %s, not %s", NamespaceEdmx, display(root))
		return nil
	}
	a := p.attrs(root, "Version")
	m := &Model{Version: a.req("Version"), Pos: root.pos}
	if a.has("Version") && m.Version != "4.0" && m.Version != "4.01" {
		a.bad("Version", "want 4.0 or 4.01")
	}
	var ds *node
	p.each(root, []string{"Reference", "DataServices"}, func(c *node) {
		switch c.name.Local {
		case "Reference":
			m.References = append(m.References, p.reference(c))
		case "DataServices":
			if ds != nil {
				p.diags.Errorf(c.pos, "duplicate <edmx:DataServices>")
				return
			}
			ds = c
		}
	})
	if ds == nil {
		p.diags.Errorf(root.pos, "<edmx:Edmx> has no <edmx:DataServices>")
		return m
	}
	p.attrs(ds)
	p.each(ds, []string{"Schema"}, func(c *node) {
		m.Schemas = append(m.Schemas, p.schema(c))
	})
	if len(m.Schemas) == 0 {
		p.diags.Errorf(ds.pos, "<edmx:DataServices> has no <Schema>")
	}
	return m
}

func (p *parser) reference(n *node) *Reference {
	a := p.attrs(n, "Uri")
	r := &Reference{URI: a.req("Uri"), Pos: n.pos}
	p.each(n, []string{"Include", "IncludeAnnotations", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "Include":
			a := p.attrs(c, "Namespace", "Alias")
			inc := &Include{Namespace: a.req("Namespace"), Alias: a.ident("Alias"), Pos: c.pos}
			if a.has("Namespace") && !isNamespace(inc.Namespace) {
				a.bad("Namespace", "not a namespace")
			}
			p.each(c, []string{"Annotation"}, func(cc *node) {
				inc.Annotations = append(inc.Annotations, p.annotation(cc))
			})
			r.Includes = append(r.Includes, inc)
		case "IncludeAnnotations":
			a := p.attrs(c, "TermNamespace", "Qualifier", "TargetNamespace")
			ia := &IncludeAnnotations{
				TermNamespace:   a.req("TermNamespace"),
				Qualifier:       a.ident("Qualifier"),
				TargetNamespace: a.str("TargetNamespace"),
				Pos:             c.pos,
			}
			p.each(c, nil, nil)
			r.IncludeAnnotations = append(r.IncludeAnnotations, ia)
		case "Annotation":
			r.Annotations = append(r.Annotations, p.annotation(c))
		}
	})
	return r
}

func (p *parser) schema(n *node) *Schema {
	a := p.attrs(n, "Namespace", "Alias")
	s := &Schema{Namespace: a.req("Namespace"), Alias: a.ident("Alias"), Pos: n.pos}
	if a.has("Namespace") && !isNamespace(s.Namespace) {
		a.bad("Namespace", "not a dot-separated sequence of simple identifiers")
	}
	p.each(n, []string{
		"EntityType", "ComplexType", "EnumType", "TypeDefinition", "Action",
		"Function", "Term", "EntityContainer", "Annotations", "Annotation",
	}, func(c *node) {
		switch c.name.Local {
		case "EntityType":
			s.EntityTypes = append(s.EntityTypes, p.entityType(c))
		case "ComplexType":
			s.ComplexTypes = append(s.ComplexTypes, p.complexType(c))
		case "EnumType":
			s.EnumTypes = append(s.EnumTypes, p.enumType(c))
		case "TypeDefinition":
			s.TypeDefinitions = append(s.TypeDefinitions, p.typeDefinition(c))
		case "Action":
			s.Actions = append(s.Actions, p.action(c))
		case "Function":
			s.Functions = append(s.Functions, p.function(c))
		case "Term":
			s.Terms = append(s.Terms, p.term(c))
		case "EntityContainer":
			ec := p.entityContainer(c)
			if s.EntityContainer != nil {
				p.diags.Errorf(c.pos, "schema %s has more than one <EntityContainer>", s.Namespace)
				return
			}
			s.EntityContainer = ec
		case "Annotations":
			s.ExternalAnnotations = append(s.ExternalAnnotations, p.annotations(c))
		case "Annotation":
			s.Annotations = append(s.Annotations, p.annotation(c))
		}
	})
	return s
}

func (p *parser) entityType(n *node) *EntityType {
	a := p.attrs(n, "Name", "BaseType", "Abstract", "OpenType", "HasStream")
	et := &EntityType{
		Name:      a.name(),
		BaseType:  a.qualified("BaseType", false),
		Abstract:  a.boolean("Abstract"),
		OpenType:  a.boolean("OpenType"),
		HasStream: a.boolean("HasStream"),
		Pos:       n.pos,
	}
	haveKey := false
	p.each(n, []string{"Key", "Property", "NavigationProperty", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "Key":
			if haveKey {
				p.diags.Errorf(c.pos, "entity type %s has more than one <Key>", et.Name)
				return
			}
			haveKey = true
			et.KeyPos = c.pos
			et.Key = p.key(c)
		case "Property":
			et.Properties = append(et.Properties, p.property(c))
		case "NavigationProperty":
			et.NavigationProperties = append(et.NavigationProperties, p.navigationProperty(c))
		case "Annotation":
			et.Annotations = append(et.Annotations, p.annotation(c))
		}
	})
	return et
}

func (p *parser) key(n *node) []*PropertyRef {
	p.attrs(n)
	refs := []*PropertyRef{}
	p.each(n, []string{"PropertyRef"}, func(c *node) {
		a := p.attrs(c, "Name", "Alias")
		refs = append(refs, &PropertyRef{Name: a.req("Name"), Alias: a.ident("Alias"), Pos: c.pos})
		p.each(c, nil, nil)
	})
	if len(refs) == 0 {
		p.diags.Errorf(n.pos, "<Key> has no <PropertyRef>")
	}
	return refs
}

func (p *parser) complexType(n *node) *ComplexType {
	a := p.attrs(n, "Name", "BaseType", "Abstract", "OpenType")
	ct := &ComplexType{
		Name:     a.name(),
		BaseType: a.qualified("BaseType", false),
		Abstract: a.boolean("Abstract"),
		OpenType: a.boolean("OpenType"),
		Pos:      n.pos,
	}
	p.each(n, []string{"Property", "NavigationProperty", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "Property":
			ct.Properties = append(ct.Properties, p.property(c))
		case "NavigationProperty":
			ct.NavigationProperties = append(ct.NavigationProperties, p.navigationProperty(c))
		case "Annotation":
			ct.Annotations = append(ct.Annotations, p.annotation(c))
		}
	})
	return ct
}

func (p *parser) property(n *node) *Property {
	a := p.attrs(n, withFacets("Name", "Type", "Nullable", "DefaultValue")...)
	pr := &Property{
		Name:         a.name(),
		Type:         a.req("Type"),
		Nullable:     a.optBool("Nullable"),
		DefaultValue: a.optStr("DefaultValue"),
		Facets:       a.facets(),
		Pos:          n.pos,
	}
	pr.Annotations = p.onlyAnnotations(n)
	return pr
}

// onlyAnnotations reads the children of an element that holds nothing but
// annotations.
func (p *parser) onlyAnnotations(n *node) []*Annotation {
	var out []*Annotation
	p.each(n, []string{"Annotation"}, func(c *node) {
		out = append(out, p.annotation(c))
	})
	return out
}

func (p *parser) navigationProperty(n *node) *NavigationProperty {
	a := p.attrs(n, "Name", "Type", "Nullable", "Partner", "ContainsTarget")
	np := &NavigationProperty{
		Name:           a.name(),
		Type:           a.req("Type"),
		Nullable:       a.optBool("Nullable"),
		Partner:        a.str("Partner"),
		ContainsTarget: a.boolean("ContainsTarget"),
		Pos:            n.pos,
	}
	p.each(n, []string{"ReferentialConstraint", "OnDelete", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "ReferentialConstraint":
			a := p.attrs(c, "Property", "ReferencedProperty")
			rc := &ReferentialConstraint{
				Property:           a.req("Property"),
				ReferencedProperty: a.req("ReferencedProperty"),
				Pos:                c.pos,
			}
			rc.Annotations = p.onlyAnnotations(c)
			np.ReferentialConstraints = append(np.ReferentialConstraints, rc)
		case "OnDelete":
			a := p.attrs(c, "Action")
			od := &OnDelete{Action: a.req("Action"), Pos: c.pos}
			if a.has("Action") && !contains(onDeleteActions, od.Action) {
				a.bad("Action", "want Cascade, None, SetNull or SetDefault")
			}
			od.Annotations = p.onlyAnnotations(c)
			if np.OnDelete != nil {
				p.diags.Errorf(c.pos, "navigation property %s has more than one <OnDelete>", np.Name)
				return
			}
			np.OnDelete = od
		case "Annotation":
			np.Annotations = append(np.Annotations, p.annotation(c))
		}
	})
	return np
}

func (p *parser) enumType(n *node) *EnumType {
	a := p.attrs(n, "Name", "UnderlyingType", "IsFlags")
	e := &EnumType{
		Name:           a.name(),
		UnderlyingType: a.str("UnderlyingType"),
		IsFlags:        a.boolean("IsFlags"),
		Pos:            n.pos,
	}
	if a.has("UnderlyingType") {
		if _, ok := enumUnderlyingTypes[e.UnderlyingType]; !ok {
			a.bad("UnderlyingType", "want Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or Edm.Int64")
			e.UnderlyingType = ""
		}
	}
	p.each(n, []string{"Member", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "Member":
			a := p.attrs(c, "Name", "Value")
			mb := &Member{Name: a.name(), Pos: c.pos}
			if a.has("Value") {
				v, err := strconv.ParseInt(a.str("Value"), 10, 64)
				if err != nil {
					a.bad("Value", "want an integer")
				} else {
					mb.Value = &v
				}
			}
			mb.Annotations = p.onlyAnnotations(c)
			e.Members = append(e.Members, mb)
		case "Annotation":
			e.Annotations = append(e.Annotations, p.annotation(c))
		}
	})
	if len(e.Members) == 0 {
		p.diags.Errorf(n.pos, "enum type %s has no <Member>", e.Name)
	}
	return e
}

func (p *parser) typeDefinition(n *node) *TypeDefinition {
	a := p.attrs(n, withFacets("Name", "UnderlyingType")...)
	td := &TypeDefinition{
		Name:           a.name(),
		UnderlyingType: a.req("UnderlyingType"),
		Facets:         a.facets(),
		Pos:            n.pos,
	}
	td.Annotations = p.onlyAnnotations(n)
	return td
}

// operation reads what actions and functions share.
func (p *parser) operation(n *node, name string) (params []*Parameter, ret *ReturnType, anns []*Annotation) {
	p.each(n, []string{"Parameter", "ReturnType", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "Parameter":
			a := p.attrs(c, withFacets("Name", "Type", "Nullable", "DefaultValue")...)
			prm := &Parameter{
				Name:         a.name(),
				Type:         a.req("Type"),
				Nullable:     a.optBool("Nullable"),
				Facets:       a.facets(),
				DefaultValue: a.optStr("DefaultValue"),
				Pos:          c.pos,
			}
			prm.Annotations = p.onlyAnnotations(c)
			params = append(params, prm)
		case "ReturnType":
			a := p.attrs(c, withFacets("Type", "Nullable")...)
			rt := &ReturnType{
				Type:     a.req("Type"),
				Nullable: a.optBool("Nullable"),
				Facets:   a.facets(),
				Pos:      c.pos,
			}
			rt.Annotations = p.onlyAnnotations(c)
			if ret != nil {
				p.diags.Errorf(c.pos, "%s %s has more than one <ReturnType>", strings.ToLower(n.name.Local), name)
				return
			}
			ret = rt
		case "Annotation":
			anns = append(anns, p.annotation(c))
		}
	})
	return params, ret, anns
}

func (p *parser) action(n *node) *Action {
	a := p.attrs(n, "Name", "IsBound", "EntitySetPath")
	ac := &Action{
		Name:          a.name(),
		IsBound:       a.boolean("IsBound"),
		EntitySetPath: a.str("EntitySetPath"),
		Pos:           n.pos,
	}
	ac.Parameters, ac.ReturnType, ac.Annotations = p.operation(n, ac.Name)
	return ac
}

func (p *parser) function(n *node) *Function {
	a := p.attrs(n, "Name", "IsBound", "IsComposable", "EntitySetPath")
	f := &Function{
		Name:          a.name(),
		IsBound:       a.boolean("IsBound"),
		IsComposable:  a.boolean("IsComposable"),
		EntitySetPath: a.str("EntitySetPath"),
		Pos:           n.pos,
	}
	f.Parameters, f.ReturnType, f.Annotations = p.operation(n, f.Name)
	if f.ReturnType == nil {
		p.diags.Errorf(n.pos, "function %s has no <ReturnType>", f.Name)
	}
	return f
}

func (p *parser) entityContainer(n *node) *EntityContainer {
	a := p.attrs(n, "Name", "Extends")
	ec := &EntityContainer{Name: a.name(), Extends: a.qualified("Extends", false), Pos: n.pos}
	p.each(n, []string{"EntitySet", "Singleton", "ActionImport", "FunctionImport", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "EntitySet":
			a := p.attrs(c, "Name", "EntityType", "IncludeInServiceDocument")
			es := &EntitySet{
				Name:                     a.name(),
				EntityType:               a.req("EntityType"),
				IncludeInServiceDocument: a.optBool("IncludeInServiceDocument"),
				Pos:                      c.pos,
			}
			es.NavigationPropertyBindings, es.Annotations = p.bindings(c)
			ec.EntitySets = append(ec.EntitySets, es)
		case "Singleton":
			a := p.attrs(c, "Name", "Type", "Nullable")
			sg := &Singleton{Name: a.name(), Type: a.req("Type"), Nullable: a.optBool("Nullable"), Pos: c.pos}
			sg.NavigationPropertyBindings, sg.Annotations = p.bindings(c)
			ec.Singletons = append(ec.Singletons, sg)
		case "ActionImport":
			a := p.attrs(c, "Name", "Action", "EntitySet")
			ai := &ActionImport{Name: a.name(), Action: a.req("Action"), EntitySet: a.str("EntitySet"), Pos: c.pos}
			ai.Annotations = p.onlyAnnotations(c)
			ec.ActionImports = append(ec.ActionImports, ai)
		case "FunctionImport":
			a := p.attrs(c, "Name", "Function", "EntitySet", "IncludeInServiceDocument")
			fi := &FunctionImport{
				Name:                     a.name(),
				Function:                 a.req("Function"),
				EntitySet:                a.str("EntitySet"),
				IncludeInServiceDocument: a.boolean("IncludeInServiceDocument"),
				Pos:                      c.pos,
			}
			fi.Annotations = p.onlyAnnotations(c)
			ec.FunctionImports = append(ec.FunctionImports, fi)
		case "Annotation":
			ec.Annotations = append(ec.Annotations, p.annotation(c))
		}
	})
	return ec
}

func (p *parser) bindings(n *node) (bs []*NavigationPropertyBinding, anns []*Annotation) {
	p.each(n, []string{"NavigationPropertyBinding", "Annotation"}, func(c *node) {
		switch c.name.Local {
		case "NavigationPropertyBinding":
			a := p.attrs(c, "Path", "Target")
			bs = append(bs, &NavigationPropertyBinding{Path: a.req("Path"), Target: a.req("Target"), Pos: c.pos})
			p.each(c, nil, nil)
		case "Annotation":
			anns = append(anns, p.annotation(c))
		}
	})
	return bs, anns
}

func (p *parser) term(n *node) *Term {
	a := p.attrs(n, withFacets("Name", "Type", "BaseTerm", "Nullable", "DefaultValue", "AppliesTo", "Description")...)
	t := &Term{
		Name:         a.req("Name"),
		Type:         a.req("Type"),
		BaseTerm:     a.qualified("BaseTerm", false),
		Nullable:     a.optBool("Nullable"),
		DefaultValue: a.optStr("DefaultValue"),
		Description:  a.str("Description"),
		Facets:       a.facets(),
		Pos:          n.pos,
	}
	if a.has("Name") && !isNamespace(t.Name) {
		a.bad("Name", "not a simple identifier")
	}
	if a.has("AppliesTo") {
		for v := range strings.FieldsSeq(a.str("AppliesTo")) {
			if !contains(appliesToValues, v) {
				at := a.vals["AppliesTo"]
				if s := diag.Nearest(v, appliesToValues); s != "" {
					p.diags.Errorf(at.pos, "invalid AppliesTo %q on <Term>; did you mean %s?", v, s)
				} else {
					p.diags.Errorf(at.pos, "invalid AppliesTo %q on <Term>", v)
				}
				continue
			}
			t.AppliesTo = append(t.AppliesTo, v)
		}
	}
	t.Annotations = p.onlyAnnotations(n)
	return t
}

func (p *parser) annotations(n *node) *Annotations {
	a := p.attrs(n, "Target", "Qualifier")
	as := &Annotations{Target: a.req("Target"), Qualifier: a.ident("Qualifier"), Pos: n.pos}
	as.Annotations = p.onlyAnnotations(n)
	if len(as.Annotations) == 0 {
		p.diags.Errorf(n.pos, "<Annotations> has no <Annotation>")
	}
	return as
}

func (p *parser) annotation(n *node) *Annotation {
	a := p.attrs(n, append([]string{"Term", "Qualifier"}, inlineKinds...)...)
	an := &Annotation{Term: a.qualified("Term", true), Qualifier: a.ident("Qualifier"), Pos: n.pos}
	ops, anns := p.exprChildren(n, a, true, true)
	an.Annotations = anns
	switch len(ops) {
	case 0:
	case 1:
		an.Value = ops[0]
	default:
		p.diags.Errorf(ops[1].Pos, "annotation %s has more than one value expression", an.Term)
	}
	return an
}

// exprChildren reads the value expressions of an element that may hold them
// as inline attributes (when inline is set) and as child elements, plus its
// annotations (when allowed).
func (p *parser) exprChildren(n *node, a attrSet, inline, annotations bool) (ops []*Expr, anns []*Annotation) {
	if inline {
		for _, at := range n.attrs {
			if at.name.Space == "" && contains(inlineKinds, at.name.Local) && a.vals[at.name.Local] == at {
				ops = append(ops, &Expr{Kind: at.name.Local, Inline: true, Value: at.value, Pos: at.pos})
			}
		}
	}
	allowed := exprKindNames
	if annotations {
		allowed = append([]string{"Annotation"}, exprKindNames...)
	}
	parent := n.name.Local
	p.each(n, allowed, func(c *node) {
		local := c.name.Local
		switch {
		case local == "Annotation":
			anns = append(anns, p.annotation(c))
		case (local == "PropertyValue") != (parent == "Record"):
			p.diags.Errorf(c.pos, "element %s is not allowed in %s", display(c), display(n))
		default:
			ops = append(ops, p.expr(c))
		}
	})
	return ops, anns
}

func (p *parser) expr(n *node) *Expr {
	kind := n.name.Local
	shape := exprShapes[kind]
	allowed := shape.attrs
	if shape.holder {
		allowed = append(append([]string(nil), shape.attrs...), inlineKinds...)
	}
	a := p.attrs(n, allowed...)
	e := &Expr{Kind: kind, Pos: n.pos}
	for _, name := range shape.attrs {
		switch name {
		case "Type":
			e.Type = a.qualified("Type", kind != "Record")
		case "Name":
			e.Name = a.name()
		case "Property":
			e.Property = a.req("Property")
		case "Function":
			e.Function = a.qualified("Function", true)
		}
	}
	if kind == "Cast" || kind == "IsOf" {
		e.Facets = a.facets()
	}
	if shape.leaf {
		for _, c := range n.children {
			p.unexpected(c, n, nil)
		}
		e.Value = n.text.String()
		return e
	}
	ops, anns := p.exprChildren(n, a, shape.holder, shape.annotations)
	e.Operands, e.Annotations = ops, anns
	if len(ops) < shape.minOps || (shape.maxOps >= 0 && len(ops) > shape.maxOps) {
		p.diags.Errorf(n.pos, "%s takes %s, has %d", display(n), operandCount(shape), len(ops))
	}
	return e
}

func operandCount(s exprShape) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 expression"
		}
		return strconv.Itoa(n) + " expressions"
	}
	if s.minOps == s.maxOps {
		return plural(s.minOps)
	}
	return fmt.Sprintf("%d or %s", s.minOps, plural(s.maxOps))
}
