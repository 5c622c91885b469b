package models

import (
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// routed is a front end at 200 calls/s whose requests call "search" with
// probability p and then "db" (count 2) with probability q, in fanout
// order; with a client timeout and retries when retry is set.
func routed(p, q float64, fanout config.Fanout, calls int) config.Config {
	return config.Config{
		Duration: time.Duration(float64(calls) / 200 * float64(time.Second)),
		Interval: time.Second,
		Seed:     3,
		Services: []config.ServiceConfig{
			{Name: "front", Workers: 50, ServiceTime: sim.MustParseDist("exp(1ms)"), Fanout: fanout,
				Calls: []config.CallConfig{
					{Target: "search", Probability: &p},
					{Target: "db", Count: 2, Probability: &q},
				}},
			{Name: "search", Workers: 50, ServiceTime: sim.MustParseDist("exp(2ms)")},
			{Name: "db", Workers: 50, ServiceTime: sim.MustParseDist("exp(1ms)")},
		},
		Clients: []config.ClientConfig{{Name: "users", Target: "front", Rate: 200}},
	}
}

// TestEdgeProbability: a request takes an edge with its probability,
// independently of the other edges, with all of the edge's count calls:
// the calls on each edge are binomial(requests, p) (x count), within 4.5
// standard deviations, in sequential and parallel fanout; probability 0
// never calls and 1 always does.
func TestEdgeProbability(t *testing.T) {
	for _, fanout := range []config.Fanout{config.Sequential, config.Parallel} {
		for _, pq := range [][2]float64{{0.3, 0.8}, {0, 1}, {1, 0}, {0.5, 0.05}} {
			p, q := pq[0], pq[1]
			w, err := Build(routed(p, q, fanout, 40000))
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Run(); err != nil {
				t.Fatal(err)
			}
			sum := w.Results().Summary
			n := float64(sum.Services["front"].Served)
			check := func(edge string, prob float64, count int) {
				t.Helper()
				got := float64(sum.Edges[edge].Calls)
				if prob == 0 || prob == 1 {
					if got != prob*n*float64(count) {
						t.Errorf("%s p=%v q=%v: %s made %v calls, want %v", fanout, p, q, edge, got, prob*n*float64(count))
					}
					return
				}
				want, sd := n*prob, math.Sqrt(n*prob*(1-prob))
				if k := got / float64(count); math.Abs(k-want) > 4.5*sd {
					t.Errorf("%s p=%v q=%v: %s taken by %v of %v requests, want %.0f ± %.0f", fanout, p, q, edge, k, n, want, 4.5*sd)
				}
				if int(got)%count != 0 {
					t.Errorf("%s: %s made %v calls, not a multiple of its count %d", fanout, edge, got, count)
				}
			}
			check("front->search", p, 1)
			check("front->db", q, 2)
			if s := sum.Succeeded; float64(s) != float64(sum.Calls)-float64(sum.InFlight) {
				t.Errorf("%s p=%v q=%v: %d of %d calls succeeded (%d in flight)", fanout, p, q, s, sum.Calls, sum.InFlight)
			}
		}
	}
}

// TestEdgeProbabilityRetriesSamePath: the path is the request's: a retried
// request takes the edges its first attempt took. search always fails
// (error_rate 1) and the client makes 3 attempts, so every request taking
// the search edge sends it exactly 3 calls.
func TestEdgeProbabilityRetriesSamePath(t *testing.T) {
	cfg := routed(0.4, 0, config.Sequential, 20000)
	cfg.Services[1].ErrorRate = 1
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	sum := w.Results().Summary
	calls := sum.Edges["front->search"].Calls
	failed := sum.Failed["error"]
	if calls != 3*failed {
		t.Errorf("search got %d calls from %d failed requests, want 3 per request (the same path each attempt)", calls, failed)
	}
	if ok, n := float64(sum.Succeeded), float64(sum.Calls); math.Abs(ok/n-0.6) > 0.02 {
		t.Errorf("%v of %v requests succeeded, want the 60%% that skip search", ok, n)
	}
}

// BenchmarkEdgeProbability: the path draw adds no allocation per event.
func BenchmarkEdgeProbability(b *testing.B) {
	w, err := Build(routed(0.3, 0.8, config.Parallel, b.N))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := w.Run(); err != nil {
		b.Fatal(err)
	}
}
