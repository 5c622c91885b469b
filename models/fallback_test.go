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

// TestFallbackSecondary: a fallback that calls a secondary service
// (fallback.call) answers every failure it covers with the secondary's
// answer: the secondary's load is the primary's failure count, its
// latency is the fallback's, and its failure leaves the primary's
// failure standing.
func TestFallbackSecondary(t *testing.T) {
	// A client with a fallback on error calling stale, against an api that
	// fails 30% of its requests: every error becomes one call to stale
	// and a fallback, no call fails.
	cfg := config.Config{
		Duration: 200 * time.Second, Interval: time.Second, Seed: 2,
		Services: []config.ServiceConfig{
			{Name: "api", Workers: 20, ServiceTime: sim.MustParseDist("exp(5ms)"), ErrorRate: 0.3},
			{Name: "stale", Workers: 20, ServiceTime: sim.MustParseDist("1ms")},
		},
		Clients: []config.ClientConfig{{Name: "users", Target: "api", Rate: 100,
			ClientPolicy: config.ClientPolicy{Fallback: &config.FallbackConfig{On: []string{"error"}, Call: "stale"}}}},
	}
	sum := runSummary(t, cfg)
	n, fb := float64(sum.Calls), float64(sum.Failed["fallback"])
	if math.Abs(fb-0.3*n) > 4.5*math.Sqrt(n*0.3*0.7) {
		t.Errorf("%v fallbacks of %v calls, want 30%%", fb, n)
	}
	if e := sum.Failed["error"]; e != 0 {
		t.Errorf("%d calls failed with error, which the fallback covers", e)
	}
	sec := sum.Edges["users->stale"]
	if sec.Calls != sum.Failed["fallback"] || sec.Succeeded != sec.Calls || sec.Attempts != sec.Calls {
		t.Errorf("users->stale: %d calls, %d attempts, %d succeeded; want one call and success per fallback (%d)", sec.Calls, sec.Attempts, sec.Succeeded, sum.Failed["fallback"])
	}
	if got := sum.Services["stale"].Arrived; got != sum.Failed["fallback"] {
		t.Errorf("stale received %d requests, want the %d fallbacks", got, sum.Failed["fallback"])
	}

	// A front end calling recs, which always fails, with a fallback to
	// stale (1 ms) on that edge: every user call succeeds 2 + 1 + 1 ms
	// later, and stale receives one request per user call.
	cfg = config.Config{
		Duration: 100 * time.Second, Interval: time.Second, Seed: 3,
		Services: []config.ServiceConfig{
			{Name: "front", Workers: 50, ServiceTime: sim.MustParseDist("2ms"),
				Calls: []config.CallConfig{{Target: "recs", ClientPolicy: config.ClientPolicy{Fallback: &config.FallbackConfig{Call: "stale"}}}}},
			{Name: "recs", Workers: 50, ServiceTime: sim.MustParseDist("1ms"), ErrorRate: 1},
			{Name: "stale", Workers: 50, ServiceTime: sim.MustParseDist("1ms")},
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
	if got, want := sum.Services["stale"].Arrived, sum.Services["recs"].Arrived; got != want {
		t.Errorf("stale received %d requests, want recs' %d failures", got, want)
	}
	if got := sum.Latency.Mean; math.Abs(got-0.004) > 1e-6 {
		t.Errorf("mean latency %.6f s, want 2 ms + 1 ms + 1 ms of the secondary", got)
	}

	// A failing secondary leaves the primary's failure standing: every
	// user call fails with error, caused by recs.
	cfg.Services[2].ErrorRate = 1
	sum = runSummary(t, cfg)
	if sum.Succeeded != 0 || sum.Failed["fallback"] != 0 {
		t.Errorf("with a failing secondary %d calls succeeded, %d fell back; want none", sum.Succeeded, sum.Failed["fallback"])
	}
	if e := sum.Edges["front->recs"]; e.Failed["error"] != e.Calls-e.InFlight || e.Failed["fallback"] != 0 {
		t.Errorf("front->recs: %v, want every call failed with its own error", e.Failed)
	}
	if e := sum.Edges["front->stale"]; e.Failed["error"] != e.Calls-e.InFlight || e.Calls == 0 {
		t.Errorf("front->stale: %d calls, %v; want every call failed", e.Calls, e.Failed)
	}
}

// BenchmarkFallbackSecondary: a fallback calling a secondary service
// allocates nothing per event.
func BenchmarkFallbackSecondary(b *testing.B) {
	cfg := mm1Config(b.N, 1)
	cfg.Services[0].ErrorRate = 0.5
	cfg.Services = append(cfg.Services, config.ServiceConfig{Name: "stale", ServiceTime: sim.MustParseDist("100us")})
	cfg.Clients[0].Fallback = &config.FallbackConfig{Call: "stale", Timeout: time.Second}
	benchWorld(b, cfg)
}

// TestFallbackAbandonedWhileAnswering: a client restart abandons every
// closed-loop user's call, including those whose fallback is on its way
// (a fallback latency, or a call to a secondary): such a call ends once,
// with its fallback, not twice. 20 users against an api that always
// fails, the fallback taking 1 s; the users first issue at a restart at
// 0.5 s, and a second restart at 1 s comes when every call waits for its
// fallback.
func TestFallbackAbandonedWhileAnswering(t *testing.T) {
	for _, fb := range []*config.FallbackConfig{{Latency: time.Second}, {Call: "stale"}} {
		cfg := config.Config{
			Duration: 3 * time.Second, Interval: time.Second, Seed: 1,
			Services: []config.ServiceConfig{
				{Name: "api", Workers: 50, ServiceTime: sim.MustParseDist("1ms"), ErrorRate: 1},
				{Name: "stale", Workers: 50, ServiceTime: sim.MustParseDist("const(1s)")},
			},
			Clients: []config.ClientConfig{{Name: "u", Target: "api", Model: config.Closed, Users: 20, Think: sim.MustParseDist("1h"),
				ClientPolicy: config.ClientPolicy{Fallback: fb}}},
			Faults: []config.FaultConfig{{Kind: config.FaultClientRestart, Target: "*", At: 500 * time.Millisecond},
				{Kind: config.FaultClientRestart, Target: "*", At: time.Second}},
		}
		sum := runSummary(t, cfg)
		// 20 calls at 0.5 s, 20 more at 1 s; the first 20 end with their
		// fallback at ~1.5 s, the next 20 at ~2 s
		if sum.Calls != 40 || sum.Failed["fallback"] != 40 || sum.Failed["abandoned"] != 0 || sum.InFlight != 0 {
			t.Errorf("fallback %+v: %d calls, %v failed, %d in flight; want 40 calls, 40 fallbacks", *fb, sum.Calls, sum.Failed, sum.InFlight)
		}
	}
}
