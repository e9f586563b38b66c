package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/temperhq/temper/store"
)

// specAt is the base time of spec versions and deploys: microseconds, the
// precision both backends keep.
var specAt = time.Date(2025, 4, 1, 9, 30, 0, 654321000, time.UTC)

// specVersionFor is a factory with defaults: a version with two files and
// a report, verified by "v1", created minute minutes after specAt.
func specVersionFor(app, version string, minute int) store.SpecVersion {
	return store.SpecVersion{
		App: app, Version: version,
		Files: map[string][]byte{
			"app.toml":       []byte("name = \"" + app + "\"\n"),
			"specs/task.ioa": []byte("automaton Task {\n  state Open\n}\n"),
		},
		Verifier:    "v1",
		Report:      json.RawMessage(`{"levels": [1, 2, 3], "ok": true}`),
		SubmittedBy: `Agent::"dev"`, ApprovedBy: `Admin::"root"`,
		CreatedAt: specAt.Add(time.Duration(minute) * time.Minute),
	}
}

// deployFor is a factory with defaults: a running submit of version
// sha256:<id>, created minute minutes after specAt.
func deployFor(id, app string, minute int) store.Deploy {
	return store.Deploy{
		ID: id, App: app, Version: "sha256:" + id, Kind: "submit", Mode: "merge",
		Status: store.DeployRunning, Step: "verify", SubmittedBy: `Agent::"dev"`,
		CreatedAt: specAt.Add(time.Duration(minute) * time.Minute),
	}
}

// withoutFiles is a version as lists return it.
func withoutFiles(vs ...store.SpecVersion) []store.SpecVersion {
	out := make([]store.SpecVersion, len(vs))
	for i, v := range vs {
		v.Files = nil
		out[i] = v
	}
	return out
}

func testSpecVersions(ctx context.Context, t *testing.T, s store.Store) {
	put := func(t *testing.T, v store.SpecVersion) {
		t.Helper()
		if err := s.PutSpecVersion(ctx, v); err != nil {
			t.Fatalf("PutSpecVersion %s@%s: %v", v.App, v.Version, err)
		}
	}
	get := func(t *testing.T, app, version string) store.SpecVersion {
		t.Helper()
		got, err := s.SpecVersion(ctx, app, version)
		if err != nil {
			t.Fatalf("SpecVersion %s@%s: %v", app, version, err)
		}
		return got
	}

	t.Run("files round-trip", func(t *testing.T) {
		allBytes := make([]byte, 256)
		for i := range allBytes {
			allBytes[i] = byte(i)
		}
		for i, c := range []struct {
			name  string
			files map[string][]byte
			want  map[string][]byte // nil: files
		}{
			{"text", map[string][]byte{"a.ioa": []byte("automaton A {}\n")}, nil},
			{"not UTF-8", map[string][]byte{"bin": {0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x00}}, nil},
			{"every byte", map[string][]byte{"all": allBytes}, nil},
			{"NUL bytes only", map[string][]byte{"zeros": make([]byte, 64)}, nil},
			{"empty file", map[string][]byte{"empty": {}, "other": []byte("x")}, nil},
			{"nil content is an empty file", map[string][]byte{"nil": nil}, map[string][]byte{"nil": {}}},
			{"names", map[string][]byte{
				"dir/sub/file.toml": []byte("a"), "it's \"quoted\"; --": []byte("b"), "Épée ☃.md": []byte("c"),
				" spaced ": []byte("d"), "a\\b": []byte("e"),
			}, nil},
			{"large", map[string][]byte{"big": bytes.Repeat(allBytes, 4096)}, nil},
			{"no files", map[string][]byte{}, map[string][]byte(nil)},
			{"nil files", nil, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				v := specVersionFor("files", fmt.Sprintf("sha256:%02d", i), i)
				v.Files = c.files
				put(t, v)
				want := c.files
				if c.want != nil || len(c.files) == 0 {
					want = c.want
				}
				got := get(t, "files", v.Version)
				if !reflect.DeepEqual(got.Files, want) {
					t.Fatalf("files %q\nwant %q", got.Files, want)
				}
				v.Files = want
				if !reflect.DeepEqual(got, v) {
					t.Fatalf("got %+v\nwant %+v", got, v)
				}
			})
		}
	})

	t.Run("report round-trip", func(t *testing.T) {
		for i, c := range []struct {
			name   string
			report json.RawMessage
		}{
			{"none", nil},
			{"as given", json.RawMessage("{\"z\": 1,\n  \"a\": [ true, null ],  \"é\": \"\\u00e9\" }")},
			{"duplicate keys kept", json.RawMessage(`{"a":1,"a":2}`)},
			{"a scalar", json.RawMessage(`"passed"`)},
		} {
			t.Run(c.name, func(t *testing.T) {
				v := specVersionFor("reports", fmt.Sprintf("sha256:%02d", i), i)
				v.Report = c.report
				put(t, v)
				if got := get(t, "reports", v.Version); !bytes.Equal(got.Report, c.report) || (got.Report == nil) != (c.report == nil) {
					t.Fatalf("report %q, want %q", got.Report, c.report)
				}
			})
		}
	})

	t.Run("put is idempotent", func(t *testing.T) {
		first := specVersionFor("idem", "sha256:one", 0)
		put(t, first)
		again := specVersionFor("idem", "sha256:one", 5)
		again.Report = json.RawMessage(`{"different": true}`)
		again.Verifier, again.SubmittedBy, again.ApprovedBy = "v2", "someone else", ""
		again.Files = map[string][]byte{"other.ioa": []byte("other"), "app.toml": []byte("changed")}
		for _, v := range []store.SpecVersion{again, first, again} {
			put(t, v)
			if got := get(t, "idem", "sha256:one"); !reflect.DeepEqual(got, first) {
				t.Fatalf("after a second put: %+v\nwant the first %+v", got, first)
			}
		}
		if got, err := s.SpecVersions(ctx, "idem"); err != nil || !reflect.DeepEqual(got, withoutFiles(first)) {
			t.Fatalf("list after repeated puts: %+v, %v", got, err)
		}
	})

	t.Run("concurrent put", func(t *testing.T) {
		const callers = 8
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := specVersionFor("race", "sha256:same", i)
				v.Files = map[string][]byte{fmt.Sprintf("f%d", i): {byte(i)}}
				errs <- s.PutSpecVersion(ctx, v)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent put: %v", err)
			}
		}
		got := get(t, "race", "sha256:same")
		// One put won, files and all: one file, the one its time names.
		if len(got.Files) != 1 {
			t.Fatalf("files of several puts: %q", got.Files)
		}
		i := int(got.CreatedAt.Sub(specAt) / time.Minute)
		if !bytes.Equal(got.Files[fmt.Sprintf("f%d", i)], []byte{byte(i)}) {
			t.Fatalf("version of put %d has files %q", i, got.Files)
		}
	})

	t.Run("list", func(t *testing.T) {
		// v3 and v4 share a creation time (the version breaks the tie),
		// v0 is the oldest; app "list-other" is not listed.
		vs := []store.SpecVersion{
			specVersionFor("list", "sha256:v0", 0), specVersionFor("list", "sha256:v1", 10),
			specVersionFor("list", "sha256:v3", 20), specVersionFor("list", "sha256:v4", 20),
			specVersionFor("list", "sha256:v2", 30),
		}
		vs[1].Report = nil
		for _, i := range []int{2, 0, 4, 1, 3} {
			put(t, vs[i])
		}
		put(t, specVersionFor("list-other", "sha256:v9", 40))
		for _, c := range []struct {
			app  string
			want []store.SpecVersion
		}{
			{"list", withoutFiles(vs[4], vs[3], vs[2], vs[1], vs[0])},
			{"list-other", withoutFiles(specVersionFor("list-other", "sha256:v9", 40))},
			{"nope", nil},
		} {
			got, err := s.SpecVersions(ctx, c.app)
			if err != nil {
				t.Fatalf("SpecVersions %s: %v", c.app, err)
			}
			if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
				t.Fatalf("SpecVersions %s: %+v\nwant %+v", c.app, got, c.want)
			}
			for _, v := range got {
				if v.Files != nil {
					t.Fatalf("a listed version has files: %+v", v)
				}
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		put(t, specVersionFor("nf", "sha256:here", 0))
		for _, c := range []struct{ app, version string }{
			{"nf", "sha256:nope"}, {"nope", "sha256:here"}, {"nf-other", "sha256:here"}, {"", ""}, {"nf", ""},
		} {
			if _, err := s.SpecVersion(ctx, c.app, c.version); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("SpecVersion %s@%s: %v, want ErrNotFound", c.app, c.version, err)
			}
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			edit func(v *store.SpecVersion)
		}{
			{"no app", func(v *store.SpecVersion) { v.App = "" }},
			{"no version", func(v *store.SpecVersion) { v.Version = "" }},
			{"report not JSON", func(v *store.SpecVersion) { v.Report = json.RawMessage(`{"a":`) }},
			{"report not UTF-8", func(v *store.SpecVersion) { v.Report = json.RawMessage("\"\xff\"") }},
			{"empty file name", func(v *store.SpecVersion) { v.Files[""] = []byte("x") }},
			{"file name with NUL", func(v *store.SpecVersion) { v.Files["a\x00b"] = []byte("x") }},
			{"file name not UTF-8", func(v *store.SpecVersion) { v.Files["\xff"] = []byte("x") }},
		} {
			t.Run(c.name, func(t *testing.T) {
				v := specVersionFor("refused", "sha256:"+c.name, 0)
				c.edit(&v)
				if err := s.PutSpecVersion(ctx, v); err == nil {
					t.Fatal("no error")
				}
				if got, _ := s.SpecVersions(ctx, "refused"); len(got) != 0 {
					t.Fatalf("a refused put stored %+v", got)
				}
			})
		}
	})
}

func testActivate(ctx context.Context, t *testing.T, s store.Store) {
	for _, v := range []store.SpecVersion{
		specVersionFor("a", "sha256:a1", 0), specVersionFor("a", "sha256:a2", 1),
		specVersionFor("b", "sha256:b1", 2), specVersionFor("c", "sha256:c1", 3),
	} {
		if err := s.PutSpecVersion(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	at := func(hour int) time.Time { return specAt.Add(time.Duration(hour) * time.Hour) }
	active := func(app, version, by string, hour int) store.ActiveVersion {
		return store.ActiveVersion{App: app, Version: version, ActivatedBy: by, ActivatedAt: at(hour)}
	}
	for _, c := range []struct {
		name    string
		app     string
		version string
		by      string
		hour    int
		wantErr error
		want    []store.ActiveVersion // ActiveVersions afterwards
	}{
		{"unknown version", "a", "sha256:nope", "x", 0, store.ErrNotFound, nil},
		{"unknown app", "nope", "sha256:a1", "x", 0, store.ErrNotFound, nil},
		{"another app's version", "b", "sha256:a1", "x", 0, store.ErrNotFound, nil},
		{"first", "a", "sha256:a1", `Admin::"root"`, 1, nil,
			[]store.ActiveVersion{active("a", "sha256:a1", `Admin::"root"`, 1)}},
		{"newer", "a", "sha256:a2", `Service::"deploy"`, 2, nil,
			[]store.ActiveVersion{active("a", "sha256:a2", `Service::"deploy"`, 2)}},
		{"unknown keeps the active one", "a", "sha256:nope", "x", 3, store.ErrNotFound,
			[]store.ActiveVersion{active("a", "sha256:a2", `Service::"deploy"`, 2)}},
		{"another app", "c", "sha256:c1", "", 4, nil,
			[]store.ActiveVersion{active("a", "sha256:a2", `Service::"deploy"`, 2), active("c", "sha256:c1", "", 4)}},
		{"rollback to an older version", "a", "sha256:a1", `Admin::"ops"`, 5, nil,
			[]store.ActiveVersion{active("a", "sha256:a1", `Admin::"ops"`, 5), active("c", "sha256:c1", "", 4)}},
		{"ordered by app", "b", "sha256:b1", "", 6, nil, []store.ActiveVersion{
			active("a", "sha256:a1", `Admin::"ops"`, 5), active("b", "sha256:b1", "", 6), active("c", "sha256:c1", "", 4)}},
		{"the active one again", "b", "sha256:b1", "again", 7, nil, []store.ActiveVersion{
			active("a", "sha256:a1", `Admin::"ops"`, 5), active("b", "sha256:b1", "again", 7), active("c", "sha256:c1", "", 4)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.Activate(ctx, c.app, c.version, c.by, at(c.hour))
			if (c.wantErr == nil && err != nil) || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
				t.Fatalf("Activate %s@%s: %v, want %v", c.app, c.version, err, c.wantErr)
			}
			got, err := s.ActiveVersions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
				t.Fatalf("ActiveVersions %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func testDeploys(ctx context.Context, t *testing.T, s store.Store) {
	put := func(t *testing.T, d store.Deploy) {
		t.Helper()
		if err := s.PutDeploy(ctx, d); err != nil {
			t.Fatalf("PutDeploy %s: %v", d.ID, err)
		}
	}
	// App "d": d3 and d4 share a creation time (the id breaks the tie),
	// d0 is the oldest; app "e" is listed apart.
	seed := []store.Deploy{
		deployFor("d0", "d", 0), deployFor("d1", "d", 10), deployFor("d3", "d", 20), deployFor("d4", "d", 20),
		deployFor("d2", "d", 30), deployFor("e0", "e", 15),
	}
	finished := specAt.Add(time.Hour)
	seed[0].Status, seed[0].FinishedAt, seed[0].Report = store.DeploySucceeded, &finished, json.RawMessage(`{"steps": ["verify", "activate"]}`)
	seed[1].Status, seed[1].FinishedAt, seed[1].Error, seed[1].Step = store.DeployFailed, &finished, "cascade: level 2 failed", "cascade"
	seed[1].Kind, seed[1].Mode, seed[1].Version, seed[1].ApprovedBy = "rollback", "", "", `Admin::"root"`
	for _, i := range []int{3, 0, 5, 2, 4, 1} {
		put(t, seed[i])
	}
	byID := func(id string) store.Deploy {
		for _, d := range seed {
			if d.ID == id {
				return d
			}
		}
		panic("no deploy " + id)
	}

	t.Run("get", func(t *testing.T) {
		for _, d := range seed {
			got, err := s.Deploy(ctx, d.ID)
			if err != nil || !reflect.DeepEqual(got, d) {
				t.Fatalf("Deploy %s: %+v, %v\nwant %+v", d.ID, got, err, d)
			}
		}
		for _, id := range []string{"nope", "", "D0"} {
			if _, err := s.Deploy(ctx, id); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Deploy %q: %v, want ErrNotFound", id, err)
			}
		}
	})

	ids := func(ds []store.Deploy) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	t.Run("list", func(t *testing.T) {
		for _, c := range []struct {
			app   string
			limit int
			want  []string
		}{
			{"d", 0, []string{"d2", "d4", "d3", "d1", "d0"}},
			{"d", -1, []string{"d2", "d4", "d3", "d1", "d0"}},
			{"d", 1, []string{"d2"}},
			{"d", 2, []string{"d2", "d4"}},
			{"d", 3, []string{"d2", "d4", "d3"}},
			{"d", 5, []string{"d2", "d4", "d3", "d1", "d0"}},
			{"d", 100, []string{"d2", "d4", "d3", "d1", "d0"}},
			{"e", 0, []string{"e0"}},
			{"nope", 0, nil},
		} {
			t.Run(fmt.Sprintf("%s/limit%d", c.app, c.limit), func(t *testing.T) {
				got, err := s.Deploys(ctx, c.app, c.limit)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids(got), c.want) {
					t.Fatalf("got %v, want %v", ids(got), c.want)
				}
				for _, d := range got {
					if want := byID(d.ID); !reflect.DeepEqual(d, want) {
						t.Fatalf("listed %+v\nwant %+v", d, want)
					}
				}
			})
		}
	})

	t.Run("replace", func(t *testing.T) {
		// The running d2 advances, then finishes: each put replaces the
		// whole record.
		d := byID("d2")
		d.Step, d.Report = "shadow", json.RawMessage(`{"steps": ["verify"]}`)
		put(t, d)
		done := specAt.Add(2 * time.Hour)
		d.Status, d.Step, d.FinishedAt, d.Report = store.DeploySucceeded, "", &done, json.RawMessage(`{"steps": ["verify", "shadow", "activate"]}`)
		put(t, d)
		if got, err := s.Deploy(ctx, "d2"); err != nil || !reflect.DeepEqual(got, d) {
			t.Fatalf("replaced: %+v, %v\nwant %+v", got, err, d)
		}
		// Replacing clears what the new record leaves empty.
		cleared := deployFor("d2", "d", 30)
		put(t, cleared)
		if got, err := s.Deploy(ctx, "d2"); err != nil || !reflect.DeepEqual(got, cleared) {
			t.Fatalf("replaced again: %+v, %v\nwant %+v", got, err, cleared)
		}
		got, err := s.Deploys(ctx, "d", 0)
		if err != nil || !slices.Equal(ids(got), []string{"d2", "d4", "d3", "d1", "d0"}) {
			t.Fatalf("list after replacing: %v, %v", ids(got), err)
		}
	})

	t.Run("limits", func(t *testing.T) {
		for i := range 1001 {
			put(t, deployFor(fmt.Sprintf("bulk-%04d", i), "bulk", i))
		}
		for _, c := range []struct{ limit, want int }{{0, 100}, {-1, 100}, {1000, 1000}, {5000, 1000}} {
			got, err := s.Deploys(ctx, "bulk", c.limit)
			if err != nil || len(got) != c.want {
				t.Fatalf("limit %d: %d records, %v; want %d", c.limit, len(got), err, c.want)
			}
			if got[0].ID != "bulk-1000" {
				t.Fatalf("limit %d: newest is %s, want bulk-1000", c.limit, got[0].ID)
			}
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			edit func(d *store.Deploy)
		}{
			{"no id", func(d *store.Deploy) { d.ID = "" }},
			{"no app", func(d *store.Deploy) { d.App = "" }},
			{"no kind", func(d *store.Deploy) { d.Kind = "" }},
			{"no status", func(d *store.Deploy) { d.Status = "" }},
			{"unknown status", func(d *store.Deploy) { d.Status = "paused" }},
			{"report not JSON", func(d *store.Deploy) { d.Report = json.RawMessage(`[1,`) }},
		} {
			t.Run(c.name, func(t *testing.T) {
				d := deployFor("refused", "refused", 0)
				c.edit(&d)
				if err := s.PutDeploy(ctx, d); err == nil {
					t.Fatal("no error")
				}
			})
		}
		if got, err := s.Deploys(ctx, "refused", 0); err != nil || len(got) != 0 {
			t.Fatalf("refused puts stored %+v, %v", got, err)
		}
	})
}
