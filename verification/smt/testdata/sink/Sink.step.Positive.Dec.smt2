; temper L0 (verification/smt): Sink.step.Positive.Dec
; sat: Dec breaks invariant Positive from a state where it holds
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
; action Dec: from B
(assert (= pre.status 1))
; guard: (params.k >= 0) || (params.k == null)
(declare-const params.k Int)
(declare-const params.k.null Bool)
(assert (=> params.k.null (= params.k 0)))
(assert (or (and (not params.k.null) (>= params.k 0)) params.k.null))
; effects: n -= params.k; i -= params.k
(define-fun eff1.n () Int (ite (< (- pre.n params.k) 0) 0 (- pre.n params.k)))
(define-fun eff2.i () Int (- pre.i params.k))
(declare-const pre.k Int)
(declare-const pre.k.null Bool)
(assert (=> pre.k.null (= pre.k 0)))
(define-fun merge.k.null () Bool (ite params.k.null pre.k.null params.k.null))
(define-fun merge.k () Int (ite params.k.null pre.k params.k))
(declare-const post.n Int)
(declare-const post.n.null Bool)
(assert (=> post.n.null (= post.n 0)))
(assert (= post.n.null false))
(assert (= post.n eff1.n))
(declare-const post.i Int)
(declare-const post.i.null Bool)
(assert (=> post.i.null (= post.i 0)))
(assert (= post.i.null false))
(assert (= post.i eff2.i))
(declare-const post.k Int)
(declare-const post.k.null Bool)
(assert (=> post.k.null (= post.k 0)))
(assert (= post.k.null merge.k.null))
(assert (= post.k merge.k))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or post.i.null (and (not post.i.null) (> post.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not post.n.null) (>= post.n 0))))
(check-sat)
; result: unsat
