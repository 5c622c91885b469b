package plots

import (
	"math"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot"
)

// TestCompareAlike: bars whose values are equal within noise (their 95%
// intervals overlap, a failed share's from its count; without intervals,
// within half a percent) give way to one "all ≈" label with no axis, as
// equal values do; bars that differ beyond it stay bars.
func TestCompareAlike(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name   string
		vs, ci []float64
		alike  bool
	}{
		{"cache-stampede's goodputs", []float64{1798.7, 1800.1, 1800.1, 1800.1}, []float64{3.5, 3.6, 3.6, 3.6}, true},
		{"intervals apart", []float64{1798.7, 1810}, []float64{3.5, 3.6}, false},
		{"no intervals, within 0.5%", []float64{1000, 1004}, []float64{nan, nan}, true},
		{"no intervals, 1% apart", []float64{1000, 1010}, []float64{nan, nan}, false},
		{"one interval", []float64{1000, 1004}, []float64{0.5, nan}, true},
		{"a value missing", []float64{1000, nan}, []float64{nan, nan}, false},
		{"one bar", []float64{1000}, []float64{nan}, false},
	} {
		h := &hbars{}
		for i, v := range c.vs {
			h.bars = append(h.bars, hbar{v: v, ci: c.ci[i]})
		}
		if got := h.alike(); got != c.alike {
			t.Errorf("%s: alike = %v, want %v", c.name, got, c.alike)
		}
	}

	runs := fakeRuns(120, []storm{
		{name: "a", amplify: 2, recoverAtS: 84, collapse: 0.3},
		{name: "b", amplify: 3, recoverAtS: 95, collapse: 0.3},
	})
	runs[0].Results.Summary.Goodput, runs[1].Results.Summary.Goodput = 1798.7, 1800.1
	runs[0].CI95 = map[string]float64{"goodput": 3.5}
	runs[1].CI95 = map[string]float64{"goodput": 3.6}
	f, err := Compare(runs, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Panels[0][0].X.Tick.Marker.(plot.ConstantTicks); !ok {
		t.Errorf("goodput panel of 1,798.7 ±3.5 and 1,800.1 ±3.6 has ticks %T: want no axis (all ≈1.8k)", f.Panels[0][0].X.Tick.Marker)
	}
	if _, ok := f.Panels[0][2].X.Tick.Marker.(plot.ConstantTicks); ok {
		t.Error("amplification panel of 2× and 3× has no axis: want bars")
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}

	// Failed calls: one timeout in 190,000 calls (hedging's base,
	// 0.000523%) is noise against none; 263 (cache-stampede's base,
	// 0.0812%) is not.
	failed := func(a, b results.Count) plot.Ticker {
		runs[0].Results.Summary.Calls, runs[1].Results.Summary.Calls = 190000, 190000
		runs[0].Results.Summary.Failed = map[string]results.Count{"timeout": a}
		runs[1].Results.Summary.Failed = map[string]results.Count{"timeout": b}
		f, err := Compare(runs, CompareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return f.Panels[1][1].X.Tick.Marker
	}
	if _, ok := failed(1, 0).(plot.ConstantTicks); !ok {
		t.Error("failed calls 1 and 0 of 190,000 drawn as bars: want all ≈0%")
	}
	if _, ok := failed(263, 0).(plot.ConstantTicks); ok {
		t.Error("failed calls 263 and 0 of 190,000 said alike: want bars")
	}
}
