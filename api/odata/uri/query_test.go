package uri

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/temperhq/temper/api/odata/ast"
)

func mustQuery(t *testing.T, raw string) *ast.Query {
	t.Helper()
	q, err := ParseQuery(raw)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", raw, err)
	}
	return q
}

func TestParseQueryOptions(t *testing.T) {
	t.Parallel()
	q := mustQuery(t, "$filter=Name eq 'a+b%2Bc%20d'&$orderby=Name desc,Price asc,Size&$top=5&$skip=10&$count=true&$skiptoken=abc%3D&$format=application/json;odata.metadata=minimal&x=1&!special&%24search=blue")
	if got := dump(q.Filter); got != "(eq Name 'a+b+c d')" {
		t.Errorf("filter = %s ('+' must stay '+')", got)
	}
	if len(q.OrderBy) != 3 || !q.OrderBy[0].Desc || q.OrderBy[1].Desc || q.OrderBy[2].Desc || dump(q.OrderBy[2].Expr) != "Size" {
		t.Errorf("orderby = %+v", q.OrderBy)
	}
	if *q.Top != 5 || *q.Skip != 10 || !*q.Count {
		t.Errorf("top/skip/count = %d %d %v", *q.Top, *q.Skip, *q.Count)
	}
	if q.SkipToken != "abc=" || q.Format != "application/json;odata.metadata=minimal" {
		t.Errorf("skiptoken %q format %q", q.SkipToken, q.Format)
	}
	if !reflect.DeepEqual(q.Custom, map[string]string{"x": "1", "!special": ""}) {
		t.Errorf("custom = %v", q.Custom)
	}
	if dumpSearch(q.Search) != "blue" {
		t.Errorf("search = %s", dumpSearch(q.Search))
	}
	if len(q.Unsupported) != 0 || q.Aliases != nil {
		t.Errorf("unsupported %v aliases %v", q.Unsupported, q.Aliases)
	}
}

func TestParseQueryNames(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"$filter=true", "filter=true", "$FILTER=true", "Filter=true", "%24filter=true", "$Filter=TRUE"} {
		if q := mustQuery(t, raw); dump(q.Filter) != "true" {
			t.Errorf("%s: filter = %s", raw, dump(q.Filter))
		}
	}
	if q := mustQuery(t, "$count=FALSE"); *q.Count {
		t.Error("$count=FALSE")
	}
	if q := mustQuery(t, ""); !reflect.DeepEqual(q, &ast.Query{}) {
		t.Errorf("empty query = %+v", q)
	}
	if q := mustQuery(t, "a=b=c&e="); q.Custom["a"] != "b=c" || q.Custom["e"] != "" {
		t.Errorf("custom = %v", q.Custom)
	}
}

func TestParseQueryUnsupported(t *testing.T) {
	t.Parallel()
	q := mustQuery(t, "$apply=groupby((a))&compute=a add 1 as b,c as d&$index=-1&$schemaversion=1.0&$deltatoken=x&$id=urn:a&$levels=max&$expand=X($compute=1 as c;$apply=filter(a eq ';')),Y($levels=2)")
	want := []string{"$apply", "$compute", "$deltatoken", "$id", "$index", "$levels", "$schemaversion"}
	if !reflect.DeepEqual(q.Unsupported, want) {
		t.Errorf("unsupported = %v, want %v", q.Unsupported, want)
	}
	if got := q.Expand[0].Options.Unsupported; !reflect.DeepEqual(got, []string{"$compute", "$apply"}) {
		t.Errorf("nested unsupported = %v", got)
	}
	if q.Expand[1].Levels != 2 {
		t.Errorf("levels = %d", q.Expand[1].Levels)
	}
}

func TestParseQueryCanonical(t *testing.T) {
	t.Parallel()
	// Parsed, then printed: the canonical form shows the structure.
	tests := []struct{ in, want string }{
		{"$select=Rating,ReleaseDate", "$select=Rating,ReleaseDate"},
		{"$select=Rating, ReleaseDate", "$select=Rating,ReleaseDate"},
		{"$select=*", "$select=*"},
		{"$select=Model.*,Address/Model.Home/Street,@Core.Messages", "$select=Model.*,Address/Model.Home/Street,@Core.Messages"},
		{"$select=Model.F(Location,Kind)", "$select=Model.F(Location,Kind)"},
		{"$select=Addresses($filter=startswith(City,'H');$top=5;$skip=0;$count=true;$orderby=$it;$search=blue;@c=15)",
			"$select=Addresses($filter=startswith(City,'H');$search=blue;$orderby=$it;$top=5;$skip=0;$count=true;@c=15)"},
		{"$expand=Items", "$expand=Items"},
		{"expand=Items/$ref,Customer/$count($filter=Age gt 3)", "$expand=Items/$ref,Customer/$count($filter=Age%20gt%203)"},
		{"$expand=Items($expand=Product/$ref;$levels=max)", "$expand=Items($expand=Product/$ref;$levels=max)"},
		{"$expand=*,*/$ref,*($levels=2),Address/*", "$expand=*,*/$ref,*($levels=2),Address/*"},
		{"$expand=$value,Thumbnail", "$expand=$value,Thumbnail"},
		{"$expand=Model.Vip/Orders,@Ns.Term($top=2)", "$expand=Model.Vip/Orders,@Ns.Term($top=2)"},
		{"$expand=Items/$ref($filter=a;$orderby=b;$top=1;$skip=2;$count=true;$search=c)", "$expand=Items/$ref($filter=a;$search=c;$orderby=b;$top=1;$skip=2;$count=true)"},
		{"$orderby=Cost ge Revenue asc,Name DESC", "$orderby=Cost%20ge%20Revenue,Name%20desc"},
		{"$search=a%3Bb", "$search=a%3Bb"},
		{"$expand=M($search=a%3Bb;$top=1)", "$expand=M($search=a%3Bb;$top=1)"},
		{"$filter=Name eq 'a;b'&$expand=M($filter=Name eq 'a;b')", "$filter=Name%20eq%20'a%3Bb'&$expand=M($filter=Name%20eq%20'a%3Bb')"},
		{"$filter=contains(Name,'%26%23%25')", "$filter=contains(Name,'%26%23%25')"},
		{"$filter=Tags/any(t:t eq 'x')", "$filter=Tags/any(t:t%20eq%20'x')"},
		{"@p=1&$filter=A eq @p&x=y", "$filter=A%20eq%201&@p=1&x=y"},
		{"$skiptoken=a%26b&$format=json", "$skiptoken=a%26b&$format=json"},
		{"x%3Dy=1", "x%3Dy=1"},
	}
	for _, tt := range tests {
		q := mustQuery(t, tt.in)
		if got := FormatQuery(q); got != tt.want {
			t.Errorf("FormatQuery(ParseQuery(%q)) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSearch(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"blue", "blue"},
		{"blue green", "(AND blue green)"},
		{"blue%20green", "(AND blue green)"},
		{"blue AND green", "(AND blue green)"},
		{"blue OR green", "(OR blue green)"},
		{"a b OR c", "(OR (AND a b) c)"},
		{"a OR b c", "(OR a (AND b c))"},
		{"a OR b AND c", "(OR a (AND b c))"},
		{"NOT a b", "(AND (NOT a) b)"},
		{"NOT (a b)", "(NOT (AND a b))"},
		{"blue NOT green", "(AND blue (NOT green))"},
		{"(foo OR that) AND (bar OR baz) AND NOT quux", "(AND (AND (OR foo that) (OR bar baz)) (NOT quux))"},
		{"AND", "AND"},
		{"NOT", "NOT"},
		{"NOT NOT", "(NOT NOT)"},
		{"AND OR", "(AND AND OR)"},
		{"OR AND", "(AND OR AND)"},
		{"AND OR NOT", "(OR AND NOT)"},
		{"a AND", "(AND a AND)"},
		{"not blue", "(AND not blue)"},
		{"\"blue green\"", "\"blue green\""},
		{"%22blue%20green%22 red", "(AND \"blue green\" red)"},
		{"'\"blue'", "\"\\\"blue\""},
		{"'it''s'", "\"it's\""},
		{"''", "\"\""},
		{"Daniel's 3.14 9,81 $search 08/15 %231 more%26more %CE%94", "(AND (AND (AND (AND (AND (AND (AND Daniel's 3.14) 9,81) $search) 08/15) #1) more&more) Δ)"},
		{"%20blue", "blue"},
		{"a\tb", "(AND a b)"},
	}
	for _, tt := range tests {
		q := mustQuery(t, "$search="+tt.in)
		if got := dumpSearch(q.Search); got != tt.want {
			t.Errorf("$search=%s: %s, want %s", tt.in, got, tt.want)
		}
		// Round trip through both printers.
		q2 := mustQuery(t, FormatQuery(q))
		if !sameTree(q.Search, q2.Search) {
			t.Errorf("$search=%s: FormatQuery round trip %q gives %s", tt.in, FormatQuery(q), dumpSearch(q2.Search))
		}
		plain := FormatSearch(q.Search)
		if strings.ContainsAny(plain, ";") {
			continue
		}
		q3 := mustQuery(t, "$search="+strings.NewReplacer("%", "%25", "&", "%26", "#", "%23").Replace(plain))
		if !sameTree(q.Search, q3.Search) {
			t.Errorf("$search=%s: FormatSearch round trip %q gives %s", tt.in, plain, dumpSearch(q3.Search))
		}
	}
}

func TestParseQueryAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, filter string
		aliases    map[string]string
	}{
		{"$filter=Title eq @t&@t='Oz'", "(eq Title 'Oz')", map[string]string{"t": "'Oz'"}},
		{"$filter=A eq @a&@a=@b&@b=1 add 2", "(eq A (add 1 2))", map[string]string{"a": "(add 1 2)", "b": "(add 1 2)"}},
		{"$filter=A eq @missing", "(eq A @missing)", nil},
		{"$filter=A in @l&@l=[\"x\",\"y\"]", "(in A (list 'x' 'y'))", map[string]string{"l": "['x' 'y']"}},
		{"$filter=@p/Name eq 1&@p=$it", "(eq $it/Name 1)", map[string]string{"p": "$it"}},
		{"$filter=@m/any(x:x eq 1)&@m=$it/Tags", "(any $it/Tags x (eq x 1))", map[string]string{"m": "$it/Tags"}},
		{"$filter=Items/$filter(Price gt @p)/$count gt 0&@p=5", "(gt Items/$filter[(gt Price 5)]/$count 0)", map[string]string{"p": "5"}},
		{"$filter=Items/$filter(Price gt @p)/$count gt 0&@p=Limit", "(gt Items/$filter[(gt Price @p)]/$count 0)", map[string]string{"p": "Limit"}},
		{"$filter=Items(@k)/Name eq 1&@k='a'", "(eq Items('a')/Name 1)", map[string]string{"k": "'a'"}},
		{"$filter=Ns.F(x=@v)&@v={\"a\":1}", "Ns.F(x={\"a\":1})", map[string]string{"v": "{\"a\":1}"}},
		{"$filter=@Core.Messages/any(m:true)&@Core=1", "(any @Core.Messages m true)", map[string]string{"Core": "1"}},
		{"%40a=1&$filter=A eq @a", "(eq A 1)", map[string]string{"a": "1"}},
	}
	for _, tt := range tests {
		q := mustQuery(t, tt.in)
		if got := dump(q.Filter); got != tt.filter {
			t.Errorf("%s: filter %s, want %s", tt.in, got, tt.filter)
		}
		got := map[string]string{}
		for n, e := range q.Aliases {
			got[n] = dump(e)
		}
		if tt.aliases == nil {
			tt.aliases = map[string]string{}
		}
		if !reflect.DeepEqual(got, tt.aliases) {
			t.Errorf("%s: aliases %v, want %v", tt.in, got, tt.aliases)
		}
	}
}

func TestParseQueryNestedAliases(t *testing.T) {
	t.Parallel()
	// Same scope: substituted, $this included.
	q := mustQuery(t, "$select=Addresses(@a=$this;$filter=endswith(@a/Street,'gasse'))")
	if got := dump(q.Select[0].Options.Filter); got != "endswith($this/Street,'gasse')" {
		t.Errorf("same scope: %s", got)
	}
	// Defined after use in the same options.
	q = mustQuery(t, "$expand=Items($filter=Price gt @p;@p=5)")
	if got := dump(q.Expand[0].Options.Filter); got != "(gt Price 5)" {
		t.Errorf("defined after use: %s", got)
	}
	// A deeper scope: a context-free value is substituted, a value
	// mentioning $this or a relative path is not.
	q = mustQuery(t, "$expand=Manager(@m=$this;@n=5;$expand=DirectReports($filter=@m/FirstName eq FirstName and Age gt @n))")
	if got := dump(q.Expand[0].Options.Expand[0].Options.Filter); got != "(and (eq @m/FirstName FirstName) (gt Age 5))" {
		t.Errorf("deeper scope: %s", got)
	}
	q = mustQuery(t, "$expand=Items($filter=Price gt @p)&@p=Limit")
	if got := dump(q.Expand[0].Options.Filter); got != "(gt Price @p)" {
		t.Errorf("top-level relative alias in nested options: %s", got)
	}
	q = mustQuery(t, "$expand=Items($filter=Price gt @p)&@p=$root/Limits('x')/Max")
	if got := dump(q.Expand[0].Options.Filter); got != "(gt Price $root/Limits('x')/Max)" {
		t.Errorf("top-level $root alias in nested options: %s", got)
	}
}

func TestParseQueryAliasLimits(t *testing.T) {
	t.Parallel()
	// Each alias doubles the tree: substitution is bounded.
	var b strings.Builder
	b.WriteString("$filter=@a0 eq 1")
	for i := 0; i < 20; i++ {
		b.WriteString("&@a" + itoa(i) + "=[@a" + itoa(i+1) + ",@a" + itoa(i+1) + "]")
	}
	b.WriteString("&@a20=1")
	_, err := ParseQuery(b.String())
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "nodes once parameter aliases are substituted") {
		t.Errorf("alias bomb: %v", err)
	}
	// A big tree is not limited by itself, only what aliases add.
	big := "$filter=a in (" + strings.Repeat("1,", MaxNodes) + "1) and @x&@x=true"
	if _, err := ParseQuery(big); err != nil {
		t.Errorf("big filter with an alias: %v", err)
	}
	_, err = ParseQuery("$filter=@a&@a=@b&@b=[@a]")
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "refers to itself") {
		t.Errorf("alias cycle: %v", err)
	}
	_, err = ParseQuery("@a=@a")
	if !errors.As(err, &se) || se.Option != "@a" || !strings.Contains(se.Msg, "refers to itself") {
		t.Errorf("unused alias cycle: %v", err)
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestParseQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		option string
		off    int
		msg    string
	}{
		{"&", "", 0, "empty query option"},
		{"$top=1&", "", 7, "empty query option"},
		{"a&&b", "", 2, "empty query option"},
		{"=1", "", 0, "a query option needs a name"},
		{"$search=#1", "", 8, "a '#' must be percent-encoded as %23"},
		{"x%zz=1", "", 1, "malformed percent-encoding"},
		{"$filter=a%2", "$filter", 1, "malformed percent-encoding"},
		{"$filter='%FF'", "$filter", 1, "invalid UTF-8"},
		{"$foo=1", "$foo", 0, "unknown system query option $foo"},
		{"$filter =true", "$filter ", 0, "unknown system query option"},
		{"$filter= true", "$filter", 0, "expected an expression, found ' '"},
		{"$filter=true&filter=false", "filter", 0, "system query option $filter is given twice"},
		{"$format=json&$Format=atom", "$Format", 0, "system query option $format is given twice"},
		{"x=1&x=2", "x", 0, "custom query option x is given twice"},
		{"@a=1&@a=2", "@a", 0, "parameter alias @a is given twice"},
		{"@a", "@a", 0, "parameter alias @a needs a value"},
		{"@1=2", "@1", 1, "expected a parameter alias name after '@'"},
		{"@a.b=2", "@a.b", 2, "unexpected '.'"},
		{"@a=", "@a", 0, "expected an expression, found the end"},
		{"$count", "$count", 0, "$count needs a value"},
		{"$count=yes", "$count", 0, "expected true or false"},
		{"$top=-1", "$top", 0, "expected a non-negative integer"},
		{"$top=1.5", "$top", 1, "unexpected '.'"},
		{"$skip=99999999999999999999", "$skip", 0, "number too large"},
		{"$top=", "$top", 0, "expected a non-negative integer, found the end"},
		{"$format=foo", "$format", 0, "expected json, atom, xml or a media type"},
		{"$format=a/b/c", "$format", 0, "expected json, atom, xml or a media type"},
		{"$skiptoken=", "$skiptoken", 0, "$skiptoken needs a value"},
		{"$deltatoken=", "$deltatoken", 0, "$deltatoken needs a value"},
		{"$index=fortytwo", "$index", 0, "expected an integer"},
		{"$index=4x", "$index", 1, "unexpected 'x'"},
		{"$levels=2x", "$levels", 1, "unexpected 'x'"},
		{"$schemaversion=a b", "$schemaversion", 1, "expected * or a version"},
		{"$schemaversion=", "$schemaversion", 0, "$schemaversion needs a value"},
		{"$levels=0", "$levels", 0, "expected max or a positive integer without leading zeros"},
		{"$expand=Category($levels=04)", "$expand", 17, "expected max or a positive integer without leading zeros"},
		{"$expand=C($levels=99999999999)", "$expand", 10, "levels too large"},
		{"$compute=a", "$compute", 1, "expected ' as Name' after a $compute expression"},
		{"$compute=a as 1", "$compute", 5, "expected a computed property name"},
		{"$orderby=a asc desc", "$orderby", 5, "unexpected whitespace"},
		{"$orderby=", "$orderby", 0, "expected an expression"},
		{"$select=", "$select", 0, "expected a property, type, action or function name"},
		{"$select=a,", "$select", 2, "expected a property"},
		{"$select=a/Model.*", "$select", 2, "Namespace.* must stand alone in $select"},
		{"$select=F(a,)", "$select", 4, "expected a parameter name"},
		{"$select=A($expand=B)", "$select", 2, "$expand is not allowed here"},
		{"$select=A($top=1;$top=2)", "$select", 9, "$top is given twice"},
		{"$select=A(x=1)", "$select", 2, "unknown query option x"},
		{"$select=A()", "$select", 2, "expected a parameter name"},
		{"$expand=", "$expand", 0, "expected a navigation property"},
		{"$expand=A()", "$expand", 2, "expected a query option"},
		{"$expand=Customer/$ref($levels=4)", "$expand", 14, "$levels is not allowed here"},
		{"$expand=Customer/$ref($select=Name)", "$expand", 14, "$select is not allowed here"},
		{"$expand=Items/$count($count=true)", "$expand", 13, "$count is not allowed here"},
		{"$expand=*($top=1)", "$expand", 2, "$top is not allowed here"},
		{"$expand=*/$ref($top=1)", "$expand", 6, "*/$ref takes no options"},
		{"$expand=*/$count", "$expand", 2, "*/$count is not allowed"},
		{"$expand=A/$value", "$expand", 2, "expected $ref or $count after '/'"},
		{"$expand=A($top=1", "$expand", 8, "expected ';' or ')' after a nested option"},
		{"$expand=A(@a=1;@a=2)", "$expand", 7, "parameter alias @a is given twice"},
		{"$expand=A/$count(@a=1)", "$expand", 9, "a parameter alias is not allowed here"},
		{"$expand=A($apply=a(b)", "$expand", 13, "expected ';' or ')' after a nested option, found the end"},
		{"$expand=A($apply=a((b)", "$expand", 9, "unbalanced parentheses"},
		{"$expand=A($apply=a(')", "$expand", 11, "unterminated quote"},
		{"$expand=A($apply=)", "$expand", 9, "expected a value"},
		{"$expand=Manager($search=gr(een)", "$expand", 18, "expected ';' or ')' after a nested option"},
		{"$search=", "$search", 0, "expected a search term, found the end"},
		{"$search=a;b", "$search", 1, "unexpected ';'"},
		{"$search=;", "$search", 0, "a ';' in a search word must be percent-encoded as %3B"},
		{"$search=\"blue", "$search", 0, "unterminated phrase"},
		{"$search=%22blue", "$search", 0, "unterminated phrase"},
		{"$search=\"\"", "$search", 0, "empty phrase"},
		{"$search=\"blue\"green", "$search", 6, "unexpected 'g'"},
		{"$search=(a", "$search", 2, `expected ')'`},
		{"$search=a)", "$search", 1, `unexpected ')'`},
		{"$search='a", "$search", 0, "unterminated $search literal"},
		{"$search=a 'b'", "$search", 1, "unexpected whitespace"},
		{"$search=(('a'))", "$search", 2, "expected a search term, found '\\''"},
		{"$search=" + strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), "$search", MaxDepth + 1, "nesting deeper than 64 levels"},
		{"$search=" + strings.Repeat("NOT ", MaxDepth+1) + "a", "$search", 4*MaxDepth + 4, "nesting deeper than 64 levels"},
		{"$expand=" + strings.Repeat("A($expand=", MaxDepth+1) + "B" + strings.Repeat(")", MaxDepth+1), "$expand", 10*MaxDepth + 2, "nesting deeper than 64 levels"},
		{"$filter=@a/Name eq 1&@a=1", "$filter", 0, "parameter alias @a is followed by a path, but its value is not a path"},
		{"$filter=@a/any(x:true)&@a=1", "$filter", 0, "parameter alias @a is followed by a path, but its value is not a path"},
		{strings.Repeat("a", MaxLength+1), "", MaxLength, "query string too long"},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseQuery(%.60q) = %v, want a SyntaxError", tt.in, err)
			continue
		}
		if se.Option != tt.option || se.Offset != tt.off || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseQuery(%.60q): %v; want %s: at %d: ...%s...", tt.in, err, tt.option, tt.off, tt.msg)
		}
	}
}

func TestSyntaxErrorText(t *testing.T) {
	t.Parallel()
	_, err := ParseQuery("$filter=Name eq")
	if got, want := err.Error(), `$filter: at 7: expected whitespace after "eq"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = ParseExpr("")
	if got, want := err.Error(), "at 0: expected an expression, found the end"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
