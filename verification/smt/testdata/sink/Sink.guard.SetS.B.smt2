; temper L0 (verification/smt): Sink.guard.SetS.B
; sat: the guard of SetS can hold in state B
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
; guard of SetS: params.v != s
(declare-const params.v String)
(declare-const params.v.null Bool)
(assert (=> params.v.null (= params.v "")))
(declare-const pre.s String)
(declare-const pre.s.null Bool)
(assert (=> pre.s.null (= pre.s "")))
(assert (not (or (and params.v.null pre.s.null) (and (not params.v.null) (not pre.s.null) (= params.v pre.s)))))
(check-sat)
; result: sat
