package models

import (
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// mm1Config is M/M/1 at rho = 0.8 scaled to milliseconds: Poisson arrivals
// at 800/s, exponential service with mean 1ms, one worker, unbounded FIFO
// queue, no timeouts; customers is the expected number of calls.
func mm1Config(customers int, seed uint64) config.Config {
	return config.Config{
		Duration: time.Duration(float64(customers) / 800 * float64(time.Second)),
		Interval: time.Second,
		Seed:     seed,
		Services: []config.ServiceConfig{{Name: "server", ServiceTime: sim.MustParseDist("exp(1ms)")}},
		Clients:  []config.ClientConfig{{Name: "customers", Target: "server", Rate: 800}},
	}
}

// BenchmarkMM1 runs M/M/1 through the whole model stack: an open-loop
// client, a call and an attempt per customer, the service's admission,
// queue and worker, and every metric (per-interval counters, time-weighted
// gauges, latency histograms). One op is one customer; compare ns/customer
// with sim's BenchmarkMM1 (the bare engine) and ../shared/bench.
func BenchmarkMM1(b *testing.B) {
	benchCustomers(b, mm1Config(b.N, 1))
}

// benchCustomers builds cfg (an M/M/1 whose service is "server"), runs it
// as the timed part of b, and reports ns/customer, customers/s,
// events/customer and allocations.
func benchCustomers(b *testing.B, cfg config.Config) {
	b.Helper()
	w, err := Build(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := w.Run(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	served := w.Results().Summary.Services["server"].Served
	if served == 0 {
		return
	}
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(ns/float64(served), "ns/customer")
	b.ReportMetric(float64(served)/(ns/1e9), "customers/s")
	b.ReportMetric(float64(w.Events())/float64(served), "events/customer")
}

// BenchmarkMM1Timeout is BenchmarkMM1 with a per-attempt timeout (never
// firing at this load: one more event scheduled and stopped per customer)
// and a link with exponential latency both ways (two more events).
func BenchmarkMM1Timeout(b *testing.B) {
	cfg := mm1Config(b.N, 1)
	cfg.Clients[0].Timeout = time.Second
	cfg.Clients[0].Link = config.LinkConfig{Latency: sim.MustParseDist("exp(100us)")}
	benchCustomers(b, cfg)
}

// BenchmarkMultiTier runs the multi-tier world of the Little's-law test
// (edge -> api x3 -> cache -> db and api -> auth x2, in parallel, with
// links and errors): one op is one client call, which makes about six
// calls and ten requests across the tiers.
func BenchmarkMultiTier(b *testing.B) {
	w, err := Build(multiTier(1, b.N))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := w.Run(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	calls := w.Results().Summary.Calls
	if calls == 0 {
		return
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(calls), "ns/call")
	b.ReportMetric(float64(w.Events())/float64(calls), "events/call")
}
