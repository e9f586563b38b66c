package api

import (
	"sort"
	"sync"

	"github.com/temperhq/temper/specengine"
)

// Apps maps app names to their active bundle. The deploy pipeline swaps
// versions in; reads take a snapshot. Safe for concurrent use.
type Apps struct {
	mu   sync.RWMutex
	apps map[string]*specengine.Bundle
	// files are each app's bundle files, for merges and exports.
	files map[string]map[string][]byte
	// verifying marks entity sets of apps whose new version is being
	// verified: calls on them answer 423.
	verifying map[string]string
}

// NewApps returns an empty registry.
func NewApps() *Apps {
	return &Apps{apps: map[string]*specengine.Bundle{}, files: map[string]map[string][]byte{}, verifying: map[string]string{}}
}

// Activate makes b the active version of app.
func (a *Apps) Activate(app string, b *specengine.Bundle) {
	a.ActivateFiles(app, b, nil)
}

// ActivateFiles makes b, loaded from files, the active version of app.
func (a *Apps) ActivateFiles(app string, b *specengine.Bundle, files map[string][]byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.apps[app] = b
	if files != nil {
		a.files[app] = files
	} else {
		delete(a.files, app)
	}
}

// Files returns the files of app's active bundle (nil when it was
// activated without them).
func (a *Apps) Files(app string) map[string][]byte {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.files[app]
}

// Get returns the active bundle of app.
func (a *Apps) Get(app string) (*specengine.Bundle, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	b, ok := a.apps[app]
	return b, ok
}

// SetVerifying marks an app's entity type or entity set as being verified
// (state is a short description such as "L1 model checking"), or clears
// the mark with state "".
func (a *Apps) SetVerifying(app, entity, state string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	key := app + "/" + entity
	if state == "" {
		delete(a.verifying, key)
		return
	}
	a.verifying[key] = state
}

// Verifying returns the verification state of an app's entity type or
// set.
func (a *Apps) Verifying(app, entity string) (string, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	s, ok := a.verifying[app+"/"+entity]
	return s, ok
}

// Names lists the apps.
func (a *Apps) Names() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]string, 0, len(a.apps))
	for n := range a.apps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
