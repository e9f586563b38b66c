// Package wasm runs integration modules: WebAssembly reactors, run on
// wazero in a sandbox with budgets, that reach the outside world only
// through host functions the platform mediates. The entity workflow runs
// a module as an activity after the triggering action commits; the
// module's output becomes the on_success action's parameters, a
// *Failure the on_failure action's.
//
// # Runtime
//
// A Runtime holds modules by content hash (Hash: sha256 of the bytes).
// Add validates and compiles a module; a module not added is fetched
// from Config.Source on first use. Compiled machine code goes to an
// on-disk compilation cache (Config.CacheDir) and stays in memory;
// instances are pooled per module (Config.MaxIdle) and reused, one call
// at a time. An instance whose call did not end normally — a trap, an
// exit, a timeout, a denial or a budget stopped inside a host call — is
// closed, never pooled again. A fresh instance costs a few milliseconds
// (the Go runtime initializes); a pooled call costs about a tenth of a
// millisecond (BenchmarkPooling).
//
// wazero sets the memory limit per runtime, so a Runtime keeps one
// wazero runtime per memory class: the call's budget rounded up to
// MemoryClassPages (4 MiB, the Go runtime's heap arena, so a finer
// budget buys nothing). The runtimes share one compilation cache, so a
// module is compiled once and each class only links it; the alternative,
// a single runtime at the hard cap with a custom memory allocator per
// instance, would rest on wazero's experimental API.
//
// # Budgets and failures
//
// Each call has a Budget, whose zero fields take DefaultBudget and whose
// fields are clamped to Caps: memory pages, a deadline (wazero has no
// fuel; the runtime closes the instance when the call's context ends,
// which interrupts loops and long sleeps alike), the output's size, each
// HTTP response's size, and the number of host calls. Call answers a
// *Failure for what the module did, with a Kind the on_failure action
// can branch on: timeout, trap, denied (with the decision id when a human
// may approve), http_status (with the status), network, budget (naming
// which), bad_output, module (its own error). Any other error — an
// unknown module, a canceled caller, an authorizer or secret store that
// failed — is the platform's, for the activity to retry.
//
// A module may report http_status or network only for a failure the host
// saw in the same call; otherwise its error is a module error. A Go
// guest that runs out of memory aborts with "fatal error: out of memory"
// on stderr; that, or a trap with the memory within a class of its limit,
// is a memory budget failure.
//
// # Host functions and HTTP
//
// Every HTTP request goes, in order, through: the runtime's own forbids,
// which no configuration lifts for cloud metadata endpoints
// (169.254.169.254, fd00:ec2::254, metadata.google.internal, …) and which
// refuse loopback, private, link-local and other non-public addresses
// unless Call.AllowPrivate names them; the Authorizer (in the entity workflow,
// Cedar action http_call on HttpEndpoint::"<host>"), asked with the URL
// as written, before any secret is substituted; then secret
// substitution and the request itself, on a transport without proxy or
// redirects whose dialer checks every address it connects to, so a name
// that resolves, or re-resolves, to a forbidden address is refused
// (DNS rebinding). Connections are not shared between calls.
//
// Secret templates, {secret:name}, may appear in the URL's path, query
// and fragment (percent-encoded on substitution), in header values and
// in the body. The host substitutes them from Call.Secrets just before
// sending, so module memory never holds a value; it redacts every value
// it sent (and its usual encodings) from responses, logs, errors and the
// output. Package secrets keeps them sealed at rest.
//
// # ABI (version 1)
//
// A module is a WASI (preview 1) reactor, built from Go with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared and the guest SDK
// (activities/wasm/guest); the names are constants of package
// activities/wasm/abi. It exports:
//
//	memory                                 its linear memory
//	_initialize() -> ()                    run once per instance
//	temper_abi_v1() -> ()                  declares this ABI
//	alloc(size i32) -> ptr i32             a buffer for the input
//	run(ptr i32, len i32) -> i64           runs one call
//
// A call writes the input JSON into alloc(len) and calls run, which
// answers ptr<<32 | len of the output JSON, valid until the next alloc or
// run: {"ok": <any JSON>} or {"error": {"kind": "module"|"http_status"|
// "network"|…, "message": "…", "status": 503}}. The module may import
// wasi_snapshot_preview1 (no files, no environment, no arguments; clocks,
// randomness and sleep are real; stdout and stderr go to the call's log,
// 16 KiB each) and, from the import module "temper":
//
//	http(ptr i32, len i32) -> i32           send the abi.HTTPRequest JSON at ptr;
//	                                        answers the length of the abi.HTTPResult
//	result(ptr i32, cap i32) -> i32         copy the pending result of the last host
//	                                        call to ptr; answers the bytes copied
//	log(level i32, ptr i32, len i32)        a log line at a slog level (cut at 4 KiB)
//
// http answers a response of any status, or an error the module may
// handle (network, invalid request, missing secret). A denied request, a
// broken budget or the end of the deadline never returns to the module:
// the host ends the call. http and log count against the host-call
// budget.
package wasm
