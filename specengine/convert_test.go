package specengine

import (
	"encoding/json"
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
