package uri

import (
	"sort"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// optSet is a set of query options, for what nested options allow.
type optSet uint32

const (
	optFilter optSet = 1 << iota
	optSearch
	optOrderBy
	optTop
	optSkip
	optCount
	optSelect
	optExpand
	optLevels
	optCompute
	optApply
	optAlias
	optFormat
	optSkipToken
	optDeltaToken
	optID
	optIndex
	optSchemaVersion
)

// Options allowed in parentheses, per the ABNF: after Items/$count,
// after Items/$ref, after an expanded navigation property, after a
// selected collection, after * in $expand.
const (
	optsCount  = optFilter | optSearch
	optsRef    = optsCount | optOrderBy | optSkip | optTop | optCount
	optsExpand = optsRef | optSelect | optExpand | optCompute | optLevels | optAlias | optApply
	optsSelect = optsRef | optCompute | optSelect | optAlias
	optsStar   = optLevels
)

// optNames maps a system query option name, lower case without '$', to
// its bit. Names are case-insensitive and the '$' is optional (4.01).
var optNames = map[string]optSet{
	"filter": optFilter, "search": optSearch, "orderby": optOrderBy, "top": optTop, "skip": optSkip,
	"count": optCount, "select": optSelect, "expand": optExpand, "levels": optLevels,
	"compute": optCompute, "apply": optApply, "format": optFormat, "skiptoken": optSkipToken,
	"deltatoken": optDeltaToken, "id": optID, "index": optIndex, "schemaversion": optSchemaVersion,
}

// ParseQuery parses a raw (still percent-encoded) query string, without
// the '?'. It splits on '&' and on the first '=' of each option before
// percent-decoding, and '+' stays a plus sign. System query options are
// recognized case-insensitively with or without '$'; each may be given
// once. Parameter aliases (@p=value) are parsed as expressions and
// substituted where the query references them; other options that start
// with neither '$' nor '@' are custom options, kept as decoded text.
// Options the service recognizes but does not implement are listed in
// Unsupported, also when they appear nested in $expand or $select.
func ParseQuery(rawQuery string) (q *ast.Query, err error) {
	defer catch(&err)
	if len(rawQuery) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: "query string too long"}
	}
	q = &ast.Query{}
	if rawQuery == "" {
		return q, nil
	}
	if i := strings.IndexByte(rawQuery, '#'); i >= 0 {
		return nil, &SyntaxError{Offset: i, Msg: "a '#' must be percent-encoded as %23 in the query"}
	}
	b := &queryBuilder{q: q}
	off := 0
	for _, part := range strings.Split(rawQuery, "&") {
		b.option(part, off)
		off += len(part) + 1
	}
	if b.aliases {
		substQuery(q, nil, "")
	}
	collectUnsupported(q, q)
	return q, nil
}

type queryBuilder struct {
	q       *ast.Query
	seen    optSet
	aliases bool
}

func (b *queryBuilder) option(part string, off int) {
	if part == "" {
		panic(bailout{&SyntaxError{Offset: off, Msg: "empty query option (a '&' too many)"}})
	}
	rawName, rawValue, hasEq := strings.Cut(part, "=")
	nt, derr := decode(rawName)
	if derr != nil {
		panic(bailout{&SyntaxError{Offset: off + derr.off, Msg: derr.msg}})
	}
	name := nt.s
	if name == "" {
		panic(bailout{&SyntaxError{Offset: off, Msg: "a query option needs a name"}})
	}
	vt, derr := decode(rawValue)
	if derr != nil {
		panic(bailout{&SyntaxError{Option: name, Offset: derr.off, Msg: derr.msg}})
	}
	p := newParser(vt, name)
	p.aliases = &b.aliases
	q := b.q
	if name[0] == '@' {
		np := newParser(text{s: name}, name)
		np.pos = 1
		alias := np.ident("a parameter alias name after '@'")
		np.expectEnd()
		if !hasEq {
			p.fail(0, "parameter alias %s needs a value", name)
		}
		if _, dup := q.Aliases[alias]; dup {
			p.fail(0, "parameter alias %s is given twice", name)
		}
		b.aliases = true
		e := p.expr()
		p.expectEnd()
		if q.Aliases == nil {
			q.Aliases = map[string]ast.Expr{}
		}
		q.Aliases[alias] = e
		return
	}
	canon := strings.ToLower(strings.TrimPrefix(name, "$"))
	o, system := optNames[canon]
	if !system {
		if name[0] == '$' {
			p.fail(0, "unknown system query option %s", name)
		}
		if _, dup := q.Custom[name]; dup {
			p.fail(0, "custom query option %s is given twice", name)
		}
		if q.Custom == nil {
			q.Custom = map[string]string{}
		}
		q.Custom[name] = vt.s
		return
	}
	if !hasEq {
		p.fail(0, "%s needs a value (%s=...)", name, name)
	}
	if b.seen&o != 0 {
		p.fail(0, "system query option $%s is given twice", canon)
	}
	b.seen |= o
	switch o {
	case optFormat:
		v := vt.s
		l := strings.ToLower(v)
		if l != "json" && l != "atom" && l != "xml" {
			i := strings.IndexByte(v, '/')
			if i <= 0 || i == len(v)-1 || strings.Count(v, "/") != 1 {
				p.fail(0, "expected json, atom, xml or a media type type/subtype, found %q", v)
			}
		}
		q.Format = v
		return
	case optSkipToken:
		if vt.s == "" {
			p.fail(0, "$skiptoken needs a value")
		}
		q.SkipToken = vt.s
		return
	case optDeltaToken, optID, optApply:
		if vt.s == "" {
			p.fail(0, "$%s needs a value", canon)
		}
	case optIndex:
		if p.peek() == '-' {
			p.pos++
		}
		p.digits("an integer")
		p.expectEnd()
	case optSchemaVersion:
		if vt.s != "*" {
			if vt.s == "" {
				p.fail(0, "$schemaversion needs a value")
			}
			for i := 0; i < len(vt.s); i++ {
				if c := vt.s[i]; !(isASCIILetter(c) || isDigit(c) || strings.IndexByte("-._~", c) >= 0) {
					p.fail(i, "expected * or a version of letters, digits, '-', '.', '_' and '~'")
				}
			}
		}
		p.pos = len(p.s)
	case optLevels:
		p.levels()
		p.expectEnd()
	default:
		p.optionValue(q, o, nil)
		p.expectEnd()
		return
	}
	p.pos = len(p.s)
	addUnsupported(q, "$"+canon)
}

func addUnsupported(q *ast.Query, name string) {
	for _, u := range q.Unsupported {
		if u == name {
			return
		}
	}
	q.Unsupported = append(q.Unsupported, name)
}

// collectUnsupported copies the unsupported options of nested options
// into top, so that checking the top-level list is enough.
func collectUnsupported(top, q *ast.Query) {
	if q == nil {
		return
	}
	if q != top {
		for _, u := range q.Unsupported {
			addUnsupported(top, u)
		}
	}
	for _, s := range q.Select {
		collectUnsupported(top, s.Options)
	}
	for _, e := range q.Expand {
		collectUnsupported(top, e.Options)
	}
	sort.Strings(top.Unsupported)
}

// optionValue parses the value of option o into q (or item for $levels).
func (p *parser) optionValue(q *ast.Query, o optSet, item *ast.ExpandItem) {
	switch o {
	case optFilter:
		q.Filter = p.expr()
	case optSearch:
		q.Search = p.search()
	case optOrderBy:
		q.OrderBy = p.orderBy()
	case optTop, optSkip:
		at := p.pos
		n, err := strconv.ParseInt(p.digits("a non-negative integer"), 10, 64)
		if err != nil {
			p.fail(at, "number too large")
		}
		if o == optTop {
			q.Top = &n
		} else {
			q.Skip = &n
		}
	case optCount:
		var v bool
		switch {
		case p.keyword("true", true):
			v = true
		case p.keyword("false", true):
		default:
			p.fail(p.pos, "expected true or false, found %s", p.found())
		}
		q.Count = &v
	case optSelect:
		q.Select = p.selectList()
	case optExpand:
		q.Expand = p.expandList()
	case optLevels:
		item.Levels = p.levels()
	case optCompute:
		p.compute()
		addUnsupported(q, "$compute")
	case optApply:
		p.skipBalanced()
		addUnsupported(q, "$apply")
	}
}

// options parses nested options after '(' up to and including ')'.
func (p *parser) options(q *ast.Query, allowed optSet, item *ast.ExpandItem) {
	p.enter()
	defer p.leave()
	var seen optSet
	for {
		at := p.pos
		if p.peek() == '@' {
			if allowed&optAlias == 0 {
				p.fail(at, "a parameter alias is not allowed here")
			}
			p.pos++
			name := p.ident("a parameter alias name after '@'")
			p.expect('=')
			if _, dup := q.Aliases[name]; dup {
				p.fail(at, "parameter alias @%s is given twice", name)
			}
			p.noteAlias()
			if q.Aliases == nil {
				q.Aliases = map[string]ast.Expr{}
			}
			q.Aliases[name] = p.expr()
		} else {
			if p.peek() == '$' {
				p.pos++
			}
			word := p.s[at:p.identEnd(p.pos)]
			p.pos = at + len(word)
			canon := strings.ToLower(strings.TrimPrefix(word, "$"))
			o, ok := optNames[canon]
			if !ok {
				if word == "" || word == "$" {
					p.fail(at, "expected a query option, found %s", p.found())
				}
				p.fail(at, "unknown query option %s", word)
			}
			if allowed&o == 0 {
				p.fail(at, "$%s is not allowed here", canon)
			}
			if seen&o != 0 {
				p.fail(at, "$%s is given twice", canon)
			}
			seen |= o
			p.expect('=')
			p.optionValue(q, o, item)
		}
		switch p.peek() {
		case ';':
			p.pos++
			continue
		case ')':
			p.pos++
			return
		}
		p.fail(p.pos, "expected ';' or ')' after a nested option, found %s", p.found())
	}
}

// listComma consumes a ',' between list items, with blanks around it
// (more lenient than the ABNF, which has none).
func (p *parser) listComma() bool {
	save := p.pos
	p.ws()
	if p.peek() == ',' {
		p.pos++
		p.ws()
		return true
	}
	p.pos = save
	return false
}

func (p *parser) orderBy() []ast.OrderItem {
	var items []ast.OrderItem
	for {
		it := ast.OrderItem{Expr: p.expr()}
		save := p.pos
		if p.ws() > 0 {
			switch {
			case p.keyword("asc", true):
			case p.keyword("desc", true):
				it.Desc = true
			default:
				p.pos = save
			}
		}
		items = append(items, it)
		if !p.listComma() {
			return items
		}
	}
}

// levels parses a positive integer without leading zeros, or max (-1).
func (p *parser) levels() int {
	if p.keyword("max", true) {
		return -1
	}
	at := p.pos
	if c := p.peek(); c < '1' || c > '9' {
		p.fail(at, "expected max or a positive integer without leading zeros, found %s", p.found())
	}
	n, err := strconv.Atoi(p.digits("levels"))
	if err != nil || n > 1<<30 {
		p.fail(at, "levels too large")
	}
	return n
}

// compute checks expr as Name[,...] ($compute is not implemented).
func (p *parser) compute() {
	for {
		p.expr()
		if p.ws() == 0 || !p.keyword("as", true) || p.ws() == 0 {
			p.fail(p.pos, "expected ' as Name' after a $compute expression")
		}
		p.ident("a computed property name")
		if !p.listComma() {
			return
		}
	}
}

// skipBalanced skips a value with balanced parentheses and quotes up to
// a ';' or ')' outside them ($apply, whose grammar is not implemented).
func (p *parser) skipBalanced() {
	start, depth := p.pos, 0
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; c {
		case '\'', '"':
			i := strings.IndexByte(p.s[p.pos+1:], c)
			if i < 0 {
				p.fail(p.pos, "unterminated quote")
			}
			p.pos += i + 2
			continue
		case '(':
			depth++
		case ')':
			if depth == 0 {
				goto done
			}
			depth--
		case ';':
			if depth == 0 {
				goto done
			}
		}
		p.pos++
	}
done:
	if depth != 0 {
		p.fail(start, "unbalanced parentheses")
	}
	if p.pos == start {
		p.fail(start, "expected a value")
	}
}

func (p *parser) selectList() []ast.SelectItem {
	var items []ast.SelectItem
	for {
		items = append(items, p.selectItem())
		if !p.listComma() {
			return items
		}
	}
}

// selectItem parses *, Namespace.*, or a path with nested options or a
// function signature in parentheses.
func (p *parser) selectItem() ast.SelectItem {
	if p.peek() == '*' {
		p.pos++
		return ast.SelectItem{Star: true}
	}
	var path []string
	for {
		at := p.pos
		seg := p.memberSegment("a property, type, action or function name")
		if p.peek() == '.' && p.peekAt(p.pos+1) == '*' {
			if len(path) > 0 || seg[0] == '@' {
				p.fail(at, "Namespace.* must stand alone in $select")
			}
			p.pos += 2
			return ast.SelectItem{Path: []string{seg}, Star: true}
		}
		path = append(path, seg)
		if p.peek() == '/' && (p.identStartAt(p.pos+1) || p.peekAt(p.pos+1) == '@') {
			p.pos++
			continue
		}
		break
	}
	item := ast.SelectItem{Path: path}
	if p.peek() != '(' {
		return item
	}
	p.pos++
	if p.optionsAhead() {
		q := &ast.Query{}
		p.options(q, optsSelect, nil)
		item.Options = q
		return item
	}
	item.ParamNames = []string{}
	for {
		item.ParamNames = append(item.ParamNames, p.ident("a parameter name"))
		if !p.listComma() {
			break
		}
	}
	p.expect(')')
	return item
}

// optionsAhead reports whether nested options (rather than parameter
// names) start at pos.
func (p *parser) optionsAhead() bool {
	switch p.peek() {
	case '$', '@':
		return true
	}
	end := p.identEnd(p.pos)
	return end > p.pos && p.peekAt(end) == '='
}

// memberSegment parses a name, qualified name or annotation.
func (p *parser) memberSegment(what string) string {
	if p.peek() == '@' {
		p.pos++
		name := "@" + p.qname("an annotation name after '@'")
		if p.peek() == '#' {
			p.pos++
			name += "#" + p.ident("an annotation qualifier after '#'")
		}
		return name
	}
	return p.qname(what)
}

func (p *parser) expandList() []ast.ExpandItem {
	var items []ast.ExpandItem
	for {
		items = append(items, p.expandItem())
		if !p.listComma() {
			return items
		}
	}
}

// expandItem parses $value, or a path (ending in * or not) followed by
// /$ref, /$count or nested options.
func (p *parser) expandItem() ast.ExpandItem {
	if p.keyword("$value", false) {
		return ast.ExpandItem{Path: []string{"$value"}}
	}
	var path []string
	star := false
	for {
		if p.peek() == '*' {
			p.pos++
			path = append(path, "*")
			star = true
			break
		}
		path = append(path, p.memberSegment("a navigation property, complex property, type or annotation"))
		if p.peek() == '/' && (p.identStartAt(p.pos+1) || p.peekAt(p.pos+1) == '@' || p.peekAt(p.pos+1) == '*') {
			p.pos++
			continue
		}
		break
	}
	item := ast.ExpandItem{Path: path}
	if p.peek() == '/' && p.peekAt(p.pos+1) == '$' {
		at := p.pos + 1
		p.pos++
		switch {
		case p.keyword("$ref", false):
			item.Ref = true
			if p.peek() == '(' {
				if star {
					p.fail(p.pos, "*/$ref takes no options")
				}
				p.pos++
				item.Options = &ast.Query{}
				p.options(item.Options, optsRef, &item)
			}
		case p.keyword("$count", false):
			if star {
				p.fail(at, "*/$count is not allowed")
			}
			item.Count = true
			if p.peek() == '(' {
				p.pos++
				item.Options = &ast.Query{}
				p.options(item.Options, optsCount, &item)
			}
		default:
			p.fail(at, "expected $ref or $count after '/', found %s", p.found())
		}
		return item
	}
	if p.peek() == '(' {
		allowed := optsExpand
		if star {
			allowed = optsStar
		}
		p.pos++
		item.Options = &ast.Query{}
		p.options(item.Options, allowed, &item)
	}
	return item
}
