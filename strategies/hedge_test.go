package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestHedgerFixed(t *testing.T) {
	h, err := NewHedger(HedgeConfig{Mode: HedgeFixed, Delay: ms(10), MaxAttempts: 3, CancelOthers: true})
	if err != nil {
		t.Fatal(err)
	}
	h.Observe(0, time.Second) // ignored in fixed mode
	if h.Delay(0) != ms(10) || h.MaxAttempts() != 3 || !h.CancelOthers() {
		t.Errorf("fixed hedger: Delay %v, MaxAttempts %d, CancelOthers %v", h.Delay(0), h.MaxAttempts(), h.CancelOthers())
	}
	for sent, want := range []bool{true, true, true, false} {
		if got := h.ShouldHedge(sent); got != want {
			t.Errorf("ShouldHedge(%d) = %v, want %v", sent, got, want)
		}
	}
}

// within reports whether got is within 2% of want (the sketch's error).
func within(got, want time.Duration) bool {
	return float64(got) >= 0.98*float64(want) && float64(got) <= 1.02*float64(want)
}

func TestHedgerPercentile(t *testing.T) {
	h, err := NewHedger(HedgeConfig{Mode: HedgePercentile, Delay: ms(7), Percentile: 50, Window: 2 * time.Second,
		MinSamples: 3, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	delay := func(now sim.Time) any { return h.Delay(now) }
	near := func(want time.Duration) func(sim.Time) any {
		return func(now sim.Time) any { return within(h.Delay(now), want) }
	}
	obs := func(ds ...time.Duration) func(sim.Time) any {
		return func(now sim.Time) any {
			for _, d := range ds {
				h.Observe(now, d)
			}
			return nil
		}
	}
	runSteps(t, []step{
		{0, "Delay with no samples", delay, ms(7)},
		{0, "Observe 10ms, 20ms", obs(ms(10), ms(20)), nil},
		// The estimate is refreshed at most every Window/128 (15.6 ms).
		{ms(20), "Delay below MinSamples", delay, ms(7)},
		{ms(20), "Observe 30ms", obs(ms(30)), nil},
		{ms(40), "Delay ≈ median 20ms", near(ms(20)), true},
		{ms(50), "Observe 40ms, 50ms, 60ms, 70ms", obs(ms(40), ms(50), ms(60), ms(70)), nil},
		{ms(70), "Delay ≈ median 40ms", near(ms(40)), true},
		// Two halves of 1 s: samples from [0, 1 s) are dropped at 2 s.
		{ms(1980), "Delay ≈ 40ms", near(ms(40)), true},
		{ms(2000), "Delay back to the fallback", delay, ms(7)},
	})
	for _, c := range []HedgeConfig{
		{Mode: 5, MaxAttempts: 2},
		{Mode: HedgeFixed, Delay: -1, MaxAttempts: 2},
		{Mode: HedgeFixed, MaxAttempts: 1},
		{Mode: HedgePercentile, MaxAttempts: 2, Percentile: 100, Window: time.Second, MinSamples: 1},
		{Mode: HedgePercentile, MaxAttempts: 2, Percentile: 95, Window: 0, MinSamples: 1},
		{Mode: HedgePercentile, MaxAttempts: 2, Percentile: 95, Window: time.Second, MinSamples: 0},
	} {
		if _, err := NewHedger(c); err == nil {
			t.Errorf("NewHedger(%+v) succeeded", c)
		}
	}
	if _, err := NewHedger(DefaultHedgeConfig()); err != nil {
		t.Error(err)
	}
}

func TestLatencySketchAccuracy(t *testing.T) {
	s := latencySketch{half: time.Hour}
	r := sim.NewRand(5, "sketch")
	for range 100000 {
		s.record(0, time.Duration(r.ExpFloat64()*float64(ms(20))))
	}
	// Exp(20ms): the p-quantile is −ln(1−p)·20ms.
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, ms(13.8629)}, {0.95, ms(59.9146)}, {0.99, ms(92.1034)}} {
		got := s.quantile(0, c.q)
		if float64(got) < 0.96*float64(c.want) || float64(got) > 1.04*float64(c.want) {
			t.Errorf("quantile(%v) = %v, want about %v", c.q, got, c.want)
		}
	}
	if sketchIndex(0) != 0 || sketchIndex(1e15) != sketchBuckets-1 {
		t.Error("sketch index out of range at the ends")
	}
}

func ExampleHedger() {
	h, _ := NewHedger(HedgeConfig{Mode: HedgePercentile, Delay: 10 * time.Millisecond, Percentile: 95,
		Window: time.Minute, MinSamples: 100, MaxAttempts: 2, CancelOthers: true})
	fmt.Println("before samples:", h.Delay(0))
	for i := range 1000 { // latencies 1ms, 2ms, ..., 100ms
		h.Observe(0, time.Duration(i%100+1)*time.Millisecond)
	}
	d := h.Delay(sim.Time(time.Second)).Round(time.Millisecond) // p95 = 95ms, ±2%
	fmt.Println("hedge after about", d, "- one extra copy:", h.ShouldHedge(1), h.ShouldHedge(2))
	// Output:
	// before samples: 10ms
	// hedge after about 96ms - one extra copy: true false
}
