package mcp

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"go.starlark.net/syntax"
)

// fileOptions are the dialect scripts are written in: Starlark with
// while loops, if/for/while at top level, reassignable globals and sets,
// so an agent's Python-like snippet runs as written.
var fileOptions = syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true}

// returnBuiltin is the predeclared function a top-level return becomes.
const returnBuiltin = "__return__"

// maxAwaits bounds how many await prefixes one script may drop (each one
// costs a parse).
const maxAwaits = 2000

// parseScript parses an agent's script, accepting the founding document's
// Python-isms: a prefix `await` before an expression is dropped, and a
// `return` outside any function ends the script with its value.
//
// Both rewrites use the Starlark parser itself, never pattern matching on
// the text. `await x` does not parse (an identifier followed by an
// expression), and the parser reports the error at the token after await;
// the await is dropped only when blanking that word (replaced by spaces,
// so every position in later errors is still right) makes the parse get
// further. A word "await" inside a string or a comment cannot pass that
// test, since blanking it leaves the token stream unchanged. `return` at
// top level parses (the resolver refuses it later), so it is rewritten in
// the syntax tree into a call of __return__, which records the value and
// stops the thread.
func parseScript(name, src string) (*syntax.File, error) {
	src = normalizeNewlines(src)
	buf := []byte(src)
	f, err := fileOptions.Parse(name, buf, 0)
	for range maxAwaits {
		if err == nil {
			break
		}
		var se syntax.Error
		if !errors.As(err, &se) {
			return nil, err
		}
		fixed, ok := dropAwait(name, buf, se.Pos)
		if !ok {
			return nil, err
		}
		buf = fixed
		f, err = fileOptions.Parse(name, buf, 0)
	}
	if err != nil {
		return nil, err
	}
	f.Stmts = rewriteReturns(f.Stmts)
	return f, nil
}

// normalizeNewlines turns \r\n and lone \r into \n, as the scanner reads
// them, so that byte offsets follow its line numbers.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// dropAwait blanks the word "await" nearest before the parse error at
// pos whose removal lets the parser get past pos; it tries the few
// nearest candidates (a comment between an await and its operand may hold
// the word too).
func dropAwait(name string, src []byte, pos syntax.Position) ([]byte, bool) {
	at := offset(src, pos)
	if at < 0 {
		return nil, false
	}
	tries := 0
	for i := at - len("await"); i >= 0 && tries < 8; i-- {
		if !isWord(src, i, "await") {
			continue
		}
		tries++
		next := append([]byte(nil), src...)
		copy(next[i:], "     ")
		_, err := fileOptions.Parse(name, next, 0)
		var se syntax.Error
		if err == nil || errors.As(err, &se) && offset(next, se.Pos) > at {
			return next, true
		}
	}
	return nil, false
}

// isWord reports whether src holds the identifier w at i, not part of a
// longer name.
func isWord(src []byte, i int, w string) bool {
	if i+len(w) > len(src) || string(src[i:i+len(w)]) != w {
		return false
	}
	if i > 0 && identByte(src[i-1]) {
		return false
	}
	return i+len(w) == len(src) || !identByte(src[i+len(w)])
}

func identByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= utf8.RuneSelf
}

// offset converts a scanner position (1-based line, 1-based rune column)
// to a byte offset in src; -1 if it is not in src.
func offset(src []byte, pos syntax.Position) int {
	if pos.Line < 1 || pos.Col < 1 {
		return -1
	}
	i := 0
	for line := int32(1); line < pos.Line; line++ {
		nl := bytes.IndexByte(src[i:], '\n')
		if nl < 0 {
			return -1
		}
		i += nl + 1
	}
	for col := int32(1); col < pos.Col; col++ {
		if i >= len(src) || src[i] == '\n' {
			return i
		}
		_, size := utf8.DecodeRune(src[i:])
		i += size
	}
	return i
}

// rewriteReturns replaces each return outside a function (at top level,
// or in top-level if/for/while bodies) by a call of __return__ with its
// value. Functions keep their returns.
func rewriteReturns(stmts []syntax.Stmt) []syntax.Stmt {
	for i, s := range stmts {
		switch s := s.(type) {
		case *syntax.ReturnStmt:
			fn := &syntax.Ident{NamePos: s.Return, Name: returnBuiltin}
			call := &syntax.CallExpr{Fn: fn, Lparen: s.Return, Rparen: s.Return}
			if s.Result != nil {
				call.Args = []syntax.Expr{s.Result}
				_, call.Rparen = s.Result.Span()
			}
			stmts[i] = &syntax.ExprStmt{X: call}
		case *syntax.IfStmt:
			s.True = rewriteReturns(s.True)
			s.False = rewriteReturns(s.False)
		case *syntax.ForStmt:
			s.Body = rewriteReturns(s.Body)
		case *syntax.WhileStmt:
			s.Body = rewriteReturns(s.Body)
		}
	}
	return stmts
}
