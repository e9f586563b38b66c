package csdl

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// XML namespaces of CSDL XML documents.
const (
	// NamespaceEdmx is the namespace of the edmx:Edmx envelope elements.
	NamespaceEdmx = "http://docs.oasis-open.org/odata/ns/edmx"
	// NamespaceEdm is the namespace of the schema elements.
	NamespaceEdm = "http://docs.oasis-open.org/odata/ns/edm"
)

// maxIdentifierLen is the longest simple identifier CSDL allows.
const maxIdentifierLen = 128

// isSimpleIdentifier reports whether s is a CSDL SimpleIdentifier: a letter
// or underscore followed by letters, digits, underscores and combining marks,
// at most 128 characters long.
func isSimpleIdentifier(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > maxIdentifierLen {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r):
		case i > 0 && (unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Cf)):
		default:
			return false
		}
	}
	return true
}

// isNamespace reports whether s is a dot-separated sequence of simple
// identifiers, the shape of a schema namespace and of a qualified name.
func isNamespace(s string) bool {
	if s == "" || len(s) > 511 {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if !isSimpleIdentifier(part) {
			return false
		}
	}
	return true
}

// splitQualified splits "Namespace.Name" at its last dot. ok is false when
// there is no dot.
func splitQualified(name string) (ns, simple string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return "", name, false
	}
	return name[:i], name[i+1:], true
}

// IsCollection reports whether a type reference has the form Collection(T).
func IsCollection(typeName string) bool {
	_, ok := collectionElem(typeName)
	return ok
}

// ElementType returns T for Collection(T) and typeName itself otherwise.
func ElementType(typeName string) string {
	if e, ok := collectionElem(typeName); ok {
		return e
	}
	return typeName
}

// CollectionOf returns the type reference Collection(typeName).
func CollectionOf(typeName string) string { return "Collection(" + typeName + ")" }

func collectionElem(typeName string) (string, bool) {
	const pre = "Collection("
	if strings.HasPrefix(typeName, pre) && strings.HasSuffix(typeName, ")") && len(typeName) > len(pre)+1 {
		return typeName[len(pre) : len(typeName)-1], true
	}
	return "", false
}

// primitiveTypes are the concrete primitive types of OData 4.01, by their
// name inside the Edm namespace.
var primitiveTypes = []string{
	"Binary", "Boolean", "Byte", "Date", "DateTimeOffset", "Decimal", "Double",
	"Duration", "Guid", "Int16", "Int32", "Int64", "SByte", "Single", "Stream",
	"String", "TimeOfDay",
	"Geography", "GeographyPoint", "GeographyLineString", "GeographyPolygon",
	"GeographyMultiPoint", "GeographyMultiLineString", "GeographyMultiPolygon",
	"GeographyCollection",
	"Geometry", "GeometryPoint", "GeometryLineString", "GeometryPolygon",
	"GeometryMultiPoint", "GeometryMultiLineString", "GeometryMultiPolygon",
	"GeometryCollection",
}

// abstractTypes are the abstract Edm types: usable in vocabularies and, for
// Edm.Untyped and Edm.PrimitiveType, in structural properties.
var abstractTypes = []string{
	"PrimitiveType", "ComplexType", "EntityType", "Untyped",
	"AnnotationPath", "PropertyPath", "NavigationPropertyPath",
	"AnyPropertyPath", "ModelElementPath",
}

// keyTypes are the primitive types a key property may have.
var keyTypes = []string{
	"Boolean", "Byte", "Date", "DateTimeOffset", "Decimal", "Duration", "Guid",
	"Int16", "Int32", "Int64", "SByte", "String", "TimeOfDay",
}

// enumUnderlyingTypes are the types an enumeration may be based on, with the
// range of member values each allows.
var enumUnderlyingTypes = map[string][2]int64{
	"Edm.Byte":  {0, 255},
	"Edm.SByte": {-128, 127},
	"Edm.Int16": {-1 << 15, 1<<15 - 1},
	"Edm.Int32": {-1 << 31, 1<<31 - 1},
	"Edm.Int64": {-1 << 63, 1<<63 - 1},
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// IsPrimitive reports whether name is a concrete Edm primitive type such as
// Edm.String (not a collection, not an abstract type).
func IsPrimitive(name string) bool {
	rest, ok := strings.CutPrefix(name, "Edm.")
	return ok && contains(primitiveTypes, rest)
}

func edmNames(list []string) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = "Edm." + n
	}
	return out
}

// appliesToValues are the element names a Term's AppliesTo may list.
var appliesToValues = []string{
	"Action", "ActionImport", "Annotation", "Apply", "Cast", "Collection",
	"ComplexType", "EntityContainer", "EntitySet", "EntityType", "EnumType",
	"Function", "FunctionImport", "If", "Include", "IsOf", "LabeledElement",
	"Member", "NavigationProperty", "Null", "OnDelete", "Parameter", "Property",
	"PropertyValue", "Record", "Reference", "ReferentialConstraint",
	"ReturnType", "Schema", "Singleton", "Term", "TypeDefinition", "UrlRef",
}

// onDeleteActions are the values of OnDelete's Action attribute.
var onDeleteActions = []string{"Cascade", "None", "SetNull", "SetDefault"}

// reservedNamespaces may not be used as a schema namespace or alias.
var reservedNamespaces = []string{"Edm", "odata", "System", "Transient"}

// validFacet checks a facet value; it returns a description of what the
// facet wants when v is invalid.
func validFacet(facet, v string) (string, bool) {
	isUint := func(s string) bool {
		_, err := strconv.ParseUint(s, 10, 31)
		return err == nil
	}
	switch facet {
	case "MaxLength":
		return "a non-negative integer or max", v == "max" || isUint(v)
	case "Precision":
		return "a non-negative integer", isUint(v)
	case "Scale":
		return "a non-negative integer, variable or floating", v == "variable" || v == "floating" || isUint(v)
	case "SRID":
		return "a non-negative integer or variable", v == "variable" || isUint(v)
	}
	return "", true
}
