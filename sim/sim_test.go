package sim

import (
	"container/heap"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// pinRapidSeed makes rapid's property tests deterministic (team rule: no
// test may depend on luck) unless a seed was asked for on the command line
// (-rapid.seed=N) or in RAPID_SEED.
func pinRapidSeed(t *testing.T) {
	t.Helper()
	f := flag.Lookup("rapid.seed")
	if f == nil || f.Value.String() != "0" {
		return
	}
	if err := flag.Set("rapid.seed", "20240601"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("rapid.seed", "0") })
}

// ---------------------------------------------------------------------------
// The event queue against a naive model: a slice of live events kept sorted
// by (time, scheduling order). Every fired event must be the model's first.

// modelEv is one live event in the naive model.
type modelEv struct {
	id  int
	at  Time
	seq uint64
}

// evArg is what the engine passes back to the handler under test.
type evArg struct {
	id    int
	depth int
}

// queueHarness drives a Sim and the model with the same operations.
type queueHarness struct {
	t      *rapid.T
	s      *Sim
	fire   Handler // bound once
	live   []modelEv
	seq    uint64 // mirrors the engine's scheduling counter
	timers []Timer
	fired  uint64
	trace  []int
	lines  []Line // lines of the engine, scheduled on by scheduleOn
	times  []Time // the instant each event of trace fired at
	// firing: a Fire is running, so onFire may call Halt; halted: it did,
	// for trace[haltAt]
	firing, halted bool
	haltAt         int
}

func newQueueHarness() *queueHarness {
	h := &queueHarness{s: New(1)}
	h.fire = h.onFire
	for range 3 {
		h.lines = append(h.lines, h.s.NewLine())
	}
	return h
}

func (h *queueHarness) isLive(id int) bool {
	return slices.ContainsFunc(h.live, func(e modelEv) bool { return e.id == id })
}

// schedule schedules one event d after now, through Schedule or At, in both
// the engine and the model.
func (h *queueHarness) schedule(d time.Duration, depth int, useAt bool) {
	h.scheduleOn(Line{}, d, depth, useAt)
}

// scheduleOn is schedule on line l (ScheduleOn), unless l is the zero
// Line.
func (h *queueHarness) scheduleOn(l Line, d time.Duration, depth int, useAt bool) {
	id := len(h.timers)
	a := &evArg{id: id, depth: depth}
	var tm Timer
	if l != (Line{}) {
		tm = h.s.ScheduleOn(l, d, h.fire, a)
	} else if useAt {
		tm = h.s.At(h.s.Now().Add(d), h.fire, a)
	} else {
		tm = h.s.Schedule(d, h.fire, a)
	}
	h.timers = append(h.timers, tm)
	h.seq++
	e := modelEv{id: id, at: h.s.Now().Add(d), seq: h.seq}
	i, _ := slices.BinarySearchFunc(h.live, e, func(x, y modelEv) int {
		if x.at != y.at {
			return cmpInt(int64(x.at), int64(y.at))
		}
		return cmpInt(int64(x.seq), int64(y.seq))
	})
	h.live = slices.Insert(h.live, i, e)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// stop stops timer id in the engine and checks the result against the model.
func (h *queueHarness) stop(id int) {
	tm := h.timers[id]
	want := h.isLive(id)
	if got := tm.Active(); got != want {
		h.t.Fatalf("timer %d: Active() = %v, model says live = %v", id, got, want)
	}
	if got := tm.Stop(); got != want {
		h.t.Fatalf("timer %d: Stop() = %v, want %v", id, got, want)
	}
	// A Stop of a live event that leaves stale entries outnumbering live
	// ones staleMax to 1 (and more than compactMin) compacts them away
	// before it returns.
	if s := h.s; want && s.stale > compactMin && (staleMax+1)*s.stale > staleMax*(len(s.heap)+s.lined) {
		h.t.Fatalf("after Stop, stale %d of %d heap and %d line entries: compaction did not run", s.stale, len(s.heap), s.lined)
	}
	if tm.Active() {
		h.t.Fatalf("timer %d: Active() after Stop", id)
	}
	if tm.When() != Never {
		h.t.Fatalf("timer %d: When() = %v after Stop, want Never", id, tm.When())
	}
	if tm.Stop() {
		h.t.Fatalf("timer %d: second Stop() = true", id)
	}
	h.live = slices.DeleteFunc(h.live, func(e modelEv) bool { return e.id == id })
}

func (h *queueHarness) drawDelay(t *rapid.T, label string) time.Duration {
	switch rapid.IntRange(0, 3).Draw(t, label+"kind") {
	case 0:
		return 0 // ties with now
	case 1:
		return time.Duration(rapid.IntRange(0, 3).Draw(t, label)) // many ties
	default:
		return time.Duration(rapid.IntRange(0, 1000).Draw(t, label))
	}
}

// onFire is the handler under test: it checks that the engine fired the
// model's first event, then may schedule children and stop other timers.
func (h *queueHarness) onFire(arg any) {
	a := arg.(*evArg)
	if len(h.live) == 0 {
		h.t.Fatalf("fired %d with nothing live in the model", a.id)
	}
	want := h.live[0]
	if a.id != want.id || h.s.Now() != want.at {
		h.t.Fatalf("fired id %d at %d, model's next is id %d at %d (seq %d)",
			a.id, h.s.Now(), want.id, want.at, want.seq)
	}
	if h.timers[a.id].Active() {
		h.t.Fatalf("timer %d still Active inside its own handler", a.id)
	}
	h.live = h.live[1:]
	h.fired++
	h.trace = append(h.trace, a.id)
	h.times = append(h.times, h.s.Now())
	if h.firing && !h.halted && rapid.IntRange(0, 4).Draw(h.t, "halt") == 0 {
		h.s.Halt()
		h.halted, h.haltAt = true, len(h.trace)-1
	}
	if a.depth >= 3 {
		return
	}
	// Nested scheduling and stopping from inside a handler.
	n := rapid.IntRange(0, 2).Draw(h.t, "children")
	for range n {
		h.schedule(h.drawDelay(h.t, "childDelay"), a.depth+1, false)
	}
	if len(h.timers) > 0 && rapid.IntRange(0, 3).Draw(h.t, "stopInHandler") == 0 {
		h.stop(rapid.IntRange(0, len(h.timers)-1).Draw(h.t, "stopID"))
	}
}

func (h *queueHarness) check(t *rapid.T) {
	s := h.s
	if got := s.Pending(); got != len(h.live) {
		t.Fatalf("Pending() = %d, model has %d live", got, len(h.live))
	}
	want := Never
	if len(h.live) > 0 {
		want = h.live[0].at
	}
	if got := s.NextAt(); got != want {
		t.Fatalf("NextAt() = %v, want %v", got, want)
	}
	if s.Fired() != h.fired {
		t.Fatalf("Fired() = %d, model fired %d", s.Fired(), h.fired)
	}
	if len(h.live) > 0 && h.live[0].at < s.Now() {
		t.Fatalf("live event at %v is before now %v", h.live[0].at, s.Now())
	}
	// Internal invariants: stale count, bounded heap, slots in use.
	if s.hole && s.hasNext {
		t.Fatalf("a hole at the heap's root and a next entry at once")
	}
	lined := 0
	for k := range s.lines {
		ln := &s.lines[k]
		lined += ln.n
		if ln.n > 0 && !ln.inHeap {
			t.Fatalf("line %d holds %d entries and has none in the heap", k, ln.n)
		}
		heads := 0
		for _, e := range s.heap {
			if e.line == uint32(k+1) {
				heads++
			}
		}
		if s.hasNext && s.next.line == uint32(k+1) {
			heads++
		}
		if heads != map[bool]int{false: 0, true: 1}[ln.inHeap] {
			t.Fatalf("line %d: %d entries in the heap, inHeap %v", k, heads, ln.inHeap)
		}
	}
	if lined != s.lined {
		t.Fatalf("lines hold %d entries, lined says %d", lined, s.lined)
	}
	for i := 1; i < len(s.heap); i++ {
		if !s.heap[(i-1)/2].less(s.heap[i]) {
			t.Fatalf("heap entry %d %+v is not after its parent %+v", i, s.heap[i], s.heap[(i-1)/2])
		}
	}
	queued := len(s.heap) + s.lined
	if s.hasNext {
		queued++
		for _, e := range s.heap {
			if !s.next.less(e) {
				t.Fatalf("next %+v is not before heap entry %+v", s.next, e)
			}
		}
	}
	if s.stale < 0 || queued-s.stale != len(h.live) {
		t.Fatalf("heap %d entries, lines %d, next %v, stale %d, live %d", len(s.heap), s.lined, s.hasNext, s.stale, len(h.live))
	}
	// Compaction runs in Stop (see stop), and firing live events shrinks
	// the heap without one, so here stale entries are only bounded by
	// the entries.
	if s.stale > queued {
		t.Fatalf("stale %d of %d heap and %d line entries", s.stale, len(s.heap), s.lined)
	}
	used := 0
	for i := range s.slots {
		if s.slots[i].seq&freeSlot == 0 {
			used++
		}
	}
	if used != len(h.live) {
		t.Fatalf("%d slots in use, %d live events", used, len(h.live))
	}
	for _, e := range h.live {
		if tm := h.timers[e.id]; tm.When() != e.at {
			t.Fatalf("timer %d: When() = %v, want %v", e.id, tm.When(), e.at)
		}
	}
}

func TestQueueMatchesSortedSlice(t *testing.T) {
	pinRapidSeed(t)
	rapid.Check(t, func(t *rapid.T) {
		h := newQueueHarness()
		h.t = t
		t.Repeat(map[string]func(*rapid.T){
			"schedule": func(t *rapid.T) {
				n := rapid.IntRange(1, 8).Draw(t, "n")
				for range n {
					h.schedule(h.drawDelay(t, "delay"), 0, rapid.Bool().Draw(t, "useAt"))
				}
			},
			"scheduleOn": func(t *rapid.T) {
				// a line's own delay most of the time (its events in
				// order: the line's fast path), any delay otherwise (an
				// instant before the line's latest: the heap's path)
				k := rapid.IntRange(0, len(h.lines)-1).Draw(t, "line")
				n := rapid.IntRange(1, 8).Draw(t, "n")
				for range n {
					d := time.Duration(k * 40)
					if rapid.IntRange(0, 3).Draw(t, "odd") == 0 {
						d = h.drawDelay(t, "delay")
					}
					h.scheduleOn(h.lines[k], d, 0, false)
				}
			},
			"scheduleManyOn": func(t *rapid.T) {
				// enough to pass compactMin with lines holding many
				n := rapid.IntRange(50, 200).Draw(t, "n")
				for i := range n {
					h.scheduleOn(h.lines[i%len(h.lines)], time.Duration(100+i%len(h.lines)), 0, false)
				}
			},
			"scheduleMany": func(t *rapid.T) {
				// Enough to pass compactMin, so Stop's compaction runs.
				n := rapid.IntRange(50, 200).Draw(t, "n")
				spread := rapid.IntRange(1, 5000).Draw(t, "spread")
				r := rand.New(rand.NewPCG(uint64(n), uint64(spread)))
				for range n {
					h.schedule(time.Duration(r.IntN(spread)), 0, false)
				}
			},
			"stop": func(t *rapid.T) {
				if len(h.timers) == 0 {
					t.Skip("no timers")
				}
				h.stop(rapid.IntRange(0, len(h.timers)-1).Draw(t, "id"))
			},
			"stopMost": func(t *rapid.T) {
				// Stop a drawn fraction of the live events.
				pct := rapid.IntRange(50, 100).Draw(t, "pct")
				r := rand.New(rand.NewPCG(uint64(pct), uint64(len(h.live))))
				ids := make([]int, 0, len(h.live))
				for _, e := range h.live {
					if r.IntN(100) < pct {
						ids = append(ids, e.id)
					}
				}
				for _, id := range ids {
					h.stop(id)
				}
			},
			"stopZero": func(t *rapid.T) {
				var z Timer
				if z.Stop() || z.Active() || z.When() != Never {
					t.Fatal("zero Timer: Stop or Active true, or When not Never")
				}
			},
			"step": func(t *rapid.T) {
				had := len(h.live) > 0
				before, now := h.fired, h.s.Now()
				ok := h.s.Step()
				if ok != had {
					t.Fatalf("Step() = %v with %d live", ok, len(h.live))
				}
				if !ok && h.s.Now() != now {
					t.Fatalf("empty Step moved the clock %v -> %v", now, h.s.Now())
				}
				if ok && h.fired != before+1 {
					t.Fatalf("Step fired %d events", h.fired-before)
				}
			},
			"runUntil": func(t *rapid.T) {
				until := h.s.Now().Add(h.drawDelay(t, "until"))
				h.s.RunUntil(until)
				if h.s.Now() != until {
					t.Fatalf("after RunUntil(%v), Now() = %v", until, h.s.Now())
				}
				if len(h.live) > 0 && h.live[0].at <= until {
					t.Fatalf("RunUntil(%v) left event %d at %v", until, h.live[0].id, h.live[0].at)
				}
			},
			"runFor": func(t *rapid.T) {
				until := h.s.Now().Add(h.drawDelay(t, "until"))
				budget := uint64(rapid.IntRange(0, 5).Draw(t, "budget"))
				before := h.fired
				hit := h.s.RunFor(until, budget)
				n := h.fired - before
				if hit {
					if n != budget || len(h.live) == 0 || h.live[0].at > until {
						t.Fatalf("RunFor hit its budget %d after %d events, next live %v, until %v",
							budget, n, h.live, until)
					}
				} else {
					if n > budget || h.s.Now() != until || (len(h.live) > 0 && h.live[0].at <= until) {
						t.Fatalf("RunFor(%v, %d) = false after %d events, now %v", until, budget, n, h.s.Now())
					}
				}
			},
			"fire": func(t *rapid.T) {
				until := h.s.Now().Add(h.drawDelay(t, "until"))
				budget := uint64(rapid.IntRange(0, 6).Draw(t, "budget"))
				before, now := len(h.trace), h.s.Now()
				h.firing, h.halted = true, false
				fired, atNow := h.s.Fire(until, budget)
				h.firing = false
				ran := h.times[before:] // the instants of the events it fired
				if fired != uint64(len(ran)) || fired > budget {
					t.Fatalf("Fire(%v, %d) = %d fired; handlers ran %d times", until, budget, fired, len(ran))
				}
				if fired == 0 && h.s.Now() != now {
					t.Fatalf("Fire fired nothing and moved the clock %v -> %v", now, h.s.Now())
				}
				// it stops for its budget, right after a Halt, or with
				// nothing due
				switch {
				case h.halted:
					if ran[len(ran)-1] != h.s.Now() || h.haltAt != len(h.trace)-1 {
						t.Fatalf("Fire went on after the handler of event %d halted it", h.trace[h.haltAt])
					}
				case fired < budget && len(h.live) > 0 && h.live[0].at <= until:
					t.Fatalf("Fire(%v, %d) stopped after %d events with %d due at %v", until, budget, fired, h.live[0].id, h.live[0].at)
				}
				want := uint64(0)
				for want < fired && ran[len(ran)-1-int(want)] == h.s.Now() {
					want++
				}
				if atNow != want {
					t.Fatalf("Fire(%v, %d) fired at %v: atNow %d, want %d", until, budget, ran, atNow, want)
				}
			},
			"": h.check,
		})
		// Drain: everything left fires in model order.
		for h.s.Step() {
		}
		if len(h.live) != 0 {
			t.Fatalf("drained engine, model still has %d live", len(h.live))
		}
		h.check(t)
	})
}

// TestQueueLongRandom runs far longer random schedules than the property
// test (deep heaps, many compactions) against the same model.
func TestQueueLongRandom(t *testing.T) {
	ops := 40_000
	if testing.Short() {
		ops = 5_000
	}
	r := rand.New(rand.NewPCG(7, 7))
	s := New(1)
	type ev struct {
		at  Time
		seq uint64
	}
	var live []ev // sorted by (at, seq)
	var timers []Timer
	var seqs []uint64
	var seq uint64
	var last ev
	lines := []Line{s.NewLine(), s.NewLine(), s.NewLine()}
	h := func(arg any) {
		p := arg.(*ev)
		if len(live) == 0 || live[0] != *p {
			t.Fatalf("fired %+v, model's next %+v", *p, live[:min(1, len(live))])
		}
		if p.at < last.at {
			t.Fatalf("time went backwards: %v after %v", p.at, last.at)
		}
		last = *p
		live = live[1:]
	}
	insert := func(e ev) {
		i, _ := slices.BinarySearchFunc(live, e, func(x, y ev) int {
			if x.at != y.at {
				return cmpInt(int64(x.at), int64(y.at))
			}
			return cmpInt(int64(x.seq), int64(y.seq))
		})
		live = slices.Insert(live, i, e)
	}
	for range ops {
		switch k := r.IntN(10); {
		case k < 5:
			d := time.Duration(r.IntN(50))
			seq++
			e := &ev{at: s.Now().Add(d), seq: seq}
			if j := r.IntN(len(lines) + 1); j < len(lines) {
				// on a line: its own delay, but now and then any
				if r.IntN(8) > 0 {
					d = time.Duration(10 * j)
					e.at = s.Now().Add(d)
				}
				timers = append(timers, s.ScheduleOn(lines[j], d, h, e))
			} else {
				timers = append(timers, s.Schedule(d, h, e))
			}
			seqs = append(seqs, seq)
			insert(*e)
		case k < 8:
			if len(timers) == 0 {
				continue
			}
			i := r.IntN(len(timers))
			want := slices.ContainsFunc(live, func(e ev) bool { return e.seq == seqs[i] })
			if got := timers[i].Stop(); got != want {
				t.Fatalf("Stop() = %v, want %v", got, want)
			}
			live = slices.DeleteFunc(live, func(e ev) bool { return e.seq == seqs[i] })
		default:
			s.Step()
		}
		if s.Pending() != len(live) {
			t.Fatalf("Pending() = %d, model %d", s.Pending(), len(live))
		}
	}
	for s.Step() {
	}
	if len(live) != 0 {
		t.Fatalf("%d events never fired", len(live))
	}
}

// TestHoldBothSifts holds a heap below and above jumpFreeMax (downTop's two
// ways of choosing a child) at a steady size: each fired event schedules
// one more, with delays from a small set (ties, broken by seq) or any.
// The order of firing must be the model's, a reference binary heap of
// (at, seq).
func TestHoldBothSifts(t *testing.T) {
	for _, n := range []int{jumpFreeMax / 4, 3*jumpFreeMax + 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(n), 3))
			s := New(1)
			var model evHeap
			var seq uint64
			var h Handler
			delay := func() time.Duration {
				if r.IntN(2) == 0 {
					return time.Duration(r.IntN(4)) * time.Millisecond
				}
				return time.Duration(r.Int64N(int64(10 * time.Millisecond)))
			}
			add := func() {
				d := delay()
				seq++
				e := &refEv{at: s.Now().Add(d), seq: seq}
				s.Schedule(d, h, e)
				heap.Push(&model, *e)
			}
			fired := 0
			h = func(arg any) {
				got := *arg.(*refEv)
				want := heap.Pop(&model).(refEv)
				if got != want {
					t.Fatalf("event %d: fired %+v, model's next %+v", fired, got, want)
				}
				fired++
				if fired < 4*n {
					add()
				}
			}
			for range n {
				add()
			}
			for s.Step() {
			}
			if fired != 4*n-1+n || model.Len() != 0 {
				t.Fatalf("fired %d, model holds %d", fired, model.Len())
			}
		})
	}
}

// refEv and evHeap are TestHoldBothSifts' model: container/heap by (at, seq).
type refEv struct {
	at  Time
	seq uint64
}

type evHeap []refEv

func (h evHeap) Len() int { return len(h) }
func (h evHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || (h[i].at == h[j].at && h[i].seq < h[j].seq)
}
func (h evHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *evHeap) Push(x any)   { *h = append(*h, x.(refEv)) }
func (h *evHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// ---------------------------------------------------------------------------
// Stop semantics.

func TestStop(t *testing.T) {
	s := New(1)
	var fired []string
	a := s.AfterFunc(10, func() { fired = append(fired, "a") })
	b := s.AfterFunc(20, func() { fired = append(fired, "b") })
	if !a.Active() || a.When() != 10 {
		t.Fatalf("a: Active %v When %v, want true 10", a.Active(), a.When())
	}
	if !a.Stop() {
		t.Fatal("first Stop of a pending timer = false")
	}
	if a.Stop() {
		t.Fatal("second Stop = true")
	}
	if a.Active() || a.When() != Never {
		t.Fatal("stopped timer still Active or When != Never")
	}
	s.RunUntil(100)
	if !slices.Equal(fired, []string{"b"}) {
		t.Fatalf("fired %v, want [b]", fired)
	}
	if b.Stop() {
		t.Fatal("Stop after fire = true")
	}
	if b.Active() {
		t.Fatal("fired timer Active")
	}
	// A stopped timer's slot is reused; the old handle must not touch the
	// new event.
	c := s.AfterFunc(5, func() { fired = append(fired, "c") })
	if a.Stop() || b.Stop() {
		t.Fatal("stale handle stopped a reused slot")
	}
	if !c.Active() {
		t.Fatal("new timer lost to a stale handle")
	}
	s.RunUntil(200)
	if !slices.Equal(fired, []string{"b", "c"}) {
		t.Fatalf("fired %v, want [b c]", fired)
	}
	var z Timer
	if z.Stop() || z.Active() || z.When() != Never {
		t.Fatal("zero Timer: Stop or Active true, or When not Never")
	}
	if s.Fired() != 2 || s.Pending() != 0 {
		t.Fatalf("Fired %d Pending %d, want 2 0", s.Fired(), s.Pending())
	}
}

// TestStopSelfAndPeerInHandler: stopping the running event is a no-op;
// stopping a same-instant peer that comes later cancels it.
func TestStopSelfAndPeerInHandler(t *testing.T) {
	s := New(1)
	var self, peer Timer
	var got []string
	self = s.AfterFunc(1, func() {
		got = append(got, "self")
		if self.Stop() {
			t.Error("Stop of the running timer = true")
		}
		if !peer.Stop() {
			t.Error("Stop of a later same-instant peer = false")
		}
	})
	peer = s.AfterFunc(1, func() { got = append(got, "peer") })
	s.RunUntil(10)
	if !slices.Equal(got, []string{"self"}) {
		t.Fatalf("got %v, want [self]", got)
	}
}

// ---------------------------------------------------------------------------
// Misuse panics, naming the value.

func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestMisusePanics(t *testing.T) {
	noop := func() {}
	h := func(any) {}
	tests := []struct {
		name string
		f    func(s *Sim)
		want []string // substrings of the panic message
	}{
		{"AfterFunc negative", func(s *Sim) { s.AfterFunc(-5*time.Millisecond, noop) }, []string{"negative delay", "-5ms"}},
		{"Schedule negative", func(s *Sim) { s.Schedule(-1, h, nil) }, []string{"negative delay", "-1ns"}},
		{"AfterFunc nil", func(s *Sim) { s.AfterFunc(1, nil) }, []string{"nil func"}},
		{"Schedule nil", func(s *Sim) { s.Schedule(1, nil, nil) }, []string{"nil Handler"}},
		{"At nil", func(s *Sim) { s.At(2*Time(time.Second), nil, nil) }, []string{"nil Handler"}},
		{"At past", func(s *Sim) { s.At(Time(time.Second), h, nil) }, []string{"At(1s)", "before now (2s)"}},
		{"RunUntil past", func(s *Sim) { s.RunUntil(Time(time.Second)) }, []string{"RunUntil(1s)", "before now (2s)"}},
		{"RunFor past", func(s *Sim) { s.RunFor(Time(time.Second), 10) }, []string{"RunFor(1s)", "before now (2s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(1)
			s.RunUntil(Time(2 * time.Second))
			msg := panicMessage(func() { tt.f(s) })
			if msg == "" {
				t.Fatal("did not panic")
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not contain %q", msg, w)
				}
			}
			if s.Pending() != 0 || s.Now() != Time(2*time.Second) {
				t.Errorf("misuse changed state: Pending %d Now %v", s.Pending(), s.Now())
			}
		})
	}
}

// TestRunUntilNow: RunUntil(now) is allowed and fires events due now.
func TestRunUntilNow(t *testing.T) {
	s := New(1)
	n := 0
	s.AfterFunc(0, func() { n++; s.AfterFunc(0, func() { n++ }) })
	s.RunUntil(0)
	if n != 2 || s.Now() != 0 {
		t.Fatalf("fired %d, now %v; want 2, 0", n, s.Now())
	}
}

// TestRunUntilNever: running to the end of time drains the queue and
// returns (an earlier loop compared NextAt() <= t, which never ended for
// t == Never once the queue was empty).
func TestRunUntilNever(t *testing.T) {
	s := New(1)
	n := 0
	s.AfterFunc(time.Second, func() { n++ })
	s.AfterFunc(time.Duration(1<<63-1), func() { n++ }) // saturates at Never
	s.RunUntil(Never)
	if n != 2 || s.Now() != Never || s.Pending() != 0 {
		t.Fatalf("fired %d, now %v, pending %d; want 2, Never, 0", n, s.Now(), s.Pending())
	}
	s2 := New(1)
	s2.AfterFunc(time.Second, func() { n++ })
	if s2.RunFor(Never, 10) || s2.Now() != Never {
		t.Fatalf("RunFor(Never, 10) hit its budget or left now at %v", s2.Now())
	}
}

// TestOverflowSaturates: a delay past the end of representable time
// schedules at Never instead of wrapping into the past.
func TestOverflowSaturates(t *testing.T) {
	s := New(1)
	s.RunUntil(Time(time.Hour))
	fired := false
	tm := s.AfterFunc(time.Duration(1<<63-1), func() { fired = true })
	if tm.When() != Never {
		t.Fatalf("When() = %v, want Never", tm.When())
	}
	s.RunUntil(Never - 1)
	if fired {
		t.Fatal("saturated event fired before Never")
	}
}

// ---------------------------------------------------------------------------
// Determinism: a little model, the same seed twice (and at different
// GOMAXPROCS) gives the same event trace.

// traceModel is an M/M/2 queue whose customers give up after a timeout
// (most timeouts are stopped), so the trace covers Schedule, AfterFunc,
// Stop, ties and several named streams.
type traceModel struct {
	s        *Sim
	arr, svc *rand.Rand
	patience *rand.Rand
	busy     int
	queue    []*customer
	next     int
	onArrive func()
	onDone   Handler
	onGiveUp Handler
	hash     uint64
	events   int
}

type customer struct {
	id      int
	timeout Timer
}

func newTraceModel(seed uint64) *traceModel {
	m := &traceModel{s: New(seed)}
	m.arr = m.s.Rand("arrivals")
	m.svc = m.s.Rand("service")
	m.patience = m.s.Rand("patience")
	m.onArrive = m.arrive
	m.onDone = m.done
	m.onGiveUp = m.giveUp
	m.hash = 14695981039346656037 // FNV-1a offset basis
	return m
}

func (m *traceModel) record(kind byte, id int) {
	// FNV-1a over (now, kind, id).
	const prime = 1099511628211
	for _, x := range [...]uint64{uint64(m.s.Now()), uint64(kind), uint64(id)} {
		for i := 0; i < 8; i++ {
			m.hash ^= (x >> (8 * i)) & 0xff
			m.hash *= prime
		}
	}
	m.events++
}

func exp(r *rand.Rand, mean time.Duration) time.Duration {
	return time.Duration(r.ExpFloat64() * float64(mean))
}

func (m *traceModel) arrive() {
	c := &customer{id: m.next}
	m.next++
	m.record('a', c.id)
	m.s.AfterFunc(exp(m.arr, 400*time.Microsecond), m.onArrive)
	// Quantise service to 100µs so that some departures tie.
	if m.busy < 2 {
		m.busy++
		m.s.Schedule(exp(m.svc, time.Millisecond).Truncate(100*time.Microsecond), m.onDone, c)
		return
	}
	c.timeout = m.s.Schedule(exp(m.patience, 5*time.Millisecond), m.onGiveUp, c)
	m.queue = append(m.queue, c)
}

func (m *traceModel) done(arg any) {
	m.record('d', arg.(*customer).id)
	if len(m.queue) == 0 {
		m.busy--
		return
	}
	c := m.queue[0]
	m.queue = m.queue[1:]
	if !c.timeout.Stop() {
		panic("queued customer's timeout already gone")
	}
	m.s.Schedule(exp(m.svc, time.Millisecond).Truncate(100*time.Microsecond), m.onDone, c)
}

func (m *traceModel) giveUp(arg any) {
	c := arg.(*customer)
	m.record('g', c.id)
	m.queue = slices.DeleteFunc(m.queue, func(x *customer) bool { return x == c })
}

func runTrace(seed uint64, until time.Duration) (uint64, int) {
	m := newTraceModel(seed)
	m.s.AfterFunc(0, m.onArrive)
	m.s.RunUntil(Time(until))
	return m.hash, m.events
}

func TestDeterministicTrace(t *testing.T) {
	until := 2 * time.Second
	if testing.Short() {
		until = 200 * time.Millisecond
	}
	h1, n1 := runTrace(42, until)
	prev := runtime.GOMAXPROCS(1)
	h2, n2 := runTrace(42, until)
	runtime.GOMAXPROCS(prev)
	if h1 != h2 || n1 != n2 {
		t.Fatalf("same seed, different traces: %x (%d events) vs %x (%d events)", h1, n1, h2, n2)
	}
	if n1 < 500 {
		t.Fatalf("trace too short to mean anything: %d events", n1)
	}
	h3, _ := runTrace(43, until)
	if h3 == h1 {
		t.Fatalf("seeds 42 and 43 gave the same trace %x", h1)
	}
}

// ---------------------------------------------------------------------------
// Bounded memory when most timers are stopped.

func TestStoppedTimersBounded(t *testing.T) {
	cycles := 1_000_000
	if testing.Short() {
		cycles = 100_000
	}
	const (
		perCycle = 10 // schedule 10, stop 9 (90%), fire 1
		base     = 100
	)
	s := New(1)
	r := rand.New(rand.NewPCG(1, 2))
	h := func(any) {}
	for range base {
		s.Schedule(time.Duration(r.IntN(1000)), h, nil)
	}
	var batch [perCycle]Timer
	maxHeap, maxSlots, maxCap := 0, 0, 0
	for range cycles {
		for j := range batch {
			batch[j] = s.Schedule(time.Duration(r.IntN(1000)), h, nil)
		}
		keep := r.IntN(perCycle)
		for j := range batch {
			if j != keep && !batch[j].Stop() {
				t.Fatal("Stop of a pending timer = false")
			}
		}
		if !s.Step() {
			t.Fatal("nothing to step")
		}
		maxHeap = max(maxHeap, len(s.heap))
		maxSlots = max(maxSlots, len(s.slots))
		maxCap = max(maxCap, cap(s.heap))
	}
	if s.Pending() != base {
		t.Fatalf("Pending() = %d, want %d", s.Pending(), base)
	}
	// Live events never exceed base+perCycle; stopped entries are compacted
	// once they outnumber live ones staleMax to 1.
	live := base + perCycle
	if maxHeap > (staleMax+1)*live+compactMin || maxSlots > live || maxCap > 4*((staleMax+1)*live+compactMin) {
		t.Fatalf("after %d cycles: max heap len %d (cap %d), max slots %d; live never exceeded %d",
			cycles, maxHeap, maxCap, maxSlots, live)
	}
}

// ---------------------------------------------------------------------------
// Zero allocations on the hot path.

type allocModel struct {
	s      *Sim
	onTick Handler
	tick   func()
	n      int
}

func (m *allocModel) handle(arg any) { arg.(*customer).id++ }
func (m *allocModel) tock()          { m.n++ }

// TestStoppedLineTimersBounded is TestStoppedTimersBounded for lines:
// timeouts on a line that are all stopped long before they fall due (so
// that none leaves its ring by reaching its head), beside a hold model's
// live events. Compaction keeps them from outnumbering the live ones staleMax to 1.
func TestStoppedLineTimersBounded(t *testing.T) {
	const (
		cycles   = 200_000
		perCycle = 10
		base     = 100
	)
	s := New(1)
	r := rand.New(rand.NewPCG(3, 4))
	var hold Handler
	hold = func(any) { s.Schedule(time.Duration(r.IntN(1000)), hold, nil) }
	for range base {
		hold(nil)
	}
	l := s.NewLine()
	noop := func(any) { t.Fatal("a stopped timeout fired") }
	var batch [perCycle]Timer
	maxLined, maxHeap := 0, 0
	for range cycles {
		for j := range batch {
			batch[j] = s.ScheduleOn(l, time.Hour, noop, nil)
		}
		for j := range batch {
			if !batch[j].Stop() {
				t.Fatal("Stop of a pending timer = false")
			}
		}
		if !s.Step() {
			t.Fatal("nothing to step")
		}
		maxLined = max(maxLined, s.lined)
		maxHeap = max(maxHeap, len(s.heap))
	}
	if s.Pending() != base {
		t.Fatalf("Pending() = %d, want %d", s.Pending(), base)
	}
	if maxLined > (staleMax+1)*base+compactMin+perCycle || maxHeap > (staleMax+1)*base+compactMin {
		t.Fatalf("after %d cycles: at most %d entries in the line, %d in the heap; live never exceeded %d",
			cycles, maxLined, maxHeap, base)
	}
}

func TestZeroAllocs(t *testing.T) {
	m := &allocModel{s: New(1)}
	m.onTick = m.handle
	m.tick = m.tock
	c := &customer{}
	// Warm up: let the heap and slot slices reach their working size.
	for range 100 {
		m.s.Schedule(time.Microsecond, m.onTick, c)
	}
	for m.s.Step() {
	}
	if a := testing.AllocsPerRun(1000, func() {
		m.s.Schedule(time.Microsecond, m.onTick, c)
		m.s.Step()
	}); a != 0 {
		t.Errorf("Schedule+Step with a bound Handler: %v allocs/op, want 0", a)
	}
	if a := testing.AllocsPerRun(1000, func() {
		m.s.AfterFunc(time.Microsecond, m.tick)
		m.s.Step()
	}); a != 0 {
		t.Errorf("AfterFunc+Step with a bound func: %v allocs/op, want 0", a)
	}
	if a := testing.AllocsPerRun(1000, func() {
		m.s.Schedule(time.Microsecond, m.onTick, c).Stop()
		m.s.AfterFunc(time.Microsecond, m.tick)
		m.s.Step()
	}); a != 0 {
		t.Errorf("Schedule+Stop+AfterFunc+Step: %v allocs/op, want 0", a)
	}
	if a := testing.AllocsPerRun(100, func() {
		m.s.AfterFunc(time.Microsecond, m.tick)
		m.s.RunUntil(m.s.Now().Add(time.Millisecond))
	}); a != 0 {
		t.Errorf("AfterFunc+RunUntil: %v allocs/op, want 0", a)
	}
	if a := testing.AllocsPerRun(100, func() {
		m.s.Schedule(time.Microsecond, m.onTick, c)
		m.s.AfterFunc(time.Microsecond, m.tick)
		m.s.Fire(Never, math.MaxUint64)
	}); a != 0 {
		t.Errorf("Schedule+AfterFunc+Fire: %v allocs/op, want 0", a)
	}
	if c.id == 0 || m.n == 0 {
		t.Fatal("handlers never ran")
	}
}

// TestTimeHelpers covers Time's arithmetic and formatting.
func TestTimeHelpers(t *testing.T) {
	t0 := Time(0)
	t1 := t0.Add(1500 * time.Millisecond)
	if t1.Sub(t0) != 1500*time.Millisecond || t1.Seconds() != 1.5 || t1.String() != "1.5s" {
		t.Fatalf("Time helpers: Sub %v Seconds %v String %q", t1.Sub(t0), t1.Seconds(), t1.String())
	}
	if s := New(9); s.Seed() != 9 || s.Now() != 0 || s.NextAt() != Never || s.Step() {
		t.Fatal("new Sim: wrong seed, time, or not empty")
	}
}

// TestStepUntil: StepUntil fires only an event due at or before its
// horizon, one per call, skipping stopped ones, and leaves the clock
// alone when none is due.
func TestStepUntil(t *testing.T) {
	s := New(1)
	var got []Time
	h := func(any) { got = append(got, s.Now()) }
	s.Schedule(time.Second, h, nil)
	s.Schedule(2*time.Second, h, nil).Stop()
	s.Schedule(3*time.Second, h, nil)
	steps := []struct {
		horizon Time
		fired   bool
		now     Time
	}{
		{Time(time.Second - 1), false, 0},
		{Time(time.Second), true, Time(time.Second)},
		{Time(2 * time.Second), false, Time(time.Second)}, // the stopped one is not an event
		{Never, true, Time(3 * time.Second)},
		{Never, false, Time(3 * time.Second)},
	}
	for i, st := range steps {
		if fired := s.StepUntil(st.horizon); fired != st.fired || s.Now() != st.now {
			t.Fatalf("step %d: StepUntil(%v) = %v, now %v; want %v, %v", i, st.horizon, fired, s.Now(), st.fired, st.now)
		}
	}
	if len(got) != 2 {
		t.Errorf("fired at %v, want 1s and 3s", got)
	}
}

// TestFire: Fire fires the events due at or before its horizon in order,
// stopping after n of them or right after the one whose handler called
// Halt, skips stopped ones, reports how many ran at the instant it ends
// at, and leaves the clock alone when none is due.
func TestFire(t *testing.T) {
	s := New(1)
	var got []Time
	halt := map[Time]bool{}
	h := func(any) {
		got = append(got, s.Now())
		if halt[s.Now()] {
			s.Halt()
		}
	}
	sec := func(k int) Time { return Time(time.Duration(k) * time.Second) }
	for _, k := range []int{1, 2, 2, 2, 3, 4, 5, 5, 6, 7} {
		s.At(sec(k), h, nil)
	}
	s.At(sec(2), h, nil).Stop() // not an event: neither fired nor counted
	halt[sec(5)] = true         // both events at 5s halt
	s.Halt()                    // outside Fire: nothing
	steps := []struct {
		horizon      Time
		n            uint64
		fired, atNow uint64
		now          Time
	}{
		{sec(1) - 1, 5, 0, 0, 0},              // none due
		{sec(2), 0, 0, 0, 0},                  // no budget
		{sec(2), 2, 2, 1, sec(2)},             // the budget: 1s, 2s
		{sec(2), 5, 2, 2, sec(2)},             // the horizon: 2s, 2s
		{Never, 1, 1, 1, sec(3)},              // one
		{Never, math.MaxUint64, 2, 1, sec(5)}, // 4s, 5s: halted
		{Never, math.MaxUint64, 1, 1, sec(5)}, // the other 5s: halted
		{sec(6), math.MaxUint64, 1, 1, sec(6)},
		{Never, math.MaxUint64, 1, 1, sec(7)},
		{Never, math.MaxUint64, 0, 0, sec(7)}, // empty
	}
	for i, st := range steps {
		fired, atNow := s.Fire(st.horizon, st.n)
		if fired != st.fired || atNow != st.atNow || s.Now() != st.now {
			t.Fatalf("step %d: Fire(%v, %d) = %d, %d, now %v; want %d, %d, %v",
				i, st.horizon, st.n, fired, atNow, s.Now(), st.fired, st.atNow, st.now)
		}
	}
	want := []Time{sec(1), sec(2), sec(2), sec(2), sec(3), sec(4), sec(5), sec(5), sec(6), sec(7)}
	if !slices.Equal(got, want) || s.Fired() != uint64(len(want)) {
		t.Errorf("fired at %v (Fired %d), want %v", got, s.Fired(), want)
	}
}
