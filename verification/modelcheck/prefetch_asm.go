//go:build amd64 || arm64

package modelcheck

// prefetch asks the CPU to bring the cache line at p closer, without
// waiting for it: unlike a load, a missing line does not stall the
// pipeline.
//
//go:noescape
func prefetch(p *uint64)
