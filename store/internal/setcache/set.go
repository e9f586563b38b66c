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
	loaded  time.Time
}

// Column is a column as recorded in temper_sets.columns.
type Column struct {
	Column string     `json:"c"`
	Kind   model.Kind `json:"k"`
	Type   string     `json:"t"`
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
	for name, c := range cc {
		st.Columns[name] = sqlgen.Column{Name: c.Column, Kind: c.Kind}
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
// ...; it returns the new columns and the next free number.
func (cc Catalog) Add(schema model.Schema, next int64) ([]Added, int64) {
	var out []Added
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
	}
	return out, next
}

// typed reports whether property name of type t gets a typed column: a
// primitive that is neither the key nor the status.
func typed(s model.Schema, name string, t model.Type) bool {
	if t.Collection || t.Kind == model.KindUnsupported || name == "status" {
		return false
	}
	return len(s.Key) == 0 || name != s.Key[0]
}
