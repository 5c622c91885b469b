package strategies

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// gcraContinuous is GCRA(T, τ) in I.371's other equivalent form, the
// continuous-state leaky bucket: a bucket of content X draining at one
// unit per unit of time, of limit T + τ; a conforming cell adds T. The
// meter (virtual scheduling) must decide every cell as this does.
type gcraContinuous struct {
	t, tau time.Duration
	x      time.Duration // bucket content after the last conforming cell
	lct    sim.Time      // last conformance time
}

func (g *gcraContinuous) conform(ta sim.Time) bool {
	x := g.x - ta.Sub(g.lct)
	if x < 0 {
		x = 0
	}
	if x > g.tau {
		return false
	}
	g.x, g.lct = x+g.t, ta
	return true
}

func TestLeakyMeterIsGCRA(t *testing.T) {
	const T, tau = 10 * time.Millisecond, 25 * time.Millisecond
	b, err := NewLeakyBucket(LeakyBucketConfig{Mode: LeakyMeter, Interval: T, Tolerance: tau})
	if err != nil {
		t.Fatal(err)
	}
	// from idle, a back-to-back burst of 1 + floor(τ/T) = 3 conforms
	for i, want := range []bool{true, true, true, false, false} {
		if got := b.Conform(0); got != want {
			t.Fatalf("burst cell %d: Conform = %v, want %v", i, got, want)
		}
	}
	// TAT is 3T: a cell conforms again at TAT - τ = 5ms, then one per T
	runSteps(t, []step{
		{ms(4), "early by more than τ", func(now sim.Time) any { return b.Conform(now) }, false},
		{ms(5), "TAT - τ", func(now sim.Time) any { return b.Conform(now) }, true},
		{ms(14), "1ms early for the next", func(now sim.Time) any { return b.Conform(now) }, false},
		{ms(15), "next", func(now sim.Time) any { return b.Conform(now) }, true},
	})

	// against the continuous-state form, on random arrivals
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		T := time.Duration(1+r.IntN(20)) * time.Millisecond
		tau := time.Duration(r.IntN(60)) * time.Millisecond
		m, err := NewLeakyBucket(LeakyBucketConfig{Mode: LeakyMeter, Interval: T, Tolerance: tau})
		if err != nil {
			t.Fatal(err)
		}
		ref := &gcraContinuous{t: T, tau: tau}
		var now sim.Time
		for i := range 2000 {
			now = now.Add(time.Duration(r.Int64N(int64(2 * T))))
			if got, want := m.Conform(now), ref.conform(now); got != want {
				t.Fatalf("trial %d (T %v, τ %v) cell %d at %v: meter %v, continuous-state %v", trial, T, tau, i, now, got, want)
			}
		}
	}
}

func TestLeakyQueueSpacing(t *testing.T) {
	const T = 10 * time.Millisecond
	b, err := NewLeakyBucket(LeakyBucketConfig{Mode: LeakyQueue, Interval: T, Capacity: 3})
	if err != nil {
		t.Fatal(err)
	}
	// a burst of 6 at 0: the first leaves at once, three wait (T, 2T,
	// 3T), the bucket is then full
	wantWait := []time.Duration{0, T, 2 * T, 3 * T}
	for i := range 6 {
		w, ok := b.Enter(0)
		if i < len(wantWait) {
			if !ok || w != wantWait[i] {
				t.Fatalf("burst request %d: Enter = %v, %v; want %v, true", i, w, ok, wantWait[i])
			}
		} else if ok {
			t.Fatalf("burst request %d: admitted into a full bucket (waiting %d)", i, b.Waiting(0))
		}
	}
	if n := b.Waiting(0); n != 3 {
		t.Fatalf("Waiting(0) = %d, want 3", n)
	}
	// one leaves at T: room for one more, which leaves at 4T
	if w, ok := b.Enter(sim.Time(T)); !ok || w != 3*T {
		t.Fatalf("Enter(T) = %v, %v; want 3T, true", w, ok)
	}

	// random arrivals: departures are max(arrival, previous departure +
	// T), so at least T apart; a request is refused only when Capacity
	// are waiting
	r := rand.New(rand.NewPCG(3, 4))
	q, _ := NewLeakyBucket(LeakyBucketConfig{Mode: LeakyQueue, Interval: T, Capacity: 5})
	var now sim.Time
	var deps []sim.Time
	for i := range 5000 {
		now = now.Add(time.Duration(r.Int64N(int64(2 * T))))
		waiting := 0
		for _, d := range deps {
			if d > now {
				waiting++
			}
		}
		if q.Waiting(now) != waiting {
			t.Fatalf("request %d at %v: Waiting = %d, want %d", i, now, q.Waiting(now), waiting)
		}
		w, ok := q.Enter(now)
		if ok != (waiting < 5) {
			t.Fatalf("request %d at %v: admitted %v with %d waiting", i, now, ok, waiting)
		}
		if !ok {
			continue
		}
		dep := now.Add(w)
		if n := len(deps); n > 0 {
			if want := max(now, deps[n-1].Add(T)); dep != want {
				t.Fatalf("request %d: leaves at %v, want %v", i, dep, want)
			}
		} else if dep != now {
			t.Fatalf("first request waits %v", w)
		}
		deps = append(deps, dep)
	}
}

func TestLeakyBucketSpec(t *testing.T) {
	s := &LeakyBucketSpec{Mode: "queue", Rate: 2.5}
	s.ApplyDefaults()
	cfg, err := s.Config()
	if err != nil || cfg.Interval != 400*time.Millisecond || cfg.Capacity != 3 || cfg.Mode != LeakyQueue {
		t.Fatalf("queue rate 2.5: %+v, %v; want T 400ms, capacity 3", cfg, err)
	}
	for _, c := range []struct {
		spec LeakyBucketSpec
		path string
	}{
		{LeakyBucketSpec{Mode: "bucket", Rate: 1}, "mode"},
		{LeakyBucketSpec{Mode: "meter"}, "rate"},
		{LeakyBucketSpec{Mode: "meter", Rate: 1, Tolerance: -1}, "tolerance"},
		{LeakyBucketSpec{Mode: "meter", Rate: 1, Capacity: 3}, "capacity"},
		{LeakyBucketSpec{Mode: "queue", Rate: 1, Tolerance: 1}, "tolerance"},
		{LeakyBucketSpec{Mode: "queue", Rate: 1, Capacity: -1}, "capacity"},
	} {
		var fe *FieldError
		if err := c.spec.Validate(); !errors.As(err, &fe) || fe.Path != c.path {
			t.Errorf("%+v: Validate = %v, want a FieldError at %q", c.spec, err, c.path)
		}
	}
}
