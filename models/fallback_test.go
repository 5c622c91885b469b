package models

import (
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// TestFallback: a call that fails with a reason its fallback covers is
// answered by the fallback: counted under fallback, never under the
// failure, and a success to the request it was made for, fallback.latency
// later.
func TestFallback(t *testing.T) {
	// A client with a fallback on error, against a service that fails
	// 30% of its requests: 30% fallback, 70% success, no error.
	cfg := config.Config{
		Duration: 200 * time.Second, Interval: time.Second, Seed: 2,
		Services: []config.ServiceConfig{{Name: "api", Workers: 20, ServiceTime: sim.MustParseDist("exp(5ms)"), ErrorRate: 0.3}},
		Clients: []config.ClientConfig{{Name: "users", Target: "api", Rate: 100,
			ClientPolicy: config.ClientPolicy{Fallback: &config.FallbackConfig{On: []string{"error"}}}}},
	}
	sum := runSummary(t, cfg)
	n := float64(sum.Calls)
	if fb := float64(sum.Failed["fallback"]); math.Abs(fb-0.3*n) > 4.5*math.Sqrt(n*0.3*0.7) {
		t.Errorf("%v fallbacks of %v calls, want 30%%", fb, n)
	}
	if e := sum.Failed["error"]; e != 0 {
		t.Errorf("%d calls failed with error, which the fallback covers", e)
	}

	// A front end calling recs, which always fails, with a fallback of 50
	// ms on that edge: every user call succeeds, 50 ms later than the
	// front end's own work, and the edge counts every call a fallback.
	cfg = config.Config{
		Duration: 100 * time.Second, Interval: time.Second, Seed: 3,
		Services: []config.ServiceConfig{
			{Name: "front", Workers: 50, ServiceTime: sim.MustParseDist("2ms"),
				Calls: []config.CallConfig{{Target: "recs", ClientPolicy: config.ClientPolicy{Fallback: &config.FallbackConfig{Latency: 50 * time.Millisecond}}}}},
			{Name: "recs", Workers: 50, ServiceTime: sim.MustParseDist("1ms"), ErrorRate: 1},
		},
		Clients: []config.ClientConfig{{Name: "users", Target: "front", Rate: 50, Arrival: config.Constant}},
	}
	sum = runSummary(t, cfg)
	if sum.Succeeded != sum.Calls-sum.InFlight || sum.Succeeded == 0 {
		t.Errorf("%d of %d user calls succeeded (%d in flight), want every one", sum.Succeeded, sum.Calls, sum.InFlight)
	}
	e := sum.Edges["front->recs"]
	if e.Failed["fallback"] != e.Calls-e.InFlight || e.Failed["error"] != 0 {
		t.Errorf("front->recs: %v, want every call answered by the fallback", e.Failed)
	}
	if got := sum.Latency.Mean; math.Abs(got-0.053) > 0.001 {
		t.Errorf("mean latency %.4f s, want 2 ms + 1 ms + 50 ms of fallback", got)
	}

	// Without a fallback the same front end fails every call.
	cfg.Services[0].Calls[0].Fallback = nil
	if sum := runSummary(t, cfg); sum.Succeeded != 0 {
		t.Errorf("without the fallback %d calls succeeded", sum.Succeeded)
	}
}

// BenchmarkFallback: answering by fallback, at once or after a latency,
// allocates nothing per event.
func BenchmarkFallback(b *testing.B) {
	cfg := mm1Config(b.N, 1)
	cfg.Services[0].ErrorRate = 0.5
	cfg.Clients[0].Fallback = &config.FallbackConfig{Latency: time.Millisecond}
	benchWorld(b, cfg)
}
