package csdl_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
)

// assertRoundTrip checks that m survives Marshal and Parse unchanged (but
// for positions) and that Marshal is a fixed point.
func assertRoundTrip(t testing.TB, m *csdl.Model) {
	t.Helper()
	out, err := m.Marshal()
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	m2, err := csdl.Parse("marshaled.csdl.xml", out)
	if err != nil {
		t.Fatalf("parse of marshaled model:\n%v\n%s", err, out)
	}
	a, b := withoutPos(m), withoutPos(m2)
	if a.Version == "" {
		a.Version = "4.0" // what Marshal writes for an unset version
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the model\nfirst:  %#v\nsecond: %#v\nXML:\n%s", a, b, out)
	}
	out2, err := m2.Marshal()
	if err != nil {
		t.Fatalf("second marshal: %v", err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatalf("marshal is not a fixed point:\n%s\n----\n%s", out, out2)
	}
}

// withoutPos returns a deep copy of m with every diag.Pos zeroed.
func withoutPos(m *csdl.Model) *csdl.Model {
	c := deepCopy(reflect.ValueOf(m)).Interface().(*csdl.Model)
	return c
}

var posType = reflect.TypeOf(diag.Pos{})

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		if v.Type() == posType {
			return out
		}
		for i := range v.NumField() {
			out.Field(i).Set(deepCopy(v.Field(i)))
		}
		return out
	}
	return v
}
