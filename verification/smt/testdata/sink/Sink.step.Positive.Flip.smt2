; temper L0 (verification/smt): Sink.step.Positive.Flip
; sat: Flip breaks invariant Positive from a state where it holds
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
; action Flip: from B
(assert (= pre.status 1))
; guard: ((b == true) || empty(s)) || (b == null)
(declare-const pre.b Bool)
(declare-const pre.b.null Bool)
(assert (=> pre.b.null (= pre.b false)))
(declare-const pre.s String)
(declare-const pre.s.null Bool)
(assert (=> pre.s.null (= pre.s "")))
(assert (or (or (and (not pre.b.null) (= pre.b true)) (or pre.s.null (= pre.s ""))) pre.b.null))
; effects: b = true; t = status
(define-fun eff2.t () String (ite (= pre.status 0) "A" (ite (= pre.status 1) "B" (ite (= pre.status 2) "C" "D"))))
(declare-const post.t String)
(declare-const post.t.null Bool)
(assert (=> post.t.null (= post.t "")))
(assert (= post.t.null false))
(assert (= post.t eff2.t))
(declare-const post.b Bool)
(declare-const post.b.null Bool)
(assert (=> post.b.null (= post.b false)))
(assert (= post.b.null false))
(assert (= post.b true))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not pre.n.null) (>= pre.n 0))))
(check-sat)
; result: unsat
