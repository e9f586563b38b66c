package sim

import (
	"math"

	"github.com/temperhq/temper/specengine"
	"github.com/temperhq/temper/specengine/expr"
)

// digest is an FNV-1a hash of everything a run does, in order: two runs of
// one seed must end with the same digest.
type digest uint64

const (
	fnvOffset digest = 14695981039346656037
	fnvPrime  digest = 1099511628211
)

func (d *digest) byte(b byte) {
	*d ^= digest(b)
	*d *= fnvPrime
}

func (d *digest) u64(x uint64) {
	for i := 0; i < 8; i++ {
		d.byte(byte(x))
		x >>= 8
	}
}

func (d *digest) str(s string) {
	d.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		d.byte(s[i])
	}
}

func (d *digest) val(v expr.Value) {
	d.byte(byte(v.K))
	switch v.K {
	case expr.Bool, expr.Int:
		d.u64(uint64(v.N))
	case expr.Float:
		d.u64(math.Float64bits(v.F))
	case expr.String:
		d.str(v.S)
	case expr.List:
		d.u64(uint64(len(v.L)))
		for _, s := range v.L {
			d.str(s)
		}
	}
}

func (d *digest) state(s *specengine.State) {
	d.u64(uint64(s.Status))
	d.u64(uint64(s.Version))
	for _, v := range s.Vars {
		d.val(v)
	}
}

// sameState reports whether two entity states are equal: status, version
// and every slot, kinds included.
func sameState(a, b *specengine.State) bool {
	if a.ID != b.ID || a.Status != b.Status || a.Version != b.Version || len(a.Vars) != len(b.Vars) {
		return false
	}
	for i := range a.Vars {
		if a.Vars[i].K != b.Vars[i].K || !a.Vars[i].Equal(b.Vars[i]) {
			return false
		}
	}
	return true
}

// stateKey is a compact identity of a state's status and slots, for the
// liveness driver's visited set.
func stateKey(buf []byte, s *specengine.State) []byte {
	buf = buf[:0]
	buf = append(buf, byte(s.Status), byte(s.Status>>8))
	for _, v := range s.Vars {
		buf = append(buf, byte(v.K))
		switch v.K {
		case expr.Bool, expr.Int:
			x := uint64(v.N)
			for i := 0; i < 8; i++ {
				buf = append(buf, byte(x))
				x >>= 8
			}
		case expr.Float:
			x := math.Float64bits(v.F)
			for i := 0; i < 8; i++ {
				buf = append(buf, byte(x))
				x >>= 8
			}
		case expr.String:
			buf = appendStr(buf, v.S)
		case expr.List:
			buf = append(buf, byte(len(v.L)), byte(len(v.L)>>8))
			for _, s := range v.L {
				buf = appendStr(buf, s)
			}
		}
	}
	return buf
}

func appendStr(buf []byte, s string) []byte {
	n := len(s)
	buf = append(buf, byte(n), byte(n>>8), byte(n>>16))
	return append(buf, s...)
}
