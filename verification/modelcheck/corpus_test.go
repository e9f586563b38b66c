package modelcheck_test

// The corpus: deliberately broken specs, each caught with its exact
// shortest trace, and sound specs that must pass.

type corpusCase struct {
	name string
	spec string
	// pass is the expected verdict of the level.
	pass bool
	// findings lists every expected finding as "severity kind subject",
	// in report order.
	findings []string
	// traces holds the expected trace of each finding that has one, by
	// its index in findings, rendered by renderTrace.
	traces map[int]string
}

var corpus = []corpusCase{
	{
		name: "counter invariant",
		spec: `
[automaton]
name = "Counter"
states = ["Open", "Closed"]
initial = "Open"
terminal = ["Closed"]

[[state]]
name = "n"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
guard = "n < 5"
effect = "n += 1"

[[action]]
name = "Close"
from = ["Open"]
to = "Closed"

[[invariant]]
name = "Small"
assert = "n <= 3"
`,
		findings: []string{"error invariant-violation Small"},
		traces: map[int]string{0: `
create -> {status=Open n=0}
Inc -> {status=Open n=1}
Inc -> {status=Open n=2}
Inc -> {status=Open n=3}
Inc -> {status=Open n=4}`},
	},
	{
		name: "bool invariant",
		spec: `
[automaton]
name = "Post"
states = ["Draft", "Review", "Published"]
initial = "Draft"
terminal = ["Published"]

[[state]]
name = "approved"
type = "bool"
initial = false

[[action]]
name = "Submit"
from = ["Draft"]
to = "Review"

[[action]]
name = "Approve"
from = ["Review"]
effect = "approved = true"

[[action]]
name = "Reject"
from = ["Review"]
to = "Draft"
effect = "approved = false"

[[action]]
name = "Publish"
from = ["Review"]
to = "Published"

[[invariant]]
name = "PublishedIsApproved"
assert = "status == 'Published' => approved"
`,
		findings: []string{"error invariant-violation PublishedIsApproved"},
		traces: map[int]string{0: `
create -> {status=Draft approved=false}
Submit -> {status=Review approved=false}
Publish -> {status=Published approved=false}`},
	},
	{
		name: "string invariant",
		spec: `
[automaton]
name = "Ticket"
states = ["Open", "Claimed", "Closed"]
initial = "Open"
terminal = ["Closed"]

[[state]]
name = "owner"
type = "string"
initial = ""

[[action]]
name = "Claim"
from = ["Open"]
to = "Claimed"
guard = "owner == ''"
effect = "owner = 'support'"

[[action]]
name = "Escalate"
from = ["Claimed"]
effect = "owner = 'root'"

[[action]]
name = "Close"
from = ["Claimed"]
to = "Closed"

[[invariant]]
name = "NeverRoot"
assert = "owner != 'root'"
`,
		findings: []string{"error invariant-violation NeverRoot"},
		traces: map[int]string{0: `
create -> {status=Open owner=''}
Claim -> {status=Claimed owner='support'}
Escalate -> {status=Claimed owner='root'}`},
	},
	{
		name: "list invariant",
		spec: `
[automaton]
name = "Issue"
states = ["Open", "Done"]
initial = "Open"
terminal = ["Done"]

[[state]]
name = "labels"
type = "list"
initial = []

[[action]]
name = "Label"
from = ["Open"]
guard = "len(labels) < 2"
effect = "append(labels, 'blocked')"

[[action]]
name = "Unlabel"
from = ["Open"]
guard = "!empty(labels)"
effect = "remove_at(labels, 0)"

[[action]]
name = "Finish"
from = ["Open"]
to = "Done"

[[invariant]]
name = "DoneIsUnblocked"
assert = "status == 'Done' => 'blocked' not in labels"
`,
		findings: []string{"error invariant-violation DoneIsUnblocked"},
		traces: map[int]string{0: `
create -> {status=Open labels=[]}
Label -> {status=Open labels=[blocked]}
Finish -> {status=Done labels=[blocked]}`},
	},
	{
		name: "deadlock with terminal declared",
		spec: `
[automaton]
name = "Order"
states = ["New", "Paid", "Shipped"]
initial = "New"
terminal = ["Shipped"]

[[state]]
name = "stock"
type = "counter"
initial = 0

[[action]]
name = "Restock"
from = ["New"]
guard = "stock < 2"
effect = "stock += 1"

[[action]]
name = "Pay"
from = ["New"]
to = "Paid"

[[action]]
name = "Ship"
from = ["Paid"]
to = "Shipped"
guard = "stock > 0"
`,
		findings: []string{"error deadlock Paid"},
		traces: map[int]string{0: `
create -> {status=New stock=0}
Pay -> {status=Paid stock=0}`},
	},
	{
		name: "deadlock without terminal is a warning",
		spec: `
[automaton]
name = "Entry"
states = ["Draft", "Indexed", "Archived"]
initial = "Draft"

[[state]]
name = "content"
type = "string"

[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"
guard = "content != ''"

[[action]]
name = "Archive"
from = ["Indexed"]
to = "Archived"
`,
		pass:     true,
		findings: []string{"warning deadlock Draft"},
		traces: map[int]string{0: `
create -> {status=Draft content=''}`},
	},
	{
		name: "has_actions makes a deadlock an error",
		spec: `
[automaton]
name = "Session"
states = ["Active", "Locked", "Closed"]
initial = "Active"

[[state]]
name = "tries"
type = "counter"
initial = 0

[[action]]
name = "Fail"
from = ["Active"]
guard = "tries < 3"
effect = "tries += 1"

[[action]]
name = "Lock"
from = ["Active"]
to = "Locked"
guard = "tries >= 3"

[[action]]
name = "Unlock"
from = ["Locked"]
to = "Active"
guard = "tries < 3"

[[action]]
name = "Close"
from = ["Active"]
to = "Closed"
guard = "tries < 3"

[[liveness]]
name = "LockedIsRecoverable"
from = ["Locked"]
has_actions = true
`,
		findings: []string{"error deadlock Locked", "warning dead-transition Unlock"},
		traces: map[int]string{0: `
create -> {status=Active tries=0}
Fail -> {status=Active tries=1}
Fail -> {status=Active tries=2}
Fail -> {status=Active tries=3}
Lock -> {status=Locked tries=3}`},
	},
	{
		name: "liveness violated through a cycle",
		spec: `
[automaton]
name = "Job"
states = ["Idle", "Busy", "Done"]
initial = "Idle"
terminal = ["Done"]

[[action]]
name = "Work"
from = ["Idle"]
to = "Busy"

[[action]]
name = "Rest"
from = ["Busy"]
to = "Idle"

[[action]]
name = "Finish"
from = ["Idle"]
to = "Done"

[[liveness]]
name = "JobsFinish"
from = ["Idle", "Busy"]
reaches = ["Done"]
`,
		findings: []string{"error liveness JobsFinish"},
		traces: map[int]string{0: `
create -> {status=Idle}
Work -> {status=Busy}
Rest -> {status=Idle}`},
	},
	{
		name: "liveness violated by a stop",
		spec: `
[automaton]
name = "Doc"
states = ["Draft", "Review", "Published", "Archived"]
initial = "Draft"
terminal = ["Published", "Archived"]

[[action]]
name = "Submit"
from = ["Draft"]
to = "Review"

[[action]]
name = "Publish"
from = ["Review"]
to = "Published"

[[action]]
name = "Archive"
from = ["Review"]
to = "Archived"

[[liveness]]
name = "DocsGetPublished"
from = ["Draft"]
reaches = ["Published"]
`,
		findings: []string{"error liveness DocsGetPublished"},
		traces: map[int]string{0: `
create -> {status=Draft}
Submit -> {status=Review}
Archive -> {status=Archived}`},
	},
	{
		name: "dead transition",
		spec: `
[automaton]
name = "Switch"
states = ["Off", "On"]
initial = "Off"

[[state]]
name = "armed"
type = "bool"
initial = false

[[action]]
name = "Toggle"
from = ["Off", "On"]
to = "On"

[[action]]
name = "Fire"
from = ["On"]
guard = "armed"
`,
		pass:     true,
		findings: []string{"warning dead-transition Fire"},
	},
	{
		name: "callback arrives where it is not enabled",
		spec: `
[automaton]
name = "Doc"
states = ["Draft", "Indexing", "Indexed", "Failed"]
initial = "Draft"
terminal = ["Indexed", "Failed"]

[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"

[[action]]
name = "IndexDone"
from = ["Indexing"]
to = "Indexed"

[[action]]
name = "IndexError"
from = ["Indexing"]
to = "Failed"

[[integration]]
name = "search"
trigger = "Index"
type = "wasm"
module = "search"
on_success = "IndexDone"
on_failure = "IndexError"
`,
		findings: []string{
			"warning dead-transition IndexDone",
			"warning dead-transition IndexError",
			"error callback-not-enabled IndexDone",
			"error callback-not-enabled IndexError",
		},
		traces: map[int]string{2: `
create -> {status=Draft}
Index -> {status=Indexed}`, 3: `
create -> {status=Draft}
Index -> {status=Indexed}`},
	},
	{
		name: "implicit callback into a terminal state",
		spec: `
[automaton]
name = "Doc"
states = ["Draft", "Indexed"]
initial = "Draft"
terminal = ["Indexed"]

[[action]]
name = "Index"
from = ["Draft"]
to = "Indexed"

[[integration]]
name = "search"
trigger = "Index"
type = "wasm"
module = "search"
on_success = "Indexed"
on_failure = "IndexFailed"
`,
		findings: []string{
			"error callback-not-enabled Indexed",
			"error callback-not-enabled IndexFailed",
		},
		traces: map[int]string{0: `
create -> {status=Draft}
Index -> {status=Indexed}`},
	},
	{
		name: "true but not inductive invariant",
		spec: `
[automaton]
name = "Pair"
states = ["Open"]
initial = "Open"

[[state]]
name = "a"
type = "counter"
initial = 0

[[state]]
name = "b"
type = "counter"
initial = 0

[[action]]
name = "Inc"
from = ["Open"]
guard = "b < 5"
effect = ["a += 1", "b += 1"]

[[action]]
name = "Reset"
from = ["Open"]
effect = ["a = 0", "b = 0"]

[[invariant]]
name = "ABounded"
assert = "a <= 5"
`,
		pass: true,
	},
	{
		name: "liveness holds under weak fairness",
		spec: `
[automaton]
name = "Poller"
states = ["Waiting", "Done"]
initial = "Waiting"
terminal = ["Done"]

[[state]]
name = "polls"
type = "counter"
initial = 0

[[action]]
name = "Poll"
from = ["Waiting"]
guard = "polls < 2"
effect = "polls += 1"

[[action]]
name = "Retry"
from = ["Waiting"]
effect = "polls = 0"

[[action]]
name = "Finish"
from = ["Waiting"]
to = "Done"

[[invariant]]
name = "PollsBounded"
assert = "polls <= 2"

[[liveness]]
name = "Finishes"
from = ["Waiting"]
reaches = ["Done"]
`,
		pass: true,
	},
	{
		name: "liveness cycle needs a fair detour",
		spec: `
[automaton]
name = "Job"
states = ["Idle", "Busy", "Done"]
initial = "Idle"
terminal = ["Done"]

[[action]]
name = "Work"
from = ["Idle"]
to = "Busy"

[[action]]
name = "Rest"
from = ["Busy"]
to = "Idle"

[[action]]
name = "Finish"
from = ["Idle"]
to = "Done"

[[action]]
name = "Ping"
from = ["Idle"]

[[liveness]]
name = "JobsFinish"
from = ["Idle"]
reaches = ["Done"]
`,
		findings: []string{"error liveness JobsFinish"},
		traces: map[int]string{0: `
create -> {status=Idle}
Ping -> {status=Idle}
Work -> {status=Busy}
Rest -> {status=Idle}`},
	},
}
