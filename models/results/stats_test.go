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
