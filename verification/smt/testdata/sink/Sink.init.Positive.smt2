; temper L0 (verification/smt): Sink.init.Positive
; sat: an initial state breaks invariant Positive
(set-option :rlimit 5000000)
; entity Sink; states: 0=A 1=B 2=C 3=D
; list abstraction: <list>.len, and <list>.nK occurrences of n0='urgent'
(declare-const init.status Int)
(assert (= init.status 0))
; field invariant IBounded (initial state): i == null || i > -3
(declare-const init.i Int)
(declare-const init.i.null Bool)
(assert (=> init.i.null (= init.i 0)))
(assert (or init.i.null (and (not init.i.null) (> init.i (- 3)))))
; field invariant PriceSane (initial state): price == null || price < 100
(declare-const init.price Real)
(declare-const init.price.null Bool)
(assert (=> init.price.null (= init.price 0.0)))
(assert (or init.price.null (and (not init.price.null) (< init.price 100.0))))
; invariant Positive fails: n >= 0
(assert (not (>= 0 0)))
(check-sat)
; result: unsat
