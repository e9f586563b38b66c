package setcache

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

// Key names an entity set.
type Key struct{ App, Set string }

// Set is a catalog entry: the set's table and typed columns.
type Set struct {
	ID      int64
	Table   string
	Columns map[string]sqlgen.Column
	// Keys are the key parts of an integer or compound key, in key order
	// (nil for a single string key, or a set never ensured): a write
	// stores their typed values in the JSON document.
	Keys   []model.KeyPart
	loaded time.Time
}

// Fields returns the fields to store for an entity with this key: fields
// with the typed key values added when the set has an integer or compound
// key. A key not in canonical form adds nothing (its parts read as null).
func (s *Set) Fields(key string, fields map[string]any) map[string]any {
	if len(s.Keys) == 0 {
		return fields
	}
	vals, err := model.ParseKey(s.Keys, key)
	if err != nil {
		return fields
	}
	out := make(map[string]any, len(fields)+len(vals))
	for k, v := range fields {
		out[k] = v
	}
	for i, p := range s.Keys {
		out[p.Name] = vals[i]
	}
	return out
}

// Column is a column as recorded in temper_sets.columns.
type Column struct {
	Column string     `json:"c"`
	Kind   model.Kind `json:"k"`
	Type   string     `json:"t"`
	// Key is the 1-based position of the property in an integer or
	// compound key, 0 when it is not a key part.
	Key int `json:"key,omitempty"`
}

// Catalog is temper_sets.columns: a set's typed columns by property name.
type Catalog map[string]Column

// Decode builds the entry of set k from its temper_sets row: its id and
// its columns as JSON.
func Decode(k Key, id int64, columns []byte) (*Set, Catalog, error) {
	var cc Catalog
	if err := json.Unmarshal(columns, &cc); err != nil {
		return nil, nil, fmt.Errorf("catalog of %s/%s: %w", k.App, k.Set, err)
	}
	st := &Set{ID: id, Table: fmt.Sprintf("temper_p%d", id), Columns: map[string]sqlgen.Column{}, loaded: time.Now()}
	keys := map[int]model.KeyPart{}
	for name, c := range cc {
		st.Columns[name] = sqlgen.Column{Name: c.Column, Kind: c.Kind}
		if c.Key > 0 {
			keys[c.Key] = model.KeyPart{Name: name, Kind: c.Kind}
		}
	}
	for i := 1; i <= len(keys); i++ {
		p, ok := keys[i]
		if !ok {
			st.Keys = nil
			break
		}
		st.Keys = append(st.Keys, p)
	}
	return st, cc, nil
}

// Added is a typed column to add for a property.
type Added struct {
	Property string
	Column   string
	Kind     model.Kind
}

// Add records in cc a column for every typed property of schema (a
// normalized one) that has none of its kind yet, named c<next>, c<next+1>,
// ...; it returns the new columns and the next free number, and whether
// cc changed (new columns, or key positions of an integer or compound
// key: their typed values are stored in the JSON document).
func (cc Catalog) Add(schema model.Schema, next int64) ([]Added, int64, bool) {
	var out []Added
	keyPos := map[string]int{}
	if schema.SimpleKey() == "" {
		for i, k := range schema.Key {
			keyPos[k] = i + 1
		}
	}
	changed := false
	for _, name := range schema.Names() {
		t := model.ParseType(schema.Properties[name])
		if !typed(schema, name, t) {
			continue
		}
		if c, ok := cc[name]; ok && c.Kind == t.Kind {
			continue
		}
		col := fmt.Sprintf("c%d", next)
		next++
		cc[name] = Column{Column: col, Kind: t.Kind, Type: t.Name}
		out = append(out, Added{Property: name, Column: col, Kind: t.Kind})
		changed = true
	}
	for name, c := range cc {
		if c.Key != keyPos[name] {
			c.Key = keyPos[name]
			cc[name] = c
			changed = true
		}
	}
	return out, next, changed
}

// typed reports whether property name of type t gets a typed column: a
// primitive that is neither the status nor a single string key (the key
// column itself).
func typed(s model.Schema, name string, t model.Type) bool {
	if t.Collection || t.Kind == model.KindUnsupported || name == "status" {
		return false
	}
	if len(s.Key) == 0 {
		return true
	}
	return !(len(s.Key) == 1 && name == s.Key[0] && (t.Kind == model.KindString || t.Kind == model.KindGuid))
}
