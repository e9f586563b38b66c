package integration

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/temperhq/temper/activities/wasm/secrets"
	"github.com/temperhq/temper/store"
)

// SecretStore keeps sealed secrets in the store (secrets.Storage).
type SecretStore struct {
	Store interface {
		PutSecret(ctx context.Context, s store.Secret) error
		Secret(ctx context.Context, app, name string) (store.Secret, error)
		Secrets(ctx context.Context, app string) ([]store.Secret, error)
		DeleteSecret(ctx context.Context, app, name string) error
	}
	// By names who writes (recorded with the secret).
	By string
}

var _ secrets.Storage = (*SecretStore)(nil)

// PutSecret stores a sealed value.
func (s *SecretStore) PutSecret(ctx context.Context, app, name string, sealed []byte) error {
	return s.Store.PutSecret(ctx, store.Secret{App: app, Name: name, Ciphertext: sealed, UpdatedBy: s.By, UpdatedAt: time.Now().UTC()})
}

// GetSecret returns a sealed value.
func (s *SecretStore) GetSecret(ctx context.Context, app, name string) ([]byte, error) {
	sec, err := s.Store.Secret(ctx, app, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("secret %s of %s: %w", name, app, secrets.ErrNotFound)
	}
	return sec.Ciphertext, err
}

// DeleteSecret removes a secret.
func (s *SecretStore) DeleteSecret(ctx context.Context, app, name string) error {
	err := s.Store.DeleteSecret(ctx, app, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("secret %s of %s: %w", name, app, secrets.ErrNotFound)
	}
	return err
}

// ListSecrets lists an app's secret names.
func (s *SecretStore) ListSecrets(ctx context.Context, app string) ([]string, error) {
	ss, err := s.Store.Secrets(ctx, app)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ss))
	for i, x := range ss {
		out[i] = x.Name
	}
	return out, nil
}
