; temper L0 (verification/smt): Sink.guard.Tag.B
; sat: the guard of Tag can hold in state B
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
; guard of Tag: params.tag not in tags
(declare-const params.tag String)
(declare-const params.tag.null Bool)
(assert (=> params.tag.null (= params.tag "")))
(declare-const pre.tags.null Bool)
(declare-const pre.tags.len Int)
(declare-const pre.tags.n0 Int)
(assert (>= pre.tags.n0 0))
(assert (>= pre.tags.len 0))
(assert (=> pre.tags.null (= pre.tags.len 0)))
(assert (<= pre.tags.n0 pre.tags.len))
(declare-const aux1.member Bool)
(assert (=> (= params.tag "urgent") (= aux1.member (>= pre.tags.n0 1))))
(assert (=> aux1.member (>= pre.tags.len 1)))
(assert (=> (and (not (= params.tag "urgent")) aux1.member) (> pre.tags.len (+ 0 pre.tags.n0))))
(assert (not (and (not params.tag.null) (not pre.tags.null) aux1.member)))
(check-sat)
; result: sat
