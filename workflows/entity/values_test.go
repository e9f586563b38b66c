package entity

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestValuesDecodeNumbersExactly(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want Values
	}{
		{`{"a":9007199254740993}`, Values{"a": int64(9007199254740993)}},
		{`{"a":-9223372036854775808}`, Values{"a": int64(-9223372036854775808)}},
		{`{"a":9223372036854775808}`, Values{"a": json.Number("9223372036854775808")}}, // beyond int64: exact text
		{`{"a":1.5,"b":1e3,"c":0.1}`, Values{"a": 1.5, "b": 1000.0, "c": 0.1}},
		{`{"a":12345678901234567.891234567}`, Values{"a": json.Number("12345678901234567.891234567")}},
		{`{"a":[1,"x",{"b":2}]}`, Values{"a": []any{int64(1), "x", map[string]any{"b": int64(2)}}}},
		{`{"a":null,"b":true}`, Values{"a": nil, "b": true}},
		{`null`, nil},
	} {
		var got Values
		if err := json.Unmarshal([]byte(c.in), &got); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %#v, want %#v", c.in, got, c.want)
		}
	}
	var v Values
	if err := json.Unmarshal([]byte(`[1]`), &v); err == nil {
		t.Error("an array decoded as values")
	}
}
