package strategies

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func newOD(t *testing.T, n int, edit func(*OutlierConfig)) *OutlierDetector {
	t.Helper()
	cfg := DefaultOutlierConfig()
	if edit != nil {
		edit(&cfg)
	}
	d, err := NewOutlierDetector(cfg, n)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOutlierConsecutive5xx: Envoy's default consecutive_5xx is 5: the
// 5th server error in a row ejects, not the 4th; a success resets the run.
func TestOutlierConsecutive5xx(t *testing.T) {
	d := newOD(t, 10, nil)
	for k := 1; k <= 4; k++ {
		if d.Report(0, 3, Outlier5xx, nil) {
			t.Fatalf("ejected at the %dth error", k)
		}
	}
	d.Report(0, 3, OutlierSuccess, nil)
	for k := 1; k <= 4; k++ {
		if d.Report(0, 3, Outlier5xx, nil) {
			t.Fatalf("ejected at the %dth error after a success", k)
		}
	}
	if !d.Report(0, 3, Outlier5xx, nil) || !d.Ejected(3) || d.EjectedHosts() != 1 || d.Ejections() != 1 {
		t.Fatalf("the 5th error in a row did not eject")
	}
	// A timeout is a 5xx too (504) but, enforced 0% by default as a
	// gateway failure, it ejects only through the 5xx run.
	e := newOD(t, 10, nil)
	for k := 1; k <= 5; k++ {
		if got := e.Report(0, 0, OutlierGatewayFailure, nil); got != (k == 5) {
			t.Fatalf("timeout %d: ejected %v", k, got)
		}
	}
}

// TestOutlierEjectionTimeGrows: ejected for base x times ejected (30 s,
// then 60 s), back at the first sweep after that, capped at
// max_ejection_time.
func TestOutlierEjectionTimeGrows(t *testing.T) {
	d := newOD(t, 10, nil)
	eject := func(now sim.Time) {
		for range 5 {
			d.Report(now, 0, Outlier5xx, nil)
		}
		if !d.Ejected(0) {
			t.Fatalf("at %v: not ejected", now)
		}
	}
	s := sim.Time(time.Second)
	eject(0)
	if got := d.EjectedUntil(0); got != 30*s {
		t.Fatalf("first ejection until %v, want 30s", got)
	}
	d.Sweep(20*s, nil)
	if !d.Ejected(0) {
		t.Fatal("back before 30s")
	}
	d.Sweep(30*s, nil)
	if d.Ejected(0) {
		t.Fatal("still ejected at the sweep at 30s")
	}
	eject(35 * s)
	if got := d.EjectedUntil(0); got != 95*s {
		t.Fatalf("second ejection until %v, want 35s + 60s", got)
	}
	c := newOD(t, 10, func(c *OutlierConfig) { c.MaxEjectionTime = 45 * time.Second })
	for k := range 2 {
		for range 5 {
			c.Report(0, 0, Outlier5xx, nil)
		}
		if k == 0 {
			c.Sweep(30*s, nil)
		}
	}
	if got := c.EjectedUntil(0); got != 45*s {
		t.Fatalf("capped ejection until %v, want 0 + 45s", got)
	}
}

// TestOutlierMaxEjectionPercent: at most 10% of 20 hosts (2) ejected at
// once; of 5 hosts (10% is half a host) still one, as Envoy always ejects
// one.
func TestOutlierMaxEjectionPercent(t *testing.T) {
	for _, tc := range []struct{ hosts, want int }{{20, 2}, {5, 1}, {10, 1}, {30, 3}} {
		d := newOD(t, tc.hosts, nil)
		for i := range tc.hosts {
			for range 5 {
				d.Report(0, i, Outlier5xx, nil)
			}
		}
		if d.EjectedHosts() != tc.want {
			t.Errorf("%d hosts all failing: %d ejected, want %d", tc.hosts, d.EjectedHosts(), tc.want)
		}
	}
}

// TestOutlierSuccessRate: over hosts with at least 100 requests, the
// threshold is mean - 1.9 stdev; a host below it is ejected at the sweep,
// one at it is not; fewer than 5 such hosts disable the test.
func TestOutlierSuccessRate(t *testing.T) {
	feed := func(d *OutlierDetector, i, ok, fail int) {
		for range ok {
			d.Report(0, i, OutlierSuccess, nil)
		}
		for k := range fail {
			// interleave so no run of 5 errors ejects inline
			d.Report(0, i, Outlier5xx, nil)
			if k%4 == 3 {
				d.Report(0, i, OutlierSuccess, nil)
				ok++
			}
		}
	}
	d := newOD(t, 6, func(c *OutlierConfig) { c.MaxEjectionPercent = 100 })
	for i := range 5 {
		feed(d, i, 100, 0)
	}
	feed(d, 5, 200, 40) // 250 requests, 210 ok: 84%
	rates := []float64{100, 100, 100, 100, 100, 84}
	var m, ss float64
	for _, r := range rates {
		m += r / 6
	}
	for _, r := range rates {
		ss += (r - m) * (r - m) / 6
	}
	want := m - 1.9*math.Sqrt(ss)
	got, ok := d.SuccessRateThreshold()
	if !ok || math.Abs(got-want) > 1e-9 {
		t.Fatalf("threshold %v (%v), want %v", got, ok, want)
	}
	if n := d.Sweep(0, nil); n != 1 || !d.Ejected(5) {
		t.Fatalf("sweep ejected %d, host 5 ejected %v; want host 5 (84%% < %.2f%%)", n, d.Ejected(5), want)
	}
	// four hosts with enough volume: no success-rate ejection
	e := newOD(t, 5, func(c *OutlierConfig) { c.MaxEjectionPercent = 100 })
	for i := range 4 {
		feed(e, i, 100, 0)
	}
	feed(e, 4, 99, 0)
	if _, ok := e.SuccessRateThreshold(); ok {
		t.Fatal("threshold with 4 hosts of volume 100")
	}
}

// TestOutlierFailurePercentage: enforced (Envoy enforces it 0% by
// default), a host failing 85% or more of at least 50 requests is ejected,
// one at 84% is not.
func TestOutlierFailurePercentage(t *testing.T) {
	d := newOD(t, 5, func(c *OutlierConfig) {
		c.EnforcingFailurePercentage = 100
		c.EnforcingSuccessRate = 0
		c.MaxEjectionPercent = 100
		c.Consecutive5xx = 1000
	})
	fails := []int{0, 0, 42, 43, 50} // of 50: 0%, 0%, 84%, 86%, 100%
	for i, f := range fails {
		for k := range 50 {
			r := OutlierSuccess
			if k < f {
				r = Outlier5xx
			}
			d.Report(0, i, r, nil)
		}
	}
	if n := d.Sweep(0, nil); n != 2 || d.Ejected(2) || !d.Ejected(3) || !d.Ejected(4) {
		t.Fatalf("ejected %d: %v %v %v, want hosts 3 and 4", n, d.Ejected(2), d.Ejected(3), d.Ejected(4))
	}
	off := newOD(t, 5, func(c *OutlierConfig) { c.EnforcingSuccessRate = 0; c.Consecutive5xx = 1000 })
	for i := range 5 {
		for range 50 {
			off.Report(0, i, Outlier5xx, nil)
		}
	}
	if n := off.Sweep(0, nil); n != 0 {
		t.Fatalf("default enforcing 0%% ejected %d", n)
	}
}

// TestOutlierEnforcing: enforcing 30% ejects about 30% of the outliers.
func TestOutlierEnforcing(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n, ej := 4000, 0
	for range n {
		d := newOD(t, 1, func(c *OutlierConfig) { c.EnforcingConsecutive5xx = 30; c.Consecutive5xx = 1 })
		if d.Report(0, 0, Outlier5xx, rng) {
			ej++
		}
	}
	p := float64(ej) / float64(n)
	if se := math.Sqrt(0.3 * 0.7 / float64(n)); math.Abs(p-0.3) > 4*se {
		t.Fatalf("enforced %.3f of outliers, want 0.30 ± %.3f", p, 4*se)
	}
}

func TestOutlierSpecErrors(t *testing.T) {
	bad := 101
	s := OutlierSpec{MaxEjectionPercent: &bad}
	s.ApplyDefaults()
	if err := s.Validate(); err == nil || err.Error() != "max_ejection_percent: must be a percentage in [0, 100], got 101" {
		t.Fatalf("got %v", err)
	}
	zero := 0
	s = OutlierSpec{EnforcingConsecutive5xx: &zero}
	s.ApplyDefaults()
	if *s.EnforcingConsecutive5xx != 0 || s.Validate() != nil {
		t.Fatal("an explicit 0 was replaced or refused")
	}
}

func BenchmarkOutlierReport(b *testing.B) {
	d, _ := NewOutlierDetector(DefaultOutlierConfig(), 10)
	rng := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for i := range b.N {
		r := OutlierSuccess
		if i%7 == 0 {
			r = Outlier5xx
		}
		d.Report(sim.Time(i), i%10, r, rng)
		if i%1000 == 0 {
			d.Sweep(sim.Time(i), rng)
		}
	}
}
