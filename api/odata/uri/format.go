package uri

import (
	"encoding/base64"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// Format prints an expression as plain (not percent-encoded) text in
// canonical OData syntax, with the parentheses its precedence needs:
// ParseExpr(Format(e)) gives e back (offsets aside). Operators are lower
// case, doubles are written with an exponent, strings in single quotes.
func Format(e ast.Expr) string {
	w := &printer{}
	w.expr(e, 0)
	return w.b.String()
}

// FormatSearch prints a $search expression as plain text.
func FormatSearch(s ast.Search) string {
	w := &printer{}
	w.searchRoot(s)
	return w.b.String()
}

// FormatQuery prints q as a raw query string (without '?'), percent-
// encoding what must be, so that ParseQuery gives q back (offsets aside).
// Options listed in Unsupported are not printed. The gateway builds next
// links with it.
func FormatQuery(q *ast.Query) string {
	w := &printer{mode: modeQuery}
	w.query(q, nil, false)
	return w.b.String()
}

// FormatPath prints a resource path in escaped form, so that ParsePath
// gives it back. (After Parse has substituted a parameter alias whose
// value is JSON or an expression into a function parameter, the printed
// path shows that value inline, which is not path syntax.)
func FormatPath(rp *ast.ResourcePath) string {
	w := &printer{mode: modePath}
	for i := range rp.Segments {
		if i > 0 {
			w.raw("/")
		}
		w.pathSegment(&rp.Segments[i])
	}
	return w.b.String()
}

type pmode uint8

const (
	modePlain pmode = iota
	modeQuery       // inside a query option value
	modePath        // inside a path segment
)

type printer struct {
	b    strings.Builder
	mode pmode
}

const hexDigits = "0123456789ABCDEF"

func (w *printer) raw(s string) { w.b.WriteString(s) }

func (w *printer) pct(c byte) {
	w.b.WriteByte('%')
	w.b.WriteByte(hexDigits[c>>4])
	w.b.WriteByte(hexDigits[c&15])
}

// sym writes a structural character; JSON punctuation is encoded in URLs.
func (w *printer) sym(c byte) {
	if w.mode != modePlain && strings.IndexByte(`[]{}"`, c) >= 0 {
		w.pct(c)
		return
	}
	w.b.WriteByte(c)
}

func (w *printer) sp() {
	if w.mode == modePlain {
		w.b.WriteByte(' ')
		return
	}
	w.raw("%20")
}

// text writes content (names, literal bodies, words), percent-encoding in
// URLs what would be taken for structure or is not allowed plain.
func (w *printer) text(s string) { w.textExcept(s, "") }

func (w *printer) textExcept(s, also string) {
	if w.mode == modePlain {
		w.raw(s)
		return
	}
	special := "%&#+;\"[]{}\\^|<>`" + also
	if w.mode == modePath {
		special += "/?()"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			w.pct(c)
		} else {
			w.b.WriteByte(c)
		}
	}
}

func exprPrec(e ast.Expr) int {
	switch n := e.(type) {
	case *ast.Binary:
		return binPrec(n.Op)
	case *ast.Unary:
		return precUnary
	}
	return precPrimary
}

func (w *printer) expr(e ast.Expr, min int) {
	if exprPrec(e) < min {
		w.raw("(")
		w.expr(e, 0)
		w.raw(")")
		return
	}
	switch n := e.(type) {
	case *ast.Literal:
		w.literal(n)
	case *ast.Path:
		w.path(n)
	case *ast.Alias:
		w.raw("@")
		w.text(n.Name)
	case *ast.Unary:
		if n.Op == ast.OpNot {
			w.raw("not")
			w.sp()
		} else {
			w.raw("-")
			if _, lit := n.X.(*ast.Literal); lit {
				w.sp()
			}
		}
		w.expr(n.X, precUnary)
	case *ast.Binary:
		p := binPrec(n.Op)
		w.expr(n.L, p)
		w.sp()
		w.raw(n.Op.String())
		w.sp()
		if l, ok := n.R.(*ast.List); ok && n.Op == ast.OpIn {
			w.list(l)
		} else if n.Op == ast.OpIn {
			w.expr(n.R, precAdd)
		} else {
			w.expr(n.R, p+1)
		}
	case *ast.List:
		w.list(n)
	case *ast.Call:
		w.call(n)
	case *ast.Lambda:
		w.path(n.Path)
		if n.All {
			w.raw("/all(")
		} else {
			w.raw("/any(")
		}
		if n.Body != nil {
			w.text(n.Var)
			w.raw(":")
			w.expr(n.Body, 0)
		}
		w.raw(")")
	case *ast.TypeName:
		if n.Collection {
			w.raw("Collection(")
			w.text(n.Name)
			w.raw(")")
		} else {
			w.text(n.Name)
		}
	case *ast.Array:
		w.sym('[')
		for i, it := range n.Items {
			if i > 0 {
				w.raw(",")
			}
			w.expr(it, 0)
		}
		w.sym(']')
	case *ast.Object:
		w.sym('{')
		for i, m := range n.Members {
			if i > 0 {
				w.raw(",")
			}
			w.jsonString(m.Name)
			w.raw(":")
			w.expr(m.Value, 0)
		}
		w.sym('}')
	}
}

func (w *printer) list(l *ast.List) {
	w.raw("(")
	for i, it := range l.Items {
		if i > 0 {
			w.raw(",")
		}
		w.expr(it, 0)
	}
	w.raw(")")
}

func (w *printer) call(c *ast.Call) {
	name := c.Name
	if name == "matchespattern" && c.ArgNames == nil {
		name = "matchesPattern"
	}
	w.text(name)
	w.raw("(")
	for i, a := range c.Args {
		switch {
		case i == 0:
		case c.Name == "case" && c.ArgNames == nil && i%2 == 1:
			w.raw(":")
		default:
			w.raw(",")
		}
		if c.ArgNames != nil {
			w.text(c.ArgNames[i])
			w.raw("=")
		}
		w.expr(a, 0)
	}
	w.raw(")")
}

func (w *printer) path(n *ast.Path) {
	for i, seg := range n.Segments {
		if i > 0 {
			w.raw("/")
		}
		var pp *ast.PathParams
		if i < len(n.Params) {
			pp = n.Params[i]
		}
		switch {
		case pp != nil && seg == "$filter":
			w.raw("$filter(")
			w.expr(pp.Filter, 0)
			w.raw(")")
		case pp != nil && seg == "$count" && pp.Options != nil:
			w.raw("$count(")
			w.query(pp.Options, nil, true)
			w.raw(")")
		default:
			w.text(seg)
		}
		if pp == nil {
			continue
		}
		if pp.Call {
			w.raw("(")
			for j, a := range pp.Args {
				if j > 0 {
					w.raw(",")
				}
				w.text(pp.ArgNames[j])
				w.raw("=")
				w.expr(a, 0)
			}
			w.raw(")")
		}
		if pp.Keys != nil {
			w.keys(pp.Keys)
		}
	}
}

func (w *printer) keys(ks []ast.KeyValue) {
	w.raw("(")
	for i, k := range ks {
		if i > 0 {
			w.raw(",")
		}
		if k.Name != "" {
			w.text(k.Name)
			w.raw("=")
		}
		if k.Value != nil {
			w.literal(k.Value)
		} else {
			w.raw("@")
			w.text(k.Alias)
		}
	}
	w.raw(")")
}

func (w *printer) literal(l *ast.Literal) {
	switch l.Kind {
	case ast.LitNull:
		w.raw("null")
	case ast.LitBool:
		if l.Value.(bool) {
			w.raw("true")
		} else {
			w.raw("false")
		}
	case ast.LitInt:
		w.raw(strconv.FormatInt(l.Value.(int64), 10))
	case ast.LitDouble:
		w.text(formatDouble(l.Value.(float64)))
	case ast.LitString:
		w.raw("'")
		w.text(strings.ReplaceAll(l.Value.(string), "'", "''"))
		w.raw("'")
	case ast.LitDuration:
		w.raw("duration'")
		w.text(l.Value.(string))
		w.raw("'")
	case ast.LitBinary:
		w.raw("binary'")
		w.text(base64.RawURLEncoding.EncodeToString(l.Value.([]byte)))
		w.raw("'")
	case ast.LitEnum:
		ev := l.Value.(ast.EnumValue)
		w.text(ev.Type)
		w.raw("'")
		w.text(strings.Join(ev.Members, ","))
		w.raw("'")
	default: // decimal, date, time, guid, geo: the text
		w.text(l.Value.(string))
	}
}

func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	return strings.Replace(strconv.FormatFloat(f, 'e', -1, 64), "e+", "e", 1)
}

func (w *printer) jsonString(s string) {
	w.sym('"')
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		default:
			b.WriteByte(c)
		}
	}
	w.text(b.String())
	w.sym('"')
}

// Search precedence: OR < AND < NOT < term.
func searchPrec(s ast.Search) int {
	switch s.(type) {
	case *ast.SearchOr:
		return 1
	case *ast.SearchAnd:
		return 2
	case *ast.SearchNot:
		return 3
	}
	return 4
}

// searchRoot prints a whole $search value: a phrase that cannot be
// written in double quotes is written in single quotes, which is only
// allowed for the whole value.
func (w *printer) searchRoot(s ast.Search) {
	if t, ok := s.(*ast.SearchTerm); ok && t.Phrase && (t.Text == "" || strings.Contains(t.Text, `"`)) {
		w.raw("'")
		w.text(strings.ReplaceAll(t.Text, "'", "''"))
		w.raw("'")
		return
	}
	w.search(s, 0)
}

func (w *printer) search(s ast.Search, min int) {
	if searchPrec(s) < min {
		w.raw("(")
		w.search(s, 0)
		w.raw(")")
		return
	}
	switch n := s.(type) {
	case *ast.SearchTerm:
		switch {
		case n.Phrase:
			w.sym('"')
			w.text(n.Text)
			w.sym('"')
		case n.Text == "AND" || n.Text == "OR" || n.Text == "NOT":
			w.raw("(" + n.Text + ")")
		default:
			w.text(n.Text)
		}
	case *ast.SearchNot:
		w.raw("NOT")
		w.sp()
		w.search(n.X, 3)
	case *ast.SearchAnd:
		w.search(n.L, 2)
		w.sp()
		w.raw("AND")
		w.sp()
		w.search(n.R, 3)
	case *ast.SearchOr:
		w.search(n.L, 1)
		w.sp()
		w.raw("OR")
		w.sp()
		w.search(n.R, 2)
	}
}

// query prints options; nested ones are separated by ';' and include
// $levels of item.
func (w *printer) query(q *ast.Query, item *ast.ExpandItem, nested bool) {
	n := 0
	opt := func(name string) {
		if n > 0 {
			if nested {
				w.raw(";")
			} else {
				w.raw("&")
			}
		}
		n++
		w.raw(name)
		w.raw("=")
	}
	if q.Filter != nil {
		opt("$filter")
		w.expr(q.Filter, 0)
	}
	if q.Search != nil {
		opt("$search")
		w.searchRoot(q.Search)
	}
	if len(q.OrderBy) > 0 {
		opt("$orderby")
		for i, it := range q.OrderBy {
			if i > 0 {
				w.raw(",")
			}
			w.expr(it.Expr, 0)
			if it.Desc {
				w.sp()
				w.raw("desc")
			}
		}
	}
	if q.Top != nil {
		opt("$top")
		w.raw(strconv.FormatInt(*q.Top, 10))
	}
	if q.Skip != nil {
		opt("$skip")
		w.raw(strconv.FormatInt(*q.Skip, 10))
	}
	if q.Count != nil {
		opt("$count")
		w.raw(strconv.FormatBool(*q.Count))
	}
	if len(q.Select) > 0 {
		opt("$select")
		for i := range q.Select {
			if i > 0 {
				w.raw(",")
			}
			w.selectItem(&q.Select[i])
		}
	}
	if len(q.Expand) > 0 {
		opt("$expand")
		for i := range q.Expand {
			if i > 0 {
				w.raw(",")
			}
			w.expandItem(&q.Expand[i])
		}
	}
	if item != nil && item.Levels != 0 {
		opt("$levels")
		if item.Levels < 0 {
			w.raw("max")
		} else {
			w.raw(strconv.Itoa(item.Levels))
		}
	}
	if q.SkipToken != "" {
		opt("$skiptoken")
		w.text(q.SkipToken)
	}
	if q.Format != "" {
		opt("$format")
		w.text(q.Format)
	}
	for _, name := range sortedKeys(q.Aliases) {
		opt("@" + name)
		w.expr(q.Aliases[name], 0)
	}
	if !nested {
		for _, name := range sortedKeys(q.Custom) {
			if n > 0 {
				w.raw("&")
			}
			n++
			w.textExcept(name, "=")
			if v := q.Custom[name]; v != "" {
				w.raw("=")
				w.text(v)
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// printable reports whether nested options have anything FormatQuery
// prints.
func printable(q *ast.Query, item *ast.ExpandItem) bool {
	if item != nil && item.Levels != 0 {
		return true
	}
	return q != nil && (q.Filter != nil || q.Search != nil || len(q.OrderBy) > 0 || q.Top != nil ||
		q.Skip != nil || q.Count != nil || len(q.Select) > 0 || len(q.Expand) > 0 || len(q.Aliases) > 0)
}

func (w *printer) selectItem(s *ast.SelectItem) {
	if s.Star {
		if len(s.Path) > 0 {
			w.text(s.Path[0])
			w.raw(".")
		}
		w.raw("*")
		return
	}
	for i, seg := range s.Path {
		if i > 0 {
			w.raw("/")
		}
		w.text(seg)
	}
	switch {
	case printable(s.Options, nil):
		w.raw("(")
		w.query(s.Options, nil, true)
		w.raw(")")
	case s.ParamNames != nil:
		w.raw("(")
		for i, n := range s.ParamNames {
			if i > 0 {
				w.raw(",")
			}
			w.text(n)
		}
		w.raw(")")
	}
}

func (w *printer) expandItem(e *ast.ExpandItem) {
	for i, seg := range e.Path {
		if i > 0 {
			w.raw("/")
		}
		w.text(seg)
	}
	switch {
	case e.Ref:
		w.raw("/$ref")
	case e.Count:
		w.raw("/$count")
	}
	if printable(e.Options, e) {
		w.raw("(")
		w.query(e.Options, e, true)
		w.raw(")")
	}
}

func (w *printer) pathSegment(s *ast.Segment) {
	switch s.Kind {
	case ast.SegCount:
		w.raw("$count")
	case ast.SegValue:
		w.raw("$value")
	case ast.SegRef:
		w.raw("$ref")
	case ast.SegMetadata:
		w.raw("$metadata")
	case ast.SegBatch:
		w.raw("$batch")
	case ast.SegEntity:
		w.raw("$entity")
	case ast.SegAll:
		w.raw("$all")
	case ast.SegEach:
		w.raw("$each")
	case ast.SegQuery:
		w.raw("$query")
	case ast.SegCrossjoin:
		w.raw("$crossjoin(")
		for i, n := range s.Names {
			if i > 0 {
				w.raw(",")
			}
			w.text(n)
		}
		w.raw(")")
	case ast.SegFilter:
		w.raw("$filter(")
		w.expr(s.Filter, 0)
		w.raw(")")
	default:
		w.text(s.Name)
		if s.Kind == ast.SegOperation && s.Args != nil {
			w.raw("(")
			for i, n := range sortedKeys(s.Args) {
				if i > 0 {
					w.raw(",")
				}
				w.text(n)
				w.raw("=")
				w.expr(s.Args[n], 0)
			}
			w.raw(")")
		}
	}
	if len(s.Keys) > 0 {
		w.keys(s.Keys)
	}
}
