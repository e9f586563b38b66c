// Package testtemporal starts a real Temporal server in process for tests
// (go.temporal.io/server/temporaltest) with the search attributes entity
// workflows upsert. Only tests import it.
package testtemporal

import (
	"context"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/server/temporaltest"

	"github.com/temperhq/temper/workflows/entity"
)

// SearchAttributes are the entity workflow's search attributes.
var SearchAttributes = map[string]enumspb.IndexedValueType{
	entity.SAApp:    enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	entity.SAEntity: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	entity.SAStatus: enumspb.INDEXED_VALUE_TYPE_KEYWORD,
}

// New starts a server for tb and stops it when tb ends. It skips in -short
// mode, saying why.
func New(tb testing.TB) *temporaltest.TestServer {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts a Temporal server in process; skipped in -short mode")
	}
	var ts *temporaltest.TestServer
	if t, ok := tb.(*testing.T); ok {
		ts = temporaltest.NewServer(temporaltest.WithT(t))
	} else {
		ts = temporaltest.NewServer()
		tb.Cleanup(ts.Stop)
	}
	_, err := ts.GetDefaultClient().OperatorService().AddSearchAttributes(context.Background(), &operatorservice.AddSearchAttributesRequest{
		Namespace:        ts.GetDefaultNamespace(),
		SearchAttributes: SearchAttributes,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ts
}
