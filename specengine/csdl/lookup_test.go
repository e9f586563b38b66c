package csdl_test

import (
	"os"
	"slices"
	"testing"

	"github.com/temperhq/temper/specengine/csdl"
)

func setupRich(t *testing.T) *csdl.Model {
	t.Helper()
	m, err := csdl.Parse("rich.csdl.xml", []byte(richDoc))
	if err != nil {
		t.Fatalf("parse:\n%v", err)
	}
	return m
}

func TestEntityTypeLookup(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	cust := m.EntityType("Shop.Model.Customer")
	if cust == nil || cust.Name != "Customer" {
		t.Fatalf("EntityType(Shop.Model.Customer) = %v", cust)
	}
	for _, name := range []string{"S.Customer", "Customer"} {
		if got := m.EntityType(name); got != cust {
			t.Errorf("EntityType(%s) = %v, want the Customer type", name, got)
		}
	}
	for _, name := range []string{"S.Nope", "Nope.Customer", "", "S.Address", "Shop.Vocab.Customer"} {
		if got := m.EntityType(name); got != nil {
			t.Errorf("EntityType(%q) = %v, want nil", name, got)
		}
	}
	if got := m.QualifiedName(cust); got != "Shop.Model.Customer" {
		t.Errorf("QualifiedName = %q", got)
	}
	if got := m.QualifiedName(&csdl.EntityType{Name: "Customer"}); got != "" {
		t.Errorf("QualifiedName of a foreign type = %q, want empty", got)
	}
	if m.ComplexType("S.Address") == nil || m.EnumType("S.Color") == nil || m.EnumType("S.Address") != nil {
		t.Errorf("ComplexType/EnumType lookups failed")
	}
	if got := m.Namespace(); got != "Shop.Model" {
		t.Errorf("Namespace() = %q", got)
	}
	if m.Schema("S") != m.Schema("Shop.Model") || m.Schema("") != nil {
		t.Errorf("Schema lookup by alias failed")
	}
}

func TestInheritedMembers(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	cust := m.EntityType("S.Customer")
	var keys []string
	for _, r := range m.KeyOf(cust) {
		keys = append(keys, r.Name+"="+r.Alias)
	}
	if want := []string{"Id=", "Home/Zip=HomeZip"}; !slices.Equal(keys, want) {
		t.Errorf("KeyOf(Customer) = %v, want %v", keys, want)
	}
	var props []string
	for _, p := range m.AllProperties(cust) {
		props = append(props, p.Name)
	}
	if want := []string{"Extra", "Id", "Home", "Favorite", "Perms", "Tags"}; !slices.Equal(props, want) {
		t.Errorf("AllProperties(Customer) = %v, want %v", props, want)
	}
	big := m.EntityType("S.BigOrder")
	if m.BaseType(big) != m.EntityType("S.Order") {
		t.Errorf("BaseType(BigOrder) is not Order")
	}
	if m.KeyOf(big) == nil || m.Property(big, "Total") == nil || m.NavigationProperty(big, "Customer") == nil {
		t.Errorf("BigOrder does not inherit key and members of Order")
	}
	if m.Property(big, "Nope") != nil || m.NavigationProperty(big, "Total") != nil {
		t.Errorf("lookup of a missing member returned one")
	}
	if len(m.AllNavigationProperties(cust)) != 1 {
		t.Errorf("AllNavigationProperties(Customer) = %v", m.AllNavigationProperties(cust))
	}
}

func TestContainerLookup(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	if c := m.Container(); c == nil || c.Name != "Shop" {
		t.Fatalf("Container() = %v", c)
	}
	if es := m.EntitySet("Orders"); es == nil || es.EntityType != "Shop.Model.Order" {
		t.Errorf("EntitySet(Orders) = %v", es)
	}
	if m.EntitySet("Boss") != nil || m.EntitySet("Nope") != nil {
		t.Errorf("EntitySet found a singleton or a missing set")
	}
	if sg := m.Singleton("Boss"); sg == nil || sg.Type != "S.Customer" {
		t.Errorf("Singleton(Boss) = %v", sg)
	}
	sets := func(name string) []string {
		var out []string
		for _, es := range m.EntitySetsOf(name) {
			out = append(out, es.Name)
		}
		return out
	}
	for name, want := range map[string][]string{
		"S.Customer":          {"Customers"},
		"Shop.Model.Order":    {"Orders"},
		"Order":               {"Orders"},
		"S.BigOrder":          nil,
		"S.Nope":              nil,
		"Shop.Model.Customer": {"Customers"},
	} {
		if got := sets(name); !slices.Equal(got, want) {
			t.Errorf("EntitySetsOf(%s) = %v, want %v", name, got, want)
		}
	}
	if len(m.Actions("S.Approve")) != 2 || len(m.Functions("Shop.Model.Top")) != 1 || m.Actions("X.Approve") != nil {
		t.Errorf("Actions/Functions lookups failed")
	}
}

func TestBoundActions(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	describe := func(bs []csdl.BoundAction) []string {
		var out []string
		for _, b := range bs {
			s := b.Action.Name + "(" + b.Action.Parameters[0].Name + ")"
			if b.Collection {
				s += " on collection"
			}
			out = append(out, s)
		}
		return out
	}
	want := []string{"Approve(order)", "Approve(orders) on collection"}
	if got := describe(m.BoundActions("S.Order")); !slices.Equal(got, want) {
		t.Errorf("BoundActions(Order) = %v, want %v", got, want)
	}
	if got := describe(m.BoundActions("S.BigOrder")); !slices.Equal(got, want) {
		t.Errorf("BoundActions(BigOrder) = %v, want the inherited %v", got, want)
	}
	if got := m.BoundActions("S.Customer"); got != nil {
		t.Errorf("BoundActions(Customer) = %v, want none", describe(got))
	}
	fns := m.BoundFunctions("S.Customer")
	if len(fns) != 1 || fns[0].Function.Name != "Total" || fns[0].Collection {
		t.Errorf("BoundFunctions(Customer) = %v", fns)
	}
	if m.BoundActions("S.Nope") != nil {
		t.Errorf("BoundActions of an unknown type returned actions")
	}
}

func TestResolveType(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	tests := []struct {
		in         string
		ok         bool
		kind       csdl.TypeKind
		name       string
		collection bool
		primitive  string
	}{
		{"Edm.String", true, csdl.KindPrimitive, "Edm.String", false, "Edm.String"},
		{"Collection(Edm.Int32)", true, csdl.KindPrimitive, "Edm.Int32", true, "Edm.Int32"},
		{"Edm.Untyped", true, csdl.KindAbstract, "Edm.Untyped", false, ""},
		{"S.Customer", true, csdl.KindEntity, "Shop.Model.Customer", false, ""},
		{"Collection(S.Order)", true, csdl.KindEntity, "Shop.Model.Order", true, ""},
		{"S.Address", true, csdl.KindComplex, "Shop.Model.Address", false, ""},
		{"S.Color", true, csdl.KindEnum, "Shop.Model.Color", false, "Edm.Byte"},
		{"Shop.Model.Perm", true, csdl.KindEnum, "Shop.Model.Perm", false, "Edm.Int32"},
		{"S.Money", true, csdl.KindTypeDefinition, "Shop.Model.Money", false, "Edm.Decimal"},
		{"Core.Tag", true, csdl.KindExternal, "Core.Tag", false, ""},
		{"Org.OData.Core.V1.Tag", true, csdl.KindExternal, "Org.OData.Core.V1.Tag", false, ""},
		{"Edm.Nope", false, csdl.KindUnknown, "Edm.Nope", false, ""},
		{"S.Nope", false, csdl.KindUnknown, "S.Nope", false, ""},
		{"Nope", false, csdl.KindUnknown, "Nope", false, ""},
		{"Collection(Collection(Edm.String))", false, csdl.KindUnknown, "Collection(Edm.String)", true, ""},
	}
	for _, tc := range tests {
		got, ok := m.ResolveType(tc.in)
		if ok != tc.ok || got.Kind != tc.kind || got.Name != tc.name || got.Collection != tc.collection || got.Primitive() != tc.primitive {
			t.Errorf("ResolveType(%s) = %+v (%v, primitive %q), want kind %v name %s collection %v primitive %q ok %v",
				tc.in, got, ok, got.Primitive(), tc.kind, tc.name, tc.collection, tc.primitive, tc.ok)
		}
		if got.IsCollection() != tc.collection || got.IsEntity() != (tc.kind == csdl.KindEntity) ||
			got.IsComplex() != (tc.kind == csdl.KindComplex) || got.IsEnum() != (tc.kind == csdl.KindEnum) ||
			got.IsPrimitive() != (tc.kind == csdl.KindPrimitive) {
			t.Errorf("ResolveType(%s): predicates disagree with kind %v", tc.in, got.Kind)
		}
	}
	if got, _ := m.ResolveType("Collection(S.Order)"); got.String() != "Collection(Shop.Model.Order)" {
		t.Errorf("TypeRef.String() = %s", got)
	}
	if csdl.KindEntity.String() != "entity type" || csdl.TypeKind(99).String() != "unknown type" {
		t.Errorf("TypeKind.String is off")
	}
}

func TestTypeNameHelpers(t *testing.T) {
	t.Parallel()
	if !csdl.IsCollection("Collection(Edm.String)") || csdl.IsCollection("Edm.String") || csdl.IsCollection("Collection()") {
		t.Errorf("IsCollection is off")
	}
	if csdl.ElementType("Collection(T.A)") != "T.A" || csdl.ElementType("T.A") != "T.A" {
		t.Errorf("ElementType is off")
	}
	if csdl.CollectionOf("T.A") != "Collection(T.A)" {
		t.Errorf("CollectionOf is off")
	}
	if !csdl.IsPrimitive("Edm.Guid") || csdl.IsPrimitive("Edm.Untyped") || csdl.IsPrimitive("T.Guid") {
		t.Errorf("IsPrimitive is off")
	}
}

func TestAnnotations(t *testing.T) {
	t.Parallel()
	m := setupRich(t)
	cust := m.EntityType("S.Customer")
	a := m.FindAnnotation(cust.Annotations, "Org.OData.Core.V1.Description", "")
	if a == nil {
		t.Fatalf("FindAnnotation did not resolve the Core alias")
	}
	if s, ok := a.Value.StringValue(); !ok || s != "  A customer\n  of the shop  " {
		t.Errorf("StringValue = %q, %v", s, ok)
	}
	if m.FindAnnotation(cust.Annotations, "Core.Description", "q") != nil {
		t.Errorf("FindAnnotation ignored the qualifier")
	}
	if got := m.CanonicalName("S.Hint"); got != "Shop.Model.Hint" {
		t.Errorf("CanonicalName(S.Hint) = %s", got)
	}
	if m.Term("S.Hint") == nil || m.Term("Shop.Vocab.StateMachine.States") == nil || m.Term("S.Nope") != nil {
		t.Errorf("Term lookups failed")
	}
	var nilExpr *csdl.Expr
	if _, ok := nilExpr.StringValues(); ok {
		t.Errorf("StringValues of nil reported ok")
	}
}

// TestCorpusLookups reads the lookups the engine relies on off the real
// conformance models.
func TestCorpusLookups(t *testing.T) {
	t.Parallel()
	load := func(rel string) *csdl.Model {
		path := conformanceDir + "/" + rel
		data, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("conformance corpus not present: %v", err)
		}
		m, err := csdl.Parse(path, data)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	seed := load("seed/model.csdl.xml")
	if seed.Namespace() != "Temper" {
		t.Errorf("seed namespace = %s", seed.Namespace())
	}
	var names []string
	for _, b := range seed.BoundActions("Temper.Knowledge") {
		names = append(names, b.Action.Name)
	}
	if want := []string{"Index", "Link", "Archive"}; !slices.Equal(names, want) {
		t.Errorf("seed bound actions = %v, want %v", names, want)
	}
	if sets := seed.EntitySetsOf("Knowledge"); len(sets) != 1 || sets[0].Name != "KnowledgeEntries" {
		t.Errorf("seed entity sets = %v", sets)
	}

	rw := load("temper-original/reference-apps/readers-writers/specs/model.csdl.xml")
	if rw.Namespace() != "Temper.ReadersWriters" {
		t.Errorf("readers-writers namespace = %s", rw.Namespace())
	}
	et := rw.EntityType("Temper.ReadersWriters.ReadersWriters")
	if et == nil {
		t.Fatal("ReadersWriters entity type not found")
	}
	a := rw.FindAnnotation(et.Annotations, "Temper.Vocab.StateMachine.States", "")
	states, ok := a.Value.StringValues()
	if !ok || !slices.Equal(states, []string{"Idle", "Reading", "Writing"}) {
		t.Errorf("StateMachine.States = %v, %v", states, ok)
	}
	if len(rw.BoundActions("Temper.ReadersWriters.ReadersWriters")) != 15 {
		t.Errorf("readers-writers has %d bound actions, want 15", len(rw.BoundActions("Temper.ReadersWriters.ReadersWriters")))
	}
}
