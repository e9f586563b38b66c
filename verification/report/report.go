package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// Level names a verification level.
type Level string

// The four levels of the cascade and the cross-entity check.
const (
	L0    Level = "L0"
	L1    Level = "L1"
	L2    Level = "L2"
	L3    Level = "L3"
	Cross Level = "cross"
)

// Title is the level's display name.
func (l Level) Title() string {
	switch l {
	case L0:
		return "L0 SMT"
	case L1:
		return "L1 model checking"
	case L2:
		return "L2 simulation"
	case L3:
		return "L3 property tests"
	case Cross:
		return "cross-entity"
	}
	return string(l)
}

// Severity of a finding: errors fail the level, warnings do not.
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Kinds of findings.
const (
	DeadAction         = "dead-action"          // a guard unsatisfiable in every from-state
	NonInductive       = "non-inductive"        // an invariant not preserved by an action (L0; L1 decides)
	UnreachableState   = "unreachable-state"    // a declared state no action can reach
	InvariantViolation = "invariant-violation"  // a reachable state breaks an invariant
	Deadlock           = "deadlock"             // a reachable non-terminal state with no enabled action
	Liveness           = "liveness"             // a [[liveness]] property fails
	DeadTransition     = "dead-transition"      // an action never enabled in any reachable state
	CallbackNotEnabled = "callback-not-enabled" // an integration callback arrives where it is not enabled
	Nondeterminism     = "nondeterminism"       // the same seed gave two runs
	TriggerNotEnabled  = "trigger-not-enabled"  // a trigger's target action is not enabled where it fires
	TriggerCycle       = "trigger-cycle"        // the trigger graph does not terminate within the depth limit
	Truncated          = "truncated"            // the exploration hit a bound
)

// Step is one step of a counterexample: the action with its parameters and
// the entity after it. The first step of a trace is the create (Action "").
type Step struct {
	Action string         `json:"action,omitempty"`
	Params map[string]any `json:"params,omitempty"`
	State  map[string]any `json:"state"`
}

// Finding is one result of a level.
type Finding struct {
	Kind      string            `json:"kind"`
	Severity  Severity          `json:"severity"`
	Entity    string            `json:"entity,omitempty"`
	Action    string            `json:"action,omitempty"`
	Invariant string            `json:"invariant,omitempty"`
	State     string            `json:"state,omitempty"`
	Msg       string            `json:"message"`
	Trace     []Step            `json:"trace,omitempty"`
	Model     map[string]string `json:"model,omitempty"` // an SMT model (L0)
	Seed      *uint64           `json:"seed,omitempty"`  // reproduces an L2/L3 run
}

// Result is one level's outcome.
type Result struct {
	Level    Level              `json:"level"`
	Passed   bool               `json:"passed"`
	Skipped  string             `json:"skipped,omitempty"` // why the level did not run
	Summary  string             `json:"summary"`
	Findings []Finding          `json:"findings,omitempty"`
	Stats    map[string]float64 `json:"stats,omitempty"`
	Duration time.Duration      `json:"duration_ns"`
}

// Fail adds an error finding and marks the result failed.
func (r *Result) Fail(f Finding) {
	f.Severity = Error
	r.Findings = append(r.Findings, f)
	r.Passed = false
}

// Warn adds a warning finding.
func (r *Result) Warn(f Finding) {
	f.Severity = Warning
	r.Findings = append(r.Findings, f)
}

// Errors counts the error findings.
func (r *Result) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// Report is the cascade's outcome for a bundle.
type Report struct {
	Bundle   string        `json:"bundle"` // content hash
	Passed   bool          `json:"passed"`
	Levels   []*Result     `json:"levels"`
	Duration time.Duration `json:"duration_ns"`
}

// Text renders the report for people: one line per level, then each
// finding with its trace.
func (r *Report) Text() string {
	var b strings.Builder
	for _, l := range r.Levels {
		mark := "PASS"
		switch {
		case l.Skipped != "":
			mark = "SKIP"
		case !l.Passed:
			mark = "FAIL"
		}
		summary := l.Summary
		if l.Skipped != "" {
			summary = l.Skipped
		}
		fmt.Fprintf(&b, "[%s] %s: %s (%s)\n", mark, l.Level.Title(), summary, l.Duration.Round(time.Microsecond))
		for _, f := range l.Findings {
			fmt.Fprintf(&b, "  %s %s: %s\n", f.Severity, f.Kind, f.Msg)
			if f.Seed != nil {
				fmt.Fprintf(&b, "    seed %d\n", *f.Seed)
			}
			if len(f.Model) > 0 {
				keys := make([]string, 0, len(f.Model))
				for k := range f.Model {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				parts := make([]string, len(keys))
				for i, k := range keys {
					parts[i] = k + "=" + f.Model[k]
				}
				fmt.Fprintf(&b, "    model: %s\n", strings.Join(parts, " "))
			}
			for i, s := range f.Trace {
				act := s.Action
				if act == "" {
					act = "create"
				}
				if len(s.Params) > 0 {
					act += formatMap(s.Params)
				}
				fmt.Fprintf(&b, "    %d. %s -> %s\n", i, act, formatMap(s.State))
			}
		}
	}
	verdict := "PASSED"
	if !r.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(&b, "cascade %s in %s\n", verdict, r.Duration.Round(time.Microsecond))
	return b.String()
}

func formatMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "status") != (keys[j] == "status") {
			return keys[i] == "status"
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, fmtVal(m[k]))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func fmtVal(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "'" + x + "'"
	case []string:
		return "[" + strings.Join(x, ",") + "]"
	}
	return fmt.Sprint(v)
}

// StateMap renders an entity state for a trace step.
func StateMap(t *specengine.Table, s *specengine.State) map[string]any {
	return t.Fields(s)
}

// ParamMap renders an action's parameters for a trace step, leaving out
// absent ones.
func ParamMap(a *specengine.Action, params []expr.Value) map[string]any {
	if len(params) == 0 {
		return nil
	}
	m := map[string]any{}
	for i, p := range a.Params {
		if i < len(params) && !params[i].IsNull() {
			m[p.Name] = params[i].Any()
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
