package scenarios

import (
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

// BenchmarkRunMM1 runs an M/M/1 scenario (rho = 0.8, 1 ms mean service)
// through the whole batch path: decoding the file, planning, running the
// world in slices with the wall-clock check, turning the results into the
// JSON summary, and writing the table and the JSON. One op is one
// customer; compare ns/customer with models' BenchmarkMM1 (the same world
// built directly): the difference is the cost of the scenario layer.
//
//	go test -run XXX -bench RunMM1 -benchtime 10000000x ./scenarios/
func BenchmarkRunMM1(b *testing.B) {
	duration := time.Duration(float64(b.N) / 800 * float64(time.Second))
	src := fmt.Sprintf(`
title = "M/M/1 benchmark"
duration = "%s"
interval = "1s"
seed = 1

[[services]]
name = "server"
service_time = "exp(1ms)"

[[clients]]
name = "customers"
target = "server"
rate = 800
`, max(duration, time.Second))
	b.ReportAllocs()
	b.ResetTimer()
	s, err := Load("bench.toml", []byte(src))
	if err != nil {
		b.Fatal(err)
	}
	r, err := Run(s, Options{Now: time.Now, Series: true})
	if err != nil {
		b.Fatal(err)
	}
	if err := r.WriteJSON(io.Discard); err != nil {
		b.Fatal(err)
	}
	if err := r.WriteSeriesCSV(io.Discard); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	served, _ := r.Rows[0].Number("services.server.served")
	if served == 0 {
		return
	}
	ns := float64(b.Elapsed().Nanoseconds())
	b.ReportMetric(ns/served, "ns/customer")
	b.ReportMetric(served/(ns/1e9), "customers/s")
}

// sweep50 is docs/PERFORMANCE.md's batch of issue 19: the base and a
// retrying variant x 50 points x 6 replications, 600 runs of 60 s.
const sweep50 = `
title = "50-point sweep with replications (perf measurement)"
duration = "60s"
interval = "1s"
seed = 1
replications = 6

[[services]]
name = "api"
workers = 8
queue = { limit = 1000 }
service_time = "exp(20ms)"

[[clients]]
name = "users"
target = "api"
rate = 200
timeout = "200ms"

[[variants]]
name = "retries"
set = { "clients.users.retry" = { attempts = 3 } }

[sweep]
x = { path = "clients.users.rate", from = 40, to = 530, steps = 50 }
`

// BenchmarkSweep50 runs that batch (one op is the whole batch, on
// Parallel workers) and reports what it allocates per run: the garbage
// the collector must take back, which at --parallel 2 it takes from the
// workers' time. Allocation counts do not move with the machine's load.
//
//	go test -run XXX -bench Sweep50 -benchtime 3x ./scenarios/
func BenchmarkSweep50(b *testing.B) {
	for _, par := range []int{1, 2} {
		b.Run(fmt.Sprintf("parallel=%d", par), func(b *testing.B) {
			s, err := Load("sweep50.toml", []byte(sweep50))
			if err != nil {
				b.Fatal(err)
			}
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			runs := 0
			for b.Loop() {
				r, err := Run(s, Options{Parallel: par})
				if err != nil {
					b.Fatal(err)
				}
				runs += len(r.Rows) * r.Replications
			}
			runtime.ReadMemStats(&m1)
			b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(runs), "B/run")
			b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(runs), "allocs/run")
			b.ReportMetric(float64(m1.NumGC-m0.NumGC)/float64(b.N), "GCs/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(runs), "ns/run")
		})
	}
}
