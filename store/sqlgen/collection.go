package sqlgen

import (
	"strings"

	"github.com/temperhq/temper/api/odata/ast"
	"github.com/temperhq/temper/store/internal/model"
)

// count is the number of elements of the primitive collection c, or of
// those for which filter holds: labels/$count, labels/$count($filter=
// $this eq 'x'), labels/$filter($this eq 'x')/$count. In filter, $this
// is the element and $it the entity.
func (b *builder) count(c val, filter ast.Expr) (val, error) {
	doc, path := "t."+b.t.Doc, b.path(c.prop)
	if filter == nil {
		return val{sql: b.d.ArrayLength(doc, path), kind: model.KindInt}, nil
	}
	alias := b.newAlias()
	b.scopes = append(b.scopes, scope{name: "$this", v: val{sql: b.d.Element(alias, c.kind), kind: c.kind}})
	b.members++
	exact := b.exact
	b.exact = false // the condition is a condition of its own
	cond, err := b.cond(filter)
	b.exact = exact
	b.members--
	b.scopes = b.scopes[:len(b.scopes)-1]
	if err != nil {
		return val{}, err
	}
	return val{sql: "(SELECT count(*) FROM " + b.d.Elements(doc, path, alias) + " WHERE " + cond + ")", kind: model.KindInt}, nil
}

// collectionEqual translates the structural comparison of a primitive
// collection with a JSON array (labels eq ["a","b"], ["a"] ne labels):
// equal when both have the same length and equal elements in the same
// order (OData 4.01 Part 2, 5.1.1.1.1). An unset collection is empty.
func (b *builder) collectionEqual(x *ast.Binary) (val, error) {
	arr, other := x.R, x.L
	if _, ok := x.L.(*ast.Array); ok {
		arr, other = x.L, x.R
	}
	items := arr.(*ast.Array).Items
	exact := b.exact
	b.exact = true
	defer func() { b.exact = exact }()
	c, err := b.expr(other)
	if err != nil {
		return val{}, err
	}
	if !c.coll {
		return val{}, qerr(x.Off, "a JSON array can only be compared with a collection")
	}
	doc, path := "t."+b.t.Doc, b.path(c.prop)
	parts := []string{"(" + b.d.ArrayLength(doc, path) + " = " + b.bind(model.KindInt, int64(len(items))) + ")"}
	elem := val{kind: c.kind}
	for i, it := range items {
		switch it.(type) {
		case *ast.Array, *ast.Object:
			return val{}, qerr(it.Offset(), "cannot compare an element of a collection of %s with a JSON array or object", kindName(c.kind))
		}
		v, err := b.against(it, elem, ast.OpEq)
		if err != nil {
			return val{}, err
		}
		if v.coll || !v.null && !comparable(c.kind, v.kind) {
			return val{}, qerr(it.Offset(), "cannot compare %s with %s", kindName(c.kind), kindName(v.kind))
		}
		e := b.d.ElementAt(doc, path, b.bind(model.KindInt, int64(i)), c.kind)
		parts = append(parts, b.d.NullSafeEq(e, v.sql))
	}
	sql := "(" + strings.Join(parts, " AND ") + ")"
	if x.Op == ast.OpNe {
		sql = "(NOT " + sql + ")"
	}
	return val{sql: sql, kind: model.KindBool}, nil
}

// collectionsEqual translates the structural comparison of two primitive
// collection properties (labels eq tags): the same length, and each
// element of l equal to the element of r at its index.
func (b *builder) collectionsEqual(x *ast.Binary, l, r val) (val, error) {
	if !comparable(l.kind, r.kind) {
		return val{}, qerr(x.Off, "cannot compare collections of %s and %s", kindName(l.kind), kindName(r.kind))
	}
	doc := "t." + b.t.Doc
	lp, rp := b.path(l.prop), b.path(r.prop)
	alias := b.newAlias()
	other := b.d.ElementAt(doc, rp, b.d.ElementIndex(alias), r.kind)
	sql := "(" + b.d.ArrayLength(doc, lp) + " = " + b.d.ArrayLength(doc, rp) + " AND NOT EXISTS (SELECT 1 FROM " +
		b.d.Elements(doc, lp, alias) + " WHERE NOT " + b.d.NullSafeEq(b.d.Element(alias, l.kind), other) + "))"
	if x.Op == ast.OpNe {
		sql = "(NOT " + sql + ")"
	}
	return val{sql: sql, kind: model.KindBool}, nil
}

// inCollection translates x in Collection: true when some element equals
// x (null equal to null).
func (b *builder) inCollection(x *ast.Binary) (val, error) {
	if _, ok := x.R.(*ast.Path); !ok {
		return val{}, unsupported(x.Off, "in with a collection expression other than a collection property on the right")
	}
	c, err := b.expr(x.R)
	if err != nil {
		return val{}, err
	}
	if !c.coll {
		return val{}, qerr(x.Off, "the right side of in must be a list or a collection")
	}
	l, err := b.against(x.L, val{kind: c.kind}, ast.OpEq)
	if err != nil {
		return val{}, err
	}
	if l.coll || !l.null && !comparable(l.kind, c.kind) {
		return val{}, qerr(x.Off, "cannot compare %s with %s", kindName(l.kind), kindName(c.kind))
	}
	alias := b.newAlias()
	return val{sql: "(EXISTS (SELECT 1 FROM " + b.d.Elements("t."+b.t.Doc, b.path(c.prop), alias) + " WHERE " +
		b.d.NullSafeEq(b.d.Element(alias, c.kind), l.sql) + "))", kind: model.KindBool}, nil
}
