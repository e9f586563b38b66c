package deploy_test

import (
	"context"
	"strings"
	"testing"

	acts "github.com/temperhq/temper/activities/deploy"
)

const budgetSpec = `
[automaton]
name = "Doc"
states = ["Draft", "Scored"]
initial = "Draft"

[[action]]
name = "Score"
from = ["Draft"]
to = "Scored"

[[integration]]
name = "scorer"
trigger = "Score"
type = "wasm"
module = "score"
on_success = "Scored"
on_failure = "ScoreFailed"
config = { %s }
`

// TestParseChecksBudgets: integration budgets over the runtime's hard
// caps or with unknown keys fail the deploy's parse step.
func TestParseChecksBudgets(t *testing.T) {
	tests := []struct {
		config, err string
	}{
		{`"budget.timeout" = "5s", "budget.memory_pages" = "256", url = "https://example.com"`, ""},
		{`"budget.timeout" = "1h"`, "timeout"},
		{`"budget.memory_pages" = "100000"`, "memory"},
		{`"budget.fuel" = "1"`, "unknown budget"},
		{`"budget.timeout" = "soon"`, "budget.timeout"},
	}
	a := &acts.Activities{}
	for _, tc := range tests {
		files := map[string][]byte{"Doc.ioa.toml": []byte(strings.Replace(budgetSpec, "%s", tc.config, 1))}
		_, err := a.Parse(context.Background(), files)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.config, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v, want an error about %s", tc.config, err, tc.err)
		}
	}
}
