//go:build wasip1

package guest

import (
	"encoding/json"
	"errors"
	"fmt"
	"unsafe"

	"github.com/temperhq/temper/activities/wasm/abi"
)

// Input is the input Temper passes to an integration module.
type Input = abi.Input

// Handler runs one call: it receives the input JSON and answers a value
// marshalled as the output JSON (an object becomes the on_success
// action's parameters) or an error (the on_failure action's).
type Handler func(in json.RawMessage) (any, error)

// handler, inBuf and outBuf are the module's state: one handler, and the
// buffers the host reads and writes between alloc and the next call.
var (
	handler Handler
	inBuf   []byte
	outBuf  []byte
)

// Handle registers h as the module's handler. Call it from an init
// function: a reactor runs package initialization but never main.
func Handle(h Handler) { handler = h }

//go:wasmexport temper_abi_v1
func abiV1() {}

//go:wasmexport alloc
func alloc(size uint32) unsafe.Pointer {
	inBuf = make([]byte, size+1) // +1: a zero size still has an address
	return unsafe.Pointer(&inBuf[0])
}

//go:wasmexport run
func run(ptr unsafe.Pointer, size uint32) uint64 {
	in := unsafe.Slice((*byte)(ptr), size)
	outBuf = invoke(in)
	inBuf = nil
	if len(outBuf) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&outBuf[0])))<<32 | uint64(len(outBuf))
}

// invoke runs the handler and encodes its answer; a panic becomes a
// module error rather than a trap, so the instance survives.
func invoke(in []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = encodeError(fmt.Errorf("panic: %v", r))
		}
	}()
	if handler == nil {
		return encodeError(errors.New("no handler: call guest.Handle in an init function"))
	}
	v, err := handler(json.RawMessage(in))
	if err != nil {
		return encodeError(err)
	}
	ok, err := json.Marshal(v)
	if err != nil {
		return encodeError(fmt.Errorf("encode the output: %w", err))
	}
	out, err = json.Marshal(abi.Output{OK: ok})
	if err != nil {
		return encodeError(fmt.Errorf("encode the output: %w", err))
	}
	return out
}

// encodeError classifies err: an HTTP status or a host error keeps its
// kind (the host checks it against what it saw), anything else is the
// module's own error.
func encodeError(err error) []byte {
	e := &abi.Error{Kind: abi.ErrModule, Message: err.Error()}
	var se *StatusError
	var he *HostError
	switch {
	case errors.As(err, &se):
		e.Kind, e.Status = abi.ErrHTTPStatus, se.Status
	case errors.As(err, &he):
		e.Kind = he.Kind
	}
	out, _ := json.Marshal(abi.Output{Error: e}) // strings and an int always marshal
	return out
}
