package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// The lifecycle, fault by fault, on tiny worlds with constant times whose
// outcome can be worked out by hand (the comments do it).

func run(t *testing.T, cfg config.Config) (*World, *results.Results) {
	t.Helper()
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	return w, w.Results()
}

func d(s string) sim.Dist { return sim.MustParseDist(s) }

// oneService is a constant-rate client (arrivals at 1/rate, 2/rate, ...)
// on one service with constant service time st.
func oneService(rate float64, st string, dur time.Duration) config.Config {
	return config.Config{
		Duration: dur,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d(st)}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: rate, Arrival: config.Constant}},
	}
}

func wantEq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantNear(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v ± %v", what, got, want, tol)
	}
}

func TestTimeoutAbandonsAndWastesWork(t *testing.T) {
	// Calls at 1s..10s, service 300ms, timeout 200ms: every attempt times
	// out at +200ms, the server finishes at +300ms, the late answer is not
	// a success, and its 300ms are wasted: 10 x 0.3s = 3s.
	cfg := oneService(1, "300ms", 10500*time.Millisecond)
	cfg.Clients[0].Timeout = 200 * time.Millisecond
	_, r := run(t, cfg)
	s := r.Summary
	wantEq(t, "calls", s.Calls, results.Count(10))
	wantEq(t, "succeeded", s.Succeeded, results.Count(0))
	wantEq(t, "failed[timeout]", s.Failed["timeout"], results.Count(10))
	wantEq(t, "served", s.Services["api"].Served, results.Count(10))
	wantNear(t, "wasted_work", s.Services["api"].WastedWork, 3.0, 1e-9)
	wantNear(t, "throughput", s.Throughput, 10/10.5, 1e-9)
	wantEq(t, "goodput", s.Goodput, 0.0)
	// Timeouts are counted in the interval they fire in: at 1.2s, 2.2s...
	f := r.Series.Clients[0].Failed["timeout"]
	wantEq(t, "timeouts in [0,1)", f[0], 0.0)
	wantEq(t, "timeouts in [1,2)", f[1], 1.0)
}

func TestDeadlineBoundsTheCall(t *testing.T) {
	cfg := oneService(1, "300ms", 10500*time.Millisecond)
	cfg.Clients[0].Deadline = 150 * time.Millisecond
	cfg.Clients[0].Timeout = time.Second // the deadline comes first
	_, r := run(t, cfg)
	wantEq(t, "failed[deadline_exceeded]", r.Summary.Failed["deadline_exceeded"], results.Count(10))
	wantNear(t, "wasted_work", r.Summary.Services["api"].WastedWork, 3.0, 1e-9)
}

// A call whose first attempt times out before its deadline has its
// deadline set only at its first retry (lazyDue): the deadline still ends
// the call during a later attempt, and does nothing when the attempts run
// out first.
func TestDeadlineSetAtTheFirstRetry(t *testing.T) {
	// Calls at 1s, 2s, ... on one worker: the attempts go at 1.0, 1.2 and
	// 1.4 (each times out after 200ms, no backoff) and are served from
	// 1.0, 1.3 and 1.6.
	cfg := oneService(1, "300ms", 10900*time.Millisecond)
	cfg.Clients[0].Timeout = 200 * time.Millisecond
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	for _, c := range []struct {
		deadline time.Duration
		reason   string
		attempts int
	}{
		{350 * time.Millisecond, "deadline_exceeded", 20}, // during the second attempt
		{500 * time.Millisecond, "deadline_exceeded", 30}, // during the third
		{700 * time.Millisecond, "timeout", 30},           // after the third's timeout
	} {
		cfg.Clients[0].Deadline = c.deadline
		_, r := run(t, cfg)
		name := fmt.Sprintf("deadline %v: ", c.deadline)
		wantEq(t, name+"failed["+c.reason+"]", r.Summary.Failed[c.reason], results.Count(10))
		wantEq(t, name+"attempts", r.Summary.Clients["c"].Attempts, results.Count(c.attempts))
	}
}

func TestQueueLimitCountsWaitingOnly(t *testing.T) {
	// One worker, no waiting room, service 1.5s, calls every second: the
	// calls at 1, 3, 5, 7, 9 are served, those at 2, 4, 6, 8, 10 find the
	// worker busy and the queue full.
	cfg := oneService(1, "1500ms", 11*time.Second)
	cfg.Services[0].Queue.Limit = config.Limit(0)
	_, r := run(t, cfg)
	wantEq(t, "succeeded", r.Summary.Succeeded, results.Count(5))
	wantEq(t, "failed[queue_full]", r.Summary.Failed["queue_full"], results.Count(5))
	wantEq(t, "rejected", r.Summary.Services["api"].Rejected, results.Count(5))
	// With one waiting place: A(1s) runs to 2.5, B(2) waits and runs to
	// 4, C(3) to 5.5, D(4) waits, E(5) is rejected, D runs to 7, F(6) to
	// 8.5, G(7) waits, H(8) is rejected, G runs to 10, I(9) and J(10) are
	// still inside at 11s.
	cfg.Services[0].Queue.Limit = config.Limit(1)
	_, r = run(t, cfg)
	wantEq(t, "succeeded with limit 1", r.Summary.Succeeded, results.Count(6))
	wantEq(t, "failed[queue_full] with limit 1", r.Summary.Failed["queue_full"], results.Count(2))
	wantEq(t, "in flight at the end", r.Summary.InFlight, results.Count(2))
	wantEq(t, "queue max", r.Summary.Services["api"].QueueLength.Max, 1.0)
}

// startOrder returns the call index (by launch order) of each request as
// it starts service.
func startOrder(t *testing.T, cfg config.Config) []int {
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idx := map[uint64]int{}
	var order []int
	hooksOf(w).onLaunch = func(e *edge, c *call) { idx[c.seed] = len(idx) }
	hooksOf(w).onStart = func(s *service, a *attempt, _ time.Duration) { order = append(order, idx[a.callSeed]) }
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	return order
}

func TestQueueOrder(t *testing.T) {
	// A burst of 4 at 1s on one worker: the first starts at once, the
	// others wait; FIFO serves them in arrival order, LIFO newest first.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("1s")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Burst: config.BurstConfig{Size: 4, Every: time.Minute, Start: time.Second}}},
	}
	wantEq(t, "fifo", fmt.Sprint(startOrder(t, cfg)), "[0 1 2 3]")
	cfg.Services[0].Queue.Order = config.LIFO
	wantEq(t, "lifo", fmt.Sprint(startOrder(t, cfg)), "[0 3 2 1]")
}

func TestBalancers(t *testing.T) {
	for _, tc := range []struct {
		b       config.Balancer
		check   func(counts [4]int) bool
		waiting bool // whether requests may wait while a replica idles
	}{
		{config.RoundRobin, func(c [4]int) bool { return c == [4]int{100, 100, 100, 100} }, false},
		{config.Random, func(c [4]int) bool { return c[0] > 70 && c[1] > 70 && c[2] > 70 && c[3] > 70 }, true},
		{config.LeastOutstanding, func(c [4]int) bool { return c == [4]int{100, 100, 100, 100} }, false},
		{config.PowerOfTwo, func(c [4]int) bool { return c[0] > 70 && c[1] > 70 && c[2] > 70 && c[3] > 70 }, true},
	} {
		t.Run(string(tc.b), func(t *testing.T) {
			// Bursts of 4 every second on 4 single-worker replicas with
			// service 500ms.
			cfg := config.Config{
				Duration: 100*time.Second + 500*time.Millisecond,
				Seed:     3,
				Services: []config.ServiceConfig{{Name: "api", Replicas: 4, Balancer: tc.b, ServiceTime: d("500ms")}},
				Clients:  []config.ClientConfig{{Name: "c", Target: "api", Burst: config.BurstConfig{Size: 4, Every: time.Second}}},
			}
			w, err := Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var counts [4]int
			s := w.services[0]
			hooksOf(w).onStart = func(_ *service, a *attempt, _ time.Duration) {
				for i, r := range s.reps {
					if r == a.rep {
						counts[i]++
					}
				}
			}
			if err := w.Run(); err != nil {
				t.Fatal(err)
			}
			if !tc.check(counts) {
				t.Errorf("requests per replica %v", counts)
			}
			waited := w.Results().Summary.Services["api"].Wait.Mean > 0
			if waited && !tc.waiting {
				t.Errorf("requests waited although a replica was idle")
			}
		})
	}
}

func TestPauseFreezesWork(t *testing.T) {
	// One call at 1s with 1s of work; a pause over [1.5s, 3.5s) freezes it
	// after 0.5s of work, so it ends at 4s: latency 3s. A call arriving
	// during the pause waits (the worker is frozen) and is served after.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("1s")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Burst: config.BurstConfig{Size: 1, Every: time.Minute, Start: time.Second}}},
		Faults:   []config.FaultConfig{{Kind: config.FaultPause, Target: "api", At: 1500 * time.Millisecond, For: 2 * time.Second}},
	}
	_, r := run(t, cfg)
	wantNear(t, "latency", r.Summary.Latency.Max, 3, 1e-9)
	wantNear(t, "utilisation", r.Summary.Services["api"].Utilization, 0.3, 1e-9) // busy 1s..4s
}

func TestSlowdownMultipliesServiceTime(t *testing.T) {
	cfg := oneService(1, "100ms", 10*time.Second)
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 0, For: 5 * time.Second, Factor: 3}}
	_, r := run(t, cfg)
	p := r.Series.Clients[0].P50
	wantNear(t, "latency during the slowdown", p[2], 0.3, 0.003)
	wantNear(t, "latency after it", p[7], 0.1, 0.001)
	if len(r.Faults) != 1 || r.Faults[0].EndS != 5 {
		t.Errorf("fault windows %+v", r.Faults)
	}
}

func TestOutageModes(t *testing.T) {
	// fail_fast: calls during the outage fail at once with outage.
	cfg := oneService(1, "100ms", 10500*time.Millisecond)
	cfg.Clients[0].Timeout = 500 * time.Millisecond
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: 2500 * time.Millisecond, For: 3 * time.Second}}
	_, r := run(t, cfg)
	wantEq(t, "fail_fast: failed[outage]", r.Summary.Failed["outage"], results.Count(3)) // calls at 3, 4, 5
	wantEq(t, "fail_fast: succeeded", r.Summary.Succeeded, results.Count(7))
	// black_hole: no answer; the client learns by its timeout.
	cfg.Faults[0].Mode = config.BlackHole
	_, r = run(t, cfg)
	wantEq(t, "black_hole: failed[timeout]", r.Summary.Failed["timeout"], results.Count(3))
	wantEq(t, "black_hole: failed[outage]", r.Summary.Failed["outage"], results.Count(0))
}

func TestCapacityLoss(t *testing.T) {
	// Two replicas round robin, 2 workers each; losing one replica over
	// [2s, 6s) sends everything to replica 0; losing workers halves
	// capacity.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Replicas: 2, Workers: 2, ServiceTime: d("10ms")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "api", Rate: 100, Arrival: config.Constant}},
		Faults:   []config.FaultConfig{{Kind: config.FaultCapacityLoss, Target: "api", At: 2 * time.Second, For: 4 * time.Second, Replicas: 1}},
	}
	_, r := run(t, cfg)
	c := r.Series.Services[0].Capacity
	wantEq(t, "capacity before", c[1], 4.0)
	wantEq(t, "capacity during", c[3], 2.0)
	wantEq(t, "capacity after", c[7], 4.0)
	wantEq(t, "no failures", len(r.Summary.Failed), 0)
	cfg.Faults[0] = config.FaultConfig{Kind: config.FaultCapacityLoss, Target: "api", At: 2 * time.Second, For: 4 * time.Second, Workers: 1}
	_, r = run(t, cfg)
	wantEq(t, "capacity with a worker per replica lost", r.Series.Services[0].Capacity[3], 2.0)
}

func TestErrorRate(t *testing.T) {
	cfg := oneService(10, "1ms", 10*time.Second)
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultErrorRate, Target: "api", At: 5 * time.Second, For: 5 * time.Second, Probability: 1}}
	_, r := run(t, cfg)
	wantEq(t, "failed[error]", r.Summary.Failed["error"], results.Count(50))
	wantEq(t, "served (errors are served)", r.Summary.Services["api"].Served, results.Count(99))
	cfg.Faults = nil
	cfg.Services[0].ErrorRate = 0.5
	cfg.Duration = 1000 * time.Second
	_, r = run(t, cfg)
	wantNear(t, "base error share", float64(r.Summary.Failed["error"])/float64(r.Summary.Calls), 0.5, 0.02)
}

func TestNetwork(t *testing.T) {
	cfg := oneService(1, "100ms", 10500*time.Millisecond)
	cfg.Clients[0].Link = config.LinkConfig{Latency: d("10ms")}
	cfg.Clients[0].Timeout = time.Second
	cfg.Faults = []config.FaultConfig{
		{Kind: config.FaultNetwork, Target: "c", At: 0, For: 5500 * time.Millisecond, Latency: d("50ms")},
		{Kind: config.FaultNetwork, Target: "api", At: 7500 * time.Millisecond, For: 10 * time.Second, Loss: 1},
	}
	_, r := run(t, cfg)
	p := r.Series.Clients[0].P50
	wantNear(t, "latency with +50ms each way", p[3], 0.22, 1e-3)
	wantNear(t, "latency after", p[6], 0.12, 1e-3)
	// Calls at 8 and 9 time out; the call at 10 would time out at 11s,
	// after the end.
	wantEq(t, "lost messages time out", r.Summary.Failed["timeout"], results.Count(2))
}

func TestRateScheduleStepsRampsSpikes(t *testing.T) {
	// Constant arrivals follow the integrated rate exactly: 10/s, a spike
	// x2 + 5/s over [2s, 4s), a step to 20/s at 5s, a ramp from 20/s to
	// 0/s over [6s, 8s], then nothing; plus bursts of 7 at 9s.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 100, ServiceTime: d("1ms")}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Arrival: config.Constant, Rate: 10,
			Schedule: []config.RatePoint{{At: 5 * time.Second, Rate: 20}, {At: 6 * time.Second, Rate: 20}, {At: 8 * time.Second, Rate: 0, Ramp: true}},
			Burst:    config.BurstConfig{Size: 7, Every: time.Minute, Start: 9 * time.Second}}},
		Faults: []config.FaultConfig{{Kind: config.FaultLoadSpike, Target: "c", At: 2 * time.Second, For: 2 * time.Second, Factor: 2, Extra: 5}},
	}
	_, r := run(t, cfg)
	want := []float64{10, 10, 25, 25, 10, 20, 15, 5, 0, 7}
	got := r.Series.Clients[0].Offered
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1 {
			t.Errorf("offered in [%ds, %ds) = %v, want %v ± 1", i, i+1, got[i], want[i])
		}
	}
}

func TestPoissonScheduleMatchesIntegral(t *testing.T) {
	// A non-homogeneous Poisson process: a ramp from 0 to 2000/s over
	// 10s offers 10000 calls in expectation (sd 100).
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 100, ServiceTime: d("1ms")}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 0,
			Schedule: []config.RatePoint{{At: 10 * time.Second, Rate: 2000, Ramp: true}}}},
	}
	_, r := run(t, cfg)
	wantNear(t, "calls", float64(r.Summary.Calls), 10000, 400)
	o := r.Series.Clients[0].Offered
	wantNear(t, "offered in [0s, 1s)", o[0], 100, 40)
	wantNear(t, "offered in [9s, 10s)", o[9], 1900, 180)
}

func TestClosedLoop(t *testing.T) {
	// One user, think 1s, service 500ms: a call every 1.5s, the first at 1s.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("500ms")}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "api", Model: config.Closed, Users: 1, Think: d("1s")}},
	}
	_, r := run(t, cfg)
	wantEq(t, "calls", r.Summary.Calls, results.Count(6)) // at 1, 2.5, 4, 5.5, 7, 8.5
	wantEq(t, "succeeded", r.Summary.Succeeded, results.Count(6))
}

func TestPartlyOpen(t *testing.T) {
	// A session per second (constant), 3 calls each, think 100ms, service
	// 10ms: 3 calls per session.
	cfg := config.Config{
		Duration: 100 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: d("10ms")}},
		Clients: []config.ClientConfig{{Name: "s", Target: "api", Model: config.PartlyOpen, Arrival: config.Constant, Rate: 1,
			CallsPerSession: 3, Think: d("100ms")}},
	}
	w, r := run(t, cfg)
	wantEq(t, "calls", r.Summary.Calls, results.Count(3*99))
	wantEq(t, "sessions left alive", len(w.clients[0].sessions), 0)
}

func TestClientRestartSynchronises(t *testing.T) {
	// 50 users with a long think: at the restart every one issues at once.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 50, ServiceTime: d("10ms")}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "api", Model: config.Closed, Users: 50, Think: d("1h")}},
		Faults:   []config.FaultConfig{{Kind: config.FaultClientRestart, Target: "*", At: 5 * time.Second}},
	}
	_, r := run(t, cfg)
	wantEq(t, "calls", r.Summary.Calls, results.Count(50))
	wantEq(t, "offered in [5s, 6s)", r.Series.Clients[0].Offered[5], 50.0)
}

func TestDownstreamFanout(t *testing.T) {
	// api (10ms) calls db twice (100ms each, 2 workers): sequential adds
	// 200ms, parallel 100ms. A failing db fails api's request with error.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{
			{Name: "api", Workers: 4, ServiceTime: d("10ms"), Calls: []config.CallConfig{{Target: "db", Count: 2}}},
			{Name: "db", Workers: 2, ServiceTime: d("100ms")},
		},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 1, Arrival: config.Constant}},
	}
	_, r := run(t, cfg)
	wantNear(t, "sequential latency", r.Summary.Latency.Mean, 0.21, 1e-3)
	wantEq(t, "edge calls", r.Summary.Edges["api->db"].Calls, results.Count(18))
	wantNear(t, "api sojourn includes downstream", r.Summary.Services["api"].Sojourn.Mean, 0.21, 1e-3)
	cfg.Services[0].Fanout = config.Parallel
	_, r = run(t, cfg)
	wantNear(t, "parallel latency", r.Summary.Latency.Mean, 0.11, 1e-3)
	cfg.Services[1].ErrorRate = 1
	_, r = run(t, cfg)
	wantEq(t, "failed[error]", r.Summary.Failed["error"], results.Count(9))
	wantEq(t, "edge failures", r.Summary.Edges["api->db"].Failed["error"], results.Count(18))
}

func TestCache(t *testing.T) {
	// One key, no TTL: the first call misses, every other one hits.
	cfg := config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "db", ServiceTime: d("50ms")}},
		Caches:   []config.CacheConfig{{Name: "cache", Backend: "db", Keys: 1, HitLatency: d("1ms")}},
		Clients:  []config.ClientConfig{{Name: "c", Target: "cache", Rate: 10, Arrival: config.Constant}},
		Faults:   []config.FaultConfig{{Kind: config.FaultCacheFlush, Target: "cache", At: 5050 * time.Millisecond}},
	}
	_, r := run(t, cfg)
	c := r.Summary.Caches["cache"]
	wantEq(t, "misses (first call, and after the flush)", c.Misses, results.Count(2))
	wantEq(t, "hits", c.Hits, results.Count(97))
	wantEq(t, "db served", r.Summary.Services["db"].Served, results.Count(2))
	wantNear(t, "hit latency", r.Summary.Latency.P50, 0.001, 1e-5)
	// A TTL of 1s: the call at 0.1s misses and fills the key at 0.151s;
	// it expires at 1.151s, so the call at 1.2s misses, and so on: misses
	// at 0.1, 1.2, 2.3, ..., 8.9.
	cfg.Caches[0].TTL = time.Second
	cfg.Faults = nil
	_, r = run(t, cfg)
	wantEq(t, "misses with ttl", r.Summary.Caches["cache"].Misses, results.Count(9))
	// LRU: 100 keys, room for 10, Zipf 1.2: hot keys stay, the size never
	// passes the capacity.
	cfg.Caches[0] = config.CacheConfig{Name: "cache", Backend: "db", Keys: 100, Zipf: 1.2, Capacity: 10}
	cfg.Services[0].Workers = 100
	cfg.Duration = 100 * time.Second
	w, r := run(t, cfg)
	c = r.Summary.Caches["cache"]
	wantEq(t, "size", w.caches[0].size, 10)
	if c.HitRatio < 0.4 || c.HitRatio > 0.8 {
		t.Errorf("hit ratio %v with the 10 hottest of 100 Zipf(1.2) keys", c.HitRatio)
	}
}

// collapse is an open client at 80% of capacity whose rate steps to 150%
// at 30s (with a slowdown fault over [30s, 35s)): FIFO and a 1s timeout
// then make every answer late, and goodput never comes back.
func collapse() config.Config {
	return config.Config{
		Duration: 120 * time.Second,
		Seed:     1,
		Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: d("exp(10ms)")}},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: 800, ClientPolicy: config.ClientPolicy{Timeout: time.Second},
			Schedule: []config.RatePoint{{At: 30 * time.Second, Rate: 1500}}}},
		Faults: []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 30 * time.Second, For: 5 * time.Second, Factor: 2}},
	}
}

func TestRecoveryVerdicts(t *testing.T) {
	// Recovers: a 5s slowdown x3 at 80% load; the backlog drains.
	cfg := oneService(0, "exp(10ms)", 120*time.Second)
	cfg.Clients[0] = config.ClientConfig{Name: "c", Target: "api", Rate: 80, ClientPolicy: config.ClientPolicy{Timeout: time.Second}}
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 30 * time.Second, For: 5 * time.Second, Factor: 3}}
	_, r := run(t, cfg)
	rec := r.Summary.Recovery
	wantEq(t, "verdict", rec.Verdict, results.Recovered)
	if r.Summary.Recovered == nil || !*r.Summary.Recovered || r.Summary.RecoveryS == nil || *r.Summary.RecoveryS > 20 {
		t.Errorf("recovered %v recovery_s %v", r.Summary.Recovered, r.Summary.RecoveryS)
	}
	wantNear(t, "baseline goodput", rec.BaselineGoodput, 80, 4)
	wantEq(t, "warm-up (a fifth of the pre-fault time)", rec.WarmupS, 6.0)

	// Does not recover: overloaded FIFO with timeouts after the trigger.
	_, r = run(t, collapse())
	wantEq(t, "verdict", r.Summary.Recovery.Verdict, results.NotRecovered)
	if r.Summary.Recovered == nil || *r.Summary.Recovered || r.Summary.RecoveryS != nil {
		t.Errorf("recovered %v recovery_s %v", r.Summary.Recovered, r.Summary.RecoveryS)
	}

	// Collapsed before the fault: overloaded from the start.
	c := collapse()
	c.Clients[0].Schedule = nil
	c.Clients[0].Rate = 1500
	_, r = run(t, c)
	wantEq(t, "verdict", r.Summary.Recovery.Verdict, results.CollapsedBeforeFault)
	if r.Summary.Recovered != nil {
		t.Errorf("recovered = %v, want null", *r.Summary.Recovered)
	}

	// No faults: null.
	cfg.Faults = nil
	_, r = run(t, cfg)
	wantEq(t, "verdict", r.Summary.Recovery.Verdict, results.NoFaults)
	if r.Summary.Recovered != nil {
		t.Error("recovered should be null without faults")
	}

	// Undecided: the fault ends too close to the end of the run.
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 100 * time.Second, For: 15 * time.Second, Factor: 3}}
	_, r = run(t, cfg)
	wantEq(t, "verdict", r.Summary.Recovery.Verdict, results.Undecided)

	// No baseline: the fault starts at once.
	cfg.Faults[0].At = 0
	_, r = run(t, cfg)
	wantEq(t, "verdict", r.Summary.Recovery.Verdict, results.NoBaseline)
}

func TestValidateNamesFieldPaths(t *testing.T) {
	cfg := config.Config{
		Duration: time.Second,
		Services: []config.ServiceConfig{
			{Name: "api", Workers: -1, ServiceTime: d("1ms"), Calls: []config.CallConfig{{Target: "db"}, {Target: "nope"}}},
			{Name: "db", ServiceTime: d("1ms"), Calls: []config.CallConfig{{Target: "api"}}},
			{Name: "api", ServiceTime: d("1ms")},
		},
		Clients: []config.ClientConfig{{Name: "c", Target: "api", Rate: -1, Model: config.Closed}},
		Faults:  []config.FaultConfig{{Kind: "meteor", Target: "api", For: time.Second}, {Kind: config.FaultSlowdown, Target: "c", For: time.Second}},
	}
	cfg.ApplyDefaults()
	err := cfg.Validate()
	for _, want := range []string{
		"services[api].workers: must be >= 1, got -1",
		`services[api].calls[1].target: "nope" is not a service or cache (have: api, db, api)`,
		`services[2].name: "api" is already the name of a service; names must be unique`,
		"services: the call graph has a cycle: api -> db -> api",
		"clients[c].users: must be in [1, 10000000] for a closed client, got 0",
		"clients[c].rate: rate, schedule and burst are for open and partly_open clients",
		`faults[0].kind: must be one of slowdown, pause, capacity_loss`,
		`faults[1].target: "c" is not a service`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing error %q in:\n%v", want, err)
		}
	}
	var fe *config.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("errors are not *FieldError: %T", err)
	}
	if _, err := Build(cfg); err == nil {
		t.Error("Build accepted an invalid config")
	}
}

func TestAdvanceInSlicesEqualsRun(t *testing.T) {
	// Running in bounded slices (as the TUI does), with snapshots in
	// between, gives byte-identical results to one Run; so does a second
	// Run with the same seed.
	cfg := multiTier(7, 5000)
	cfg.Faults = []config.FaultConfig{
		{Kind: config.FaultSlowdown, Target: "db", At: 3 * time.Second, For: 2 * time.Second, Factor: 4},
		{Kind: config.FaultLoadSpike, Target: "users", At: 4 * time.Second, For: 3 * time.Second, Factor: 1.5},
	}
	cl := &cfg.Clients[0]
	cl.Schedule = append([]config.RatePoint{{At: 2 * time.Second, Rate: 300}, {At: 6 * time.Second, Rate: 500, Ramp: true}}, cl.Schedule...)
	_, r1 := run(t, cfg)
	_, r2 := run(t, cfg)
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; !w.Advance(w.Now().Add(137*time.Millisecond), 1000); step++ {
		if step%3 == 0 {
			sn := w.Snapshot()
			if len(sn.Services) != 4 || sn.Now != w.Now() {
				t.Fatalf("snapshot %+v", sn)
			}
		}
	}
	r3 := w.Results()
	var b1, b2, b3 bytes.Buffer
	for _, p := range []struct {
		r *results.Results
		b *bytes.Buffer
	}{{r1, &b1}, {r2, &b2}, {r3, &b3}} {
		if err := p.r.WriteJSON(p.b); err != nil {
			t.Fatal(err)
		}
		if err := p.r.WriteSeriesCSV(p.b); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("two runs with the same seed differ")
	}
	if !bytes.Equal(b1.Bytes(), b3.Bytes()) {
		t.Error("running in slices differs from one Run")
	}
}

func TestInjectAndKnobs(t *testing.T) {
	cfg := oneService(10, "1ms", 20*time.Second)
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(5*time.Second), math.MaxUint64)
	if err := w.Inject(config.FaultConfig{Kind: config.FaultOutage, Target: "api", At: 5 * time.Second, For: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := w.Inject(config.FaultConfig{Kind: config.FaultOutage, Target: "api", At: time.Second, For: time.Second}); err == nil {
		t.Error("a fault in the past was accepted")
	}
	if err := w.Inject(config.FaultConfig{Kind: config.FaultSlowdown, Target: "nope", At: 6 * time.Second, For: time.Second, Factor: 2}); err == nil {
		t.Error("a fault on an unknown target was accepted")
	}
	w.Advance(sim.Time(10*time.Second), math.MaxUint64)
	if err := w.SetClientRate("c", 20); err != nil {
		t.Fatal(err)
	}
	if err := w.SetClientRate("api", 20); err == nil {
		t.Error("set the rate of a service")
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	r := w.Results()
	// Advance(5s) fired the arrival at 5.0s; the outage takes 5.1s .. 6.9s.
	wantEq(t, "failed[outage]", r.Summary.Failed["outage"], results.Count(19))
	wantNear(t, "offered after the knob", r.Series.Clients[0].Offered[15], 20, 1)
	if len(r.Faults) != 1 || r.Summary.Recovery.Verdict != results.Recovered {
		t.Errorf("faults %+v verdict %v", r.Faults, r.Summary.Recovery.Verdict)
	}
}

func TestLimitsStopARun(t *testing.T) {
	cfg := oneService(1000, "1s", time.Hour) // 1000x overloaded, unbounded queue
	cfg.Limits.MaxInFlight = 5000
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	err = w.Run()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "limits.max_in_flight" {
		t.Fatalf("err = %v, want the in-flight limit", err)
	}
	r := w.Results()
	if r.Stopped == "" || r.EndS > 6 || len(r.Series.T) == 0 {
		t.Errorf("stopped %q at %vs with %d intervals", r.Stopped, r.EndS, len(r.Series.T))
	}
	if msg := err.Error(); !strings.Contains(msg, "max_in_flight = 10000 under [limits]") || !strings.Contains(msg, "--set limits.max_in_flight=10000") {
		t.Errorf("message %q does not say how to raise the limit", msg)
	}
	// The run stops right after the event that passed the limit, as it
	// does when driven one event at a time (Advance's check after each
	// slice), at the instant the error names.
	for _, budget := range []uint64{1, 7} {
		ws, _ := Build(cfg)
		for !ws.Advance(ws.End(), budget) {
		}
		if !errors.As(ws.Err(), &le) || le.At != ws.Now() || ws.Events() != w.Events() || ws.Now() != w.Now() {
			t.Errorf("budget %d: stopped by %v after %d events at %v; in one go, %d at %v",
				budget, ws.Err(), ws.Events(), ws.Now(), w.Events(), w.Now())
		}
	}
	cfg = oneService(1000, "1ms", time.Hour)
	cfg.Limits.MaxEvents = 10_000
	w, _ = Build(cfg)
	err = w.Run()
	if !errors.As(err, &le) || le.Limit != "limits.max_events" || w.Events() != 10_000 {
		t.Fatalf("err = %v after %d events, want the event limit at 10000", err, w.Events())
	}
	if msg := err.Error(); !strings.Contains(msg, "limits.max_events = 10000 reached") || !strings.Contains(msg, "--set limits.max_events=20000") {
		t.Errorf("message %q does not name the key and how to raise it", msg)
	}
	// Zero is the default, not unlimited.
	cfg.Limits.MaxEvents = 0
	if w, _ = Build(cfg); w.Config().Limits.MaxEvents != config.DefaultMaxEvents {
		t.Errorf("max_events defaults to %d, want %d", w.Config().Limits.MaxEvents, config.DefaultMaxEvents)
	}
}

func TestSnapshotChangesNothing(t *testing.T) {
	// A snapshot taken just after a schedule step, before a rate change
	// (a spike starting) that comes before the next arrival: the pending
	// arrival must still be timed from the rate integrated since the
	// previous arrival.
	cfg := oneService(1, "1ms", 20*time.Second)
	cfg.Clients[0].Schedule = []config.RatePoint{{At: 10500 * time.Millisecond, Rate: 2}}
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultLoadSpike, Target: "c", At: 10700 * time.Millisecond, For: 5 * time.Second, Factor: 2}}
	arrivals := func(snap bool) []sim.Time {
		w, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var at []sim.Time
		hooksOf(w).onLaunch = func(*edge, *call) { at = append(at, w.Now()) }
		w.Advance(sim.Time(10600*time.Millisecond), math.MaxUint64)
		if snap {
			if r := w.Snapshot().Clients[0].Rate; r != 2 {
				t.Errorf("snapshot rate %v, want 2", r)
			}
		}
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		return at
	}
	a, b := arrivals(false), arrivals(true)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("a snapshot changed the run:\n%v\n%v", a, b)
	}
	// From 10s: 0.5s at 1/s + 0.2s at 2/s = 0.9 of the unit needed; the
	// last 0.1 at 4/s takes 25ms: the arrival is at 10.725s.
	if len(a) < 11 || a[10] != sim.Time(10725*time.Millisecond) {
		t.Errorf("arrival after the step and spike at %v, want 10.725s", a[10:12])
	}
}

func TestSetClientUsers(t *testing.T) {
	// 2 users (think 1s, service 10ms) go to 10 at 10s and back to 1 at
	// 20s: the call rate follows the population.
	cfg := config.Config{
		Duration: 30 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: d("10ms")}},
		Clients:  []config.ClientConfig{{Name: "u", Target: "api", Model: config.Closed, Users: 2, Think: d("990ms")}},
	}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(10*time.Second), math.MaxUint64)
	if err := w.SetClientUsers("u", 10); err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(20*time.Second), math.MaxUint64)
	if err := w.SetClientUsers("u", 1); err != nil {
		t.Fatal(err)
	}
	if err := w.SetClientUsers("nope", 1); err == nil {
		t.Error("set users of an unknown client")
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	o := w.Results().Series.Clients[0].Offered
	wantEq(t, "offered at 5s", o[5], 2.0)
	wantEq(t, "offered at 15s", o[15], 10.0)
	wantEq(t, "offered at 25s", o[25], 1.0)
}

// TestStalledClockStops: a closed client with no think time against a
// service in an outage (it answers at once) never lets the clock move
// past the outage's start; the run stops with the events-at-one-instant
// limit there, after the first event at that instant and the limit's
// number more, whether it runs in one go or in slices of any budget.
func TestStalledClockStops(t *testing.T) {
	cfg := oneService(0, "1ms", 3*time.Second)
	cfg.Clients[0].Model = config.Closed
	cfg.Clients[0].Users = 1
	at := 1500 * time.Millisecond
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultOutage, Target: "api", At: at, For: time.Second}}
	var events uint64
	for _, budget := range []uint64{1 << 62, 999} {
		w, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for !w.Advance(w.End(), budget) {
		}
		var le *LimitError
		if !errors.As(w.Err(), &le) || le.Limit != "events at one instant" || le.At != sim.Time(at) {
			t.Fatalf("budget %d: err = %v, want the events-at-one-instant limit at %v", budget, w.Err(), at)
		}
		if events == 0 {
			events = w.Events()
		}
		if w.Events() != events {
			t.Errorf("budget %d: %d events fired, %d in one go", budget, w.Events(), events)
		}
	}
	// 1,500 calls before the outage, an issue and a work done each
	// (the events at 1.5s among them), then the limit's worth at 1.5s:
	// the count World.Advance gave before its inner loop, pinned
	if want := uint64(2*1500) + maxEventsAtOneInstant; events != want {
		t.Errorf("%d events fired, want %d", events, want)
	}
}

// TestRecoveryAgainstLoweredSchedule: when a client's schedule lowers its
// load after the faults (a TUI rate knob is saved as a schedule point),
// recovery is judged against the baseline scaled to the lowered load, so
// a system serving all it is offered has recovered; one that does not
// serve the lowered load has not.
func TestRecoveryAgainstLoweredSchedule(t *testing.T) {
	cfg := oneService(0, "exp(10ms)", 120*time.Second)
	cfg.Clients[0] = config.ClientConfig{Name: "c", Target: "api", Rate: 80, ClientPolicy: config.ClientPolicy{Timeout: time.Second},
		Schedule: []config.RatePoint{{At: 40 * time.Second, Rate: 30}}}
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 30 * time.Second, For: 5 * time.Second, Factor: 3}}
	_, r := run(t, cfg)
	rec := r.Summary.Recovery
	wantEq(t, "verdict at a third of the load", rec.Verdict, results.Recovered)
	wantNear(t, "baseline goodput (unscaled)", rec.BaselineGoodput, 80, 4)

	// The same lowering after a collapse: goodput stays far below even
	// the lowered load while the backlog of late calls drains.
	c := collapse()
	c.Clients[0].Schedule = append(c.Clients[0].Schedule, config.RatePoint{At: 100 * time.Second, Rate: 700})
	_, r = run(t, c)
	wantEq(t, "verdict after a collapse", r.Summary.Recovery.Verdict, results.NotRecovered)
}

func TestLoadScale(t *testing.T) {
	// Two clients with baseline goodput 60 and 20; the first scheduled
	// at 100/s, lowered to 50/s from 10s; the second unscheduled.
	sched := func(i int, t0, t1 float64) (float64, bool) {
		if i == 1 {
			return 0, false
		}
		if t0 >= 10 {
			return 50, true
		}
		return 100, true
	}
	ls := loadScale{iv: 1, sched: sched, good: []float64{60, 20}, rate: []float64{100, math.NaN()}, total: 80}
	wantEq(t, "before the lowering", ls.at(5, 8), 1.0)
	wantEq(t, "after it", ls.at(10, 12), (60*0.5+20)/80.0)
	ls.rate[0] = 40 // a schedule above the baseline asks no more
	wantEq(t, "raised", ls.at(10, 12), 1.0)
}

// TestRecoveryAfterRateKnob: the same when the World's rate knob
// (SetClientRate) lowers the load during the run: it counts from when
// it was set.
func TestRecoveryAfterRateKnob(t *testing.T) {
	cfg := oneService(0, "exp(10ms)", 120*time.Second)
	cfg.Clients[0] = config.ClientConfig{Name: "c", Target: "api", Rate: 80, ClientPolicy: config.ClientPolicy{Timeout: time.Second}}
	cfg.Faults = []config.FaultConfig{{Kind: config.FaultSlowdown, Target: "api", At: 30 * time.Second, For: 5 * time.Second, Factor: 3}}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Advance(sim.Time(40*time.Second), 1<<62)
	if err := w.SetClientRate("c", 30); err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	rec := w.Results().Summary.Recovery
	wantEq(t, "verdict at a third of the load from 40s", rec.Verdict, results.Recovered)
	wantNear(t, "baseline goodput (before the knob)", rec.BaselineGoodput, 80, 4)
}

// TestScheduledMean: the mean of a schedule's steps and ramps over a
// window, from the segment holding its start.
func TestScheduledMean(t *testing.T) {
	cfg := oneService(0, "exp(10ms)", 100*time.Second)
	cfg.Clients[0] = config.ClientConfig{Name: "c", Target: "api", Rate: 10, Schedule: []config.RatePoint{
		{At: 10 * time.Second, Rate: 20}, {At: 20 * time.Second, Rate: 40, Ramp: true}, {At: 30 * time.Second, Rate: 5}}}
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ t0, t1, want float64 }{
		// a ramp runs from the point before it: 20/s at 10s to 40/s at 20s
		{0, 10, 10}, {5, 15, (5*10 + 5*25) / 10.0}, {20, 30, 40}, {25, 35, (5*40 + 5*5) / 10.0}, {50, 60, 5}, {12, 14, 26},
	} {
		got, ok := w.scheduledMean(0, c.t0, c.t1)
		if !ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("mean over [%v, %v) = %v, %v; want %v", c.t0, c.t1, got, ok, c.want)
		}
	}
}
