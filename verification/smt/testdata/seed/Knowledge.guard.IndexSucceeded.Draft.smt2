; temper L0 (verification/smt): Knowledge.guard.IndexSucceeded.Draft
; sat: the guard of IndexSucceeded can hold in state Draft
(set-option :rlimit 5000000)
; entity Knowledge; states: 0=Draft 1=Indexed 2=Linked 3=Archived
(declare-const pre.status Int)
(assert (= pre.status 0))
; guard of IndexSucceeded: true
(check-sat)
; result: sat
