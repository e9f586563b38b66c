package specengine

import (
	"fmt"
	"sync"
)

// Registry holds compiled bundles by content hash. A version's content
// never changes, so a workflow may read a table from it deterministically.
// It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex
	bundles map[string]*Bundle
	// Fallback, when set, finds a version the registry does not hold
	// (a worker loading a version another process deployed); a found
	// bundle is kept. It must return the bundle whose hash is version.
	Fallback func(version string) (*Bundle, bool)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{bundles: map[string]*Bundle{}} }

// Add registers a loaded bundle under its hash and returns the hash.
func (r *Registry) Add(b *Bundle) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bundles[b.Hash] = b
	return b.Hash
}

// Bundle returns the bundle of a version.
func (r *Registry) Bundle(version string) (*Bundle, bool) {
	r.mu.RLock()
	b, ok := r.bundles[version]
	r.mu.RUnlock()
	if ok || r.Fallback == nil {
		return b, ok
	}
	if b, ok = r.Fallback(version); !ok || b.Hash != version {
		return nil, false
	}
	r.Add(b)
	return b, true
}

// ErrUnknownVersion is returned for a version or entity type the registry
// does not hold.
var ErrUnknownVersion = fmt.Errorf("unknown spec version")

// Table returns the table of an entity type in a version.
func (r *Registry) Table(version, entity string) (*Table, error) {
	b, ok := r.Bundle(version)
	if !ok {
		return nil, fmt.Errorf("%w %s", ErrUnknownVersion, version)
	}
	t, ok := b.Tables[entity]
	if !ok {
		return nil, fmt.Errorf("%w: %s has no entity type %s", ErrUnknownVersion, version, entity)
	}
	return t, nil
}
