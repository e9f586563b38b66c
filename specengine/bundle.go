package specengine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path"
	"sort"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/temperhq/temper/specengine/csdl"
	"github.com/temperhq/temper/specengine/diag"
	"github.com/temperhq/temper/specengine/ioa"
)

// Bundle is a loaded app: its specs compiled into tables, its data model
// and its Cedar policy files.
type Bundle struct {
	Specs []*ioa.Spec
	// Tables by entity type name, in spec order in TableList.
	Tables    map[string]*Table
	TableList []*Table
	Model     *csdl.Model
	// DerivedModel is true when the bundle shipped no CSDL and Model was
	// derived from the specs.
	DerivedModel bool
	Policies     map[string][]byte
	Warnings     diag.List
	// Hash is the bundle's content hash: stable across whitespace, comments
	// and key order.
	Hash string
}

// Kinds of files in a bundle, by name.
func fileKind(name string) string {
	base := strings.ToLower(path.Base(name))
	switch {
	case strings.HasSuffix(base, ".ioa.toml"):
		return "spec"
	case strings.HasSuffix(base, ".csdl.xml"):
		return "csdl"
	case strings.HasSuffix(base, ".cedar"):
		return "cedar"
	}
	return ""
}

// Load parses, cross-checks and compiles a bundle from file names and
// contents. It does no I/O: callers read the files. The error, if any, is a
// *diag.Error with every problem found; warnings are in Bundle.Warnings.
func Load(files map[string][]byte) (*Bundle, error) {
	var d diag.List
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	b := &Bundle{Tables: map[string]*Table{}, Policies: map[string][]byte{}}
	for _, n := range names {
		switch fileKind(n) {
		case "spec":
			s, err := ioa.Parse(n, files[n])
			d.Add(err)
			if s != nil {
				d = append(d, s.Warnings...)
			}
			if err == nil {
				b.Specs = append(b.Specs, s)
			}
		case "csdl":
			if b.Model != nil {
				d.Errorf(diag.Pos{File: n}, "a bundle has one CSDL model; found a second")
				continue
			}
			m, err := csdl.Parse(n, files[n])
			d.Add(err)
			if err == nil {
				b.Model = m
			}
		case "cedar":
			b.Policies[n] = files[n]
		default:
			d.Errorf(diag.Pos{File: n}, "unknown file kind (a bundle holds *.ioa.toml specs, one *.csdl.xml model and *.cedar policies)")
		}
	}
	if len(b.Specs) == 0 && !d.HasErrors() {
		d.Errorf(diag.Pos{}, "the bundle has no *.ioa.toml spec")
	}
	if !d.HasErrors() {
		if b.Model == nil {
			b.Model = deriveModel(b.Specs)
			b.DerivedModel = true
			d.Warnf(diag.Pos{}, "no CSDL model in the bundle: derived one (namespace %s) with an entity type and set per spec", derivedNamespace)
		}
		c := &compiler{b: b}
		c.compileAll()
		d = append(d, c.d...)
	}
	d.Sort()
	b.Warnings = d.Warnings()
	b.Hash = Hash(files)
	if err := d.Err(); err != nil {
		return b, err
	}
	return b, nil
}

// Hash is the content hash of a bundle's files: SHA-256 over the sorted
// base names and a canonical form of each file (TOML decoded and
// re-encoded with sorted keys, so whitespace, comments and key order do not
// count; XML and Cedar with line endings and trailing blanks normalized).
func Hash(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return path.Base(names[i]) < path.Base(names[j]) })
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(path.Base(n)))
		h.Write([]byte{0})
		h.Write(canonical(n, files[n]))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func canonical(name string, data []byte) []byte {
	if fileKind(name) == "spec" {
		var doc map[string]any
		if toml.Unmarshal(data, &doc) == nil {
			if out, err := json.Marshal(doc); err == nil {
				return out
			}
		}
	}
	if fileKind(name) == "csdl" {
		if m, err := csdl.Parse(name, data); err == nil {
			if out, err := m.Marshal(); err == nil {
				return out
			}
		}
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return []byte(strings.TrimSpace(strings.Join(lines, "\n")))
}
