package secrets

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// ErrNotFound is a secret that is not set.
var ErrNotFound = errors.New("secret not found")

// KeySize is the size of a vault key: AES-256.
const KeySize = 32

// MaxValueBytes bounds a secret's value.
const MaxValueBytes = 64 << 10

// sealVersion starts every sealed value, so the format can change.
const sealVersion byte = 1

// Storage keeps sealed secrets per app. Get answers an error wrapping
// ErrNotFound for a missing secret; Delete of a missing one is not an
// error; List answers names in ascending order.
type Storage interface {
	PutSecret(ctx context.Context, app, name string, sealed []byte) error
	GetSecret(ctx context.Context, app, name string) ([]byte, error)
	DeleteSecret(ctx context.Context, app, name string) error
	ListSecrets(ctx context.Context, app string) ([]string, error)
}

// Vault seals and opens secrets.
type Vault struct {
	aead cipher.AEAD
	st   Storage
}

// NewVault returns a vault sealing with key (KeySize bytes) into st.
func NewVault(key []byte, st Storage) (*Vault, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets key: %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets key: %w", err)
	}
	return &Vault{aead: aead, st: st}, nil
}

// ParseKey reads a key written as 64 hex digits or as base64 (standard
// or URL alphabet, padded or not) of KeySize bytes: the form of
// TEMPER_SECRETS_KEY and of a key file.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil && len(k) == KeySize {
			return k, nil
		}
	}
	return nil, fmt.Errorf("secrets key: want %d bytes as 64 hex digits or base64", KeySize)
}

// LoadKeyFile reads a key file (ParseKey's forms). The file must not be
// readable by group or others.
func LoadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("secrets key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secrets key file %s: mode %v is readable by others; chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets key file: %w", err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// NewKey returns a fresh random key, base64 encoded (for temper to print
// on setup).
func NewKey() string {
	var k [KeySize]byte
	_, _ = rand.Read(k[:]) // crypto/rand.Read never fails (Go 1.24+)
	return base64.StdEncoding.EncodeToString(k[:])
}

// CheckName validates a secret name: 1 to abi.MaxSecretName characters
// from A-Z a-z 0-9 _ . - (what a {secret:name} template may name).
func CheckName(name string) error {
	if !abi.ValidSecretName(name) {
		return fmt.Errorf("secret name %q: want 1 to %d characters from A-Z a-z 0-9 _ . -", name, abi.MaxSecretName)
	}
	return nil
}

// Set seals value and stores it as app's secret name.
func (v *Vault) Set(ctx context.Context, app, name, value string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if value == "" || len(value) > MaxValueBytes {
		return fmt.Errorf("secret %s: the value must have 1 to %d bytes", name, MaxValueBytes)
	}
	ns := v.aead.NonceSize()
	sealed := make([]byte, 1+ns, 1+ns+len(value)+v.aead.Overhead())
	sealed[0] = sealVersion
	nonce := sealed[1 : 1+ns]
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	sealed = v.aead.Seal(sealed, nonce, []byte(value), additional(app, name))
	if err := v.st.PutSecret(ctx, app, name, sealed); err != nil {
		return fmt.Errorf("store secret %s: %w", name, err)
	}
	return nil
}

// Get opens app's secret name. A missing secret is an error wrapping
// ErrNotFound.
func (v *Vault) Get(ctx context.Context, app, name string) (string, error) {
	sealed, err := v.st.GetSecret(ctx, app, name)
	if err != nil {
		return "", fmt.Errorf("load secret %s: %w", name, err)
	}
	ns := v.aead.NonceSize()
	if len(sealed) < 1+ns+v.aead.Overhead() || sealed[0] != sealVersion {
		return "", fmt.Errorf("open secret %s: not a sealed value of version %d", name, sealVersion)
	}
	plain, err := v.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], additional(app, name))
	if err != nil {
		return "", fmt.Errorf("open secret %s: wrong key or tampered value: %w", name, err)
	}
	return string(plain), nil
}

// Delete removes app's secret name.
func (v *Vault) Delete(ctx context.Context, app, name string) error {
	if err := v.st.DeleteSecret(ctx, app, name); err != nil {
		return fmt.Errorf("delete secret %s: %w", name, err)
	}
	return nil
}

// Names lists app's secret names, never their values.
func (v *Vault) Names(ctx context.Context, app string) ([]string, error) {
	names, err := v.st.ListSecrets(ctx, app)
	if err != nil {
		return nil, fmt.Errorf("list secrets of %s: %w", app, err)
	}
	return names, nil
}

// For answers app's secrets as the WASM runtime reads them.
func (v *Vault) For(app string) *AppSecrets { return &AppSecrets{v: v, app: app} }

// AppSecrets reads one app's secrets; it satisfies wasm.Secrets.
type AppSecrets struct {
	v   *Vault
	app string
}

// Secret answers the value of the secret name.
func (a *AppSecrets) Secret(ctx context.Context, name string) (string, error) {
	return a.v.Get(ctx, a.app, name)
}

// additional binds a ciphertext to its app and name.
func additional(app, name string) []byte {
	return []byte("temper-secret\x00" + app + "\x00" + name)
}
