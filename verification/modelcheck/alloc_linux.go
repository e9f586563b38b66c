//go:build linux

package modelcheck

import (
	"syscall"
	"unsafe"
)

const hugePage = 2 << 20

// allocTable returns n zeroed words for a state table and a function that
// releases them. A large table is mapped outside the Go heap, aligned to
// 2 MiB and advised to use transparent huge pages: its probes land on
// random pages, and with 4 KiB pages nearly each one also misses the TLB,
// which costs more than the cache miss (much more under virtualization).
// The words hold no pointers, so the garbage collector need not see them.
func allocTable(n int) ([]uint64, func()) {
	size := n * 8
	if size < 2*hugePage {
		return make([]uint64, n), func() {}
	}
	b, err := syscall.Mmap(-1, 0, size+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]uint64, n), func() {}
	}
	off := 0
	if r := uintptr(unsafe.Pointer(unsafe.SliceData(b))) % hugePage; r != 0 {
		off = int(hugePage - r)
	}
	_ = syscall.Madvise(b[off:off+size], syscall.MADV_HUGEPAGE) // advice only
	words := unsafe.Slice((*uint64)(unsafe.Pointer(&b[off])), n)
	return words, func() { _ = syscall.Munmap(b) }
}
