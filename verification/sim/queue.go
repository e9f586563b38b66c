package sim

import "github.com/temperhq/temper/specengine/expr"

// origin says who sent a message; it decides which faults apply and what a
// rejection means.
type origin uint8

const (
	fromActor    origin = iota // an agent's request (a Workflow Update)
	fromDriver                 // the liveness driver's request in the tail
	fromTimer                  // a schedule(...) effect firing
	fromTimeout                // a [[state_timeout]] firing
	fromCallback               // an integration's on_success / on_failure
	fromTrigger                // an entity trigger from another entity
	fromSpawn                  // the first action of a spawned entity
)

var originNames = [...]string{"actor", "driver", "timer", "timeout", "callback", "trigger", "spawn"}

func (o origin) String() string { return originNames[o] }

// external reports whether the message crosses the network from a client,
// so it may be lost and retried.
func (o origin) external() bool { return o == fromActor || o == fromDriver }

// message is a request or signal to one entity. Its id is the update (or
// signal request) id the runtime deduplicates by.
type message struct {
	id      uint64
	ent     int
	action  int
	params  []expr.Value
	origin  origin
	attempt int
	depth   int // trigger chain depth
	// A state timeout is valid only while the entity is still in state,
	// entered at version armed.
	state int
	armed int64
	cause string // the integration, trigger or timer that sent it
	// A message to an entity that may not exist yet (a creating trigger,
	// a spawn) has ent -1 and names the entity by type and key; delivery
	// creates it and runs the action at once, as update-with-start does.
	typ int
	key string
}

type evKind uint8

const (
	evActor   evKind = iota // an actor's turn
	evDeliver               // a message reaches its entity's worker
	evRetry                 // an actor resends a request it got no answer for
	evRestart               // a crashed worker comes back
)

// event is one entry of the virtual-time queue. Events at the same time run
// in the order they were scheduled (seq), which makes the order total.
//
// Events hold no pointers (messages live in world.msgs, by index), so the
// heap moves them without write barriers.
type event struct {
	at    int64
	seq   uint64
	kind  evKind
	actor int32
	ent   int32
	msg   int32
}

func (a *event) before(b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// queue is a binary min-heap of events, hand-rolled to avoid boxing every
// event in an interface as container/heap would.
type queue []event

func (q *queue) push(e event) {
	*q = append(*q, e)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h[i].before(&h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *queue) pop() event {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[n] = event{}
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].before(&h[l]) {
			m = r
		}
		if !h[m].before(&h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
