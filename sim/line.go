package sim

import "time"

// Line is a lane of the event queue for events whose instants never
// decrease in the order they are scheduled, such as every timeout of one
// client, all set the same delay after their request leaves. Only the
// earliest pending event of a line is in the heap (or the simulator's
// next, which holds the earliest of all); the others wait in
// the line's ring buffer, appended in O(1) and brought into the heap one
// at a time as the one before them fires or is dropped. A line's events
// fire exactly as the same events scheduled with Schedule would, in order
// of (time, scheduling order) among all events: only the heap they sift
// through is smaller. An event scheduled on a line before the line's
// latest is scheduled as Schedule would (order is never lost, only the
// saving). The zero Line is no line: ScheduleOn with it is Schedule.
type Line struct{ id uint32 }

// line is a Line's ring buffer of entries, in order of (at, seq): the
// entries behind its head. inHeap: its head is in the heap (a line with
// entries waiting always has one); last: the latest instant scheduled on
// it.
type line struct {
	ring   []entry
	head   int
	n      int
	inHeap bool
	last   Time
}

// NewLine returns a new, empty line of s.
func (s *Sim) NewLine() Line {
	if n := len(s.lines); n < cap(s.lines) { // NewReusing's: keep the buffer
		s.lines = s.lines[:n+1]
		s.lines[n] = line{ring: s.lines[n].ring}
	} else {
		s.lines = append(s.lines, line{})
	}
	return Line{id: uint32(len(s.lines))}
}

// ScheduleOn schedules h(arg) to run once, d after now, on line l (see
// Line); like Schedule, it allocates nothing once the line's buffer has
// grown to the events it holds at once, and a negative d panics.
func (s *Sim) ScheduleOn(l Line, d time.Duration, h Handler, arg any) Timer {
	if l.id == 0 {
		return s.schedule(d, h, arg)
	}
	ln := &s.lines[l.id-1]
	at := s.now + Time(d)
	if d < 0 || h == nil || at < s.now || (ln.inHeap && at < ln.last) {
		// misuse (schedule panics), overflow (saturated there) or an
		// instant before the line's latest: through the heap alone
		return s.schedule(d, h, arg)
	}
	i := s.take(h, arg)
	e := entry{at: at, seq: s.seq, slot: i, line: l.id}
	ln.last = at
	if !ln.inHeap {
		ln.inHeap = true
		s.push(e)
	} else {
		ln.append(e)
		s.lined++
	}
	return Timer{s: s, seq: s.seq, at: at, slot: i}
}

// append adds e at the back of the ring, growing it when full.
func (ln *line) append(e entry) {
	if ln.n == len(ln.ring) {
		nr := make([]entry, max(16, 2*len(ln.ring)))
		for k := 0; k < ln.n; k++ {
			nr[k] = ln.ring[(ln.head+k)&(len(ln.ring)-1)]
		}
		ln.ring, ln.head = nr, 0
	}
	ln.ring[(ln.head+ln.n)&(len(ln.ring)-1)] = e
	ln.n++
}

// feed is called when the head of line k (its index + 1) has left the
// heap: the next live entry of the line, if any, takes its place there.
// Stopped entries met on the way are dropped here rather than after a trip
// through the heap (most timeouts are stopped before they fire).
func (s *Sim) feed(k uint32) {
	ln := &s.lines[k-1]
	for ln.n > 0 {
		e := *ent(ln.ring, ln.head) // head < len(ring): no bounds check
		ln.head = (ln.head + 1) & (len(ln.ring) - 1)
		ln.n--
		s.lined--
		if s.slotAt(e.slot).seq != e.seq { // one of the table's (compact)
			s.stale--
			continue
		}
		if s.hole { // and so no next: push's choice, as in schedule
			s.pushHeap(e)
		} else {
			s.push(e)
		}
		return
	}
	ln.inHeap = false
}

// compactLines drops the stopped entries of every line, keeping the order
// of the others, and gives a line whose head left the heap (compact
// dropped it) its next entry there; the caller rebuilds the heap. It
// compacts the lanes too.
func (s *Sim) compactLines() {
	s.lined = 0
	for k := range s.lines {
		ln := &s.lines[k]
		if ln.n > 0 {
			ln.compact(s)
		}
		if !ln.inHeap && ln.n > 0 {
			s.heap = append(s.heap, ln.ring[ln.head])
			ln.head = (ln.head + 1) & (len(ln.ring) - 1)
			ln.n--
			ln.inHeap = true
		}
		s.lined += ln.n
	}
	s.compactLanes() // and the lanes (lane.go)
}

// compact drops ln's stopped entries, keeping the order of the others.
// Most of them are its oldest (a line's timeouts are stopped about in the
// order they were set, as their requests are answered), so the stopped
// entries before the first live one are dropped by moving the head, and a
// live entry is moved only when a stopped one lies before it; a check
// reads an entry's slot and seq, not the whole entry.
func (ln *line) compact(s *Sim) {
	ring, mask := ln.ring, len(ln.ring)-1
	// live reports whether e's event is pending: its slot's seq is its
	// own. ring[r&mask] and the slot of an entry are in range (the
	// ring's length is a power of two; a pending entry's slot is one of
	// the table's), so they are indexed without bounds checks (ent, slotAt).
	live := func(e *entry) bool { return s.slotAt(e.slot).seq == e.seq }
	r, n := ln.head, ln.n
	for n > 0 && !live(ent(ring, r)) {
		r = (r + 1) & mask
		n--
	}
	ln.head = r
	w, kept := r, 0
	for ; n > 0; n-- {
		if e := ent(ring, r); live(e) {
			if w != r { // w trails r round the ring
				*ent(ring, w) = *e
			}
			w = (w + 1) & mask
			kept++
		}
		r = (r + 1) & mask
	}
	ln.n = kept
}
