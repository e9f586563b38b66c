; temper L0 (verification/smt): Sink.step.Positive.SetN
; sat: SetN breaks invariant Positive from a state where it holds
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
; action SetN: from B
(assert (= pre.status 1))
; effects: n = params.m; i = n
(declare-const params.m Int)
(declare-const params.m.null Bool)
(assert (=> params.m.null (= params.m 0)))
(define-fun eff1.n () Int (ite (< params.m 0) 0 params.m))
(declare-const pre.m Int)
(declare-const pre.m.null Bool)
(assert (=> pre.m.null (= pre.m 0)))
(define-fun merge.m.null () Bool (ite params.m.null pre.m.null params.m.null))
(define-fun merge.m () Int (ite params.m.null pre.m params.m))
(declare-const post.n Int)
(declare-const post.n.null Bool)
(assert (=> post.n.null (= post.n 0)))
(assert (= post.n.null params.m.null))
(assert (= post.n eff1.n))
(declare-const post.i Int)
(declare-const post.i.null Bool)
(assert (=> post.i.null (= post.i 0)))
(assert (= post.i.null params.m.null))
(assert (= post.i eff1.n))
(declare-const post.m Int)
(declare-const post.m.null Bool)
(assert (=> post.m.null (= post.m 0)))
(assert (= post.m.null merge.m.null))
(assert (= post.m merge.m))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or post.i.null (and (not post.i.null) (> post.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not post.n.null) (>= post.n 0))))
(check-sat)
; result: sat
