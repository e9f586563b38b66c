package sqlgen_test

import (
	"strings"
	"testing"
	"time"

	"github.com/temperhq/temper/api/odata/uri"
	"github.com/temperhq/temper/store/internal/model"
	"github.com/temperhq/temper/store/sqlgen"
)

// TestParsedFilters runs $filter values through the URL parser and the
// translator: the trees the parser makes for the 4.01 syntax are the
// ones the translator reads (storetest runs the same constructs against
// both databases from hand-built trees).
func TestParsedFilters(t *testing.T) {
	t.Parallel()
	const (
		ok          = ""
		invalid     = "400"
		unsupported = "501"
	)
	schema := model.Schema{Key: []string{"id"}, Properties: map[string]string{
		"title": "Edm.String", "priority": "Edm.Int32", "due": "Edm.Date", "at": "Edm.DateTimeOffset",
		"dur": "Edm.Duration", "labels": "Collection(Edm.String)", "nums": "Collection(Edm.Int64)", "color": "NS.Color",
	}}
	for _, c := range []struct{ filter, want string }{
		{"CONTAINS(title,'a') and Year(due) eq 2024 and TOLOWER(title) eq 'a'", ok},
		{"priority eq '0'", ok},
		{"'0' lt priority", ok},
		{"priority eq 'x'", invalid},
		{"priority in ('1','2')", ok},
		{"due eq '2024-01-31' and at lt '2024-01-31T10:00:00Z'", ok},
		{"cast(title,Edm.Int32) eq 1 and cast('5',Edm.Byte) eq priority", ok},
		{"Cast(priority,Edm.String) eq '1'", ok},
		{"cast('x',Edm.Int32) eq 1", invalid},
		{"cast(priority,Model.Type) eq null", unsupported},
		{"dur eq duration'P1DT2H' and dur gt 'PT1H' and -dur lt duration'-p1d'", ok},
		{"at add duration'P1D' gt now() and at sub 'PT1H' lt at and now() sub at gt duration'P30D'", ok},
		{"due add duration'P1D' eq 2024-01-01 and due sub due eq duration'P0D'", ok},
		{"totalseconds(dur) gt 60", ok},
		{"dur eq 'P1Y'", invalid},
		{"color eq NS.Color'Red'", unsupported},
		{"title eq NS.Shade'Red'", invalid},
		{"title has NS.Shade'Red'", invalid},
		{"substring(title,-3) eq 'abc' and substring(title,-3,2) eq 'ab'", ok},
		{"substring(title,0,-1) eq 'a'", invalid},
		{"labels/$count($filter=$this eq 'x') gt 0", ok},
		{"labels/$count($filter=startswith($this,'a') and $it/priority gt 1) eq 1", ok},
		{"labels/$filter($this eq 'x')/$count eq 1", ok},
		{"nums/$count($filter=$this gt '2') eq 1", ok},
		{"labels/$count($filter=title eq 'x') gt 0", invalid},
		{"labels/$count($search=x) gt 0", unsupported},
		{"labels eq [\"a\",\"b\"] and labels ne [] and [\"a\"] eq labels", ok},
		{"nums eq [1,2,\"3\"]", ok},
		{"labels eq [1]", invalid},
		{"title eq [\"a\"]", invalid},
		{"'a' in labels and 3 in nums", ok},
		{"$this eq 'x'", unsupported},
	} {
		q, err := uri.ParseQuery("$filter=" + strings.NewReplacer("%", "%25", "&", "%26", "#", "%23", "+", "%2B").Replace(c.filter))
		if err != nil {
			t.Errorf("%s: %v", c.filter, err)
			continue
		}
		for _, d := range []sqlgen.Dialect{sqlgen.SQLite, sqlgen.Postgres} {
			_, _, err := sqlgen.Filter(d, table, schema, q.Filter, time.Time{})
			var qe *model.QueryError
			var ue *model.UnsupportedError
			got := ok
			switch {
			case errorsAs(err, &qe):
				got = invalid
			case errorsAs(err, &ue):
				got = unsupported
			case err != nil:
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("%s (%s): got %q (%v), want %q", c.filter, d.Name(), got, err, c.want)
			}
		}
	}
}
