package ast

// Expr is a node of a $filter, $orderby or lambda expression. Off is the
// byte offset in the (decoded) option value, for error messages.
type Expr interface {
	Offset() int
	expr()
}

// LitKind is the kind of a literal.
type LitKind uint8

// Literal kinds (OData primitive literals).
const (
	LitNull LitKind = iota
	LitBool
	LitInt     // Value int64
	LitDecimal // Value string (exact digits), e.g. "1.50"
	LitDouble  // Value float64 (also INF, -INF, NaN)
	LitString  // Value string (unescaped)
	LitDate    // Value string, YYYY-MM-DD
	LitDateTimeOffset
	LitTimeOfDay
	LitDuration // Value string, the ISO 8601 duration
	LitGuid
	LitBinary // Value []byte
	LitEnum   // Value EnumValue
	LitGeo    // Value string (geography/geometry literal text); translators refuse it
)

// EnumValue is Namespace.EnumType'Member1,Member2'.
type EnumValue struct {
	Type    string
	Members []string
}

// Literal is a typed constant.
type Literal struct {
	Off   int
	Kind  LitKind
	Value any
}

// Path is a member path: a property, a navigation chain (Address/City,
// Items/$count), $it, $root/..., or a lambda variable followed by
// properties. A cast segment appears as a qualified name.
type Path struct {
	Off      int
	Segments []string
}

// Alias is a parameter alias (@p) the parser could not resolve from the
// query string; resolved aliases are replaced by their value.
type Alias struct {
	Off  int
	Name string
}

// UnaryOp is a unary operator.
type UnaryOp uint8

// Unary operators.
const (
	OpNot UnaryOp = iota
	OpNeg
)

// Unary is not X or -X.
type Unary struct {
	Off int
	Op  UnaryOp
	X   Expr
}

// BinaryOp is a binary operator.
type BinaryOp uint8

// Binary operators in OData spelling.
const (
	OpEq BinaryOp = iota
	OpNe
	OpGt
	OpGe
	OpLt
	OpLe
	OpAnd
	OpOr
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpDivBy
	OpMod
	OpHas
	OpIn
)

var binaryNames = [...]string{"eq", "ne", "gt", "ge", "lt", "le", "and", "or", "add", "sub", "mul", "div", "divby", "mod", "has", "in"}

func (o BinaryOp) String() string { return binaryNames[o] }

// Binary is L op R. For OpIn, R is a *List.
type Binary struct {
	Off  int
	Op   BinaryOp
	L, R Expr
}

// List is a parenthesized list of values, the right side of in.
type List struct {
	Off   int
	Items []Expr
}

// Call is a canonical function call: contains, startswith, endswith,
// length, indexof, substring, tolower, toupper, trim, concat, year, month,
// day, hour, minute, second, fractionalseconds, date, time, now,
// maxdatetime, mindatetime, totaloffsetminutes, totalseconds, round,
// floor, ceiling, cast, isof, matchespattern, ... Name is lower case as
// written (function names are case-sensitive in OData).
type Call struct {
	Off  int
	Name string
	Args []Expr
}

// Lambda is Path/any(v: Body), Path/all(v: Body), or Path/any().
type Lambda struct {
	Off  int
	Path *Path
	All  bool
	Var  string // "" for any()
	Body Expr   // nil for any()
}

// Offset implementations.
func (e *Literal) Offset() int { return e.Off }
func (e *Path) Offset() int    { return e.Off }
func (e *Alias) Offset() int   { return e.Off }
func (e *Unary) Offset() int   { return e.Off }
func (e *Binary) Offset() int  { return e.Off }
func (e *List) Offset() int    { return e.Off }
func (e *Call) Offset() int    { return e.Off }
func (e *Lambda) Offset() int  { return e.Off }

func (*Literal) expr() {}
func (*Path) expr()    {}
func (*Alias) expr()   {}
func (*Unary) expr()   {}
func (*Binary) expr()  {}
func (*List) expr()    {}
func (*Call) expr()    {}
func (*Lambda) expr()  {}

// OrderItem is one $orderby item.
type OrderItem struct {
	Expr Expr
	Desc bool
}

// SelectItem is one $select item: a property path, * or Namespace.*.
type SelectItem struct {
	Path []string
	Star bool
}

// ExpandItem is one $expand item with its nested options; Ref is
// Path/$ref, Levels is $levels (0: not given, -1: max).
type ExpandItem struct {
	Path    []string
	Ref     bool
	Count   bool // Path/$count
	Options *Query
	Levels  int
}

// Search is a $search expression.
type Search interface{ search() }

// SearchTerm is a word or a "quoted phrase".
type SearchTerm struct {
	Text   string
	Phrase bool
}

// SearchNot, SearchAnd, SearchOr combine search terms.
type (
	SearchNot struct{ X Search }
	SearchAnd struct{ L, R Search }
	SearchOr  struct{ L, R Search }
)

func (*SearchTerm) search() {}
func (*SearchNot) search()  {}
func (*SearchAnd) search()  {}
func (*SearchOr) search()   {}

// Query is the system query options of a request. Nil or zero fields were
// not given.
type Query struct {
	Filter    Expr
	Search    Search
	OrderBy   []OrderItem
	Top       *int64
	Skip      *int64
	Count     *bool
	Select    []SelectItem
	Expand    []ExpandItem
	SkipToken string
	Format    string
	// Aliases are the parameter aliases given in the query string, by name
	// without '@', already parsed as expressions.
	Aliases map[string]Expr
	// Custom are query options that are neither system options nor
	// aliases (kept for the service to accept or refuse).
	Custom map[string]string
	// Unsupported lists system options the service recognizes but does not
	// implement ($apply, $compute, $index, $schemaversion, $deltatoken, ...):
	// the gateway answers 501.
	Unsupported []string
}

// SegmentKind is the kind of a resource path segment.
type SegmentKind uint8

// Resource path segments.
const (
	SegEntitySet  SegmentKind = iota // Name; Keys when followed by a key predicate
	SegNavigation                    // Name; Keys when followed by a key predicate
	SegProperty                      // a structural property (Name)
	SegCount                         // $count
	SegValue                         // $value
	SegRef                           // $ref
	SegOperation                     // a bound or unbound action/function: Name is qualified; Args for functions
	SegMetadata                      // $metadata
	SegBatch                         // $batch
	SegCast                          // a type cast segment (qualified Name)
)

// KeyValue is one key property value; Name is "" for a single unnamed key.
type KeyValue struct {
	Name  string
	Value *Literal
	Alias string // a key given as a parameter alias
}

// Segment is one segment of a resource path.
type Segment struct {
	Kind SegmentKind
	Name string
	Keys []KeyValue
	Args map[string]Expr // function parameters
}

// ResourcePath is the decoded path below the service root.
type ResourcePath struct {
	Segments []Segment
}
