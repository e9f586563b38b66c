package uri

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/temperhq/temper/api/odata/ast"
)

var kindNames = map[ast.SegmentKind]string{
	ast.SegEntitySet: "set", ast.SegNavigation: "nav", ast.SegProperty: "prop", ast.SegCount: "$count",
	ast.SegValue: "$value", ast.SegRef: "$ref", ast.SegOperation: "op", ast.SegMetadata: "$metadata",
	ast.SegBatch: "$batch", ast.SegCast: "cast", ast.SegEntity: "$entity", ast.SegAll: "$all",
	ast.SegCrossjoin: "$crossjoin", ast.SegFilter: "$filter", ast.SegEach: "$each", ast.SegQuery: "$query",
	ast.SegKeyOrIndex: "key",
}

// dumpPath writes segments as kind:Name{args}(keys)[filter], separated
// by spaces.
func dumpPath(rp *ast.ResourcePath) string {
	var parts []string
	for _, s := range rp.Segments {
		p := kindNames[s.Kind]
		if s.Name != "" {
			p += ":" + s.Name
		}
		if s.Names != nil {
			p += ":" + strings.Join(s.Names, ",")
		}
		if s.Args != nil {
			var as []string
			for _, n := range sortedKeys(s.Args) {
				as = append(as, n+"="+dump(s.Args[n]))
			}
			p += "{" + strings.Join(as, ",") + "}"
		}
		if s.Keys != nil {
			p += dumpKeys(s.Keys)
		}
		if s.Filter != nil {
			p += "[" + dump(s.Filter) + "]"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestParsePath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"Tasks", "set:Tasks"},
		{"Tasks('a%2Fb')", "set:Tasks('a/b')"},
		{"Tasks('it''s')", "set:Tasks('it''s')"},
		{"Tasks(%27it%27%27s%27)", "set:Tasks('it''s')"},
		{"Tasks%28'x'%29", "set:Tasks('x')"},
		{"Tasks('a+b%20c')", "set:Tasks('a+b c')"},
		{"Tasks('Tablet%20)small(')/Name", "set:Tasks('Tablet )small(') nav:Name"},
		{"Tasks(1)", "set:Tasks(1)"},
		{"Tasks(-1.5)", "set:Tasks(m:-1.5)"},
		{"Tasks(01234567-89ab-cdef-0123-456789abcdef)", "set:Tasks(guid:01234567-89ab-cdef-0123-456789abcdef)"},
		{"Tasks(2018-02-13T23%3A59%3A59Z)", "set:Tasks(dto:2018-02-13T23:59:59Z)"},
		{"Tasks(2018-02-13)", "set:Tasks(date:2018-02-13)"},
		{"Tasks(23:59:59)", "set:Tasks(tod:23:59:59)"},
		{"Tasks(duration'P1D')", "set:Tasks(dur:P1D)"},
		{"Tasks(true)", "set:Tasks(true)"},
		{"Tasks(Ns.Color'Red')", "set:Tasks(enum:Ns.Color'Red')"},
		{"Tasks(@k)", "set:Tasks(@k)"},
		{"Orders(OrderID=1,Line=2)/Items", "set:Orders(OrderID=1,Line=2) nav:Items"},
		{"Orders(OrderID=1, Line=@l)", "set:Orders(OrderID=1,Line=@l)"},
		{"Tasks('x')/Tracker.Start", "set:Tasks('x') op:Tracker.Start"},
		{"Tasks('x')/Tracker.Rename(to='y',n=@n)", "set:Tasks('x') op:Tracker.Rename{n=@n,to='y'}"},
		{"Tasks('x')/Tracker.Stats()", "set:Tasks('x') op:Tracker.Stats{}"},
		{"Tasks('x')/Tracker.Find(c=null)", "set:Tasks('x') op:Tracker.Find{c=null}"},
		{"Tasks/$count", "set:Tasks $count"},
		{"Tasks('x')/Owner/$ref", "set:Tasks('x') nav:Owner $ref"},
		{"Tasks('x')/Title/$value", "set:Tasks('x') nav:Title $value"},
		{"$metadata", "$metadata"},
		{"$batch", "$batch"},
		{"$entity", "$entity"},
		{"$entity/Model.Customer", "$entity cast:Model.Customer"},
		{"$all", "$all"},
		{"$all/Customer", "$all cast:Customer"},
		{"$crossjoin(Customers,Countries)", "$crossjoin:Customers,Countries"},
		{"$crossjoin(Customers)/$query", "$crossjoin:Customers $query"},
		{"TheBestProduct()", "op:TheBestProduct{}"},
		{"TheBestProduct(Size=3)", "set:TheBestProduct(Size=3)"},
		{"F(c=null)", "op:F{c=null}"},
		{"ProductsByCategoryId(categoryId=2)(2)", "op:ProductsByCategoryId{categoryId=2}(2)"},
		{"Products/Model.BestSellingProduct(1)", "set:Products cast:Model.BestSellingProduct(1)"},
		{"Products/Model.BestSellingProduct", "set:Products op:Model.BestSellingProduct"},
		{"Products/$filter(Price gt 5)/$count", "set:Products $filter[(gt Price 5)] $count"},
		{"Products/$filter(Address/City eq 'x%2Fy')(1)", "set:Products $filter(1)[(eq Address/City 'x/y')]"},
		{"Products/$filter(@f)/$each/Ns.Discount", "set:Products $filter[@f] $each op:Ns.Discount"},
		{"People(42)/Addresses/$query", "set:People(42) nav:Addresses $query"},
		{"Customers/1", "set:Customers key:1"},
		{"Employees/A1245", "set:Employees nav:A1245"},
		{"People/O'Neil", "set:People key:O'Neil"},
		{"People/O%27Neil/Orders", "set:People key:O'Neil nav:Orders"},
		{"Categories/Smartphone%2FTablet", "set:Categories key:Smartphone/Tablet"},
		{"Suppliers(1)/Addresses/Ns.Home/-1", "set:Suppliers(1) nav:Addresses op:Ns.Home key:-1"},
		{"Größen('x')", "set:Größen('x')"},
	}
	for _, tt := range tests {
		rp, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.in, err)
			continue
		}
		if got := dumpPath(rp); got != tt.want {
			t.Errorf("ParsePath(%q) = %s, want %s", tt.in, got, tt.want)
		}
		f := FormatPath(rp)
		rp2, err := ParsePath(f)
		if err != nil {
			t.Errorf("ParsePath(FormatPath(%q) = %q): %v", tt.in, f, err)
			continue
		}
		if !sameTree(rp, rp2) {
			t.Errorf("round trip of %q via %q: %s, then %s", tt.in, f, dumpPath(rp), dumpPath(rp2))
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in  string
		off int
		msg string
	}{
		{"/Tasks", 0, "empty first segment: the path below the service root starts without '/'"},
		{"Tasks/", 6, "empty path segment"},
		{"Tasks//$count", 6, "empty path segment"},
		{"Tasks?x", 5, "a '?' or '#' in the path must be percent-encoded"},
		{"Tasks('a/b')", 8, "a '/' inside a literal in the path must be percent-encoded as %2F"},
		{"People/O'N(a/b", 12, "a '/' inside a key must be percent-encoded as %2F"},
		{"Tasks('a%zz')", 8, "malformed percent-encoding"},
		{"Tasks('%FF')", 7, "invalid UTF-8"},
		{"Tasks('O%27Neil')", 11, "expected ',' or ')'"},
		{"Tasks(ID=wrong)", 9, "expected a literal or a parameter alias"},
		{"Tasks(ID=1;Line=2)", 10, "expected ',' or ')'"},
		{"Tasks(1,2)", 5, "a key predicate with several values must name them"},
		{"Tasks(a=1,2)", 10, "either all values in parentheses are named or none is"},
		{"Tasks(a=1,a=2)", 10, "a is given twice"},
		{"Tasks(null)", 5, "null, binary and geo values cannot be keys"},
		{"Tasks(1)(2)", 8, "unexpected '(' after a key predicate"},
		{"F()()", 3, "empty key predicate"},
		{"F()(1,2)", 3, "a key predicate with several values must name them"},
		{"Tasks(1)x", 8, "unexpected 'x'"},
		{"Tasks('x)", 6, "unterminated string literal"},
		{"Model.Rejection", 0, "a path cannot start with a qualified name"},
		{"Products.('foo')", 8, "malformed name"},
		{".Products('foo')", 0, "malformed name"},
		{"1", 0, `malformed segment "1"`},
		{"$foo", 0, `unknown segment "$foo"`},
		{"$count", 0, "$count cannot be the first segment"},
		{"Tasks/$metadata", 6, "$metadata must be the first segment"},
		{"$metadata/x", 10, "nothing may follow $metadata"},
		{"Tasks/$count/x", 13, "nothing may follow $count"},
		{"Tasks/$ref/$count", 11, "nothing may follow $ref"},
		{"Tasks(1)/Name/$value/x", 21, "nothing may follow $value"},
		{"Tasks/$query/x", 13, "nothing may follow $query"},
		{"$entity/Collection(A)", 8, "expected an entity type name after $entity"},
		{"$entity/1", 8, "expected a type name"},
		{"$all/A/B", 7, "nothing may follow $all/Type"},
		{"$crossjoin(A,B)/x", 16, "only $query may follow $crossjoin(...)"},
		{"$crossjoin(A,)", 13, "expected an entity set name"},
		{"Tasks/$filter(a eq)", 18, `expected whitespace after "eq"`},
		{"Tasks/$filter(true)()", 19, "malformed key predicate"},
		{strings.Repeat("a", MaxLength+1), MaxLength, "path too long"},
	}
	for _, tt := range tests {
		_, err := ParsePath(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParsePath(%.40q) = %v, want a SyntaxError", tt.in, err)
			continue
		}
		if se.Option != "path" || se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParsePath(%.40q): %v; want path: at %d: ...%s...", tt.in, err, tt.off, tt.msg)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, query, want string }{
		{"Categories(@key)", "@key=1", "set:Categories(1)"},
		{"Categories(ID=@key)", "@key='x'", "set:Categories(ID='x')"},
		{"Categories(@key)", "@key=[1]", "set:Categories(@key)"},
		{"Categories(@key)", "", "set:Categories(@key)"},
		{"EmployeesByManager(ManagerID=@p1)", "@p1=3", "set:EmployeesByManager(ManagerID=3)"},
		{"Products/Model.WithIngredients(Ingredients=@i)", "@i=[\"Carrots\"]", "set:Products op:Model.WithIngredients{Ingredients=['Carrots']}"},
		{"Products/$filter(@foo)/$filter(@bar)/$count", "@foo=Age gt 3&@bar=Price lt 5", "set:Products $filter[(gt Age 3)] $filter[(lt Price 5)] $count"},
		{"$metadata", "$format=xml&x=1", "$metadata"},
		{"$batch", "", "$batch"},
		{"$entity", "$id=urn:a&$format=json", "$entity"},
		{"$entity/Model.Customer", "$id=urn:a&$select=Name&$expand=Orders", "$entity cast:Model.Customer"},
	}
	for _, tt := range tests {
		rp, _, err := Parse(tt.path, tt.query)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.path, tt.query, err)
			continue
		}
		if got := dumpPath(rp); got != tt.want {
			t.Errorf("Parse(%q, %q) = %s, want %s", tt.path, tt.query, got, tt.want)
		}
	}
	errs := []struct{ path, query, msg string }{
		{"$metadata", "$filter=true", "$metadata takes only $format and custom query options"},
		{"$batch", "@a=1", "$batch takes only $format and custom query options"},
		{"$metadata", "$id=x", "$metadata takes only $format"},
		{"$entity", "$format=json", "$entity needs the $id query option"},
		{"$entity", "$id=x&$select=Name", "$entity takes only $id, $format and custom query options"},
		{"$entity/T", "$id=x&$top=1", "$entity/Type takes only $id, $select, $expand, $format and custom query options"},
		{"$entity/T", "$id=x&$compute=a as b", "$entity/Type takes only"},
		{"Tasks(", "", "path"},
		{"Tasks", "$top=x", "$top"},
	}
	for _, tt := range errs {
		_, _, err := Parse(tt.path, tt.query)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Parse(%q, %q) = %v, want ...%s...", tt.path, tt.query, err, tt.msg)
		}
	}
}

// ExampleParsePath shows the syntactic segment kinds the gateway starts
// from.
func ExampleParsePath() {
	rp, err := ParsePath("Tasks('a%2Fb')/Tracker.Start")
	if err != nil {
		panic(err)
	}
	for _, s := range rp.Segments {
		fmt.Println(kindNames[s.Kind], s.Name, len(s.Keys))
	}
	fmt.Println(rp.Segments[0].Keys[0].Value.Value)
	// Output:
	// set Tasks 1
	// op Tracker.Start 0
	// a/b
}
