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
		return string(x)
	}
	return v
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
