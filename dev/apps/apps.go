package apps

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed tasks knowledge
var bundles embed.FS

// Names lists the bundled apps.
func Names() []string {
	ents, _ := fs.ReadDir(bundles, ".")
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Files returns the files of the bundled app name, keyed by
// "<name>/<file>", ready for specengine.Load.
func Files(name string) (map[string][]byte, error) {
	ents, err := fs.ReadDir(bundles, name)
	if err != nil {
		return nil, fmt.Errorf("bundled app %q: %w", name, fs.ErrNotExist)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		data, err := fs.ReadFile(bundles, name+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("bundled app %q: %w", name, err)
		}
		out[name+"/"+e.Name()] = data
	}
	return out, nil
}
