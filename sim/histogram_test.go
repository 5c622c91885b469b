package sim_test

import (
	"flag"
	"fmt"
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
	"pgregory.net/rapid"
)

// pinRapid makes rapid's property tests deterministic unless a seed was
// asked for (-rapid.seed=N).
func pinRapid(t *testing.T) {
	t.Helper()
	f := flag.Lookup("rapid.seed")
	if f == nil || f.Value.String() != "0" {
		return
	}
	if err := flag.Set("rapid.seed", "20261124"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("rapid.seed", "0") })
}

// exactQuantile is the definition Histogram.Quantile estimates: the
// ceil(q·n)-th smallest value (at least the first).
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	k := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(k, 1), len(sorted))-1]
}

// maxQuantileError is the bound the Histogram promises (1/128 < 1%).
const maxQuantileError = 1.0 / 128

// checkQuantiles compares every quantile on a grid, and the usual
// percentiles, with the exact ones of vals.
func checkQuantiles(t interface {
	Helper()
	Errorf(string, ...any)
}, name string, h *sim.Histogram, vals []time.Duration) {
	t.Helper()
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	qs := []float64{0, 1e-6, 0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1}
	for i := 1; i < 200; i++ {
		qs = append(qs, float64(i)/200)
	}
	for _, q := range qs {
		want := exactQuantile(sorted, q)
		got := h.Quantile(q)
		if want == 0 {
			if got != 0 {
				t.Errorf("%s: Quantile(%v) = %v, want 0", name, q, got)
			}
			continue
		}
		if e := math.Abs(float64(got-want)) / float64(want); e > maxQuantileError {
			t.Errorf("%s: Quantile(%v) = %v, exact %v: relative error %.4f > %.4f", name, q, got, want, e, maxQuantileError)
		}
	}
}

// TestHistogramQuantiles: the 1% bound against the exact quantiles of a
// sorted sample, for light, bimodal and heavy-tailed latencies.
func TestHistogramQuantiles(t *testing.T) {
	specs := []string{
		"exp(20ms)",
		"uniform(0, 200ns)", // the exact small buckets and the first log ones
		"lognormal(20ms, 2)",
		"pareto(100us, 1.1)", // heavy tail: p99.99 is ~4000x the minimum
		"pareto(1ns, 0.3)",   // spans every magnitude up to saturation
		"mix(0.99: normal(1ms, 100us), 0.01: 1s)",
		"weibull(5ms, 0.4)",
		"3ms",
	}
	for _, spec := range specs {
		d := sim.MustParseDist(spec)
		r := sim.NewRand(1, "hist/"+spec)
		vals := make([]time.Duration, 20_000)
		var h sim.Histogram
		for i := range vals {
			vals[i] = d.Sample(r)
			h.Record(vals[i])
		}
		checkQuantiles(t, spec, &h, vals)
		checkSummary(t, spec, &h, vals)
	}
}

// checkSummary checks Count, Mean (against a big.Int sum), Min and Max.
func checkSummary(t *testing.T, name string, h *sim.Histogram, vals []time.Duration) {
	t.Helper()
	if h.Count() != uint64(len(vals)) {
		t.Errorf("%s: Count() = %d, want %d", name, h.Count(), len(vals))
	}
	if len(vals) == 0 {
		if h.Mean() != 0 || h.Min() != 0 || h.Max() != 0 {
			t.Errorf("%s: empty histogram has mean %v, min %v, max %v", name, h.Mean(), h.Min(), h.Max())
		}
		return
	}
	sum := new(big.Int)
	for _, v := range vals {
		sum.Add(sum, big.NewInt(int64(v)))
	}
	n := big.NewInt(int64(len(vals)))
	// round(sum/n) = floor((2·sum + n) / 2n)
	mean := new(big.Int).Div(new(big.Int).Add(new(big.Int).Lsh(sum, 1), n), new(big.Int).Lsh(n, 1))
	if h.Mean() != time.Duration(mean.Int64()) {
		t.Errorf("%s: Mean() = %v, want %v", name, h.Mean(), time.Duration(mean.Int64()))
	}
	if h.Min() != slices.Min(vals) || h.Max() != slices.Max(vals) {
		t.Errorf("%s: Min, Max = %v, %v, want %v, %v", name, h.Min(), h.Max(), slices.Min(vals), slices.Max(vals))
	}
}

// TestHistogramProperty: any values, including 0 and the largest Duration.
func TestHistogramProperty(t *testing.T) {
	pinRapid(t)
	rapid.Check(t, func(t *rapid.T) {
		magnitude := rapid.IntRange(0, 62).Draw(t, "magnitude")
		gen := rapid.OneOf(
			rapid.Int64Range(0, 1<<magnitude),
			rapid.SampledFrom([]int64{0, 1, 127, 128, 129, math.MaxInt64, math.MaxInt64 - 1}),
		)
		raw := rapid.SliceOfN(gen, 1, 300).Draw(t, "vals")
		vals := make([]time.Duration, len(raw))
		var h sim.Histogram
		for i, v := range raw {
			vals[i] = time.Duration(v)
			h.Record(vals[i])
		}
		checkQuantiles(t, "property", &h, vals)
		sorted := slices.Sorted(slices.Values(vals))
		if h.Quantile(0) != sorted[0] || h.Quantile(1) != sorted[len(sorted)-1] {
			t.Errorf("Quantile(0), Quantile(1) = %v, %v, want min %v and max %v", h.Quantile(0), h.Quantile(1), sorted[0], sorted[len(sorted)-1])
		}
	})
}

// TestHistogramQuantilesOneWalk: Quantiles, in one walk of the buckets,
// gives exactly what Quantile gives for each q.
func TestHistogramQuantilesOneWalk(t *testing.T) {
	pinRapid(t)
	rapid.Check(t, func(t *rapid.T) {
		magnitude := rapid.IntRange(0, 62).Draw(t, "magnitude")
		raw := rapid.SliceOfN(rapid.Int64Range(0, 1<<magnitude), 0, 300).Draw(t, "vals")
		var h sim.Histogram
		for _, v := range raw {
			h.Record(time.Duration(v))
		}
		qs := rapid.SliceOfN(rapid.Float64Range(0, 1), 0, 8).Draw(t, "qs")
		qs = append(qs, 0.5, 0.9, 0.99, 0.999, 0, 1)
		slices.Sort(qs)
		out := make([]time.Duration, len(qs))
		h.Quantiles(qs, out)
		for k, q := range qs {
			if want := h.Quantile(q); h.Count() > 0 && out[k] != want {
				t.Errorf("Quantiles: q=%v gives %v, Quantile gives %v", q, out[k], want)
			}
		}
	})
}

// TestHistogramBuckets: the buckets give the exact empirical CDF at their
// upper bounds, are narrow, and line up across histograms.
func TestHistogramBuckets(t *testing.T) {
	pinRapid(t)
	rapid.Check(t, func(t *rapid.T) {
		magnitude := rapid.IntRange(0, 62).Draw(t, "magnitude")
		gen := rapid.OneOf(
			rapid.Int64Range(0, 1<<magnitude),
			rapid.SampledFrom([]int64{0, 1, 127, 128, 129, math.MaxInt64, math.MaxInt64 - 1}),
		)
		raw := rapid.SliceOfN(gen, 1, 300).Draw(t, "vals")
		var h sim.Histogram
		sorted := make([]time.Duration, len(raw))
		for i, v := range raw {
			sorted[i] = time.Duration(v)
			h.Record(sorted[i])
		}
		slices.Sort(sorted)
		var cum uint64
		prev := time.Duration(-1)
		h.Buckets(func(upper time.Duration, count uint64) {
			if count == 0 || upper <= prev {
				t.Fatalf("bucket (%v, %d) after upper bound %v: want a count > 0 and increasing bounds", upper, count, prev)
			}
			// Exactly cum+count values are at or under upper, cum at or
			// under prev, and the bucket's values are within 1/64 of it.
			cum += count
			at, _ := slices.BinarySearchFunc(sorted, upper, func(v, u time.Duration) int {
				if v <= u {
					return -1
				}
				return 1
			})
			if uint64(at) != cum {
				t.Fatalf("%d values <= %v, the buckets say %d", at, upper, cum)
			}
			lo := sorted[cum-count]
			if lo <= prev || (upper >= 128 && float64(upper-lo) > float64(lo)/64) {
				t.Fatalf("bucket (%v, %d) holds %v: wider than 1/64 or overlapping %v", upper, count, lo, prev)
			}
			prev = upper
		})
		if cum != h.Count() || prev < h.Max() {
			t.Fatalf("buckets hold %d values up to %v, want %d up to at least %v", cum, prev, h.Count(), h.Max())
		}
	})

	// Merged histograms have the union of the buckets, with counts added.
	var a, b sim.Histogram
	for i := range 1000 {
		a.Record(time.Duration(i*i) * time.Microsecond)
		b.Record(time.Duration(i*7) * time.Millisecond)
	}
	want := map[time.Duration]uint64{}
	a.Buckets(func(u time.Duration, c uint64) { want[u] += c })
	b.Buckets(func(u time.Duration, c uint64) { want[u] += c })
	a.Merge(&b)
	n := 0
	a.Buckets(func(u time.Duration, c uint64) {
		n++
		if want[u] != c {
			t.Errorf("merged bucket %v holds %d, want %d", u, c, want[u])
		}
	})
	if n != len(want) {
		t.Errorf("merged histogram has %d buckets, want %d", n, len(want))
	}

	var empty sim.Histogram
	empty.Buckets(func(time.Duration, uint64) { t.Error("the empty histogram has a bucket") })
	var sum uint64
	f := func(_ time.Duration, c uint64) { sum += c }
	if allocs := testing.AllocsPerRun(100, func() { a.Buckets(f) }); allocs != 0 {
		t.Errorf("Buckets allocates %v times", allocs)
	}
}

// TestHistogramMeanWide: the sum overflows 64 bits, the mean stays exact.
func TestHistogramMeanWide(t *testing.T) {
	var h sim.Histogram
	vals := []time.Duration{math.MaxInt64, math.MaxInt64, math.MaxInt64 - 6, 1, 0, math.MaxInt64 / 3}
	for range 1000 {
		for _, v := range vals {
			h.Record(v)
		}
	}
	all := make([]time.Duration, 0, 6000)
	for range 1000 {
		all = append(all, vals...)
	}
	checkSummary(t, "wide", &h, all)

	var m sim.Histogram
	for range 3 {
		m.Record(math.MaxInt64)
	}
	if m.Mean() != math.MaxInt64 {
		t.Errorf("mean of three MaxInt64 = %v", m.Mean())
	}
	var r sim.Histogram
	r.Record(1)
	r.Record(2)
	if r.Mean() != 2 { // 1.5 rounds half up
		t.Errorf("mean of 1ns and 2ns = %v, want 2ns", r.Mean())
	}
}

// TestHistogramMerge: merging equals recording everything in one.
func TestHistogramMerge(t *testing.T) {
	ra := sim.NewRand(1, "merge/a")
	rb := sim.NewRand(1, "merge/b")
	da := sim.MustParseDist("exp(1ms)")
	db := sim.MustParseDist("pareto(10ms, 1.2)")
	var a, b, all sim.Histogram
	var vals []time.Duration
	for range 5000 {
		x, y := da.Sample(ra), db.Sample(rb)
		a.Record(x)
		b.Record(y)
		all.Record(x)
		all.Record(y)
		vals = append(vals, x, y)
	}
	merged := a
	merged.Merge(&b)
	if merged != all {
		t.Errorf("a.Merge(b) differs from recording both into one histogram")
	}
	checkQuantiles(t, "merged", &merged, vals)
	checkSummary(t, "merged", &merged, vals)

	var empty sim.Histogram
	c := a
	c.Merge(&empty)
	if c != a {
		t.Errorf("merging an empty histogram changed it")
	}
	empty.Merge(&a)
	if empty != a {
		t.Errorf("merging into an empty histogram did not copy")
	}
	twice := a
	twice.Merge(&twice)
	var aa sim.Histogram
	aa.Merge(&a)
	aa.Merge(&a)
	if twice != aa {
		t.Errorf("h.Merge(h) differs from merging h twice into an empty one")
	}
}

func TestHistogramResetAndZero(t *testing.T) {
	var h sim.Histogram
	checkSummary(t, "zero", &h, nil)
	for _, q := range []float64{0, 0.5, 1} {
		if h.Quantile(q) != 0 {
			t.Errorf("empty Quantile(%v) = %v", q, h.Quantile(q))
		}
	}
	for _, v := range []time.Duration{5, 500, 5e9, math.MaxInt64} {
		h.Record(v)
	}
	h.Reset()
	if h != (sim.Histogram{}) {
		t.Errorf("Reset did not return to the zero Histogram")
	}
	h.Record(7 * time.Millisecond)
	if h.Count() != 1 || h.Min() != 7*time.Millisecond || h.Max() != 7*time.Millisecond || h.Quantile(0.5) != 7*time.Millisecond {
		t.Errorf("after Reset and one Record: count %d, min %v, max %v, p50 %v", h.Count(), h.Min(), h.Max(), h.Quantile(0.5))
	}
}

func TestHistogramMisuse(t *testing.T) {
	var h sim.Histogram
	h.Record(1)
	for _, c := range []struct {
		name string
		f    func()
		want string
	}{
		{"Record(-1)", func() { h.Record(-1) }, "sim: Histogram.Record(-1ns): negative duration"},
		{"Quantile(-0.1)", func() { h.Quantile(-0.1) }, "sim: Histogram.Quantile(-0.1): q must be in [0, 1]"},
		{"Quantile(1.5)", func() { h.Quantile(1.5) }, "sim: Histogram.Quantile(1.5): q must be in [0, 1]"},
		{"Quantile(NaN)", func() { h.Quantile(math.NaN()) }, "sim: Histogram.Quantile(NaN): q must be in [0, 1]"},
	} {
		if got := recoverString(c.f); got != c.want {
			t.Errorf("%s panicked with %q, want %q", c.name, got, c.want)
		}
	}
}

// recoverString runs f and returns what it panicked with, as a string.
func recoverString(f func()) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestHistogramRecordAllocs(t *testing.T) {
	var h sim.Histogram
	v := time.Duration(1)
	if a := testing.AllocsPerRun(1000, func() { h.Record(v); v = (v*3 + 7) & (1<<62 - 1) }); a != 0 {
		t.Errorf("Record allocates %v times", a)
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	var h sim.Histogram
	r := sim.NewRand(1, "bench")
	vals := make([]time.Duration, 1024)
	d := sim.MustParseDist("lognormal(20ms, 1)")
	for i := range vals {
		vals[i] = d.Sample(r)
	}
	i := 0
	for b.Loop() {
		h.Record(vals[i&1023])
		i++
	}
}

func ExampleHistogram() {
	var h sim.Histogram // the zero value is ready
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	fmt.Println("count", h.Count(), "mean", h.Mean(), "min", h.Min(), "max", h.Max())
	// Quantiles are within 1% of the exact 500ms, 990ms and 999ms.
	fmt.Println("p50", h.Quantile(0.5).Round(time.Millisecond),
		"p99", h.Quantile(0.99).Round(time.Millisecond),
		"p99.9", h.Quantile(0.999).Round(time.Millisecond))
	// Output:
	// count 1000 mean 500.5ms min 1ms max 1s
	// p50 501ms p99 994ms p99.9 1s
}

// TestHistogramRolls: the models' pattern at each interval's end
// (Quantiles, Merge into the run's histogram, Reset), which walks only the
// non-empty buckets, gives the quantiles of Quantile and the histograms of
// recording everything afresh.
func TestHistogramRolls(t *testing.T) {
	pinRapid(t)
	rapid.Check(t, func(t *rapid.T) {
		var h, run, all sim.Histogram
		qs := []float64{0.5, 0.9, 0.99, 0.999}
		out := make([]time.Duration, len(qs))
		for range rapid.IntRange(1, 6).Draw(t, "intervals") {
			magnitude := rapid.IntRange(0, 62).Draw(t, "magnitude")
			raw := rapid.SliceOfN(rapid.Int64Range(0, 1<<magnitude), 0, 200).Draw(t, "vals")
			var fresh sim.Histogram
			for _, v := range raw {
				h.Record(time.Duration(v))
				fresh.Record(time.Duration(v))
				all.Record(time.Duration(v))
			}
			if h != fresh {
				t.Fatalf("recording after Reset differs from recording afresh")
			}
			h.Quantiles(qs, out)
			for k, q := range qs {
				if want := h.Quantile(q); out[k] != want {
					t.Fatalf("Quantiles: q=%v gives %v, Quantile gives %v", q, out[k], want)
				}
			}
			run.Merge(&h)
			h.Reset()
			if h != (sim.Histogram{}) {
				t.Fatalf("Reset did not return to the zero Histogram")
			}
		}
		if run != all {
			t.Fatalf("the merged intervals differ from recording everything into one histogram")
		}
	})
}

// TestHistogramDrain: Drain gives what Quantiles, Merge and Reset give.
func TestHistogramDrain(t *testing.T) {
	pinRapid(t)
	rapid.Check(t, func(t *rapid.T) {
		var h, run sim.Histogram
		var h2, run2 sim.Histogram
		for range rapid.IntRange(1, 6).Draw(t, "intervals") {
			magnitude := rapid.IntRange(0, 62).Draw(t, "magnitude")
			raw := rapid.SliceOfN(rapid.Int64Range(0, 1<<magnitude), 0, 200).Draw(t, "vals")
			for _, v := range raw {
				h.Record(time.Duration(v))
				h2.Record(time.Duration(v))
			}
			qs := rapid.SliceOfN(rapid.Float64Range(0, 1), 0, 8).Draw(t, "qs")
			qs = append(qs, 0.5, 0.9, 0.99, 0.999, 0, 1)
			slices.Sort(qs)
			got, want := make([]time.Duration, len(qs)), make([]time.Duration, len(qs))
			h.Drain(qs, got, &run)
			h2.Quantiles(qs, want)
			run2.Merge(&h2)
			h2.Reset()
			if !slices.Equal(got, want) {
				t.Fatalf("Drain's quantiles %v, Quantiles' %v", got, want)
			}
			if h != h2 || run != run2 {
				t.Fatalf("Drain's histograms differ from Merge and Reset's")
			}
		}
	})
}
