package uri

import (
	"errors"
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// Precedence: or < and < comparison < additive < multiplicative < unary < member.
		{"a or b and c", "(or a (and b c))"},
		{"a and b or c", "(or (and a b) c)"},
		{"a eq 1 and b ne 2", "(and (eq a 1) (ne b 2))"},
		{"a add b mul c", "(add a (mul b c))"},
		{"a mul b add c", "(add (mul a b) c)"},
		{"a sub b sub c", "(sub (sub a b) c)"},
		{"a div b divby c mod d", "(mod (divby (div a b) c) d)"},
		{"-a mul b", "(mul (- a) b)"},
		{"- a", "(- a)"},
		{"-(a add b)", "(- (add a b))"},
		{"- 5", "(- 5)"},
		{"not a eq b", "(eq (not a) b)"},
		{"not (a eq b)", "(not (eq a b))"},
		{"not(a)", "(not a)"},
		{"(a or b) and c", "(and (or a b) c)"},
		{"( a )", "a"},
		{"a gt 1 eq true", "(eq (gt a 1) true)"},
		{"Name EQ 'Milk' AND Price LT 2.55", "(and (eq Name 'Milk') (lt Price m:2.55))"},
		{"a\teq\t1", "(eq a 1)"},
		{"style has Sales.Pattern'Yellow'", "(has style enum:Sales.Pattern'Yellow')"},
		{"a add 1 gt b", "(gt (add a 1) b)"},
		// in
		{"a in ('x', 'y')", "(in a (list 'x' 'y'))"},
		{"a in ()", "(in a (list))"},
		{"a in ('x')", "(in a (list 'x'))"},
		{"a in (b)", "(in a b)"},
		{"a in b", "(in a b)"},
		{"a in [\"x\",'y']", "(in a (list 'x' 'y'))"},
		{"a in []", "(in a (list))"},
		{"[a,b] in [[\"x\",\"y\"]]", "(in [a b] [['x' 'y']])"},
		{"a in @list", "(in a @list)"},
		{"a in (1,2) and b", "(and (in a (list 1 2)) b)"},
		// Literals.
		{"null", "null"},
		{"true", "true"},
		{"FALSE", "false"},
		{"tRUe", "true"},
		{"42", "42"},
		{"-42", "-42"},
		{"+42", "42"},
		{"007", "7"},
		{"9223372036854775807", "9223372036854775807"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"9223372036854775808", "m:9223372036854775808"},
		{"1.50", "m:1.50"},
		{"-0.5", "m:-0.5"},
		{"1e5", "f:1e05"},
		{"-1.5E-3", "f:-1.5e-03"},
		{"3.14e0", "f:3.14e00"},
		{"INF", "f:INF"},
		{"-INF", "f:-INF"},
		{"NaN", "f:NaN"},
		{"'it''s'", "'it''s'"},
		{"''", "''"},
		{"'a/b;c&d'", "'a/b;c&d'"},
		{"2012-09-03", "date:2012-09-03"},
		{"-0010-04-01", "date:-0010-04-01"},
		{"2012-02-29", "date:2012-02-29"},
		{"2012-09-03T13:52Z", "dto:2012-09-03T13:52Z"},
		{"2012-09-03T13:52:01.1234567+02:00", "dto:2012-09-03T13:52:01.1234567+02:00"},
		{"2012-09-03t13:52:01-11:30", "dto:2012-09-03t13:52:01-11:30"},
		{"1972-06-30T23:59:60Z", "dto:1972-06-30T23:59:60Z"},
		{"13:52", "tod:13:52"},
		{"13:52:01.5", "tod:13:52:01.5"},
		{"duration'P1DT2H3M4.5S'", "dur:P1DT2H3M4.5S"},
		{"duration'-pt1m'", "dur:-PT1M"},
		{"'P1D'", "'P1D'"},
		{"01234567-89ab-cdef-0123-456789ABCDEF", "guid:01234567-89ab-cdef-0123-456789ABCDEF"},
		{"abcdef01-89ab-cdef-0123-456789abcdef", "guid:abcdef01-89ab-cdef-0123-456789abcdef"},
		{"binary'Zm9vYmFy'", "bin:666f6f626172"},
		{"binary'Zg=='", "bin:66"},
		{"BINARY''", "bin:"},
		{"Sales.Pattern'Solid,Yellow,+42,-1'", "enum:Sales.Pattern'Solid,Yellow,42,-1'"},
		{"geography'SRID=4326;Point(1.5 -2)'", "geo:geography'SRID=4326;Point(1.5 -2)'"},
		{"Geometry'SRID=0;MultiPolygon(((1 1,1 1),(1 1,2 2,3 3,1 1)))'", "geo:geometry'SRID=0;MultiPolygon(((1 1,1 1),(1 1,2 2,3 3,1 1)))'"},
		{"geography'SRID=0;GeometryCollection(Point(1 2),LineString(1 2,3 4 5 6))'", "geo:geography'SRID=0;GeometryCollection(Point(1 2),LineString(1 2,3 4 5 6))'"},
		// Members.
		{"Address/City", "Address/City"},
		{"$it", "$it"},
		{"$it/Name", "$it/Name"},
		{"$this/Street", "$this/Street"},
		{"$root/Tasks('a')/Title", "$root/Tasks('a')/Title"},
		{"$root/F()/City", "$root/F{}/City"},
		{"Address/Model.Home/Street", "Address/Model.Home/Street"},
		{"Model.Vip/Level", "Model.Vip/Level"},
		{"Items/$count", "Items/$count"},
		{"Items/$count($filter=Price gt 5;$search=red)", "Items/$count[filter=(gt Price 5) search=red]"},
		{"Items/$filter(Price gt 5)/$count", "Items/$filter[(gt Price 5)]/$count"},
		{"Items/$filter(Price gt 5)(ID=1)", "Items/$filter[(gt Price 5)](ID=1)"},
		{"Items(1)/Name", "Items(1)/Name"},
		{"Items(ID=1,Line=@l)", "Items(ID=1,Line=@l)"},
		{"Price/@Measures.Currency", "Price/@Measures.Currency"},
		{"Price/@Currency#Reporting", "Price/@Currency#Reporting"},
		{"@Core.Messages", "@Core.Messages"},
		{"@Messages/any(m:m/severity eq 'error')", "(any @Messages m (eq m/severity 'error'))"},
		{"@p", "@p"},
		{"Größe eq 1", "(eq Größe 1)"},
		{"Items/Ns.F(a=1,b='x')/Name", "Items/Ns.F{a=1,b='x'}/Name"},
		{"Items/F(a=Name)", "Items/F{a=Name}"},
		{"Items/F(a=1)", "Items/F(a=1)"},
		{"Items/F()(2)", "Items/F{}(2)"},
		{"Items/Ns.Sub(1)", "Items/Ns.Sub(1)"},
		{"Ns.F()/Name", "Ns.F{}/Name"},
		// Lambdas.
		{"Items/any(d:d/Price gt 1)", "(any Items d (gt d/Price 1))"},
		{"Items/any( d : d/Price gt 1 )", "(any Items d (gt d/Price 1))"},
		{"Items/all(d:d/Price gt 1)", "(all Items d (gt d/Price 1))"},
		{"Items/any()", "(any Items)"},
		{"Items/ANY()", "(any Items)"},
		{"A/B/Ns.T/any()", "(any A/B/Ns.T)"},
		{"Items/any(d:d/Tags/any(t:t eq $it/Name))", "(any Items d (any d/Tags t (eq t $it/Name)))"},
		// Calls.
		{"contains(Name,'x')", "contains(Name,'x')"},
		{"substring(Name, 1)", "substring(Name,1)"},
		{"substring(Name,1,2)", "substring(Name,1,2)"},
		{"now()", "now()"},
		{"now( )", "now()"},
		{"matchesPattern(Name,'^A')", "matchespattern(Name,'^A')"},
		{"matchespattern(Name,'^A')", "matchespattern(Name,'^A')"},
		{"geo.distance(A,B)", "geo.distance(A,B)"},
		// Canonical function names are case-insensitive in 4.01.
		{"CONTAINS(Name,'x')", "contains(Name,'x')"},
		{"Year(BirthDate) eq 1971", "(eq year(BirthDate) 1971)"},
		{"ToLower(Name)", "tolower(Name)"},
		{"MATCHESPATTERN(Name,'^A')", "matchespattern(Name,'^A')"},
		{"Geo.Distance(A,B)", "geo.distance(A,B)"},
		{"NOW()", "now()"},
		{"Cast(Price,Edm.String)", "cast(Price,type:Edm.String)"},
		{"IsOf(Model.Customer)", "isof(type:Model.Customer)"},
		{"CASE(X gt 0:1)", "case((gt X 0),1)"},
		// 4.01 forms the store translates.
		{"cast('5',Edm.Int32) eq Priority", "(eq cast('5',type:Edm.Int32) Priority)"},
		{"substring(Name,-3,2)", "substring(Name,-3,2)"},
		{"Labels/$count($filter=$this eq 'x') gt 0", "(gt Labels/$count[filter=(eq $this 'x') search=<nil>] 0)"},
		{"Labels/$filter($this eq 'x')/$count", "Labels/$filter[(eq $this 'x')]/$count"},
		{"Labels eq [\"a\",\"b\"]", "(eq Labels ['a' 'b'])"},
		{"Labels ne []", "(ne Labels [])"},
		{"At add 'P1D' gt now()", "(gt (add At 'P1D') now())"},
		{"concat(concat(a,'-'),b)", "concat(concat(a,'-'),b)"},
		{"cast(Edm.String)", "cast(type:Edm.String)"},
		{"cast(Price,Edm.String)", "cast(Price,type:Edm.String)"},
		{"isof(Model.Customer)", "isof(type:Model.Customer)"},
		{"isof(Customer)", "isof(type:Customer)"},
		{"cast(Names, Collection(Edm.String))", "cast(Names,type:Collection(Edm.String))"},
		{"case(X gt 0:1,X lt 0:-1,true:0)", "case((gt X 0),1,(lt X 0),-1,true,0)"},
		{"case( X gt 0 : 1 )", "case((gt X 0),1)"},
		{"Model.F(p=1,q=@a)", "Model.F(p=1,q=@a)"},
		{"Model.F()", "Model.F()"},
		{"Model.F(c=[\"a\"],o={\"k\":1})", "Model.F(c=['a'],o={\"k\":1})"},
		// JSON.
		{"[]", "[]"},
		{"{}", "{}"},
		{"[1, 'a', \"b\", null, [true]]", "[1 'a' 'b' null [true]]"},
		{`{"a":1,"b":"x\"y\\z\/\n\u00e9\ud83d\ude00","c":[1,2 add 3]}`, `{"a":1 "b":'x"y\z/` + "\n" + `é😀' "c":[1 (add 2 3)]}`},
		{`{"@odata.id":"http://h/s(1)"}`, `{"@odata.id":'http://h/s(1)'}`},
		{"Address eq {\"Street\":\"Main\"}", "(eq Address {\"Street\":'Main'})"},
	}
	for _, tt := range tests {
		e, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.in, err)
			continue
		}
		if got := dump(e); got != tt.want {
			t.Errorf("ParseExpr(%q) = %s, want %s", tt.in, got, tt.want)
		}
		// Round trip: the printed form parses to the same tree.
		f := Format(e)
		e2, err := ParseExpr(f)
		if err != nil {
			t.Errorf("ParseExpr(Format(%q) = %q): %v", tt.in, f, err)
			continue
		}
		if !sameTree(e, e2) {
			t.Errorf("round trip of %q via %q: %s, then %s", tt.in, f, dump(e), dump(e2))
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in  string
		off int
		msg string
	}{
		{"", 0, "expected an expression, found the end"},
		{" a", 0, "expected an expression, found ' '"},
		{"a ", 1, "unexpected whitespace"},
		{"a eq", 4, `expected whitespace after "eq"`},
		{"a eq ", 5, "expected an expression, found the end"},
		{"a eq'x'", 4, `expected whitespace after "eq"`},
		{"a eq  ", 6, "expected an expression"},
		{"(a", 2, `expected ')', found the end`},
		{"a)", 1, `unexpected ')'`},
		{"a/", 2, "expected a property, type cast, function or annotation after '/'"},
		{"a in (a,b)", 7, "a parenthesized list is only allowed right of 'in', and only of literals"},
		{"a eq ('x','y')", 9, "a parenthesized list is only allowed right of 'in'"},
		{"\"x\"", 0, "a double-quoted JSON string is only allowed inside a JSON array or object"},
		{"$foo", 0, `unknown "$foo" in an expression`},
		{"$root", 5, "$root must be followed by /EntitySet or /Singleton"},
		{"$root/any()", 0, "$root must be followed by /EntitySet or /Singleton"},
		{"@", 1, "expected a parameter alias or annotation name after '@'"},
		{"@a#", 3, "expected an annotation qualifier after '#'"},
		{"a/@", 3, "expected an annotation name after '@'"},
		{"Model.Available", 0, "a qualified name must be followed by '/' (a type cast) or '(' (a function call)"},
		{"foo()", 0, `unknown function "foo"`},
		{"contians(Name,'x')", 0, `unknown function "contians"`},
		{"foo(a=Name)", 0, `unknown function "foo"`},
		{"Items/Foo(1,2)", 6, `unknown function "Foo"`},
		{"Ns.F(1,2)", 4, "the parameters of function Ns.F must be named"},
		{"any()", 0, "any must follow a collection path"},
		{"all(x:true)", 0, "all must follow a collection path"},
		{"Items/all()", 10, "all needs a condition"},
		{"Items/any(d:true)/x", 17, "nothing may follow a lambda"},
		{"Items/any(1:true)", 10, "expected a lambda variable"},
		{"Items/$count/x", 12, "nothing may follow $count"},
		{"Items/$count($top=1)", 13, "$top is not allowed here"},
		{"Items/$value", 6, `unexpected "$value" in a path`},
		{"Items(1)(2)", 8, "unexpected '(' after a key predicate"},
		{"Items/F()(Name)", 9, "a key predicate takes literals or parameter aliases"},
		{"Items/F()(1,2)", 9, "malformed key predicate"},
		{"Items/$filter(true)(Name)", 19, "a key predicate takes literals or parameter aliases"},
		{"Items(a=1,2)", 10, "either all values in parentheses are named or none is"},
		{"Items(a=1,a=2)", 10, "a is given twice"},
		{"Items(a=1;b=2)", 9, "expected ',' or ')'"},
		{"length()", 0, "length takes 1 argument, not 0"},
		{"substring('a')", 0, "substring takes 2 or 3 arguments, not 1"},
		{"now(1)", 0, "now takes 0 arguments, not 1"},
		{"concat('a';'b')", 10, "expected ',' or ')' in the arguments of concat"},
		{"cast(Price,1)", 11, "expected a type name"},
		{"cast(Collection(1))", 16, "expected a type name in Collection(...)"},
		{"case(true)", 9, `expected ':'`},
		{"[1,2", 4, "expected ',' or ']' in a JSON array"},
		{"{1:2}", 1, "expected a double-quoted member name in a JSON object"},
		{`{"a":1 "b":2}`, 7, "expected ',' or '}' in a JSON object"},
		{`["a`, 1, "unterminated JSON string"},
		{`["\x"]`, 2, "unknown escape in a JSON string"},
		{`["\u12"]`, 4, `\u needs four hex digits`},
		{"'abc", 0, "unterminated string literal"},
		{"1.", 1, "malformed number: a '.' must be followed by digits"},
		{".1", 0, "expected an expression, found '.'"},
		{"1e", 1, "malformed number: an exponent needs digits"},
		{"2x4", 0, `malformed number "2x"`},
		{"1e999", 0, "number 1e999 is out of range"},
		{"2012-13-01", 5, "month must be 01 to 12"},
		{"2012-02-30", 8, "day 30 does not exist in month 02"},
		{"2011-02-29", 8, "day 29 does not exist in month 02"},
		{"01234-01-01", 0, "more than four digits cannot start with 0"},
		{"1234567890-01-01", 0, "year out of range"},
		{"2012-01-0", 8, "malformed day"},
		{"2012-01-01T24:00Z", 11, "hour 24 out of range"},
		{"2012-01-01T23:60Z", 14, "minute 60 out of range"},
		{"2012-01-01T23:59:61Z", 17, "second 61 out of range"},
		{"2012-01-01T23:59:59.Z", 19, "fractional seconds need 1 to 12 digits"},
		{"2012-01-01T23:59", 16, "a DateTimeOffset needs a time zone"},
		{"2012-01-01T23:59+2:00", 17, "malformed offset hour"},
		{"2012-01-01T23:59+24:00", 17, "malformed time zone offset"},
		{"2012-01-01T23:59+02:60", 20, "malformed time zone offset minute"},
		{"2012-01-01T2359Z", 13, "malformed time: expected ':' after the hour"},
		{"2012-01-01x", 0, "malformed literal"},
		{"12:60", 3, "minute 60 out of range"},
		{"12:34x", 0, "malformed literal"},
		{"duration'P'", 9, "malformed duration"},
		{"duration'PT'", 9, "malformed duration"},
		{"duration'P1Y'", 9, "malformed duration"},
		{"duration'P1", 8, "unterminated duration literal"},
		{"binary'Zg='", 7, "wrong padding"},
		{"binary'Z+=='", 8, "is not a base64url character"},
		{"binary'Zh'", 7, "malformed binary literal"},
		{"X'1a2B'", 1, "unexpected"},
		{"Ns.E''", 5, "member 1 \"\" is neither a name nor an integer"},
		{"Ns.E'A,1.5'", 5, "member 2 \"1.5\""},
		{"geography'SRID=0;Pt(1 2)'", 17, "malformed geography literal: expected Point"},
		{"geography'SRID=123456;Point(1 2)'", 21, "an SRID has at most 5 digits"},
		{"geometry'SRID=0;Point(1)'", 23, "expected ' '"},
		{"geometry'SRID=0;LineString(1 2)'", 30, "expected ','"},
		{"geometry'SRID=0;Point(1 2)x'", 26, "unexpected text after the shape"},
		{"geometry'Point(1 2)'", 9, "expected SRID="},
		{"geometry'SRID=;Point(1 2)'", 14, "expected digits"},
		{"geometry'SRID=0;" + strings.Repeat("GeometryCollection(", MaxDepth+1) + "Point(1 2)" + strings.Repeat(")", MaxDepth+1) + "'", 16 + 19*MaxDepth, "nesting too deep"},
		{strings.Repeat("a", MaxLength+1), MaxLength, "expression too long"},
		{strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), MaxDepth + 1, "nesting deeper than 64 levels"},
		{strings.Repeat("not ", MaxDepth+1) + "a", 4*MaxDepth + 4, "nesting deeper than 64 levels"},
		{strings.Repeat("[", MaxDepth+1), MaxDepth + 1, "nesting deeper than 64 levels"},
		{"a" + strings.Repeat("a", 128), 0, "identifier longer than 128 characters"},
		{"'\xff'", 1, "invalid UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseExpr(%q) = %v, want a SyntaxError", tt.in, err)
			continue
		}
		if se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseExpr(%q): at %d: %s; want at %d: ...%s...", tt.in, se.Offset, se.Msg, tt.off, tt.msg)
		}
	}
}
