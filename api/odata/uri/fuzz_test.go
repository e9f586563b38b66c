package uri

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// corpusInputs returns the inputs of the ABNF corpus for the given rules
// (nil when the corpus is absent), as fuzz seeds.
func corpusInputs(keep func(rule string) bool) []string {
	b, err := os.ReadFile(filepath.Join(corpusDir, "odata-abnf-testcases.yaml"))
	if err != nil {
		return nil
	}
	var f corpusFile
	if yaml.Unmarshal(b, &f) != nil {
		return nil
	}
	var ins []string
	for _, c := range f.TestCases {
		if keep(c.Rule) {
			ins = append(ins, c.Input)
		}
	}
	return ins
}

// hangGuard crashes the fuzz worker when an input takes too long, so that
// the fuzzer records it (it does not detect hangs by itself).
func hangGuard(input string) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() {
		panic(fmt.Sprintf("no result after 10s for input %q", input))
	})
	return func() { t.Stop() }
}

func checkSyntaxError(t *testing.T, err error) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"$filter=Name eq 'a+b'&$top=5", "$expand=Items($filter=Price gt @p;@p=5;$expand=A/$ref)&@p=1",
		"$search=a OR (b NOT c) \"d e\"", "$select=A/B,Ns.*,F(a,b),C($top=1)", "$orderby=a desc,b",
		"@a=@b&@b=[1,{\"x\":@c}]&@c=$root/S('k')&$filter=X in @a", "$expand=*($levels=max),M($search=a%3Bb)",
		"x=1&!y&$format=json&$skiptoken=abc", "$compute=a as b&$apply=groupby((a))", "$filter=@m/any(x:x)&@m=$it/Tags",
	} {
		f.Add(s)
	}
	for _, s := range corpusInputs(func(r string) bool { return r == "queryOptions" || singleOption[r] }) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		defer hangGuard(raw)()
		q, err := ParseQuery(raw)
		if err != nil {
			checkSyntaxError(t, err)
			return
		}
		s := FormatQuery(q)
		q2, err := ParseQuery(s)
		if err != nil {
			t.Fatalf("ParseQuery(%q) printed as %q: %v", raw, s, err)
		}
		if s2 := FormatQuery(q2); s2 != s {
			t.Fatalf("printing is not stable: %q, then %q", s, s2)
		}
		if !sameTree(normalizeQuery(q), normalizeQuery(q2)) {
			t.Fatalf("ParseQuery(%q) printed as %q parses to another tree", raw, s)
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"Tasks('a%2Fb')", "Orders(OrderID=1,Line=2)/Items", "Tasks('x')/Tracker.Start", "Tasks/$count", "$metadata",
		"Tasks('it''s')", "F(a=1)(2)/Ns.T(3)/$filter(a/b eq 'c')/$ref", "$crossjoin(A,B)/$query", "People/O'Neil/-1",
		"$entity/Ns.T", "S(2012-01-01T00%3A00Z)/N(@k)",
	} {
		f.Add(s)
	}
	for _, s := range corpusInputs(func(r string) bool { return r == "resourcePath" }) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		defer hangGuard(raw)()
		rp, err := ParsePath(raw)
		if err != nil {
			checkSyntaxError(t, err)
			return
		}
		s := FormatPath(rp)
		rp2, err := ParsePath(s)
		if err != nil {
			t.Fatalf("ParsePath(%q) printed as %q: %v", raw, s, err)
		}
		if s2 := FormatPath(rp2); s2 != s {
			t.Fatalf("printing is not stable: %q, then %q", s, s2)
		}
		if !sameTree(rp, rp2) {
			t.Fatalf("ParsePath(%q) printed as %q parses to another tree", raw, s)
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"Name eq 'Milk' and Price lt 2.55", "not a or -b mul c", "Items/any(d:d/Price gt 1)", "a in ('x',1)",
		"contains(tolower(Name),'x')", "cast(a,Collection(Edm.String))", "case(a:1,true:0)", "[1,\"a\",{\"b\":null}]",
		"$root/S('k')/P eq @p", "Ns.F(a=1)/B/$count($filter=c;$search=d)", "2012-01-01T00:00:00.5+01:00 gt 12:00",
		"binary'Zg' eq duration'P1D' and Ns.E'A,1' has x", "geography'SRID=0;Point(1 2)'", "-INF lt NaN",
		"CONTAINS(Name,'x') and Year(d) eq 1", "cast('1',Edm.Int32) eq p and p eq '0'", "substring(t,-3,2) eq 'x'",
		"d eq 'P1D' and at add duration'-pt1h' gt now() sub at", "labels/$count($filter=$this eq 'x') gt 0",
		"labels/$filter(startswith($this,'a'))/$count eq 1", "labels eq [\"a\",\"b\"] and [] ne labels", "'a' in labels",
	} {
		f.Add(s)
	}
	escape := strings.NewReplacer("%", "%25", "&", "%26", "#", "%23")
	f.Fuzz(func(t *testing.T, s string) {
		defer hangGuard(s)()
		e, err := ParseExpr(s)
		// The same text as a $filter value gives the same result.
		q, qerr := ParseQuery("$filter=" + escape.Replace(s))
		if (err == nil) != (qerr == nil) {
			t.Fatalf("ParseExpr(%q): %v, but as $filter: %v", s, err, qerr)
		}
		if err != nil {
			checkSyntaxError(t, err)
			return
		}
		if !sameTree(e, q.Filter) {
			t.Fatalf("ParseExpr(%q) and $filter differ: %s, %s", s, dump(e), dump(q.Filter))
		}
		p := Format(e)
		e2, err := ParseExpr(p)
		if err != nil {
			t.Fatalf("ParseExpr(%q) printed as %q: %v", s, p, err)
		}
		if p2 := Format(e2); p2 != p {
			t.Fatalf("printing is not stable: %q, then %q", p, p2)
		}
		if !sameTree(e, e2) {
			t.Fatalf("ParseExpr(%q) printed as %q parses to another tree: %s, then %s", s, p, dump(e), dump(e2))
		}
	})
}
