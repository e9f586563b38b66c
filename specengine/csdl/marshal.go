package csdl

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Marshal writes the model as canonical CSDL XML: two-space indentation,
// the edmx namespace on the edmx:Edmx element and the edm namespace as the
// default namespace of each Schema, schema children grouped by kind in the
// order of the Schema fields, attributes in a fixed order, and optional
// attributes written only when they differ from their default. Parsing the
// result gives a model equal to m except for positions.
//
// Marshal does not check the model (see Check); it fails only when a string
// holds a character XML cannot represent.
func (m *Model) Marshal() ([]byte, error) {
	version := m.Version
	if version == "" {
		version = "4.0"
	}
	root := el("edmx:Edmx", "Version", version, "xmlns:edmx", NamespaceEdmx)
	for _, r := range m.References {
		root.add(reference(r))
	}
	ds := el("edmx:DataServices")
	for _, s := range m.Schemas {
		ds.add(schema(s))
	}
	root.add(ds)
	var w writer
	w.b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	w.write(root, 0)
	if w.err != nil {
		return nil, w.err
	}
	return []byte(w.b.String()), nil
}

// xnode is an element to be written.
type xnode struct {
	name     string
	attrs    []string // name, value pairs
	children []*xnode
	text     *string // set for elements holding text
}

// el makes an element from name-value pairs; pairs with an empty value are
// left out.
func el(name string, attrs ...string) *xnode {
	n := &xnode{name: name}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.attr(attrs[i], attrs[i+1])
	}
	return n
}

func (n *xnode) attr(name, value string) {
	if value != "" {
		n.attrs = append(n.attrs, name, value)
	}
}

// attrPtr writes a value that was written even when empty.
func (n *xnode) attrPtr(name string, value *string) {
	if value != nil {
		n.attrs = append(n.attrs, name, *value)
	}
}

func (n *xnode) attrBool(name string, value bool) {
	if value {
		n.attrs = append(n.attrs, name, "true")
	}
}

func (n *xnode) attrOptBool(name string, value *bool) {
	if value != nil {
		n.attrs = append(n.attrs, name, strconv.FormatBool(*value))
	}
}

func (n *xnode) facets(f Facets) {
	n.attr("MaxLength", f.MaxLength)
	n.attr("Precision", f.Precision)
	n.attr("Scale", f.Scale)
	n.attr("SRID", f.SRID)
	n.attrOptBool("Unicode", f.Unicode)
}

func (n *xnode) add(children ...*xnode) { n.children = append(n.children, children...) }

func (n *xnode) annotations(anns []*Annotation) {
	for _, a := range anns {
		n.add(annotation(a))
	}
}

func reference(r *Reference) *xnode {
	n := el("edmx:Reference", "Uri", r.URI)
	for _, inc := range r.Includes {
		c := el("edmx:Include", "Namespace", inc.Namespace, "Alias", inc.Alias)
		edmAnnotations(c, inc.Annotations)
		n.add(c)
	}
	for _, ia := range r.IncludeAnnotations {
		n.add(el("edmx:IncludeAnnotations", "TermNamespace", ia.TermNamespace, "Qualifier", ia.Qualifier, "TargetNamespace", ia.TargetNamespace))
	}
	edmAnnotations(n, r.Annotations)
	return n
}

// edmAnnotations adds annotations to an edmx element, where the edm
// namespace is not the default and each annotation declares it.
func edmAnnotations(n *xnode, anns []*Annotation) {
	for _, a := range anns {
		c := annotation(a)
		c.attrs = append([]string{"xmlns", NamespaceEdm}, c.attrs...)
		n.add(c)
	}
}

func schema(s *Schema) *xnode {
	n := el("Schema", "xmlns", NamespaceEdm, "Namespace", s.Namespace, "Alias", s.Alias)
	for _, e := range s.EnumTypes {
		c := el("EnumType", "Name", e.Name, "UnderlyingType", e.UnderlyingType)
		c.attrBool("IsFlags", e.IsFlags)
		for _, mb := range e.Members {
			mn := el("Member", "Name", mb.Name)
			if mb.Value != nil {
				mn.attr("Value", strconv.FormatInt(*mb.Value, 10))
			}
			mn.annotations(mb.Annotations)
			c.add(mn)
		}
		c.annotations(e.Annotations)
		n.add(c)
	}
	for _, td := range s.TypeDefinitions {
		c := el("TypeDefinition", "Name", td.Name, "UnderlyingType", td.UnderlyingType)
		c.facets(td.Facets)
		c.annotations(td.Annotations)
		n.add(c)
	}
	for _, ct := range s.ComplexTypes {
		c := el("ComplexType", "Name", ct.Name, "BaseType", ct.BaseType)
		c.attrBool("Abstract", ct.Abstract)
		c.attrBool("OpenType", ct.OpenType)
		structuralMembers(c, ct.Properties, ct.NavigationProperties)
		c.annotations(ct.Annotations)
		n.add(c)
	}
	for _, et := range s.EntityTypes {
		n.add(entityType(et))
	}
	for _, a := range s.Actions {
		c := el("Action", "Name", a.Name)
		c.attrBool("IsBound", a.IsBound)
		c.attr("EntitySetPath", a.EntitySetPath)
		operationMembers(c, a.Parameters, a.ReturnType)
		c.annotations(a.Annotations)
		n.add(c)
	}
	for _, f := range s.Functions {
		c := el("Function", "Name", f.Name)
		c.attrBool("IsBound", f.IsBound)
		c.attrBool("IsComposable", f.IsComposable)
		c.attr("EntitySetPath", f.EntitySetPath)
		operationMembers(c, f.Parameters, f.ReturnType)
		c.annotations(f.Annotations)
		n.add(c)
	}
	for _, t := range s.Terms {
		c := el("Term", "Name", t.Name, "Type", t.Type, "BaseTerm", t.BaseTerm)
		c.attrOptBool("Nullable", t.Nullable)
		c.attrPtr("DefaultValue", t.DefaultValue)
		c.attr("AppliesTo", strings.Join(t.AppliesTo, " "))
		c.facets(t.Facets)
		c.attr("Description", t.Description)
		c.annotations(t.Annotations)
		n.add(c)
	}
	if s.EntityContainer != nil {
		n.add(entityContainer(s.EntityContainer))
	}
	for _, as := range s.ExternalAnnotations {
		c := el("Annotations", "Target", as.Target, "Qualifier", as.Qualifier)
		c.annotations(as.Annotations)
		n.add(c)
	}
	n.annotations(s.Annotations)
	return n
}

func entityType(et *EntityType) *xnode {
	n := el("EntityType", "Name", et.Name, "BaseType", et.BaseType)
	n.attrBool("Abstract", et.Abstract)
	n.attrBool("OpenType", et.OpenType)
	n.attrBool("HasStream", et.HasStream)
	if et.Key != nil {
		k := el("Key")
		for _, r := range et.Key {
			k.add(el("PropertyRef", "Name", r.Name, "Alias", r.Alias))
		}
		n.add(k)
	}
	structuralMembers(n, et.Properties, et.NavigationProperties)
	n.annotations(et.Annotations)
	return n
}

func structuralMembers(n *xnode, props []*Property, navs []*NavigationProperty) {
	for _, p := range props {
		c := el("Property", "Name", p.Name, "Type", p.Type)
		c.attrOptBool("Nullable", p.Nullable)
		c.attrPtr("DefaultValue", p.DefaultValue)
		c.facets(p.Facets)
		c.annotations(p.Annotations)
		n.add(c)
	}
	for _, np := range navs {
		c := el("NavigationProperty", "Name", np.Name, "Type", np.Type)
		c.attrOptBool("Nullable", np.Nullable)
		c.attr("Partner", np.Partner)
		c.attrBool("ContainsTarget", np.ContainsTarget)
		for _, rc := range np.ReferentialConstraints {
			r := el("ReferentialConstraint", "Property", rc.Property, "ReferencedProperty", rc.ReferencedProperty)
			r.annotations(rc.Annotations)
			c.add(r)
		}
		if np.OnDelete != nil {
			od := el("OnDelete", "Action", np.OnDelete.Action)
			od.annotations(np.OnDelete.Annotations)
			c.add(od)
		}
		c.annotations(np.Annotations)
		n.add(c)
	}
}

func operationMembers(n *xnode, params []*Parameter, ret *ReturnType) {
	for _, p := range params {
		c := el("Parameter", "Name", p.Name, "Type", p.Type)
		c.attrOptBool("Nullable", p.Nullable)
		c.facets(p.Facets)
		c.attrPtr("DefaultValue", p.DefaultValue)
		c.annotations(p.Annotations)
		n.add(c)
	}
	if ret != nil {
		c := el("ReturnType", "Type", ret.Type)
		c.attrOptBool("Nullable", ret.Nullable)
		c.facets(ret.Facets)
		c.annotations(ret.Annotations)
		n.add(c)
	}
}

func entityContainer(ec *EntityContainer) *xnode {
	n := el("EntityContainer", "Name", ec.Name, "Extends", ec.Extends)
	bindings := func(c *xnode, bs []*NavigationPropertyBinding) {
		for _, b := range bs {
			c.add(el("NavigationPropertyBinding", "Path", b.Path, "Target", b.Target))
		}
	}
	for _, es := range ec.EntitySets {
		c := el("EntitySet", "Name", es.Name, "EntityType", es.EntityType)
		c.attrOptBool("IncludeInServiceDocument", es.IncludeInServiceDocument)
		bindings(c, es.NavigationPropertyBindings)
		c.annotations(es.Annotations)
		n.add(c)
	}
	for _, sg := range ec.Singletons {
		c := el("Singleton", "Name", sg.Name, "Type", sg.Type)
		c.attrOptBool("Nullable", sg.Nullable)
		bindings(c, sg.NavigationPropertyBindings)
		c.annotations(sg.Annotations)
		n.add(c)
	}
	for _, ai := range ec.ActionImports {
		c := el("ActionImport", "Name", ai.Name, "Action", ai.Action, "EntitySet", ai.EntitySet)
		c.annotations(ai.Annotations)
		n.add(c)
	}
	for _, fi := range ec.FunctionImports {
		c := el("FunctionImport", "Name", fi.Name, "Function", fi.Function, "EntitySet", fi.EntitySet)
		c.attrBool("IncludeInServiceDocument", fi.IncludeInServiceDocument)
		c.annotations(fi.Annotations)
		n.add(c)
	}
	n.annotations(ec.Annotations)
	return n
}

func annotation(a *Annotation) *xnode {
	n := el("Annotation", "Term", a.Term, "Qualifier", a.Qualifier)
	if a.Value != nil {
		value(n, a.Value)
	}
	n.annotations(a.Annotations)
	return n
}

// value writes e into its parent n: as an attribute when inline, as a child
// element otherwise.
func value(n *xnode, e *Expr) {
	if e.Inline && exprShapes[e.Kind].inline {
		n.attrs = append(n.attrs, e.Kind, e.Value)
		return
	}
	n.add(expr(e))
}

func expr(e *Expr) *xnode {
	n := el(e.Kind, "Name", e.Name, "Property", e.Property, "Function", e.Function, "Type", e.Type)
	n.facets(e.Facets)
	if exprShapes[e.Kind].leaf {
		v := e.Value
		n.text = &v
		return n
	}
	// Inline operands go first, so that the element keeps its attributes
	// together; a holder has only one operand anyway.
	for _, op := range e.Operands {
		value(n, op)
	}
	n.annotations(e.Annotations)
	return n
}

// writer serializes xnodes, remembering the first unrepresentable string.
type writer struct {
	b   strings.Builder
	err error
}

func (w *writer) write(n *xnode, depth int) {
	indent := strings.Repeat("  ", depth)
	w.b.WriteString(indent)
	w.b.WriteByte('<')
	w.b.WriteString(n.name)
	for i := 0; i+1 < len(n.attrs); i += 2 {
		w.b.WriteByte(' ')
		w.b.WriteString(n.attrs[i])
		w.b.WriteString(`="`)
		w.escape(n.attrs[i+1], true, n, n.attrs[i])
		w.b.WriteByte('"')
	}
	switch {
	case n.text != nil:
		w.b.WriteByte('>')
		w.escape(*n.text, false, n, "")
		w.b.WriteString("</" + n.name + ">\n")
	case len(n.children) == 0:
		w.b.WriteString("/>\n")
	default:
		w.b.WriteString(">\n")
		for _, c := range n.children {
			w.write(c, depth+1)
		}
		w.b.WriteString(indent + "</" + n.name + ">\n")
	}
}

// escape writes s as XML text or attribute content. Characters XML would
// normalize away (CR always, tab and newline in attributes) are written as
// references so they survive a parse.
func (w *writer) escape(s string, attr bool, n *xnode, attrName string) {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			w.fail(n, attrName, "invalid UTF-8")
			return
		case r == '&':
			w.b.WriteString("&amp;")
		case r == '<':
			w.b.WriteString("&lt;")
		case r == '>':
			w.b.WriteString("&gt;")
		case r == '"' && attr:
			w.b.WriteString("&quot;")
		case r == '\r':
			w.b.WriteString("&#xD;")
		case r == '\n' && attr:
			w.b.WriteString("&#xA;")
		case r == '\t' && attr:
			w.b.WriteString("&#x9;")
		case !isXMLChar(r):
			w.fail(n, attrName, fmt.Sprintf("character %U", r))
			return
		default:
			w.b.WriteRune(r)
		}
	}
}

func (w *writer) fail(n *xnode, attrName, what string) {
	if w.err != nil {
		return
	}
	if attrName != "" {
		w.err = fmt.Errorf("marshal csdl: attribute %s of <%s> holds %s, which XML cannot represent", attrName, n.name, what)
		return
	}
	w.err = fmt.Errorf("marshal csdl: text of <%s> holds %s, which XML cannot represent", n.name, what)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
