package mcp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

// maxAwaits bounds how many await prefixes one script may drop: each one
// costs a parse (two where it starts a statement), which is linear in the
// script's size.
const maxAwaits = 256

// parseScript parses an agent's script, accepting the founding document's
// Python-isms: a prefix `await` before an expression is dropped, and a
// `return` outside any function ends the script with its value.
//
// Both rewrites use the Starlark scanner and parser, never pattern
// matching on the text. The scanner reads `await` as a reserved word that
// no rule of the grammar accepts, so the parser stops at the first one and
// reports its position; that token is blanked (replaced by spaces, so
// every later position is unchanged) and the parse repeats (see
// dropAwait for an await that starts a statement). A word
// "await" inside a string or a comment is never a token and is never
// touched. `return` at top level parses (the resolver refuses it later),
// so it is rewritten in the syntax tree into a call of __return__, which
// records the value and stops the thread.
func parseScript(ctx context.Context, name, src string) (*syntax.File, error) {
	buf := []byte(normalizeNewlines(src))
	for range maxAwaits + 1 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f, err := fileOptions.Parse(name, buf, 0)
		if err == nil {
			f.Stmts = rewriteReturns(f.Stmts)
			return f, nil
		}
		var se syntax.Error
		if !errors.As(err, &se) {
			return nil, err
		}
		at := offset(buf, se.Pos)
		if at < 0 || !isWord(buf, at, "await") {
			return nil, err
		}
		buf = dropAwait(name, buf, at)
	}
	return nil, fmt.Errorf("%s: more than %d awaits", name, maxAwaits)
}

// dropAwait removes the await token at byte at. Blanking it is right
// inside an expression, but where it starts a logical line the blanks
// would indent the statement; there it becomes "pass;" (same width, a
// statement that does nothing). Whether the line is a logical start (not
// a continuation inside brackets, where pass is a syntax error) is the
// parser's answer: "pass;" is kept only if the parse gets past it.
func dropAwait(name string, buf []byte, at int) []byte {
	lineStart := at
	for lineStart > 0 && (buf[lineStart-1] == ' ' || buf[lineStart-1] == '\t') {
		lineStart--
	}
	if lineStart == 0 || buf[lineStart-1] == '\n' {
		stmt := append([]byte(nil), buf...)
		copy(stmt[at:], "pass;")
		_, err := fileOptions.Parse(name, stmt, 0)
		var se syntax.Error
		if err == nil || errors.As(err, &se) && offset(stmt, se.Pos) > at {
			return stmt
		}
	}
	copy(buf[at:], "     ")
	return buf
}

// normalizeNewlines turns \r\n and lone \r into \n, as the scanner reads
// them, so that byte offsets follow its line numbers.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
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
