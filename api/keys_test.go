package api_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

const keysOrder = `
[automaton]
name = "Order"
states = ["Open", "Shipped"]
initial = "Open"
[[state]]
name = "title"
type = "string"
[[action]]
name = "Ship"
from = ["Open"]
to = "Shipped"
`

const keysLine = `
[automaton]
name = "Line"
states = ["Open", "Done"]
initial = "Open"
[[state]]
name = "note"
type = "string"
[[action]]
name = "Finish"
from = ["Open"]
to = "Done"
`

const keysModel = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="KT" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Order">
        <Key><PropertyRef Name="OrderID"/></Key>
        <Property Name="OrderID" Type="Edm.Int32" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="title" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="Line">
        <Key><PropertyRef Name="OrderID"/><PropertyRef Name="Line"/></Key>
        <Property Name="OrderID" Type="Edm.Int64" Nullable="false"/>
        <Property Name="Line" Type="Edm.String" Nullable="false"/>
        <Property Name="status" Type="Edm.String"/>
        <Property Name="note" Type="Edm.String"/>
      </EntityType>
      <EntityContainer Name="Container">
        <EntitySet Name="Orders" EntityType="KT.Order"/>
        <EntitySet Name="Lines" EntityType="KT.Line"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

// pages follows @odata.nextLink from path and returns every entity as
// render shows it, in order.
func (s *stack) pages(t *testing.T, path string, render func(map[string]any) string, headers ...string) []string {
	t.Helper()
	var out []string
	for n := 0; path != ""; n++ {
		if n > 20 {
			t.Fatal("paging does not end")
		}
		r := s.do(t, "GET", path, nil, headers...)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
		}
		vals, _ := r.body["value"].([]any)
		for _, v := range vals {
			out = append(out, render(v.(map[string]any)))
		}
		next, _ := r.body["@odata.nextLink"].(string)
		path = strings.TrimPrefix(next, s.url)
	}
	return out
}

func TestIntegerAndCompoundKeys(t *testing.T) {
	s := newStack(t, 2, map[string][]byte{"Order.ioa.toml": []byte(keysOrder), "Line.ioa.toml": []byte(keysLine), "model.csdl.xml": []byte(keysModel)})
	root := "/odata/extra0/"

	t.Run("integer key", func(t *testing.T) {
		for _, id := range []int{10, 2, 100, -3, 1} {
			r := s.do(t, "POST", root+"Orders", map[string]any{"OrderID": id, "title": "order"})
			if r.status != 201 {
				t.Fatalf("create %d: %d %s", id, r.status, r.raw)
			}
			if id == 10 {
				if loc := r.header.Get("Location"); !strings.HasSuffix(loc, root+"Orders(10)") {
					t.Errorf("Location %q, want .../Orders(10)", loc)
				}
				if r.body["OrderID"] != float64(10) {
					t.Errorf("created entity: OrderID %#v, want the number 10: %s", r.body["OrderID"], r.raw)
				}
			}
		}
		for name, body := range map[string]map[string]any{
			"string for an integer key": {"OrderID": "7"},
			"fraction":                  {"OrderID": 1.5},
			"out of Edm.Int32's range":  {"OrderID": 3000000000},
			"no key":                    {"title": "x"},
		} {
			if r := s.do(t, "POST", root+"Orders", body); r.status != 400 {
				t.Errorf("%s: %d %s", name, r.status, r.raw)
			}
		}
		if r := s.do(t, "POST", root+"Orders", map[string]any{"OrderID": 10}); r.status != 409 {
			t.Errorf("second create of 10: %d %s", r.status, r.raw)
		}
		r := s.do(t, "GET", root+"Orders(10)", nil)
		if r.status != 200 || r.body["OrderID"] != float64(10) || r.body["title"] != "order" {
			t.Fatalf("get Orders(10): %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Orders(OrderID=-3)", nil); r.status != 200 || r.body["OrderID"] != float64(-3) {
			t.Fatalf("get Orders(OrderID=-3): %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Orders('10')", nil); r.status != 400 {
			t.Errorf("string literal for an integer key: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Orders(11)", nil); r.status != 404 {
			t.Errorf("unknown key: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Orders(10)/OrderID", nil); r.status != 200 || r.body["value"] != float64(10) {
			t.Errorf("key property: %d %s", r.status, r.raw)
		}
		r = s.do(t, "POST", root+"Orders(2)/KT.Ship", nil)
		if r.status != 200 || r.body["status"] != "Shipped" || r.body["OrderID"] != float64(2) {
			t.Fatalf("action: %d %s", r.status, r.raw)
		}

		id := func(m map[string]any) string {
			n, ok := m["OrderID"].(float64)
			if !ok {
				t.Fatalf("OrderID is not a number: %v", m)
			}
			return formatNum(n)
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{"-3", "1", "2", "10", "100"}},
			{"?$orderby=OrderID", []string{"-3", "1", "2", "10", "100"}},
			{"?$orderby=OrderID%20desc", []string{"100", "10", "2", "1", "-3"}},
			{"?$filter=OrderID%20gt%202", []string{"10", "100"}},
			{"?$filter=OrderID%20eq%2010%20or%20status%20eq%20'Shipped'&$orderby=OrderID%20desc", []string{"10", "2"}},
			{"?$orderby=title,OrderID%20desc&$top=4", []string{"100", "10", "2", "1"}},
		} {
			// Page size 2: every list is paged through skip tokens.
			if got := s.pages(t, root+"Orders"+c.query, id); !slices.Equal(got, c.want) {
				t.Errorf("Orders%s: %v, want %v", c.query, got, c.want)
			}
		}
	})

	t.Run("compound key", func(t *testing.T) {
		for _, l := range []map[string]any{
			{"OrderID": 10, "Line": "a"}, {"OrderID": 2, "Line": "b"}, {"OrderID": 1, "Line": "it's"},
			{"OrderID": 1, "Line": "a", "note": "first"}, {"OrderID": 2, "Line": "a,b"},
		} {
			r := s.do(t, "POST", root+"Lines", l)
			if r.status != 201 {
				t.Fatalf("create %v: %d %s", l, r.status, r.raw)
			}
			if l["note"] == "first" {
				if loc := r.header.Get("Location"); !strings.HasSuffix(loc, root+"Lines(OrderID=1,Line='a')") {
					t.Errorf("Location %q, want .../Lines(OrderID=1,Line='a')", loc)
				}
				if r.body["OrderID"] != float64(1) || r.body["Line"] != "a" {
					t.Errorf("created entity: %s", r.raw)
				}
			}
		}
		for name, body := range map[string]map[string]any{
			"string for the integer part": {"OrderID": "1", "Line": "z"},
			"number for the string part":  {"OrderID": 1, "Line": 2},
			"a part missing":              {"OrderID": 1},
			"empty string part":           {"OrderID": 1, "Line": ""},
		} {
			if r := s.do(t, "POST", root+"Lines", body); r.status != 400 {
				t.Errorf("%s: %d %s", name, r.status, r.raw)
			}
		}
		for _, path := range []string{"Lines(OrderID=1,Line='a')", "Lines(Line='a',OrderID=1)"} {
			r := s.do(t, "GET", root+path, nil)
			if r.status != 200 || r.body["OrderID"] != float64(1) || r.body["Line"] != "a" || r.body["note"] != "first" {
				t.Fatalf("get %s: %d %s", path, r.status, r.raw)
			}
		}
		for _, path := range []string{"Lines(OrderID='1',Line='a')", "Lines(OrderID=1,Line=2)", "Lines(1)", "Lines(OrderID=1)"} {
			if r := s.do(t, "GET", root+path, nil); r.status != 400 {
				t.Errorf("get %s: %d %s", path, r.status, r.raw)
			}
		}
		r := s.do(t, "POST", root+"Lines(OrderID=1,Line='it''s')/KT.Finish", nil)
		if r.status != 200 || r.body["status"] != "Done" || r.body["Line"] != "it's" || r.body["OrderID"] != float64(1) {
			t.Fatalf("action: %d %s", r.status, r.raw)
		}
		if r := s.do(t, "GET", root+"Lines(OrderID=2,Line='a,b')", nil); r.status != 200 {
			t.Fatalf("a comma in a string part: %d %s", r.status, r.raw)
		}

		id := func(m map[string]any) string {
			n, _ := m["OrderID"].(float64)
			line, _ := m["Line"].(string)
			return formatNum(n) + "/" + line
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"", []string{"1/a", "1/it's", "2/a,b", "2/b", "10/a"}},
			{"?$filter=OrderID%20eq%201", []string{"1/a", "1/it's"}},
			{"?$filter=OrderID%20ge%202%20and%20Line%20ne%20'b'", []string{"2/a,b", "10/a"}},
			{"?$orderby=OrderID%20desc,Line%20desc", []string{"10/a", "2/b", "2/a,b", "1/it's", "1/a"}},
			{"?$orderby=Line", []string{"1/a", "10/a", "2/a,b", "2/b", "1/it's"}},
			{"?$filter=status%20eq%20'Done'", []string{"1/it's"}},
		} {
			if got := s.pages(t, root+"Lines"+c.query, id); !slices.Equal(got, c.want) {
				t.Errorf("Lines%s: %v, want %v", c.query, got, c.want)
			}
		}
		// A page size of one, through the client's preference.
		if got := s.pages(t, root+"Lines", id, "Prefer", "odata.maxpagesize=1"); !slices.Equal(got, []string{"1/a", "1/it's", "2/a,b", "2/b", "10/a"}) {
			t.Errorf("pages of one: %v", got)
		}
	})
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
