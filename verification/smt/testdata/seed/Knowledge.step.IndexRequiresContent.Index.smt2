; temper L0 (verification/smt): Knowledge.step.IndexRequiresContent.Index
; sat: Index breaks invariant IndexRequiresContent from a state where it holds
(set-option :rlimit 5000000)
; entity Knowledge; states: 0=Draft 1=Indexed 2=Linked 3=Archived
(declare-const pre.status Int)
; reachable statuses
(assert (or (= pre.status 0) (= pre.status 1) (= pre.status 2) (= pre.status 3)))
; invariant IndexRequiresContent holds: content != ''
(declare-const pre.content String)
(declare-const pre.content.null Bool)
(assert (=> pre.content.null (= pre.content "")))
(assert (=> (or (= pre.status 1) (= pre.status 2) (= pre.status 3)) (not (and (not pre.content.null) (= pre.content "")))))
; action Index: from Draft
(assert (= pre.status 0))
; guard: content != ''
(assert (not (and (not pre.content.null) (= pre.content ""))))
; invariant IndexRequiresContent fails in the next state
(assert (and (not pre.content.null) (= pre.content "")))
(check-sat)
; result: unsat
