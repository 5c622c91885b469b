package strategies

import (
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// bucketRing is a time-based sliding window: a ring of fixed-width buckets,
// each holding up to three counters, with running totals. The window covers
// the current (partial) bucket and the len-1 buckets before it. Memory is
// fixed at construction; add and sum are O(1) amortised and allocate
// nothing.
type bucketRing struct {
	width  time.Duration
	vals   [][3]int64
	cur    int64 // epoch (floor(now/width)) of the newest bucket
	totals [3]int64
}

func newBucketRing(window time.Duration, buckets int) bucketRing {
	return bucketRing{width: window / time.Duration(buckets), vals: make([][3]int64, buckets)}
}

// advance moves the ring to now, clearing the buckets that fell out of the
// window. Instants earlier than the newest bucket count in the newest bucket
// (time never runs backwards in a simulation; this only keeps the ring
// consistent).
func (r *bucketRing) advance(now sim.Time) {
	e := int64(now) / int64(r.width)
	if e <= r.cur {
		return
	}
	n := int64(len(r.vals))
	steps := e - r.cur
	if steps > n {
		steps = n
	}
	for k := int64(1); k <= steps; k++ {
		i := (r.cur + k) % n
		for j := range r.totals {
			r.totals[j] -= r.vals[i][j]
		}
		r.vals[i] = [3]int64{}
	}
	r.cur = e
}

func (r *bucketRing) add(now sim.Time, j int, v int64) {
	r.advance(now)
	r.vals[r.cur%int64(len(r.vals))][j] += v
	r.totals[j] += v
}

func (r *bucketRing) sum(now sim.Time) [3]int64 {
	r.advance(now)
	return r.totals
}

func (r *bucketRing) reset() {
	clear(r.vals)
	r.totals = [3]int64{}
}

// outcome flags recorded by the breakers' windows.
const (
	outcomeFailed = 1 << iota
	outcomeSlow
)

// outcomeWindow is a circuit breaker's sliding window over call outcomes,
// count-based (the last n calls) or time-based (the last n seconds, one
// bucket per second), as in resilience4j's SlidingWindowType. Both forms
// keep running totals, so a snapshot is O(1).
type outcomeWindow struct {
	typ   WindowType
	ring  []uint8 // count-based: the last len(ring) outcomes
	next  int
	calls int // count-based: outcomes held, up to len(ring)
	fails int
	slows int
	time  bucketRing // time-based: counters failed, slow, total
}

func newOutcomeWindow(typ WindowType, size int) outcomeWindow {
	w := outcomeWindow{typ: typ}
	if typ == CountWindow {
		w.ring = make([]uint8, size)
	} else {
		w.time = newBucketRing(time.Duration(size)*time.Second, size)
	}
	return w
}

func (w *outcomeWindow) record(now sim.Time, flags uint8) {
	if w.typ == CountWindow {
		if w.calls == len(w.ring) {
			old := w.ring[w.next]
			w.fails -= int(old & outcomeFailed)
			w.slows -= int(old&outcomeSlow) >> 1
		} else {
			w.calls++
		}
		w.ring[w.next] = flags
		w.fails += int(flags & outcomeFailed)
		w.slows += int(flags&outcomeSlow) >> 1
		w.next++
		if w.next == len(w.ring) {
			w.next = 0
		}
		return
	}
	w.time.add(now, 2, 1)
	if flags&outcomeFailed != 0 {
		w.time.add(now, 0, 1)
	}
	if flags&outcomeSlow != 0 {
		w.time.add(now, 1, 1)
	}
}

// snapshot returns (calls, failed, slow) in the window at now.
func (w *outcomeWindow) snapshot(now sim.Time) (calls, fails, slows int) {
	if w.typ == CountWindow {
		return w.calls, w.fails, w.slows
	}
	t := w.time.sum(now)
	return int(t[2]), int(t[0]), int(t[1])
}

func (w *outcomeWindow) reset() {
	if w.typ == CountWindow {
		clear(w.ring)
		w.next, w.calls, w.fails, w.slows = 0, 0, 0, 0
		return
	}
	w.time.reset()
}
