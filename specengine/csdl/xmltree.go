package csdl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine/diag"
)

// maxDepth bounds element nesting so hostile input cannot exhaust the stack
// of the recursive builders. Real CSDL rarely exceeds 10 levels.
const maxDepth = 64

// node is one XML element with what the builders need: its namespace-resolved
// name, attributes and children with positions, and its character data.
type node struct {
	name     xml.Name
	pos      diag.Pos
	attrs    []xattr
	children []*node
	text     strings.Builder
	// textPos is where the first non-blank character data starts; it is
	// invalid when the element holds only blanks.
	textPos diag.Pos
}

type xattr struct {
	name  xml.Name
	value string
	pos   diag.Pos
}

// lineIndex turns byte offsets into file:line:column positions.
type lineIndex struct {
	file   string
	starts []int
}

func newLineIndex(file string, data []byte) *lineIndex {
	l := &lineIndex{file: file, starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			l.starts = append(l.starts, i+1)
		}
	}
	return l
}

func (l *lineIndex) pos(off int) diag.Pos {
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return diag.Pos{File: l.file, Line: i + 1, Col: off - l.starts[i] + 1}
}

// readTree decodes data into an element tree. It returns nil, after
// reporting why, when the XML is not well formed or nests too deep; the
// builders then have nothing to work on.
func readTree(lines *lineIndex, data []byte, diags *diag.List) *node {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var (
		root  *node
		stack []*node
	)
	for {
		start := int(d.InputOffset())
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			msg := err.Error()
			if errors.As(err, &se) {
				msg = se.Msg
			}
			// A misplaced end tag is best shown where it starts; other
			// errors where the decoder noticed them.
			at := int(d.InputOffset())
			if strings.Contains(msg, "closed by") || strings.HasPrefix(msg, "unexpected end element") {
				at = start
			}
			diags.Errorf(lines.pos(at), "invalid XML: %s", msg)
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, pos: lines.pos(start)}
			offs := attrOffsets(data, start, int(d.InputOffset()))
			for i, a := range t.Attr {
				p := n.pos
				if len(offs) == len(t.Attr) {
					p = lines.pos(offs[i])
				}
				n.attrs = append(n.attrs, xattr{name: a.Name, value: a.Value, pos: p})
			}
			if len(stack) == 0 {
				if root != nil {
					diags.Errorf(n.pos, "invalid XML: second root element <%s>", t.Name.Local)
					return nil
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			if len(stack) >= maxDepth {
				diags.Errorf(n.pos, "elements are nested deeper than %d levels", maxDepth)
				return nil
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) == 0 {
				if start == 0 {
					t = bytes.TrimPrefix(t, []byte("\uFEFF")) // a byte order mark
				}
				if len(bytes.TrimSpace(t)) > 0 {
					diags.Errorf(lines.pos(start+blankPrefix(t)), "invalid XML: text outside the root element")
					return nil
				}
				continue
			}
			n := stack[len(stack)-1]
			if !n.textPos.IsValid() && len(bytes.TrimSpace(t)) > 0 {
				n.textPos = lines.pos(start + blankPrefix(t))
			}
			n.text.Write(t)
		case xml.Directive:
			diags.Errorf(lines.pos(start), "invalid XML: directives such as DOCTYPE are not allowed")
			return nil
		}
	}
	if root == nil {
		diags.Errorf(lines.pos(len(data)), "invalid XML: no root element")
	}
	return root
}

// blankPrefix is the number of leading blanks in b. It approximates where
// text starts in the source, which is exact unless entities precede it.
func blankPrefix(b []byte) int {
	return len(b) - len(bytes.TrimLeft(b, " \t\r\n"))
}

// attrOffsets finds the byte offset of each attribute name in the start tag
// data[start:end]. encoding/xml reports attributes in document order but
// without positions; this scan supplies them. It returns nil if the tag does
// not look as expected, and callers then fall back to the element position.
func attrOffsets(data []byte, start, end int) []int {
	if start < 0 || end > len(data) || start >= end || data[start] != '<' {
		return nil
	}
	i := start + 1
	isSpace := func(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }
	for i < end && !isSpace(data[i]) && data[i] != '/' && data[i] != '>' {
		i++
	}
	var offs []int
	for i < end {
		for i < end && isSpace(data[i]) {
			i++
		}
		if i >= end || data[i] == '/' || data[i] == '>' {
			break
		}
		offs = append(offs, i)
		for i < end && data[i] != '=' && !isSpace(data[i]) {
			i++
		}
		for i < end && (isSpace(data[i]) || data[i] == '=') {
			i++
		}
		if i >= end || (data[i] != '"' && data[i] != '\'') {
			return nil
		}
		q := data[i]
		i++
		for i < end && data[i] != q {
			i++
		}
		i++
	}
	return offs
}
