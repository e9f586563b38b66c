; temper L0 (verification/smt): Sink.step.Positive.Inc
; sat: Inc breaks invariant Positive from a state where it holds
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
; action Inc: from A
(assert (= pre.status 0))
; guard: (i == null) || (i < 3)
(assert (or pre.i.null (and (not pre.i.null) (< pre.i 3))))
; effects: i += 1; n += 2; schedule('Clear', 5)
(define-fun eff1.i () Int (+ pre.i 1))
(define-fun eff2.n () Int (ite (< (+ pre.n 2) 0) 0 (+ pre.n 2)))
(declare-const post.n Int)
(declare-const post.n.null Bool)
(assert (=> post.n.null (= post.n 0)))
(assert (= post.n.null false))
(assert (= post.n eff2.n))
(declare-const post.i Int)
(declare-const post.i.null Bool)
(assert (=> post.i.null (= post.i 0)))
(assert (= post.i.null false))
(assert (= post.i eff1.i))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or post.i.null (and (not post.i.null) (> post.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not post.n.null) (>= post.n 0))))
(check-sat)
; result: unsat
