package entity

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/temperhq/temper/specengine/expr"
)

// Values is a JSON object of field or parameter values: a create body, an
// action's parameters, a field update, an entity's fields. It is encoded
// like the plain map it is, but decodes numbers exactly: an integer as
// int64, any other number as float64. Decoding into map[string]any, as
// Temporal's JSON payload converter does, would make every number a
// float64 and lose integers beyond 2^53 (an Edm.Int64 of 9007199254740993)
// on their way to and from the workflow.
//
// Replay is unaffected: the encoded form is unchanged, and the spec engine
// converts an integral float64 and the same int64 to the same value.
type Values map[string]any

// UnmarshalJSON decodes an object with integers as int64.
func (v *Values) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("decode values: %w", err)
	}
	for k, x := range m {
		m[k] = exactNumbers(x)
	}
	*v = m
	return nil
}

// exactNumbers replaces the json.Numbers of a decoded value: int64 when
// the number is an integer that fits, float64 when a float64 holds it,
// and the json.Number itself (its exact text) otherwise: an Edm.Decimal
// with more digits than a float64 holds.
func exactNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, err := x.Float64()
		if err != nil || expr.DecimalVal(f, string(x)).S != "" {
			return x
		}
		return f
	case []any:
		for i := range x {
			x[i] = exactNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = exactNumbers(x[k])
		}
	}
	return v
}
