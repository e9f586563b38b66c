package modelcheck

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/temperhq/temper/specengine/expr"
)

// fastInts is the range of integers a slot codec maps through an array
// instead of a map: [-fastInts/2, fastInts/2).
const fastInts = 512

// slotCodec interns the values of one slot: code 0 is null, other codes
// are given in order of first appearance, so codes (and everything derived
// from them) are deterministic.
type slotCodec struct {
	vals  []expr.Value
	oob   []bool // the value lies outside the slot's bound
	bound int64
	max   uint32 // the largest code the layout can hold

	bools  [2]uint32
	ints   [fastInts]uint32 // value+fastInts/2 → code; 0: not yet seen
	bigInt map[int64]uint32
	strs   map[string]uint32
	lists  map[string]uint32
	floats map[uint64]uint32
	buf    []byte
	// overflow is set when a code exceeded max: the layout must widen.
	overflow bool
}

func newSlotCodec(bound int64, bitsWide uint) *slotCodec {
	return &slotCodec{
		vals:   []expr.Value{{}},
		oob:    []bool{false},
		bound:  bound,
		max:    uint32(1<<bitsWide - 1),
		bigInt: map[int64]uint32{},
		strs:   map[string]uint32{},
		lists:  map[string]uint32{},
		floats: map[uint64]uint32{},
	}
}

func (c *slotCodec) add(v expr.Value, oob bool) uint32 {
	code := uint32(len(c.vals))
	if code > c.max {
		c.overflow = true
	}
	c.vals = append(c.vals, v)
	c.oob = append(c.oob, oob)
	return code
}

// code returns the code of v, interning it on first sight. The bounds test
// is domain.InBounds's, per slot.
func (c *slotCodec) code(v *expr.Value) uint32 {
	switch v.K {
	case expr.Null:
		return 0
	case expr.Bool:
		b := v.N & 1
		if c.bools[b] == 0 {
			c.bools[b] = c.add(*v, false)
		}
		return c.bools[b]
	case expr.Int:
		if v.N >= -fastInts/2 && v.N < fastInts/2 {
			p := &c.ints[v.N+fastInts/2]
			if *p == 0 {
				*p = c.add(*v, v.N > c.bound || v.N < -c.bound)
			}
			return *p
		}
		code, ok := c.bigInt[v.N]
		if !ok {
			code = c.add(*v, true)
			c.bigInt[v.N] = code
		}
		return code
	case expr.String:
		code, ok := c.strs[v.S]
		if !ok {
			code = c.add(*v, false)
			c.strs[v.S] = code
		}
		return code
	case expr.List:
		c.buf = c.buf[:0]
		for _, s := range v.L {
			c.buf = binary.AppendUvarint(c.buf, uint64(len(s)))
			c.buf = append(c.buf, s...)
		}
		code, ok := c.lists[string(c.buf)]
		if !ok {
			// Lists are never mutated in place (effects copy on write),
			// so keeping v.L is safe.
			code = c.add(*v, int64(len(v.L)) > c.bound)
			c.lists[string(c.buf)] = code
		}
		return code
	case expr.Float:
		b := math.Float64bits(v.F)
		code, ok := c.floats[b]
		if !ok {
			code = c.add(*v, false)
			c.floats[b] = code
		}
		return code
	}
	return 0
}

// field is where one slot (or the status) lives in a packed key.
type field struct {
	word  int
	shift uint
	mask  uint64
	inKey bool // in the hashed key; otherwise in the side words
}

// layout packs status and slot codes into whole words; a field never
// straddles two words.
type layout struct {
	keyWords, sideWords int
	keyBits             uint // bits used in the last key word
	status              field
	slots               []field
	width               []uint // bits per slot
}

func bitsFor(n int) uint {
	if n <= 1 {
		return 1
	}
	return uint(bits.Len(uint(n - 1)))
}

func newLayout(nStates int, width []uint, inKey []bool) layout {
	l := layout{slots: make([]field, len(width)), width: width}
	var keyUsed, sideUsed uint = 64, 64 // bits used in the current word
	place := func(w uint, key bool) field {
		used, words := &sideUsed, &l.sideWords
		if key {
			used, words = &keyUsed, &l.keyWords
		}
		if *used+w > 64 {
			*words++
			*used = 0
		}
		f := field{word: *words - 1, shift: *used, mask: 1<<w - 1, inKey: key}
		if w == 64 {
			f.mask = math.MaxUint64
		}
		*used += w
		return f
	}
	l.status = place(bitsFor(nStates), true)
	for j, w := range width {
		l.slots[j] = place(w, inKey[j])
	}
	l.keyBits = keyUsed
	return l
}
