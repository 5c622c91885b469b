package models

import (
	"math"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// noisyNeighbour is a service of capacity 1000/s (10 workers, exp(10ms))
// with 100 waiting places, called by a noisy client at 1500/s and a quiet
// one at 200/s, for 60 s.
func noisyNeighbour(fair string) config.Config {
	return config.Config{
		Duration: 60 * time.Second,
		Interval: time.Second,
		Seed:     7,
		Services: []config.ServiceConfig{{Name: "api", Workers: 10, ServiceTime: sim.MustParseDist("exp(10ms)"),
			Queue: config.QueueConfig{Limit: config.Limit(100), Fair: fair}}},
		Clients: []config.ClientConfig{
			{Name: "noisy", Target: "api", Rate: 1500},
			{Name: "quiet", Target: "api", Rate: 200},
		},
	}
}

// TestFairQueueingMaxMin: with fair queueing the service's 1000/s are
// shared max-min fairly (Shreedhar and Varghese's DRR, with RFC 8290's
// drop from the fattest flow when the waiting room is full): the quiet
// client, under its fair share of 500/s, gets all of its 200/s through and
// the noisy one the other 800/s. In one FIFO queue both lose the same
// share, so the quiet client gets 200 x 1000/1700 = 118/s.
func TestFairQueueingMaxMin(t *testing.T) {
	goodput := func(fair string) (noisy, quiet float64, r *results.Results) {
		w, err := Build(noisyNeighbour(fair))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Run(); err != nil {
			t.Fatal(err)
		}
		r = w.Results()
		return r.Summary.Clients["noisy"].Goodput, r.Summary.Clients["quiet"].Goodput, r
	}
	near := func(name string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol*want {
			t.Errorf("%s: goodput %.1f/s, want %.0f/s within %.0f%%", name, got, want, 100*tol)
		}
	}
	n, q, _ := goodput("")
	near("fifo noisy", n, 1000*1500.0/1700, 0.03)
	near("fifo quiet", q, 1000*200.0/1700, 0.05)
	n, q, r := goodput(config.FairCaller)
	near("fair noisy", n, 800, 0.03)
	near("fair quiet", q, 200, 0.02)
	if f := r.Summary.Clients["quiet"].Failed; len(f) != 0 {
		t.Errorf("fair: the quiet client failed calls %v, want none", f)
	}
	if ev := r.Summary.Services["api"].Strategy["evicted"]; ev == 0 {
		t.Error("fair: no request evicted from the noisy client's queue")
	}
}

// mmcAbandon solves the birth-death chain of M/M/c+M (Palm's queue with
// exponential patience, the Erlang-A model of Garnett, Mandelbaum and
// Reiman 2002): arrivals lam, each of min(n, c) in service done at mu,
// each of the max(n-c, 0) waiting leaving at theta. It returns the
// probability that an arrival abandons, theta E[waiting] / lam, and the
// mean number in the system.
func mmcAbandon(c int, lam, mu, theta float64) (pAb, l float64) {
	p, sum, waiting := 1.0, 1.0, 0.0
	for n := 1; n < 100000 && p > 1e-300; n++ {
		p *= lam / (float64(min(n, c))*mu + float64(max(n-c, 0))*theta)
		sum += p
		waiting += float64(max(n-c, 0)) * p
		l += float64(n) * p
	}
	return theta * waiting / sum / lam, l / sum
}

// TestTheoryReneging: with queue.patience exp(1/theta) a service is
// M/M/c+M. Over capacity (lam 1200/s against 1000/s) the queue is stable
// only through abandonment, and the share of arrivals that renege and the
// mean number in the system match the birth-death chain.
func TestTheoryReneging(t *testing.T) {
	n := scale(t, 100_000)
	lam, mu, theta := 1200.0, 1000.0, 200.0
	pAb, l := mmcAbandon(1, lam, mu, theta)
	rs := runReps(t, func(seed uint64) config.Config {
		cfg := queueConfig(seed, n, lam, 1, "exp(1ms)", nil)
		cfg.Services[0].Queue.Patience = sim.MustParseDist("exp(5ms)")
		return cfg
	})
	checkTheory(t, "M/M/1+M P(abandon)", collect(rs, func(r *results.Results) float64 {
		return float64(r.Summary.Failed["reneged"]) / float64(r.Summary.Calls)
	}), pAb, 0.03)
	checkTheory(t, "M/M/1+M L", collect(rs, func(r *results.Results) float64 { return r.Summary.Services["q"].InSystem.Mean }), l, 0.03)
}

// BenchmarkFairReneging is the noisy-neighbour service (fairqueue_test.go)
// with fair queueing and reneging both on, at twice its capacity: every
// arrival is queued per caller, scheduled by DRR, evicts or is evicted,
// and draws a patience that runs out for about half of them. One op is
// one customer; allocations per op must stay 0 in steady state.
func BenchmarkFairReneging(b *testing.B) {
	cfg := noisyNeighbour(config.FairCaller)
	cfg.Duration = time.Duration(float64(b.N) / 1700 * float64(time.Second))
	cfg.Services[0].Name = "server"
	cfg.Services[0].Queue.Patience = sim.MustParseDist("exp(50ms)")
	cfg.Clients[0].Target, cfg.Clients[1].Target = "server", "server"
	benchCustomers(b, cfg)
}
