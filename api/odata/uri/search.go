package uri

import (
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// search parses a $search value: terms ("phrases" and words), NOT, AND
// (explicit or implied by whitespace) and OR, loosest to tightest OR <
// AND < NOT, and parentheses. AND, OR and NOT are operators only where an
// operand follows them (case-sensitive); elsewhere they are words
// ($search=AND OR searches for the words AND and OR). A value in single
// quotes is taken verbatim as one phrase (the 4.01 form for input that is
// not a well-formed expression). Nested in $expand options a plain ';'
// ends the value; a word may contain ';' written %3B.
func (p *parser) search() ast.Search {
	p.ws()
	if p.peek() == '\'' {
		return &ast.SearchTerm{Text: p.quoted("$search"), Phrase: true}
	}
	return p.searchOr()
}

func (p *parser) searchOr() ast.Search {
	l := p.searchAnd()
	for {
		save := p.pos
		if p.ws() > 0 {
			if r, ok := p.searchOperator("OR"); ok {
				p.pos = r
				l = &ast.SearchOr{L: l, R: p.searchAnd()}
				continue
			}
		}
		p.pos = save
		return l
	}
}

func (p *parser) searchAnd() ast.Search {
	l := p.searchUnary()
	for {
		save := p.pos
		if p.ws() == 0 {
			p.pos = save
			return l
		}
		if r, ok := p.searchOperator("AND"); ok {
			p.pos = r
			l = &ast.SearchAnd{L: l, R: p.searchUnary()}
			continue
		}
		if _, ok := p.searchOperator("OR"); ok {
			p.pos = save
			return l
		}
		if p.searchOperandAt(p.pos) {
			l = &ast.SearchAnd{L: l, R: p.searchUnary()}
			continue
		}
		p.pos = save
		return l
	}
}

func (p *parser) searchUnary() ast.Search {
	if r, ok := p.searchOperator("NOT"); ok {
		p.pos = r
		p.enter()
		x := p.searchUnary()
		p.leave()
		return &ast.SearchNot{X: x}
	}
	return p.searchPrimary()
}

// searchOperator reports whether the operator word op stands at pos,
// followed by whitespace and an operand, and returns where the operand
// starts.
func (p *parser) searchOperator(op string) (int, bool) {
	if !strings.HasPrefix(p.s[p.pos:], op) || !isWS(p.peekAt(p.pos+len(op))) {
		return 0, false
	}
	r := p.pos + len(op)
	for r < len(p.s) && isWS(p.s[r]) {
		r++
	}
	return r, p.searchOperandAt(r)
}

// searchOperandAt reports whether a search operand can start at i.
func (p *parser) searchOperandAt(i int) bool {
	if i >= len(p.s) {
		return false
	}
	switch p.s[i] {
	case '(', '"':
		return true
	case ')', '\'', ' ', '\t':
		return false
	case ';':
		return p.t.escaped(i)
	}
	return true
}

func (p *parser) searchPrimary() ast.Search {
	start := p.pos
	switch p.peek() {
	case '(':
		p.pos++
		p.enter()
		p.ws()
		e := p.searchOr()
		p.ws()
		p.expect(')')
		p.leave()
		return e
	case '"':
		i := strings.IndexByte(p.s[start+1:], '"')
		if i < 0 {
			p.fail(start, "unterminated phrase (missing closing \")")
		}
		if i == 0 {
			p.fail(start, "empty phrase")
		}
		p.pos = start + i + 2
		return &ast.SearchTerm{Text: p.s[start+1 : start+1+i], Phrase: true}
	}
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if isWS(c) || c == '(' || c == ')' || c == '"' || (c == ';' && !p.t.escaped(p.pos)) {
			break
		}
		p.pos++
	}
	if p.pos == start || p.s[start] == '\'' {
		p.pos = start
		if p.peek() == ';' {
			p.fail(start, "a ';' in a search word must be percent-encoded as %%3B")
		}
		p.fail(start, "expected a search term, found %s", p.found())
	}
	return &ast.SearchTerm{Text: p.s[start:p.pos]}
}
