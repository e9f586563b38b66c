; temper L0 (verification/smt): Knowledge.guard.Link.Indexed
; sat: the guard of Link can hold in state Indexed
(set-option :rlimit 5000000)
; entity Knowledge; states: 0=Draft 1=Indexed 2=Linked 3=Archived
(declare-const pre.status Int)
(assert (= pre.status 1))
; guard of Link: true
(check-sat)
; result: sat
