package uri

import (
	"strings"
	"unicode/utf8"
)

// text is a percent-decoded string that remembers, byte by byte, whether
// the byte was written percent-encoded and where it was in the escaped
// text. The OData grammar treats most encoded characters like the plain
// ones, with a few exceptions the parser needs to see: a plain '/' inside
// a key literal of the path (it would have ended the segment) and a plain
// ';' inside a nested $search word (it separates options).
type text struct {
	s   string
	esc []bool // esc[i]: s[i] was written %XX; nil when nothing was
	raw []int  // raw[i]: offset of s[i] in the escaped text, raw[len(s)] its length; nil when equal
}

// escaped reports whether s[i] was percent-encoded.
func (t *text) escaped(i int) bool { return t.esc != nil && i < len(t.esc) && t.esc[i] }

// rawOffset maps an offset in s to the escaped text.
func (t *text) rawOffset(i int) int {
	if t.raw == nil {
		return i
	}
	if i < 0 {
		return 0
	}
	if i >= len(t.raw) {
		return t.raw[len(t.raw)-1]
	}
	return t.raw[i]
}

// decodeError is a malformed escape or invalid UTF-8; off is in the
// escaped text.
type decodeError struct {
	off int
	msg string
}

// decode percent-decodes escaped. '+' stays '+'. The result must be valid
// UTF-8.
func decode(escaped string) (text, *decodeError) {
	if strings.IndexByte(escaped, '%') < 0 {
		if !utf8.ValidString(escaped) {
			return text{}, &decodeError{invalidUTF8(escaped), "invalid UTF-8"}
		}
		return text{s: escaped}, nil
	}
	var b strings.Builder
	b.Grow(len(escaped))
	esc := make([]bool, 0, len(escaped))
	raw := make([]int, 0, len(escaped)+1)
	for i := 0; i < len(escaped); i++ {
		c := escaped[i]
		if c != '%' {
			b.WriteByte(c)
			esc = append(esc, false)
			raw = append(raw, i)
			continue
		}
		if i+2 >= len(escaped) || !isHex(escaped[i+1]) || !isHex(escaped[i+2]) {
			return text{}, &decodeError{i, "malformed percent-encoding (a '%' must be followed by two hex digits)"}
		}
		b.WriteByte(unhex(escaped[i+1])<<4 | unhex(escaped[i+2]))
		esc = append(esc, true)
		raw = append(raw, i)
		i += 2
	}
	raw = append(raw, len(escaped))
	t := text{s: b.String(), esc: esc, raw: raw}
	if !utf8.ValidString(t.s) {
		return text{}, &decodeError{t.rawOffset(invalidUTF8(t.s)), "invalid UTF-8 after percent-decoding"}
	}
	return t, nil
}

func invalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
