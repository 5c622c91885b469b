package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// Benchmarks of the engine, reported with b.ReportMetric so that
// docs/PERFORMANCE.md can set them beside ../shared/bench (SimPy 3 and the
// bare Go event loop). Run: go test -run '^$' -bench . ./sim/

// ---------------------------------------------------------------------------
// Hold model: a pending set of fixed size; each event, when fired, schedules
// one more at now + Exp(1s). It isolates the event queue at sizes a small
// model never reaches.

type holdModel struct {
	s      *Sim
	r      *rand.Rand
	onFire Handler // bound once
}

func (m *holdModel) fire(arg any) {
	m.s.Schedule(time.Duration(m.r.ExpFloat64()*float64(time.Second)), m.onFire, arg)
}

func newHoldModel(pending int) *holdModel {
	m := &holdModel{s: New(1)}
	m.r = m.s.Rand("hold")
	m.onFire = m.fire
	for range pending {
		m.fire(nil)
	}
	return m
}

// holdSizes are the pending-set sizes of BenchmarkHold, as in
// ../shared/bench/baseline.
var holdSizes = []int{16, 1 << 10, 1 << 16, 1 << 20}

func BenchmarkHold(b *testing.B) {
	for _, n := range holdSizes {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			m := newHoldModel(n)
			runtime.GC() // no collection of the setup's garbage inside the loop
			b.ReportAllocs()
			for b.Loop() {
				m.s.Step()
			}
			if m.s.Pending() != n {
				b.Fatalf("pending %d, want %d", m.s.Pending(), n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
		})
	}
}

// BenchmarkHoldTimeout is the hold model with a timeout per event, the
// pattern of a client that times out requests: each fired event schedules
// its successor and a timeout 5s out, and stops the timeout set by the
// previous event. One pop, two pushes and one Stop per event; stopped
// entries pile up until compaction removes them.
//
// With on=line the timeouts are scheduled on a Line (ScheduleOn), as the
// models schedule their attempts' timeouts: only the earliest is in the
// heap.
func BenchmarkHoldTimeout(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 16} {
		for _, on := range []string{"heap", "line"} {
			b.Run(fmt.Sprintf("pending=%d/on=%s", n, on), func(b *testing.B) {
				benchHoldTimeout(b, n, on == "line")
			})
		}
	}
}

func benchHoldTimeout(b *testing.B, n int, onLine bool) {
	m := newHoldModel(n)
	var last Timer
	var l Line // the zero Line: ScheduleOn is Schedule
	if onLine {
		l = m.s.NewLine()
	}
	noop := func(any) { panic("timeout fired") }
	m.onFire = func(arg any) {
		m.fire(arg)
		last.Stop()
		last = m.s.ScheduleOn(l, 5*time.Second, noop, nil)
	}
	b.ReportAllocs()
	for b.Loop() {
		m.s.Step()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
}

// ---------------------------------------------------------------------------
// M/M/1 written directly on the engine API: open-loop Poisson arrivals at
// rate lam, exponential service at rate mu, one server, a ring-buffer FIFO,
// exactly n customers. The same model as ../shared/bench/baseline
// (simHeap4), so ns/customer compares the engine with the bare loop.

type mm1 struct {
	s        *Sim
	arr, svc *rand.Rand
	arrMean  float64 // ns
	svcMean  float64 // ns
	n        int
	arrived  int
	busy     bool
	q        timeRing // arrival instants of waiting customers
	served   int
	waitSum  time.Duration
	onArrive Handler // bound once
	onDepart Handler // bound once
}

func newMM1(seed uint64, n int, lam, mu float64) *mm1 {
	m := &mm1{s: New(seed), n: n, arrMean: 1e9 / lam, svcMean: 1e9 / mu}
	m.arr = m.s.Rand("arrivals")
	m.svc = m.s.Rand("service")
	m.onArrive = m.arrive
	m.onDepart = m.depart
	m.s.Schedule(m.nextArrival(), m.onArrive, nil)
	return m
}

func (m *mm1) nextArrival() time.Duration { return time.Duration(m.arr.ExpFloat64() * m.arrMean) }
func (m *mm1) service() time.Duration     { return time.Duration(m.svc.ExpFloat64() * m.svcMean) }

func (m *mm1) arrive(any) {
	m.arrived++
	if m.arrived < m.n {
		m.s.Schedule(m.nextArrival(), m.onArrive, nil)
	}
	if !m.busy {
		m.busy = true
		m.served++
		m.s.Schedule(m.service(), m.onDepart, nil)
		return
	}
	m.q.push(m.s.Now())
}

func (m *mm1) depart(any) {
	if m.q.n == 0 {
		m.busy = false
		return
	}
	m.waitSum += m.s.Now().Sub(m.q.pop())
	m.served++
	m.s.Schedule(m.service(), m.onDepart, nil)
}

func (m *mm1) run() {
	for m.s.Step() {
	}
}

// timeRing is a growable power-of-two ring buffer of instants.
type timeRing struct {
	buf  []Time
	head int
	n    int
}

func (r *timeRing) push(t Time) {
	if r.n == len(r.buf) {
		nb := make([]Time, max(16, 2*len(r.buf)))
		for i := range r.n {
			nb[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = t
	r.n++
}

func (r *timeRing) pop() Time {
	t := r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return t
}

// mm1Customers is the number of customers per benchmark op, as in
// ../shared/bench/baseline's BenchmarkMM1.
const mm1Customers = 100_000

func BenchmarkMM1(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		m := newMM1(1, mm1Customers, 0.8, 1)
		m.run()
		events += m.s.Fired()
	}
	ns := float64(b.Elapsed().Nanoseconds())
	customers := float64(b.N) * mm1Customers
	b.ReportMetric(ns/customers, "ns/customer")
	b.ReportMetric(customers/(ns/1e9), "customers/s")
	b.ReportMetric(ns/float64(events), "ns/event")
}

// TestMM1BenchModel checks that the benchmarked model is the M/M/1 queue:
// every customer served, two events per customer, and the mean wait in
// queue close to rho/(mu-lam) = 4s for lam=0.8, mu=1. At this seed and
// length the batch-means standard error is about 2.5%.
func TestMM1BenchModel(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 50_000
	}
	m := newMM1(3, n, 0.8, 1)
	m.run()
	if m.served != n || m.s.Fired() != uint64(2*n) {
		t.Fatalf("served %d, fired %d; want %d, %d", m.served, m.s.Fired(), n, 2*n)
	}
	wq := m.waitSum.Seconds() / float64(n)
	const theory = 0.8 / (1 - 0.8)
	tol := 0.10
	if testing.Short() {
		tol = 0.25
	}
	if math.Abs(wq-theory)/theory > tol {
		t.Fatalf("mean wait in queue %.3fs, theory %.3fs", wq, theory)
	}
}

// BenchmarkMM1RunUntil is BenchmarkMM1 driven by RunUntil, as models are,
// instead of a Step loop.
func BenchmarkMM1RunUntil(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := newMM1(1, mm1Customers, 0.8, 1)
		m.s.RunUntil(Never)
	}
	ns := float64(b.Elapsed().Nanoseconds())
	customers := float64(b.N) * mm1Customers
	b.ReportMetric(ns/customers, "ns/customer")
	b.ReportMetric(customers/(ns/1e9), "customers/s")
}

// BenchmarkMM1Fire is BenchmarkMM1 driven by Fire, as World.Advance
// drives models, instead of a Step loop.
func BenchmarkMM1Fire(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := newMM1(1, mm1Customers, 0.8, 1)
		m.s.Fire(Never, math.MaxUint64)
		if m.served != mm1Customers {
			b.Fatalf("served %d of %d", m.served, mm1Customers)
		}
	}
	ns := float64(b.Elapsed().Nanoseconds())
	customers := float64(b.N) * mm1Customers
	b.ReportMetric(ns/customers, "ns/customer")
	b.ReportMetric(customers/(ns/1e9), "customers/s")
}
