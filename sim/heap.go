package sim

import "unsafe"

// The pending-event heap (a binary heap of entries by (at, seq)), with two
// things beside it that spare it work (docs/PERFORMANCE.md, "Heavy
// built-ins", fourth sitting): next, the earliest pending entry when it
// was scheduled before every other, which never enters the heap; and the
// hole a pop leaves at the root, which the next push fills with its own
// entry.

// push adds e to the pending entries: into next if it is earlier than all
// of them, else into the heap.
func (s *Sim) push(e entry) {
	if s.hasNext {
		if e.less(s.next) {
			e, s.next = s.next, e // the former next goes to the heap
		}
	} else if !s.hole && (len(s.heap) == 0 || e.less(s.heap[0])) {
		s.next, s.hasNext = e, true
		return
	}
	s.pushHeap(e)
}

// pushHeap adds e to the heap: into the hole at its root if there is one
// (a sift down, which the pop that left the hole did not do), else at its
// end (a sift up).
func (s *Sim) pushHeap(e entry) {
	h := s.heap
	if s.hole {
		s.hole = false
		if len(h) < 3 {
			if len(h) == 2 && h[1].less(e) {
				h[0] = h[1]
				h[1] = e
				return
			}
			h[0] = e
			return
		}
		// top-down (e is often early: the next step of what just
		// fired, which belongs near the root), the first level here,
		// its lesser child chosen without a jump as in downTop, at any
		// size (the root's children are always in the cache)
		a1, a2 := h[1].at, h[2].at
		c := 1
		if a1 == a2 {
			if h[2].seq < h[1].seq {
				c = 2 // a tie, rare, broken by seq
			}
		} else {
			c += int(uint64(a2-a1) >> 63)
		}
		hc := ent(h, c) // c < 3 <= len(h)
		if e.less(*hc) {
			h[0] = e
			return
		}
		h[0] = *hc
		s.downTop(c, e)
		return
	}
	h = append(h, e)
	s.heap = h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) >> 1 // i > 0
		if !e.less(h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// first returns the earliest pending entry, or nil if there is none. It
// closes the hole at the heap's root, if any.
func (s *Sim) first() *entry {
	if s.hasNext {
		return &s.next
	}
	if s.hole {
		s.fill()
	}
	if len(s.heap) == 0 {
		return nil
	}
	return &s.heap[0]
}

// pop removes and returns the earliest pending entry, which first must
// have just returned. Taken from the heap, it leaves a hole at the root,
// which the next push fills (with its entry: one sift instead of a pop's
// sift down and a push's sift up) or the next first (with the last entry).
func (s *Sim) pop() entry {
	if s.hasNext {
		s.hasNext = false
		return s.next
	}
	s.hole = true
	h := s.heap
	if len(h) > prefetchMin {
		// the slot of the next event is read when it fires: let it
		// come into the cache while this one runs. The next root is
		// one of the children, unless it is the entry that fills the
		// hole.
		prefetch(&s.slots[h[1].slot])
		prefetch(&s.slots[h[2].slot])
	}
	return h[0]
}

// fill closes the hole at the heap's root with the heap's last entry.
func (s *Sim) fill() {
	s.hole = false
	h := s.heap
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	s.heap = h
	if n == 1 {
		h[0] = last // a heap of one: nothing to sift (an M/M/1's common case)
	} else if n > 1 {
		s.down(0, last)
	}
}

// down sifts e into place starting at index i of the heap. It moves the
// hole at i down to a leaf, always towards the smaller child (one
// comparison per level instead of two), then sifts e up from there (Floyd's
// bottom-up heap): e is usually a former leaf, which belongs near the
// bottom, so the climb back is short. The keys (at, seq) are unique, so the
// order of pops is that of any other correct heap.
//
// Its way down walks the heap by byte offsets, as downTop's does (see
// there), comparing the children by their instants alone but for a tie;
// its climb back, short, by indices through ent. No bounds checks: o is
// i's, which the callers keep below n, or a child's, below last in the
// loop and at most last after it; p < k.
func (s *Sim) down(i int, e entry) {
	h := s.heap
	n := len(h) // i < n: the callers' invariant, not checked (a check that
	// could panic would give the function a frame and a stack check)
	const size = unsafe.Sizeof(entry{})
	base := unsafe.Pointer(unsafe.SliceData(h))
	last := uintptr(n-1) * size // the offset of the last entry
	o := uintptr(i) * size      // the hole's
	l := 2*o + size             // its left child's
	if n <= jumpFreeMax {       // the lesser child chosen without a jump, as in downTop
		for l < last { // two children, at l and l+size
			ca := *(*Time)(unsafe.Add(base, l))
			ra := *(*Time)(unsafe.Add(base, l+size))
			if ra == ca && (*entry)(unsafe.Add(base, l+size)).seq < (*entry)(unsafe.Add(base, l)).seq {
				l += size // a tie, rare, broken by seq: r is the lesser
			}
			l += uintptr(int64(ra-ca)>>63) & size
			*(*entry)(unsafe.Add(base, o)) = *(*entry)(unsafe.Add(base, l))
			o = l
			l = 2*l + size
		}
	} else {
		for l < last { // two children, at l and l+size
			ca := *(*Time)(unsafe.Add(base, l))
			ra := *(*Time)(unsafe.Add(base, l+size))
			if ra == ca && (*entry)(unsafe.Add(base, l+size)).seq < (*entry)(unsafe.Add(base, l)).seq {
				l += size // a tie, rare, broken by seq: r is the lesser
			}
			if lr := l + size; ra < ca { // the right child is the lesser
				l = lr
			}
			*(*entry)(unsafe.Add(base, o)) = *(*entry)(unsafe.Add(base, l))
			o = l
			l = 2*l + size
		}
	}
	if l == last { // one child, the last entry
		*(*entry)(unsafe.Add(base, o)) = *(*entry)(unsafe.Add(base, l))
		o = l
	}
	k := int(o / size)
	for k > i {
		p := (k - 1) >> 1 // k > i >= 0
		if !e.less(*ent(h, p)) {
			break
		}
		*ent(h, k) = *ent(h, p)
		k = p
	}
	*ent(h, k) = e
}

// downTop sifts e into place starting at index i of the heap, top-down:
// two comparisons per level, but only down to e's place. pushHeap fills
// the hole at the root with it rather than with down: its entry was
// scheduled by the event that just fired (a network hop, a service's end,
// a retry's first hop), usually a few levels from the root, where down's
// bottom-up sift would go to a leaf and climb back (docs/PERFORMANCE.md,
// "Heavy built-ins": with 256-1,023 pending, down averaged about 230
// instructions a call).
//
// It walks the heap by byte offsets from its first entry rather than by
// indices (a child's offset is 2o+size, an address base+offset, with no
// multiplication by the entry's size), compares the children by their
// instants alone but for a tie, and carries the lesser's instant into the
// comparison with e and into the hole rather than loading it again (slot
// and line, adjacent, move as one word). In a heap of at most jumpFreeMax
// entries the lesser child is chosen without a jump (its offset by the
// sign of the instants' difference, its instant by min, a conditional
// move): more instructions, less time (see jumpFreeMax). No bounds
// checks: o is i's, which the caller keeps below n, or a child's; a
// child's l is below last (the offset of the last entry) in the loop, at
// most last after it. Should the loop break with l == last (e belongs
// above the last entry, its parent's right child), the check after it
// finds e less than that entry and moves nothing.
func (s *Sim) downTop(i int, e entry) {
	h := s.heap
	n := len(h) // i < n: the caller's invariant, not checked (a check that
	// could panic would give the function a frame and a stack check)
	const size = unsafe.Sizeof(entry{})
	base := unsafe.Pointer(unsafe.SliceData(h))
	last := uintptr(n-1) * size // the offset of the last entry
	o := uintptr(i) * size      // the hole's
	l := 2*o + size             // its left child's
	at, seq := e.at, e.seq
	if n <= jumpFreeMax {
		for l < last { // two children, at l and l+size
			ca := *(*Time)(unsafe.Add(base, l))
			ra := *(*Time)(unsafe.Add(base, l+size))
			if ra == ca {
				if (*entry)(unsafe.Add(base, l+size)).seq < (*entry)(unsafe.Add(base, l)).seq {
					l += size // a tie, rare, broken by seq: r is the lesser
				}
			}
			// the lesser child chosen without a jump: its offset by the
			// sign of the difference, its instant by min (a conditional
			// move)
			l += uintptr(int64(ra-ca)>>63) & size
			ca = min(ca, ra)
			c := (*entry)(unsafe.Add(base, l))
			if at <= ca && (at < ca || seq < c.seq) {
				break
			}
			// *hole = *c, with the instant already at hand
			hole := (*entry)(unsafe.Add(base, o))
			hole.at, hole.seq = ca, c.seq
			*(*uint64)(unsafe.Pointer(&hole.slot)) = *(*uint64)(unsafe.Pointer(&c.slot))
			o = l
			l = 2*l + size
		}
	} else {
		for l < last { // two children, at l and l+size
			ca := *(*Time)(unsafe.Add(base, l))
			ra := *(*Time)(unsafe.Add(base, l+size))
			if ra == ca && (*entry)(unsafe.Add(base, l+size)).seq < (*entry)(unsafe.Add(base, l)).seq {
				l += size // a tie, rare, broken by seq: r is the lesser
			}
			if lr := l + size; ra < ca { // the right child is the lesser
				ca = ra
				l = lr
			}
			c := (*entry)(unsafe.Add(base, l))
			if at <= ca && (at < ca || seq < c.seq) {
				break
			}
			hole := (*entry)(unsafe.Add(base, o))
			hole.at, hole.seq = ca, c.seq
			*(*uint64)(unsafe.Pointer(&hole.slot)) = *(*uint64)(unsafe.Pointer(&c.slot))
			o = l
			l = 2*l + size
		}
	}
	if l == last { // one child, the last entry (unless the loop broke)
		if c := (*entry)(unsafe.Add(base, l)); c.at < at || (c.at == at && c.seq < seq) {
			*(*entry)(unsafe.Add(base, o)) = *c
			o = l
		}
	}
	*(*entry)(unsafe.Add(base, o)) = e
}

// ent returns &h[k] without a bounds check: k must be in [0, len(h)).
// An entry holds no pointer, so the collector need not see this.
func ent(h []entry, k int) *entry {
	return (*entry)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(h)), uintptr(k)*unsafe.Sizeof(entry{})))
}

// compact drops stopped entries from the heap and the lines, and rebuilds
// the heap in O(n). Stop calls it once stopped entries outnumber live
// ones staleMax to 1, so its cost is amortised O(1) per Stop and the heap
// and the lines never hold more than about staleMax+1 times the live
// events.
func (s *Sim) compact() {
	if s.hole {
		s.fill()
	}
	if s.hasNext && s.slots[s.next.slot].seq != s.next.seq {
		s.hasNext = false
		if s.next.line != 0 {
			s.lines[s.next.line-1].inHeap = false
		}
	}
	h := s.heap[:0]
	for _, e := range s.heap {
		if s.slots[e.slot].seq == e.seq {
			h = append(h, e)
		} else if e.line != 0 {
			s.lines[e.line-1].inHeap = false
		}
	}
	clear(s.heap[len(h):])
	s.heap = h
	s.stale = 0
	s.compactLines()
	h = s.heap
	for i := (len(h) - 2) / 2; i >= 0; i-- {
		s.down(i, h[i])
	}
}

// staleMax is the ratio of stopped entries to live ones at which Stop
// compacts. Most stopped entries are timeouts on lines, whose stopped
// entries cost a pop nothing (only a line's head is in the heap) and
// leave their rings at their heads anyway (feed): compacting them is
// only a bound on memory, and each compaction also walks every live
// entry. At 1 (compaction once stopped entries outnumbered live ones)
// retry-amplification spent 3.2% of its instructions compacting, once
// every 359 stops; at 7, 2.1% fewer instructions in all (3 and 15 gave
// less: -1.7%, -2.0%), metastable-retries 1.9% fewer, the other heavy
// built-ins within 0.02%.
const staleMax = 7

// jumpFreeMax is the heap size up to which downTop and down choose the
// lesser of two children without a jump (pushHeap does at the root's
// children at any size). The choice is a coin toss that the branch
// predictor loses about half the time; in a heap that fits in the cache
// the jump-free choice is faster for its few more instructions. In a
// larger one each level's loads would wait for the choice above them,
// where the predicted jump lets them start early: 2.4x the CPU time of
// the jumping sift at a million pending entries.
const jumpFreeMax = 1 << 12
