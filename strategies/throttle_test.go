package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestAdaptiveThrottle(t *testing.T) {
	th, err := NewAdaptiveThrottle(AdaptiveThrottleConfig{K: 2, Window: 10 * time.Second, Buckets: 10, CountLocalRejects: true})
	if err != nil {
		t.Fatal(err)
	}
	r := sim.NewRand(1, "throttle")
	allowN := func(n int) func(sim.Time) any {
		return func(now sim.Time) any {
			allowed := 0
			for range n {
				if th.Allow(now, r) {
					allowed++
				}
			}
			return allowed
		}
	}
	accept := func(n int) func(sim.Time) any {
		return func(now sim.Time) any {
			for range n {
				th.OnAccept(now)
			}
			return th.RejectProbability(now)
		}
	}
	p := func(now sim.Time) any { return th.RejectProbability(now) }
	s := time.Second
	runSteps(t, []step{
		{0, "RejectProbability", p, 0.0},
		{0, "2×OnAccept", accept(2), 0.0},
		// P stays 0 while requests <= 2·accepts, so no draw is made.
		{0, "4×Allow", allowN(4), 4},
		{0, "RejectProbability (4−4)/5", p, 0.0},
		{ms(500), "OnAccept×0", accept(0), 0.0},
		{ms(500), "1×Allow", allowN(1), 1},
		{ms(500), "RejectProbability (5−4)/6", p, 1.0 / 6},
		{s, "OnAccept", accept(1), 0.0},
		// History slides out: at 10 s the bucket of [0, 1 s) has left.
		{ms(9999), "Requests", func(now sim.Time) any { return th.Requests(now) }, int64(5)},
		{10 * s, "Requests", func(now sim.Time) any { return th.Requests(now) }, int64(0)},
		{10 * s, "Accepts", func(now sim.Time) any { return th.Accepts(now) }, int64(1)},
		{10 * s, "RejectProbability", p, 0.0},
		{11 * s, "Accepts", func(now sim.Time) any { return th.Accepts(now) }, int64(0)},
	})

	// A backend accepting nothing: P tends to requests/(requests+1), and
	// because local rejections count, it stays there.
	now := sim.Time(20 * time.Second)
	allowed := 0
	for range 1000 {
		if th.Allow(now, r) {
			allowed++
		}
	}
	if allowed > 20 {
		t.Errorf("a dead backend was sent %d of 1000 requests, want almost none", allowed)
	}
	if got := th.RejectProbability(now); got < 0.99 {
		t.Errorf("RejectProbability against a dead backend = %v", got)
	}
}

// TestAdaptiveThrottleSteadyState checks the book's intuition against a
// backend that can accept C requests/s and rejects the rest: counting local
// rejections, requests ≈ offered and the client settles at sending about
// K·C; not counting them, requests = sent and sent² ≈ K·C·offered.
func TestAdaptiveThrottleSteadyState(t *testing.T) {
	cases := []struct {
		count bool
		want  float64 // sent per second
	}{
		{true, 200},  // K·C
		{false, 447}, // sqrt(K·C·offered)
	}
	for _, c := range cases {
		th, _ := NewAdaptiveThrottle(AdaptiveThrottleConfig{K: 2, Window: 2 * time.Minute, Buckets: 120, CountLocalRejects: c.count})
		backend, _ := NewTokenBucket(TokenBucketConfig{RatePerSec: 100, Burst: 20})
		r := sim.NewRand(3, "steady")
		sent := 0
		for i := range 400000 { // 1000/s offered for 400 s; count the last 200 s
			now := sim.Time(i) * sim.Time(time.Millisecond)
			if th.Allow(now, r) {
				if i >= 200000 {
					sent++
				}
				if backend.Allow(now) {
					th.OnAccept(now)
				}
			}
		}
		got := float64(sent) / 200
		if got < c.want*0.9 || got > c.want*1.1 {
			t.Errorf("CountLocalRejects %v: sent %.0f/s, want about %.0f/s", c.count, got, c.want)
		}
	}
}

func TestAdaptiveThrottleConfigErrors(t *testing.T) {
	_, err := NewAdaptiveThrottle(AdaptiveThrottleConfig{K: 0.5, Window: time.Minute, Buckets: 60})
	mustErr(t, err, "K")
	_, err = NewAdaptiveThrottle(AdaptiveThrottleConfig{K: 2, Window: 0, Buckets: 60})
	mustErr(t, err, "Window")
	_, err = NewAdaptiveThrottle(AdaptiveThrottleConfig{K: 2, Window: time.Minute, Buckets: 7})
	mustErr(t, err, "Buckets")
	if _, err := NewAdaptiveThrottle(DefaultAdaptiveThrottleConfig()); err != nil {
		t.Error(err)
	}
}

func ExampleAdaptiveThrottle() {
	th, _ := NewAdaptiveThrottle(DefaultAdaptiveThrottleConfig()) // K = 2 over 2 minutes
	backend, _ := NewTokenBucket(TokenBucketConfig{RatePerSec: 50, Burst: 20})
	r := sim.NewRand(1, "example")
	sent := 0
	for i := range 300 * 500 { // 500 calls/s for 5 minutes; the backend takes 50/s
		now := sim.Time(i) * sim.Time(2*time.Millisecond)
		if th.Allow(now, r) {
			if i >= 299*500 {
				sent++ // sent in the last second
			}
			if backend.Allow(now) {
				th.OnAccept(now)
			}
		}
	}
	end := sim.Time(300 * time.Second)
	// The client settles at sending about K·50 = 100 calls/s.
	fmt.Printf("sent in the last second: %d, P(reject) %.2f\n", sent, th.RejectProbability(end))
	// Output: sent in the last second: 96, P(reject) 0.80
}
