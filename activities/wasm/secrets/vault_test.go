package secrets_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/temperhq/temper/activities/wasm/secrets"
)

func setup(t *testing.T) (*secrets.Vault, *secrets.Memory) {
	t.Helper()
	st := secrets.NewMemory()
	v, err := secrets.NewVault(bytes.Repeat([]byte{1}, secrets.KeySize), st)
	if err != nil {
		t.Fatal(err)
	}
	return v, st
}

func TestVaultRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v, st := setup(t)
	for _, name := range []string{"search_api_key", "b.token-2"} {
		if err := v.Set(ctx, "knowledge", name, "value of "+name); err != nil {
			t.Fatal(err)
		}
	}
	got, err := v.Get(ctx, "knowledge", "search_api_key")
	if err != nil || got != "value of search_api_key" {
		t.Fatalf("%q %v", got, err)
	}
	// Sealed at rest: the stored bytes do not hold the value.
	sealed, _ := st.GetSecret(ctx, "knowledge", "search_api_key")
	if bytes.Contains(sealed, []byte("value of")) {
		t.Fatal("the value is stored in the clear")
	}
	// Two seals of one value differ (a fresh nonce each).
	_ = v.Set(ctx, "knowledge", "search_api_key", "value of search_api_key")
	again, _ := st.GetSecret(ctx, "knowledge", "search_api_key")
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals are identical")
	}
	names, err := v.Names(ctx, "knowledge")
	if err != nil || !slices.Equal(names, []string{"b.token-2", "search_api_key"}) {
		t.Fatalf("names %q %v", names, err)
	}
	if err := v.Delete(ctx, "knowledge", "b.token-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get(ctx, "knowledge", "b.token-2"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("deleted: %v", err)
	}
	if _, err := v.For("other").Secret(ctx, "search_api_key"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("another app's secret: %v", err)
	}
	if got, err := v.For("knowledge").Secret(ctx, "search_api_key"); err != nil || got != "value of search_api_key" {
		t.Fatalf("For: %q %v", got, err)
	}
}

// A sealed value opens only under its own app and name, with its key,
// untampered.
func TestVaultRefusesMovedOrTamperedValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v, st := setup(t)
	if err := v.Set(ctx, "a", "key", "secret"); err != nil {
		t.Fatal(err)
	}
	sealed, _ := st.GetSecret(ctx, "a", "key")
	_ = st.PutSecret(ctx, "a", "other", sealed)
	_ = st.PutSecret(ctx, "b", "key", sealed)
	tampered := slices.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	_ = st.PutSecret(ctx, "a", "tampered", tampered)
	_ = st.PutSecret(ctx, "a", "short", sealed[:5])
	for _, c := range [][2]string{{"a", "other"}, {"b", "key"}, {"a", "tampered"}, {"a", "short"}} {
		if _, err := v.Get(ctx, c[0], c[1]); err == nil || errors.Is(err, secrets.ErrNotFound) {
			t.Errorf("%s/%s opened: %v", c[0], c[1], err)
		}
	}
	other, _ := secrets.NewVault(bytes.Repeat([]byte{2}, secrets.KeySize), st)
	if _, err := other.Get(ctx, "a", "key"); err == nil || !strings.Contains(err.Error(), "wrong key") {
		t.Fatalf("another key: %v", err)
	}
}

func TestVaultValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v, _ := setup(t)
	for _, tc := range []struct{ name, value string }{
		{"", "v"}, {"has space", "v"}, {"{secret:x}", "v"}, {strings.Repeat("n", 129), "v"},
		{"ok", ""}, {"ok", strings.Repeat("v", secrets.MaxValueBytes+1)},
	} {
		if err := v.Set(ctx, "a", tc.name, tc.value); err == nil {
			t.Errorf("Set(%q, %d bytes) accepted", tc.name, len(tc.value))
		}
	}
	if _, err := secrets.NewVault([]byte("short"), secrets.NewMemory()); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{0xab}, secrets.KeySize)
	for _, s := range []string{
		hex.EncodeToString(raw), base64.StdEncoding.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw),
		" " + base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		if k, err := secrets.ParseKey(s); err != nil || !bytes.Equal(k, raw) {
			t.Errorf("ParseKey(%q): %x %v", s, k, err)
		}
	}
	for _, s := range []string{"", "short", base64.StdEncoding.EncodeToString(raw[:16])} {
		if _, err := secrets.ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
	k, err := secrets.ParseKey(secrets.NewKey())
	if err != nil || len(k) != secrets.KeySize {
		t.Fatalf("NewKey: %v", err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "key")
	if err := os.WriteFile(path, []byte(secrets.NewKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.LoadKeyFile(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Fatalf("a world-readable key file: %v", err)
	}
}

func ExampleVault() {
	ctx := context.Background()
	key, _ := secrets.ParseKey("q83vEjRWeJC7zN7vEjRWeJC7zN7vEjRWeJC7zN7vEjQ=")
	v, _ := secrets.NewVault(key, secrets.NewMemory())
	_ = v.Set(ctx, "knowledge", "search_api_key", "sk-123")
	names, _ := v.Names(ctx, "knowledge")
	fmt.Println(names)
	// Output: [search_api_key]
}
