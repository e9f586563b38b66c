package verification

import (
	"fmt"
	"sort"
	"strings"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/verification/report"
)

// MaxTriggerDepth bounds a chain of entity triggers, as the runtime does.
const MaxTriggerDepth = 8

type node struct{ entity, action string }

func (n node) String() string { return n.entity + "." + n.action }

// crossCheck verifies what connects entity types: each entity trigger's
// target action takes the parameters the trigger sends, a trigger that
// creates its target names an action enabled in the target's initial state,
// and the trigger graph has no cycle and no chain deeper than
// MaxTriggerDepth.
func crossCheck(b *specengine.Bundle) *report.Result {
	r := &report.Result{Level: report.Cross, Passed: true}
	edges := map[node][]node{}
	nTriggers := 0
	for _, t := range b.TableList {
		for _, a := range t.Actions {
			for _, tr := range a.Triggers {
				if tr.Kind != "entity" {
					continue
				}
				nTriggers++
				src := node{t.Entity, a.Name}
				dst := node{tr.TargetEntity, tr.TargetAction}
				edges[src] = append(edges[src], dst)
				target := b.Tables[tr.TargetEntity]
				if target == nil {
					continue // the bundle compiler already refused it
				}
				ta, ok := target.Action(tr.TargetAction)
				if !ok {
					continue
				}
				for _, k := range append(sortedKeys(tr.Params), sortedKeys(tr.ParamsFrom)...) {
					found := ta.OpenParams
					for _, p := range ta.Params {
						found = found || p.Name == k
					}
					if !found {
						r.Fail(report.Finding{Kind: report.TriggerNotEnabled, Entity: t.Entity, Action: a.Name,
							Msg: fmt.Sprintf("trigger %s sends parameter %q, which %s takes not", tr.Name, k, dst)})
					}
				}
				switch tr.ResolveTarget.Type {
				case "create", "create_if_missing":
					if !ta.From[target.Initial] {
						r.Fail(report.Finding{Kind: report.TriggerNotEnabled, Entity: t.Entity, Action: a.Name,
							Msg: fmt.Sprintf("trigger %s creates a %s and runs %s, which is not enabled in its initial state %s", tr.Name, target.Entity, tr.TargetAction, target.States[target.Initial])})
					}
				}
			}
		}
	}
	// Cycles and depth, in a fixed order.
	var srcs []node
	for n := range edges {
		srcs = append(srcs, n)
	}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].String() < srcs[j].String() })
	const (
		white = iota
		grey
		black
	)
	color := map[node]int{}
	depth := map[node]int{}
	var stack []node
	var visit func(n node) int
	reported := map[string]bool{}
	visit = func(n node) int {
		switch color[n] {
		case grey:
			i := len(stack) - 1
			for i >= 0 && stack[i] != n {
				i--
			}
			cyc := append(append([]node{}, stack[i:]...), n)
			parts := make([]string, len(cyc))
			for k, c := range cyc {
				parts[k] = c.String()
			}
			msg := strings.Join(parts, " -> ")
			if !reported[msg] {
				reported[msg] = true
				r.Fail(report.Finding{Kind: report.TriggerCycle, Entity: n.entity, Action: n.action,
					Msg: "entity triggers form a cycle: " + msg + fmt.Sprintf(" (the runtime would stop it at depth %d)", MaxTriggerDepth)})
			}
			return 0
		case black:
			return depth[n]
		}
		color[n] = grey
		stack = append(stack, n)
		d := 0
		for _, m := range edges[n] {
			if x := visit(m) + 1; x > d {
				d = x
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		depth[n] = d
		return d
	}
	maxDepth := 0
	for _, s := range srcs {
		if d := visit(s); d > maxDepth {
			maxDepth = d
		}
		if depth[s] > MaxTriggerDepth {
			r.Fail(report.Finding{Kind: report.TriggerCycle, Entity: s.entity, Action: s.action,
				Msg: fmt.Sprintf("a chain of entity triggers from %s is %d deep; the limit is %d", s, depth[s], MaxTriggerDepth)})
		}
	}
	r.Summary = fmt.Sprintf("%d entity triggers across %d entity types, longest chain %d", nTriggers, len(b.TableList), maxDepth)
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
