package modelcheck

// stateSet is an open-addressing hash set of packed keys. Each table entry
// holds the state's index+1 (0: empty) followed by its key words, so a
// probe touches one cache line and nothing else; a one-word key of at most
// 32 bits shares a single word with the index (index+1 above the key
// bits), halving the table. The keys are also kept in
// an arena in state order (state i at arena[i*k:(i+1)*k]) for decoding,
// which the BFS reads sequentially. Neither holds a pointer the garbage
// collector has to scan.
type stateSet struct {
	k      int
	stride int // words per entry
	// packed: one word per entry, key in the low kbits, index+1 above.
	packed bool
	kbits  uint
	kmask  uint64
	arena  []uint64
	tab    []uint64
	size   int  // entries
	shift  uint // 64 - log2(size)
	n      int
	free   func() // releases tab
}

// newStateSet makes a set of k-word keys; keyBits is the number of bits a
// one-word key uses.
func newStateSet(k int, keyBits uint) *stateSet {
	s := &stateSet{k: k, stride: k + 1}
	if k == 1 && keyBits <= 32 {
		s.packed, s.stride, s.kbits, s.kmask = true, 1, keyBits, 1<<keyBits-1
	}
	s.resize(1 << 12)
	return s
}

// hashKey mixes the words of a key (splitmix64's finalizer per word); the
// table index is taken from the top bits.
func hashKey(key []uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, w := range key {
		h ^= w
		h ^= h >> 30
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 27
		h *= 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// release frees the table; the set answers no lookups afterwards, but its
// arena (the keys by state) stays.
func (s *stateSet) release() {
	if s.free != nil {
		s.free()
		s.free, s.tab = nil, nil
	}
}

func (s *stateSet) resize(size int) {
	s.release()
	s.tab, s.free = allocTable(size * s.stride)
	s.size = size
	s.shift = 64
	for 1<<(64-s.shift) < size {
		s.shift--
	}
	mask := uint64(size - 1)
	for i := 0; i < s.n; i++ {
		key := s.arena[i*s.k : (i+1)*s.k]
		pos := hashKey(key) >> s.shift
		for s.tab[int(pos)*s.stride] != 0 {
			pos = (pos + 1) & mask
		}
		s.put(pos, key, i)
	}
}

func (s *stateSet) put(pos uint64, key []uint64, i int) {
	if s.packed {
		s.tab[pos] = key[0] | uint64(i+1)<<s.kbits
		return
	}
	e := s.tab[int(pos)*s.stride:]
	e[0] = uint64(i + 1)
	copy(e[1:s.stride], key)
}

// lookup returns the index of key, or -1 and the entry where it would go.
func (s *stateSet) lookup(key []uint64) (int, uint64) {
	return s.lookupAt(key, hashKey(key)>>s.shift)
}

// touch prefetches the entry a key's probe starts at, so a lookup made a
// little later finds it in cache.
func (s *stateSet) touch(pos uint64) { prefetch(&s.tab[int(pos)*s.stride]) }

// lookupAt is lookup with the key's start entry (its hash >> shift).
func (s *stateSet) lookupAt(key []uint64, pos uint64) (int, uint64) {
	mask := uint64(s.size - 1)
	if s.packed {
		k0 := key[0]
		for {
			e := s.tab[pos]
			if e == 0 {
				return -1, pos
			}
			if e&s.kmask == k0 {
				return int(e>>s.kbits) - 1, pos
			}
			pos = (pos + 1) & mask
		}
	}
	if s.k == 1 {
		k0 := key[0]
		for {
			e := s.tab[pos*2 : pos*2+2 : pos*2+2]
			if e[0] == 0 {
				return -1, pos
			}
			if e[1] == k0 {
				return int(e[0] - 1), pos
			}
			pos = (pos + 1) & mask
		}
	}
	st := uint64(s.stride)
	for {
		e := s.tab[pos*st : (pos+1)*st]
		if e[0] == 0 {
			return -1, pos
		}
		if equalWords(e[1:], key) {
			return int(e[0] - 1), pos
		}
		pos = (pos + 1) & mask
	}
}

// insert adds key at the entry lookup returned and gives its index.
func (s *stateSet) insert(key []uint64, pos uint64) int {
	i := s.n
	s.arena = append(s.arena, key...)
	s.put(pos, key, i)
	s.n++
	if s.n*2 > s.size {
		s.resize(s.size * 2)
	}
	return i
}

func (s *stateSet) key(i int) []uint64 { return s.arena[i*s.k : (i+1)*s.k] }

func equalWords(a, b []uint64) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
