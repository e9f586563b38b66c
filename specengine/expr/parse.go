package expr

import (
	"fmt"
	"strconv"
)

// MaxDepth bounds the nesting of a predicate, so hostile input cannot
// exhaust the stack.
const MaxDepth = 64

// MaxLen bounds the length of one expression source.
const MaxLen = 16 << 10

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
}

func newParser(src string) (*parser, error) {
	if len(src) > MaxLen {
		return nil, &Error{Off: 0, Msg: fmt.Sprintf("expression is %d bytes long; the limit is %d", len(src), MaxLen)}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) errf(off int, format string, args ...any) error {
	return &Error{Off: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, p.errf(t.off, "expected %s, found %s", what, p.describe(t))
	}
	return t, nil
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tIdent:
		return "'" + t.text + "'"
	case tInt:
		return t.text
	case tString:
		return quote(t.text)
	}
	return t.kind.String()
}

// ParsePredicate parses a guard or assertion.
func ParsePredicate(src string) (Expr, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	if p.peek().kind == tEOF {
		return nil, p.errf(0, "empty expression")
	}
	e, err := p.implies()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tAssign {
			return nil, p.errf(t.off, "unexpected '=' in a predicate (comparison is '==')")
		}
		return nil, p.errf(t.off, "unexpected %s after the expression", p.describe(t))
	}
	return e, nil
}

func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errf(off, "expression nests deeper than %d levels", MaxDepth)
	}
	return nil
}

func (p *parser) implies() (Expr, error) {
	if err := p.enter(p.peek().off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tImplies {
		p.next()
		r, err := p.implies()
		if err != nil {
			return nil, err
		}
		return &Binary{Off: t.off, Op: OpImplies, L: l, R: r}, nil
	}
	return l, nil
}

func (p *parser) or() (Expr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tOr {
		t := p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = &Binary{Off: t.off, Op: OpOr, L: l, R: r}
	}
	return l, nil
}

func (p *parser) and() (Expr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tAnd {
		t := p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = &Binary{Off: t.off, Op: OpAnd, L: l, R: r}
	}
	return l, nil
}

func (p *parser) unary() (Expr, error) {
	if t := p.peek(); t.kind == tNot {
		p.next()
		if err := p.enter(t.off); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Not{Off: t.off, X: x}, nil
	}
	return p.comparison()
}

func cmpOp(k tokKind) (Op, bool) {
	switch k {
	case tEq:
		return OpEq, true
	case tNe:
		return OpNe, true
	case tLt:
		return OpLt, true
	case tLe:
		return OpLe, true
	case tGt:
		return OpGt, true
	case tGe:
		return OpGe, true
	}
	return 0, false
}

func (p *parser) comparison() (Expr, error) {
	if t := p.peek(); t.kind == tLParen {
		p.next()
		x, err := p.implies()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return p.suffix(x)
	}
	x, err := p.operand()
	if err != nil {
		return nil, err
	}
	return p.suffix(x)
}

// suffix parses an optional comparison or membership after an operand.
func (p *parser) suffix(x Expr) (Expr, error) {
	t := p.peek()
	if op, ok := cmpOp(t.kind); ok {
		p.next()
		y, err := p.operand()
		if err != nil {
			return nil, err
		}
		if n := p.peek(); isCmp(n.kind) {
			return nil, p.errf(n.off, "comparisons do not chain; join them with '&&'")
		}
		return &Binary{Off: t.off, Op: op, L: x, R: y}, nil
	}
	neg := false
	if t.kind == tIdent && t.text == "not" {
		if n := p.toks[p.i+1]; n.kind == tIdent && n.text == "in" {
			p.next()
			neg = true
			t = p.peek()
		}
	}
	if t.kind == tIdent && t.text == "in" {
		p.next()
		in := &In{Off: t.off, Neg: neg, X: x}
		switch n := p.peek(); n.kind {
		case tLBrack:
			p.next()
			for p.peek().kind != tRBrack {
				lt := p.peek()
				lit, err := p.literal()
				if err != nil {
					return nil, p.errf(lt.off, "a list after 'in' holds literals only, found %s", p.describe(lt))
				}
				in.List = append(in.List, lit)
				if p.peek().kind == tComma {
					p.next()
					continue
				}
				if p.peek().kind != tRBrack {
					return nil, p.errf(p.peek().off, "expected ',' or ']', found %s", p.describe(p.peek()))
				}
			}
			p.next()
		case tIdent:
			if isReserved(n.text) {
				return nil, p.errf(n.off, "expected a list variable or [...] after 'in', found '%s'", n.text)
			}
			p.next()
			in.Set = &Name{Off: n.off, Name: n.text}
		default:
			return nil, p.errf(n.off, "expected a list variable or [...] after 'in', found %s", p.describe(n))
		}
		return in, nil
	}
	return x, nil
}

func isCmp(k tokKind) bool { _, ok := cmpOp(k); return ok }

func isReserved(s string) bool {
	switch s {
	case "true", "false", "null", "in", "not", "params":
		return true
	}
	return false
}

// literal parses integer, 'string', true, false, null or -integer.
func (p *parser) literal() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tInt:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, p.errf(t.off, "integer %s out of range", t.text)
		}
		return &Lit{Off: t.off, Val: IntVal(n)}, nil
	case tMinus:
		d := p.next()
		if d.kind != tInt {
			return nil, p.errf(t.off, "'-' must be followed by an integer")
		}
		n, err := strconv.ParseInt("-"+d.text, 10, 64)
		if err != nil {
			return nil, p.errf(t.off, "integer -%s out of range", d.text)
		}
		return &Lit{Off: t.off, Val: IntVal(n)}, nil
	case tString:
		return &Lit{Off: t.off, Val: StringVal(t.text)}, nil
	case tIdent:
		switch t.text {
		case "true":
			return &Lit{Off: t.off, Val: BoolVal(true)}, nil
		case "false":
			return &Lit{Off: t.off, Val: BoolVal(false)}, nil
		case "null":
			return &Lit{Off: t.off, Val: Value{}}, nil
		}
	}
	p.i--
	return nil, p.errf(t.off, "expected a literal, found %s", p.describe(t))
}

// operand parses a literal, a name, params.x, len(x), empty(x) or
// Type[ref].status.
func (p *parser) operand() (Expr, error) {
	t := p.peek()
	switch t.kind {
	case tInt, tString, tMinus:
		return p.literal()
	case tIdent:
	default:
		return nil, p.errf(t.off, "expected an operand, found %s", p.describe(t))
	}
	switch t.text {
	case "true", "false", "null":
		return p.literal()
	case "in", "not":
		return nil, p.errf(t.off, "expected an operand, found '%s'", t.text)
	case "params":
		p.next()
		if _, err := p.expect(tDot, "'.' after params"); err != nil {
			return nil, err
		}
		n, err := p.expect(tIdent, "a parameter name after 'params.'")
		if err != nil {
			return nil, err
		}
		return &ParamRef{Off: t.off, Name: n.text}, nil
	case "len", "empty":
		if p.toks[p.i+1].kind == tLParen {
			p.next()
			p.next()
			a, err := p.expect(tIdent, "a variable name")
			if err != nil {
				return nil, err
			}
			if isReserved(a.text) {
				return nil, p.errf(a.off, "%s() takes a variable name, found '%s'", t.text, a.text)
			}
			if _, err := p.expect(tRParen, "')'"); err != nil {
				return nil, err
			}
			return &Call{Off: t.off, Fn: t.text, Arg: &Name{Off: a.off, Name: a.text}}, nil
		}
	}
	p.next()
	if p.peek().kind == tLParen {
		return nil, p.errf(t.off, "unknown function '%s' (predicates have len() and empty())", t.text)
	}
	if p.peek().kind == tLBrack {
		p.next()
		ref, err := p.expect(tIdent, "a reference field name")
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tRBrack, "']'"); err != nil {
			return nil, err
		}
		if _, err := p.expect(tDot, "'.status'"); err != nil {
			return nil, err
		}
		s, err := p.expect(tIdent, "'status'")
		if err != nil {
			return nil, err
		}
		if s.text != "status" {
			return nil, p.errf(s.off, "only .status of a related entity can be read, found '.%s'", s.text)
		}
		return &RelStatus{Off: t.off, Type: t.text, Ref: ref.text}, nil
	}
	if p.peek().kind == tDot {
		return nil, p.errf(p.peek().off, "unexpected '.' after '%s' (parameters are read as params.name)", t.text)
	}
	return &Name{Off: t.off, Name: t.text}, nil
}

// ParseEffect parses one effect statement.
func ParseEffect(src string) (*Stmt, error) {
	p, err := newParser(src)
	if err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind != tIdent {
		return nil, p.errf(t.off, "an effect starts with a variable or a call, found %s", p.describe(t))
	}
	s := &Stmt{Off: t.off}
	switch n := p.peek(); {
	case n.kind == tAssign || n.kind == tAddAsg || n.kind == tSubAsg:
		p.next()
		s.Op = map[tokKind]StmtOp{tAssign: StAssign, tAddAsg: StAdd, tSubAsg: StSub}[n.kind]
		s.Target, s.TargetOff = t.text, t.off
		if isReserved(t.text) || t.text == "status" {
			return nil, p.errf(t.off, "'%s' cannot be assigned", t.text)
		}
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		s.Args = []Expr{a}
	case n.kind == tLParen:
		p.next()
		if err := p.call(t, s); err != nil {
			return nil, err
		}
	case n.kind == tEq:
		return nil, p.errf(n.off, "an effect assigns with '=', not '=='")
	default:
		return nil, p.errf(n.off, "expected '=', '+=', '-=' or '(' after '%s', found %s", t.text, p.describe(n))
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errf(t.off, "unexpected %s after the effect (write one statement per list item)", p.describe(t))
	}
	return s, nil
}

func (p *parser) call(fn token, s *Stmt) error {
	switch fn.text {
	case "append", "remove_at":
		s.Op = StAppend
		if fn.text == "remove_at" {
			s.Op = StRemoveAt
		}
		v, err := p.expect(tIdent, "a list variable")
		if err != nil {
			return err
		}
		s.Target, s.TargetOff = v.text, v.off
		if _, err := p.expect(tComma, "','"); err != nil {
			return err
		}
		a, err := p.arg()
		if err != nil {
			return err
		}
		s.Args = []Expr{a}
	case "schedule", "schedule_at":
		s.Op = StSchedule
		if fn.text == "schedule_at" {
			s.Op = StScheduleAt
		}
		a, err := p.expect(tString, "a quoted action name")
		if err != nil {
			return err
		}
		s.Action = a.text
		if _, err := p.expect(tComma, "','"); err != nil {
			return err
		}
		d, err := p.arg()
		if err != nil {
			return err
		}
		s.Args = []Expr{d}
	case "spawn":
		s.Op = StSpawn
		e, err := p.expect(tString, "a quoted entity type")
		if err != nil {
			return err
		}
		s.Entity = e.text
		if _, err := p.expect(tComma, "','"); err != nil {
			return err
		}
		a, err := p.expect(tString, "a quoted action name")
		if err != nil {
			return err
		}
		s.Action = a.text
		if p.peek().kind == tComma {
			p.next()
			v, err := p.expect(tIdent, "a variable that receives the child id")
			if err != nil {
				return err
			}
			s.Target, s.TargetOff = v.text, v.off
			if p.peek().kind == tComma {
				p.next()
				id, err := p.arg()
				if err != nil {
					return err
				}
				s.Args = []Expr{id}
			}
		}
	default:
		return p.errf(fn.off, "unknown effect '%s' (effects are x = v, x += n, x -= n, append, remove_at, schedule, schedule_at, spawn)", fn.text)
	}
	_, err := p.expect(tRParen, "')'")
	return err
}

// arg parses an effect argument: a literal, a name or params.x.
func (p *parser) arg() (Expr, error) {
	t := p.peek()
	switch {
	case t.kind == tIdent && t.text == "params":
		return p.operand()
	case t.kind == tIdent && !isReserved(t.text) && t.text != "len" && t.text != "empty":
		p.next()
		return &Name{Off: t.off, Name: t.text}, nil
	default:
		return p.literal()
	}
}
