package model

import (
	"fmt"
	"strconv"
	"strings"
)

// KeyPart is one key property: its name and kind (KindString, KindGuid
// or KindInt).
type KeyPart struct {
	Name string
	Kind Kind
	// Type is the Edm type name, e.g. "Edm.Int32".
	Type string
}

// The canonical key string is an entity's identity (its workflow id ends
// with it): for a single key, the value itself ("5", "abc"); for a
// compound key, name=literal pairs in key order separated by commas, the
// literals in OData form: OrderID=1,Line='a' (a quote inside a string
// literal is doubled).

// FormatKey returns the canonical key of the values (int64 for integer
// parts, string otherwise), given in key order.
func FormatKey(parts []KeyPart, vals []any) (string, error) {
	if len(parts) == 0 || len(vals) != len(parts) {
		return "", fmt.Errorf("%d key values for %d key properties", len(vals), len(parts))
	}
	lits := make([]string, len(parts))
	for i, p := range parts {
		switch v := vals[i].(type) {
		case int64:
			if p.Kind != KindInt {
				return "", fmt.Errorf("key %s: an integer for a %s", p.Name, p.Kind)
			}
			lits[i] = strconv.FormatInt(v, 10)
		case string:
			if p.Kind == KindInt {
				return "", fmt.Errorf("key %s: a string for an integer", p.Name)
			}
			if v == "" {
				return "", fmt.Errorf("key %s: empty", p.Name)
			}
			lits[i] = v
			if len(parts) > 1 {
				lits[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			}
		default:
			return "", fmt.Errorf("key %s: %T is not a key value", p.Name, vals[i])
		}
	}
	if len(parts) == 1 {
		return lits[0], nil
	}
	for i, p := range parts {
		lits[i] = p.Name + "=" + lits[i]
	}
	return strings.Join(lits, ","), nil
}

// ParseKey returns the typed values (int64 or string) of a canonical key,
// in key order. Only the canonical form parses.
func ParseKey(parts []KeyPart, key string) ([]any, error) {
	bad := func() ([]any, error) {
		return nil, fmt.Errorf("%q is not a canonical key of (%s)", key, keyNames(parts))
	}
	if len(parts) == 0 || key == "" {
		return bad()
	}
	if len(parts) == 1 {
		if parts[0].Kind != KindInt {
			return []any{key}, nil
		}
		n, err := parseCanonicalInt(key)
		if err != nil {
			return bad()
		}
		return []any{n}, nil
	}
	out := make([]any, len(parts))
	rest := key
	for i, p := range parts {
		if i > 0 {
			if !strings.HasPrefix(rest, ",") {
				return bad()
			}
			rest = rest[1:]
		}
		if !strings.HasPrefix(rest, p.Name+"=") {
			return bad()
		}
		rest = rest[len(p.Name)+1:]
		if p.Kind == KindInt {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			n, err := parseCanonicalInt(rest[:end])
			if err != nil {
				return bad()
			}
			out[i], rest = n, rest[end:]
			continue
		}
		if !strings.HasPrefix(rest, "'") {
			return bad()
		}
		var b strings.Builder
		j := 1
		for {
			q := strings.IndexByte(rest[j:], '\'')
			if q < 0 {
				return bad()
			}
			b.WriteString(rest[j : j+q])
			j += q + 1
			if j < len(rest) && rest[j] == '\'' {
				b.WriteByte('\'')
				j++
				continue
			}
			break
		}
		if b.Len() == 0 {
			return bad()
		}
		out[i], rest = b.String(), rest[j:]
	}
	if rest != "" {
		return bad()
	}
	return out, nil
}

func parseCanonicalInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != s {
		return 0, fmt.Errorf("%q is not a canonical integer", s)
	}
	return n, nil
}

func keyNames(parts []KeyPart) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
