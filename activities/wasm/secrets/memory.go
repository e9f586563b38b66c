package secrets

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Memory is a Storage in memory, for tests and temper dev without a
// store.
type Memory struct {
	mu   sync.Mutex
	apps map[string]map[string][]byte
}

var _ Storage = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{apps: map[string]map[string][]byte{}} }

// PutSecret implements Storage.
func (m *Memory) PutSecret(_ context.Context, app, name string, sealed []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.apps[app] == nil {
		m.apps[app] = map[string][]byte{}
	}
	m.apps[app][name] = slices.Clone(sealed)
	return nil
}

// GetSecret implements Storage.
func (m *Memory) GetSecret(_ context.Context, app, name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.apps[app][name]
	if !ok {
		return nil, fmt.Errorf("%s/%s: %w", app, name, ErrNotFound)
	}
	return slices.Clone(b), nil
}

// DeleteSecret implements Storage.
func (m *Memory) DeleteSecret(_ context.Context, app, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.apps[app], name)
	return nil
}

// ListSecrets implements Storage.
func (m *Memory) ListSecrets(_ context.Context, app string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Sorted(maps.Keys(m.apps[app])), nil
}
