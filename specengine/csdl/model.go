package csdl

import "github.com/temperhq/temper/specengine/diag"

// Model is a CSDL document: the edmx:Edmx envelope with its references and
// schemas. Parse fills every Pos; a Model built in code may leave them zero.
//
// Optional boolean attributes whose default is true (Nullable, Unicode,
// IncludeInServiceDocument) are pointers so that "not written" stays
// distinguishable from an explicit value; write new(false) to set one.
type Model struct {
	// Version is the edmx Version, "4.0" or "4.01"; empty marshals as "4.0".
	Version    string
	References []*Reference
	Schemas    []*Schema
	Pos        diag.Pos
}

// Reference is an edmx:Reference to another CSDL document. Types and terms
// of the namespaces it includes are accepted without being checked.
type Reference struct {
	URI                string
	Includes           []*Include
	IncludeAnnotations []*IncludeAnnotations
	Annotations        []*Annotation
	Pos                diag.Pos
}

// Include is an edmx:Include: a namespace taken from a referenced document,
// optionally under an alias.
type Include struct {
	Namespace   string
	Alias       string
	Annotations []*Annotation
	Pos         diag.Pos
}

// IncludeAnnotations is an edmx:IncludeAnnotations: annotations of a term
// namespace taken from a referenced document.
type IncludeAnnotations struct {
	TermNamespace   string
	Qualifier       string
	TargetNamespace string
	Pos             diag.Pos
}

// Schema is an edm:Schema. Its elements are grouped by kind; within a kind
// they keep the document order, and the writer emits the kinds in the order
// of the fields below.
type Schema struct {
	Namespace       string
	Alias           string
	EnumTypes       []*EnumType
	TypeDefinitions []*TypeDefinition
	ComplexTypes    []*ComplexType
	EntityTypes     []*EntityType
	Actions         []*Action
	Functions       []*Function
	Terms           []*Term
	EntityContainer *EntityContainer
	// ExternalAnnotations are the edm:Annotations elements, which annotate
	// the model element named by their Target.
	ExternalAnnotations []*Annotations
	Annotations         []*Annotation
	Pos                 diag.Pos
}

// Facets are the type facets shared by properties, parameters, return types,
// type definitions, terms and the Cast and IsOf expressions. Empty means not
// written.
type Facets struct {
	// MaxLength is a non-negative integer or "max".
	MaxLength string
	// Precision is a non-negative integer.
	Precision string
	// Scale is a non-negative integer, "variable" or "floating".
	Scale string
	// SRID is a non-negative integer or "variable".
	SRID string
	// Unicode defaults to true.
	Unicode *bool
}

// EntityType is an edm:EntityType.
type EntityType struct {
	Name      string
	BaseType  string
	Abstract  bool
	OpenType  bool
	HasStream bool
	// Key lists the key properties; nil means no Key element was written
	// (the type is abstract or inherits its key).
	Key                  []*PropertyRef
	KeyPos               diag.Pos
	Properties           []*Property
	NavigationProperties []*NavigationProperty
	Annotations          []*Annotation
	Pos                  diag.Pos
}

// PropertyRef names one key property. Name may be a path into a complex
// property, in which case Alias is required.
type PropertyRef struct {
	Name  string
	Alias string
	Pos   diag.Pos
}

// ComplexType is an edm:ComplexType.
type ComplexType struct {
	Name                 string
	BaseType             string
	Abstract             bool
	OpenType             bool
	Properties           []*Property
	NavigationProperties []*NavigationProperty
	Annotations          []*Annotation
	Pos                  diag.Pos
}

// Property is a structural edm:Property of an entity or complex type.
type Property struct {
	Name string
	// Type is a qualified type name or Collection(name).
	Type     string
	Nullable *bool
	// DefaultValue is nil when not written; "" is an explicit empty default.
	DefaultValue *string
	Facets
	Annotations []*Annotation
	Pos         diag.Pos
}

// IsNullable reports the effective nullability: true unless written false.
func (p *Property) IsNullable() bool { return p.Nullable == nil || *p.Nullable }

// NavigationProperty is an edm:NavigationProperty.
type NavigationProperty struct {
	Name string
	// Type is a qualified entity type name or Collection(name).
	Type                   string
	Nullable               *bool
	Partner                string
	ContainsTarget         bool
	ReferentialConstraints []*ReferentialConstraint
	OnDelete               *OnDelete
	Annotations            []*Annotation
	Pos                    diag.Pos
}

// IsNullable reports the effective nullability: true unless written false.
func (n *NavigationProperty) IsNullable() bool { return n.Nullable == nil || *n.Nullable }

// ReferentialConstraint says that Property of the declaring (dependent)
// type holds the value of ReferencedProperty of the navigation target
// (principal).
type ReferentialConstraint struct {
	Property           string
	ReferencedProperty string
	Annotations        []*Annotation
	Pos                diag.Pos
}

// OnDelete is the edm:OnDelete of a navigation property; Action is one of
// Cascade, None, SetNull and SetDefault.
type OnDelete struct {
	Action      string
	Annotations []*Annotation
	Pos         diag.Pos
}

// EnumType is an edm:EnumType.
type EnumType struct {
	Name string
	// UnderlyingType is Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or
	// Edm.Int64; empty means Edm.Int32.
	UnderlyingType string
	IsFlags        bool
	Members        []*Member
	Annotations    []*Annotation
	Pos            diag.Pos
}

// Member is an edm:Member of an enumeration.
type Member struct {
	Name string
	// Value is nil when not written; members then count up from 0.
	Value       *int64
	Annotations []*Annotation
	Pos         diag.Pos
}

// TypeDefinition is an edm:TypeDefinition: a named primitive type with
// facets.
type TypeDefinition struct {
	Name           string
	UnderlyingType string
	Facets
	Annotations []*Annotation
	Pos         diag.Pos
}

// Action is an edm:Action. A bound action's first parameter is its binding
// parameter.
type Action struct {
	Name          string
	IsBound       bool
	EntitySetPath string
	Parameters    []*Parameter
	ReturnType    *ReturnType
	Annotations   []*Annotation
	Pos           diag.Pos
}

// Function is an edm:Function. A bound function's first parameter is its
// binding parameter; unlike an action it must have a return type.
type Function struct {
	Name          string
	IsBound       bool
	IsComposable  bool
	EntitySetPath string
	Parameters    []*Parameter
	ReturnType    *ReturnType
	Annotations   []*Annotation
	Pos           diag.Pos
}

// Parameter is an edm:Parameter of an action or function.
type Parameter struct {
	Name     string
	Type     string
	Nullable *bool
	Facets
	// DefaultValue is not part of CSDL (OData 4.01 expresses it with the
	// Core.OptionalParameter annotation); the original Temper's models
	// write it on function parameters, so it is accepted and kept.
	DefaultValue *string
	Annotations  []*Annotation
	Pos          diag.Pos
}

// IsNullable reports the effective nullability: true unless written false.
func (p *Parameter) IsNullable() bool { return p.Nullable == nil || *p.Nullable }

// ReturnType is the edm:ReturnType of an action or function.
type ReturnType struct {
	Type     string
	Nullable *bool
	Facets
	Annotations []*Annotation
	Pos         diag.Pos
}

// EntityContainer is the edm:EntityContainer: the entity sets, singletons
// and operation imports a service exposes. A model has at most one.
type EntityContainer struct {
	Name            string
	Extends         string
	EntitySets      []*EntitySet
	Singletons      []*Singleton
	ActionImports   []*ActionImport
	FunctionImports []*FunctionImport
	Annotations     []*Annotation
	Pos             diag.Pos
}

// EntitySet is an edm:EntitySet.
type EntitySet struct {
	Name string
	// EntityType is the qualified name of the entity type of its members.
	EntityType                 string
	IncludeInServiceDocument   *bool
	NavigationPropertyBindings []*NavigationPropertyBinding
	Annotations                []*Annotation
	Pos                        diag.Pos
}

// Singleton is an edm:Singleton.
type Singleton struct {
	Name                       string
	Type                       string
	Nullable                   *bool
	NavigationPropertyBindings []*NavigationPropertyBinding
	Annotations                []*Annotation
	Pos                        diag.Pos
}

// NavigationPropertyBinding says which entity set (Target) holds the
// entities reached through the navigation property at Path.
type NavigationPropertyBinding struct {
	Path   string
	Target string
	Pos    diag.Pos
}

// ActionImport is an edm:ActionImport exposing an unbound action.
type ActionImport struct {
	Name        string
	Action      string
	EntitySet   string
	Annotations []*Annotation
	Pos         diag.Pos
}

// FunctionImport is an edm:FunctionImport exposing unbound functions.
type FunctionImport struct {
	Name                     string
	Function                 string
	EntitySet                string
	IncludeInServiceDocument bool
	Annotations              []*Annotation
	Pos                      diag.Pos
}

// Term is an edm:Term of a vocabulary.
type Term struct {
	// Name is a simple identifier; dotted names such as
	// "StateMachine.States", which the original Temper's vocabulary uses,
	// are accepted too.
	Name         string
	Type         string
	BaseTerm     string
	Nullable     *bool
	DefaultValue *string
	// AppliesTo lists element names such as EntityType and Action.
	AppliesTo []string
	// Description is not part of CSDL (it is the Core.Description term
	// there); the original Temper's vocabularies write it as an attribute,
	// so it is accepted and kept.
	Description string
	Facets
	Annotations []*Annotation
	Pos         diag.Pos
}

// Annotations is an edm:Annotations element: annotations applied to the
// model element named by Target from outside it.
type Annotations struct {
	Target      string
	Qualifier   string
	Annotations []*Annotation
	Pos         diag.Pos
}

// Annotation applies a Term to the element holding it. Value is nil when the
// annotation relies on the term's default value.
type Annotation struct {
	Term        string
	Qualifier   string
	Value       *Expr
	Annotations []*Annotation
	Pos         diag.Pos
}
