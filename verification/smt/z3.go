package smt

/*
#cgo LDFLAGS: -lz3
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <z3.h>

// The error code of the last failed Z3 call on this thread. Z3 calls the
// handler on the thread that made the call, and every shim below clears,
// calls and reads it within one cgo call, so the code cannot leak between
// contexts or goroutines.
static __thread Z3_error_code temper_err;

// temper_on_error replaces Z3's default handler, which exits the process.
static void temper_on_error(Z3_context c, Z3_error_code e) { temper_err = e; }

static Z3_context temper_new_context(void) {
	Z3_config cfg = Z3_mk_config();
	Z3_set_param_value(cfg, "model", "true");
	Z3_context c = Z3_mk_context_rc(cfg);
	Z3_del_config(cfg);
	if (c) Z3_set_error_handler(c, temper_on_error);
	return c;
}

static const char *temper_error_msg(Z3_context c, Z3_error_code e) { return Z3_get_error_msg(c, e); }

// temper_parse parses SMT-LIB2 declarations and assertions; the returned
// vector is pinned.
static Z3_ast_vector temper_parse(Z3_context c, const char *src, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_ast_vector v = Z3_parse_smtlib2_string(c, src, 0, NULL, NULL, 0, NULL, NULL);
	if (temper_err == Z3_OK && v != NULL) Z3_ast_vector_inc_ref(c, v);
	*err = temper_err;
	return temper_err == Z3_OK ? v : NULL;
}

// temper_solver makes a pinned solver with a resource limit and asserts
// every formula of v.
static Z3_solver temper_solver(Z3_context c, unsigned rlimit, Z3_ast_vector v, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_solver s = Z3_mk_simple_solver(c);
	if (temper_err != Z3_OK || s == NULL) { *err = temper_err; return NULL; }
	Z3_solver_inc_ref(c, s);
	Z3_params p = Z3_mk_params(c);
	Z3_params_inc_ref(c, p);
	Z3_params_set_uint(c, p, Z3_mk_string_symbol(c, "rlimit"), rlimit);
	Z3_solver_set_params(c, s, p);
	Z3_params_dec_ref(c, p);
	unsigned n = Z3_ast_vector_size(c, v);
	for (unsigned i = 0; i < n && temper_err == Z3_OK; i++) {
		Z3_solver_assert(c, s, Z3_ast_vector_get(c, v, i));
	}
	*err = temper_err;
	if (temper_err != Z3_OK) { Z3_solver_dec_ref(c, s); return NULL; }
	return s;
}

static int temper_check(Z3_context c, Z3_solver s, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_lbool r = Z3_solver_check(c, s);
	*err = temper_err;
	return (int)r;
}

static const char *temper_reason_unknown(Z3_context c, Z3_solver s) {
	temper_err = Z3_OK;
	const char *r = Z3_solver_get_reason_unknown(c, s);
	return temper_err == Z3_OK ? r : "";
}

// temper_rlimit_count reads the resources the last check used.
static unsigned temper_rlimit_count(Z3_context c, Z3_solver s) {
	temper_err = Z3_OK;
	Z3_stats st = Z3_solver_get_statistics(c, s);
	if (temper_err != Z3_OK || st == NULL) return 0;
	Z3_stats_inc_ref(c, st);
	unsigned out = 0, n = Z3_stats_size(c, st);
	for (unsigned i = 0; i < n; i++) {
		const char *k = Z3_stats_get_key(c, st, i);
		if (k != NULL && strcmp(k, "rlimit count") == 0 && Z3_stats_is_uint(c, st, i)) out = Z3_stats_get_uint_value(c, st, i);
	}
	Z3_stats_dec_ref(c, st);
	return out;
}

static Z3_model temper_model(Z3_context c, Z3_solver s, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_model m = Z3_solver_get_model(c, s);
	if (temper_err == Z3_OK && m != NULL) Z3_model_inc_ref(c, m);
	*err = temper_err;
	return temper_err == Z3_OK ? m : NULL;
}

enum { TEMPER_BOOL, TEMPER_INT, TEMPER_REAL, TEMPER_STRING };

static Z3_sort temper_sort(Z3_context c, int kind) {
	switch (kind) {
	case TEMPER_BOOL: return Z3_mk_bool_sort(c);
	case TEMPER_INT: return Z3_mk_int_sort(c);
	case TEMPER_REAL: return Z3_mk_real_sort(c);
	}
	return Z3_mk_string_sort(c);
}

// temper_const makes the pinned constant name of a sort kind.
static Z3_ast temper_const(Z3_context c, const char *name, int kind, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_sort srt = temper_sort(c, kind);
	if (temper_err != Z3_OK) { *err = temper_err; return NULL; }
	Z3_inc_ref(c, Z3_sort_to_ast(c, srt));
	Z3_ast k = Z3_mk_const(c, Z3_mk_string_symbol(c, name), srt);
	if (temper_err == Z3_OK && k != NULL) Z3_inc_ref(c, k);
	Z3_dec_ref(c, Z3_sort_to_ast(c, srt));
	*err = temper_err;
	return temper_err == Z3_OK ? k : NULL;
}

// temper_eq makes the pinned term (= a b).
static Z3_ast temper_eq(Z3_context c, Z3_ast a, Z3_ast b, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_ast e = Z3_mk_eq(c, a, b);
	if (temper_err == Z3_OK && e != NULL) Z3_inc_ref(c, e);
	*err = temper_err;
	return temper_err == Z3_OK ? e : NULL;
}

// temper_eval evaluates k in m with model completion; the value is pinned.
static Z3_ast temper_eval(Z3_context c, Z3_model m, Z3_ast k, Z3_error_code *err) {
	temper_err = Z3_OK;
	Z3_ast v = NULL;
	bool ok = Z3_model_eval(c, m, k, true, &v);
	if (temper_err == Z3_OK && ok && v != NULL) Z3_inc_ref(c, v);
	else v = NULL;
	*err = temper_err;
	return v;
}

static int temper_bool_value(Z3_context c, Z3_ast v) { return (int)Z3_get_bool_value(c, v); }

static const char *temper_numeral(Z3_context c, Z3_ast v, Z3_error_code *err) {
	temper_err = Z3_OK;
	const char *s = NULL;
	if (Z3_is_numeral_ast(c, v)) s = Z3_get_numeral_string(c, v);
	*err = temper_err;
	return temper_err == Z3_OK ? s : NULL;
}

static const char *temper_lstring(Z3_context c, Z3_ast v, unsigned *len, Z3_error_code *err) {
	temper_err = Z3_OK;
	const char *s = NULL;
	*len = 0;
	if (Z3_is_string(c, v)) s = Z3_get_lstring(c, v, len);
	*err = temper_err;
	return temper_err == Z3_OK ? s : NULL;
}

static void temper_global_params(void) { Z3_global_param_set("unicode", "false"); }
*/
import "C"

import (
	"fmt"
	"math/big"
	"strings"
	"sync"
	"unsafe"
)

// Z3Error is an error Z3 reported through the package's error handler
// instead of exiting the process. An error from a query L0 built itself is
// a bug in the encoding.
type Z3Error struct {
	Code int    // Z3_error_code
	Msg  string // Z3's message; for parse errors it has the line and column
}

func (e *Z3Error) Error() string { return fmt.Sprintf("z3: %s (code %d)", e.Msg, e.Code) }

// Strings are byte strings, as in the runtime (len() counts bytes): Z3's
// "unicode" parameter is global and read when a context is made, so it is
// set once before the first context.
var globalOnce sync.Once

// z3 is one Z3 context. It is owned by one goroutine, locked to its OS
// thread for the context's lifetime by the caller; only interrupt may be
// called from another goroutine.
type z3 struct {
	c      C.Z3_context
	mu     sync.Mutex // guards closed against a concurrent interrupt
	closed bool
}

func newZ3() (*z3, error) {
	globalOnce.Do(func() { C.temper_global_params() })
	c := C.temper_new_context()
	if c == nil {
		return nil, fmt.Errorf("z3: cannot create a context")
	}
	return &z3{c: c}, nil
}

func (z *z3) close() {
	z.mu.Lock()
	defer z.mu.Unlock()
	if !z.closed {
		z.closed = true
		C.Z3_del_context(z.c)
	}
}

// interrupt stops a running check; it is safe from any goroutine.
func (z *z3) interrupt() {
	z.mu.Lock()
	defer z.mu.Unlock()
	if !z.closed {
		C.Z3_interrupt(z.c)
	}
}

func (z *z3) err(code C.Z3_error_code) error {
	if code == C.Z3_OK {
		return nil
	}
	return &Z3Error{Code: int(code), Msg: strings.TrimSpace(C.GoString(C.temper_error_msg(z.c, code)))}
}

// sortKind is the sort of a constant L0 reads back from a model.
type sortKind int

const (
	sortBool   sortKind = C.TEMPER_BOOL
	sortInt    sortKind = C.TEMPER_INT
	sortReal   sortKind = C.TEMPER_REAL
	sortString sortKind = C.TEMPER_STRING
)

// status is the answer of one query.
type status int

const (
	unknown status = iota
	sat
	unsat
)

func (s status) String() string { return [...]string{"unknown", "sat", "unsat"}[s] }

// constDecl names a constant to read back from a model.
type constDecl struct {
	name string
	sort sortKind
}

// mval is a constant's value in a model: exactly one field is set
// according to its sort. Big integers are kept exact.
type mval struct {
	b   bool
	n   *big.Int
	r   *big.Rat
	s   string
	set bool
}

// answer is what one query returned.
type answer struct {
	status status
	reason string // why unknown
	model  map[string]mval
	rlimit uint64 // resources used
}

// solve parses src (declarations and assertions), checks it under rlimit
// and, if satisfiable, evaluates the constants in consts with model
// completion.
func (z *z3) solve(src string, rlimit uint, consts []constDecl) (answer, error) {
	var code C.Z3_error_code
	csrc := C.CString(src)
	defer C.free(unsafe.Pointer(csrc))
	vec := C.temper_parse(z.c, csrc, &code)
	if err := z.err(code); err != nil {
		return answer{}, err
	}
	defer C.Z3_ast_vector_dec_ref(z.c, vec)
	s := C.temper_solver(z.c, C.uint(rlimit), vec, &code)
	if err := z.err(code); err != nil {
		return answer{}, err
	}
	defer C.Z3_solver_dec_ref(z.c, s)
	// The count is the context's, cumulative: the query used the
	// difference.
	before := uint64(C.temper_rlimit_count(z.c, s))
	r := C.temper_check(z.c, s, &code)
	if err := z.err(code); err != nil {
		return answer{}, err
	}
	a := answer{rlimit: uint64(C.temper_rlimit_count(z.c, s)) - before}
	switch r {
	case C.Z3_L_TRUE:
		a.status = sat
	case C.Z3_L_FALSE:
		a.status = unsat
		return a, nil
	default:
		a.status = unknown
		a.reason = C.GoString(C.temper_reason_unknown(z.c, s))
		return a, nil
	}
	m := C.temper_model(z.c, s, &code)
	if err := z.err(code); err != nil {
		return answer{}, err
	}
	defer C.Z3_model_dec_ref(z.c, m)
	a.model = make(map[string]mval, len(consts))
	for _, d := range consts {
		v, err := z.eval(m, d)
		if err != nil {
			return answer{}, err
		}
		a.model[d.name] = v
	}
	return a, nil
}

func (z *z3) eval(m C.Z3_model, d constDecl) (mval, error) {
	var code C.Z3_error_code
	name := C.CString(d.name)
	defer C.free(unsafe.Pointer(name))
	k := C.temper_const(z.c, name, C.int(d.sort), &code)
	if err := z.err(code); err != nil {
		return mval{}, err
	}
	defer C.Z3_dec_ref(z.c, k)
	v := C.temper_eval(z.c, m, k, &code)
	if err := z.err(code); err != nil {
		return mval{}, err
	}
	if v == nil {
		return mval{}, nil
	}
	defer C.Z3_dec_ref(z.c, v)
	switch d.sort {
	case sortBool:
		switch C.temper_bool_value(z.c, v) {
		case C.Z3_L_TRUE:
			return mval{b: true, set: true}, nil
		case C.Z3_L_FALSE:
			return mval{set: true}, nil
		}
	case sortInt, sortReal:
		s := C.temper_numeral(z.c, v, &code)
		if err := z.err(code); err != nil {
			return mval{}, err
		}
		if s == nil {
			return mval{}, nil
		}
		r, ok := new(big.Rat).SetString(C.GoString(s))
		if !ok {
			return mval{}, nil
		}
		if d.sort == sortInt && r.IsInt() {
			return mval{n: new(big.Int).Set(r.Num()), set: true}, nil
		}
		return mval{r: r, set: true}, nil
	case sortString:
		var n C.uint
		s := C.temper_lstring(z.c, v, &n, &code)
		if err := z.err(code); err != nil {
			return mval{}, err
		}
		if s == nil {
			return mval{}, nil
		}
		return mval{s: string(C.GoBytes(unsafe.Pointer(s), C.int(n))), set: true}, nil
	}
	return mval{}, nil
}

// term is a pinned Z3 term made through the API (not the parser); release
// unpins it.
type term struct {
	z *z3
	a C.Z3_ast
}

func (t term) release() { C.Z3_dec_ref(t.z.c, t.a) }

// mkConst makes the constant name of sort k.
func (z *z3) mkConst(name string, k sortKind) (term, error) {
	var code C.Z3_error_code
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	a := C.temper_const(z.c, cs, C.int(k), &code)
	if err := z.err(code); err != nil {
		return term{}, err
	}
	return term{z, a}, nil
}

// mkEq makes (= a b); a sort mismatch is an error, not an exit.
func (z *z3) mkEq(a, b term) (term, error) {
	var code C.Z3_error_code
	e := C.temper_eq(z.c, a.a, b.a, &code)
	if err := z.err(code); err != nil {
		return term{}, err
	}
	return term{z, e}, nil
}
