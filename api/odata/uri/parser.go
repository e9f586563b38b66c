package uri

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parser is a scannerless recursive-descent parser over one decoded
// option value or path segment. Errors abort the parse by panicking with
// a bailout, recovered at the package's entry points (catch); nothing
// else panics through it.
type parser struct {
	t      text
	s      string // t.s
	pos    int
	option string // for errors
	base   int    // offset of t in the escaped path (path mode)
	rawOff bool   // report offsets in the escaped text (path) rather than the decoded one
	path   bool   // a plain '/' may not appear inside string literals (it would end the segment)
	depth  int
	// aliases is set when an alias is defined anywhere, so that the
	// substitution pass can be skipped when none is.
	aliases *bool
}

type bailout struct{ err *SyntaxError }

func newParser(t text, option string) *parser {
	return &parser{t: t, s: t.s, option: option}
}

// fail aborts the parse with a SyntaxError at offset off of the input.
func (p *parser) fail(off int, format string, args ...any) {
	panic(bailout{p.errAt(off, fmt.Sprintf(format, args...))})
}

func (p *parser) errAt(off int, msg string) *SyntaxError {
	if p.rawOff {
		off = p.base + p.t.rawOffset(off)
	}
	return &SyntaxError{Option: p.option, Offset: off, Msg: msg}
}

// catch turns a bailout into the returned error.
func catch(err *error) {
	if r := recover(); r != nil {
		b, ok := r.(bailout)
		if !ok {
			panic(r)
		}
		*err = b.err
	}
}

func (p *parser) enter() {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(p.pos, "nesting deeper than %d levels", MaxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) eof() bool { return p.pos >= len(p.s) }

func (p *parser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *parser) peekAt(i int) byte {
	if i < len(p.s) {
		return p.s[i]
	}
	return 0
}

// found describes what is at pos, for error messages.
func (p *parser) found() string {
	if p.eof() {
		return "the end"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return fmt.Sprintf("%q", r)
}

func (p *parser) expect(c byte) {
	if p.peek() != c {
		p.fail(p.pos, "expected %q, found %s", c, p.found())
	}
	p.pos++
}

func (p *parser) expectEnd() {
	if !p.eof() {
		if isWS(p.peek()) {
			p.fail(p.pos, "unexpected whitespace")
		}
		p.fail(p.pos, "unexpected %s", p.found())
	}
}

func isWS(c byte) bool { return c == ' ' || c == '\t' }

// ws skips blanks (SP, HTAB; %20 and %09 decode to them) and returns how
// many there were.
func (p *parser) ws() int {
	n := 0
	for p.pos < len(p.s) && isWS(p.s[p.pos]) {
		p.pos++
		n++
	}
	return n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isASCIILetter(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }

// identStartAt reports whether an identifier starts at i: a letter
// (Unicode L or Nl) or '_'.
func (p *parser) identStartAt(i int) bool {
	if i >= len(p.s) {
		return false
	}
	c := p.s[i]
	if c < utf8.RuneSelf {
		return isASCIILetter(c) || c == '_'
	}
	r, _ := utf8.DecodeRuneInString(p.s[i:])
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
}

// identCharAt returns the width of an identifier character at i, or 0.
func (p *parser) identCharAt(i int) int {
	if i >= len(p.s) {
		return 0
	}
	c := p.s[i]
	if c < utf8.RuneSelf {
		if isASCIILetter(c) || c == '_' || isDigit(c) {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(p.s[i:])
	if unicode.IsLetter(r) || unicode.In(r, unicode.Nl, unicode.Nd, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Cf) {
		return n
	}
	return 0
}

// identEnd returns the end of the identifier starting at i, or i.
func (p *parser) identEnd(i int) int {
	if !p.identStartAt(i) {
		return i
	}
	j, chars := i, 0
	for {
		n := p.identCharAt(j)
		if n == 0 {
			break
		}
		j += n
		chars++
	}
	if chars > 128 {
		p.fail(i, "identifier longer than 128 characters")
	}
	return j
}

// qnameEnd returns the end of an identifier or a dot-qualified name
// starting at i (a trailing '.' not followed by an identifier is not
// part of it), or i.
func (p *parser) qnameEnd(i int) int {
	j := p.identEnd(i)
	if j == i {
		return i
	}
	for p.peekAt(j) == '.' && p.identStartAt(j+1) {
		j = p.identEnd(j + 1)
	}
	return j
}

// ident parses an identifier or fails.
func (p *parser) ident(what string) string {
	end := p.identEnd(p.pos)
	if end == p.pos {
		p.fail(p.pos, "expected %s, found %s", what, p.found())
	}
	s := p.s[p.pos:end]
	p.pos = end
	return s
}

// qname parses an identifier or a qualified name or fails.
func (p *parser) qname(what string) string {
	end := p.qnameEnd(p.pos)
	if end == p.pos {
		p.fail(p.pos, "expected %s, found %s", what, p.found())
	}
	s := p.s[p.pos:end]
	p.pos = end
	return s
}

// wordAt returns the run of ASCII letters at i.
func (p *parser) wordAt(i int) string {
	j := i
	for j < len(p.s) && isASCIILetter(p.s[j]) {
		j++
	}
	return p.s[i:j]
}

// keyword reports whether the ASCII word w (compared case-insensitively
// when fold) stands at pos as a whole word, and consumes it if so.
func (p *parser) keyword(w string, fold bool) bool {
	end := p.pos + len(w)
	if end > len(p.s) {
		return false
	}
	got := p.s[p.pos:end]
	if got != w && !(fold && strings.EqualFold(got, w)) {
		return false
	}
	if p.identCharAt(end) != 0 {
		return false
	}
	p.pos = end
	return true
}

// digits parses 1*DIGIT.
func (p *parser) digits(what string) string {
	start := p.pos
	for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		p.fail(p.pos, "expected %s, found %s", what, p.found())
	}
	return p.s[start:p.pos]
}
