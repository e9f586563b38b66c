package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// What the backends share about modules and secrets, so both refuse the
// same records: the caller computes a module's hash and size, the store
// only checks them, and names must be text PostgreSQL can hold.

// Check reports what makes a module unstorable: no app or name, a name
// that is not storable text, or a Hash or Size that does not describe
// Bytes.
func (m *Module) Check() error {
	if err := checkNames("module", m.App, m.Name, m.UploadedBy); err != nil {
		return err
	}
	sum := sha256.Sum256(m.Bytes)
	if want := "sha256:" + hex.EncodeToString(sum[:]); m.Hash != want {
		return fmt.Errorf("module %s/%s: hash %q is not the SHA-256 of its bytes (%s)", m.App, m.Name, m.Hash, want)
	}
	if m.Size != int64(len(m.Bytes)) {
		return fmt.Errorf("module %s/%s: size %d, but it has %d bytes", m.App, m.Name, m.Size, len(m.Bytes))
	}
	return nil
}

// Check reports what makes a secret unstorable: no app or name, a name
// that is not storable text, or no ciphertext.
func (s *Secret) Check() error {
	if err := checkNames("secret", s.App, s.Name, s.UpdatedBy); err != nil {
		return err
	}
	if len(s.Ciphertext) == 0 {
		return fmt.Errorf("secret %s/%s: the ciphertext is empty", s.App, s.Name)
	}
	return nil
}

// checkNames requires app and name, and all of app, name and by to be
// storable text.
func checkNames(what, app, name, by string) error {
	if app == "" || name == "" {
		return fmt.Errorf("%s %q/%q: app and name are required", what, app, name)
	}
	for _, s := range []string{app, name, by} {
		if !StorableText(s) {
			return fmt.Errorf("%s %q/%q: %q is not UTF-8 or holds a NUL", what, app, name, s)
		}
	}
	return nil
}

// StorableText reports whether both backends can hold s as text:
// PostgreSQL's text holds neither a NUL nor invalid UTF-8. A lookup by a
// name that is not storable finds nothing, on either backend.
func StorableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
