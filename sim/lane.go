package sim

import (
	"math"
	"time"
	"unsafe"
)

// A lane of the event queue holds the events scheduled one fixed delay
// after they are scheduled (NewLane), such as every network hop over a
// link of constant latency. Their instants never decrease in the order
// they are scheduled, so a lane is a FIFO ring (in order of (at, seq))
// that never enters the heap, not even its head (unlike a Line's): the
// simulator takes the next event from the heap or from the lane whose
// head is the earliest, comparing their keys. An event on a lane costs an
// append and a comparison instead of a sift into the heap and out of it,
// and the heap is smaller by the events the lanes hold. Events fire
// exactly as they would without lanes, in order of (time, scheduling
// order) among all events, and are stopped as any other.

// lane is a lane's ring of entries, in order of (at, seq), its head
// included (line's inHeap and last are unused); d is its delay.
type lane struct {
	line
	d time.Duration
}

// laneSet is the simulator's lanes: lanes, and lane, the index + 1 of
// the lane whose head is the earliest (0 if every lane is empty), whose
// key lat and lseq are.
type laneSet struct {
	lanes []lane
	lane  uint32
	lat   Time
	lseq  uint64
}

// Lane is a lane of the event queue (see above), for the events that
// ScheduleLane schedules its delay after now. The zero Lane is no lane.
type Lane struct{ id uint32 }

// NewLane returns the lane of s for the events scheduled d after now,
// made at the first call with d. It must be called before the first event
// fires (Fire takes the lanes into account when it begins); a negative d
// panics.
func (s *Sim) NewLane(d time.Duration) Lane {
	if d < 0 {
		panic("sim: NewLane with a negative delay")
	}
	if s.fired != 0 {
		panic("sim: NewLane after events have fired")
	}
	if k := s.laneFor(d); k != 0 {
		return Lane{id: k}
	}
	if n := len(s.lanes); n < cap(s.lanes) { // NewReusing's: keep the buffer
		s.lanes = s.lanes[:n+1]
		s.lanes[n] = lane{line: line{ring: s.lanes[n].ring}, d: d}
	} else {
		s.lanes = append(s.lanes, lane{d: d})
	}
	return Lane{id: uint32(len(s.lanes))}
}

// ScheduleLane schedules h(arg) to run once, d after now, on lane l when d
// is l's delay, else as Schedule does (and as Schedule with the zero
// Lane). Like Schedule, it allocates nothing once the lane's buffer has
// grown to the events it holds at once, and a negative d panics.
func (s *Sim) ScheduleLane(l Lane, d time.Duration, h Handler, arg any) Timer {
	k := l.id - 1 // the zero Lane's wraps round
	if k >= uint32(len(s.lanes)) || h == nil {
		return s.schedule(d, h, arg) // (misuse panics there)
	}
	ln := s.laneAt(k)
	if d != ln.d {
		return s.schedule(d, h, arg)
	}
	// An instant past the end of representable time saturates at Never,
	// as it would in the heap: the lane's later instants do too, the
	// clock never going back.
	at := s.now + Time(d)
	if at < s.now { // overflow
		at = Never
	}
	i := s.take(h, arg)
	seq := s.seq
	if ln.n == len(ln.ring) {
		ln.grow()
	}
	*ent(ln.ring, (ln.head+ln.n)&(len(ln.ring)-1)) = entry{at: at, seq: seq, slot: i}
	ln.n++
	s.lined++
	// a new head is the earliest of the lanes' if it is earlier than
	// theirs (at the same instant theirs were scheduled first)
	if ln.n == 1 && (s.lane == 0 || at < s.lat) {
		s.lane, s.lat, s.lseq = l.id, at, seq
	}
	return Timer{s: s, seq: seq, at: at, slot: i}
}

// laneFor returns the index + 1 of the lane of delay d, 0 if there is
// none.
func (s *Sim) laneFor(d time.Duration) uint32 {
	for k := range s.lanes {
		if s.lanes[k].d == d {
			return uint32(k + 1)
		}
	}
	return 0
}

// grow doubles ln's ring (to 16 entries at first), keeping its order.
func (ln *line) grow() {
	nr := make([]entry, max(16, 2*len(ln.ring)))
	for k := 0; k < ln.n; k++ {
		nr[k] = ln.ring[(ln.head+k)&(len(ln.ring)-1)]
	}
	ln.ring, ln.head = nr, 0
}

// laneFirst reports whether the earliest lane head (there must be one:
// s.lane != 0) is earlier than every entry of the heap side: next, or the
// heap's root, or while the root is a hole the lesser of its children,
// each the least of its subtree.
func (s *Sim) laneFirst() bool {
	var m *entry
	h := s.heap
	if s.hasNext {
		m = &s.next
	} else if s.hole {
		if len(h) < 3 {
			if len(h) < 2 {
				return true
			}
			m = &h[1]
		} else {
			m = &h[1]
			if h[2].less(*m) {
				m = &h[2]
			}
		}
	} else {
		if len(h) == 0 {
			return true
		}
		m = &h[0]
	}
	return s.lat < m.at || (s.lat == m.at && s.lseq < m.seq)
}

// popLane removes and returns the head of the lane whose head is the
// earliest (s.lane != 0), and finds the lane whose head is then.
func (s *Sim) popLane() entry {
	ln := s.laneAt(s.lane - 1)
	ring, head := ln.ring, ln.head
	e := *ent(ring, head) // head < len(ring)
	head = (head + 1) & (len(ring) - 1)
	ln.head = head
	ln.n--
	s.lined--
	if len(s.lanes) != 1 {
		s.findLanes()
	} else if ln.n == 0 {
		s.lane = 0
	} else {
		nh := ent(ring, head)
		s.lat, s.lseq = nh.at, nh.seq
	}
	return e
}

// findLanes is findLane, for two lanes without a loop.
func (s *Sim) findLanes() {
	if len(s.lanes) == 2 {
		s.findLane2()
		return
	}
	s.findLane()
}

// laneAt returns &s.lanes[k] without a bounds check: k must be below
// len(s.lanes), as s.lane-1 is when s.lane != 0.
func (s *Sim) laneAt(k uint32) *lane {
	return (*lane)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s.lanes)), uintptr(k)*unsafe.Sizeof(lane{})))
}

// findLane2 is findLane for two lanes.
func (s *Sim) findLane2() {
	a, b := s.laneAt(0), s.laneAt(1)
	if a.n == 0 {
		if b.n == 0 {
			s.lane = 0
			return
		}
		hb := ent(b.ring, b.head)
		s.lane, s.lat, s.lseq = 2, hb.at, hb.seq
		return
	}
	ha := ent(a.ring, a.head)
	if b.n != 0 {
		if hb := ent(b.ring, b.head); hb.at < ha.at || (hb.at == ha.at && hb.seq < ha.seq) {
			s.lane, s.lat, s.lseq = 2, hb.at, hb.seq
			return
		}
	}
	s.lane, s.lat, s.lseq = 1, ha.at, ha.seq
}

// findLane sets s.lane to the lane whose head is the earliest, 0 if every
// lane is empty, and lat and lseq to that head's key.
func (s *Sim) findLane() {
	best, at, seq := uint32(0), Never, uint64(math.MaxUint64)
	for k := range s.lanes {
		ln := &s.lanes[k]
		if ln.n == 0 {
			continue
		}
		if h := ent(ln.ring, ln.head); h.at < at || (h.at == at && h.seq < seq) {
			best, at, seq = uint32(k+1), h.at, h.seq
		}
	}
	s.lane, s.lat, s.lseq = best, at, seq
}

// compactLanes drops the stopped entries of every lane, adding the live
// ones to lined, and finds the lane whose head is the earliest.
func (s *Sim) compactLanes() {
	for k := range s.lanes {
		ln := &s.lanes[k].line
		if ln.n > 0 {
			ln.compact(s)
		}
		s.lined += ln.n
	}
	s.findLane()
}

// fireLanes is Fire's loop (see there) for a simulator with lanes: the
// next event is the earliest of next, the heap's root and the lanes'
// earliest head. While the heap's root is a hole, a lane's head earlier
// than every heap entry fires without the hole being filled, so that the
// next push still fills it.
func (s *Sim) fireLanes(t Time, n uint64) (fired, atNow uint64) {
	s.from, s.moved = s.fired, s.fired
	s.halt = s.fired + n
	if s.halt < s.fired { // overflow: no budget
		s.halt = math.MaxUint64
	}
	for s.fired < s.halt {
		var e entry
		lane := false
		if s.lane != 0 {
			// whether the earliest lane head is earlier than every
			// entry of the heap side (laneFirst, written out)
			h := s.heap
			var m *entry
			if s.hasNext {
				m = &s.next
			} else if s.hole {
				if len(h) > 1 {
					m = &h[1]
					if len(h) > 2 && h[2].less(*m) {
						m = &h[2]
					}
				}
			} else if len(h) != 0 {
				m = &h[0]
			}
			lane = m == nil || s.lat < m.at || (s.lat == m.at && s.lseq < m.seq)
		}
		if lane {
			// popLane, written out, the entry read in place
			ln := s.laneAt(s.lane - 1)
			ring, head := ln.ring, ln.head
			p := ent(ring, head) // head < len(ring)
			if p.at > t {
				break
			}
			e = *p
			head = (head + 1) & (len(ring) - 1)
			ln.head = head
			ln.n--
			s.lined--
			// the earliest lane head now: lane's next, or with two
			// lanes the other's head, whichever is earlier (findLane,
			// written out for one and two lanes)
			switch len(s.lanes) {
			case 1:
				if ln.n == 0 {
					s.lane = 0
				} else {
					nh := ent(ring, head)
					s.lat, s.lseq = nh.at, nh.seq
				}
			case 2:
				other := 3 - s.lane
				o := s.laneAt(other - 1)
				switch {
				case o.n == 0:
					if ln.n == 0 {
						s.lane = 0
					} else {
						nh := ent(ring, head)
						s.lat, s.lseq = nh.at, nh.seq
					}
				case ln.n == 0:
					oh := ent(o.ring, o.head)
					s.lane, s.lat, s.lseq = other, oh.at, oh.seq
				default:
					nh, oh := ent(ring, head), ent(o.ring, o.head)
					if oh.at < nh.at || (oh.at == nh.at && oh.seq < nh.seq) {
						s.lane, s.lat, s.lseq = other, oh.at, oh.seq
					} else {
						s.lat, s.lseq = nh.at, nh.seq
					}
				}
			default:
				s.findLane()
			}
		} else {
			var p *entry
			if s.hasNext {
				if s.next.at > t {
					break
				}
				p = &s.next
				s.hasNext = false
			} else {
				if s.hole {
					s.fill()
				}
				h := s.heap
				if len(h) == 0 || h[0].at > t {
					break
				}
				p = &h[0]
				s.hole = true
				if len(h) > prefetchMin {
					prefetch(&s.slots[h[1].slot])
					prefetch(&s.slots[h[2].slot])
				}
			}
			e = *p
			if e.line != 0 {
				s.feed(e.line)
			}
		}
		sl := s.slotAt(e.slot) // an entry's slot is one of the table's
		if sl.seq != e.seq {
			s.stale--
			continue
		}
		if e.at != s.now {
			s.now = e.at
			s.moved = s.fired
		}
		h, arg := sl.h, sl.arg
		s.release(sl, e.slot)
		s.fired++
		h(arg)
	}
	return s.fired - s.from, s.fired - s.moved
}

// firstAll returns the earliest pending entry, of the heap side (next or
// the heap, whose hole it closes) or of the lanes, and whether it is a
// lane's; nil if there is none.
func (s *Sim) firstAll() (*entry, bool) {
	if s.lane != 0 && s.laneFirst() {
		ln := &s.lanes[s.lane-1]
		return ent(ln.ring, ln.head), true
	}
	return s.first(), false
}

// popAll removes and returns the entry firstAll has just returned.
func (s *Sim) popAll(lane bool) entry {
	if lane {
		return s.popLane()
	}
	return s.pop()
}

// stepLanes is stepUntil for a simulator with lanes.
func (s *Sim) stepLanes(t Time) bool {
	for {
		p, lane := s.firstAll()
		if p == nil || p.at > t {
			return false
		}
		e := s.popAll(lane)
		if e.line != 0 {
			s.feed(e.line)
		}
		sl := s.slotAt(e.slot) // an entry's slot is one of the table's
		if sl.seq != e.seq {
			s.stale--
			continue
		}
		s.now = e.at
		h, arg := sl.h, sl.arg
		s.release(sl, e.slot)
		s.fired++
		h(arg)
		return true
	}
}
