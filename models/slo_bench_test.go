package models

import (
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
)

// BenchmarkMM1Observed is BenchmarkMM1 with two SLOs (the default alert
// table each) and tail-sampled traces (the 10 slowest calls and up to 100
// failed ones: every call is recorded while in flight): the cost of
// observing a run. Compare ns/customer with BenchmarkMM1.
func BenchmarkMM1Observed(b *testing.B) {
	cfg := mm1Config(b.N, 1)
	cfg.SLOs = []config.SLOConfig{
		{Name: "avail", Client: "customers", Objective: 0.999},
		{Name: "fast", Client: "customers", Objective: 0.99, Latency: 10 * time.Millisecond},
	}
	cfg.Traces = config.TraceConfig{Slowest: 10, Failed: true}
	benchCustomers(b, cfg)
}
