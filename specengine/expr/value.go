package expr

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
)

// Type is the static type of a variable, field, parameter or expression.
type Type uint8

// The types of the language. Counter and Int share arithmetic; a counter
// never goes below zero.
const (
	TAny Type = iota // an untyped parameter, fixed by its first use
	TBool
	TInt
	TCounter
	TString
	TList // a list of strings
	TFloat
	TNull // the type of the literal null
)

var typeNames = [...]string{"any", "bool", "int", "counter", "string", "list", "float", "null"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// ParseType maps a spec type name to a Type. It accepts the IOA names
// (string, bool, counter, int, list) and the common aliases the original
// project's specs use for parameters.
func ParseType(name string) (Type, bool) {
	switch strings.ToLower(name) {
	case "bool", "boolean":
		return TBool, true
	case "int", "integer", "int32", "int64", "uint", "uint32", "uint64", "number":
		return TInt, true
	case "counter":
		return TCounter, true
	case "string", "str":
		return TString, true
	case "list", "set", "list<string>", "[string]":
		return TList, true
	case "float", "double", "decimal", "float64":
		return TFloat, true
	}
	return 0, false
}

// numeric reports whether t takes part in integer arithmetic.
func (t Type) numeric() bool { return t == TInt || t == TCounter }

// Kind is the dynamic kind of a Value.
type Kind uint8

// The kinds of values. The zero Value is Null: absent.
const (
	Null Kind = iota
	Bool
	Int
	String
	List
	Float
)

var kindNames = [...]string{"null", "bool", "int", "string", "list", "float"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is a dynamic value: the content of a state variable, a field or a
// parameter. It is passed by value; only lists share memory, and the engine
// never mutates a list in place (effects copy on write).
type Value struct {
	K Kind
	N int64 // Int; Bool as 0 or 1
	F float64
	// S is the text of a String. Of a Float it is empty, or the exact
	// decimal text of a number F only approximates (an Edm.Decimal with
	// more digits than a float64 holds), kept for output: arithmetic and
	// comparisons use F.
	S string
	L []string
}

// Constructors for values.
func BoolVal(b bool) Value {
	if b {
		return Value{K: Bool, N: 1}
	}
	return Value{K: Bool}
}

// IntVal returns an integer value.
func IntVal(n int64) Value { return Value{K: Int, N: n} }

// StringVal returns a string value.
func StringVal(s string) Value { return Value{K: String, S: s} }

// ListVal returns a list value holding l (not copied).
func ListVal(l []string) Value { return Value{K: List, L: l} }

// FloatVal returns a float value.
func FloatVal(f float64) Value { return Value{K: Float, F: f} }

// DecimalVal returns a float value read from the decimal text s: F is the
// nearest float64, and s is kept when F does not round-trip to the same
// number, so that the value is written back exactly.
func DecimalVal(f float64, s string) Value {
	v := Value{K: Float, F: f}
	if !sameNumber(strconv.FormatFloat(f, 'g', -1, 64), s) {
		v.S = s
	}
	return v
}

// sameNumber reports whether two decimal texts denote the same number.
func sameNumber(a, b string) bool {
	if a == b {
		return true
	}
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}

// IsNull reports whether v is absent.
func (v Value) IsNull() bool { return v.K == Null }

// Truth is the boolean reading of v: true only for Bool true.
func (v Value) Truth() bool { return v.K == Bool && v.N != 0 }

// Equal reports whether two values are the same; Int and Float compare by
// number.
func (v Value) Equal(w Value) bool {
	if v.K != w.K {
		if v.K == Int && w.K == Float {
			return float64(v.N) == w.F
		}
		if v.K == Float && w.K == Int {
			return v.F == float64(w.N)
		}
		return false
	}
	switch v.K {
	case Null:
		return true
	case Bool, Int:
		return v.N == w.N
	case Float:
		return v.F == w.F
	case String:
		return v.S == w.S
	case List:
		if len(v.L) != len(w.L) {
			return false
		}
		for i := range v.L {
			if v.L[i] != w.L[i] {
				return false
			}
		}
		return true
	}
	return false
}

// String renders v in the literal syntax of the language.
func (v Value) String() string {
	switch v.K {
	case Null:
		return "null"
	case Bool:
		return strconv.FormatBool(v.N != 0)
	case Int:
		return strconv.FormatInt(v.N, 10)
	case Float:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case String:
		return quote(v.S)
	case List:
		parts := make([]string, len(v.L))
		for i, s := range v.L {
			parts[i] = quote(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return "?"
}

// Any converts v to a plain Go value (nil, bool, int64, float64, string,
// []string) for JSON encoding; a Float with exact decimal text is a
// json.Number of that text.
func (v Value) Any() any {
	switch v.K {
	case Bool:
		return v.N != 0
	case Int:
		return v.N
	case Float:
		if v.S != "" {
			return json.Number(v.S)
		}
		return v.F
	case String:
		return v.S
	case List:
		return append([]string{}, v.L...)
	}
	return nil
}

func quote(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// Zero is the default value of a type for a variable declared without an
// initial value and not yet set: null for every type.
func Zero(Type) Value { return Value{} }

// Accepts reports whether a value of kind k may be stored in a slot of type t.
func (t Type) Accepts(k Kind) bool {
	switch k {
	case Null:
		return true
	case Bool:
		return t == TBool || t == TAny
	case Int:
		return t.numeric() || t == TFloat || t == TAny
	case Float:
		return t == TFloat || t == TAny
	case String:
		return t == TString || t == TAny
	case List:
		return t == TList || t == TAny
	}
	return false
}
