package expr

import (
	"fmt"
	"strings"
)

// tokKind is the kind of a lexical token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tString
	tLParen
	tRParen
	tLBrack
	tRBrack
	tComma
	tDot
	tNot     // !
	tAnd     // &&
	tOr      // ||
	tImplies // =>
	tEq      // ==
	tNe      // !=
	tLt
	tLe
	tGt
	tGe
	tAssign // =
	tAddAsg // +=
	tSubAsg // -=
	tMinus  // - (only before an integer)
)

var tokNames = map[tokKind]string{
	tEOF: "end of input", tIdent: "name", tInt: "integer", tString: "string",
	tLParen: "'('", tRParen: "')'", tLBrack: "'['", tRBrack: "']'", tComma: "','", tDot: "'.'",
	tNot: "'!'", tAnd: "'&&'", tOr: "'||'", tImplies: "'=>'", tEq: "'=='", tNe: "'!='",
	tLt: "'<'", tLe: "'<='", tGt: "'>'", tGe: "'>='", tAssign: "'='", tAddAsg: "'+='", tSubAsg: "'-='",
	tMinus: "'-'",
}

func (k tokKind) String() string { return tokNames[k] }

type token struct {
	kind tokKind
	off  int    // byte offset in the source
	text string // identifier name, decoded string, or integer digits
}

// Error is a syntax or type error at a byte offset of the expression
// source. The spec reader turns the offset into file:line:column.
type Error struct {
	Off int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// lex splits src into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tIdent, off: i, text: src[i:j]})
			i = j
			continue
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
				j++
			}
			if j < len(src) && isIdentStart(src[j]) {
				return nil, &Error{Off: j, Msg: fmt.Sprintf("unexpected %q after number", src[j])}
			}
			toks = append(toks, token{kind: tInt, off: i, text: strings.ReplaceAll(src[i:j], "_", "")})
			i = j
			continue
		case c == '\'':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(src) {
				if src[j] == '\\' && j+1 < len(src) && (src[j+1] == '\'' || src[j+1] == '\\') {
					b.WriteByte(src[j+1])
					j += 2
					continue
				}
				if src[j] == '\'' {
					closed = true
					j++
					break
				}
				b.WriteByte(src[j])
				j++
			}
			if !closed {
				return nil, &Error{Off: i, Msg: "unterminated string (strings use single quotes: 'text')"}
			}
			toks = append(toks, token{kind: tString, off: i, text: b.String()})
			i = j
			continue
		case c == '"':
			return nil, &Error{Off: i, Msg: "strings use single quotes inside a spec expression: 'text'"}
		}
		two := ""
		if i+1 < len(src) {
			two = src[i : i+2]
		}
		k, n := tEOF, 0
		switch two {
		case "&&":
			k, n = tAnd, 2
		case "||":
			k, n = tOr, 2
		case "=>":
			k, n = tImplies, 2
		case "==":
			k, n = tEq, 2
		case "!=":
			k, n = tNe, 2
		case "<=":
			k, n = tLe, 2
		case ">=":
			k, n = tGe, 2
		case "+=":
			k, n = tAddAsg, 2
		case "-=":
			k, n = tSubAsg, 2
		}
		if n == 0 {
			switch c {
			case '(':
				k, n = tLParen, 1
			case ')':
				k, n = tRParen, 1
			case '[':
				k, n = tLBrack, 1
			case ']':
				k, n = tRBrack, 1
			case ',':
				k, n = tComma, 1
			case '.':
				k, n = tDot, 1
			case '!':
				k, n = tNot, 1
			case '<':
				k, n = tLt, 1
			case '>':
				k, n = tGt, 1
			case '=':
				k, n = tAssign, 1
			case '-':
				k, n = tMinus, 1
			case '&':
				return nil, &Error{Off: i, Msg: "unexpected '&' (logical and is '&&')"}
			case '|':
				return nil, &Error{Off: i, Msg: "unexpected '|' (logical or is '||')"}
			default:
				return nil, &Error{Off: i, Msg: fmt.Sprintf("unexpected character %q", c)}
			}
		}
		toks = append(toks, token{kind: k, off: i})
		i += n
	}
	toks = append(toks, token{kind: tEOF, off: len(src)})
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }
