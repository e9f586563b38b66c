package storetest

import (
	"fmt"
	"time"

	"github.com/temperhq/temper/store"
)

// The query table's data set: twelve tasks with nulls, missing fields,
// Unicode, quotes and SQL-looking text.
const confApp = "conf"

var confSchema = store.Schema{
	Key: []string{"id"},
	Properties: map[string]string{
		"id": "Edm.String", "status": "Edm.String", "title": "Edm.String", "priority": "Edm.Int32",
		"score": "Edm.Double", "done": "Edm.Boolean", "due": "Edm.Date", "at": "Edm.DateTimeOffset",
		"slot": "Edm.TimeOfDay", "ref": "Edm.Guid", "labels": "Collection(Edm.String)",
		"nums": "Collection(Edm.Int32)", "blob": "Edm.Binary", "dur": "Edm.Duration", "code": "Edm.String",
		"color": "NS.Color", "tags": "Collection(Edm.String)", "perms": "NS.Perms",
	},
	// Member values differ from declaration and name order, so ordering
	// by value shows.
	Enums: map[string]store.Enum{
		"NS.Color": {Members: []store.EnumMember{{Name: "Red", Value: 2}, {Name: "Green", Value: 0}, {Name: "Blue", Value: 1}}},
		"NS.Perms": {Flags: true, Members: []store.EnumMember{{Name: "Read", Value: 1}, {Name: "Write", Value: 2}}},
	},
}

// confNow is what now() stands for in the table.
var confNow = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

type row struct {
	key, status string
	fields      map[string]any
}

var confRows = []row{
	{"t01", "Open", map[string]any{"title": "Alpha", "priority": 5, "score": 1.5, "done": false, "due": "2024-01-15",
		"at": "2024-01-15T10:30:00Z", "slot": "09:00:00", "labels": []any{"urgent", "backend"}, "nums": []any{1, 2, 3},
		"dur": "P1DT2H", "code": "42", "tags": []any{"urgent", "backend"}, "color": "Red", "perms": "Read"}},
	{"t02", "Open", map[string]any{"title": "beta", "priority": 3, "score": 2.25, "done": true, "due": "2024-02-29",
		"at": "2024-02-29T23:59:59.5+02:00", "slot": "13:45:30.25", "labels": []any{"frontend"}, "nums": []any{5},
		"dur": "PT36H", "code": "007", "tags": []any{"frontend", "x"}, "color": "Green", "perms": "Read,Write"}},
	{"t03", "Open", map[string]any{"title": "Gamma ray", "priority": 1, "score": -0.5, "done": false, "due": "2023-12-31",
		"at": "2023-12-31T23:00:00-05:00", "labels": []any{}, "nums": []any{}, "dur": "-PT30M", "code": "-3", "tags": []any{}, "color": "Blue", "perms": "Write"}},
	{"t04", "InProgress", map[string]any{"title": "delta", "priority": 4, "score": 10, "done": true, "labels": []any{"backend", "urgent"},
		"dur": "PT0.5S", "code": "x1", "tags": []any{"urgent", "backend"}, "color": "Red"}},
	{"t05", "InProgress", map[string]any{"title": "Épée", "priority": nil, "done": nil, "dur": "p1d", "code": "2024-01-15"}},
	{"t06", "Done", map[string]any{"title": "it's quoted", "priority": 2, "score": 3.75, "labels": []any{"it's"},
		"dur": "P1Y", "code": "1.5"}},
	{"t07", "Done", map[string]any{"title": " padded ", "priority": 0, "score": 0, "dur": 0, "code": "true"}},
	{"t08", "Cancelled", map[string]any{"title": nil, "priority": -3, "score": 7.5, "code": "99999999999999999999"}},
	{"t09", "Open", map[string]any{"title": "alpha beta", "priority": 3, "score": 2.5, "labels": []any{"urgent"}, "code": "12:30"}},
	{"t10", "Blocked", map[string]any{"title": "Zeta; DROP TABLE x;--", "priority": 10, "score": 100.125,
		"code": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}},
	{"t11", "Open", map[string]any{"title": "100% _wild_", "priority": 7, "score": 0.001, "code": "PT2H"}},
	{"t12", "Open", map[string]any{"title": "tab\tand\nnewline", "priority": 3, "score": 2.25, "ref": "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
		"code": "2024-01-15T10:30:00Z"}},
}

// entity is a factory with defaults: version 1, type Task, a fixed time.
func entity(app, set, key string, version int64, status string, fields map[string]any) store.Entity {
	f := map[string]any{"status": status}
	for k, v := range fields {
		f[k] = v
	}
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(version) * time.Second)
	return store.Entity{
		Ref:  store.Ref{App: app, Set: set, Key: key},
		Type: "Task", Spec: "sha256:test", Version: version, Status: status, Fields: f,
		Creator: "agent:one", UpdatedAt: at,
	}
}

func transition(r store.Ref, version int64, action, before, after string, at time.Time) store.Transition {
	return store.Transition{Ref: r, Type: "Task", Version: version, Action: action,
		Params: map[string]any{"n": version}, Principal: "agent:one", Before: before, After: after,
		Spec: "sha256:test", At: at}
}

func keys(es []store.Entity) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.Key)
	}
	return out
}

func all() []string {
	out := make([]string, len(confRows))
	for i, r := range confRows {
		out[i] = r.key
	}
	return out
}

func except(ks ...string) []string {
	skip := map[string]bool{}
	for _, k := range ks {
		skip[k] = true
	}
	var out []string
	for _, k := range all() {
		if !skip[k] {
			out = append(out, k)
		}
	}
	return out
}

func ks(n ...int) []string {
	out := make([]string, len(n))
	for i, x := range n {
		out[i] = fmt.Sprintf("t%02d", x)
	}
	return out
}
