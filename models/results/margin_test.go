package results

import (
	"math"
	"testing"
)

func TestWilsonCI95(t *testing.T) {
	// By hand from Wilson's formula with z = 1.96: 0 of 10 gives
	// [0, 0.2775]; 5 of 10 gives [0.2366, 0.7634].
	for _, tc := range []struct {
		k, n   int
		lo, hi float64
	}{{0, 10, 0, 0.27753}, {5, 10, 0.23659, 0.76341}, {10, 10, 0.72247, 1}} {
		lo, hi := WilsonCI95(tc.k, tc.n)
		if math.Abs(lo-tc.lo) > 1e-4 || math.Abs(hi-tc.hi) > 1e-4 {
			t.Errorf("WilsonCI95(%d, %d) = [%.5f, %.5f], want [%.5f, %.5f]", tc.k, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	if lo, _ := WilsonCI95(0, 0); !math.IsNaN(lo) {
		t.Errorf("no runs: %v, want NaN", lo)
	}
}
