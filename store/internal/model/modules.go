package model

import (
	"context"
	"time"
)

// Module is an app's WASM module under a name, content-addressed by the
// SHA-256 of its bytes.
type Module struct {
	App  string `json:"app"`
	Name string `json:"name"`
	// Hash is "sha256:" and the hex digest of Bytes.
	Hash       string    `json:"hash"`
	Size       int64     `json:"size"`
	Bytes      []byte    `json:"-"`
	UploadedBy string    `json:"uploaded_by,omitempty"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// Secret is an app's secret: its value is stored encrypted (Ciphertext,
// sealed by the caller), never listed.
type Secret struct {
	App        string    `json:"app"`
	Name       string    `json:"name"`
	Ciphertext []byte    `json:"-"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Modules keeps WASM modules and encrypted secrets. Every backend passes
// the conformance suite in store/storetest.
type Modules interface {
	// PutModule stores a module under its app and name, replacing the
	// name's previous module (the bytes of a hash are stored once and
	// kept while any name refers to them).
	PutModule(ctx context.Context, m Module) error
	// Module returns an app's module by name, with its bytes;
	// ErrNotFound if there is none.
	Module(ctx context.Context, app, name string) (Module, error)
	// ModuleByHash returns the bytes of a module hash; ErrNotFound if no
	// module has it.
	ModuleByHash(ctx context.Context, hash string) ([]byte, error)
	// Modules lists an app's modules by name, without bytes.
	Modules(ctx context.Context, app string) ([]Module, error)
	// DeleteModule removes a name; ErrNotFound if there is none.
	DeleteModule(ctx context.Context, app, name string) error

	// PutSecret writes (or replaces) a secret.
	PutSecret(ctx context.Context, s Secret) error
	// Secret returns a secret with its ciphertext; ErrNotFound if none.
	Secret(ctx context.Context, app, name string) (Secret, error)
	// Secrets lists an app's secrets by name, without ciphertexts.
	Secrets(ctx context.Context, app string) ([]Secret, error)
	// DeleteSecret removes a secret; ErrNotFound if there is none.
	DeleteSecret(ctx context.Context, app, name string) error
}
