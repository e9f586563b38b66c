package uri

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/temperhq/temper/api/odata/ast"
)

// Operator precedence, loosest first (OData 4.01 Part 2, 5.1.1.1.14 and
// the brief of this package): or < and < comparison (eq ne gt ge lt le
// has in) < additive < multiplicative < unary (not, -) < primary (member
// access, calls, literals).
const (
	precOr = 1 + iota
	precAnd
	precCmp
	precAdd
	precMul
	precUnary
	precPrimary
)

type binInfo struct {
	op   ast.BinaryOp
	prec int
}

// binOps are the binary operators; their names are case-insensitive in
// the ABNF ("eq" matches EQ and Eq).
var binOps = map[string]binInfo{
	"or": {ast.OpOr, precOr}, "and": {ast.OpAnd, precAnd},
	"eq": {ast.OpEq, precCmp}, "ne": {ast.OpNe, precCmp}, "gt": {ast.OpGt, precCmp}, "ge": {ast.OpGe, precCmp},
	"lt": {ast.OpLt, precCmp}, "le": {ast.OpLe, precCmp}, "has": {ast.OpHas, precCmp}, "in": {ast.OpIn, precCmp},
	"add": {ast.OpAdd, precAdd}, "sub": {ast.OpSub, precAdd},
	"mul": {ast.OpMul, precMul}, "div": {ast.OpDiv, precMul}, "divby": {ast.OpDivBy, precMul}, "mod": {ast.OpMod, precMul},
}

func binPrec(op ast.BinaryOp) int {
	switch op {
	case ast.OpOr:
		return precOr
	case ast.OpAnd:
		return precAnd
	case ast.OpAdd, ast.OpSub:
		return precAdd
	case ast.OpMul, ast.OpDiv, ast.OpDivBy, ast.OpMod:
		return precMul
	}
	return precCmp
}

type fnKind uint8

const (
	fnPlain fnKind = iota
	fnTyped        // cast, isof: [expr,] type
	fnCase         // case(cond:value,...)
)

type fnInfo struct {
	name     string // as reported in ast.Call.Name
	min, max int
	kind     fnKind
}

// canonical are the canonical functions of OData 4.01 by their lower-case
// name. Their names are case-insensitive: 4.01 services MUST accept
// CONTAINS(...) and Year(...) (OData 4.01 Part 2, 5.1.1.4; the ABNF's
// quoted strings such as "contains" match any case).
var canonical = map[string]fnInfo{}

func init() {
	for name, n := range map[string][2]int{
		"concat": {2, 2}, "contains": {2, 2}, "endswith": {2, 2}, "indexof": {2, 2}, "length": {1, 1},
		"startswith": {2, 2}, "substring": {2, 3}, "tolower": {1, 1}, "toupper": {1, 1}, "trim": {1, 1},
		"matchespattern": {2, 2},
		"year":           {1, 1}, "month": {1, 1}, "day": {1, 1}, "hour": {1, 1}, "minute": {1, 1}, "second": {1, 1},
		"fractionalseconds": {1, 1}, "totalseconds": {1, 1}, "date": {1, 1}, "time": {1, 1}, "totaloffsetminutes": {1, 1},
		"mindatetime": {0, 0}, "maxdatetime": {0, 0}, "now": {0, 0},
		"round": {1, 1}, "floor": {1, 1}, "ceiling": {1, 1},
		"geo.distance": {2, 2}, "geo.length": {1, 1}, "geo.intersects": {2, 2},
		"hassubset": {2, 2}, "hassubsequence": {2, 2},
	} {
		canonical[name] = fnInfo{name: name, min: n[0], max: n[1]}
	}
	canonical["cast"] = fnInfo{name: "cast", min: 1, max: 2, kind: fnTyped}
	canonical["isof"] = fnInfo{name: "isof", min: 1, max: 2, kind: fnTyped}
	canonical["case"] = fnInfo{name: "case", min: 1, max: -1, kind: fnCase}
}

// expr parses a commonExpr.
func (p *parser) expr() ast.Expr { return p.binary(precOr) }

// binary parses operands joined by operators of precedence min or
// tighter, left-associatively. Operators need whitespace on both sides;
// whitespace not followed by an operator is left for the caller (asc,
// desc, as, or an error).
func (p *parser) binary(min int) ast.Expr {
	left := p.unary()
	for {
		save := p.pos
		if p.ws() == 0 {
			return left
		}
		opAt := p.pos
		word := p.wordAt(opAt)
		info, ok := binOps[strings.ToLower(word)]
		if !ok || info.prec < min || p.identCharAt(opAt+len(word)) != 0 {
			p.pos = save
			return left
		}
		p.pos = opAt + len(word)
		if p.ws() == 0 {
			p.fail(p.pos, "expected whitespace after %q", word)
		}
		var right ast.Expr
		if info.op == ast.OpIn {
			right = p.inOperand()
		} else {
			right = p.binary(info.prec + 1)
		}
		left = &ast.Binary{Off: opAt, Op: info.op, L: left, R: right}
	}
}

// inOperand parses the right side of in: a parenthesized list of
// primitive literals, or an expression (a JSON array of literals becomes
// a List too).
func (p *parser) inOperand() ast.Expr {
	if p.peek() == '(' {
		save := p.pos
		if l := p.literalList(); l != nil {
			return l
		}
		p.pos = save
	}
	return listify(p.binary(precAdd))
}

// listify turns a JSON array of primitive literals into a List.
func listify(e ast.Expr) ast.Expr {
	a, ok := e.(*ast.Array)
	if !ok {
		return e
	}
	for _, it := range a.Items {
		if _, ok := it.(*ast.Literal); !ok {
			return e
		}
	}
	return &ast.List{Off: a.Off, Items: a.Items}
}

// literalList parses "(" [literal *("," literal)] ")" or returns nil.
func (p *parser) literalList() *ast.List {
	l := &ast.List{Off: p.pos, Items: []ast.Expr{}}
	p.pos++
	p.ws()
	if p.peek() == ')' {
		p.pos++
		return l
	}
	for {
		lit := p.literal()
		if lit == nil {
			return nil
		}
		l.Items = append(l.Items, lit)
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
			p.ws()
		case ')':
			p.pos++
			return l
		default:
			return nil
		}
	}
}

func (p *parser) unary() ast.Expr {
	start := p.pos
	if w := p.wordAt(start); strings.EqualFold(w, "not") && (isWS(p.peekAt(start+3)) || p.peekAt(start+3) == '(') {
		p.pos += 3
		p.ws()
		p.enter()
		x := p.unary()
		p.leave()
		return &ast.Unary{Off: start, Op: ast.OpNot, X: x}
	}
	if p.peek() == '-' {
		if lit := p.literal(); lit != nil {
			return lit
		}
		p.pos++
		p.ws()
		p.enter()
		x := p.unary()
		p.leave()
		return &ast.Unary{Off: start, Op: ast.OpNeg, X: x}
	}
	return p.primary()
}

func (p *parser) primary() ast.Expr {
	start := p.pos
	if lit := p.literal(); lit != nil {
		return lit
	}
	switch c := p.peek(); {
	case c == '(':
		p.pos++
		p.ws()
		p.enter()
		e := p.expr()
		p.leave()
		p.ws()
		if p.peek() == ',' {
			p.fail(p.pos, "a parenthesized list is only allowed right of 'in', and only of literals")
		}
		p.expect(')')
		return e
	case c == '[':
		return p.array()
	case c == '{':
		return p.object()
	case c == '"':
		p.fail(start, "a double-quoted JSON string is only allowed inside a JSON array or object; OData strings use single quotes")
	case c == '$':
		return p.dollar()
	case c == '@':
		return p.at()
	case p.identStartAt(start):
		return p.name()
	case p.eof():
		p.fail(start, "expected an expression, found the end")
	}
	p.fail(start, "expected an expression, found %s", p.found())
	return nil
}

// dollar parses $it, $this or $root/... and what follows.
func (p *parser) dollar() ast.Expr {
	start := p.pos
	end := p.identEnd(start + 1)
	word := p.s[start:end]
	p.pos = end
	switch word {
	case "$it", "$this":
		return p.pathRest(&ast.Path{Off: start, Segments: []string{word}})
	case "$root":
		if p.peek() != '/' {
			p.fail(p.pos, "$root must be followed by /EntitySet or /Singleton")
		}
		path := &ast.Path{Off: start, Segments: []string{word}}
		p.pos++
		if p.segment(path) != nil {
			p.fail(start, "$root must be followed by /EntitySet or /Singleton")
		}
		return p.pathRest(path)
	}
	p.fail(start, "unknown %q in an expression (expected $it, $this or $root)", word)
	return nil
}

// at parses a parameter alias (@p) or an annotation (@Namespace.Term,
// @Term#qualifier) and what follows.
func (p *parser) at() ast.Expr {
	start := p.pos
	p.pos++
	name := p.qname("a parameter alias or annotation name after '@'")
	qualified := strings.Contains(name, ".")
	if p.peek() == '#' {
		p.pos++
		name += "#" + p.ident("an annotation qualifier after '#'")
		qualified = true
	}
	if !qualified && p.peek() != '/' {
		p.noteAlias()
		return &ast.Alias{Off: start, Name: name}
	}
	if !qualified {
		p.noteAlias()
	}
	return p.pathRest(&ast.Path{Off: start, Segments: []string{"@" + name}})
}

func (p *parser) noteAlias() {
	if p.aliases != nil {
		*p.aliases = true
	}
}

// name parses what starts with an identifier: a canonical function call,
// a qualified function call, a type cast, a property path, a key access
// (Items(1)).
func (p *parser) name() ast.Expr {
	start := p.pos
	name := p.qname("a name")
	qualified := strings.Contains(name, ".")
	if p.peek() == '(' {
		if fn, ok := canonical[strings.ToLower(name)]; ok {
			return p.call(start, fn)
		}
		if !qualified {
			if strings.EqualFold(name, "any") || strings.EqualFold(name, "all") {
				p.fail(start, "%s must follow a collection path, as in Items/%s(x:x/Price gt 5)", name, strings.ToLower(name))
			}
			params := p.params(start, name, false)
			if params.Call {
				p.fail(start, "unknown function %q", name)
			}
			return p.pathRest(&ast.Path{Off: start, Segments: []string{name}, Params: []*ast.PathParams{params}})
		}
		params := p.params(start, name, true)
		if p.peek() == '/' || !params.Call || params.Keys != nil {
			return p.pathRest(&ast.Path{Off: start, Segments: []string{name}, Params: []*ast.PathParams{params}})
		}
		return &ast.Call{Off: start, Name: name, Args: params.Args, ArgNames: params.ArgNames}
	}
	if qualified && p.peek() != '/' {
		p.fail(start, "%s: a qualified name must be followed by '/' (a type cast) or '(' (a function call)", name)
	}
	return p.pathRest(&ast.Path{Off: start, Segments: []string{name}})
}

// call parses the arguments of a canonical function.
func (p *parser) call(start int, fn fnInfo) ast.Expr {
	p.expect('(')
	p.enter()
	defer p.leave()
	p.ws()
	c := &ast.Call{Off: start, Name: fn.name, Args: []ast.Expr{}}
	switch fn.kind {
	case fnTyped:
		save := p.pos
		if tn := p.typeName(false); tn != nil {
			p.ws()
			if p.peek() == ')' {
				p.pos++
				c.Args = append(c.Args, tn)
				return c
			}
		}
		p.pos = save
		c.Args = append(c.Args, p.expr())
		p.ws()
		p.expect(',')
		p.ws()
		c.Args = append(c.Args, p.typeName(true))
		p.ws()
		p.expect(')')
		return c
	case fnCase:
		for {
			c.Args = append(c.Args, p.expr())
			p.ws()
			p.expect(':')
			p.ws()
			c.Args = append(c.Args, p.expr())
			p.ws()
			if p.peek() != ',' {
				break
			}
			p.pos++
			p.ws()
		}
		p.expect(')')
		return c
	}
	if p.peek() != ')' {
		for {
			c.Args = append(c.Args, p.expr())
			p.ws()
			if p.peek() != ',' {
				break
			}
			p.pos++
			p.ws()
		}
	}
	if p.peek() != ')' {
		p.fail(p.pos, "expected ',' or ')' in the arguments of %s, found %s", fn.name, p.found())
	}
	p.pos++
	if n := len(c.Args); n < fn.min || n > fn.max {
		want := plural(fn.min, "argument")
		if fn.max != fn.min {
			want = plural(fn.min, "") + " or " + plural(fn.max, "arguments")
		}
		p.fail(start, "%s takes %s, not %d", fn.name, want, n)
	}
	return c
}

func plural(n int, what string) string {
	s := string(rune('0' + n))
	if what == "" {
		return s
	}
	if n != 1 && !strings.HasSuffix(what, "s") {
		what += "s"
	}
	return s + " " + what
}

// typeName parses a type name (qualified or not) or Collection(Type). It
// returns nil without consuming anything when none is there, unless must.
func (p *parser) typeName(must bool) *ast.TypeName {
	start := p.pos
	end := p.qnameEnd(start)
	if end == start {
		if must {
			p.fail(start, "expected a type name, found %s", p.found())
		}
		return nil
	}
	name := p.s[start:end]
	p.pos = end
	if name == "Collection" && p.peek() == '(' {
		p.pos++
		p.ws()
		inner := p.qname("a type name in Collection(...)")
		p.ws()
		p.expect(')')
		return &ast.TypeName{Off: start, Name: inner, Collection: true}
	}
	return &ast.TypeName{Off: start, Name: name}
}

// params parses the parentheses after a path segment name: a key
// predicate or function parameters, and a key predicate after function
// parameters (F(x=1)(2)).
func (p *parser) params(start int, name string, qualified bool) *ast.PathParams {
	open := p.pos
	names, vals := p.paramList()
	pp := &ast.PathParams{}
	named := len(names) > 0 && names[0] != ""
	keyable := len(vals) > 0
	for _, v := range vals {
		if !isKeyValue(v) {
			keyable = false
		}
	}
	switch {
	case len(vals) == 0:
		pp.Call, pp.ArgNames, pp.Args = true, []string{}, []ast.Expr{}
	case !named && len(vals) == 1 && keyable:
		pp.Keys = keys(names, vals)
	case !named:
		if qualified {
			p.fail(open, "the parameters of function %s must be named: %s(Name=value)", name, name)
		}
		p.fail(start, "unknown function %q", name)
	case keyable && !qualified:
		pp.Keys = keys(names, vals)
	default:
		pp.Call, pp.ArgNames, pp.Args = true, names, vals
	}
	if p.peek() == '(' {
		if !pp.Call {
			p.fail(p.pos, "unexpected '(' after a key predicate")
		}
		pp.Keys = p.keyGroup()
	}
	return pp
}

// keyGroup parses a key predicate in parentheses.
func (p *parser) keyGroup() []ast.KeyValue {
	at := p.pos
	kn, kv := p.paramList()
	for _, v := range kv {
		if !isKeyValue(v) {
			p.fail(at, "a key predicate takes literals or parameter aliases")
		}
	}
	if len(kv) == 0 || (len(kv) > 1 && kn[0] == "") {
		p.fail(at, "malformed key predicate: name the values of a compound key, as in (ID=1,Line=2)")
	}
	return keys(kn, kv)
}

// paramList parses "(" [ [name "="] value *("," [name "="] value) ] ")".
// Either all values are named or none is.
func (p *parser) paramList() (names []string, vals []ast.Expr) {
	p.expect('(')
	p.enter()
	defer p.leave()
	p.ws()
	if p.peek() == ')' {
		p.pos++
		return nil, nil
	}
	seen := map[string]bool{}
	for {
		at := p.pos
		name := ""
		if end := p.identEnd(at); end > at {
			q := end
			for q < len(p.s) && isWS(p.s[q]) {
				q++
			}
			if p.peekAt(q) == '=' {
				name = p.s[at:end]
				p.pos = q + 1
				p.ws()
			}
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
		names = append(names, name)
		vals = append(vals, p.expr())
		p.ws()
		if p.peek() == ',' {
			p.pos++
			p.ws()
			continue
		}
		if p.peek() != ')' {
			p.fail(p.pos, "expected ',' or ')', found %s", p.found())
		}
		p.pos++
		return names, vals
	}
}

// isKeyValue reports whether e may be a key value: a literal other than
// null, binary and geo, or a parameter alias.
func isKeyValue(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.Alias:
		return true
	case *ast.Literal:
		return v.Kind != ast.LitNull && v.Kind != ast.LitBinary && v.Kind != ast.LitGeo
	}
	return false
}

func keys(names []string, vals []ast.Expr) []ast.KeyValue {
	ks := make([]ast.KeyValue, len(vals))
	for i, v := range vals {
		ks[i].Name = names[i]
		switch v := v.(type) {
		case *ast.Alias:
			ks[i].Alias = v.Name
		case *ast.Literal:
			ks[i].Value = v
		}
	}
	return ks
}

// pathRest parses the segments after the first of a path: /Name,
// /Ns.Type, /Ns.F(...), /@Annotation, /$count[(...)], /$filter(...),
// /any(...), /all(...).
func (p *parser) pathRest(path *ast.Path) ast.Expr {
	for p.peek() == '/' {
		p.pos++
		if lam := p.segment(path); lam != nil {
			if p.peek() == '/' {
				p.fail(p.pos, "nothing may follow a lambda (any/all)")
			}
			return lam
		}
	}
	return path
}

// segment parses one segment after '/' and appends it to path; a lambda
// is returned instead.
func (p *parser) segment(path *ast.Path) ast.Expr {
	start := p.pos
	switch c := p.peek(); {
	case c == '$':
		end := p.identEnd(start + 1)
		word := p.s[start:end]
		p.pos = end
		switch word {
		case "$count":
			var pp *ast.PathParams
			if p.peek() == '(' {
				p.pos++
				q := &ast.Query{}
				p.options(q, optsCount, nil)
				pp = &ast.PathParams{Options: q}
			}
			appendSeg(path, word, pp)
			if p.peek() == '/' {
				p.fail(p.pos, "nothing may follow $count")
			}
			return nil
		case "$filter":
			p.expect('(')
			p.ws()
			p.enter()
			pp := &ast.PathParams{Filter: p.expr()}
			p.leave()
			p.ws()
			p.expect(')')
			if p.peek() == '(' {
				pp.Keys = p.keyGroup()
			}
			appendSeg(path, word, pp)
			return nil
		}
		p.fail(start, "unexpected %q in a path", word)
	case c == '@':
		p.pos++
		name := "@" + p.qname("an annotation name after '@'")
		if p.peek() == '#' {
			p.pos++
			name += "#" + p.ident("an annotation qualifier after '#'")
		}
		appendSeg(path, name, nil)
		return nil
	case p.identStartAt(start):
		name := p.qname("a name")
		qualified := strings.Contains(name, ".")
		if p.peek() == '(' {
			if !qualified && (strings.EqualFold(name, "any") || strings.EqualFold(name, "all")) {
				return p.lambda(path, start, strings.EqualFold(name, "all"))
			}
			appendSeg(path, name, p.params(start, name, qualified))
			return nil
		}
		appendSeg(path, name, nil)
		return nil
	}
	p.fail(start, "expected a property, type cast, function or annotation after '/', found %s", p.found())
	return nil
}

func appendSeg(path *ast.Path, name string, pp *ast.PathParams) {
	path.Segments = append(path.Segments, name)
	if pp == nil && path.Params == nil {
		return
	}
	for len(path.Params) < len(path.Segments)-1 {
		path.Params = append(path.Params, nil)
	}
	path.Params = append(path.Params, pp)
}

// lambda parses any(v:body), any() or all(v:body) after path.
func (p *parser) lambda(path *ast.Path, start int, all bool) ast.Expr {
	p.pos++ // (
	p.enter()
	defer p.leave()
	p.ws()
	l := &ast.Lambda{Off: start, Path: path, All: all}
	if p.peek() == ')' {
		if all {
			p.fail(p.pos, "all needs a condition: all(x:x/Price gt 5)")
		}
		p.pos++
		return l
	}
	l.Var = p.ident("a lambda variable")
	p.ws()
	p.expect(':')
	p.ws()
	l.Body = p.expr()
	p.ws()
	p.expect(')')
	return l
}

// array parses a JSON array; items are JSON strings or expressions.
func (p *parser) array() ast.Expr {
	a := &ast.Array{Off: p.pos, Items: []ast.Expr{}}
	p.pos++
	p.enter()
	defer p.leave()
	p.ws()
	if p.peek() == ']' {
		p.pos++
		return a
	}
	for {
		a.Items = append(a.Items, p.jsonValue())
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
			p.ws()
			continue
		case ']':
			p.pos++
			return a
		}
		p.fail(p.pos, "expected ',' or ']' in a JSON array, found %s", p.found())
	}
}

// object parses a JSON object.
func (p *parser) object() ast.Expr {
	o := &ast.Object{Off: p.pos, Members: []ast.Member{}}
	p.pos++
	p.enter()
	defer p.leave()
	p.ws()
	if p.peek() == '}' {
		p.pos++
		return o
	}
	for {
		if p.peek() != '"' {
			p.fail(p.pos, "expected a double-quoted member name in a JSON object, found %s", p.found())
		}
		name := p.jsonString()
		p.ws()
		p.expect(':')
		p.ws()
		o.Members = append(o.Members, ast.Member{Name: name, Value: p.jsonValue()})
		p.ws()
		switch p.peek() {
		case ',':
			p.pos++
			p.ws()
			continue
		case '}':
			p.pos++
			return o
		}
		p.fail(p.pos, "expected ',' or '}' in a JSON object, found %s", p.found())
	}
}

func (p *parser) jsonValue() ast.Expr {
	if p.peek() == '"' {
		at := p.pos
		return &ast.Literal{Off: at, Kind: ast.LitString, Value: p.jsonString()}
	}
	return p.expr()
}

// jsonString parses a double-quoted JSON string with its escapes.
func (p *parser) jsonString() string {
	start := p.pos
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			p.fail(start, "unterminated JSON string (missing closing \")")
		}
		c := p.s[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String()
		case '\\':
			e := p.peekAt(p.pos + 1)
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r := p.hex4()
				if utf16.IsSurrogate(r) && p.peek() == '\\' && p.peekAt(p.pos+1) == 'u' {
					save := p.pos
					p.pos += 2
					if r2 := p.hex4(); utf16.DecodeRune(r, r2) != unicode.ReplacementChar {
						r = utf16.DecodeRune(r, r2)
					} else {
						p.pos = save
					}
				}
				if utf16.IsSurrogate(r) {
					r = unicode.ReplacementChar
				}
				b.WriteRune(r)
			default:
				p.fail(p.pos-2, "unknown escape in a JSON string")
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

func (p *parser) hex4() rune {
	if p.pos+4 > len(p.s) {
		p.fail(p.pos, "\\u needs four hex digits")
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := p.s[p.pos+i]
		if !isHex(c) {
			p.fail(p.pos, "\\u needs four hex digits")
		}
		r = r<<4 | rune(unhex(c))
	}
	p.pos += 4
	return r
}
