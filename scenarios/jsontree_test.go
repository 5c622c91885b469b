package scenarios

import (
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// shortIs fails t unless appendJSONFloat writes x as appendFloatText does,
// and reports whether appendShort took x.
func shortIs(t interface {
	Helper()
	Fatalf(string, ...any)
}, x float64) bool {
	t.Helper()
	want := string(appendFloatText(nil, x))
	if got := string(appendJSONFloat(nil, x)); got != want {
		t.Fatalf("appendJSONFloat(%v) = %q, strconv's text is %q", x, got, want)
	}
	_, ok := appendShort(nil, x)
	return ok
}

// TestAppendShort holds appendShort's text of whole numbers and whole
// numbers of nanoseconds to strconv's: every nanosecond count below 2^21
// (2.1 ms) and at the ends of its range, whole numbers at the ends of
// theirs, and random ones of both, of either sign, and random float64s; and it checks that
// the numbers outside its ranges go to strconv.
func TestAppendShort(t *testing.T) {
	for k := int64(1); k < 1<<21; k++ {
		x := float64(k) / 1e9
		if !shortIs(t, x) && x >= 1e-6 {
			t.Fatalf("%v (%d ns) went to strconv", x, k)
		}
	}
	took := []float64{
		0, 1, -1, 7, 1e-6, -1e-6, 0.5, 0.25, 1.5, 0.1, 0.3, 123456.789, 0.000001001,
		wholeMax - 1, -(wholeMax - 1), wholeMax / 2, 1e15, 999999999999999,
		nanosMax - 1e-9, -(nanosMax - 1e-9), nanosMax - 0.5, 4194303.999999999,
	}
	for _, x := range took {
		if !shortIs(t, x) {
			t.Errorf("%v went to strconv", x)
		}
	}
	left := []float64{
		math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1),
		wholeMax, -wholeMax, wholeMax + 2, 1e21, 1e300,
		9.99e-7, 1e-7, 5e-324, math.SmallestNonzeroFloat64,
		nanosMax + 0.5, 1.0 / 3, 2.0 / 3, math.Nextafter(0.3, 1), math.Nextafter(0.1, 0), 23950.666666666668, 1e-10,
		math.Nextafter(0.5, 1), math.Nextafter(0.001, 0),
	}
	for _, x := range left {
		if shortIs(t, x) {
			t.Errorf("%v was taken, not left to strconv", x)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		shortIs(t, float64(r.Int64N(2*nanosMax*1e9)-nanosMax*1e9)/1e9)
		shortIs(t, float64(r.Int64N(4*wholeMax)-2*wholeMax))
		shortIs(t, math.Float64frombits(r.Uint64()))
	}
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.Int64Range(-nanosMax*1e9, nanosMax*1e9).Draw(t, "ns")
		shortIs(t, float64(k)/1e9)
		w := rapid.Int64Range(-wholeMax*2, wholeMax*2).Draw(t, "whole")
		shortIs(t, float64(w))
		shortIs(t, math.Float64frombits(rapid.Uint64().Draw(t, "bits")))
		shortIs(t, rapid.Float64().Draw(t, "float"))
	})
}
