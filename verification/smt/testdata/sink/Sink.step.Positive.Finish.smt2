; temper L0 (verification/smt): Sink.step.Positive.Finish
; sat: Finish breaks invariant Positive from a state where it holds
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
; action Finish: from C
(assert (= pre.status 2))
; guard: (((status in ['C']) && (s in ['a', 'b', null])) && (len(t) >= 1)) && !(i > 5)
(declare-const pre.s String)
(declare-const pre.s.null Bool)
(assert (=> pre.s.null (= pre.s "")))
(declare-const pre.t String)
(declare-const pre.t.null Bool)
(assert (=> pre.t.null (= pre.t "")))
(assert (and (and (and (= pre.status 2) (or (and (not pre.s.null) (= pre.s "a")) (and (not pre.s.null) (= pre.s "b")) pre.s.null)) (>= (str.len pre.t) 1)) (not (and (not pre.i.null) (> pre.i 5)))))
; effects: spawn('Sink', 'Inc', child, s)
(declare-const aux1.spawn-id String)
(assert (not (= aux1.spawn-id "")))
(define-fun eff1.child () String (ite (and (not pre.s.null) (not (= pre.s ""))) pre.s aux1.spawn-id))
(declare-const post.child String)
(declare-const post.child.null Bool)
(assert (=> post.child.null (= post.child "")))
(assert (= post.child.null false))
(assert (= post.child eff1.child))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or pre.price.null (and (not pre.price.null) (< pre.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not pre.n.null) (>= pre.n 0))))
(check-sat)
; result: unsat
