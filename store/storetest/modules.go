package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/temperhq/temper/store"
)

// moduleAt is the base time of modules and secrets: microseconds, the
// precision both backends keep.
var moduleAt = time.Date(2025, 5, 1, 8, 15, 0, 246802000, time.UTC)

// hashOf is a module hash as callers compute it.
func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// randomBytes are n bytes from a seeded source: the same on every run.
func randomBytes(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// moduleFor is a factory with defaults: content under app and name with
// its hash and size, uploaded by a developer minute minutes after
// moduleAt.
func moduleFor(app, name string, content []byte, minute int) store.Module {
	return store.Module{
		App: app, Name: name, Hash: hashOf(content), Size: int64(len(content)), Bytes: content,
		UploadedBy: `Agent::"dev"`, UploadedAt: moduleAt.Add(time.Duration(minute) * time.Minute),
	}
}

// secretFor is a factory with defaults: a ciphertext naming app and name,
// updated by an admin minute minutes after moduleAt.
func secretFor(app, name string, minute int) store.Secret {
	return store.Secret{
		App: app, Name: name, Ciphertext: []byte("sealed\x00\xff" + app + "/" + name),
		UpdatedBy: `Admin::"root"`, UpdatedAt: moduleAt.Add(time.Duration(minute) * time.Minute),
	}
}

// withoutBytes is a module as lists return it.
func withoutBytes(ms ...store.Module) []store.Module {
	out := make([]store.Module, len(ms))
	for i, m := range ms {
		m.Bytes = nil
		out[i] = m
	}
	return out
}

// withoutCiphertext is a secret as lists return it.
func withoutCiphertext(ss ...store.Secret) []store.Secret {
	out := make([]store.Secret, len(ss))
	for i, s := range ss {
		s.Ciphertext = nil
		out[i] = s
	}
	return out
}

func testModules(ctx context.Context, t *testing.T, s store.Store) {
	put := func(t *testing.T, m store.Module) {
		t.Helper()
		if err := s.PutModule(ctx, m); err != nil {
			t.Fatalf("PutModule %s/%s: %v", m.App, m.Name, err)
		}
	}
	// hasBytes checks what ModuleByHash says of content: its bytes when
	// live, ErrNotFound when not.
	hasBytes := func(t *testing.T, content []byte, live bool) {
		t.Helper()
		got, err := s.ModuleByHash(ctx, hashOf(content))
		switch {
		case live && err != nil:
			t.Fatalf("ModuleByHash %.20s...: %v", hashOf(content), err)
		case live && !bytes.Equal(got, content):
			t.Fatalf("ModuleByHash %.20s...: %d bytes differ from the %d put", hashOf(content), len(got), len(content))
		case !live && !errors.Is(err, store.ErrNotFound):
			t.Fatalf("ModuleByHash %.20s... of no module: %d bytes, %v; want ErrNotFound", hashOf(content), len(got), err)
		}
	}

	t.Run("bytes round-trip", func(t *testing.T) {
		allBytes := make([]byte, 256)
		for i := range allBytes {
			allBytes[i] = byte(i)
		}
		for i, c := range []struct {
			name    string
			content []byte
			want    []byte // nil: content
		}{
			{"1 MiB random", randomBytes(1, 1<<20), nil},
			{"wasm header", []byte("\x00asm\x01\x00\x00\x00"), nil},
			{"every byte", allBytes, nil},
			{"NUL bytes only", make([]byte, 64), nil},
			{"not UTF-8", []byte{0xff, 0xfe, 0xc3, 0x28, 0x80}, nil},
			{"empty", []byte{}, nil},
			{"nil is empty", nil, []byte{}},
		} {
			t.Run(c.name, func(t *testing.T) {
				m := moduleFor("rt", c.name, c.content, i)
				put(t, m)
				want := c.content
				if c.want != nil {
					want = c.want
				}
				got, err := s.Module(ctx, "rt", c.name)
				if err != nil {
					t.Fatalf("Module: %v", err)
				}
				if !bytes.Equal(got.Bytes, want) || got.Bytes == nil {
					t.Fatalf("bytes: got %d (nil %t), want %d", len(got.Bytes), got.Bytes == nil, len(want))
				}
				m.Bytes = want
				if !reflect.DeepEqual(got, m) {
					got.Bytes, m.Bytes = nil, nil
					t.Fatalf("got %+v\nwant %+v", got, m)
				}
				hasBytes(t, want, true)
			})
		}
	})

	t.Run("blob lifecycle", func(t *testing.T) {
		// Steps on names of apps "life" and "life2" with three contents;
		// after each, the bytes of exactly the contents some name refers
		// to are there, and each name reads its content.
		contents := map[string][]byte{"A": randomBytes(10, 4096), "B": randomBytes(11, 4096), "C": randomBytes(12, 10)}
		type ref struct{ app, name string }
		names := map[ref]string{} // what the store should hold
		for i, c := range []struct {
			step    string
			del     bool
			app     string
			name    string
			content string
			wantErr error
		}{
			{step: "first", app: "life", name: "x", content: "A"},
			{step: "a second name shares the bytes", app: "life", name: "y", content: "A"},
			{step: "another app shares them", app: "life2", name: "x", content: "A"},
			{step: "delete one of three", del: true, app: "life", name: "x"},
			{step: "replace one of two", app: "life", name: "y", content: "B"},
			{step: "replace the last: A is orphaned", app: "life2", name: "x", content: "B"},
			{step: "replace with the same bytes", app: "life", name: "y", content: "B"},
			{step: "delete one of two", del: true, app: "life", name: "y"},
			{step: "delete the last: B is orphaned", del: true, app: "life2", name: "x"},
			{step: "delete again", del: true, app: "life2", name: "x", wantErr: store.ErrNotFound},
			{step: "bytes come back", app: "life", name: "x", content: "A"},
			{step: "new bytes", app: "life", name: "z", content: "C"},
			{step: "a name moves to bytes it already shares", app: "life", name: "z", content: "A"},
			{step: "delete the first", del: true, app: "life", name: "x"},
			{step: "delete unknown", del: true, app: "life", name: "nope", wantErr: store.ErrNotFound},
			{step: "delete in an unknown app", del: true, app: "nope", name: "z", wantErr: store.ErrNotFound},
		} {
			t.Run(fmt.Sprintf("%02d %s", i, c.step), func(t *testing.T) {
				r := ref{c.app, c.name}
				var err error
				if c.del {
					err = s.DeleteModule(ctx, c.app, c.name)
				} else {
					err = s.PutModule(ctx, moduleFor(c.app, c.name, contents[c.content], i))
				}
				if (c.wantErr == nil && err != nil) || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
					t.Fatalf("got %v, want %v", err, c.wantErr)
				}
				if c.wantErr == nil {
					if c.del {
						delete(names, r)
					} else {
						names[r] = c.content
					}
				}
				live := map[string]bool{}
				for r, k := range names {
					live[k] = true
					got, err := s.Module(ctx, r.app, r.name)
					if err != nil || !bytes.Equal(got.Bytes, contents[k]) || got.Hash != hashOf(contents[k]) {
						t.Fatalf("Module %s/%s: %v; want content %s", r.app, r.name, err, k)
					}
				}
				for k, content := range contents {
					hasBytes(t, content, live[k])
				}
				if c.del {
					if _, err := s.Module(ctx, c.app, c.name); !errors.Is(err, store.ErrNotFound) {
						t.Fatalf("Module after delete: %v, want ErrNotFound", err)
					}
				}
			})
		}
	})

	t.Run("replace", func(t *testing.T) {
		first := moduleFor("rep", "m", []byte("first"), 0)
		put(t, first)
		second := moduleFor("rep", "m", []byte("second"), 5)
		second.UploadedBy = `Admin::"ops"`
		put(t, second)
		got, err := s.Module(ctx, "rep", "m")
		if err != nil || !reflect.DeepEqual(got, second) {
			t.Fatalf("replaced: %+v, %v\nwant %+v", got, err, second)
		}
		hasBytes(t, first.Bytes, false)
		// The same bytes again replace the rest of the record.
		again := moduleFor("rep", "m", []byte("second"), 9)
		again.UploadedBy = ""
		put(t, again)
		if got, err := s.Module(ctx, "rep", "m"); err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("replaced with the same bytes: %+v, %v\nwant %+v", got, err, again)
		}
		hasBytes(t, again.Bytes, true)
		if got, err := s.Modules(ctx, "rep"); err != nil || !reflect.DeepEqual(got, withoutBytes(again)) {
			t.Fatalf("list after replacing: %+v, %v", got, err)
		}
	})

	t.Run("list", func(t *testing.T) {
		// Ordered by name (code point order), listed without bytes; app
		// "list-other" is not listed.
		ms := []store.Module{
			moduleFor("list", "B", []byte("1"), 3), moduleFor("list", "a", []byte("22"), 1),
			moduleFor("list", "a b", []byte("333"), 0), moduleFor("list", "b", []byte("1"), 2),
			moduleFor("list", "Épée", randomBytes(3, 1000), 4), moduleFor("list", "z\"'; --", []byte{}, 5),
		}
		for _, i := range []int{3, 0, 5, 2, 4, 1} {
			put(t, ms[i])
		}
		other := moduleFor("list-other", "a", []byte("other"), 6)
		put(t, other)
		for _, c := range []struct {
			app  string
			want []store.Module
		}{
			{"list", withoutBytes(ms[0], ms[1], ms[2], ms[3], ms[5], ms[4])},
			{"list-other", withoutBytes(other)},
			{"nope", nil},
			{"", nil},
			{"\xff", nil},
		} {
			got, err := s.Modules(ctx, c.app)
			if err != nil {
				t.Fatalf("Modules %q: %v", c.app, err)
			}
			if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
				t.Fatalf("Modules %q: %+v\nwant %+v", c.app, got, c.want)
			}
			for _, m := range got {
				if m.Bytes != nil {
					t.Fatalf("a listed module has bytes: %s", m.Name)
				}
			}
		}
	})

	t.Run("not found", func(t *testing.T) {
		here := moduleFor("nf", "here", []byte("here"), 0)
		put(t, here)
		for _, c := range []struct{ app, name string }{
			{"nf", "nope"}, {"nope", "here"}, {"nf-other", "here"}, {"", ""}, {"nf", ""}, {"", "here"},
			{"nf", "HERE"}, {"nf", "here\x00"}, {"nf", "\xff"}, {"nf\x00", "here"},
		} {
			if _, err := s.Module(ctx, c.app, c.name); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Module %q/%q: %v, want ErrNotFound", c.app, c.name, err)
			}
			if err := s.DeleteModule(ctx, c.app, c.name); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("DeleteModule %q/%q: %v, want ErrNotFound", c.app, c.name, err)
			}
		}
		for _, h := range []string{"", "sha256:", hashOf([]byte("nope")), strings.ToUpper(here.Hash),
			strings.TrimPrefix(here.Hash, "sha256:"), here.Hash + "\x00", "\xff"} {
			if b, err := s.ModuleByHash(ctx, h); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("ModuleByHash %q: %d bytes, %v; want ErrNotFound", h, len(b), err)
			}
		}
		if got, err := s.Module(ctx, "nf", "here"); err != nil || !reflect.DeepEqual(got, here) {
			t.Fatalf("the module after failed deletes: %+v, %v", got, err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		content := []byte("refused content")
		for _, c := range []struct {
			name string
			edit func(m *store.Module)
		}{
			{"hash of other bytes", func(m *store.Module) { m.Hash = hashOf([]byte("other")) }},
			{"hash in upper case", func(m *store.Module) { m.Hash = strings.ToUpper(m.Hash) }},
			{"prefix in upper case", func(m *store.Module) { m.Hash = "SHA256:" + strings.TrimPrefix(m.Hash, "sha256:") }},
			{"hash without prefix", func(m *store.Module) { m.Hash = strings.TrimPrefix(m.Hash, "sha256:") }},
			{"no hash", func(m *store.Module) { m.Hash = "" }},
			{"bytes changed after hashing", func(m *store.Module) { m.Bytes = []byte("refused contenT") }},
			{"size too large", func(m *store.Module) { m.Size++ }},
			{"size too small", func(m *store.Module) { m.Size-- }},
			{"no size", func(m *store.Module) { m.Size = 0 }},
			{"no app", func(m *store.Module) { m.App = "" }},
			{"no name", func(m *store.Module) { m.Name = "" }},
			{"name with NUL", func(m *store.Module) { m.Name = "a\x00b" }},
			{"name not UTF-8", func(m *store.Module) { m.Name = "\xff" }},
			{"app with NUL", func(m *store.Module) { m.App = "refused\x00" }},
			{"uploader not UTF-8", func(m *store.Module) { m.UploadedBy = "\xc3\x28" }},
		} {
			t.Run(c.name, func(t *testing.T) {
				m := moduleFor("refused", "m", bytes.Clone(content), 0)
				c.edit(&m)
				if err := s.PutModule(ctx, m); err == nil {
					t.Fatal("no error")
				}
				if got, err := s.Modules(ctx, "refused"); err != nil || len(got) != 0 {
					t.Fatalf("a refused put stored %+v, %v", got, err)
				}
				hasBytes(t, content, false)
				hasBytes(t, m.Bytes, false)
			})
		}
	})

	t.Run("concurrent put of one name", func(t *testing.T) {
		const callers, rounds = 8, 4
		contents := make([][]byte, callers)
		for i := range contents {
			contents[i] = randomBytes(int64(100+i), 64<<10)
		}
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					m := moduleFor("race", "same", contents[i], i)
					m.UploadedBy = fmt.Sprintf("caller %d", i)
					if err := s.PutModule(ctx, m); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent put: %v", err)
			}
		}
		// One put won, whole: its bytes, hash, size, uploader and time.
		got, err := s.Module(ctx, "race", "same")
		if err != nil {
			t.Fatal(err)
		}
		i := int(got.UploadedAt.Sub(moduleAt) / time.Minute)
		want := moduleFor("race", "same", contents[i], i)
		want.UploadedBy = fmt.Sprintf("caller %d", i)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the module is not one caller's put: %s, %s, %d bytes, %s", got.UploadedBy, got.Hash, len(got.Bytes), got.UploadedAt)
		}
		for j, content := range contents {
			hasBytes(t, content, j == i)
		}
		if list, err := s.Modules(ctx, "race"); err != nil || !reflect.DeepEqual(list, withoutBytes(want)) {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})

	t.Run("concurrent names sharing bytes", func(t *testing.T) {
		// Names move between three contents and are deleted while others
		// put the same bytes: no put or delete fails, and afterwards
		// exactly the bytes some name refers to are there.
		const callers, rounds = 8, 24
		contents := [][]byte{randomBytes(200, 1000), randomBytes(201, 1000), randomBytes(202, 1000)}
		errs := make(chan error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprintf("n%d", i)
				for j := range rounds {
					var err error
					if j%4 == 3 {
						err = s.DeleteModule(ctx, "churn", name)
					} else {
						err = s.PutModule(ctx, moduleFor("churn", name, contents[(i+j)%len(contents)], j))
					}
					if err != nil {
						errs <- fmt.Errorf("%s round %d: %w", name, j, err)
						return
					}
				}
				// Leave every name on some content: callers 0-2 on A, B, C.
				errs <- s.PutModule(ctx, moduleFor("churn", name, contents[i%len(contents)], rounds))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent puts and deletes: %v", err)
			}
		}
		list, err := s.Modules(ctx, "churn")
		if err != nil || len(list) != callers {
			t.Fatalf("list: %d modules, %v; want %d", len(list), err, callers)
		}
		for _, content := range contents {
			hasBytes(t, content, true)
		}
		// Moving every name to the first content orphans the others.
		for i := range callers {
			put(t, moduleFor("churn", fmt.Sprintf("n%d", i), contents[0], rounds+1))
		}
		for i, content := range contents {
			hasBytes(t, content, i == 0)
		}
	})
}

func testSecrets(ctx context.Context, t *testing.T, s store.Store) {
	put := func(t *testing.T, sec store.Secret) {
		t.Helper()
		if err := s.PutSecret(ctx, sec); err != nil {
			t.Fatalf("PutSecret %s/%s: %v", sec.App, sec.Name, err)
		}
	}
	get := func(t *testing.T, app, name string) store.Secret {
		t.Helper()
		got, err := s.Secret(ctx, app, name)
		if err != nil {
			t.Fatalf("Secret %s/%s: %v", app, name, err)
		}
		return got
	}

	t.Run("round-trip", func(t *testing.T) {
		allBytes := make([]byte, 256)
		for i := range allBytes {
			allBytes[i] = byte(255 - i)
		}
		for i, c := range []struct {
			name       string
			ciphertext []byte
		}{
			{"text", []byte("v1:nonce:sealed")},
			{"every byte", allBytes},
			{"one NUL", []byte{0}},
			{"large", randomBytes(7, 64<<10)},
		} {
			t.Run(c.name, func(t *testing.T) {
				sec := secretFor("rt", c.name, i)
				sec.Ciphertext = c.ciphertext
				put(t, sec)
				if got := get(t, "rt", c.name); !reflect.DeepEqual(got, sec) {
					t.Fatalf("got %+v\nwant %+v", got, sec)
				}
			})
		}
	})

	t.Run("replace", func(t *testing.T) {
		first := secretFor("rep", "api-key", 0)
		put(t, first)
		second := secretFor("rep", "api-key", 5)
		second.Ciphertext, second.UpdatedBy = []byte("rotated"), ""
		put(t, second)
		if got := get(t, "rep", "api-key"); !reflect.DeepEqual(got, second) {
			t.Fatalf("replaced: %+v\nwant %+v", got, second)
		}
		if got, err := s.Secrets(ctx, "rep"); err != nil || !reflect.DeepEqual(got, withoutCiphertext(second)) {
			t.Fatalf("list after replacing: %+v, %v", got, err)
		}
	})

	t.Run("list", func(t *testing.T) {
		ss := []store.Secret{
			secretFor("list", "B", 3), secretFor("list", "a", 1), secretFor("list", "a b", 0),
			secretFor("list", "b", 2), secretFor("list", "Épée", 4),
		}
		for _, i := range []int{3, 0, 4, 2, 1} {
			put(t, ss[i])
		}
		other := secretFor("list-other", "a", 6)
		put(t, other)
		for _, c := range []struct {
			app  string
			want []store.Secret
		}{
			{"list", withoutCiphertext(ss...)},
			{"list-other", withoutCiphertext(other)},
			{"nope", nil},
			{"", nil},
			{"\xff", nil},
		} {
			got, err := s.Secrets(ctx, c.app)
			if err != nil {
				t.Fatalf("Secrets %q: %v", c.app, err)
			}
			if len(got) != len(c.want) || (len(got) > 0 && !reflect.DeepEqual(got, c.want)) {
				t.Fatalf("Secrets %q: %+v\nwant %+v", c.app, got, c.want)
			}
			for _, sec := range got {
				if sec.Ciphertext != nil {
					t.Fatalf("a listed secret has its ciphertext: %s", sec.Name)
				}
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		keep, gone := secretFor("del", "keep", 0), secretFor("del", "gone", 1)
		put(t, keep)
		put(t, gone)
		for _, c := range []struct {
			app, name string
			wantErr   error
		}{
			{"del", "gone", nil},
			{"del", "gone", store.ErrNotFound},
			{"del", "nope", store.ErrNotFound},
			{"nope", "keep", store.ErrNotFound},
			{"del", "", store.ErrNotFound},
			{"del", "keep\x00", store.ErrNotFound},
			{"del", "\xff", store.ErrNotFound},
		} {
			err := s.DeleteSecret(ctx, c.app, c.name)
			if (c.wantErr == nil && err != nil) || (c.wantErr != nil && !errors.Is(err, c.wantErr)) {
				t.Fatalf("DeleteSecret %q/%q: %v, want %v", c.app, c.name, err, c.wantErr)
			}
		}
		if _, err := s.Secret(ctx, "del", "gone"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Secret after delete: %v, want ErrNotFound", err)
		}
		if got := get(t, "del", "keep"); !reflect.DeepEqual(got, keep) {
			t.Fatalf("the other secret: %+v", got)
		}
		if got, err := s.Secrets(ctx, "del"); err != nil || !reflect.DeepEqual(got, withoutCiphertext(keep)) {
			t.Fatalf("list after delete: %+v, %v", got, err)
		}
		// A deleted secret can be put again.
		put(t, gone)
		if got := get(t, "del", "gone"); !reflect.DeepEqual(got, gone) {
			t.Fatalf("put again: %+v", got)
		}
	})

	t.Run("not found", func(t *testing.T) {
		put(t, secretFor("nf", "here", 0))
		for _, c := range []struct{ app, name string }{
			{"nf", "nope"}, {"nope", "here"}, {"", ""}, {"nf", ""}, {"nf", "HERE"}, {"nf", "here\x00"},
			{"nf", "\xff"}, {"nf\x00", "here"},
		} {
			if _, err := s.Secret(ctx, c.app, c.name); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("Secret %q/%q: %v, want ErrNotFound", c.app, c.name, err)
			}
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			name string
			edit func(s *store.Secret)
		}{
			{"empty ciphertext", func(s *store.Secret) { s.Ciphertext = []byte{} }},
			{"nil ciphertext", func(s *store.Secret) { s.Ciphertext = nil }},
			{"no app", func(s *store.Secret) { s.App = "" }},
			{"no name", func(s *store.Secret) { s.Name = "" }},
			{"name with NUL", func(s *store.Secret) { s.Name = "a\x00b" }},
			{"name not UTF-8", func(s *store.Secret) { s.Name = "\xff" }},
			{"app not UTF-8", func(s *store.Secret) { s.App = "refused\xff" }},
			{"updater with NUL", func(s *store.Secret) { s.UpdatedBy = "x\x00" }},
		} {
			t.Run(c.name, func(t *testing.T) {
				sec := secretFor("refused", "s", 0)
				c.edit(&sec)
				if err := s.PutSecret(ctx, sec); err == nil {
					t.Fatal("no error")
				}
				if got, err := s.Secrets(ctx, "refused"); err != nil || len(got) != 0 {
					t.Fatalf("a refused put stored %+v, %v", got, err)
				}
			})
		}
	})

	t.Run("apart from modules", func(t *testing.T) {
		// A secret and a module may share app and name.
		put(t, secretFor("both", "x", 0))
		m := moduleFor("both", "x", []byte("module"), 0)
		if err := s.PutModule(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSecret(ctx, "both", "x"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Module(ctx, "both", "x"); err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("module after deleting the secret: %+v, %v", got, err)
		}
		if got, err := s.Modules(ctx, "both"); err != nil || !reflect.DeepEqual(got, withoutBytes(m)) {
			t.Fatalf("modules: %+v, %v", got, err)
		}
	})
}

// ModuleBlobs checks what the interface cannot show: names sharing a hash
// hold its bytes once, and the bytes go with the last name referring to
// them. s is a fresh store; rows counts the rows of module bytes the
// backend holds in it.
func ModuleBlobs(t *testing.T, s store.Store, rows func(ctx context.Context) (int, error)) {
	ctx := context.Background()
	a, b := randomBytes(300, 2048), randomBytes(301, 2048)
	for i, c := range []struct {
		step    string
		del     bool
		app     string
		name    string
		content []byte
		want    int
	}{
		{step: "first", app: "blobs", name: "x", content: a, want: 1},
		{step: "a second name", app: "blobs", name: "y", content: a, want: 1},
		{step: "another app", app: "blobs2", name: "x", content: a, want: 1},
		{step: "other bytes", app: "blobs", name: "x", content: b, want: 2},
		{step: "the same bytes again", app: "blobs", name: "x", content: b, want: 2},
		{step: "delete one of two", del: true, app: "blobs", name: "y", want: 2},
		{step: "delete the last", del: true, app: "blobs2", name: "x", want: 1},
		{step: "replace the last", app: "blobs", name: "x", content: a, want: 1},
		{step: "delete all", del: true, app: "blobs", name: "x", want: 0},
	} {
		var err error
		if c.del {
			err = s.DeleteModule(ctx, c.app, c.name)
		} else {
			err = s.PutModule(ctx, moduleFor(c.app, c.name, c.content, i))
		}
		if err != nil {
			t.Fatalf("%s: %v", c.step, err)
		}
		n, err := rows(ctx)
		if err != nil {
			t.Fatalf("%s: count: %v", c.step, err)
		}
		if n != c.want {
			t.Fatalf("%s: %d rows of bytes, want %d", c.step, n, c.want)
		}
	}
}
