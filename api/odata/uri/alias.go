package uri

import (
	"fmt"
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
)

// Parameter aliases are substituted after parsing, when all definitions
// of a scope are known (nested options may define an alias after using
// it). Scopes nest like the options: the query, each $expand or $select
// item's options, and the inside of $filter(...) and $count(...) path
// segments. An alias is substituted in its own scope; into deeper scopes
// only when its value does not depend on where it is evaluated (it
// mentions no relative path, $this or lambda), because there $this and
// relative paths mean something else. Otherwise it stays an ast.Alias (or
// a Path starting with "@name") for the gateway to refuse or evaluate.

type scope struct {
	parent *scope
	defs   map[string]*aliasDef
}

type aliasDef struct {
	name  string
	expr  ast.Expr // as parsed
	sc    *scope
	state uint8 // 0 unresolved, 1 resolving, 2 resolved
	val   ast.Expr
	size  int  // nodes of val, substitutions included
	free  bool // val may be substituted into deeper scopes
}

func newScope(parent *scope, aliases map[string]ast.Expr) *scope {
	sc := &scope{parent: parent}
	if len(aliases) > 0 {
		sc.defs = make(map[string]*aliasDef, len(aliases))
		for name, e := range aliases {
			sc.defs[name] = &aliasDef{name: name, expr: e, sc: sc}
		}
	}
	return sc
}

// substituter substitutes aliases in one option's trees. It counts the
// nodes of the result, and bounds the nodes that substitution adds (an
// alias may use another twice, and so on).
type substituter struct {
	option string
	nodes  int // of the result: visited nodes plus substituted trees
	added  int // by substitution
}

func (sb *substituter) fail(off int, format string, args ...any) {
	panic(bailout{&SyntaxError{Option: sb.option, Offset: off, Msg: fmt.Sprintf(format, args...)}})
}

func (sb *substituter) substituted(n int) {
	sb.nodes += n
	sb.added += n
	if sb.added > MaxNodes {
		sb.fail(0, "more than %d nodes once parameter aliases are substituted", MaxNodes)
	}
}

func (sb *substituter) lookup(name string, sc *scope) (ast.Expr, bool) {
	d := 0
	for s := sc; s != nil; s = s.parent {
		if def, ok := s.defs[name]; ok {
			sb.resolve(def)
			if d > 0 && !def.free {
				return nil, false
			}
			sb.substituted(def.size)
			return def.val, true
		}
		d++
	}
	return nil, false
}

func (sb *substituter) resolve(def *aliasDef) {
	switch def.state {
	case 2:
		return
	case 1:
		panic(bailout{&SyntaxError{Option: "@" + def.name, Msg: fmt.Sprintf("parameter alias @%s refers to itself", def.name)}})
	}
	def.state = 1
	in := &substituter{option: "@" + def.name}
	def.val = in.expr(def.expr, def.sc)
	def.size = in.nodes
	def.free = isFree(def.val)
	def.state = 2
}

// substQuery substitutes aliases in q and its nested options, in place;
// option names the top-level option for errors ("" at the top).
func substQuery(q *ast.Query, parent *scope, option string) {
	sc := newScope(parent, q.Aliases)
	name := func(n string) string {
		if option != "" {
			return option
		}
		return n
	}
	if q.Filter != nil {
		sb := &substituter{option: name("$filter")}
		q.Filter = sb.expr(q.Filter, sc)
	}
	if len(q.OrderBy) > 0 {
		sb := &substituter{option: name("$orderby")}
		for i := range q.OrderBy {
			q.OrderBy[i].Expr = sb.expr(q.OrderBy[i].Expr, sc)
		}
	}
	for i := range q.Select {
		if q.Select[i].Options != nil {
			substQuery(q.Select[i].Options, sc, name("$select"))
		}
	}
	for i := range q.Expand {
		if q.Expand[i].Options != nil {
			substQuery(q.Expand[i].Options, sc, name("$expand"))
		}
	}
	for n, def := range sc.defs {
		(&substituter{option: "@" + n}).resolve(def)
		q.Aliases[n] = def.val
	}
}

// isAliasSegment reports whether a path's first segment may be a
// parameter alias (@name without namespace or qualifier).
func isAliasSegment(s string) bool {
	return strings.HasPrefix(s, "@") && !strings.ContainsAny(s, ".#")
}

// expr returns e with aliases substituted, sharing unchanged subtrees.
func (sb *substituter) expr(e ast.Expr, sc *scope) ast.Expr {
	if e == nil {
		return nil
	}
	sb.nodes++
	switch n := e.(type) {
	case *ast.Alias:
		if v, ok := sb.lookup(n.Name, sc); ok {
			return v
		}
	case *ast.Path:
		return sb.path(n, sc)
	case *ast.Unary:
		if x := sb.expr(n.X, sc); x != n.X {
			return &ast.Unary{Off: n.Off, Op: n.Op, X: x}
		}
	case *ast.Binary:
		l, r := sb.expr(n.L, sc), sb.expr(n.R, sc)
		if n.Op == ast.OpIn {
			r = listify(r)
		}
		if l != n.L || r != n.R {
			return &ast.Binary{Off: n.Off, Op: n.Op, L: l, R: r}
		}
	case *ast.List:
		if items, ok := sb.exprs(n.Items, sc); ok {
			return &ast.List{Off: n.Off, Items: items}
		}
	case *ast.Array:
		if items, ok := sb.exprs(n.Items, sc); ok {
			return &ast.Array{Off: n.Off, Items: items}
		}
	case *ast.Call:
		if args, ok := sb.exprs(n.Args, sc); ok {
			return &ast.Call{Off: n.Off, Name: n.Name, Args: args, ArgNames: n.ArgNames}
		}
	case *ast.Object:
		var ms []ast.Member
		for i, m := range n.Members {
			v := sb.expr(m.Value, sc)
			if v != m.Value && ms == nil {
				ms = append([]ast.Member(nil), n.Members...)
			}
			if ms != nil {
				ms[i].Value = v
			}
		}
		if ms != nil {
			return &ast.Object{Off: n.Off, Members: ms}
		}
	case *ast.Lambda:
		path := sb.path(n.Path, sc)
		body := sb.expr(n.Body, sc)
		if path != n.Path || body != n.Body {
			return &ast.Lambda{Off: n.Off, Path: path, All: n.All, Var: n.Var, Body: body}
		}
	}
	return e
}

// exprs substitutes in a list; ok reports a change (and a new slice).
func (sb *substituter) exprs(list []ast.Expr, sc *scope) ([]ast.Expr, bool) {
	var out []ast.Expr
	for i, e := range list {
		v := sb.expr(e, sc)
		if v != e && out == nil {
			out = append([]ast.Expr(nil), list...)
		}
		if out != nil {
			out[i] = v
		}
	}
	return out, out != nil
}

func (sb *substituter) path(n *ast.Path, sc *scope) *ast.Path {
	segs, params := n.Segments, n.Params
	changed := false
	if isAliasSegment(segs[0]) {
		if v, ok := sb.lookup(segs[0][1:], sc); ok {
			vp, isPath := v.(*ast.Path)
			if !isPath {
				sb.fail(n.Off, "parameter alias %s is followed by a path, but its value is not a path", segs[0])
			}
			segs = append(append([]string(nil), vp.Segments...), n.Segments[1:]...)
			if vp.Params != nil || n.Params != nil {
				params = make([]*ast.PathParams, len(segs))
				copy(params, vp.Params)
				if len(n.Params) > 1 {
					copy(params[len(vp.Segments):], n.Params[1:])
				}
			}
			changed = true
		}
	}
	var np []*ast.PathParams
	for i, pp := range params {
		if pp == nil {
			continue
		}
		if q := sb.params(pp, sc); q != pp {
			if np == nil {
				np = append([]*ast.PathParams(nil), params...)
			}
			np[i] = q
		}
	}
	if np != nil {
		params, changed = np, true
	}
	if !changed {
		return n
	}
	return &ast.Path{Off: n.Off, Segments: segs, Params: params}
}

func (sb *substituter) params(pp *ast.PathParams, sc *scope) *ast.PathParams {
	c := *pp
	changed := false
	if args, ok := sb.exprs(pp.Args, sc); ok {
		c.Args, changed = args, true
	}
	if ks, ok := sb.keys(pp.Keys, sc); ok {
		c.Keys, changed = ks, true
	}
	inner := &scope{parent: sc}
	if pp.Filter != nil {
		if f := sb.expr(pp.Filter, inner); f != pp.Filter {
			c.Filter, changed = f, true
		}
	}
	if pp.Options != nil && pp.Options.Filter != nil {
		if f := sb.expr(pp.Options.Filter, inner); f != pp.Options.Filter {
			q := *pp.Options
			q.Filter = f
			c.Options, changed = &q, true
		}
	}
	if !changed {
		return pp
	}
	return &c
}

// keys resolves key aliases whose value is a literal.
func (sb *substituter) keys(ks []ast.KeyValue, sc *scope) ([]ast.KeyValue, bool) {
	var out []ast.KeyValue
	for i, k := range ks {
		if k.Alias == "" {
			continue
		}
		v, ok := sb.lookup(k.Alias, sc)
		lit, isLit := v.(*ast.Literal)
		if !ok || !isLit || !isKeyValue(lit) {
			continue
		}
		if out == nil {
			out = append([]ast.KeyValue(nil), ks...)
		}
		out[i] = ast.KeyValue{Name: k.Name, Value: lit}
	}
	return out, out != nil
}

// isFree reports whether e means the same wherever it is evaluated.
func isFree(e ast.Expr) bool {
	switch n := e.(type) {
	case nil, *ast.Literal, *ast.TypeName:
		return true
	case *ast.Path:
		if n.Segments[0] != "$it" && n.Segments[0] != "$root" {
			return false
		}
		for _, pp := range n.Params {
			if pp == nil {
				continue
			}
			for _, a := range pp.Args {
				if !isFree(a) {
					return false
				}
			}
			for _, k := range pp.Keys {
				if k.Alias != "" {
					return false
				}
			}
		}
		return true
	case *ast.Unary:
		return isFree(n.X)
	case *ast.Binary:
		return isFree(n.L) && isFree(n.R)
	case *ast.List:
		return allFree(n.Items)
	case *ast.Array:
		return allFree(n.Items)
	case *ast.Call:
		return allFree(n.Args)
	case *ast.Object:
		for _, m := range n.Members {
			if !isFree(m.Value) {
				return false
			}
		}
		return true
	}
	return false
}

func allFree(es []ast.Expr) bool {
	for _, e := range es {
		if !isFree(e) {
			return false
		}
	}
	return true
}
