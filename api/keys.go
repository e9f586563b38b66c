package api

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store"
)

// Keys. An entity's identity is its canonical key string (store.FormatKey):
// the value of a single key ("5", "abc"), or name=literal pairs in CSDL
// key order for a compound key (OrderID=1,Line='a'). It is the suffix of
// the entity's workflow id, so its form must not change. Key properties
// are typed by the data model: integers (Edm.Byte, SByte, Int16, Int32,
// Int64) and strings (and a single Edm.Guid).

// keyParts returns the key properties of the request's entity type with
// their types, computed once per request.
func (r *request) keyParts() ([]store.KeyPart, error) {
	if r.keys == nil {
		parts, err := store.KeyParts(Schema(r.bundle, r.table))
		if err != nil {
			return nil, errorf(http.StatusNotImplemented, "NotImplemented", "the key of %s: %v", r.table.Entity, err)
		}
		r.keys = parts
	}
	return r.keys, nil
}

var intRanges = map[string][2]int64{
	"Edm.Byte": {0, math.MaxUint8}, "Edm.SByte": {math.MinInt8, math.MaxInt8},
	"Edm.Int16": {math.MinInt16, math.MaxInt16}, "Edm.Int32": {math.MinInt32, math.MaxInt32},
}

// keyValue checks a key value (a key predicate literal or a JSON body
// value) against its key property: an integer in the type's range, or a
// non-empty string. It returns int64 or string.
func keyValue(p store.KeyPart, v any) (any, error) {
	if p.Kind != store.KeyInt {
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "key %s is %s: give a non-empty string", p.Name, p.Type)
		}
		return s, nil
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case json.Number:
		var err error
		if n, err = strconv.ParseInt(string(x), 10, 64); err != nil {
			return nil, errorf(http.StatusBadRequest, "BadRequest", "key %s is %s: %s is not an integer", p.Name, p.Type, x)
		}
	default:
		return nil, errorf(http.StatusBadRequest, "BadRequest", "key %s is %s: give an integer", p.Name, p.Type)
	}
	if rg, ok := intRanges[p.Type]; ok && (n < rg[0] || n > rg[1]) {
		return nil, errorf(http.StatusBadRequest, "BadRequest", "key %s is %s: %d is out of range", p.Name, p.Type, n)
	}
	return n, nil
}

// canonicalKey turns a key predicate into the entity's key string.
func canonicalKey(r *request, keys []ast.KeyValue) (string, error) {
	parts, err := r.keyParts()
	if err != nil {
		return "", err
	}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.Name
	}
	vals := make([]any, len(parts))
	if len(keys) == 1 && keys[0].Name == "" {
		if len(parts) != 1 {
			return "", errorf(http.StatusBadRequest, "BadRequest", "%s has a compound key (%s): name each part", r.table.Entity, strings.Join(names, ", "))
		}
		v, err := keyLiteral(keys[0])
		if err != nil {
			return "", err
		}
		if vals[0], err = keyValue(parts[0], v); err != nil {
			return "", err
		}
	} else {
		byName := map[string]ast.KeyValue{}
		for _, k := range keys {
			byName[k.Name] = k
		}
		if len(byName) != len(parts) || len(keys) != len(parts) {
			return "", errorf(http.StatusBadRequest, "BadRequest", "%s's key is (%s)", r.table.Entity, strings.Join(names, ", "))
		}
		for i, p := range parts {
			k, ok := byName[p.Name]
			if !ok {
				return "", errorf(http.StatusBadRequest, "BadRequest", "%s's key is (%s)", r.table.Entity, strings.Join(names, ", "))
			}
			v, err := keyLiteral(k)
			if err != nil {
				return "", err
			}
			if vals[i], err = keyValue(p, v); err != nil {
				return "", err
			}
		}
	}
	key, err := store.FormatKey(parts, vals)
	if err != nil {
		return "", errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	return key, nil
}

func keyLiteral(k ast.KeyValue) (any, error) {
	if k.Value == nil {
		// uri.Parse substitutes key aliases whose value is a literal.
		return nil, errorf(http.StatusBadRequest, "BadRequest", "key alias @%s has no literal value in the query string", k.Alias)
	}
	return k.Value.Value, nil
}

// keyValues returns the typed key property values of a canonical key, by
// name; nil when the key does not parse.
func (r *request) keyValues(key string) map[string]any {
	parts, err := r.keyParts()
	if err != nil {
		return nil
	}
	vals, err := store.ParseKey(parts, key)
	if err != nil {
		return nil
	}
	out := make(map[string]any, len(parts))
	for i, p := range parts {
		out[p.Name] = vals[i]
	}
	return out
}

// keyPredicate is the key predicate of an entity's URL, without the
// parentheses and URL-escaped: 5, 'abc', OrderID=1,Line='a'.
func (r *request) keyPredicate(key string) string {
	quote := func(s string) string { return "'" + url.PathEscape(strings.ReplaceAll(s, "'", "''")) + "'" }
	parts, err := r.keyParts()
	if err != nil {
		return quote(key)
	}
	vals, err := store.ParseKey(parts, key)
	if err != nil {
		return quote(key)
	}
	lits := make([]string, len(parts))
	for i, v := range vals {
		switch x := v.(type) {
		case int64:
			lits[i] = strconv.FormatInt(x, 10)
		case string:
			lits[i] = quote(x)
		}
		if len(parts) > 1 {
			lits[i] = parts[i].Name + "=" + lits[i]
		}
	}
	return strings.Join(lits, ",")
}

// entityURL is the canonical URL of an entity of the request's set.
func (r *request) entityURL(key string) string {
	return r.root + r.table.EntitySet + "(" + r.keyPredicate(key) + ")"
}

// bodyKey takes the key out of a create body: each key property with its
// type, or a generated UUID for a single string key the body omits.
func (r *request) bodyKey(body map[string]any, newID func() string) (string, error) {
	parts, err := r.keyParts()
	if err != nil {
		return "", err
	}
	vals := make([]any, len(parts))
	for i, p := range parts {
		v, ok := body[p.Name]
		if !ok {
			if len(parts) == 1 && p.Kind != store.KeyInt {
				vals[i] = newID()
				continue
			}
			return "", errorf(http.StatusBadRequest, "BadRequest", "the body must give key property %s (%s)", p.Name, p.Type)
		}
		if vals[i], err = keyValue(p, v); err != nil {
			return "", err
		}
		delete(body, p.Name)
	}
	key, err := store.FormatKey(parts, vals)
	if err != nil {
		return "", errorf(http.StatusBadRequest, "BadRequest", "%v", err)
	}
	return key, nil
}
