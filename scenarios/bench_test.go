package scenarios

import (
	"fmt"
	"io"
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
