; temper L0 (verification/smt): Sink.step.Positive.Probe
; sat: Probe breaks invariant Positive from a state where it holds
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
; action Probe: from A, B, C
(assert (or (= pre.status 0) (= pre.status 1) (= pre.status 2)))
; guard: ((status == params.st) || (Sink[child].status != 'B')) && (((params.price == null) || (params.price > 1)) || (i == params.price))
(declare-const params.st String)
(declare-const params.st.null Bool)
(assert (=> params.st.null (= params.st "")))
(declare-const pre.rel.Sink.child String)
(declare-const pre.rel.Sink.child.null Bool)
(assert (=> pre.rel.Sink.child.null (= pre.rel.Sink.child "")))
(assert (or pre.rel.Sink.child.null (= pre.rel.Sink.child "A") (= pre.rel.Sink.child "B") (= pre.rel.Sink.child "C") (= pre.rel.Sink.child "D")))
(declare-const params.price Real)
(declare-const params.price.null Bool)
(assert (=> params.price.null (= params.price 0.0)))
(assert (and (or (and (not params.st.null) (= (ite (= pre.status 0) "A" (ite (= pre.status 1) "B" (ite (= pre.status 2) "C" "D"))) params.st)) (not (and (not pre.rel.Sink.child.null) (= pre.rel.Sink.child "B")))) (or (or params.price.null (and (not params.price.null) (> params.price 1.0))) (or (and pre.i.null params.price.null) (and (not pre.i.null) (not params.price.null) (= (to_real pre.i) params.price))))))
(declare-const pre.st String)
(declare-const pre.st.null Bool)
(assert (=> pre.st.null (= pre.st "")))
(define-fun merge.st.null () Bool (ite params.st.null pre.st.null params.st.null))
(define-fun merge.st () String (ite params.st.null pre.st params.st))
(define-fun merge.price.null () Bool (ite params.price.null pre.price.null params.price.null))
(define-fun merge.price () Real (ite params.price.null pre.price params.price))
(declare-const post.st String)
(declare-const post.st.null Bool)
(assert (=> post.st.null (= post.st "")))
(assert (= post.st.null merge.st.null))
(assert (= post.st merge.st))
(declare-const post.price Real)
(declare-const post.price.null Bool)
(assert (=> post.price.null (= post.price 0.0)))
(assert (= post.price.null merge.price.null))
(assert (= post.price merge.price))
; field invariant IBounded (next state: Apply refuses a step that breaks one): i == null || i > -3
(assert (or pre.i.null (and (not pre.i.null) (> pre.i (- 3)))))
; field invariant PriceSane (next state: Apply refuses a step that breaks one): price == null || price < 100
(assert (or post.price.null (and (not post.price.null) (< post.price 100.0))))
; invariant Positive fails in the next state
(assert (not (and (not pre.n.null) (>= pre.n 0))))
(check-sat)
; result: unsat
