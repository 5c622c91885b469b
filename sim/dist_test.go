package sim_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// z999 is the two-sided 99.9% point of the standard normal distribution.
const z999 = 3.29

// momentSamples is the sample size of the moment tests: big enough that a
// mean off by a fraction of a percent fails, small enough for -race.
const momentSamples = 100_000

// rawMoments returns E[X^k] for k = 1..4, in seconds^k.
type rawMoments func() [4]float64

func gammaFn(x float64) float64 { return math.Gamma(x) }

func expMoments(m float64) rawMoments {
	return func() [4]float64 { return [4]float64{m, 2 * m * m, 6 * m * m * m, 24 * m * m * m * m} }
}

func uniformMoments(a, b float64) rawMoments {
	return func() (r [4]float64) {
		for k := 1; k <= 4; k++ {
			r[k-1] = (math.Pow(b, float64(k+1)) - math.Pow(a, float64(k+1))) / (float64(k+1) * (b - a))
		}
		return r
	}
}

// lognormalMoments: E[X^k] = median^k·exp(k²σ²/2).
func lognormalMoments(med, s float64) rawMoments {
	return func() (r [4]float64) {
		for k := 1; k <= 4; k++ {
			fk := float64(k)
			r[k-1] = math.Pow(med, fk) * math.Exp(fk*fk*s*s/2)
		}
		return r
	}
}

// erlangMoments: gamma with shape k, scale θ = mean/k: E[X^j] =
// θ^j·k(k+1)...(k+j-1).
func erlangMoments(k int, mean float64) rawMoments {
	return func() (r [4]float64) {
		theta, prod := mean/float64(k), 1.0
		for j := 1; j <= 4; j++ {
			prod *= float64(k+j-1) * theta
			r[j-1] = prod
		}
		return r
	}
}

// paretoMoments: E[X^k] = α·xm^k/(α-k) for α > k.
func paretoMoments(xm, a float64) rawMoments {
	return func() (r [4]float64) {
		for k := 1; k <= 4; k++ {
			r[k-1] = a * math.Pow(xm, float64(k)) / (a - float64(k))
		}
		return r
	}
}

// weibullMoments: E[X^k] = λ^k·Γ(1+k/shape).
func weibullMoments(l, shape float64) rawMoments {
	return func() (r [4]float64) {
		for k := 1; k <= 4; k++ {
			r[k-1] = math.Pow(l, float64(k)) * gammaFn(1+float64(k)/shape)
		}
		return r
	}
}

// truncNormalMoments integrates x^k against the normal density truncated at
// 0 numerically (composite Simpson over [0, mu+12σ]), normalising by the
// integrated mass: a check of the closed forms that shares no formula with
// them.
func truncNormalMoments(mu, s float64) rawMoments {
	return func() (r [4]float64) {
		const n = 20000
		hi := mu + 12*s
		h := hi / n
		var mass float64
		var mom [4]float64
		for i := 0; i <= n; i++ {
			x := float64(i) * h
			w := 2.0
			switch {
			case i == 0 || i == n:
				w = 1
			case i%2 == 1:
				w = 4
			}
			f := w * math.Exp(-(x-mu)*(x-mu)/(2*s*s))
			mass += f
			xp := 1.0
			for k := range mom {
				xp *= x
				mom[k] += f * xp
			}
		}
		for k := range r {
			r[k] = mom[k] / mass
		}
		return r
	}
}

// constMoments is a point mass at x.
func constMoments(x float64) rawMoments {
	return func() [4]float64 { return [4]float64{x, x * x, x * x * x, x * x * x * x} }
}

// mixMoments is the weighted sum of the components' raw moments.
func mixMoments(ws []float64, cs []rawMoments) rawMoments {
	return func() (r [4]float64) {
		for i, w := range ws {
			c := cs[i]()
			for k := range r {
				r[k] += w * c[k]
			}
		}
		return r
	}
}

// central returns the mean, variance and fourth central moment from raw
// moments.
func central(m [4]float64) (mean, vari, mu4 float64) {
	m1, m2, m3, m4 := m[0], m[1], m[2], m[3]
	return m1, m2 - m1*m1, m4 - 4*m3*m1 + 6*m2*m1*m1 - 3*m1*m1*m1*m1
}

func relClose(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// TestDistMoments checks, for each kind, Mean and Variance against raw
// moments computed independently, then a sample's mean and variance at a
// fixed seed against them within 99.9% bands. The band of the sample mean is
// z·σ/√n; that of the sample variance is z·√((μ4-σ⁴)/n), its asymptotic
// standard error (Cramér, Mathematical Methods of Statistics, 1946, §27.4).
// Every distribution here has a finite fourth moment, which that band needs:
// the heavier tails (pareto with alpha <= 4) are in TestDistMedians instead.
func TestDistMoments(t *testing.T) {
	const ms = 1e-3
	cases := []struct {
		spec string
		raw  rawMoments
		tol  float64 // relative tolerance of Mean/Variance against raw
	}{
		{"20ms", constMoments(20 * ms), 1e-12},
		{"exp(20ms)", expMoments(20 * ms), 1e-12},
		{"uniform(5ms, 15ms)", uniformMoments(5*ms, 15*ms), 1e-9},
		{"normal(20ms, 5ms)", truncNormalMoments(20*ms, 5*ms), 1e-7},
		{"normal(2ms, 5ms)", truncNormalMoments(2*ms, 5*ms), 1e-7},
		{"normal(0, 5ms)", truncNormalMoments(0, 5*ms), 1e-7},
		{"lognormal(20ms, 0.8)", lognormalMoments(20*ms, 0.8), 1e-9},
		{"erlang(4, 20ms)", erlangMoments(4, 20*ms), 1e-12},
		{"erlang(50, 20ms)", erlangMoments(50, 20*ms), 1e-12}, // Marsaglia-Tsang path
		{"erlang(2, 1ms)", erlangMoments(2, 1*ms), 1e-12},     // the sum of exponentials
		{"pareto(10ms, 5)", paretoMoments(10*ms, 5), 1e-9},
		{"weibull(20ms, 1.5)", weibullMoments(20*ms, 1.5), 1e-9},
		{"weibull(20ms, 0.5)", weibullMoments(20*ms, 0.5), 1e-9},
		{"weibull(20ms, 1)", weibullMoments(20*ms, 1), 1e-9},
		{"mix(0.999: 100us, 0.001: 10ms)",
			mixMoments([]float64{0.999, 0.001}, []rawMoments{constMoments(0.1 * ms), constMoments(10 * ms)}), 1e-9},
		{"mix(0.7: exp(1ms), 0.3: lognormal(5ms, 0.5))",
			mixMoments([]float64{0.7, 0.3}, []rawMoments{expMoments(1 * ms), lognormalMoments(5*ms, 0.5)}), 1e-9},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			d := sim.MustParseDist(c.spec)
			mean, vari, mu4 := central(c.raw())
			if !relClose(d.Mean(), mean, c.tol) {
				t.Errorf("Mean() = %.12g, want %.12g", d.Mean(), mean)
			}
			if !relClose(d.Variance(), vari, 10*c.tol) {
				t.Errorf("Variance() = %.12g, want %.12g", d.Variance(), vari)
			}
			r := sim.NewRand(1, "moments/"+c.spec)
			xs := make([]float64, momentSamples)
			sum := 0.0
			for i := range xs {
				s := d.Sample(r)
				if s < 0 {
					t.Fatalf("sample %d is negative: %v", i, s)
				}
				xs[i] = s.Seconds()
				sum += xs[i]
			}
			n := float64(len(xs))
			sm := sum / n
			ss := 0.0
			for _, x := range xs {
				ss += (x - sm) * (x - sm)
			}
			sv := ss / (n - 1)
			// Rounding to whole nanoseconds adds at most 0.5ns to any
			// difference: allow for it on top of the band.
			const roundSec = 0.5e-9
			if band := z999*math.Sqrt(vari/n) + roundSec; math.Abs(sm-mean) > band {
				t.Errorf("sample mean %.6g, exact %.6g: off by %.3g, 99.9%% band ±%.3g", sm, mean, sm-mean, band)
			}
			if band := z999*math.Sqrt(math.Max(mu4-vari*vari, 0)/n) + 2*roundSec*math.Sqrt(vari); math.Abs(sv-vari) > band {
				t.Errorf("sample variance %.6g, exact %.6g: off by %.3g, 99.9%% band ±%.3g", sv, vari, sv-vari, band)
			}
		})
	}
}

// TestDistMedians covers tails too heavy for the variance band (pareto with
// alpha <= 4 has an infinite fourth moment; at alpha <= 2 even the variance
// is infinite, so a sample mean has no normal band). The number of samples
// at or below the exact median is Binomial(n, 1/2) whatever the tail, so it
// has an exact normal-approximation band of n/2 ± z·√n/2.
func TestDistMedians(t *testing.T) {
	const ms = 1e-3
	cases := []struct {
		spec   string
		median float64 // seconds
	}{
		{"pareto(10ms, 1.5)", 10 * ms * math.Pow(2, 1/1.5)},
		{"pareto(10ms, 0.8)", 10 * ms * math.Pow(2, 1/0.8)},
		{"lognormal(20ms, 2)", 20 * ms},
		{"weibull(20ms, 0.3)", 20 * ms * math.Pow(math.Ln2, 1/0.3)},
	}
	for _, c := range cases {
		t.Run(c.spec, func(t *testing.T) {
			d := sim.MustParseDist(c.spec)
			r := sim.NewRand(1, "median/"+c.spec)
			below := 0
			for range momentSamples {
				if d.Sample(r).Seconds() <= c.median {
					below++
				}
			}
			n := float64(momentSamples)
			if band := z999 * math.Sqrt(n) / 2; math.Abs(float64(below)-n/2) > band {
				t.Errorf("%d of %d samples <= exact median %.6g; 99.9%% band %v ± %.0f", below, momentSamples, c.median, n/2, band)
			}
		})
	}
}

// ksSamples is the sample size of the Kolmogorov-Smirnov test.
const ksSamples = 50_000

func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// TestDistKS compares each kind's whole sample with its exact CDF by the
// Kolmogorov-Smirnov statistic D = sup|F_n - F|, which moment tests miss (a
// wrong shape with the right mean and variance). Under the right F,
// P(√n·D > c) → 2·Σ(-1)^(k-1)·exp(-2k²c²) (Kolmogorov 1933), so the 99.9%
// point is c = √(-ln(0.0005)/2) ≈ 1.949. Scales are microseconds or more,
// so rounding samples to whole nanoseconds moves F by far less than c/√n.
func TestDistKS(t *testing.T) {
	const ms = 1e-3
	expCDF := func(m float64) func(float64) float64 {
		return func(x float64) float64 { return -math.Expm1(-x / m) }
	}
	lognormalCDF := func(med, s float64) func(float64) float64 {
		return func(x float64) float64 {
			if x <= 0 {
				return 0
			}
			return normCDF(math.Log(x/med) / s)
		}
	}
	// erlangCDF: 1 - Σ_{j<k} e^(-y)·y^j/j! with y = x/θ, θ = mean/k.
	erlangCDF := func(k int, mean float64) func(float64) float64 {
		return func(x float64) float64 {
			y := x / (mean / float64(k))
			term, sum := math.Exp(-y), 0.0
			for j := range k {
				if j > 0 {
					term *= y / float64(j)
				}
				sum += term
			}
			return 1 - sum
		}
	}
	truncNormalCDF := func(mu, s float64) func(float64) float64 {
		z0 := normCDF(-mu / s)
		return func(x float64) float64 {
			return max(normCDF((x-mu)/s)-z0, 0) / (1 - z0)
		}
	}
	cases := []struct {
		spec string
		cdf  func(x float64) float64 // x in seconds
	}{
		{"exp(20ms)", expCDF(20 * ms)},
		{"uniform(5ms, 15ms)", func(x float64) float64 { return min(max((x-5*ms)/(10*ms), 0), 1) }},
		{"normal(20ms, 5ms)", truncNormalCDF(20*ms, 5*ms)},
		{"normal(2ms, 5ms)", truncNormalCDF(2*ms, 5*ms)},
		{"lognormal(20ms, 0.8)", lognormalCDF(20*ms, 0.8)},
		{"lognormal(20ms, 3)", lognormalCDF(20*ms, 3)},
		{"erlang(3, 20ms)", erlangCDF(3, 20*ms)},
		{"erlang(2, 20ms)", erlangCDF(2, 20*ms)},
		{"normal(0, 5ms)", truncNormalCDF(0, 5*ms)},
		{"erlang(200, 20ms)", erlangCDF(200, 20*ms)},
		{"pareto(10ms, 1.5)", func(x float64) float64 { return max(0, 1-math.Pow(10*ms/x, 1.5)) }},
		{"weibull(20ms, 0.5)", func(x float64) float64 { return -math.Expm1(-math.Pow(x/(20*ms), 0.5)) }},
		{"weibull(20ms, 3)", func(x float64) float64 { return -math.Expm1(-math.Pow(x/(20*ms), 3)) }},
		{"mix(0.9: exp(1ms), 0.1: lognormal(50ms, 0.3))", func(x float64) float64 {
			return 0.9*expCDF(1*ms)(x) + 0.1*lognormalCDF(50*ms, 0.3)(x)
		}},
	}
	crit := math.Sqrt(-math.Log(0.0005)/2) / math.Sqrt(ksSamples)
	for _, c := range cases {
		d := sim.MustParseDist(c.spec)
		r := sim.NewRand(1, "ks/"+c.spec)
		xs := make([]float64, ksSamples)
		for i := range xs {
			xs[i] = d.Sample(r).Seconds()
		}
		slices.Sort(xs)
		n := float64(len(xs))
		dmax, at := 0.0, 0.0
		for i, x := range xs {
			f := c.cdf(x)
			if e := max(f-float64(i)/n, float64(i+1)/n-f); e > dmax {
				dmax, at = e, x
			}
		}
		if dmax > crit {
			t.Errorf("%s: Kolmogorov-Smirnov D = %.5f at %.6gs, 99.9%% critical value %.5f", c.spec, dmax, at, crit)
		}
	}
}

// TestSampleRounds: samples are rounded to the nearest nanosecond, not
// truncated (which would bias every mean down by half a nanosecond).
// uniform(0, 2ns) rounds to 0, 1 and 2ns with probabilities 1/4, 1/2, 1/4.
func TestSampleRounds(t *testing.T) {
	d := sim.MustParseDist("uniform(0, 2ns)")
	r := sim.NewRand(1, "round")
	var counts [3]int
	const n = 40_000
	for range n {
		counts[d.Sample(r)]++
	}
	for i, p := range []float64{0.25, 0.5, 0.25} {
		if band := z999 * math.Sqrt(n*p*(1-p)); math.Abs(float64(counts[i])-n*p) > band {
			t.Errorf("%dns drawn %d times in %d, want %.0f ± %.0f", i, counts[i], n, n*p, band)
		}
	}
}

// TestDistExactValues pins Mean and Variance to hand-computed values,
// including the infinite ones.
func TestDistExactValues(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		spec       string
		mean, vari float64
	}{
		{"0", 0, 0},
		{"exp(20ms)", 0.02, 0.0004},
		{"uniform(0, 12ms)", 0.006, 12e-6},
		{"normal(0, 1s)", math.Sqrt(2 / math.Pi), 1 - 2/math.Pi}, // half-normal
		{"lognormal(20ms, 0.8)", 0.02 * math.Exp(0.32), 0.0004 * math.Exp(0.64) * math.Expm1(0.64)},
		{"erlang(4, 20ms)", 0.02, 0.0001},
		{"pareto(10ms, 1.5)", 0.03, inf},
		{"pareto(10ms, 2)", 0.02, inf},
		{"pareto(10ms, 1)", inf, inf},
		{"pareto(10ms, 0.5)", inf, inf},
		{"pareto(10ms, 3)", 0.015, 0.0001 * 3 / (4 * 1)},
		{"weibull(20ms, 1)", 0.02, 0.0004},
		{"weibull(1s, 2)", math.Sqrt(math.Pi) / 2, 1 - math.Pi/4},
		{"mix(0.999: 100us, 0.001: 10ms)", 0.999*1e-4 + 0.001*1e-2,
			0.999 * 0.001 * (1e-2 - 1e-4) * (1e-2 - 1e-4)},
		{"mix(0.5: pareto(1ms, 1), 0.5: 1ms)", inf, inf},
		{"mix(0.5: pareto(1ms, 1.5), 0.5: 1ms)", 0.5*0.003 + 0.5*0.001, inf},
	}
	for _, c := range cases {
		d := sim.MustParseDist(c.spec)
		if !relClose(d.Mean(), c.mean, 1e-12) {
			t.Errorf("%s: Mean() = %.15g, want %.15g", c.spec, d.Mean(), c.mean)
		}
		if !relClose(d.Variance(), c.vari, 1e-9) {
			t.Errorf("%s: Variance() = %.15g, want %.15g", c.spec, d.Variance(), c.vari)
		}
	}
}

// TestConst covers the convenience constructor.
func TestConst(t *testing.T) {
	d := sim.Const(5 * time.Millisecond)
	if got := d.Sample(sim.NewRand(1, "c")); got != 5*time.Millisecond {
		t.Errorf("Sample = %v", got)
	}
	if d.String() != "5ms" || d.Mean() != 0.005 || d.Variance() != 0 {
		t.Errorf("Const(5ms) = %s, mean %g, variance %g", d, d.Mean(), d.Variance())
	}
	if !reflect.DeepEqual(d, sim.MustParseDist("5ms")) {
		t.Errorf("Const(5ms) differs from ParseDist(\"5ms\")")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("Const(-1ns) did not panic")
		}
	}()
	sim.Const(-1)
}

// TestSaturation: draws too large for a Duration saturate instead of
// wrapping negative.
func TestSaturation(t *testing.T) {
	d := sim.MustParseDist("pareto(1h, 0.01)")
	r := sim.NewRand(1, "sat")
	saturated := 0
	for range 1000 {
		s := d.Sample(r)
		if s < time.Hour {
			t.Fatalf("sample %v below the minimum", s)
		}
		if s == math.MaxInt64 {
			saturated++
		}
	}
	if saturated == 0 {
		t.Errorf("no sample saturated; P(X > 2562047h) is about 0.86")
	}
}

// TestDistRoundTrip: String is canonical, and parsing it gives an equal
// distribution.
func TestDistRoundTrip(t *testing.T) {
	cases := []struct{ in, canon string }{
		{"20ms", "20ms"},
		{"0", "0"},
		{"0s", "0"},
		{"1500ms", "1.5s"},
		{"0.02s", "20ms"},
		{"1000us", "1ms"},
		{"1µs", "1us"},
		{"1μs", "1us"}, // Greek mu
		{"1.5us", "1.5us"},
		{"999ns", "999ns"},
		{"60s", "1m"},
		{"90s", "90s"},
		{"1h30m", "90m"},
		{"120m", "2h"},
		{"1.000000001s", "1.000000001s"},
		{"9223372036854775807ns", "9223372036.854775807s"},
		{"const(5ms)", "5ms"},
		{" exp( 20ms ) ", "exp(20ms)"},
		{"uniform(5ms,15ms)", "uniform(5ms, 15ms)"},
		{"uniform(0, 1s)", "uniform(0, 1s)"},
		{"normal(20ms, 5ms)", "normal(20ms, 5ms)"},
		{"normal(0, 5ms)", "normal(0, 5ms)"},
		{"lognormal(20ms, 0.8)", "lognormal(20ms, 0.8)"},
		{"lognormal(20ms, .80)", "lognormal(20ms, 0.8)"},
		{"lognormal(20ms, 1e-5)", "lognormal(20ms, 1e-05)"},
		{"erlang(4, 20ms)", "erlang(4, 20ms)"},
		{"erlang(4.0, 20ms)", "erlang(4, 20ms)"},
		{"pareto(10ms, 1.5)", "pareto(10ms, 1.5)"},
		{"weibull(20ms, 1.5)", "weibull(20ms, 1.5)"},
		{"weibull(20ms,\t1e300)", "weibull(20ms, 1e+300)"},
		{"mix(0.999: 100us, 0.001: 10ms)", "mix(0.999: 100us, 0.001: 10ms)"},
		{"mix(0.999:100us,0.001:10ms)", "mix(0.999: 100us, 0.001: 10ms)"},
		{"mix(1: exp(1ms))", "mix(1: exp(1ms))"},
		{"mix(0.1: 1ms, 0.2: 2ms, 0.7: 3ms)", "mix(0.1: 1ms, 0.2: 2ms, 0.7: 3ms)"},
		{"mix(0.3333333333: 1ms, 0.3333333333: 2ms, 0.3333333333: 3ms)", // sum 1-1e-10
			"mix(0.3333333333: 1ms, 0.3333333333: 2ms, 0.3333333333: 3ms)"},
		{"mix(0.5: exp(1ms), 0.5: mix(0.5: 1ms, 0.5: lognormal(2ms, 1)))",
			"mix(0.5: exp(1ms), 0.5: mix(0.5: 1ms, 0.5: lognormal(2ms, 1)))"},
	}
	for _, c := range cases {
		d, err := sim.ParseDist(c.in)
		if err != nil {
			t.Errorf("ParseDist(%q): %v", c.in, err)
			continue
		}
		if got := d.String(); got != c.canon {
			t.Errorf("ParseDist(%q).String() = %q, want %q", c.in, got, c.canon)
		}
		checkRoundTrip(t, c.in, d)
	}
}

// checkRoundTrip asserts ParseDist(d.String()) equals d.
func checkRoundTrip(t *testing.T, in string, d sim.Dist) {
	t.Helper()
	s := d.String()
	d2, err := sim.ParseDist(s)
	if err != nil {
		t.Fatalf("%q: canonical form %q does not parse: %v", in, s, err)
	}
	if d2.String() != s {
		t.Fatalf("%q: canonical %q reparses as %q", in, s, d2.String())
	}
	if d2.Mean() != d.Mean() || d2.Variance() != d.Variance() {
		t.Fatalf("%q: reparsed moments (%g, %g) differ from (%g, %g)", in, d2.Mean(), d2.Variance(), d.Mean(), d.Variance())
	}
	if !reflect.DeepEqual(d, d2) {
		t.Fatalf("%q: reparsed %#v differs from %#v", in, d2, d)
	}
}

// badDists are inputs ParseDist must reject, with the column and message.
var badDists = []struct {
	in  string
	col int
	msg string
}{
	{"", 1, "expected a distribution such as 20ms or exp(20ms), got end of input"},
	{"   ", 4, "expected a distribution such as 20ms or exp(20ms), got end of input"},
	{"exp(-3ms)", 5, "exp mean must be > 0, got -3ms"},
	{"exp(0)", 5, "exp mean must be > 0, got 0"},
	{"-5ms", 1, "a constant must be >= 0, got -5ms"},
	{"const(-5ms)", 7, "const value must be >= 0, got -5ms"},
	{"expo(20ms)", 1, `unknown distribution "expo" (did you mean "exp"?)`},
	{"exponential(20ms)", 1, `unknown distribution "exponential" (did you mean "exp"?)`},
	{"Exp(20ms)", 1, `unknown distribution "Exp" (did you mean "exp"?)`},
	{"lognorm(20ms, 1)", 1, `unknown distribution "lognorm" (did you mean "lognormal"?)`},
	{"weibul(20ms, 1)", 1, `unknown distribution "weibul" (did you mean "weibull"?)`},
	{"mix(0.5: 1ms, 0.5: expp(1ms))", 20, `unknown distribution "expp" (did you mean "exp"?)`},
	{"gauss(20ms)", 1, `unknown distribution "gauss" (want a duration such as 20ms, or one of const, exp, uniform, normal, lognormal, erlang, pareto, weibull, mix, buckets, le, samples)`},
	{"exp", 1, "exp needs its arguments in parentheses, e.g. exp(20ms)"},
	{"exp()", 5, "exp takes 1 argument (mean), got 0"},
	{"exp(1ms, 2ms)", 10, "exp takes 1 argument (mean), got 2"},
	{"uniform(1ms)", 12, "uniform takes 2 arguments (min, max), got 1"},
	{"erlang(4, 1ms, 2ms)", 16, "erlang takes 2 arguments (k, mean), got 3"},
	{"exp(20)", 5, `bad duration "20": missing unit (want e.g. 20ms; units are ns, us, ms, s, m, h)`},
	{"exp(20xs)", 5, `bad duration "20xs": unknown unit "xs" (want ns, us, ms, s, m or h)`},
	{"exp(2562048h)", 5, `bad duration "2562048h" (want e.g. 20ms or 1m30s, at most 2562047h)`},
	{"exp(1..2ms)", 5, `bad duration "1..2ms" (want e.g. 20ms or 1m30s, at most 2562047h)`},
	{"exp(20ms) x", 11, `unexpected "x" after the distribution`},
	{"exp(20ms))", 10, `unexpected ")" after the distribution`},
	{"20ms 30ms", 6, `unexpected "30ms" after the distribution`},
	{"exp(20ms", 9, `expected "," or ")", got end of input`},
	{"exp(20ms;", 9, `expected "," or ")", got ";"`},
	{"exp(,)", 5, `expected an argument, got ","`},
	{"exp(exp(1ms))", 8, `expected "," or ")", got "("`},
	{"(20ms)", 1, `expected a distribution such as 20ms or exp(20ms), got "("`},
	{"uniform(-1ms, 5ms)", 9, "uniform min must be >= 0, got -1ms"},
	{"uniform(10ms, 5ms)", 15, "uniform max must be > min (10ms), got 5ms"},
	{"uniform(5ms, 5ms)", 14, "uniform max must be > min (5ms), got 5ms"},
	{"normal(-1ms, 5ms)", 8, "normal mu must be >= 0, got -1ms"},
	{"normal(20ms, 0)", 14, "normal sigma must be > 0, got 0"},
	{"lognormal(0, 1)", 11, "lognormal median must be > 0, got 0"},
	{"lognormal(20ms, -0.8)", 17, "lognormal sigma must be > 0, got -0.8"},
	{"lognormal(20ms, 0.8ms)", 17, `lognormal sigma is a plain number without a unit, got "0.8ms"`},
	{"lognormal(20ms, x)", 17, `bad number "x" for lognormal sigma`},
	{"lognormal(20ms, inf)", 17, `bad number "inf" for lognormal sigma`},
	{"lognormal(20ms, NaN)", 17, `bad number "NaN" for lognormal sigma`},
	{"erlang(4.5, 20ms)", 8, "erlang k must be a whole number of phases from 1 to 1000000, got 4.5"},
	{"erlang(0, 20ms)", 8, "erlang k must be a whole number of phases from 1 to 1000000, got 0"},
	{"erlang(1e7, 20ms)", 8, "erlang k must be a whole number of phases from 1 to 1000000, got 1e+07"},
	{"erlang(4, -20ms)", 11, "erlang mean must be > 0, got -20ms"},
	{"pareto(0, 1.5)", 8, "pareto xm must be > 0, got 0"},
	{"pareto(10ms, 0)", 14, "pareto alpha must be > 0, got 0"},
	{"weibull(20ms, -1)", 15, "weibull shape must be > 0, got -1"},
	{"weibull(-20ms, 1)", 9, "weibull scale must be > 0, got -20ms"},
	{"mix(0.5: 1ms, 0.4: 2ms)", 1, "mix weights sum to 0.9, want 1 (within 1e-9)"},
	{"mix(0.5: 1ms, 0.500000002: 2ms)", 1, "mix weights sum to 1.000000002, want 1 (within 1e-9)"},
	{"mix(0.6: 1ms, 0.6: 2ms)", 1, "mix weights sum to 1.2, want 1 (within 1e-9)"},
	{"mix(0.5: 1ms, 0.5: mix(0.5: 1ms))", 20, "mix weights sum to 0.5, want 1 (within 1e-9)"},
	{"mix(0: 1ms, 1: 2ms)", 5, "mix weight must be > 0 and <= 1, got 0"},
	{"mix(1.5: 1ms, -0.5: 2ms)", 5, "mix weight must be > 0 and <= 1, got 1.5"},
	{"mix(0.5 1ms)", 9, `expected ":" after the mix weight, got "1ms"`},
	{"mix()", 5, `expected a mix weight such as 0.5, got ")"`},
	{"mix(1ms: 1ms)", 5, `mix weight is a plain number without a unit, got "1ms"`},
	{"mix(1: 1ms", 11, `expected "," or ")", got end of input`},
	{"mix(1: )", 8, `expected a distribution such as 20ms or exp(20ms), got ")"`},
	{"mix(1: mix(1: mix(1: mix(1: mix(1: mix(1: mix(1: mix(1: mix(1: 1ms)))))))))", 57, "mixtures nest more than 8 deep"},
}

func TestParseDistErrors(t *testing.T) {
	for _, c := range badDists {
		d, err := sim.ParseDist(c.in)
		if err == nil {
			t.Errorf("ParseDist(%q) = %v, want an error", c.in, d)
			continue
		}
		var de *sim.DistError
		if !errors.As(err, &de) {
			t.Errorf("ParseDist(%q): error %T is not a *sim.DistError", c.in, err)
			continue
		}
		if de.Input != c.in || de.Col != c.col || de.Msg != c.msg {
			t.Errorf("ParseDist(%q):\n got col %d: %s\nwant col %d: %s", c.in, de.Col, de.Msg, c.col, c.msg)
		}
	}
}

func TestDistErrorLimits(t *testing.T) {
	long := "mix(1: 1ms" + string(make([]byte, 5000)) + ")"
	_, err := sim.ParseDist(long)
	var de *sim.DistError
	if !errors.As(err, &de) || de.Col != 4097 || de.Msg != "longer than 4096 bytes" {
		t.Errorf("ParseDist(5010 bytes) = %v", err)
	}
	many := "mix("
	for i := range 65 {
		if i > 0 {
			many += ", "
		}
		many += "0.015625: 1ms"
	}
	many += ")"
	_, err = sim.ParseDist(many)
	if !errors.As(err, &de) || de.Msg != "mix has more than 64 components" || de.Col != 64*15+4+1 {
		t.Errorf("ParseDist(65 components) = %v", err)
	}
}

func TestDistErrorString(t *testing.T) {
	_, err := sim.ParseDist("exp(-3ms)")
	want := `distribution "exp(-3ms)", col 5: exp mean must be > 0, got -3ms`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	defer func() {
		if r := recover(); r != "sim: "+want {
			t.Errorf("MustParseDist panicked with %v", r)
		}
	}()
	sim.MustParseDist("exp(-3ms)")
}

// distExamples is one valid string of every kind, for the fuzz corpus and
// the allocation test.
var distExamples = []string{
	"20ms", "0", "const(1s)", "exp(20ms)", "uniform(5ms, 15ms)", "normal(20ms, 5ms)", "normal(0, 5ms)",
	"lognormal(20ms, 0.8)", "erlang(4, 20ms)", "erlang(40, 20ms)", "pareto(10ms, 1.5)",
	"weibull(20ms, 1.5)", "weibull(20ms, 1)", "mix(0.999: 100us, 0.001: 10ms)",
	"mix(0.5: exp(1ms), 0.5: mix(0.5: 1ms, 0.5: lognormal(2ms, 1)))",
}

func FuzzParseDist(f *testing.F) {
	for _, s := range distExamples {
		f.Add(s)
	}
	for _, c := range badDists {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := sim.ParseDist(s)
		if err != nil {
			var de *sim.DistError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDist(%q): error %T is not a *sim.DistError", s, err)
			}
			if de.Input != s || de.Col < 1 || de.Col > len(s)+1 || de.Msg == "" {
				t.Fatalf("ParseDist(%q): bad error %+v", s, de)
			}
			return
		}
		checkRoundTrip(t, s, d)
		if m, v := d.Mean(), d.Variance(); math.IsNaN(m) || m < 0 || math.IsNaN(v) || v < 0 {
			t.Fatalf("%q: mean %g, variance %g", s, m, v)
		}
		r := sim.NewRand(1, "fuzz")
		for range 8 {
			if x := d.Sample(r); x < 0 {
				t.Fatalf("%q: negative sample %v", s, x)
			}
		}
	})
}

func TestSampleAllocs(t *testing.T) {
	r := sim.NewRand(1, "allocs")
	for _, s := range distExamples {
		d := sim.MustParseDist(s)
		if a := testing.AllocsPerRun(100, func() { d.Sample(r) }); a != 0 {
			t.Errorf("%s: Sample allocates %v times", s, a)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	for _, s := range distExamples {
		d := sim.MustParseDist(s)
		b.Run(s, func(b *testing.B) {
			r := sim.NewRand(1, "bench")
			var sink time.Duration
			for b.Loop() {
				sink += d.Sample(r)
			}
			_ = sink
		})
	}
}

func ExampleParseDist() {
	d, err := sim.ParseDist("lognormal(20ms, 0.8)")
	if err != nil {
		panic(err)
	}
	// The first argument is the median; the mean is median·exp(sigma²/2).
	fmt.Println(d, "mean", time.Duration(math.Round(d.Mean()*1e6))*time.Microsecond)

	d = sim.MustParseDist("mix(0.999: 100us, 0.001 : 10ms)")
	fmt.Println(d, "mean", time.Duration(math.Round(d.Mean()*1e9)))

	_, err = sim.ParseDist("exp(-3ms)")
	fmt.Println(err)
	var de *sim.DistError
	if errors.As(err, &de) {
		fmt.Printf("col %d: %s\n", de.Col, de.Msg)
	}
	_, err = sim.ParseDist("expo(20ms)")
	fmt.Println(err)
	// Output:
	// lognormal(20ms, 0.8) mean 27.543ms
	// mix(0.999: 100us, 0.001: 10ms) mean 109.9µs
	// distribution "exp(-3ms)", col 5: exp mean must be > 0, got -3ms
	// col 5: exp mean must be > 0, got -3ms
	// distribution "expo(20ms)", col 1: unknown distribution "expo" (did you mean "exp"?)
}

// TestConstValue: only a point mass reports a value, and it is the one
// Sample gives without drawing.
func TestConstValue(t *testing.T) {
	for _, s := range []string{"20ms", "0s", "500us"} {
		d := sim.MustParseDist(s)
		v, ok := sim.ConstValue(d)
		if !ok || v != d.Sample(nil) {
			t.Errorf("%s: ConstValue %v, %v; Sample %v", s, v, ok, d.Sample(nil))
		}
	}
	for _, s := range []string{"exp(20ms)", "uniform(1ms, 2ms)", "erlang(2, 10ms)"} {
		if v, ok := sim.ConstValue(sim.MustParseDist(s)); ok {
			t.Errorf("%s: ConstValue %v, true; want not a point mass", s, v)
		}
	}
}
