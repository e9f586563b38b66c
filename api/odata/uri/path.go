package uri

import (
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// ParsePath parses the escaped resource path below the service root,
// without a leading '/', e.g. Tasks('a%2Fb'), Orders(OrderID=1,Line=2)/Items,
// Tasks('x')/Tracker.Start, Tasks/$count, $metadata. The empty path is the
// service document (no segments).
//
// Segments are split on '/' before percent-decoding, so %2F stays inside
// a key; a '/' inside parentheses (in a $filter(...) segment) does not
// split either. Then each segment is decoded and parsed: names, key
// predicates (single or compound, any primitive literal, parameter
// aliases), function parameters (literals or aliases), $count, $value,
// $ref, $query, $each, $filter(...), $metadata, $batch, $entity, $all,
// $crossjoin(...), key-as-segment values and ordinal indexes.
//
// The parser does not know the model, so segment kinds are syntactic: see
// ast.SegmentKind. Parameter aliases stay unresolved (KeyValue.Alias,
// *ast.Alias); Parse substitutes them from the query.
func ParsePath(escapedPath string) (rp *ast.ResourcePath, err error) {
	defer catch(&err)
	if len(escapedPath) > MaxLength {
		return nil, &SyntaxError{Option: "path", Offset: MaxLength, Msg: "path too long"}
	}
	rp = &ast.ResourcePath{}
	if escapedPath == "" {
		return rp, nil
	}
	if i := strings.IndexAny(escapedPath, "?#"); i >= 0 {
		return nil, &SyntaxError{Option: "path", Offset: i, Msg: "a '?' or '#' in the path must be percent-encoded"}
	}
	raws, offs := splitPath(escapedPath)
	for i, raw := range raws {
		if raw == "" {
			msg := "empty path segment"
			if i == 0 {
				msg = "empty first segment: the path below the service root starts without '/'"
			}
			return nil, &SyntaxError{Option: "path", Offset: offs[i], Msg: msg}
		}
		t, derr := decode(raw)
		if derr != nil {
			return nil, &SyntaxError{Option: "path", Offset: offs[i] + derr.off, Msg: derr.msg}
		}
		p := &parser{t: t, s: t.s, option: "path", base: offs[i], rawOff: true, path: true}
		var prev *ast.Segment
		if i > 0 {
			prev = &rp.Segments[i-1]
		}
		if i == 2 && (rp.Segments[0].Kind == ast.SegEntity || rp.Segments[0].Kind == ast.SegAll) {
			return nil, &SyntaxError{Option: "path", Offset: offs[i], Msg: "nothing may follow " + segmentText(&rp.Segments[0]) + "/Type"}
		}
		rp.Segments = append(rp.Segments, p.pathSegment(prev))
	}
	return rp, nil
}

// splitPath splits on '/' outside parentheses (plain or %28/%29), and
// inside them outside single-quoted strings (' or %27).
func splitPath(s string) (segs []string, offs []int) {
	depth, quoted, from := 0, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			switch strings.ToUpper(s[i+1 : i+3]) {
			case "28":
				c = '('
			case "29":
				c = ')'
			case "27":
				c = '\''
			}
		}
		switch {
		case c == '\'' && depth > 0:
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == '/' && depth == 0:
			segs, offs = append(segs, s[from:i]), append(offs, from)
			from = i + 1
		}
	}
	return append(segs, s[from:]), append(offs, from)
}

// pathSegment parses one decoded segment; prev is the segment before it.
func (p *parser) pathSegment(prev *ast.Segment) ast.Segment {
	if prev != nil {
		switch prev.Kind {
		case ast.SegCount, ast.SegRef, ast.SegValue, ast.SegQuery, ast.SegMetadata, ast.SegBatch:
			p.fail(0, "nothing may follow %s", segmentText(prev))
		case ast.SegEntity, ast.SegAll:
			tn := p.typeName(true)
			if tn.Collection {
				p.fail(0, "expected an entity type name after %s", segmentText(prev))
			}
			p.expectEnd()
			return ast.Segment{Kind: ast.SegCast, Name: tn.Name}
		case ast.SegCrossjoin:
			if p.s != "$query" {
				p.fail(0, "only $query may follow $crossjoin(...)")
			}
		}
	}
	if p.peek() == '$' {
		return p.dollarSegment(prev)
	}
	end := p.qnameEnd(0)
	if end == 0 || (end < len(p.s) && p.s[end] != '(') {
		if prev == nil {
			if end > 0 && p.s[end] == '.' || strings.HasPrefix(p.s, ".") {
				p.fail(end, "malformed name")
			}
			p.fail(0, "malformed segment %q: expected an entity set, singleton or operation import name", p.s)
		}
		for i := 0; i < len(p.s); i++ {
			if p.s[i] == '/' && !p.t.escaped(i) {
				p.fail(i, "a '/' inside a key must be percent-encoded as %%2F")
			}
		}
		return ast.Segment{Kind: ast.SegKeyOrIndex, Name: p.s}
	}
	name := p.s[:end]
	p.pos = end
	qualified := strings.Contains(name, ".")
	if prev == nil && qualified {
		p.fail(0, "a path cannot start with a qualified name: bound actions and functions follow the entity set or entity they are bound to")
	}
	kind := ast.SegNavigation
	if prev == nil {
		kind = ast.SegEntitySet
	}
	if qualified {
		kind = ast.SegOperation
	}
	seg := ast.Segment{Kind: kind, Name: name}
	if p.eof() {
		return seg
	}
	// First parentheses: a key predicate, or function parameters.
	names, vals := p.pathParams()
	named := len(names) > 0 && names[0] != ""
	second := p.peek() == '('
	switch {
	case len(vals) == 0:
		seg.Kind, seg.Args = ast.SegOperation, map[string]ast.Expr{}
	case !named:
		if len(vals) > 1 {
			p.fail(end, "a key predicate with several values must name them: (Key1=v1,Key2=v2)")
		}
		if second {
			p.fail(p.pos, "unexpected '(' after a key predicate")
		}
		if qualified {
			seg.Kind = ast.SegCast
		}
		seg.Keys = p.keyValues(end, names, vals)
	case qualified || second || !allKeyValues(vals):
		seg.Kind, seg.Args = ast.SegOperation, map[string]ast.Expr{}
		for i, n := range names {
			seg.Args[n] = vals[i]
		}
	default:
		seg.Keys = p.keyValues(end, names, vals)
	}
	if second {
		at := p.pos
		kn, kv := p.pathParams()
		if len(kv) == 0 {
			p.fail(at, "empty key predicate")
		}
		if len(kv) > 1 && kn[0] == "" {
			p.fail(at, "a key predicate with several values must name them: (Key1=v1,Key2=v2)")
		}
		seg.Keys = p.keyValues(at, kn, kv)
	}
	p.expectEnd()
	return seg
}

func allKeyValues(vals []ast.Expr) bool {
	for _, v := range vals {
		if !isKeyValue(v) {
			return false
		}
	}
	return true
}

func (p *parser) keyValues(at int, names []string, vals []ast.Expr) []ast.KeyValue {
	for _, v := range vals {
		if !isKeyValue(v) {
			p.fail(at, "null, binary and geo values cannot be keys")
		}
	}
	return keys(names, vals)
}

// pathParams parses "(" [ [name "="] value *("," ...) ] ")" where values
// are primitive literals or parameter aliases.
func (p *parser) pathParams() (names []string, vals []ast.Expr) {
	p.expect('(')
	p.ws()
	if p.peek() == ')' {
		p.pos++
		return nil, nil
	}
	seen := map[string]bool{}
	for {
		at := p.pos
		name := ""
		if end := p.identEnd(at); end > at && p.peekAt(end) == '=' {
			name = p.s[at:end]
			p.pos = end + 1
		}
		if len(names) > 0 && (name == "") != (names[0] == "") {
			p.fail(at, "either all values in parentheses are named or none is")
		}
		if name != "" {
			if seen[name] {
				p.fail(at, "%s is given twice", name)
			}
			seen[name] = true
		}
		var v ast.Expr
		if p.peek() == '@' {
			vat := p.pos
			p.pos++
			v = &ast.Alias{Off: vat, Name: p.ident("a parameter alias name after '@'")}
		} else if lit := p.literal(); lit != nil {
			v = lit
		} else {
			p.fail(p.pos, "expected a literal or a parameter alias, found %s", p.found())
		}
		names, vals = append(names, name), append(vals, v)
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
			p.ws()
			continue
		case ')':
			p.pos++
			return names, vals
		}
		p.fail(p.pos, "expected ',' or ')', found %s", p.found())
	}
}

// dollarSegment parses a segment starting with '$'.
func (p *parser) dollarSegment(prev *ast.Segment) ast.Segment {
	end := p.identEnd(1)
	word := p.s[:end]
	p.pos = end
	first := prev == nil
	var seg ast.Segment
	switch word {
	case "$metadata", "$batch", "$entity", "$all", "$crossjoin":
		if !first {
			p.fail(0, "%s must be the first segment", word)
		}
		switch word {
		case "$metadata":
			seg.Kind = ast.SegMetadata
		case "$batch":
			seg.Kind = ast.SegBatch
		case "$entity":
			seg.Kind = ast.SegEntity
		case "$all":
			seg.Kind = ast.SegAll
		case "$crossjoin":
			seg.Kind = ast.SegCrossjoin
			p.expect('(')
			for {
				seg.Names = append(seg.Names, p.ident("an entity set name"))
				if p.peek() != ',' {
					break
				}
				p.pos++
			}
			p.expect(')')
		}
	case "$count", "$ref", "$value", "$query", "$each", "$filter":
		if first {
			p.fail(0, "%s cannot be the first segment", word)
		}
		switch word {
		case "$count":
			seg.Kind = ast.SegCount
		case "$ref":
			seg.Kind = ast.SegRef
		case "$value":
			seg.Kind = ast.SegValue
		case "$query":
			seg.Kind = ast.SegQuery
		case "$each":
			seg.Kind = ast.SegEach
		case "$filter":
			seg.Kind = ast.SegFilter
			p.expect('(')
			p.ws()
			seg.Filter = p.expr()
			p.ws()
			p.expect(')')
			if p.peek() == '(' {
				at := p.pos
				kn, kv := p.pathParams()
				if len(kv) == 0 || (len(kv) > 1 && kn[0] == "") {
					p.fail(at, "malformed key predicate")
				}
				seg.Keys = p.keyValues(at, kn, kv)
			}
		}
	default:
		p.fail(0, "unknown segment %q", word)
	}
	p.expectEnd()
	return seg
}

func segmentText(s *ast.Segment) string {
	switch s.Kind {
	case ast.SegCount:
		return "$count"
	case ast.SegRef:
		return "$ref"
	case ast.SegValue:
		return "$value"
	case ast.SegQuery:
		return "$query"
	case ast.SegMetadata:
		return "$metadata"
	case ast.SegBatch:
		return "$batch"
	case ast.SegEntity:
		return "$entity"
	case ast.SegAll:
		return "$all"
	}
	return s.Name
}
