; temper L0 (verification/smt): Sink.guard.Finish.C
; sat: the guard of Finish can hold in state C
(set-option :rlimit 5000000)
; entity Sink; states: 0=A 1=B 2=C 3=D
; list abstraction: <list>.len, and <list>.nK occurrences of n0='urgent'
(declare-const pre.status Int)
(assert (= pre.status 2))
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
; guard of Finish: (((status in ['C']) && (s in ['a', 'b', null])) && (len(t) >= 1)) && !(i > 5)
(declare-const pre.s String)
(declare-const pre.s.null Bool)
(assert (=> pre.s.null (= pre.s "")))
(declare-const pre.t String)
(declare-const pre.t.null Bool)
(assert (=> pre.t.null (= pre.t "")))
(assert (and (and (and (= pre.status 2) (or (and (not pre.s.null) (= pre.s "a")) (and (not pre.s.null) (= pre.s "b")) pre.s.null)) (>= (str.len pre.t) 1)) (not (and (not pre.i.null) (> pre.i 5)))))
(check-sat)
; result: sat
