package uri

import (
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// literal parses a primitive literal at pos. It returns nil and leaves
// pos alone when no literal starts there, and fails when one starts but
// is malformed ('abc, 2012-13-01, binary'!!').
func (p *parser) literal() *ast.Literal {
	start := p.pos
	c := p.peek()
	switch {
	case c == '\'':
		return &ast.Literal{Off: start, Kind: ast.LitString, Value: p.quoted("string")}
	case isDigit(c):
		return p.numberish()
	case c == '-' || c == '+':
		if isDigit(p.peekAt(start + 1)) {
			return p.numberish()
		}
		if c == '-' && strings.HasPrefix(p.s[start:], "-INF") && p.identCharAt(start+4) == 0 {
			p.pos += 4
			return &ast.Literal{Off: start, Kind: ast.LitDouble, Value: math.Inf(-1)}
		}
		return nil
	case !p.identStartAt(start):
		return nil
	}
	if p.guidAt(start) {
		p.pos += 36
		return &ast.Literal{Off: start, Kind: ast.LitGuid, Value: p.s[start:p.pos]}
	}
	end := p.qnameEnd(start)
	word := p.s[start:end]
	if p.peekAt(end) != '\'' {
		var lit *ast.Literal
		switch {
		case word == "null":
			lit = &ast.Literal{Off: start, Kind: ast.LitNull}
		case strings.EqualFold(word, "true"):
			lit = &ast.Literal{Off: start, Kind: ast.LitBool, Value: true}
		case strings.EqualFold(word, "false"):
			lit = &ast.Literal{Off: start, Kind: ast.LitBool, Value: false}
		case word == "INF":
			lit = &ast.Literal{Off: start, Kind: ast.LitDouble, Value: math.Inf(1)}
		case word == "NaN":
			lit = &ast.Literal{Off: start, Kind: ast.LitDouble, Value: math.NaN()}
		default:
			return nil
		}
		p.pos = end
		return lit
	}
	p.pos = end
	switch strings.ToLower(word) {
	case "binary":
		return p.binaryLit(start)
	case "duration":
		body, bodyOff := p.quotedRaw("duration")
		d, ok := durationValue(body)
		if !ok {
			p.fail(bodyOff, "malformed duration %q (expected [-]PnDTnHnMn.nS)", body)
		}
		return &ast.Literal{Off: start, Kind: ast.LitDuration, Value: d}
	case "geography", "geometry":
		body, bodyOff := p.quotedRaw(word)
		if msg, at := checkGeo(body, p.depth); msg != "" {
			p.fail(bodyOff+at, "malformed %s literal: %s", strings.ToLower(word), msg)
		}
		return &ast.Literal{Off: start, Kind: ast.LitGeo, Value: strings.ToLower(word) + "'" + body + "'"}
	}
	if !strings.Contains(word, ".") {
		p.pos = start
		return nil // X'...' is not a literal; the caller reports it
	}
	return p.enum(start, word)
}

// quoted parses a single-quoted string with ” escapes and returns its
// value. In the path a plain '/' may not appear inside: it would have
// ended the segment, so it must be written %2F.
func (p *parser) quoted(what string) string {
	start := p.pos
	p.pos++ // '
	var b strings.Builder
	from := p.pos
	for {
		i := strings.IndexByte(p.s[p.pos:], '\'')
		if i < 0 {
			p.fail(start, "unterminated %s literal (missing closing ')", what)
		}
		p.checkSlash(p.pos, p.pos+i)
		p.pos += i + 1
		if p.peek() != '\'' {
			break
		}
		b.WriteString(p.s[from:p.pos])
		p.pos++
		from = p.pos
	}
	if b.Len() == 0 {
		return p.s[from : p.pos-1]
	}
	b.WriteString(p.s[from : p.pos-1])
	return b.String()
}

// quotedRaw parses '...' without escapes (binary, duration, geo bodies)
// and returns the body and its offset.
func (p *parser) quotedRaw(what string) (string, int) {
	start := p.pos
	p.pos++
	i := strings.IndexByte(p.s[p.pos:], '\'')
	if i < 0 {
		p.fail(start, "unterminated %s literal (missing closing ')", what)
	}
	p.checkSlash(p.pos, p.pos+i)
	body := p.s[p.pos : p.pos+i]
	p.pos += i + 1
	return body, start + 1
}

func (p *parser) checkSlash(from, to int) {
	if !p.path {
		return
	}
	for j := from; j < to; j++ {
		if p.s[j] == '/' && !p.t.escaped(j) {
			p.fail(j, "a '/' inside a literal in the path must be percent-encoded as %%2F")
		}
	}
}

func (p *parser) guidAt(i int) bool {
	if i+36 > len(p.s) {
		return false
	}
	for k := 0; k < 36; k++ {
		c := p.s[i+k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return p.identCharAt(i+36) == 0
}

// numberish parses what starts with a digit or a sign and a digit: a
// GUID, date, DateTimeOffset, TimeOfDay or number.
func (p *parser) numberish() *ast.Literal {
	start := p.pos
	sign := byte(0)
	if c := p.peek(); c == '-' || c == '+' {
		sign = c
	}
	if sign == 0 && p.guidAt(start) {
		p.pos += 36
		return &ast.Literal{Off: start, Kind: ast.LitGuid, Value: p.s[start:p.pos]}
	}
	i := start
	if sign != 0 {
		i++
	}
	j := i
	for j < len(p.s) && isDigit(p.s[j]) {
		j++
	}
	nd := j - i
	switch {
	case sign != '+' && nd >= 4 && p.peekAt(j) == '-' && isDigit(p.peekAt(j+1)):
		return p.dateish(start, i, j)
	case sign == 0 && nd == 2 && p.peekAt(j) == ':' && isDigit(p.peekAt(j+1)) && isDigit(p.peekAt(j+2)):
		end := p.timeOfDay(start)
		p.endOfLiteral(start, end)
		p.pos = end
		return &ast.Literal{Off: start, Kind: ast.LitTimeOfDay, Value: p.s[start:end]}
	}
	return p.number(start)
}

// number parses [SIGN] 1*DIGIT ["." 1*DIGIT] ["e" [SIGN] 1*DIGIT].
func (p *parser) number(start int) *ast.Literal {
	i := start
	if c := p.peekAt(i); c == '-' || c == '+' {
		i++
	}
	for i < len(p.s) && isDigit(p.s[i]) {
		i++
	}
	frac, exp := false, false
	if p.peekAt(i) == '.' {
		if !isDigit(p.peekAt(i + 1)) {
			p.fail(i, "malformed number: a '.' must be followed by digits")
		}
		frac = true
		i++
		for i < len(p.s) && isDigit(p.s[i]) {
			i++
		}
	}
	if c := p.peekAt(i); c == 'e' || c == 'E' {
		k := i + 1
		if c := p.peekAt(k); c == '+' || c == '-' {
			k++
		}
		if !isDigit(p.peekAt(k)) {
			p.fail(i, "malformed number: an exponent needs digits")
		}
		exp = true
		i = k
		for i < len(p.s) && isDigit(p.s[i]) {
			i++
		}
	}
	if p.identCharAt(i) != 0 || p.peekAt(i) == '.' {
		p.fail(start, "malformed number %q", p.s[start:i+1])
	}
	p.pos = i
	text := strings.TrimPrefix(p.s[start:i], "+")
	switch {
	case exp:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && math.IsInf(f, 0) {
			p.fail(start, "number %s is out of range", text)
		}
		return &ast.Literal{Off: start, Kind: ast.LitDouble, Value: f}
	case frac:
		return &ast.Literal{Off: start, Kind: ast.LitDecimal, Value: text}
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return &ast.Literal{Off: start, Kind: ast.LitDecimal, Value: text}
	}
	return &ast.Literal{Off: start, Kind: ast.LitInt, Value: n}
}

// dateish parses a date or DateTimeOffset; the year's digits are [y0, y1).
func (p *parser) dateish(start, y0, y1 int) *ast.Literal {
	if p.s[y0] == '0' && y1-y0 != 4 {
		p.fail(y0, "malformed year: more than four digits cannot start with 0")
	}
	if y1-y0 > 9 {
		p.fail(y0, "year out of range")
	}
	year, _ := strconv.Atoi(p.s[y0:y1])
	if p.s[start] == '-' {
		year = -year
	}
	i := y1 + 1
	month := p.twoDigits(i, "month")
	if month < 1 || month > 12 || p.peekAt(i+2) != '-' {
		p.fail(i, "malformed date: month must be 01 to 12 followed by '-'")
	}
	i += 3
	day := p.twoDigits(i, "day")
	if day < 1 || day > daysIn(month, year) {
		p.fail(i, "malformed date: day %02d does not exist in month %02d", day, month)
	}
	i += 2
	if c := p.peekAt(i); (c == 'T' || c == 't') && isDigit(p.peekAt(i+1)) {
		end := p.timeOfDay(i + 1)
		switch p.peekAt(end) {
		case 'Z', 'z':
			end++
		case '+', '-':
			h := p.twoDigits(end+1, "offset hour")
			if h > 23 || p.peekAt(end+3) != ':' {
				p.fail(end+1, "malformed time zone offset (expected +hh:mm)")
			}
			if m := p.twoDigits(end+4, "offset minute"); m > 59 {
				p.fail(end+4, "malformed time zone offset minute")
			}
			end += 6
		default:
			p.fail(end, "a DateTimeOffset needs a time zone: Z or +hh:mm")
		}
		p.endOfLiteral(start, end)
		p.pos = end
		return &ast.Literal{Off: start, Kind: ast.LitDateTimeOffset, Value: p.s[start:end]}
	}
	p.endOfLiteral(start, i)
	p.pos = i
	return &ast.Literal{Off: start, Kind: ast.LitDate, Value: p.s[start:i]}
}

// endOfLiteral fails if a name character or digit sticks to the literal.
func (p *parser) endOfLiteral(start, end int) {
	if p.identCharAt(end) != 0 || p.peekAt(end) == '.' {
		p.fail(start, "malformed literal %q", p.s[start:end+1])
	}
}

// timeOfDay checks hh:mm[:ss[.fffffffffff]] at i and returns its end.
func (p *parser) timeOfDay(i int) int {
	if h := p.twoDigits(i, "hour"); h > 23 {
		p.fail(i, "hour %02d out of range (00 to 23)", h)
	}
	if p.peekAt(i+2) != ':' {
		p.fail(i+2, "malformed time: expected ':' after the hour")
	}
	if m := p.twoDigits(i+3, "minute"); m > 59 {
		p.fail(i+3, "minute %02d out of range", m)
	}
	end := i + 5
	if p.peekAt(end) == ':' {
		if s := p.twoDigits(end+1, "second"); s > 60 {
			p.fail(end+1, "second %02d out of range", s)
		}
		end += 3
		if p.peekAt(end) == '.' {
			k := end + 1
			for k < len(p.s) && isDigit(p.s[k]) {
				k++
			}
			if k == end+1 || k-end-1 > 12 {
				p.fail(end, "fractional seconds need 1 to 12 digits")
			}
			end = k
		}
	}
	return end
}

func (p *parser) twoDigits(i int, what string) int {
	if !isDigit(p.peekAt(i)) || !isDigit(p.peekAt(i+1)) {
		p.fail(i, "malformed %s: expected two digits", what)
	}
	return int(p.s[i]-'0')*10 + int(p.s[i+1]-'0')
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// binaryLit parses the body of binary'...' (base64url, padding optional).
func (p *parser) binaryLit(start int) *ast.Literal {
	body, off := p.quotedRaw("binary")
	s := body
	pad := len(s) - len(strings.TrimRight(s, "="))
	s = s[:len(s)-pad]
	if pad > 0 && (pad > 2 || (len(s)+pad)%4 != 0) {
		p.fail(off, "malformed binary literal: wrong padding")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isASCIILetter(c) || isDigit(c) || c == '-' || c == '_') {
			p.fail(off+i, "malformed binary literal: %q is not a base64url character", c)
		}
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		p.fail(off, "malformed binary literal: %v", err)
	}
	if b == nil {
		b = []byte{}
	}
	return &ast.Literal{Off: start, Kind: ast.LitBinary, Value: b}
}

// enum parses the body of Namespace.Type'Member,Member' (members are
// names or integers).
func (p *parser) enum(start int, typ string) *ast.Literal {
	body, off := p.quotedRaw("enumeration")
	var members []string
	for i, m := range strings.Split(body, ",") {
		if !isEnumMember(m) {
			p.fail(off, "malformed enumeration literal: member %d %q is neither a name nor an integer", i+1, m)
		}
		members = append(members, strings.TrimPrefix(m, "+"))
	}
	return &ast.Literal{Off: start, Kind: ast.LitEnum, Value: ast.EnumValue{Type: typ, Members: members}}
}

// isEnumMember reports whether m is an enumeration member name or an
// int64 literal.
func isEnumMember(m string) bool {
	if m == "" {
		return false
	}
	q := &parser{s: m}
	if q.identEndSafe(0) == len(m) {
		return true
	}
	d := strings.TrimLeft(m, "+-")
	if len(m)-len(d) > 1 || d == "" || len(d) > 19 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return false
		}
	}
	return true
}

// identEndSafe is identEnd that treats an overlong identifier as none.
func (p *parser) identEndSafe(i int) (end int) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			end = i
		}
	}()
	return p.identEnd(i)
}

// durationValue checks [-]P[nD][T[nH][nM][n[.n]S]] (at least one
// component) and returns it in upper case.
func durationValue(s string) (string, bool) {
	u := strings.ToUpper(s)
	i := 0
	if strings.HasPrefix(u, "-") {
		i++
	}
	if i >= len(u) || u[i] != 'P' {
		return "", false
	}
	i++
	num := func() (int, bool) {
		j := i
		for j < len(u) && isDigit(u[j]) {
			j++
		}
		return j, j > i
	}
	parts := 0
	if j, ok := num(); ok && j < len(u) && u[j] == 'D' {
		i = j + 1
		parts++
	}
	if i < len(u) && u[i] == 'T' {
		i++
		tparts := 0
		for _, unit := range []byte{'H', 'M', 'S'} {
			j, ok := num()
			if !ok {
				continue
			}
			k := j
			if unit == 'S' && k < len(u) && u[k] == '.' {
				k++
				for k < len(u) && isDigit(u[k]) {
					k++
				}
				if k == j+1 {
					return "", false
				}
			}
			if k < len(u) && u[k] == unit {
				i = k + 1
				tparts++
			}
		}
		if tparts == 0 {
			return "", false
		}
		parts += tparts
	}
	return u, parts > 0 && i == len(u)
}

// checkGeo validates the body of a geography or geometry literal:
// SRID=n;Point(...) and the other well-known-text shapes of the ABNF. It
// returns a message and an offset in body, or "" when it is well formed.
func checkGeo(body string, depth int) (msg string, at int) {
	g := &geoScanner{s: body, depth: depth}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(geoError)
			if !ok {
				panic(r)
			}
			msg, at = e.msg, e.at
		}
	}()
	g.word("SRID=")
	n := g.digitsN()
	if n > 5 {
		g.fail("an SRID has at most 5 digits")
	}
	g.lit(';')
	g.geoLiteral()
	if g.i != len(g.s) {
		g.fail("unexpected text after the shape")
	}
	return "", 0
}

type geoError struct {
	msg string
	at  int
}

type geoScanner struct {
	s     string
	i     int
	depth int
}

func (g *geoScanner) fail(msg string) { panic(geoError{msg, g.i}) }

func (g *geoScanner) peekWord(w string) bool {
	return len(g.s)-g.i >= len(w) && strings.EqualFold(g.s[g.i:g.i+len(w)], w)
}

func (g *geoScanner) word(w string) {
	if !g.peekWord(w) {
		g.fail("expected " + w)
	}
	g.i += len(w)
}

func (g *geoScanner) lit(c byte) {
	if g.i >= len(g.s) || g.s[g.i] != c {
		g.fail("expected " + strconv.QuoteRune(rune(c)))
	}
	g.i++
}

func (g *geoScanner) is(c byte) bool { return g.i < len(g.s) && g.s[g.i] == c }

func (g *geoScanner) digitsN() int {
	j := g.i
	for g.i < len(g.s) && isDigit(g.s[g.i]) {
		g.i++
	}
	if g.i == j {
		g.fail("expected digits")
	}
	return g.i - j
}

func (g *geoScanner) geoLiteral() {
	g.depth++
	if g.depth > MaxDepth {
		g.fail("nesting too deep")
	}
	defer func() { g.depth-- }()
	switch {
	case g.peekWord("GeometryCollection("):
		g.i += len("GeometryCollection(")
		g.geoLiteral()
		for g.is(',') {
			g.i++
			g.geoLiteral()
		}
		g.lit(')')
	case g.peekWord("MultiLineString("):
		g.i += len("MultiLineString(")
		g.list(g.lineStringData)
	case g.peekWord("MultiPolygon("):
		g.i += len("MultiPolygon(")
		g.list(g.polygonData)
	case g.peekWord("MultiPoint("):
		g.i += len("MultiPoint(")
		g.list(g.pointData)
	case g.peekWord("LineString"):
		g.i += len("LineString")
		g.lineStringData()
	case g.peekWord("Polygon"):
		g.i += len("Polygon")
		g.polygonData()
	case g.peekWord("Point"):
		g.i += len("Point")
		g.pointData()
	default:
		g.fail("expected Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon or GeometryCollection")
	}
}

// list parses [item *("," item)] ")" after an opening parenthesis.
func (g *geoScanner) list(item func()) {
	if g.is(')') {
		g.i++
		return
	}
	item()
	for g.is(',') {
		g.i++
		item()
	}
	g.lit(')')
}

func (g *geoScanner) pointData() {
	g.lit('(')
	g.position()
	g.lit(')')
}

func (g *geoScanner) lineStringData() {
	g.lit('(')
	g.position()
	g.lit(',')
	g.position()
	for g.is(',') {
		g.i++
		g.position()
	}
	g.lit(')')
}

func (g *geoScanner) ring() {
	g.lit('(')
	g.position()
	for g.is(',') {
		g.i++
		g.position()
	}
	g.lit(')')
}

func (g *geoScanner) polygonData() {
	g.lit('(')
	g.ring()
	for g.is(',') {
		g.i++
		g.ring()
	}
	g.lit(')')
}

// position is 2 to 4 coordinates separated by single spaces.
func (g *geoScanner) position() {
	g.double()
	g.lit(' ')
	g.double()
	for k := 0; k < 2 && g.is(' '); k++ {
		g.i++
		g.double()
	}
}

func (g *geoScanner) double() {
	for _, w := range []string{"NaN", "-INF", "INF"} {
		if strings.HasPrefix(g.s[g.i:], w) {
			g.i += len(w)
			return
		}
	}
	if g.is('+') || g.is('-') {
		g.i++
	}
	g.digitsN()
	if g.is('.') {
		g.i++
		g.digitsN()
	}
	if g.is('e') || g.is('E') {
		g.i++
		if g.is('+') || g.is('-') {
			g.i++
		}
		g.digitsN()
	}
}
