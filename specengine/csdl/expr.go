package csdl

import "github.com/temperhq/temper/specengine/diag"

// Expr is an annotation expression, kept as a small generic tree so that any
// expression CSDL defines survives a parse and a write unchanged.
//
// Kind is the CSDL element name: a constant (String, Int, Bool, Float,
// Decimal, EnumMember, Date, ...), a path (Path, PropertyPath,
// NavigationPropertyPath, AnnotationPath, ModelElementPath), or a
// structured expression (Collection, Record, PropertyValue, Apply, Cast,
// IsOf, If, Null, LabeledElement, LabeledElementReference, UrlRef, and the
// logical, comparison and arithmetic operators such as And, Eq and Add).
type Expr struct {
	Kind string
	// Inline marks a constant or path written as an attribute of its parent
	// (String="Idle") instead of as an element (<String>Idle</String>).
	Inline bool
	// Value is the text of constants, paths and LabeledElementReference,
	// and of an inline UrlRef.
	Value string
	// Name is the name of a LabeledElement.
	Name string
	// Property is the property a PropertyValue sets.
	Property string
	// Function is the function an Apply calls.
	Function string
	// Type is the type of a Cast, IsOf or Record.
	Type string
	// Facets qualify the Type of a Cast or IsOf.
	Facets
	// Operands are the child expressions: the items of a Collection, the
	// PropertyValues of a Record, the arguments of Apply and operators, the
	// single value of PropertyValue, LabeledElement, Cast, IsOf and UrlRef.
	Operands    []*Expr
	Annotations []*Annotation
	Pos         diag.Pos
}

// StringValue returns the text of a String constant.
func (e *Expr) StringValue() (string, bool) {
	if e == nil || e.Kind != "String" {
		return "", false
	}
	return e.Value, true
}

// StringValues returns the texts of a Collection of String constants.
func (e *Expr) StringValues() ([]string, bool) {
	if e == nil || e.Kind != "Collection" {
		return nil, false
	}
	out := make([]string, 0, len(e.Operands))
	for _, op := range e.Operands {
		s, ok := op.StringValue()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// exprShape says what an expression element may hold.
type exprShape struct {
	leaf        bool     // text content only
	inline      bool     // may be written as an attribute of its parent
	attrs       []string // attributes besides inline value attributes
	holder      bool     // may carry its single operand as an inline attribute
	minOps      int
	maxOps      int // -1 means unbounded
	annotations bool
}

var (
	leafShape   = exprShape{leaf: true, inline: true}
	unaryShape  = exprShape{minOps: 1, maxOps: 1, annotations: true}
	binaryShape = exprShape{minOps: 2, maxOps: 2, annotations: true}
	typeShape   = exprShape{attrs: []string{"Type", "MaxLength", "Precision", "Scale", "SRID", "Unicode"}, minOps: 1, maxOps: 1, annotations: true}
)

// exprShapes holds every expression element CSDL defines. It is read-only.
var exprShapes = map[string]exprShape{
	"Binary":                  leafShape,
	"Bool":                    leafShape,
	"Date":                    leafShape,
	"DateTimeOffset":          leafShape,
	"Decimal":                 leafShape,
	"Duration":                leafShape,
	"EnumMember":              leafShape,
	"Float":                   leafShape,
	"Guid":                    leafShape,
	"Int":                     leafShape,
	"String":                  leafShape,
	"TimeOfDay":               leafShape,
	"AnnotationPath":          leafShape,
	"ModelElementPath":        leafShape,
	"NavigationPropertyPath":  leafShape,
	"Path":                    leafShape,
	"PropertyPath":            leafShape,
	"And":                     binaryShape,
	"Or":                      binaryShape,
	"Eq":                      binaryShape,
	"Ne":                      binaryShape,
	"Gt":                      binaryShape,
	"Ge":                      binaryShape,
	"Lt":                      binaryShape,
	"Le":                      binaryShape,
	"Has":                     binaryShape,
	"In":                      binaryShape,
	"Add":                     binaryShape,
	"Sub":                     binaryShape,
	"Mul":                     binaryShape,
	"Div":                     binaryShape,
	"DivBy":                   binaryShape,
	"Mod":                     binaryShape,
	"Not":                     unaryShape,
	"Neg":                     unaryShape,
	"LabeledElementReference": {leaf: true},
	"UrlRef":                  {inline: true, minOps: 1, maxOps: 1, annotations: true},
	"Collection":              {maxOps: -1},
	"Record":                  {attrs: []string{"Type"}, maxOps: -1, annotations: true},
	"PropertyValue":           {attrs: []string{"Property"}, holder: true, minOps: 1, maxOps: 1, annotations: true},
	"LabeledElement":          {attrs: []string{"Name"}, holder: true, minOps: 1, maxOps: 1, annotations: true},
	"Apply":                   {attrs: []string{"Function"}, maxOps: -1, annotations: true},
	"Cast":                    typeShape,
	"IsOf":                    typeShape,
	"If":                      {minOps: 2, maxOps: 3, annotations: true},
	"Null":                    {annotations: true},
}

// inlineKinds are the expressions that may be written as an attribute, in
// the order the writer emits them.
var inlineKinds = []string{
	"AnnotationPath",
	"Binary",
	"Bool",
	"Date",
	"DateTimeOffset",
	"Decimal",
	"Duration",
	"EnumMember",
	"Float",
	"Guid",
	"Int",
	"ModelElementPath",
	"NavigationPropertyPath",
	"Path",
	"PropertyPath",
	"String",
	"TimeOfDay",
	"UrlRef",
}

// exprKindNames lists every expression element, for suggestions.
var exprKindNames = []string{
	"Add",
	"And",
	"AnnotationPath",
	"Apply",
	"Binary",
	"Bool",
	"Cast",
	"Collection",
	"Date",
	"DateTimeOffset",
	"Decimal",
	"Div",
	"DivBy",
	"Duration",
	"EnumMember",
	"Eq",
	"Float",
	"Ge",
	"Gt",
	"Guid",
	"Has",
	"If",
	"In",
	"Int",
	"IsOf",
	"LabeledElement",
	"LabeledElementReference",
	"Le",
	"Lt",
	"Mod",
	"ModelElementPath",
	"Mul",
	"NavigationPropertyPath",
	"Ne",
	"Neg",
	"Not",
	"Null",
	"Or",
	"Path",
	"PropertyPath",
	"PropertyValue",
	"Record",
	"String",
	"Sub",
	"TimeOfDay",
	"UrlRef",
}
