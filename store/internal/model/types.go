package model

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Kind is the store's view of an Edm primitive type: what it compares and
// stores as.
type Kind uint8

// Kinds. Int covers Edm.Byte, SByte, Int16, Int32 and Int64; Double covers
// Edm.Double, Single and Decimal (stored and compared as IEEE doubles on
// both backends, so they agree); Guid compares as lower-case text.
const (
	KindUnsupported Kind = iota // a type the store does not query (Binary, Duration, Geo, complex, enum)
	KindString
	KindBool
	KindInt
	KindDouble
	KindDate
	KindDateTimeOffset
	KindTimeOfDay
	KindGuid
)

var kindNames = [...]string{"unsupported", "Edm.String", "Edm.Boolean", "Edm.Int64", "Edm.Double", "Edm.Date", "Edm.DateTimeOffset", "Edm.TimeOfDay", "Edm.Guid"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Type is a property type: a primitive kind, or a collection of one.
type Type struct {
	Kind       Kind
	Collection bool
	// Name is the Edm name as given, for messages.
	Name string
}

func (t Type) String() string { return t.Name }

var edmKinds = map[string]Kind{
	"Edm.String": KindString, "Edm.Boolean": KindBool,
	"Edm.Byte": KindInt, "Edm.SByte": KindInt, "Edm.Int16": KindInt, "Edm.Int32": KindInt, "Edm.Int64": KindInt,
	"Edm.Double": KindDouble, "Edm.Single": KindDouble, "Edm.Decimal": KindDouble,
	"Edm.Date": KindDate, "Edm.DateTimeOffset": KindDateTimeOffset, "Edm.TimeOfDay": KindTimeOfDay,
	"Edm.Guid": KindGuid,
}

// ParseType reads an Edm type name. Types the store cannot query (binary,
// durations, geography, complex and enum types) parse to KindUnsupported:
// the property exists, and naming it in a query is an UnsupportedError.
func ParseType(name string) Type {
	t := Type{Name: name}
	inner := name
	if strings.HasPrefix(name, "Collection(") && strings.HasSuffix(name, ")") {
		t.Collection = true
		inner = name[len("Collection(") : len(name)-1]
	}
	t.Kind = edmKinds[inner]
	return t
}

// ValidIdentifier reports whether s is an OData simple identifier (a
// letter or underscore, then letters, digits and underscores, at most 128
// characters). Only such names become part of generated DDL, and never
// from a query.
func ValidIdentifier(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)):
		default:
			return false
		}
	}
	return true
}

// Normalized returns the schema with "status" and its key properties
// present (Edm.String, key "id" when none is given) and checks its names
// and key types: a key is one Edm.String, Edm.Guid or integer property,
// or a compound of Edm.String and integer properties.
func (s Schema) Normalized() (Schema, error) {
	out := Schema{Properties: make(map[string]string, len(s.Properties)+2), Key: append([]string(nil), s.Key...), Enums: s.Enums}
	for name, typ := range s.Properties {
		if !ValidIdentifier(name) {
			return Schema{}, fmt.Errorf("property name %q is not an OData identifier", name)
		}
		out.Properties[name] = typ
	}
	if len(out.Key) == 0 {
		out.Key = []string{"id"}
	}
	seen := map[string]bool{}
	for _, k := range out.Key {
		if !ValidIdentifier(k) {
			return Schema{}, fmt.Errorf("key name %q is not an OData identifier", k)
		}
		if seen[k] || k == "status" {
			return Schema{}, fmt.Errorf("key property %q is named twice or reserved", k)
		}
		seen[k] = true
		if _, ok := out.Properties[k]; !ok {
			out.Properties[k] = "Edm.String"
		}
		t := ParseType(out.Properties[k])
		switch {
		case t.Collection:
			return Schema{}, &UnsupportedError{Offset: -1, What: "keys of type " + t.Name}
		case t.Kind == KindString || t.Kind == KindInt:
		case t.Kind == KindGuid && len(out.Key) == 1:
		default:
			return Schema{}, &UnsupportedError{Offset: -1, What: "keys of type " + t.Name}
		}
	}
	if _, ok := out.Properties["status"]; !ok {
		out.Properties["status"] = "Edm.String"
	}
	return out, nil
}

// SimpleKey returns the key property when the key is a single string (or
// Guid) property, whose value is the key column itself; "" otherwise (an
// integer or compound key, whose parts are read like other properties).
// s must be normalized.
func (s Schema) SimpleKey() string {
	if len(s.Key) != 1 {
		return ""
	}
	if k := ParseType(s.Properties[s.Key[0]]).Kind; k == KindString || k == KindGuid {
		return s.Key[0]
	}
	return ""
}

// KeyParts returns the key properties with their kinds, in key order. s
// must be normalized.
func (s Schema) KeyParts() []KeyPart {
	out := make([]KeyPart, len(s.Key))
	for i, k := range s.Key {
		out[i] = KeyPart{Name: k, Kind: ParseType(s.Properties[k]).Kind, Type: s.Properties[k]}
	}
	return out
}

// Names returns the property names in sorted order.
func (s Schema) Names() []string {
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
