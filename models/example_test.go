package models_test

import (
	"fmt"
	"os"
	"time"

	"github.com/stampede-sim/stampede/models"
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
)

// An API at 80% load whose service time triples for 10 seconds: clients
// with a 250ms timeout see failures during the slowdown; afterwards the
// backlog drains and goodput returns to its baseline.
func Example() {
	cfg := config.Config{
		Duration: 2 * time.Minute,
		Seed:     1,
		Services: []config.ServiceConfig{{
			Name:        "api",
			Workers:     8,
			Queue:       config.QueueConfig{Limit: config.Limit(500)},
			ServiceTime: sim.MustParseDist("exp(20ms)"),
		}},
		Clients: []config.ClientConfig{{
			Name:         "users",
			Target:       "api",
			Rate:         320, // calls/s, Poisson
			ClientPolicy: config.ClientPolicy{Timeout: 250 * time.Millisecond},
		}},
		Faults: []config.FaultConfig{{
			Kind: config.FaultSlowdown, Target: "api",
			At: 60 * time.Second, For: 10 * time.Second, Factor: 3,
		}},
	}
	w, err := models.Build(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Run(); err != nil {
		fmt.Println(err)
		return
	}
	s := w.Results().Summary
	fmt.Printf("calls %d, succeeded %d, timed out %d\n", s.Calls, s.Succeeded, s.Failed["timeout"])
	fmt.Printf("api utilisation %.2f, wasted work %.1fs\n", s.Services["api"].Utilization, s.Services["api"].WastedWork)
	fmt.Printf("verdict %v after %.0fs\n", s.Recovery.Verdict, *s.RecoveryS)
	// Output:
	// calls 38078, succeeded 33307, timed out 3336
	// api utilisation 0.82, wasted work 118.4s
	// verdict recovered after 5s
}

// Advance runs a world in bounded slices, the way an interactive front
// end does: here one virtual second at a time, with an intervention (a
// load spike) injected at 5s and a look at the live gauges.
func ExampleWorld_Advance() {
	w, err := models.Build(config.Config{
		Duration: 10 * time.Second,
		Services: []config.ServiceConfig{{Name: "api", Workers: 4, ServiceTime: sim.MustParseDist("exp(10ms)")}},
		Clients:  []config.ClientConfig{{Name: "users", Target: "api", Rate: 200}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for !w.Advance(w.Now().Add(time.Second), 1_000_000) {
		if w.Now() == sim.Time(5*time.Second) {
			_ = w.Inject(config.FaultConfig{Kind: config.FaultLoadSpike, Target: "users",
				At: 5 * time.Second, For: 2 * time.Second, Factor: 1.5})
		}
	}
	sn := w.Snapshot()
	fmt.Printf("%d intervals, offered in [5s, 6s): %.0f calls/s\n", len(sn.Series.T), sn.Series.Clients[0].Offered[5])
	// Output:
	// 10 intervals, offered in [5s, 6s): 308 calls/s
}

// Results encode as JSON (the summary's field names are a stable
// contract) and as CSV.
func ExampleWorld_Results() {
	w, _ := models.Build(config.Config{
		Duration: time.Second,
		Services: []config.ServiceConfig{{Name: "api", ServiceTime: sim.MustParseDist("10ms")}},
		Clients:  []config.ClientConfig{{Name: "users", Target: "api", Rate: 10, Arrival: config.Constant}},
	})
	_ = w.Run()
	_ = w.Results().WriteSummaryCSV(os.Stdout)
	// Output:
	// metric,value
	// calls,9
	// attempts,9
	// amplification,1
	// succeeded,9
	// in_flight,0
	// goodput,9
	// throughput,9
	// latency_s.mean,0.01
	// latency_s.p50,0.01
	// latency_s.p90,0.01
	// latency_s.p99,0.01
	// latency_s.p999,0.01
	// latency_s.max,0.01
	// services.api.utilization,0.09
	// services.api.arrived,9
	// services.api.served,9
	// services.api.rejected,0
	// services.api.dropped,0
	// services.api.errors,0
	// services.api.wasted_work,0
	// services.api.wasted_share,0
	// services.api.throughput,9
	// services.api.wait_s.mean,0
	// services.api.sojourn_s.mean,0.01
	// services.api.in_system.mean,0.09
	// services.api.queue_length.mean,0
	// services.api.queue_length.max,0
	// clients.users.calls,9
	// clients.users.attempts,9
	// clients.users.amplification,1
	// clients.users.succeeded,9
	// clients.users.in_flight,0
	// clients.users.goodput,9
	// clients.users.throughput,9
	// clients.users.latency_s.mean,0.01
	// clients.users.latency_s.p50,0.01
	// clients.users.latency_s.p90,0.01
	// clients.users.latency_s.p99,0.01
	// clients.users.latency_s.p999,0.01
	// clients.users.latency_s.max,0.01
	// recovery.verdict,no_faults
}
