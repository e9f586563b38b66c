package specengine

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/temperhq/temper/specengine/expr"
)

func TestConvertKeepsNumbersExact(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		typ  expr.Type
		in   any
		want any // Value.Any()
	}{
		{expr.TInt, json.Number("9007199254740993"), int64(9007199254740993)},
		{expr.TInt, int64(-9223372036854775808), int64(-9223372036854775808)},
		{expr.TFloat, json.Number("1.50"), 1.5},
		{expr.TFloat, json.Number("0.1"), 0.1},
		{expr.TFloat, json.Number("12345678901234567.891234567"), json.Number("12345678901234567.891234567")},
		{expr.TFloat, json.Number("3"), 3.0},
		{expr.TAny, json.Number("3"), int64(3)},
	} {
		v, err := Convert(c.typ, c.in)
		if err != nil {
			t.Fatalf("%v %v: %v", c.typ, c.in, err)
		}
		if got := v.Any(); got != c.want {
			t.Errorf("%v %v: %#v, want %#v", c.typ, c.in, got, c.want)
		}
	}
	// The exact text is for output only: the value compares by number.
	a, _ := Convert(expr.TFloat, json.Number("0.30000000000000000001"))
	if !a.Equal(expr.FloatVal(0.3)) {
		t.Errorf("%v is not 0.3", a)
	}
	if _, err := Convert(expr.TInt, json.Number("9223372036854775808")); err == nil {
		t.Error("an integer beyond int64 converted")
	}
}

func TestTypedListsHoldTextAndRenderValues(t *testing.T) {
	t.Parallel()
	b, err := Load(map[string][]byte{
		"k.ioa.toml": []byte("[automaton]\nname = \"K\"\nstates = [\"A\"]\ninitial = \"A\"\n"),
		"m.csdl.xml": []byte(`<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="N" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="K"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="n" Type="Collection(Edm.Int64)"/><Property Name="d" Type="Collection(Edm.Decimal)"/><Property Name="b" Type="Collection(Edm.Boolean)"/><Property Name="s" Type="Collection(Edm.String)"/></EntityType><EntityContainer Name="C"><EntitySet Name="Ks" EntityType="N.K"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`),
	})
	if err != nil {
		t.Fatal(err)
	}
	tab := b.Tables["K"]
	st, err := tab.New("k1", map[string]any{
		"n": []any{json.Number("9007199254740993"), int64(-1), "7"},
		"d": []any{json.Number("0.30000000000000000001")},
		"b": []any{true, false},
		"s": []any{"x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := tab.Fields(&st)
	for name, want := range map[string]any{
		"n": []any{int64(9007199254740993), int64(-1), int64(7)},
		"d": []any{json.Number("0.30000000000000000001")},
		"b": []any{true, false},
		"s": []string{"x"},
	} {
		if got := f[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, want %#v", name, got, want)
		}
	}
	for name, bad := range map[string]any{"n": []any{json.Number("1.5")}, "b": []any{json.Number("1")}, "d": []any{"x"}} {
		if _, err := tab.New("k2", map[string]any{name: bad}); err == nil {
			t.Errorf("%s: %v accepted", name, bad)
		}
	}
}
