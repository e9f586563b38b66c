; temper L0 (verification/smt): Knowledge.init.IndexRequiresContent
; sat: an initial state breaks invariant IndexRequiresContent
(set-option :rlimit 5000000)
; entity Knowledge; states: 0=Draft 1=Indexed 2=Linked 3=Archived
(declare-const init.status Int)
(assert (= init.status 0))
; invariant IndexRequiresContent fails: content != ''
(declare-const init.content String)
(declare-const init.content.null Bool)
(assert (=> init.content.null (= init.content "")))
(assert (not (=> (or (= init.status 1) (= init.status 2) (= init.status 3)) (not (and (not init.content.null) (= init.content ""))))))
(check-sat)
; result: unsat
