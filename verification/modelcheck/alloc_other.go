//go:build !linux

package modelcheck

// allocTable returns n zeroed words for a state table and a function that
// releases them.
func allocTable(n int) ([]uint64, func()) { return make([]uint64, n), func() {} }
