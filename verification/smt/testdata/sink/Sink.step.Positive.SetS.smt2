; temper L0 (verification/smt): Sink.step.Positive.SetS
; sat: SetS breaks invariant Positive from a state where it holds
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
; action SetS: from A, B
(assert (or (= pre.status 0) (= pre.status 1)))
; guard: params.v != s
(declare-const params.v String)
(declare-const params.v.null Bool)
(assert (=> params.v.null (= params.v "")))
(declare-const pre.s String)
(declare-const pre.s.null Bool)
(assert (=> pre.s.null (= pre.s "")))
(assert (not (or (and params.v.null pre.s.null) (and (not params.v.null) (not pre.s.null) (= params.v pre.s)))))
; effects: s = params.v
(declare-const pre.v String)
(declare-const pre.v.null Bool)
(assert (=> pre.v.null (= pre.v "")))
(define-fun merge.v.null () Bool (ite params.v.null pre.v.null params.v.null))
(define-fun merge.v () String (ite params.v.null pre.v params.v))
(declare-const post.s String)
(declare-const post.s.null Bool)
(assert (=> post.s.null (= post.s "")))
(assert (= post.s.null params.v.null))
(assert (= post.s params.v))
(declare-const post.v String)
(declare-const post.v.null Bool)
(assert (=> post.v.null (= post.v "")))
(assert (= post.v.null merge.v.null))
(assert (= post.v merge.v))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not pre.n.null) (>= pre.n 0))))
(check-sat)
; result: unsat
