package results

import (
	"math"
	"testing"
)

func TestMeanCI95(t *testing.T) {
	m, hw, n := MeanCI95([]float64{1, 2, 3})
	if n != 3 || m != 2 || math.Abs(hw-4.302652729*1/math.Sqrt(3)) > 1e-9 {
		t.Errorf("MeanCI95(1,2,3) = %v ±%v (n %d)", m, hw, n)
	}
	if m, hw, _ := MeanCI95([]float64{0.1, 0.1, 0.1}); m != 0.1 || hw != 0 {
		t.Errorf("a constant averages to %v ±%v, want exactly 0.1 ±0", m, hw)
	}
	if m, hw, n := MeanCI95([]float64{7, math.NaN()}); m != 7 || hw != 0 || n != 1 {
		t.Errorf("MeanCI95(7, NaN) = %v ±%v (n %d), want 7 ±0 (n 1)", m, hw, n)
	}
	if m, _, n := MeanCI95(nil); !math.IsNaN(m) || n != 0 {
		t.Errorf("MeanCI95() = %v (n %d), want NaN (n 0)", m, n)
	}
	// Quantiles from R's qt(0.975, df).
	for df, want := range map[int]float64{1: 12.706204736, 10: 2.228138852, 30: 2.042272456,
		31: 2.039513446, 40: 2.021075390, 60: 2.000297804, 120: 1.979930405, 1000: 1.962339022} {
		if got := TQuantile975(df); math.Abs(got-want) > 2e-6 {
			t.Errorf("t(0.975, %d) = %.9f, want %.9f", df, got, want)
		}
	}
}

// TestSample: a Sample's mean is MeanCI95's to the bit at any length, its
// half-width to the bit up to ExactSample values and to rounding past it,
// and it keeps no values past ExactSample.
func TestSample(t *testing.T) {
	var xs []float64
	var s Sample
	x := 0.3
	for i := range 3 * ExactSample {
		x = math.Mod(x*7.31+0.17, 5) // a deterministic, irregular stream
		v := x * 1e-3
		if i%97 == 0 {
			v = math.NaN()
		}
		xs = append(xs, v)
		s.Add(v)
		if n := len(xs); n != 1 && n != 2 && n != 10 && n != ExactSample && n != ExactSample+1 && n != 3*ExactSample {
			continue
		}
		wm, wh, wn := MeanCI95(xs)
		gm, gh, gn := s.MeanCI95()
		if !same(gm, wm) || gn != wn {
			t.Errorf("%d values: mean %v (n %d), want MeanCI95's %v (n %d)", len(xs), gm, gn, wm, wn)
		}
		exact := gn <= ExactSample
		if exact && !same(gh, wh) || !exact && math.Abs(gh-wh) > 1e-12*wh {
			t.Errorf("%d values: half-width %v, want %v", len(xs), gh, wh)
		}
	}
	if s.kept != nil {
		t.Errorf("a sample of %d values keeps %d of them", len(xs), len(s.kept))
	}
	var c Sample
	for range 2 * ExactSample {
		c.Add(0.1)
	}
	if m, h, _ := c.MeanCI95(); m != 0.1 || h != 0 {
		t.Errorf("a long constant sample averages to %v ±%v, want exactly 0.1 ±0", m, h)
	}
}

// same reports whether a and b are the same float64, NaN included.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
func TestPairedCI95(t *testing.T) {
	// b = a + 1 + a little: the shared noise in a cancels.
	a := []float64{10, 20, 30, 40, 50}
	b := []float64{11, 21.2, 30.9, 41.1, 50.8}
	d, h, n := PairedCI95(a, b)
	if n != 5 || math.Abs(d-1) > 1e-12 {
		t.Fatalf("PairedCI95 = %v ±%v (n %d), want 1 (n 5)", d, h, n)
	}
	// By hand: differences 1, 1.2, 0.9, 1.1, 0.8, sd = sqrt(0.1/4).
	if want := 2.7764451052 * math.Sqrt(0.1/4) / math.Sqrt(5); math.Abs(h-want) > 1e-9 {
		t.Errorf("paired half-width %v, want %v", h, want)
	}
	ma, ha, na := MeanCI95(a)
	mb, hb, nb := MeanCI95(b)
	wd, wh := WelchCI95(ma, ha, na, mb, hb, nb)
	if math.Abs(wd-d) > 1e-12 || !(wh > 10*h) {
		t.Errorf("Welch %v ±%v against paired %v ±%v: want the same difference, a far wider interval", wd, wh, d, h)
	}
	// A NaN drops its pair only.
	if _, _, n := PairedCI95([]float64{1, math.NaN(), 3}, []float64{2, 5, math.Inf(1)}); n != 1 {
		t.Errorf("pairs with a NaN or Inf: n = %d, want 1", n)
	}
	if d, _, n := PairedCI95(nil, nil); !math.IsNaN(d) || n != 0 {
		t.Errorf("no pairs: %v (n %d), want NaN (n 0)", d, n)
	}
}

func TestWelchCI95(t *testing.T) {
	// Two samples {1,2,3} and {2,4,6}: R's t.test(c(2,4,6), c(1,2,3))
	// gives the interval [-1.8622, 5.8622] with 2.9412 df, which rounded
	// down to 2 df widens to 2 ± 4.3027 x sqrt(1/3 + 4/3).
	ma, ha, na := MeanCI95([]float64{1, 2, 3})
	mb, hb, nb := MeanCI95([]float64{2, 4, 6})
	d, h := WelchCI95(ma, ha, na, mb, hb, nb)
	if want := 4.3026527297 * math.Sqrt(1.0/3+4.0/3); d != 2 || math.Abs(h-want) > 1e-9 {
		t.Errorf("Welch = %v ±%v, want 2 ±%v", d, h, want)
	}
	if _, h := WelchCI95(1, 0, 1, 2, 0.5, 5); !math.IsNaN(h) {
		t.Errorf("Welch with one value on a side: half-width %v, want NaN", h)
	}
}

func TestPairedRatioCI95(t *testing.T) {
	a := []float64{10, 20, 30, 40}
	b := []float64{5, 10, 15, 20}
	r, h, n := PairedRatioCI95(a, b)
	if n != 4 || r != 0.5 || h != 0 {
		t.Errorf("an exact half: %v ±%v (n %d), want 0.5 ±0 (n 4)", r, h, n)
	}
	r, h, _ = PairedRatioCI95(a, []float64{6, 10, 14, 21})
	if math.Abs(r-0.51) > 1e-12 || !(h > 0 && h < 0.1) {
		t.Errorf("ratio %v ±%v, want 0.51 with a small interval", r, h)
	}
	if r, _, _ := PairedRatioCI95([]float64{0, 0}, []float64{1, 2}); !math.IsNaN(r) {
		t.Errorf("ratio to zero = %v, want NaN", r)
	}
}
