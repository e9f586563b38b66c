package api

import (
	"encoding/json"
	"math"
	"mime"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/temperhq/temper/api/odata/ast"
)

// IEEE754Compatible=true (OData JSON 4.01 §3.2): a client that cannot
// hold 64-bit integers or exact decimals in a JSON number asks for Int64
// and Decimal values, counts included, as JSON strings, and may send them
// so.

// ieee754Compatible reads IEEE754Compatible=true from $format or Accept.
func ieee754Compatible(c echo.Context, q *ast.Query) bool {
	specs := strings.Split(c.Request().Header.Get("Accept"), ",")
	if q.Format != "" {
		specs = []string{q.Format}
	}
	for _, spec := range specs {
		if mediaIEEE754(spec) {
			return true
		}
	}
	return false
}

// ieee754Body reports whether the request body is declared
// IEEE754Compatible=true in its Content-Type.
func ieee754Body(r *request) bool {
	return mediaIEEE754(r.c.Request().Header.Get("Content-Type"))
}

func mediaIEEE754(spec string) bool {
	mt, params, err := mime.ParseMediaType(strings.TrimSpace(spec))
	if err != nil || mt != "application/json" && !strings.EqualFold(mt, "json") {
		return false
	}
	return strings.EqualFold(params["ieee754compatible"], "true")
}

func isIEEE754Type(edm string) bool { return edm == "Edm.Int64" || edm == "Edm.Decimal" }

// edmTypes are the Edm types of the request's entity type, by property.
func (r *request) edmTypes() map[string]string {
	if r.schema == nil {
		r.schema = Schema(r.bundle, r.table).Properties
	}
	return r.schema
}

// ieee754Value renders a number of an Int64 or Decimal property as a
// string; other values are returned as they are.
func ieee754Value(v any) any {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return plainDecimal(string(x))
	}
	return v
}

// propertyValue is the JSON value of a property of Edm type edm: an
// Edm.Decimal is written in plain notation, never with an exponent
// (JSON Format §7.1: no exponent unless the client accepts
// ExponentialDecimals), and its exact decimal text when it has one; with
// IEEE754Compatible=true Int64 and Decimal values are strings.
func propertyValue(r *request, edm string, v any) any {
	if elem, ok := strings.CutPrefix(edm, "Collection("); ok {
		if list, ok := v.([]any); ok {
			elem = strings.TrimSuffix(elem, ")")
			out := make([]any, len(list))
			for i, x := range list {
				out[i] = propertyValue(r, elem, x)
			}
			return out
		}
		return v
	}
	if edm == "Edm.Decimal" {
		switch x := v.(type) {
		case float64:
			if !math.IsInf(x, 0) && !math.IsNaN(x) {
				v = json.Number(strconv.FormatFloat(x, 'f', -1, 64))
			}
		case json.Number:
			v = json.Number(plainDecimal(string(x)))
		}
	}
	if r.ieee754 && isIEEE754Type(edm) {
		v = ieee754Value(v)
	}
	return v
}

// plainDecimal rewrites a JSON number with an exponent (1.5e-7) in plain
// decimal notation (0.00000015); other numbers are returned as they are.
func plainDecimal(s string) string {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return s
	}
	exp, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	if err != nil || exp > 1000 || exp < -1000 {
		return s
	}
	mant := s[:i]
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	whole, frac, _ := strings.Cut(mant, ".")
	digits := whole + frac
	point := len(whole) + exp
	switch {
	case point <= 0:
		digits = strings.Repeat("0", 1-point) + digits
		point = 1
	case point > len(digits):
		digits += strings.Repeat("0", point-len(digits))
	}
	out := strings.TrimLeft(digits[:point], "0")
	if out == "" {
		out = "0"
	}
	if f := strings.TrimRight(digits[point:], "0"); f != "" {
		out += "." + f
	}
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// ieee754Counts turns every count annotation of a payload into a string.
func ieee754Counts(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "@odata.count" || strings.HasSuffix(k, "@odata.count") {
				x[k] = ieee754Value(val)
				continue
			}
			ieee754Counts(val)
		}
	case []any:
		for _, it := range x {
			ieee754Counts(it)
		}
	}
}
