package expr

import (
	"strings"
)

// Expr is a predicate or operand in the AST. Off is the byte offset of the
// node in its source string.
type Expr interface {
	Offset() int
	format(b *strings.Builder)
}

// Op is a binary operator.
type Op uint8

// Binary operators, lowest precedence first.
const (
	OpImplies Op = iota
	OpOr
	OpAnd
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
)

var opText = [...]string{"=>", "||", "&&", "==", "!=", "<", "<=", ">", ">="}

func (o Op) String() string { return opText[o] }

// Lit is a literal: integer, 'string', true, false or null.
type Lit struct {
	Off int
	Val Value
}

// Name is a bare name: a state variable, a field, or status.
type Name struct {
	Off  int
	Name string
}

// ParamRef is params.<name>: an action parameter.
type ParamRef struct {
	Off  int
	Name string
}

// Call is len(name) or empty(name).
type Call struct {
	Off int
	Fn  string
	Arg *Name
}

// Not is !X.
type Not struct {
	Off int
	X   Expr
}

// Binary is L op R for logical and comparison operators.
type Binary struct {
	Off  int
	Op   Op
	L, R Expr
}

// In is X in [a, b] or X in listvar, optionally negated (not in).
type In struct {
	Off  int
	Neg  bool
	X    Expr
	List []Expr // literals, when the right side is a bracketed list
	Set  *Name  // a list variable, when the right side is a name
}

// RelStatus is Type[ref].status: the status of related entities.
type RelStatus struct {
	Off  int
	Type string
	Ref  string
}

// Offset implementations.
func (e *Lit) Offset() int       { return e.Off }
func (e *Name) Offset() int      { return e.Off }
func (e *ParamRef) Offset() int  { return e.Off }
func (e *Call) Offset() int      { return e.Off }
func (e *Not) Offset() int       { return e.Off }
func (e *Binary) Offset() int    { return e.Off }
func (e *In) Offset() int        { return e.Off }
func (e *RelStatus) Offset() int { return e.Off }

// Format renders an expression in the surface syntax, with parentheses
// around every compound operand so that parsing the result gives the same
// tree.
func Format(e Expr) string {
	var b strings.Builder
	e.format(&b)
	return b.String()
}

func (e *Lit) format(b *strings.Builder)      { b.WriteString(e.Val.String()) }
func (e *Name) format(b *strings.Builder)     { b.WriteString(e.Name) }
func (e *ParamRef) format(b *strings.Builder) { b.WriteString("params." + e.Name) }
func (e *Call) format(b *strings.Builder)     { b.WriteString(e.Fn + "(" + e.Arg.Name + ")") }
func (e *RelStatus) format(b *strings.Builder) {
	b.WriteString(e.Type + "[" + e.Ref + "].status")
}

func (e *Not) format(b *strings.Builder) {
	b.WriteString("!")
	formatOperand(b, e.X)
}

func (e *Binary) format(b *strings.Builder) {
	formatOperand(b, e.L)
	b.WriteString(" " + e.Op.String() + " ")
	formatOperand(b, e.R)
}

func (e *In) format(b *strings.Builder) {
	formatOperand(b, e.X)
	if e.Neg {
		b.WriteString(" not")
	}
	b.WriteString(" in ")
	if e.Set != nil {
		b.WriteString(e.Set.Name)
		return
	}
	b.WriteString("[")
	for i, x := range e.List {
		if i > 0 {
			b.WriteString(", ")
		}
		x.format(b)
	}
	b.WriteString("]")
}

func formatOperand(b *strings.Builder, e Expr) {
	switch e.(type) {
	case *Binary, *In:
		b.WriteString("(")
		e.format(b)
		b.WriteString(")")
	default:
		e.format(b)
	}
}

// StmtOp is the kind of an effect statement.
type StmtOp uint8

// Effect statements.
const (
	StAssign     StmtOp = iota // x = v
	StAdd                      // x += n
	StSub                      // x -= n (a counter stops at 0)
	StAppend                   // append(list, v)
	StRemoveAt                 // remove_at(list, i)
	StSchedule                 // schedule('Action', seconds)
	StScheduleAt               // schedule_at('Action', var)
	StSpawn                    // spawn('Type', 'Action'[, var[, id]])
)

// Stmt is one effect statement.
type Stmt struct {
	Off       int
	Op        StmtOp
	Target    string // the variable written (assign, add, sub, append, remove_at, spawn's id var)
	TargetOff int
	Action    string // schedule, schedule_at, spawn
	Entity    string // spawn's entity type
	Args      []Expr // the value operand(s): Lit, Name or ParamRef
}

// Format renders a statement in the surface syntax.
func (s *Stmt) Format() string {
	var b strings.Builder
	switch s.Op {
	case StAssign, StAdd, StSub:
		b.WriteString(s.Target + " " + [...]string{"=", "+=", "-="}[s.Op] + " ")
		s.Args[0].format(&b)
	case StAppend, StRemoveAt:
		b.WriteString([...]string{"append", "remove_at"}[s.Op-StAppend] + "(" + s.Target + ", ")
		s.Args[0].format(&b)
		b.WriteString(")")
	case StSchedule:
		b.WriteString("schedule(" + quote(s.Action) + ", ")
		s.Args[0].format(&b)
		b.WriteString(")")
	case StScheduleAt:
		b.WriteString("schedule_at(" + quote(s.Action) + ", ")
		s.Args[0].format(&b)
		b.WriteString(")")
	case StSpawn:
		b.WriteString("spawn(" + quote(s.Entity) + ", " + quote(s.Action))
		if s.Target != "" {
			b.WriteString(", " + s.Target)
		}
		for _, a := range s.Args {
			b.WriteString(", ")
			a.format(&b)
		}
		b.WriteString(")")
	}
	return b.String()
}
