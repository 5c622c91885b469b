package models

import (
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// grayWorld is 10 replicas (4 workers, exp(10ms) each: 4000/s) called at
// rate/s round robin with a 100 ms timeout, and the gray failure f on the
// first replica from 10 s on; outlier is the client's outlier detection.
func grayWorld(rate float64, f config.FaultConfig, outlier *strategies.OutlierSpec) config.Config {
	hit := 1
	f.Target, f.At, f.For, f.ReplicasHit = "api", 10*time.Second, time.Hour, &hit
	return config.Config{
		Duration: 100 * time.Second,
		Interval: time.Second,
		Seed:     3,
		Services: []config.ServiceConfig{{Name: "api", Replicas: 10, Workers: 4, ServiceTime: sim.MustParseDist("exp(10ms)"),
			Queue: config.QueueConfig{Limit: config.Limit(20)}}},
		Clients: []config.ClientConfig{{Name: "app", Target: "api", Rate: rate,
			ClientPolicy: config.ClientPolicy{Timeout: 100 * time.Millisecond, Outlier: outlier}}},
		Faults: []config.FaultConfig{f},
	}
}

func runGray(t *testing.T, cfg config.Config) *World {
	t.Helper()
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestOutlierEjectsBlackHole: a replica that swallows requests (a gray
// black hole: the service as a whole answers) times out every tenth call
// until Envoy's detection ejects it at its 5th timeout in a row (a
// timeout is a 504, a 5xx): at 1000 calls/s the calls already on their
// way to it time out too, about 10 a round. Ejected for 30 s from ~10.1 s,
// it comes back at the sweep at 50 s, is ejected again for 60 s and is
// still out when the run ends at 100 s: exactly 2 ejections, some tens of
// timeouts instead of ~9,000.
func TestOutlierEjectsBlackHole(t *testing.T) {
	hole := config.FaultConfig{Kind: config.FaultOutage, Mode: config.BlackHole}
	base := runGray(t, grayWorld(1000, hole, nil)).Results().Summary
	if n := base.Clients["app"].Failed["timeout"]; n < 8500 || n > 9500 {
		t.Fatalf("without ejection: %d timeouts, want ~9000 (a tenth of 90 s at 1000/s)", n)
	}
	sum := runGray(t, grayWorld(1000, hole, &strategies.OutlierSpec{})).Results().Summary
	app := sum.Clients["app"]
	if n := app.Failed["timeout"]; n < 10 || n > 40 {
		t.Errorf("with ejection: %d timeouts, want 2 rounds of 5 to ~15", n)
	}
	if got := app.Strategy["ejections"]; got != 2 {
		t.Errorf("ejections %v, want 2 (at ~10 s for 30 s, at ~50 s for 60 s)", got)
	}
	if got := sum.Services["api"].Dropped; got < 10 || got > 40 {
		t.Errorf("dropped %d, want the timed-out ones", got)
	}
}

// TestGraySlowReplica: at 2000 calls/s, a replica slowed 5x (its
// capacity 80/s against the 200/s round robin sends it) fills its queue
// and rejects queue_full; its answers wait 20/80 s in the queue, which
// poisons the p99. Ejection removes it, a few rejections after each of
// its returns. (At 3000/s the healthy replicas, at 83%, have runs of
// rejections of their own: one of them gets ejected, and the 10% cap
// then keeps the slow one in.)
func TestGraySlowReplica(t *testing.T) {
	slow := config.FaultConfig{Kind: config.FaultSlowdown, Factor: 5}
	cfg := func(o *strategies.OutlierSpec) config.Config {
		c := grayWorld(2000, slow, o)
		c.Clients[0].Timeout = time.Second
		return c
	}
	base := runGray(t, cfg(nil)).Results().Summary
	if n := base.Clients["app"].Failed["queue_full"]; n < 10000 {
		t.Fatalf("without ejection: %d queue_full, want the slow replica's overflow (>10000)", n)
	}
	ej := runGray(t, cfg(&strategies.OutlierSpec{})).Results().Summary
	if n := ej.Clients["app"].Failed["queue_full"]; n > 200 {
		t.Errorf("with ejection: %d queue_full, want the few before each ejection", n)
	}
	if p99, p99b := ej.Clients["app"].Latency.P99, base.Clients["app"].Latency.P99; !(p99 < p99b/2) {
		t.Errorf("p99 %v with ejection, %v without: want it at least halved", p99, p99b)
	}
}

// TestGrayValidation: replicas_hit only on the kinds that can hit one
// replica, within the service's replicas; outlier detection only towards
// a service.
func TestGrayValidation(t *testing.T) {
	cfg := grayWorld(100, config.FaultConfig{Kind: config.FaultPause}, nil)
	if _, err := Build(cfg); err == nil || !contains(err.Error(), "faults[0].replicas_hit: applies to slowdown, error_rate and outage faults only, not pause") {
		t.Errorf("pause with replicas_hit: %v", err)
	}
	cfg = grayWorld(100, config.FaultConfig{Kind: config.FaultSlowdown, Factor: 2}, nil)
	n := 11
	cfg.Faults[0].ReplicasHit = &n
	if _, err := Build(cfg); err == nil || !contains(err.Error(), `faults[0].replicas_hit: must be in [1, replicas=10] of "api", got 11`) {
		t.Errorf("replicas_hit 11: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// BenchmarkOutlierGray is a gray world at 3000 calls/s with one replica
// slowed 5x and outlier detection on: every answer is reported to the
// detector, every pick skips ejected replicas. One op is one customer;
// allocations per op must stay 0 in steady state.
func BenchmarkOutlierGray(b *testing.B) {
	cfg := grayWorld(3000, config.FaultConfig{Kind: config.FaultSlowdown, Factor: 5}, &strategies.OutlierSpec{})
	cfg.Duration = time.Duration(float64(b.N) / 3000 * float64(time.Second))
	cfg.Faults[0].At = 0
	cfg.Services[0].Name = "server"
	cfg.Clients[0].Target, cfg.Faults[0].Target = "server", "server"
	benchCustomers(b, cfg)
}
