package ast

// Expr is a node of a $filter, $orderby or lambda expression. Off is the
// byte offset in the (decoded) option value, for error messages; for a
// node that came from a substituted parameter alias, in the alias's value;
// in a $filter(...) path segment, in the decoded segment.
type Expr interface {
	Offset() int
	expr()
}

// LitKind is the kind of a literal.
type LitKind uint8

// Literal kinds (OData primitive literals).
//
// A duration or enumeration literal written without its prefix ('P1D',
// 'Red'), like any primitive value written as a string (OData 4.01:
// Priority eq '0'), cannot be told from a string without the model: it is
// a LitString, and the store's translator (store/sqlgen) converts it to
// the type of the value it is compared with or added to.
const (
	LitNull LitKind = iota
	LitBool
	LitInt            // Value int64
	LitDecimal        // Value string (exact digits as written, no leading '+'), e.g. "1.50"; also integers beyond int64
	LitDouble         // Value float64 (a number with an exponent; also INF, -INF, NaN)
	LitString         // Value string (unescaped)
	LitDate           // Value string, [-]YYYY-MM-DD as written
	LitDateTimeOffset // Value string as written (decoded), e.g. 2012-09-03T13:52:00.5+02:00; seconds optional
	LitTimeOfDay      // Value string as written (decoded), HH:MM[:SS[.fffffffff]]
	LitDuration       // Value string, the ISO 8601 duration in upper case, e.g. "-P1DT2H"
	LitGuid           // Value string as written, 8-4-4-4-12 hex digits
	LitBinary         // Value []byte
	LitEnum           // Value EnumValue
	LitGeo            // Value string (geography/geometry literal text); translators refuse it
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
// Items/$count), $it, $this, $root/..., or a lambda variable followed by
// properties. A cast segment appears as a qualified name, an annotation
// as "@Namespace.Term" (with "#qualifier" if given). A first segment
// "@name" without a namespace is an annotation or a parameter alias the
// parser did not substitute (see Alias).
type Path struct {
	Off      int
	Segments []string
	// Params is nil for a plain path. Otherwise it has one entry per
	// segment, nil for a plain segment: what followed that segment in
	// parentheses (a key predicate, function parameters, the condition of
	// a $filter segment, the options of $count). Translators that do not
	// implement these must refuse a Path with non-nil Params.
	Params []*PathParams
}

// PathParams is what follows one segment of an expression Path in
// parentheses. Without the model the parser cannot tell a key predicate
// from the parameters of an unqualified function (Items(ID=1) versus
// F(ID=1)): literal-only named values are reported as Keys.
type PathParams struct {
	// Call marks a function call: Name(...) with ArgNames/Args (possibly
	// none, as in F()).
	Call     bool
	ArgNames []string
	Args     []Expr
	// Keys is a key predicate: Items(1), Items(ID=1,Line=2), F(x=1)(2).
	Keys []KeyValue
	// Filter is the condition of a $filter(...) segment.
	Filter Expr
	// Options are the options of $count(...) ($filter, $search).
	Options *Query
}

// Alias is a parameter alias (@p) the parser could not resolve from the
// query string; resolved aliases are replaced by their value. An alias
// defined in nested options ($expand=X(@a=...;...)) whose value depends
// on where it is evaluated (it mentions $this or a relative path) is not
// substituted into deeper nested options either: it stays an Alias.
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

// Binary is L op R. For OpIn, R is a *List when the right side is a
// parenthesized or JSON list of primitive literals (x in ('a','b'),
// x in ["a","b"]); otherwise any collection-valued expression: an *Array
// of non-literals, a *Path (x in Names), an *Alias, ...
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
// floor, ceiling, cast, isof, matchespattern, ... Canonical function names
// are case-insensitive in OData 4.01 (CONTAINS, Year, matchesPattern):
// Name is always lower case. geo.distance, geo.length and geo.intersects
// keep their dot.
//
// For cast and isof the last argument is a *TypeName. For case the Args
// are condition/value pairs: case(c1:v1,c2:v2) has Args [c1 v1 c2 v2].
//
// A call of a qualified (custom) function, Namespace.F(p=1,q=@a), has the
// qualified Name and named parameters: ArgNames[i] names Args[i].
// ArgNames is nil for canonical functions.
type Call struct {
	Off      int
	Name     string
	Args     []Expr
	ArgNames []string
}

// TypeName is the type argument of cast and isof: Edm.String,
// Model.Customer, Customer, Collection(Edm.Int32).
type TypeName struct {
	Off        int
	Name       string
	Collection bool
}

// Array is a JSON array written in the URL: ["a",1,[2]], in function
// parameters, parameter aliases and expressions.
type Array struct {
	Off   int
	Items []Expr
}

// Object is a JSON object written in the URL: {"Street":"Main","No":1}.
type Object struct {
	Off     int
	Members []Member
}

// Member is one name/value pair of an Object, in the order written.
type Member struct {
	Name  string
	Value Expr
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
func (e *Literal) Offset() int  { return e.Off }
func (e *Path) Offset() int     { return e.Off }
func (e *Alias) Offset() int    { return e.Off }
func (e *Unary) Offset() int    { return e.Off }
func (e *Binary) Offset() int   { return e.Off }
func (e *List) Offset() int     { return e.Off }
func (e *Call) Offset() int     { return e.Off }
func (e *Lambda) Offset() int   { return e.Off }
func (e *TypeName) Offset() int { return e.Off }
func (e *Array) Offset() int    { return e.Off }
func (e *Object) Offset() int   { return e.Off }

func (*Literal) expr()  {}
func (*Path) expr()     {}
func (*Alias) expr()    {}
func (*Unary) expr()    {}
func (*Binary) expr()   {}
func (*List) expr()     {}
func (*Call) expr()     {}
func (*Lambda) expr()   {}
func (*TypeName) expr() {}
func (*Array) expr()    {}
func (*Object) expr()   {}

// OrderItem is one $orderby item.
type OrderItem struct {
	Expr Expr
	Desc bool
}

// SelectItem is one $select item: a property path, * or Namespace.*.
// Star with an empty Path is *; Star with Path [Namespace] is
// Namespace.* (all actions and functions of that schema). Path segments
// may be qualified (type casts, actions, functions) or annotations
// ("@Core.Messages").
type SelectItem struct {
	Path []string
	Star bool
	// Options are the nested options of a collection-valued item:
	// Addresses($filter=...;$top=5). Nil when not given.
	Options *Query
	// ParamNames is the signature of an overloaded function:
	// Model.F(Location,Kind). Nil when not given.
	ParamNames []string
}

// ExpandItem is one $expand item with its nested options; Ref is
// Path/$ref, Levels is $levels (0: not given, -1: max). Path segments may
// be qualified (type casts), annotations ("@Namespace.Term"), "*" (last)
// or the single "$value" (expand a stream).
type ExpandItem struct {
	Path    []string
	Ref     bool
	Count   bool // Path/$count
	Options *Query
	Levels  int
}

// Search is a $search expression.
type Search interface{ search() }

// SearchTerm is a word or a "quoted phrase". A single-quoted $search
// value (the 4.01 "incomplete expression" form, $search='"blue') is taken
// verbatim as one phrase.
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
	// the gateway answers 501. Names are lower case with the '$'.
	Unsupported []string
}

// SegmentKind is the kind of a resource path segment.
type SegmentKind uint8

// Resource path segments.
//
// The URL parser does not know the model, so it reports what the syntax
// tells: the first simple identifier is SegEntitySet (it may be a
// singleton or a function/action import), later simple identifiers are
// SegNavigation (they may be properties, key-as-segment values, or
// unqualified operations), a qualified name without parentheses is
// SegOperation with nil Args (it may be a type cast), a qualified name
// with named parameters is SegOperation with Args, and a qualified name
// followed by an unnamed key (Model.Sub(1)) is SegCast with Keys. The
// gateway re-classifies segments with the model.
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
	SegEntity                        // $entity (followed by an optional SegCast)
	SegAll                           // $all
	SegCrossjoin                     // $crossjoin(A,B): Names
	SegFilter                        // $filter(expr): Filter; Keys when followed by a key predicate
	SegEach                          // $each
	SegQuery                         // $query
	SegKeyOrIndex                    // a segment that is not a name: a key as segment (Customers/1, People/O'Neil) or an ordinal index (Names/-1); Name is the decoded text
)

// KeyValue is one key property value; Name is "" for a single unnamed key.
type KeyValue struct {
	Name  string
	Value *Literal
	Alias string // a key given as a parameter alias not (yet) resolved to a literal; Value is nil then
}

// Segment is one segment of a resource path.
type Segment struct {
	Kind SegmentKind
	Name string
	Keys []KeyValue
	// Args are function parameters, each a *Literal or an *Alias (an
	// *Array, *Object or other expression once an alias is resolved).
	// For SegOperation nil Args means no parentheses (an action, a
	// function called without them, or a cast); an empty non-nil map
	// means F().
	Args map[string]Expr
	// Filter is the condition of SegFilter.
	Filter Expr
	// Names are the entity sets of SegCrossjoin.
	Names []string
}

// ResourcePath is the decoded path below the service root.
type ResourcePath struct {
	Segments []Segment
}
