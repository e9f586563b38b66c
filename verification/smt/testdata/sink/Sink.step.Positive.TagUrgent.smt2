; temper L0 (verification/smt): Sink.step.Positive.TagUrgent
; sat: TagUrgent breaks invariant Positive from a state where it holds
(set-option :rlimit 5000000)
; entity Sink; states: 0=A 1=B 2=C 3=D
; list abstraction: <list>.len, and <list>.nK occurrences of n0='urgent'
(declare-const pre.status Int)
; reachable statuses
(assert (or (= pre.status 0) (= pre.status 1) (= pre.status 2) (= pre.status 3)))
; field invariant IBounded (pre-state): i == null || i > -3
(declare-const pre.i Int)
(declare-const pre.i.null Bool)
(assert (=> pre.i.null (= pre.i 0)))
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (pre-state): price == null || price < 100
(declare-const pre.price Real)
(declare-const pre.price.null Bool)
(assert (=> pre.price.null (= pre.price 0.0)))
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive holds: n >= 0
(declare-const pre.n Int)
(declare-const pre.n.null Bool)
(assert (=> pre.n.null (= pre.n 0)))
(assert (>= pre.n 0))
(assert (and (not pre.n.null) (>= pre.n 0)))
; action TagUrgent: from B
(assert (= pre.status 1))
; guard: ('urgent' not in tags) && (len(tags) < 3)
(declare-const pre.tags.null Bool)
(declare-const pre.tags.len Int)
(declare-const pre.tags.n0 Int)
(assert (>= pre.tags.n0 0))
(assert (>= pre.tags.len 0))
(assert (=> pre.tags.null (= pre.tags.len 0)))
(assert (<= pre.tags.n0 pre.tags.len))
(assert (and (not (and (not pre.tags.null) (>= pre.tags.n0 1))) (< pre.tags.len 3)))
; effects: append(tags, 'urgent')
(define-fun eff1.tags.len () Int (+ pre.tags.len 1))
(define-fun eff1.tags.n0 () Int (+ pre.tags.n0 1))
(declare-const post.tags.null Bool)
(declare-const post.tags.len Int)
(declare-const post.tags.n0 Int)
(assert (>= post.tags.n0 0))
(assert (>= post.tags.len 0))
(assert (=> post.tags.null (= post.tags.len 0)))
(assert (<= post.tags.n0 post.tags.len))
(assert (= post.tags.null false))
(assert (= post.tags.len eff1.tags.len))
(assert (= post.tags.n0 eff1.tags.n0))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not pre.n.null) (>= pre.n 0))))
(check-sat)
; result: unsat
