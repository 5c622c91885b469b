package sim

import (
	"fmt"
	"math"
	"time"
	"unsafe"
)

// Time is a virtual instant: nanoseconds since the run began. The zero Time
// is the start of the run. Durations between instants are time.Duration.
type Time int64

// Never is a Time later than any event a run can schedule.
const Never Time = math.MaxInt64

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Seconds returns t as seconds since the start of the run.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// String formats t as a duration since the start of the run, e.g. "1m30s".
func (t Time) String() string { return time.Duration(t).String() }

// Handler is a callback bound once (typically a method value stored in a
// model's struct at construction) and scheduled many times with Schedule.
// arg is whatever the caller passed to Schedule; passing a pointer in arg
// does not allocate, so scheduling a bound Handler is allocation-free.
type Handler func(arg any)

// entry is one scheduled event in the pending-event heap. It is a value
// (no pointers), so the heap is a flat slice the garbage collector does not
// scan. seq orders events scheduled for the same instant (first scheduled,
// first fired) and identifies the scheduling in its slot: an entry whose
// seq no longer matches its slot's was stopped and is skipped when popped.
// line is the Line it was scheduled on (its index + 1), 0 for none: popping
// it brings the line's next entry into the heap (line.go).
type entry struct {
	at   Time
	seq  uint64
	slot uint32
	line uint32
}

func (a entry) less(b entry) bool { // values: a local compared by address would live in memory
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// slot holds what a scheduled event calls. Slots are recycled through a
// free list, so their number is bounded by the events pending at once.
// AfterFunc's func() is kept in arg and called through callFunc, so one
// indirect call serves both kinds of event. A slot is 32 bytes, so that
// one never straddles two cache lines.
type slot struct {
	// seq is that of the live scheduling; 0 when stopped; when free,
	// freeSlot | the index of the next free slot (no scheduling's seq
	// has that bit)
	seq uint64
	h   Handler
	arg any
}

// freeSlot marks the seq of a free slot.
const freeSlot = 1 << 63

// The pending-event heap is binary, measured rather than assumed
// (docs/PERFORMANCE.md, "Heap arity"; BenchmarkHold with arities 2, 3, 4
// and 8): on the reference 2-core machine a binary heap beat a 4-ary one by
// 7-11% at 1k and 64k pending events, tied at 1M and lost by 2-3 ns at 16;
// M/M/1 (two or three pending) does not notice. push and down assume it.

// prefetchMin is the heap size above which pop prefetches the slot of the
// next event (docs/PERFORMANCE.md, "Hold model"): the slots of a pending
// set this large may not be in the cache.
const prefetchMin = 1 << 12

// compactMin is the heap size below which stopped entries are never
// compacted away; tiny heaps do not need it.
const compactMin = 64

// Sim is a single-threaded discrete-event simulator over virtual time.
// Events fire in order of (time, scheduling order). It never reads the wall
// clock and starts no goroutines. The zero Sim is not usable; call New.
type Sim struct {
	now Time
	seq uint64
	// next, when hasNext, is the earliest pending entry, held out of the
	// heap: an event scheduled before every other pending one (a handler's
	// short delay: a network hop, a service's next step) waits here and
	// fires without a sift up into the heap and a sift down out of it. Every
	// heap entry is later than next.
	next    entry
	hasNext bool
	// hole: the heap's root was popped, nothing has taken its place yet
	// (pop, pushHeap, fill; heap[0] is no entry); never with hasNext.
	hole  bool
	heap  []entry
	slots []slot
	free  uint32 // head of the slot free list; noSlot if empty
	stale int    // entries in the heap and the lines whose event was stopped
	fired uint64
	// halt is the count of fired events at which Fire stops: the end of
	// its budget, or 0 once a handler has called Halt.
	halt uint64
	// from, moved: fired when Fire began, when it last moved the clock
	// (fields, not locals of Fire, which the compiler would keep in
	// registers through its loop and load back after each handler)
	from, moved uint64
	// lines hold the events scheduled on a Line behind its head, which
	// is in the heap (line.go), lanes those on a Lane; lined counts both.
	lines []line
	lined int
	laneSet
	seed uint64
	// streams: the named streams Rand and Stream handed out (Branch).
	streams []named
}

const noSlot = math.MaxUint32

// New returns a simulator at time 0 whose random streams derive from seed.
func New(seed uint64) *Sim {
	return &Sim{seed: seed, free: noSlot}
}

// NewReusing is New, taking the memory of old, a simulator its caller is
// done with (nothing of it used again, its Timers and Lines included; nil
// for none): its heap, slot table and lines' buffers, emptied, so that a
// batch's runs do not leave them to the collector. The simulator it
// returns is the one New returns.
func NewReusing(seed uint64, old *Sim) *Sim {
	s := New(seed)
	if old != nil {
		s.heap, s.slots, s.lines, s.lanes = old.heap[:0], old.slots[:0], old.lines[:0], old.lanes[:0]
		*old = Sim{}
	}
	return s
}

// Now returns the current virtual time.
func (s *Sim) Now() Time { return s.now }

// Seed returns the seed the simulator's random streams derive from.
func (s *Sim) Seed() uint64 { return s.seed }

// Fired returns the number of events fired so far (stopped ones excluded).
func (s *Sim) Fired() uint64 { return s.fired }

// Pending returns the number of events scheduled and not yet fired or
// stopped.
func (s *Sim) Pending() int {
	n := len(s.heap) + s.lined - s.stale
	if s.hasNext {
		n++
	}
	if s.hole {
		n--
	}
	return n
}

// Timer is a handle to one scheduled event, returned by AfterFunc and
// Schedule. It is a small value; the zero Timer refers to no event.
type Timer struct {
	s    *Sim
	seq  uint64
	at   Time
	slot uint32
}

// Stop cancels the event in O(1) amortised time. It reports whether the
// call stopped the event, false if it had already fired or been stopped.
func (t Timer) Stop() bool {
	if t.s == nil {
		return false // the zero Timer: checked inline, stop is out of line
	}
	return t.s.stop(t.seq, t.slot)
}

// stop is Stop's work on a timer that was set.
func (s *Sim) stop(seq uint64, i uint32) bool {
	sl := s.slotAt(i) // a Timer's slot is one of the table's
	if sl.seq != seq {
		return false
	}
	s.release(sl, i)
	s.stale++
	if s.stale > compactMin && (staleMax+1)*s.stale > staleMax*(len(s.heap)+s.lined) {
		s.compact()
	}
	return true
}

// Active reports whether the timer's event is still pending.
func (t Timer) Active() bool {
	return t.s != nil && t.s.slots[t.slot].seq == t.seq
}

// When returns the instant the timer was set to fire at, for a pending
// timer; for a fired or stopped one, it returns Never.
func (t Timer) When() Time {
	if !t.Active() {
		return Never
	}
	return t.at
}

// AfterFunc schedules f to run once, d after now. f should be bound once
// (a method value kept by the caller): a closure created per call allocates.
// A negative d panics.
func (s *Sim) AfterFunc(d time.Duration, f func()) Timer {
	if f == nil {
		panic("sim: AfterFunc with nil func")
	}
	return s.schedule(d, callFunc, f)
}

// callFunc is the Handler of AfterFunc events: arg holds the func(). A func
// value is pointer-shaped, so storing it in an interface does not allocate.
func callFunc(arg any) { arg.(func())() }

// Schedule schedules h(arg) to run once, d after now. Scheduling a bound
// Handler with a pointer arg allocates nothing. A negative d panics.
func (s *Sim) Schedule(d time.Duration, h Handler, arg any) Timer {
	return s.schedule(d, h, arg) // one call, so Schedule inlines
}

// At schedules h(arg) at the instant t, which must not be in the past.
//
// It does schedule's last three steps itself rather than call it with
// t-now: no delay to add back, no overflow to saturate, and one call
// fewer per event for an open client's arrivals, which are scheduled at
// instants.
func (s *Sim) At(t Time, h Handler, arg any) Timer {
	if t < s.now || h == nil {
		badAt(t, s.now)
	}
	i := s.take(h, arg)
	if s.hole { // and so no next (see Sim)
		s.pushHeap(entry{at: t, seq: s.seq, slot: i}) // as in schedule
	} else {
		s.push(entry{at: t, seq: s.seq, slot: i})
	}
	return Timer{s: s, seq: s.seq, at: t, slot: i}
}

// badAt panics for an instant in the past or a nil Handler, out of line
// like badSchedule.
//
//go:noinline
func badAt(t, now Time) {
	if t < now {
		panic(fmt.Sprintf("sim: At(%v) is before now (%v)", t, now))
	}
	panic("sim: nil Handler")
}

// schedule schedules h(arg) d after now; a time past the end of
// representable time saturates at Never.
func (s *Sim) schedule(d time.Duration, h Handler, arg any) Timer {
	if d < 0 || h == nil {
		badSchedule(d)
	}
	at := s.now + Time(d)
	if at < s.now { // overflow
		at = Never
	}
	i := s.take(h, arg)
	if s.hole { // and so no next (see Sim)
		// push's choice, made here to spare its frame: the hole left
		// at the heap's root by the event that is firing takes e (the
		// first event scheduled by one from the heap, an M/M/1's usual)
		s.pushHeap(entry{at: at, seq: s.seq, slot: i})
	} else {
		s.push(entry{at: at, seq: s.seq, slot: i})
	}
	return Timer{s: s, seq: s.seq, at: at, slot: i}
}

// take gives the next event, h(arg), the next sequence number and a slot (a
// free one, else a new one), and returns the slot's index.
func (s *Sim) take(h Handler, arg any) uint32 {
	s.seq++
	i := s.free
	var sl *slot
	if i == noSlot {
		s.slots = append(s.slots, slot{})
		i = uint32(len(s.slots) - 1)
		sl = &s.slots[i]
	} else {
		sl = s.slotAt(i) // on the free list: a slot of the table
		s.free = uint32(sl.seq)
	}
	sl.seq = s.seq
	sl.h = h
	sl.arg = arg
	return i
}

// badSchedule panics for a negative delay or a nil Handler. It is out of
// line to keep the formatting code off the hot path.
//
//go:noinline
func badSchedule(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("sim: negative delay %v", d))
	}
	panic("sim: nil Handler")
}

// release frees sl, the slot at i (the caller has both at hand). Its
// handler and argument stay in place until the next scheduling on the
// slot overwrites them, sparing every event and every stop a pointer
// store: the collector may see an argument of a freed slot a while
// longer, as it does the handler (a model's events point to its own
// long-lived things, the records of its pools, bound once).
func (s *Sim) release(sl *slot, i uint32) {
	sl.seq = freeSlot | uint64(s.free)
	s.free = i
}

// slotAt returns &s.slots[i] without a bounds check (take and stepUntil
// would pay one per event each): i must be below len(s.slots), as the
// index of a slot on the free list or in a pending entry always is (the
// table never shrinks while the simulator runs). The pointer it makes
// points into the table as &s.slots[i] would, so the collector sees the
// handler and argument the slot holds.
func (s *Sim) slotAt(i uint32) *slot {
	return (*slot)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s.slots)), uintptr(i)*unsafe.Sizeof(slot{})))
}

// NextAt returns the time of the next pending event, or Never if there is
// none.
func (s *Sim) NextAt() Time {
	for {
		e, ln := s.firstAll()
		if e == nil {
			return Never
		}
		if s.slots[e.slot].seq == e.seq {
			return e.at
		}
		if x := s.popAll(ln); x.line != 0 {
			s.feed(x.line)
		}
		s.stale--
	}
}

// Step fires the next pending event, advancing the clock to its time. It
// reports false, leaving the clock alone, when nothing is pending.
func (s *Sim) Step() bool { return s.stepUntil(Never) }

// StepUntil fires the next pending event if it is due at or before t,
// advancing the clock to its time, and reports whether it fired one; it
// leaves the clock alone otherwise. It is Step with a horizon: a driver
// that must stop at an instant of its own (the end of an interval, say)
// calls it in a loop, one check of the heap's head per event, instead of
// NextAt then Step; Fire is that loop in one call.
func (s *Sim) StepUntil(t Time) bool { return s.stepUntil(t) }

// Fire fires the pending events due at or before t, in order, as calls of
// StepUntil(t) would one at a time, until n have fired, none is due, or
// the handler of one called Halt (Fire returns right after that handler).
// It reports how many it fired (stopped events are not events) and how
// many of those, the last included, fired at the instant the clock is
// left at (Now): the events that ran without the clock moving, for a
// driver that limits them. It leaves the clock alone when none is due.
//
// It is the loop a driver would write around StepUntil, with its
// bookkeeping done inside the engine's own loop (one call per batch of
// events instead of one per event): World.Advance fires each interval's
// events through it. A handler must not call Fire, Step or the Run
// methods.
func (s *Sim) Fire(t Time, n uint64) (fired, atNow uint64) {
	if len(s.lanes) != 0 {
		return s.fireLanes(t, n) // the loop with lanes taken into account
	}
	return s.fire(t, n)
}

// fire is Fire's loop for a simulator without lanes.
func (s *Sim) fire(t Time, n uint64) (fired, atNow uint64) {
	s.from, s.moved = s.fired, s.fired
	s.halt = s.fired + n
	if s.halt < s.fired { // overflow: no budget
		s.halt = math.MaxUint64
	}
	for s.fired < s.halt {
		// stepUntil's loop, written out again: see there. The entry is
		// copied once, after the branches, so that they do not each load
		// its fields into registers of their own.
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
		e := *p
		if e.line != 0 {
			s.feed(e.line)
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

// Halt, called by the handler of an event that Fire fired, makes Fire
// return once that handler does, before it fires another event: for a
// handler that finds the run must stop (a limit passed, an error). It
// ends only the Fire in progress; called at any other time, it does
// nothing.
func (s *Sim) Halt() { s.halt = 0 }

// stepUntil fires the next pending event if it is due at or before t, and
// reports whether it fired one. Stopped entries met on the way are dropped.
// Fire's loop picks and fires events as this does (a change to one is a
// change to the other): it is written out there rather than called, to
// spare a call per event.
func (s *Sim) stepUntil(t Time) bool {
	if len(s.lanes) != 0 {
		return s.stepLanes(t)
	}
	for {
		// pop, written out: first's checks against t
		var e entry
		if s.hasNext {
			if s.next.at > t {
				return false
			}
			e = s.next
			s.hasNext = false
		} else {
			if s.hole {
				s.fill()
			}
			h := s.heap
			if len(h) == 0 || h[0].at > t {
				return false
			}
			e = h[0]
			s.hole = true
			if len(h) > prefetchMin {
				prefetch(&s.slots[h[1].slot])
				prefetch(&s.slots[h[2].slot])
			}
		}
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

// RunUntil fires, in order, every event scheduled at or before t (including
// those that firing schedules), then sets the clock to t. A t before now
// panics.
func (s *Sim) RunUntil(t Time) {
	if t < s.now {
		panic(fmt.Sprintf("sim: RunUntil(%v) is before now (%v)", t, s.now))
	}
	for s.stepUntil(t) {
	}
	s.now = t
}

// RunFor fires events for up to n events or until virtual time t, whichever
// comes first, and reports whether it stopped because of the event budget.
// It lets callers (the TUI, limit checks) advance in bounded slices.
func (s *Sim) RunFor(t Time, n uint64) (budgetHit bool) {
	if t < s.now {
		panic(fmt.Sprintf("sim: RunFor(%v) is before now (%v)", t, s.now))
	}
	for ; n > 0; n-- {
		if !s.stepUntil(t) {
			s.now = t
			return false
		}
	}
	if s.NextAt() > t {
		s.now = t
		return false
	}
	return true
}
