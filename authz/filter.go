package authz

import (
	"fmt"

	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	"github.com/cedar-policy/cedar-go/x/exp/eval"

	odata "github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/identity"
	"github.com/temperhq/temper/store"
)

// Pseudo-properties a read filter may name besides the entity's own
// properties (and status): the canonical key and the creator's UID text.
const (
	KeyProperty     = store.KeyProperty
	CreatorProperty = store.CreatorProperty
)

// Filter restricts a list to what a principal may read.
type Filter struct {
	// All: every entity of the set is readable; None: none is.
	All, None bool
	// Expr, when neither All nor None, is the condition on the
	// projection (properties, status, KeyProperty, CreatorProperty).
	Expr odata.Expr
	// Exact is false when some policy could not be translated: the
	// caller must then check Authorize per entity (Expr is unset).
	Exact bool
}

// ReadFilter partially evaluates app's policies for action (ActRead) by
// principal on an unknown resource of entityType, and translates the
// residual conditions into a filter: OR of the permits, AND NOT of each
// forbid. Policies that become false drop out; a policy that becomes true
// makes the set readable (or, a forbid, unreadable).
func (e *Engine) ReadFilter(app string, principal identity.Principal, action, entityType string, context map[string]any) Filter {
	entities, cr := request(Request{Principal: principal, Action: action, Resource: Resource{Type: entityType}, Context: context})
	env := eval.Env{
		Entities:  entities,
		Principal: cr.Principal,
		Action:    cr.Action,
		Resource:  eval.Variable("resource"),
		Context:   cr.Context,
	}
	var permits, forbids []odata.Expr
	permitAll := false
	set := e.policies(app)
	for _, id := range set.ids {
		p := set.ps.Get(id)
		residual, keep := eval.PartialPolicy(env, (*xast.Policy)(p.AST()))
		if !keep {
			continue
		}
		x, err := translate(eval.PolicyToNode(residual).AsIsNode(), entityType)
		if err != nil {
			return Filter{Exact: false}
		}
		if p.Effect() == types.Forbid {
			if isTrue(x) {
				return Filter{None: true, Exact: true}
			}
			if !isFalse(x) {
				forbids = append(forbids, x)
			}
			continue
		}
		switch {
		case isTrue(x):
			permitAll = true
		case !isFalse(x):
			permits = append(permits, x)
		}
	}
	var cond odata.Expr
	switch {
	case permitAll:
	case len(permits) == 0:
		return Filter{None: true, Exact: true}
	default:
		cond = join(odata.OpOr, permits)
	}
	for _, f := range forbids {
		cond = and(cond, &odata.Unary{Op: odata.OpNot, X: f})
	}
	if cond == nil {
		return Filter{All: true, Exact: true}
	}
	return Filter{Expr: cond, Exact: true}
}

func join(op odata.BinaryOp, xs []odata.Expr) odata.Expr {
	out := xs[0]
	for _, x := range xs[1:] {
		out = &odata.Binary{Op: op, L: out, R: x}
	}
	return out
}

func and(a, b odata.Expr) odata.Expr {
	if a == nil {
		return b
	}
	return &odata.Binary{Op: odata.OpAnd, L: a, R: b}
}

func lit(b bool) odata.Expr { return &odata.Literal{Kind: odata.LitBool, Value: b} }

func isTrue(x odata.Expr) bool {
	l, ok := x.(*odata.Literal)
	return ok && l.Kind == odata.LitBool && l.Value == true
}

func isFalse(x odata.Expr) bool {
	l, ok := x.(*odata.Literal)
	return ok && l.Kind == odata.LitBool && l.Value == false
}

// errUntranslatable marks a residual the projection cannot evaluate.
type errUntranslatable struct{ what string }

func (e errUntranslatable) Error() string { return "cannot translate " + e.what }

func untranslatable(n xast.IsNode) error { return errUntranslatable{fmt.Sprintf("%T", n)} }

// translate turns a residual Cedar condition on `resource` into an OData
// expression over the projection.
func translate(n xast.IsNode, entityType string) (odata.Expr, error) {
	switch v := n.(type) {
	case xast.NodeValue:
		if b, ok := v.Value.(types.Boolean); ok {
			return lit(bool(b)), nil
		}
	case xast.NodeTypeAnd:
		return binary(odata.OpAnd, v.Left, v.Right, entityType)
	case xast.NodeTypeOr:
		return binary(odata.OpOr, v.Left, v.Right, entityType)
	case xast.NodeTypeNot:
		x, err := translate(v.Arg, entityType)
		if err != nil {
			return nil, err
		}
		return &odata.Unary{Op: odata.OpNot, X: x}, nil
	case xast.NodeTypeIs:
		if isResource(v.Left) {
			return lit(string(v.EntityType) == entityType), nil
		}
	case xast.NodeTypeHas:
		if prop, ok := attribute(v.Arg, string(v.Value)); ok {
			if prop == CreatorProperty {
				return &odata.Binary{Op: odata.OpNe, L: path(prop), R: &odata.Literal{Kind: odata.LitString, Value: ""}}, nil
			}
			return &odata.Binary{Op: odata.OpNe, L: path(prop), R: &odata.Literal{Kind: odata.LitNull}}, nil
		}
	case xast.NodeTypeEquals:
		return compare(odata.OpEq, v.Left, v.Right, entityType)
	case xast.NodeTypeNotEquals:
		return compare(odata.OpNe, v.Left, v.Right, entityType)
	case xast.NodeTypeLessThan:
		return compare(odata.OpLt, v.Left, v.Right, entityType)
	case xast.NodeTypeLessThanOrEqual:
		return compare(odata.OpLe, v.Left, v.Right, entityType)
	case xast.NodeTypeGreaterThan:
		return compare(odata.OpGt, v.Left, v.Right, entityType)
	case xast.NodeTypeGreaterThanOrEqual:
		return compare(odata.OpGe, v.Left, v.Right, entityType)
	}
	return nil, untranslatable(n)
}

func binary(op odata.BinaryOp, l, r xast.IsNode, entityType string) (odata.Expr, error) {
	a, err := translate(l, entityType)
	if err != nil {
		return nil, err
	}
	b, err := translate(r, entityType)
	if err != nil {
		return nil, err
	}
	// Fold constants so "true && x" stays x and the caller can spot
	// trivially true or false residuals.
	switch {
	case op == odata.OpAnd && (isFalse(a) || isFalse(b)):
		return lit(false), nil
	case op == odata.OpOr && (isTrue(a) || isTrue(b)):
		return lit(true), nil
	case isTrue(a) && op == odata.OpAnd, isFalse(a) && op == odata.OpOr:
		return b, nil
	case isTrue(b) && op == odata.OpAnd, isFalse(b) && op == odata.OpOr:
		return a, nil
	}
	return &odata.Binary{Op: op, L: a, R: b}, nil
}

func isResource(n xast.IsNode) bool {
	switch v := n.(type) {
	case xast.NodeTypeVariable:
		return v.Name == "resource"
	case xast.NodeValue:
		uid, ok := v.Value.(types.EntityUID)
		if !ok {
			return false
		}
		name, ok := eval.ToVariable(uid)
		return ok && name == "resource"
	}
	return false
}

// attribute recognises resource.<name>.
func attribute(n xast.IsNode, name string) (string, bool) {
	if !isResource(n) {
		return "", false
	}
	if name == "creator" {
		return CreatorProperty, true
	}
	return name, true
}

func path(name string) odata.Expr { return &odata.Path{Segments: []string{name}} }

// compare translates resource == UID, resource.attr <op> literal and the
// mirrored forms.
func compare(op odata.BinaryOp, l, r xast.IsNode, entityType string) (odata.Expr, error) {
	if _, ok := r.(xast.NodeValue); !ok {
		l, r = r, l
		op = mirror(op)
	}
	val, ok := r.(xast.NodeValue)
	if !ok {
		return nil, untranslatable(l)
	}
	if isResource(l) {
		uid, ok := val.Value.(types.EntityUID)
		if !ok || (op != odata.OpEq && op != odata.OpNe) {
			return nil, untranslatable(l)
		}
		if string(uid.Type) != entityType {
			return lit(op == odata.OpNe), nil
		}
		return &odata.Binary{Op: op, L: path(KeyProperty), R: &odata.Literal{Kind: odata.LitString, Value: string(uid.ID)}}, nil
	}
	access, ok := l.(xast.NodeTypeAccess)
	if !ok {
		return nil, untranslatable(l)
	}
	prop, ok := attribute(access.Arg, string(access.Value))
	if !ok {
		return nil, untranslatable(l)
	}
	var x *odata.Literal
	switch v := val.Value.(type) {
	case types.String:
		x = &odata.Literal{Kind: odata.LitString, Value: string(v)}
	case types.Long:
		x = &odata.Literal{Kind: odata.LitInt, Value: int64(v)}
	case types.Boolean:
		x = &odata.Literal{Kind: odata.LitBool, Value: bool(v)}
	case types.EntityUID:
		if prop != CreatorProperty || (op != odata.OpEq && op != odata.OpNe) {
			return nil, untranslatable(l)
		}
		x = &odata.Literal{Kind: odata.LitString, Value: identity.Principal{Kind: string(v.Type), ID: string(v.ID)}.String()}
	default:
		return nil, untranslatable(l)
	}
	return &odata.Binary{Op: op, L: path(prop), R: x}, nil
}

func mirror(op odata.BinaryOp) odata.BinaryOp {
	switch op {
	case odata.OpLt:
		return odata.OpGt
	case odata.OpLe:
		return odata.OpGe
	case odata.OpGt:
		return odata.OpLt
	case odata.OpGe:
		return odata.OpLe
	}
	return op
}
