//go:build unix

package modelcheck_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process used (user and system, every
// thread, so the garbage collector's work counts too). On a machine shared
// with other work this moves less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
