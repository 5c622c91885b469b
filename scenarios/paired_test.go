package scenarios

import (
	"math"
	"strings"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// welch is the unpaired interval of a row's difference from the base:
// the two rows' own means and half-widths, as if run apart.
func welch(t *testing.T, base, r *Row, metric string, n int) (diff, half float64) {
	t.Helper()
	ma, okA := base.Number(metric)
	mb, okB := r.Number(metric)
	ha, okHA := base.CI95(metric)
	hb, okHB := r.CI95(metric)
	if !okA || !okB || !okHA || !okHB {
		t.Fatalf("%s: %s has no mean or interval", r.Variant, metric)
	}
	return results.WelchCI95(ma, ha, n, mb, hb, n)
}

// TestPairedNarrowerOnBuiltin: on cache-stampede (5 replications), the
// paired interval of every variant's difference from the base in goodput
// is centred on the difference of the means and far narrower than the
// unpaired one: the variants see the same calls, so the noise of the
// arrivals cancels. (Pairing pays where the variants respond alike to the
// same draws; a strategy that draws differently, such as another jitter,
// shares less, and with 3 replications the paired interval's 2 degrees
// of freedom can make it the wider one: docs/SCENARIOS.md says so.)
func TestPairedNarrowerOnBuiltin(t *testing.T) {
	s, err := LoadBuiltin("cache-stampede")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(s, Options{Set: []string{"duration=1m"}})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i := range res.Rows {
		r := &res.Rows[i]
		base := baseOf(res.Rows, r)
		if base == nil || base == r {
			continue
		}
		for _, m := range []string{"goodput"} {
			d, half, n, ok := r.vsBase(m)
			if !ok || n != res.Replications {
				t.Fatalf("%s at %v: %s has no paired difference over %d replications (n %d)", r.Variant, r.Point, m, res.Replications, n)
			}
			wd, wh := welch(t, base, r, m, n)
			if math.Abs(wd-d) > 1e-9*math.Max(1, math.Abs(d)) {
				t.Errorf("%s at %v: %s paired difference %v, difference of means %v", r.Variant, r.Point, m, d, wd)
			}
			if !(half < wh/2) {
				t.Errorf("%s at %v: %s paired ±%v is not half the unpaired ±%v", r.Variant, r.Point, m, half, wh)
			}
			checked++
		}
	}
	if checked != 3 {
		t.Errorf("checked %d differences, want 3 (one per variant)", checked)
	}
	var table strings.Builder
	if err := res.WriteTable(&table, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "Paired differences from base") || !strings.Contains(table.String(), "Δp99") {
		t.Errorf("the table shows no paired differences:\n%s", table.String())
	}
}

// TestPairedContainsTrueDifference: M/M/1 at 800 calls/s, with a
// variant whose server takes 0.9 ms instead of 1 ms. Queueing theory
// gives both mean response times, 1/(mu - lambda): 5 ms and 1/(1111.1 -
// 800) s = 3.214 ms, so the true difference (and ratio, 0.643) is known; the paired and the unpaired
// interval both contain it, the paired one narrower. A claim relative to
// the base keeps the metric per replication and prints the paired
// interval of the ratio. Goodput differs by the calls left in the system
// at the end, also known.
func TestPairedContainsTrueDifference(t *testing.T) {
	src, err := BuiltinSource("mm1")
	if err != nil {
		t.Fatal(err)
	}
	s := mustLoad(t, "mm1-fast.toml", string(src)+`
[[variants]]
name = "fast"
set = { "services.server.service_time" = "exp(0.9ms)" }

[[expect]]
variant = "fast"
metric = "latency_s.mean"
relative_to = "base"
max = 0.7
`)
	res, err := Run(s, Options{Replications: 10, Set: []string{"duration=2m"}})
	if err != nil {
		t.Fatal(err)
	}
	base, fast := &res.Rows[0], &res.Rows[1]
	wFast := 1 / (1/0.0009 - 800.0)
	truth := wFast - 1.0/200
	d, half, n := results.PairedCI95(base.reps["latency_s.mean"], fast.reps["latency_s.mean"])
	if n != 10 {
		t.Fatalf("latency_s.mean kept in %d replications, want 10", n)
	}
	wd, wh := welch(t, base, fast, "latency_s.mean", n)
	t.Logf("true %.6f; paired %.6f ±%.6f; unpaired %.6f ±%.6f", truth, d, half, wd, wh)
	if math.Abs(d-truth) > half {
		t.Errorf("the paired interval %v ±%v does not contain the true difference %v", d, half, truth)
	}
	if math.Abs(wd-truth) > wh {
		t.Errorf("the unpaired interval %v ±%v does not contain the true difference %v", wd, wh, truth)
	}
	if !(half < 0.7*wh) {
		t.Errorf("paired ±%v is not well inside the unpaired ±%v", half, wh)
	}
	ratio, rh, _ := results.PairedRatioCI95(base.reps["latency_s.mean"], fast.reps["latency_s.mean"])
	if math.Abs(ratio-wFast*200) > rh {
		t.Errorf("the paired ratio %v ±%v does not contain %v", ratio, rh, wFast*200)
	}
	if len(res.Claims) != 5 || !strings.Contains(res.Claims[4].Got, "paired") || !res.Claims[4].OK {
		t.Errorf("the relative claim: %+v, want it to hold and show its paired interval", res.Claims[len(res.Claims)-1])
	}
	// Every call succeeds under both; only the calls still in the system
	// at the end differ: rho/(1-rho) of them, 4 and 2.571, over 120 s.
	gTruth := (4 - 0.72/0.28) / 120
	if d, half, n, ok := fast.vsBase("goodput"); !ok || math.Abs(d-gTruth) > half || n != 10 {
		t.Errorf("goodput: paired %v ±%v over %d (%v), want an interval around %v over 10", d, half, n, ok, gTruth)
	}
	if _, _, _, ok := base.vsBase("goodput"); ok {
		t.Errorf("the base has a difference from itself")
	}
}
