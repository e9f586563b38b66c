package ioa

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/temperhq/temper/specengine/diag"
)

// posEntry is where a key and its value start in the TOML source.
type posEntry struct {
	Key, Val diag.Pos
	// Inner is the offset from Val to the first character of a string's
	// content (1 for "x" and 'x', 3 for multi-line strings).
	Inner int
}

// positions maps dotted key paths ("action[2].guard",
// "action[0].triggers[1].params.x", "action[1].effect[0]") to positions. The
// decoded document comes from go-toml's decoder; this index only adds the
// positions it does not report.
type positions struct {
	file string
	m    map[string]posEntry
}

func (ix *positions) key(path string) diag.Pos {
	if e, ok := ix.m[path]; ok {
		return e.Key
	}
	if e, ok := ix.m[path+"[0]"]; ok {
		return e.Key // an array of tables: its first header
	}
	return diag.Pos{File: ix.file}
}

func (ix *positions) val(path string) diag.Pos {
	if e, ok := ix.m[path]; ok {
		return e.Val
	}
	return ix.key(path)
}

// inner is the position of the first character inside a string value.
func (ix *positions) inner(path string) diag.Pos {
	if e, ok := ix.m[path]; ok {
		return e.Val.Shift(e.Inner)
	}
	return ix.key(path)
}

func buildPositions(file string, data []byte) *positions {
	ix := &positions{file: file, m: map[string]posEntry{}}
	var p unstable.Parser
	p.Reset(data)
	arrays := map[string]int{}
	cur := ""
	pos := func(r unstable.Range) diag.Pos {
		s := p.Shape(r)
		return diag.Pos{File: file, Line: s.Start.Line, Col: s.Start.Column}
	}
	var record func(path string, key diag.Pos, v *unstable.Node)
	record = func(path string, key diag.Pos, v *unstable.Node) {
		e := posEntry{Key: key, Val: key}
		if v.Raw.Length > 0 || v.Raw.Offset > 0 {
			e.Val = pos(v.Raw)
			raw := p.Raw(v.Raw)
			switch {
			case bytes.HasPrefix(raw, []byte(`"""`)), bytes.HasPrefix(raw, []byte(`'''`)):
				e.Inner = 3
			case bytes.HasPrefix(raw, []byte(`"`)), bytes.HasPrefix(raw, []byte(`'`)):
				e.Inner = 1
			}
		}
		switch v.Kind {
		case unstable.Array:
			it := v.Children()
			i := 0
			first := true
			for it.Next() {
				c := it.Node()
				cp := key
				if c.Raw.Length > 0 || c.Raw.Offset > 0 {
					cp = pos(c.Raw)
				}
				if first && c.Kind != unstable.InlineTable {
					e.Val = cp
				}
				first = false
				record(fmt.Sprintf("%s[%d]", path, i), cp, c)
				i++
			}
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				kv := it.Node()
				k, kp := keyPath(kv, pos)
				record(path+"."+k, kp, kv.Value())
			}
		}
		ix.m[path] = e
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			path := ""
			var first diag.Pos
			var segs []string
			for it.Next() {
				segs = append(segs, string(it.Node().Data))
				if !first.IsValid() {
					first = pos(it.Node().Raw)
				}
			}
			for i, s := range segs {
				seg := s
				if path != "" {
					seg = path + "." + s
				}
				switch n, isArr := arrays[seg]; {
				case i == len(segs)-1 && e.Kind == unstable.ArrayTable:
					arrays[seg] = n + 1
					path = fmt.Sprintf("%s[%d]", seg, n)
				case isArr:
					path = fmt.Sprintf("%s[%d]", seg, n-1)
				default:
					path = seg
				}
			}
			hdr := first
			if hdr.IsValid() {
				hdr.Col -= 1
				if e.Kind == unstable.ArrayTable {
					hdr.Col--
				}
				if hdr.Col < 1 {
					hdr.Col = 1
				}
			}
			ix.m[path] = posEntry{Key: hdr, Val: hdr}
			cur = path
		case unstable.KeyValue:
			k, kp := keyPath(e, pos)
			path := k
			if cur != "" {
				path = cur + "." + k
			}
			record(path, kp, e.Value())
		}
	}
	return ix
}

func keyPath(kv *unstable.Node, pos func(unstable.Range) diag.Pos) (string, diag.Pos) {
	it := kv.Key()
	var segs []string
	var first diag.Pos
	for it.Next() {
		segs = append(segs, string(it.Node().Data))
		if !first.IsValid() {
			first = pos(it.Node().Raw)
		}
	}
	return strings.Join(segs, "."), first
}
