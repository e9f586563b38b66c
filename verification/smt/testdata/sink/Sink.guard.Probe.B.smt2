; temper L0 (verification/smt): Sink.guard.Probe.B
; sat: the guard of Probe can hold in state B
(set-option :rlimit 5000000)
; entity Sink; states: 0=A 1=B 2=C 3=D
; list abstraction: <list>.len, and <list>.nK occurrences of n0='urgent'
(declare-const pre.status Int)
(assert (= pre.status 1))
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
; guard of Probe: ((status == params.st) || (Sink[child].status != 'B')) && (((params.price == null) || (params.price > 1)) || (i == params.price))
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
(check-sat)
; result: sat
