; temper L0 (verification/smt): Knowledge.guard.Index.Draft
; sat: the guard of Index can hold in state Draft
(set-option :rlimit 5000000)
; entity Knowledge; states: 0=Draft 1=Indexed 2=Linked 3=Archived
(declare-const pre.status Int)
(assert (= pre.status 0))
; guard of Index: content != ''
(declare-const pre.content String)
(declare-const pre.content.null Bool)
(assert (=> pre.content.null (= pre.content "")))
(assert (not (and (not pre.content.null) (= pre.content ""))))
(check-sat)
; result: sat
