package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
)

// EncodeJSON marshals a field or parameter map; nil becomes {}.
func EncodeJSON(m map[string]any) ([]byte, error) {
	if m == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(m)
}

// DecodeJSON unmarshals a field or parameter map. Integral numbers
// become int64 and other numbers float64, so a projection reads back with
// the Go types it was written with; a number a float64 cannot hold
// exactly (a long Edm.Decimal) stays a json.Number, its exact text.
func DecodeJSON(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode fields: %w", err)
	}
	for k, v := range m {
		m[k] = numbers(v)
	}
	return m, nil
}

func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, err := x.Float64()
		if err != nil || !sameNumber(strconv.FormatFloat(f, 'g', -1, 64), string(x)) {
			return x
		}
		return f
	case []any:
		for i := range x {
			x[i] = numbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = numbers(x[k])
		}
	}
	return v
}

// Check reports what makes an entity unwritable.
func (e *Entity) Check() error {
	if e.App == "" || e.Set == "" || e.Key == "" {
		return fmt.Errorf("projection %s: app, set and key are required", e.Ref)
	}
	return nil
}

// Check reports what makes a transition record unwritable.
func (t *Transition) Check() error {
	if t.App == "" || t.Set == "" || t.Key == "" {
		return fmt.Errorf("transitions %s: app, set and key are required", t.Ref)
	}
	return nil
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
