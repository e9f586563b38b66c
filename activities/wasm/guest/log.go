//go:build wasip1

package guest

import (
	"fmt"
	"unsafe"
)

//go:wasmimport temper log
func hostLog(level int32, ptr unsafe.Pointer, size uint32)

// Log levels, the values of log/slog's.
const (
	LevelDebug int32 = -4
	LevelInfo  int32 = 0
	LevelWarn  int32 = 4
	LevelError int32 = 8
)

// Log writes msg to the host's log at info level. The host truncates
// long messages, redacts secret values and counts the call against the
// module's host-call budget.
func Log(msg string) { LogAt(LevelInfo, msg) }

// Logf formats and logs at info level.
func Logf(format string, args ...any) { LogAt(LevelInfo, fmt.Sprintf(format, args...)) }

// LogAt writes msg at level.
func LogAt(level int32, msg string) {
	if msg == "" {
		return
	}
	hostLog(level, unsafe.Pointer(unsafe.StringData(msg)), uint32(len(msg)))
}
