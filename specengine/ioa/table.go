package ioa

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine/diag"
)

// table is a decoded TOML table with its key path, for positioned errors.
type table struct {
	r    *reader
	path string
	m    map[string]any
}

func (t table) child(k string) string {
	if t.path == "" {
		return k
	}
	return t.path + "." + k
}

func (t table) pos() diag.Pos { return t.r.ix.key(t.path) }

func (t table) keyPos(k string) diag.Pos { return t.r.ix.key(t.child(k)) }

func (t table) valPos(k string) diag.Pos { return t.r.ix.val(t.child(k)) }

func (t table) has(k string) bool { _, ok := t.m[k]; return ok }

// check reports every key of t that is not allowed. unsupported maps keys
// the original project knows but Temper does not support to the reason.
func (t table) check(what string, allowed []string, unsupported map[string]string) {
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if contains(allowed, k) {
			continue
		}
		if why, ok := unsupported[k]; ok {
			t.r.d.Errorf(t.keyPos(k), "unsupported: %s key '%s': %s", what, k, why)
			continue
		}
		msg := fmt.Sprintf("unknown key '%s' in %s", k, what)
		if n := diag.Nearest(k, allowed); n != "" {
			msg += fmt.Sprintf(" (did you mean '%s'?)", n)
		} else {
			msg += " (valid keys: " + strings.Join(allowed, ", ") + ")"
		}
		t.r.d.Errorf(t.keyPos(k), "%s", msg)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	}
	return fmt.Sprintf("a %T", v)
}

func (t table) wrongType(k, want string) {
	t.r.d.Errorf(t.valPos(k), "%s.%s must be %s, found %s", t.name(), k, want, typeName(t.m[k]))
}

// name is the table's name as an author wrote it, e.g. [[action]] "Index".
func (t table) name() string {
	p := t.path
	if i := strings.LastIndexByte(p, '['); i >= 0 && strings.HasSuffix(p, "]") {
		p = p[:i]
	}
	return p
}

func (t table) str(k string) (string, bool) {
	v, ok := t.m[k]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		t.wrongType(k, "a string")
		return "", false
	}
	return s, true
}

// req reads a required, non-empty string.
func (t table) req(k string) string {
	s, ok := t.str(k)
	if !ok && !t.has(k) {
		t.r.d.Errorf(t.pos(), "%s is missing required key '%s'", t.name(), k)
	}
	if ok && s == "" {
		t.r.d.Errorf(t.valPos(k), "%s.%s must not be empty", t.name(), k)
	}
	return s
}

func (t table) strs(k string) ([]string, []diag.Pos, bool) {
	v, ok := t.m[k]
	if !ok {
		return nil, nil, false
	}
	arr, ok := v.([]any)
	if !ok {
		if s, isStr := v.(string); isStr {
			return []string{s}, []diag.Pos{t.r.ix.inner(t.child(k))}, true
		}
		t.wrongType(k, "an array of strings")
		return nil, nil, false
	}
	out := make([]string, 0, len(arr))
	pos := make([]diag.Pos, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		p := fmt.Sprintf("%s[%d]", t.child(k), i)
		if !ok {
			t.r.d.Errorf(t.r.ix.val(p), "%s.%s[%d] must be a string, found %s", t.name(), k, i, typeName(e))
			continue
		}
		out = append(out, s)
		pos = append(pos, t.r.ix.inner(p))
	}
	return out, pos, true
}

func (t table) boolean(k string) (bool, bool) {
	v, ok := t.m[k]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		t.wrongType(k, "a boolean")
	}
	return b, ok
}

func (t table) integer(k string) (int64, bool) {
	v, ok := t.m[k]
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		t.wrongType(k, "an integer")
	}
	return n, ok
}

func (t table) src(k string) *Src {
	s, ok := t.str(k)
	if !ok {
		return nil
	}
	return &Src{Text: s, Pos: t.r.ix.inner(t.child(k))}
}

// sub reads a table-valued key (a [a.b] table or an inline table).
func (t table) sub(k string) (table, bool) {
	v, ok := t.m[k]
	if !ok {
		return table{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.wrongType(k, "a table")
		return table{}, false
	}
	return table{r: t.r, path: t.child(k), m: m}, true
}

// tables reads an array of tables ([[x]] or an array of inline tables).
func (t table) tables(k string) []table {
	v, ok := t.m[k]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		if m, isMap := v.(map[string]any); isMap {
			t.r.d.Errorf(t.keyPos(k), "[%s] must be written [[%s]]: it is an array of tables", t.child(k), t.child(k))
			_ = m
			return nil
		}
		t.wrongType(k, "an array of tables")
		return nil
	}
	out := make([]table, 0, len(arr))
	for i, e := range arr {
		m, ok := e.(map[string]any)
		p := fmt.Sprintf("%s[%d]", t.child(k), i)
		if !ok {
			t.r.d.Errorf(t.r.ix.val(p), "%s[%d] must be a table, found %s", t.child(k), i, typeName(e))
			continue
		}
		out = append(out, table{r: t.r, path: p, m: m})
	}
	return out
}
