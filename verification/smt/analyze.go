package smt

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
	"github.com/temperhq/temper/verification/report"
)

// Verdict is Z3's answer to one L0 query.
type Verdict uint8

// Verdicts. What Sat means depends on the query: a guard query is Sat when
// the guard can hold; an induction or initial-state query is Sat when it
// found a counterexample.
const (
	NotChecked Verdict = iota // no query: not a from-state, or an event label
	Sat
	Unsat
	Unknown // Z3 hit the resource limit or gave up; never read as a pass
)

func (v Verdict) String() string {
	return [...]string{"not checked", "sat", "unsat", "unknown"}[v]
}

func verdictOf(s status) Verdict {
	switch s {
	case sat:
		return Sat
	case unsat:
		return Unsat
	}
	return Unknown
}

// Analysis is L0's result for one table, in a form another level can be
// cross-checked with: L1 must find every state not in Reachable
// unreachable, every Dead action never enabled, and each invariant violation
// it finds must start in an initial state (Initial Sat) or follow an
// (invariant, action) pair with Inductive Sat.
type Analysis struct {
	Table *specengine.Table
	// GuardSat[a][s] answers "can action a's guard hold in from-state s",
	// over every state of that status the entity can be in (field
	// invariants hold; variables otherwise free).
	GuardSat [][]Verdict
	// Reachable marks the states of the status graph reachable from the
	// initial state over edges whose guard is not unsatisfiable. It
	// over-approximates the reachable statuses.
	Reachable []bool
	// Initial[i] is Sat when an initial state breaks invariant i.
	Initial []Verdict
	// Inductive[i][a] is Sat when action a can break invariant i from a
	// reachable status where it holds (a counterexample to induction).
	Inductive [][]Verdict
	Findings  []report.Finding
}

// Dead reports whether action a can never run: its guard is unsatisfiable
// in every from-state (an unknown answer is not dead).
func (an *Analysis) Dead(a int) bool {
	act := an.Table.Actions[a]
	if act.Event {
		return false
	}
	for _, v := range an.GuardSat[a] {
		if v == Sat || v == Unknown {
			return false
		}
	}
	return true
}

// Unreachable lists the states L0 proved unreachable, by index.
func (an *Analysis) Unreachable() []int {
	var out []int
	for k, r := range an.Reachable {
		if !r {
			out = append(out, k)
		}
	}
	return out
}

// UnknownResult is the kind of a warning finding for a query Z3 could not
// decide within the resource limit: that property is neither proved nor
// refuted.
const UnknownResult = "smt-unknown"

// session is one run: one Z3 context owned by the goroutine that opened
// it, which stays locked to its OS thread until close.
type session struct {
	ctx   context.Context
	z     *z3
	opts  Options
	stop  func() bool
	stats struct {
		queries, sat, unsat, unknown int
		rlimit                       uint64
		solve                        time.Duration
	}
}

func open(ctx context.Context, opts Options) (*session, error) {
	opts = opts.withDefaults()
	if opts.DumpDir != "" {
		if err := os.MkdirAll(opts.DumpDir, 0o755); err != nil {
			return nil, fmt.Errorf("l0 dump dir: %w", err)
		}
	}
	runtime.LockOSThread()
	z, err := newZ3()
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	s := &session{ctx: ctx, z: z, opts: opts}
	s.stop = context.AfterFunc(ctx, z.interrupt)
	return s, nil
}

func (s *session) close() {
	s.stop()
	s.z.close()
	runtime.UnlockOSThread()
}

// query builds one query with build and runs it. An expression the
// encoder does not know is an error, not a finding: L0 did not verify.
func (s *session) query(e *encoder, name, title string, build func()) (ans answer, err error) {
	if err := s.ctx.Err(); err != nil {
		return answer{}, err
	}
	e.begin(name, title)
	func() {
		defer func() {
			if r := recover(); r != nil {
				ee, ok := r.(*encodeError)
				if !ok {
					panic(r)
				}
				err = fmt.Errorf("l0 %s: %w", name, ee)
			}
		}()
		build()
	}()
	if err != nil {
		return answer{}, err
	}
	q := e.q
	start := time.Now()
	ans, err = s.z.solve(q.body.String(), s.opts.Rlimit, q.consts)
	s.stats.solve += time.Since(start)
	if err != nil {
		return answer{}, fmt.Errorf("l0 %s: %w", name, err)
	}
	if ans.status == unknown && s.ctx.Err() != nil {
		return answer{}, s.ctx.Err()
	}
	s.stats.queries++
	s.stats.rlimit += ans.rlimit
	switch ans.status {
	case sat:
		s.stats.sat++
	case unsat:
		s.stats.unsat++
	default:
		s.stats.unknown++
	}
	if s.opts.DumpDir != "" {
		result := ans.status.String()
		if ans.reason != "" {
			result += " (" + ans.reason + ")"
		}
		path := filepath.Join(s.opts.DumpDir, name+".smt2")
		if err := os.WriteFile(path, []byte(q.script(s.opts.Rlimit, result)), 0o644); err != nil {
			return answer{}, fmt.Errorf("l0 dump: %w", err)
		}
	}
	return ans, nil
}

// Analyze runs L0 on one table of b (b gives the states of related
// entity types).
func Analyze(ctx context.Context, b *specengine.Bundle, t *specengine.Table, opts Options) (*Analysis, error) {
	s, err := open(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.analyze(b, t)
}

func (s *session) analyze(b *specengine.Bundle, t *specengine.Table) (*Analysis, error) {
	an := &Analysis{Table: t}
	e := newEncoder(b, t)
	if err := s.guards(e, an); err != nil {
		return nil, err
	}
	an.reach()
	for k, r := range an.Reachable {
		if !r {
			an.Findings = append(an.Findings, report.Finding{
				Kind: report.UnreachableState, Severity: report.Error, Entity: t.Entity, State: t.States[k],
				Msg: fmt.Sprintf("%s: state %s is declared but unreachable: no action with a satisfiable guard leads to it from %s", t.Entity, t.States[k], t.States[t.Initial]),
			})
		}
	}
	an.Initial = make([]Verdict, len(t.Invariants))
	an.Inductive = make([][]Verdict, len(t.Invariants))
	for i := range t.Invariants {
		if err := s.initial(e, an, i); err != nil {
			return nil, err
		}
		if err := s.induction(e, an, i); err != nil {
			return nil, err
		}
	}
	return an, nil
}

func (s *session) unknownFinding(t *specengine.Table, what string, ans answer) report.Finding {
	return report.Finding{
		Kind: UnknownResult, Severity: report.Warning, Entity: t.Entity,
		Msg: fmt.Sprintf("%s: Z3 could not decide %s within rlimit %d (%s); it is neither proved nor refuted", t.Entity, what, s.opts.Rlimit, ans.reason),
	}
}

// guards asks, per action and from-state, whether the guard can hold.
func (s *session) guards(e *encoder, an *Analysis) error {
	t := an.Table
	an.GuardSat = make([][]Verdict, len(t.Actions))
	for ai, a := range t.Actions {
		an.GuardSat[ai] = make([]Verdict, len(t.States))
		if a.Event {
			continue
		}
		guard := "true"
		if a.GuardExpr != nil {
			guard = expr.Format(a.GuardExpr)
		}
		for k, from := range a.From {
			if !from {
				continue
			}
			ans, err := s.query(e, fmt.Sprintf("%s.guard.%s.%s", t.Entity, a.Name, t.States[k]),
				fmt.Sprintf("sat: the guard of %s can hold in state %s", a.Name, t.States[k]), func() {
					st := e.newState("pre", false)
					e.q.assert(eq(st.status, intLit(int64(k))))
					f := e.newFrame(st, a)
					e.fieldInvariants(f, "pre-state")
					e.q.comment("guard of %s: %s", a.Name, guard)
					if a.GuardExpr != nil {
						e.q.assert(e.pred(a.GuardExpr, f))
					}
				})
			if err != nil {
				return err
			}
			an.GuardSat[ai][k] = verdictOf(ans.status)
			if ans.status == unknown {
				an.Findings = append(an.Findings, s.unknownFinding(t, fmt.Sprintf("whether the guard of %s can hold in %s", a.Name, t.States[k]), ans))
			}
		}
		if an.Dead(ai) {
			msg := fmt.Sprintf("%s: action %s can never run: its guard %s is unsatisfiable in every from-state (%s)", t.Entity, a.Name, guard, strings.Join(fromNames(t, a), ", "))
			if len(fromNames(t, a)) == 0 {
				msg = fmt.Sprintf("%s: action %s can never run: it has no from-state", t.Entity, a.Name)
			}
			an.Findings = append(an.Findings, report.Finding{Kind: report.DeadAction, Severity: report.Error, Entity: t.Entity, Action: a.Name, Msg: msg})
		}
	}
	return nil
}

func fromNames(t *specengine.Table, a *specengine.Action) []string {
	var out []string
	for k, f := range a.From {
		if f {
			out = append(out, t.States[k])
		}
	}
	return out
}

// reach walks the status graph from the initial state over every
// (action, from-state) whose guard is not unsatisfiable.
func (an *Analysis) reach() {
	t := an.Table
	an.Reachable = make([]bool, len(t.States))
	an.Reachable[t.Initial] = true
	work := []int{t.Initial}
	for len(work) > 0 {
		k := work[0]
		work = work[1:]
		for ai, a := range t.Actions {
			if v := an.GuardSat[ai][k]; v != Sat && v != Unknown {
				continue
			}
			to := a.To
			if to < 0 {
				to = k
			}
			if !an.Reachable[to] {
				an.Reachable[to] = true
				work = append(work, to)
			}
		}
	}
}

// initial asks whether some initial state (the create: initial values,
// inputs and fields free, field invariants holding) breaks invariant i.
func (s *session) initial(e *encoder, an *Analysis, i int) error {
	t := an.Table
	inv := t.Invariants[i]
	ans, err := s.query(e, fmt.Sprintf("%s.init.%s", t.Entity, inv.Name),
		fmt.Sprintf("sat: an initial state breaks invariant %s", inv.Name), func() {
			st := e.newState("init", true)
			e.q.assert(eq(st.status, intLit(int64(t.Initial))))
			f := e.newFrame(st, nil)
			e.fieldInvariants(f, "initial state")
			e.q.comment("invariant %s fails: %s", inv.Name, inv.Src)
			e.q.assert(not(e.holds(inv, f)))
		})
	if err != nil {
		return err
	}
	an.Initial[i] = verdictOf(ans.status)
	switch ans.status {
	case unknown:
		an.Findings = append(an.Findings, s.unknownFinding(t, fmt.Sprintf("whether invariant %s holds in every initial state", inv.Name), ans))
	case sat:
		st, _, exact := e.concrete(ans.model, nil, true)
		f := report.Finding{Kind: report.InvariantViolation, Entity: t.Entity, Invariant: inv.Name, Model: e.modelMap(ans.model)}
		if exact && replayInitial(t, inv, &st) {
			f.Severity = report.Error
			f.Msg = fmt.Sprintf("%s: invariant %s (%s) fails in an initial state: a create body can produce it", t.Entity, inv.Name, inv.Src)
		} else {
			f.Severity = report.Warning
			f.Msg = fmt.Sprintf("%s: invariant %s (%s) may fail in an initial state (the transition table does not reproduce L0's model; L1 decides)", t.Entity, inv.Name, inv.Src)
		}
		an.Findings = append(an.Findings, f)
	}
	return nil
}

// induction asks, per action, whether the action can break invariant i
// from a reachable status where it holds.
func (s *session) induction(e *encoder, an *Analysis, i int) error {
	t := an.Table
	inv := t.Invariants[i]
	an.Inductive[i] = make([]Verdict, len(t.Actions))
	for ai, a := range t.Actions {
		if a.Event {
			continue
		}
		ans, err := s.query(e, fmt.Sprintf("%s.step.%s.%s", t.Entity, inv.Name, a.Name),
			fmt.Sprintf("sat: %s breaks invariant %s from a state where it holds", a.Name, inv.Name), func() {
				pre := e.newState("pre", false)
				e.q.comment("reachable statuses")
				e.q.assert(e.statusIn(pre.status, an.Reachable))
				f := e.newFrame(pre, a)
				e.fieldInvariants(f, "pre-state")
				e.q.comment("invariant %s holds: %s", inv.Name, inv.Src)
				e.q.assert(e.holds(inv, f))
				e.q.comment("action %s: from %s", a.Name, strings.Join(fromNames(t, a), ", "))
				e.q.assert(e.statusIn(pre.status, a.From))
				if a.GuardExpr != nil {
					e.q.comment("guard: %s", expr.Format(a.GuardExpr))
					e.q.assert(e.pred(a.GuardExpr, f))
				}
				if len(a.Stmts) > 0 {
					parts := make([]string, len(a.Stmts))
					for j, st := range a.Stmts {
						parts[j] = st.Format()
					}
					e.q.comment("effects: %s", strings.Join(parts, "; "))
				}
				post := e.transition(a, f)
				pf := e.newFrame(post, nil)
				e.fieldInvariants(pf, "next state: Apply refuses a step that breaks one")
				e.q.comment("invariant %s fails in the next state", inv.Name)
				e.q.assert(not(e.holds(inv, pf)))
			})
		if err != nil {
			return err
		}
		an.Inductive[i][ai] = verdictOf(ans.status)
		switch ans.status {
		case unknown:
			an.Findings = append(an.Findings, s.unknownFinding(t, fmt.Sprintf("whether %s preserves invariant %s", a.Name, inv.Name), ans))
		case sat:
			pre, params, exact := e.concrete(ans.model, a, false)
			m := e.modelMap(ans.model)
			if a.To >= 0 {
				m["next.status"] = t.States[a.To]
			}
			f := report.Finding{Kind: report.NonInductive, Severity: report.Warning, Entity: t.Entity, Action: a.Name, Invariant: inv.Name, Model: m}
			if exact && replayStep(t, inv, a, &pre, params) {
				f.Msg = fmt.Sprintf("%s: invariant %s (%s) is not inductive over %s: from a state where it holds, %s breaks it (Apply reproduces the step; L1 decides whether that state is reachable)", t.Entity, inv.Name, inv.Src, a.Name, a.Name)
			} else {
				f.Msg = fmt.Sprintf("%s: invariant %s (%s) may not be inductive over %s: L0's abstraction (lists, related statuses) allows a step that breaks it, which Apply does not reproduce from the model; L1 decides", t.Entity, inv.Name, inv.Src, a.Name)
			}
			an.Findings = append(an.Findings, f)
		}
	}
	return nil
}
