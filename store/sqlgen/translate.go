package sqlgen

import (
	"fmt"
	"strings"
	"time"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// Column is a typed column of an entity set's table, as the store's
// catalog assigned it.
type Column struct {
	// Name is the SQL column name (from the catalog, never from a query).
	Name string
	Kind model.Kind
}

// Table is where an entity set lives. All names are the store's own; the
// table is aliased t in generated SQL.
type Table struct {
	Name string
	// Select is the column list a page returns, e.g. "t.key, t.fields".
	Select string
	// Doc is the JSON document column; Key, Status and Creator the fixed
	// columns.
	Doc, Key, Status, Creator string
	// Columns are the typed columns by property name. A property of the
	// query's schema without one (or with a different kind) is read from
	// the JSON document: correct, but not indexed.
	Columns map[string]Column
}

// val is a translated expression.
type val struct {
	sql  string
	kind model.Kind
	null bool // the null literal
	lit  bool // a bound non-null literal: never null
	coll bool // a collection property (named by prop)
	prop string
	// enum is the enumeration type of a member name (a property of the
	// type, or a literal): it compares only with its own type, and orders
	// by member value.
	enum string
}

func (v val) isBool() bool { return v.kind == model.KindBool && !v.coll && !v.null }

type scope struct {
	name string
	v    val
}

// builder accumulates arguments while translating one query.
type builder struct {
	d      Dialect
	t      Table
	schema model.Schema
	key    string // the single string key property, "" for an integer or compound key
	now    time.Time
	args   []any
	paths  map[string]string
	scopes []scope
	alias  int
	// exact is set below a not: there a comparison must be false, not
	// unknown, when an operand is null (OData's comparisons are
	// two-valued; null Boolean values stay null).
	exact bool
	// restrict admits the pseudo-properties of an authorization filter
	// (model.KeyProperty, model.CreatorProperty), which no URL can name.
	restrict bool
	// members counts the enclosing $filter options of primitive
	// collections (labels/$count($filter=...)): there names are relative
	// to the element ($this), so plain property names mean nothing.
	members int
}

func newBuilder(d Dialect, t Table, s model.Schema, now time.Time) (*builder, error) {
	s, err := s.Normalized()
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	return &builder{d: d, t: t, schema: s, key: s.SimpleKey(), now: now, paths: map[string]string{}}, nil
}

// bind adds an argument of kind k and returns its placeholder.
func (b *builder) bind(k model.Kind, v any) string {
	b.args = append(b.args, b.d.Arg(k, v))
	return b.d.Param(len(b.args), k)
}

func (b *builder) lit(k model.Kind, v any) val { return val{sql: b.bind(k, v), kind: k, lit: true} }

// path binds the JSON path of a property once per query.
func (b *builder) path(prop string) string {
	if p, ok := b.paths[prop]; ok {
		return p
	}
	b.args = append(b.args, b.d.JSONPathArg(prop))
	p := b.d.Param(len(b.args), model.KindUnsupported)
	b.paths[prop] = p
	return p
}

func qerr(off int, format string, a ...any) error {
	return &model.QueryError{Offset: off, Msg: fmt.Sprintf(format, a...)}
}

func unsupported(off int, what string) error { return &model.UnsupportedError{Offset: off, What: what} }

// Filter translates a Boolean expression (a $filter) into an SQL
// condition. It is what List uses; tests and the fuzzer call it directly.
func Filter(d Dialect, t Table, s model.Schema, e ast.Expr, now time.Time) (string, []any, error) {
	b, err := newBuilder(d, t, s, now)
	if err != nil {
		return "", nil, err
	}
	c, err := b.cond(e)
	if err != nil {
		return "", nil, err
	}
	return c, b.args, nil
}

// cond translates a Boolean expression used as a condition.
func (b *builder) cond(e ast.Expr) (string, error) {
	v, err := b.expr(e)
	if err != nil {
		return "", err
	}
	if !v.isBool() {
		return "", qerr(e.Offset(), "the expression is not Boolean")
	}
	return v.sql, nil
}

func (b *builder) expr(e ast.Expr) (val, error) {
	switch x := e.(type) {
	case nil:
		return val{}, qerr(-1, "missing expression")
	case *ast.Literal:
		switch x.Kind {
		case ast.LitNull:
			return val{sql: "NULL", null: true}, nil
		case ast.LitEnum:
			return b.enumLiteral(x)
		}
		k, v, err := literal(x)
		if err != nil {
			return val{}, err
		}
		if k == model.KindBool {
			if v.(bool) {
				return val{sql: "TRUE", kind: k, lit: true}, nil
			}
			return val{sql: "FALSE", kind: k, lit: true}, nil
		}
		return b.lit(k, v), nil
	case *ast.Alias:
		// OData: a parameter alias without a value is null.
		return val{sql: "NULL", null: true}, nil
	case *ast.Path:
		return b.pathExpr(x)
	case *ast.Unary:
		return b.unary(x)
	case *ast.Binary:
		return b.binary(x)
	case *ast.List:
		return val{}, qerr(x.Off, "a list is only allowed after in")
	case *ast.Call:
		return b.call(x)
	case *ast.Lambda:
		return b.lambda(x)
	case *ast.Array:
		return val{}, unsupported(x.Off, "a JSON array other than the right side of in or the operand of eq and ne with a collection")
	case *ast.TypeName:
		return val{}, qerr(x.Off, "a type name is only allowed as the last argument of cast and isof")
	}
	return val{}, unsupported(e.Offset(), fmt.Sprintf("expression %T", e))
}

// value binds the canonical value v of kind k: a Boolean as TRUE or
// FALSE, anything else as an argument.
func (b *builder) value(k model.Kind, v any) val {
	if k == model.KindBool {
		if v.(bool) {
			return val{sql: "TRUE", kind: k, lit: true}
		}
		return val{sql: "FALSE", kind: k, lit: true}
	}
	return b.lit(k, v)
}

// enumLiteral translates Namespace.Type'Member' (a member name or value)
// to the member name, which is what a property of the type holds. A type
// the schema does not list the members of is 501 when a property has it,
// unknown (400) otherwise; combined flags are 501.
func (b *builder) enumLiteral(l *ast.Literal) (val, error) {
	ev, ok := l.Value.(ast.EnumValue)
	if !ok {
		return val{}, qerr(l.Off, "malformed enumeration literal")
	}
	e, ok := b.schema.Enums[ev.Type]
	if !ok {
		for _, typ := range b.schema.Properties {
			if strings.TrimSuffix(strings.TrimPrefix(typ, "Collection("), ")") == ev.Type {
				return val{}, unsupported(l.Off, "enumeration literals: the store's schema does not list the members of "+ev.Type)
			}
		}
		return val{}, qerr(l.Off, "unknown enumeration type %q: no property of this entity set has it", ev.Type)
	}
	if len(ev.Members) != 1 && !e.Flags {
		return val{}, qerr(l.Off, "%s is not a flags enumeration: a literal names one member", ev.Type)
	}
	return b.enumMember(l.Off, ev.Type, e, strings.Join(ev.Members, ","))
}

// enumMember binds the member s (a name or a value; for a flags
// enumeration a comma-separated list of them) of enumeration typ, as the
// entity holds it.
func (b *builder) enumMember(off int, typ string, e model.Enum, s string) (val, error) {
	name := ""
	if e.Flags {
		c, ok := e.Canonical(strings.Split(s, ","))
		if !ok {
			return val{}, qerr(off, "%s has no members %s", typ, quote(s))
		}
		name = c
	} else {
		m, ok := e.Member(s)
		if !ok {
			return val{}, qerr(off, "%s has no member %s", typ, quote(s))
		}
		name = m.Name
	}
	v := b.lit(model.KindString, name)
	v.enum = typ
	return v, nil
}

// flagsHas is x has literal for a flags enumeration: every member the
// literal names is among x's (held as comma-separated names).
func (b *builder) flagsHas(x, lit val, names string) val {
	hay := "(" + b.bind(model.KindString, ",") + " || " + x.sql + " || " + b.bind(model.KindString, ",") + ")"
	var conds []string
	for _, n := range strings.Split(names, ",") {
		if n == "" {
			continue
		}
		conds = append(conds, "("+b.d.Func("instr", hay, b.bind(model.KindString, ","+n+","))+" > 0)")
	}
	// The literal stays in the SQL so that its parameter is referenced.
	conds = append(conds, "("+lit.sql+" IS NOT NULL)")
	return b.compared("(" + strings.Join(conds, " AND ") + ")")
}

// enumOrdinal is the member value of v, a member name of its enumeration:
// what ordering comparisons and $orderby use.
func (b *builder) enumOrdinal(v val) val {
	e := b.schema.Enums[v.enum]
	var sb strings.Builder
	sb.WriteString("(CASE " + v.sql)
	for _, m := range e.Members {
		sb.WriteString(" WHEN " + b.bind(model.KindString, m.Name) + " THEN " + b.bind(model.KindInt, m.Value))
	}
	sb.WriteString(" END)")
	return val{sql: sb.String(), kind: model.KindInt, lit: v.lit}
}

// property resolves a property of the entity to its column, or to its
// JSON path when the catalog has no column of the right kind.
func (b *builder) property(name string, off int) (val, error) {
	if b.restrict {
		switch name {
		case model.KeyProperty:
			return val{sql: "t." + b.t.Key, kind: model.KindString}, nil
		case model.CreatorProperty:
			if b.t.Creator == "" {
				return val{}, unsupported(off, "the creator of entities in this table")
			}
			return val{sql: "t." + b.t.Creator, kind: model.KindString}, nil
		}
	}
	typName, ok := b.schema.Properties[name]
	if !ok {
		return val{}, qerr(off, "unknown property %q", name)
	}
	if _, ok := b.schema.Enums[typName]; ok {
		// An enumeration property holds a member name (flags: names in
		// declaration order, comma-separated).
		return val{sql: b.d.Extract("t."+b.t.Doc, b.path(name), model.KindString), kind: model.KindString, enum: typName}, nil
	}
	t := parseType(typName)
	if t.Kind == model.KindUnsupported {
		return val{}, unsupported(off, "properties of type "+t.Name)
	}
	if t.Collection {
		return val{kind: t.Kind, coll: true, prop: name}, nil
	}
	switch {
	case name == b.key && b.key != "":
		// A single string key is the key column; the parts of an integer
		// or compound key are typed values in the document.
		return val{sql: "t." + b.t.Key, kind: t.Kind}, nil
	case name == "status":
		if t.Kind != model.KindString {
			return val{}, qerr(off, "status must be Edm.String")
		}
		return val{sql: "t." + b.t.Status, kind: t.Kind}, nil
	}
	if c, ok := b.t.Columns[name]; ok && c.Kind == t.Kind {
		return val{sql: "t." + c.Name, kind: t.Kind}, nil
	}
	return val{sql: b.d.Extract("t."+b.t.Doc, b.path(name), t.Kind), kind: t.Kind}, nil
}

func (b *builder) pathExpr(p *ast.Path) (val, error) {
	segs, params := p.Segments, p.Params
	if len(segs) == 0 {
		return val{}, qerr(p.Off, "empty path")
	}
	for _, s := range segs {
		if strings.HasPrefix(s, "@") {
			return val{}, unsupported(p.Off, "annotations in paths")
		}
	}
	it := segs[0] == "$it"
	if it {
		segs = segs[1:]
		if len(params) > 0 {
			params = params[1:]
		}
		if len(segs) == 0 {
			return val{}, unsupported(p.Off, "$it as a value")
		}
	}
	// What may follow a collection in parentheses: $count's options and
	// a $filter segment's condition. Key predicates, function calls and
	// anything else are not implemented.
	for i, prm := range params {
		switch {
		case prm == nil:
		case i != 1 || len(segs) < 2 || prm.Call || prm.Keys != nil:
			return val{}, unsupported(p.Off, "key predicates, function calls and options in paths")
		case segs[1] == "$count" && prm.Options != nil:
		case segs[1] == "$filter" && prm.Filter != nil:
		default:
			return val{}, unsupported(p.Off, "key predicates, function calls and options in paths")
		}
	}
	if segs[0] == "$root" {
		return val{}, unsupported(p.Off, "$root")
	}
	if !it {
		for i := len(b.scopes) - 1; i >= 0; i-- {
			if b.scopes[i].name == segs[0] {
				if len(segs) > 1 {
					return val{}, unsupported(p.Off, "members of lambda variables and $this (collections of complex types)")
				}
				return b.scopes[i].v, nil
			}
		}
		if segs[0] == "$this" {
			return val{}, unsupported(p.Off, "$this outside the $filter of a collection")
		}
		if b.members > 0 {
			return val{}, qerr(p.Off, "%s: in the $filter of a primitive collection, name the element $this and the entity's properties $it/...", segs[0])
		}
	}
	v, err := b.property(segs[0], p.Off)
	if err != nil {
		if len(segs) > 1 && strings.Contains(segs[0], ".") {
			return val{}, unsupported(p.Off, "type casts in paths")
		}
		return val{}, err
	}
	if len(segs) == 1 {
		return v, nil
	}
	if v.coll {
		param := func(i int) *ast.PathParams {
			if i < len(params) {
				return params[i]
			}
			return nil
		}
		switch {
		case len(segs) == 2 && segs[1] == "$count":
			var filter ast.Expr
			if o := param(1); o != nil {
				if o.Options.Search != nil {
					return val{}, unsupported(p.Off, "$search in the $count of a primitive collection")
				}
				filter = o.Options.Filter
			}
			return b.count(v, filter)
		case len(segs) == 3 && segs[1] == "$filter" && segs[2] == "$count" && param(1) != nil && param(2) == nil:
			return b.count(v, param(1).Filter)
		}
	}
	return val{}, unsupported(p.Off, "navigation and complex property paths")
}

func (b *builder) unary(u *ast.Unary) (val, error) {
	exact := b.exact
	if u.Op == ast.OpNot {
		b.exact = true
	}
	x, err := b.expr(u.X)
	b.exact = exact
	if err != nil {
		return val{}, err
	}
	switch u.Op {
	case ast.OpNot:
		if !x.isBool() {
			return val{}, qerr(u.Off, "not needs a Boolean operand")
		}
		return val{sql: "(NOT " + x.sql + ")", kind: model.KindBool}, nil
	case ast.OpNeg:
		if x.null {
			return x, nil
		}
		if !numeric(x) && (x.kind != KindDuration || x.coll) {
			return val{}, qerr(u.Off, "- needs a number or a duration")
		}
		return val{sql: "(-" + x.sql + ")", kind: x.kind}, nil
	}
	return val{}, unsupported(u.Off, "unary operator")
}

func numeric(v val) bool {
	return !v.coll && !v.null && (v.kind == model.KindInt || v.kind == model.KindDouble)
}

// comparable reports whether two kinds compare with each other.
func comparable(a, b model.Kind) bool {
	group := func(k model.Kind) model.Kind {
		switch k {
		case model.KindDouble:
			return model.KindInt
		case model.KindGuid:
			return model.KindString
		}
		return k
	}
	return group(a) == group(b)
}

var cmpOps = map[ast.BinaryOp]string{ast.OpGt: ">", ast.OpGe: ">=", ast.OpLt: "<", ast.OpLe: "<="}

func (b *builder) binary(x *ast.Binary) (val, error) {
	switch x.Op {
	case ast.OpIn:
		return b.in(x)
	case ast.OpEq, ast.OpNe:
		_, la := x.L.(*ast.Array)
		_, ra := x.R.(*ast.Array)
		if la || ra {
			return b.collectionEqual(x)
		}
	}
	exact := b.exact
	if x.Op != ast.OpAnd && x.Op != ast.OpOr {
		// Operands of comparisons need their exact value.
		b.exact = true
	}
	l, r, err := b.operands(x)
	b.exact = exact
	if err != nil {
		return val{}, err
	}
	if (l.enum != "" || r.enum != "") && l.enum != r.enum && !l.null && !r.null {
		return val{}, qerr(x.Off, "cannot compare %s with %s", typeName(l), typeName(r))
	}
	if x.Op == ast.OpHas {
		// A member of an enumeration that is not a flags one has only
		// itself.
		if l.enum == "" || !r.lit || r.coll {
			return val{}, qerr(x.Off, "has needs an enumeration value on the left and an enumeration literal on the right")
		}
		if b.schema.Enums[l.enum].Flags {
			return b.flagsHas(l, r, b.litText(x.R, l.enum)), nil
		}
		return b.compared("(" + l.sql + " = " + r.sql + ")"), nil
	}
	if l.enum != "" && cmpOps[x.Op] != "" && !l.null && !r.null {
		if b.schema.Enums[l.enum].Flags {
			return val{}, unsupported(x.Off, "ordering comparisons of flags enumerations ("+l.enum+")")
		}
		// Enumerations order by member value.
		l, r = b.enumOrdinal(l), b.enumOrdinal(r)
	}
	if l.coll && r.coll && (x.Op == ast.OpEq || x.Op == ast.OpNe) {
		return b.collectionsEqual(x, l, r)
	}
	if l.coll || r.coll {
		return val{}, qerr(x.Off, "%s does not apply to collections", x.Op)
	}
	switch x.Op {
	case ast.OpAnd, ast.OpOr:
		if !l.isBool() || !r.isBool() {
			return val{}, qerr(x.Off, "%s needs Boolean operands", x.Op)
		}
		op := " AND "
		if x.Op == ast.OpOr {
			op = " OR "
		}
		return val{sql: "(" + l.sql + op + r.sql + ")", kind: model.KindBool}, nil
	case ast.OpEq, ast.OpNe:
		return b.equal(x, l, r)
	case ast.OpGt, ast.OpGe, ast.OpLt, ast.OpLe:
		if l.null || r.null {
			// Ordering against null is false in OData. The operands stay
			// in the SQL so their parameters are still referenced.
			return val{sql: "(" + l.sql + " IS NULL AND " + r.sql + " IS NULL AND FALSE)", kind: model.KindBool}, nil
		}
		if !comparable(l.kind, r.kind) {
			return val{}, qerr(x.Off, "cannot compare %s with %s", kindName(l.kind), kindName(r.kind))
		}
		return b.compared("(" + l.sql + " " + cmpOps[x.Op] + " " + r.sql + ")"), nil
	}
	return b.arith(x, l, r)
}

func (b *builder) equal(x *ast.Binary, l, r val) (val, error) {
	eq := x.Op == ast.OpEq
	switch {
	case l.null && r.null:
		return val{sql: map[bool]string{true: "TRUE", false: "FALSE"}[eq], kind: model.KindBool}, nil
	case l.null || r.null:
		o := l
		if l.null {
			o = r
		}
		if eq {
			return val{sql: "(" + o.sql + " IS NULL)", kind: model.KindBool}, nil
		}
		return val{sql: "(" + o.sql + " IS NOT NULL)", kind: model.KindBool}, nil
	}
	if !comparable(l.kind, r.kind) {
		return val{}, qerr(x.Off, "cannot compare %s with %s", kindName(l.kind), kindName(r.kind))
	}
	if l.lit || r.lit {
		// Against a non-null literal plain = is exact (null = v is
		// unknown, i.e. false) and keeps indexes usable; ne must be true
		// for null.
		if eq {
			return b.compared("(" + l.sql + " = " + r.sql + ")"), nil
		}
		return val{sql: b.d.NullSafeNe(l.sql, r.sql), kind: model.KindBool}, nil
	}
	if eq {
		return val{sql: b.d.NullSafeEq(l.sql, r.sql), kind: model.KindBool}, nil
	}
	return val{sql: b.d.NullSafeNe(l.sql, r.sql), kind: model.KindBool}, nil
}

// compared is a comparison that is unknown when an operand is null: in
// exact mode it is made false.
func (b *builder) compared(sql string) val {
	if b.exact {
		sql = "COALESCE(" + sql + ", FALSE)"
	}
	return val{sql: sql, kind: model.KindBool}
}

func (b *builder) in(x *ast.Binary) (val, error) {
	exact := b.exact
	b.exact = true
	defer func() { b.exact = exact }()
	list, ok := x.R.(*ast.List)
	if !ok {
		return b.inCollection(x)
	}
	l, err := b.expr(x.L)
	if err != nil {
		return val{}, err
	}
	if l.coll {
		return val{}, qerr(x.Off, "in does not apply to collections")
	}
	if len(list.Items) == 0 {
		return val{sql: "(" + l.sql + " IS NULL AND FALSE)", kind: model.KindBool}, nil
	}
	var items []string
	hasNull := false
	for _, it := range list.Items {
		v, err := b.against(it, l, ast.OpEq)
		if err != nil {
			return val{}, err
		}
		if v.null {
			hasNull = true
			continue
		}
		if v.coll || !comparable(l.kind, v.kind) || l.null || l.enum != v.enum {
			return val{}, qerr(it.Offset(), "cannot compare %s with %s", typeName(l), typeName(v))
		}
		items = append(items, v.sql)
	}
	var parts []string
	if len(items) > 0 {
		in := l.sql + " IN (" + strings.Join(items, ", ") + ")"
		if exact {
			in = "COALESCE(" + in + ", FALSE)"
		}
		parts = append(parts, in)
	}
	if hasNull {
		parts = append(parts, l.sql+" IS NULL")
	}
	return val{sql: "(" + strings.Join(parts, " OR ") + ")", kind: model.KindBool}, nil
}

func (b *builder) arith(x *ast.Binary, l, r val) (val, error) {
	if temporal(l) || temporal(r) {
		return b.temporalArith(x, l, r)
	}
	if (!numeric(l) && !l.null) || (!numeric(r) && !r.null) {
		return val{}, qerr(x.Off, "%s needs numbers", x.Op)
	}
	kind := model.KindInt
	if l.kind == model.KindDouble || r.kind == model.KindDouble {
		kind = model.KindDouble
	}
	switch x.Op {
	case ast.OpAdd, ast.OpSub, ast.OpMul:
		op := map[ast.BinaryOp]string{ast.OpAdd: " + ", ast.OpSub: " - ", ast.OpMul: " * "}[x.Op]
		return val{sql: "(" + l.sql + op + r.sql + ")", kind: kind}, nil
	case ast.OpDiv:
		// Integer operands divide as integers (truncating); division by
		// zero is null on both engines.
		if kind == model.KindInt {
			return val{sql: "(" + l.sql + " / NULLIF(" + r.sql + ", 0))", kind: kind}, nil
		}
		return b.fdiv(l, r), nil
	case ast.OpDivBy:
		return b.fdiv(l, r), nil
	case ast.OpMod:
		if kind != model.KindInt {
			return val{}, unsupported(x.Off, "mod on non-integer numbers")
		}
		return val{sql: "(" + l.sql + " % NULLIF(" + r.sql + ", 0))", kind: kind}, nil
	}
	return val{}, unsupported(x.Off, "operator "+x.Op.String())
}

func (b *builder) fdiv(l, r val) val {
	return val{sql: "(" + b.d.ToDouble(l.sql) + " / NULLIF(" + b.d.ToDouble(r.sql) + ", 0))", kind: model.KindDouble}
}

func (b *builder) lambda(x *ast.Lambda) (val, error) {
	if x.Path == nil {
		return val{}, qerr(x.Off, "lambda without a collection")
	}
	c, err := b.pathExpr(x.Path)
	if err != nil {
		return val{}, err
	}
	if !c.coll {
		return val{}, qerr(x.Off, "any and all need a collection")
	}
	alias := b.newAlias()
	from := b.d.Elements("t."+b.t.Doc, b.path(c.prop), alias)
	if x.Body == nil {
		if x.All {
			return val{}, qerr(x.Off, "all needs a lambda expression")
		}
		return val{sql: "(EXISTS (SELECT 1 FROM " + from + "))", kind: model.KindBool}, nil
	}
	if x.Var == "" {
		return val{}, qerr(x.Off, "lambda without a variable")
	}
	if _, clash := b.schema.Properties[x.Var]; clash {
		return val{}, qerr(x.Off, "lambda variable %q is also a property", x.Var)
	}
	b.scopes = append(b.scopes, scope{name: x.Var, v: val{sql: b.d.Element(alias, c.kind), kind: c.kind}})
	exact := b.exact
	b.exact = false // the body is a condition of its own
	body, err := b.cond(x.Body)
	b.exact = exact
	b.scopes = b.scopes[:len(b.scopes)-1]
	if err != nil {
		return val{}, err
	}
	if x.All {
		return val{sql: "(NOT EXISTS (SELECT 1 FROM " + from + " WHERE NOT COALESCE(" + body + ", FALSE)))", kind: model.KindBool}, nil
	}
	return val{sql: "(EXISTS (SELECT 1 FROM " + from + " WHERE " + body + "))", kind: model.KindBool}, nil
}

// newAlias names a FROM item over a collection's elements.
func (b *builder) newAlias() string {
	a := fmt.Sprintf("l%d", b.alias)
	b.alias++
	return a
}

// typeName names the type of v for messages: its enumeration or kind.
func typeName(v val) string {
	if v.enum != "" {
		return v.enum
	}
	return kindName(v.kind)
}

// litText is the canonical member list of the literal e (an enumeration
// literal, or a string facing one) of flags enumeration typ; "" when it
// names none.
func (b *builder) litText(e ast.Expr, typ string) string {
	l, ok := e.(*ast.Literal)
	if !ok {
		return ""
	}
	var members []string
	switch v := l.Value.(type) {
	case ast.EnumValue:
		members = v.Members
	case string:
		members = strings.Split(v, ",")
	}
	c, _ := b.schema.Enums[typ].Canonical(members)
	return c
}
