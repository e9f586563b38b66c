package mcp

import (
	"fmt"
	"strings"
)

// instructions is the server's introduction, sent at initialization.
const instructions = `Temper turns declarative specs into a verified, live OData API. You describe an entity as an
I/O-automaton spec (Name.ioa.toml: states, typed state variables, actions with from-states, target,
guard and effects, invariants), optionally a data model (model.csdl.xml); Temper verifies it (SMT, model
checking, simulation, property tests) and deploys it. Every call is checked by Cedar as you: a denial
opens a decision a human approves; you poll it and retry. Use the execute tool: it runs a short
Starlark (Python-like) script whose temper.* functions call Temper for you.`

// executeDescription teaches the spec language and the temper module.
func executeDescription(l Limits) string {
	return strings.TrimSpace(fmt.Sprintf(`
Run a Starlark (Python dialect) script against Temper as you. End it with a top-level `+"`return value`"+`;
print() output comes back too. `+"`await`"+` before a call is accepted and ignored. No imports, files, network
or clock: only the temper and json modules. Limits: %d steps, %s, %d temper calls, %d KiB of output.

temper (app = app name, set = entity set, id = key, usually a string):
  submit_specs(app, {"Name.ioa.toml": text, "model.csdl.xml": text}, mode=None)
      verify and deploy; answers {"status": "succeeded"|"failed", "steps", "report"} (mode="merge" adds files)
  specs(app) -> {"active", "versions", "files"};  spec(app, entity_type) -> states, actions, text
  create(app, set, fields) -> entity (a generated "id" unless fields name one)
  get(app, set, id);  patch(app, set, id, fields);  delete(app, set, id)
  list(app, set, filter=None, orderby=None, top=None, skip=None, count=False, select=None,
       expand=None, search=None) -> {"value": [...], "count": n}   filter is OData: "status eq 'Open'"
  action(app, set, id, name, params={}) -> the entity after the action (or an error naming the state/guard)
  decisions(status=None);  decision_status(id);  poll_decision(id, timeout=30)
  trajectories(app=None, entity_type=None, entity_id=None, action=None, outcome=None, limit=None)
  agent_id();  attempt(fn, *args) -> {"ok": True, "value": v} | {"ok": False, "error": {status, code, message}}

A denial is data, not an error: {"denied": True, "decision_id": ..., "status": "pending", "hint": ...};
poll_decision(id, 30) waits for a human's answer, then repeat the call. Other error answers (404, 409
wrong state or guard false, 400) end the script with the gateway's message unless wrapped in attempt.
An app whose bundle has no *.cedar policies lets you create and list, and read and act on what you
created; only humans write policies.

Spec language (Name.ioa.toml):
  [automaton]
  name = "Knowledge"                  # the entity type
  states = ["Draft", "Indexed", "Linked"]
  initial = "Draft"
  [[state]]
  name = "content"
  type = "string"                     # string | bool | counter | int | list; no initial = set at create
  [[state]]
  name = "links"
  type = "counter"
  initial = 0
  [[action]]
  name = "Index"
  from = ["Draft"]
  to = "Indexed"                      # omit for a self-loop
  guard = "content != ''"             # ! && || =>, == != < <= > >=, in, len(x), empty(x), params.p
  [[action]]
  name = "Link"
  from = ["Indexed", "Linked"]
  to = "Linked"
  effect = ["links += 1"]             # = += -= append(l, v) remove_at(l, i) schedule('Action', secs)
  [[invariant]]
  name = "LinkedHasContent"
  assert = "status == 'Linked' => content != ''"
Strings in predicates use single quotes. Without a model.csdl.xml the set is the type's plural
(Knowledge -> Knowledges) with key "id"; a CSDL EntitySet names it otherwise.

Example:
  spec = """[automaton]
  name = "Task"
  states = ["Open", "Done"]
  initial = "Open"
  [[state]]
  name = "title"
  type = "string"
  [[action]]
  name = "Finish"
  from = ["Open"]
  to = "Done"
  guard = "title != ''"
  """
  deploy = await temper.submit_specs("todo", {"Task.ioa.toml": spec})
  if deploy["status"] != "succeeded":
      return deploy["report"]
  t = await temper.create("todo", "Tasks", {"title": "Review PR #42"})
  await temper.action("todo", "Tasks", t["id"], "Finish", {})
  return await temper.list("todo", "Tasks", "status eq 'Done'", count=True)
`, l.MaxSteps, l.Timeout, l.MaxCalls, l.MaxOutput>>10))
}

// scriptDescription documents the tool's one argument.
const scriptDescription = "The Starlark script to run. Top-level `return` ends it with a value; `await` is optional."
