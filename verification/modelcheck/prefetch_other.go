//go:build !amd64 && !arm64

package modelcheck

// prefetch is a no-op where the checker has no prefetch instruction.
func prefetch(*uint64) {}
