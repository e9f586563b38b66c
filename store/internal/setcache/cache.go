package setcache

import (
	"context"
	"sync"
	"time"

	"github.com/temperhq/temper/store/internal/model"
)

// Cache holds the catalog entries a process has read. Columns are only
// ever added, so an old entry stays usable; a query naming a property the
// entry lacks reloads it (NeedsRefresh).
type Cache struct {
	load   func(context.Context, Key) (*Set, error)
	create func(context.Context, Key) (*Set, error)

	mu   sync.Mutex
	sets map[Key]*Set
}

// New returns an empty cache. load reads a set's entry, nil when the set
// does not exist; create makes a bare set (no typed columns) if missing
// and returns its entry.
func New(load, create func(context.Context, Key) (*Set, error)) *Cache {
	return &Cache{load: load, create: create, sets: map[Key]*Set{}}
}

// Lookup returns the cached set, reading the catalog on a miss, or with
// refresh when the entry is older than two seconds; nil when the set does
// not exist.
func (c *Cache) Lookup(ctx context.Context, k Key, refresh bool) (*Set, error) {
	st := c.get(k)
	if st != nil && !(refresh && time.Since(st.loaded) > 2*time.Second) {
		return st, nil
	}
	st, err := c.load(ctx, k)
	if err != nil || st == nil {
		return st, err
	}
	c.put(k, st)
	return st, nil
}

// Writable returns the set, creating a bare one when the set was never
// ensured, so writes never depend on deploy order.
func (c *Cache) Writable(ctx context.Context, k Key) (*Set, error) {
	st, err := c.Lookup(ctx, k, false)
	if err != nil || st != nil {
		return st, err
	}
	if st, err = c.create(ctx, k); err != nil {
		return nil, err
	}
	c.put(k, st)
	return st, nil
}

// Forget drops the entry of k, after its columns changed.
func (c *Cache) Forget(k Key) {
	c.mu.Lock()
	delete(c.sets, k)
	c.mu.Unlock()
}

// NeedsRefresh reports whether the query names a typed property the
// cached entry has no column for: another process may have added it.
func (c *Cache) NeedsRefresh(q model.ListQuery) bool {
	st := c.get(Key{q.App, q.Set})
	if st == nil {
		return false
	}
	for name, typ := range q.Schema.Properties {
		if _, ok := st.Columns[name]; !ok && typed(q.Schema, name, model.ParseType(typ)) {
			return true
		}
	}
	return false
}

func (c *Cache) get(k Key) *Set {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sets[k]
}

func (c *Cache) put(k Key, st *Set) {
	c.mu.Lock()
	c.sets[k] = st
	c.mu.Unlock()
}
