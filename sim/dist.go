package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Dist is a distribution of non-negative durations, such as a service time
// or a network delay. Values come from ParseDist (the syntax is described
// there) or Const. Implementations are immutable, so one Dist may be shared
// by every component of a model; each caller passes its own random stream.
type Dist interface {
	// Sample draws one duration from r, rounded to the nearest nanosecond
	// and saturated at the largest time.Duration. It is never negative and
	// allocates nothing.
	Sample(r *rand.Rand) time.Duration
	// Mean is the exact mean of the distribution Sample draws from, in
	// seconds; +Inf when it is infinite. (Rounding samples to whole
	// nanoseconds moves the mean by less than half a nanosecond.)
	Mean() float64
	// Variance is the exact variance of the distribution Sample draws from,
	// in seconds squared; +Inf when it is infinite.
	Variance() float64
	// String is the canonical form, e.g. "exp(20ms)": ParseDist(d.String())
	// returns a Dist equal to d, with the same String and Mean.
	String() string
}

// Const returns the distribution that is always d. A negative d panics.
func Const(d time.Duration) Dist {
	if d < 0 {
		panic(fmt.Sprintf("sim: Const(%v): negative duration", d))
	}
	return constDist{d: d}
}

// ConstValue reports whether d is a point mass (Const, or a plain
// duration such as "20ms" parsed) and, if so, its value: a distribution
// whose Sample draws nothing from its generator.
func ConstValue(d Dist) (time.Duration, bool) {
	c, ok := d.(constDist)
	return c.d, ok
}

// toDur rounds ns (a non-negative number of nanoseconds) to a Duration,
// saturating at the largest Duration (also for +Inf and NaN, which a
// heavy-tailed draw can produce).
func toDur(ns float64) time.Duration {
	if ns < 0x1p63 {
		return time.Duration(ns + 0.5)
	}
	return math.MaxInt64
}

// fmtDur formats d in the canonical duration syntax: "0", whole hours or
// minutes ("2h", "90m"), else a decimal number of the largest of s, ms, us
// and ns that is not more than d ("1.5s", "250us", "7ns"). The result is
// exact, so time.ParseDuration gives d back.
func fmtDur(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	var b strings.Builder
	u := uint64(d)
	if d < 0 {
		b.WriteByte('-')
		u = -u // two's complement magnitude; correct for MinInt64 as well
	}
	switch {
	case u%uint64(time.Hour) == 0:
		b.WriteString(strconv.FormatUint(u/uint64(time.Hour), 10))
		b.WriteByte('h')
		return b.String()
	case u%uint64(time.Minute) == 0:
		b.WriteString(strconv.FormatUint(u/uint64(time.Minute), 10))
		b.WriteByte('m')
		return b.String()
	}
	unit, name, digits := uint64(1), "ns", 0
	switch {
	case u >= uint64(time.Second):
		unit, name, digits = uint64(time.Second), "s", 9
	case u >= uint64(time.Millisecond):
		unit, name, digits = uint64(time.Millisecond), "ms", 6
	case u >= uint64(time.Microsecond):
		unit, name, digits = uint64(time.Microsecond), "us", 3
	}
	b.WriteString(strconv.FormatUint(u/unit, 10))
	if frac := u % unit; frac != 0 {
		f := strconv.FormatUint(frac, 10)
		f = strings.Repeat("0", digits-len(f)) + f
		b.WriteByte('.')
		b.WriteString(strings.TrimRight(f, "0"))
	}
	b.WriteString(name)
	return b.String()
}

// fmtNum formats a dimensionless parameter in the shortest form that
// strconv.ParseFloat reads back exactly.
func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// ---------------------------------------------------------------------------

// constDist is a point mass at d: "20ms".
type constDist struct{ d time.Duration }

func (c constDist) Sample(*rand.Rand) time.Duration { return c.d }
func (c constDist) Mean() float64                   { return c.d.Seconds() }
func (c constDist) Variance() float64               { return 0 }
func (c constDist) String() string                  { return fmtDur(c.d) }

// expDist is the exponential distribution with the given mean: "exp(20ms)".
// Mean m, variance m².
type expDist struct {
	mean time.Duration
	ns   float64
}

func newExp(mean time.Duration) expDist { return expDist{mean: mean, ns: float64(mean)} }

func (e expDist) Sample(r *rand.Rand) time.Duration { return toDur(e.ns * r.ExpFloat64()) }
func (e expDist) Mean() float64                     { return e.mean.Seconds() }
func (e expDist) Variance() float64                 { m := e.mean.Seconds(); return m * m }
func (e expDist) String() string                    { return "exp(" + fmtDur(e.mean) + ")" }

// uniformDist is the continuous uniform distribution on [lo, hi):
// "uniform(5ms, 15ms)". Mean (lo+hi)/2, variance (hi-lo)²/12.
type uniformDist struct {
	lo, hi      time.Duration
	lons, width float64
}

func newUniform(lo, hi time.Duration) uniformDist {
	return uniformDist{lo: lo, hi: hi, lons: float64(lo), width: float64(hi - lo)}
}

func (u uniformDist) Sample(r *rand.Rand) time.Duration {
	return toDur(u.lons + u.width*r.Float64())
}
func (u uniformDist) Mean() float64 { return (u.lo.Seconds() + u.hi.Seconds()) / 2 }
func (u uniformDist) Variance() float64 {
	w := (u.hi - u.lo).Seconds()
	return w * w / 12
}
func (u uniformDist) String() string {
	return "uniform(" + fmtDur(u.lo) + ", " + fmtDur(u.hi) + ")"
}

// normalDist is the normal distribution with parameters mu and sigma,
// truncated at 0 by resampling: "normal(20ms, 5ms)". A draw below zero is
// thrown away and drawn again, so the shape above zero is kept (clamping
// would instead pile the negative mass up as a spike at 0). mu >= 0, so a
// draw is kept with probability at least 1/2 and Sample takes fewer than two
// draws on average; at mu = 0 (the half-normal) it reflects the draw
// instead, which gives the same distribution without rejecting.
//
// Mean and variance are those of the truncated distribution (Johnson, Kotz
// and Balakrishnan, Continuous Univariate Distributions, vol. 1, 2nd ed.,
// 1994, ch. 13, on truncated normal distributions): with a = -mu/sigma,
// Z = 1 - Φ(a) and λ = φ(a)/Z, mean = mu + sigma·λ and variance =
// sigma²·(1 + a·λ - λ²). They equal mu and sigma² only when mu is many
// sigmas above zero.
type normalDist struct {
	mu, sigma      time.Duration
	muns, sigmans  float64
	mean, variance float64
}

func newNormal(mu, sigma time.Duration) normalDist {
	m, s := mu.Seconds(), sigma.Seconds()
	a := -m / s
	z := 0.5 * math.Erfc(a/math.Sqrt2) // 1-Φ(a), in [1/2, 1) since a <= 0
	phi := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	lambda := phi / z
	v := s * s * (1 + a*lambda - lambda*lambda)
	return normalDist{
		mu: mu, sigma: sigma,
		muns: float64(mu), sigmans: float64(sigma),
		mean: m + s*lambda, variance: max(v, 0),
	}
}

func (n normalDist) Sample(r *rand.Rand) time.Duration {
	if n.muns == 0 { // half-normal: reflecting is exact and never rejects
		return toDur(math.Abs(n.sigmans * r.NormFloat64()))
	}
	for {
		if x := n.muns + n.sigmans*r.NormFloat64(); x >= 0 {
			return toDur(x)
		}
	}
}
func (n normalDist) Mean() float64     { return n.mean }
func (n normalDist) Variance() float64 { return n.variance }
func (n normalDist) String() string {
	return "normal(" + fmtDur(n.mu) + ", " + fmtDur(n.sigma) + ")"
}

// lognormalDist is the log-normal distribution given by its MEDIAN and the
// standard deviation sigma of the underlying normal: "lognormal(20ms, 0.8)"
// is median·exp(sigma·N(0,1)). (The first argument is the median, not the
// mean: the mean is larger, median·exp(sigma²/2).) Moments (Johnson, Kotz
// and Balakrishnan, vol. 1, ch. 14): mean = median·exp(sigma²/2), variance =
// median²·exp(sigma²)·(exp(sigma²)-1).
type lognormalDist struct {
	median time.Duration
	sigma  float64
	medns  float64
}

func newLognormal(median time.Duration, sigma float64) lognormalDist {
	return lognormalDist{median: median, sigma: sigma, medns: float64(median)}
}

func (l lognormalDist) Sample(r *rand.Rand) time.Duration {
	return toDur(l.medns * math.Exp(l.sigma*r.NormFloat64()))
}
func (l lognormalDist) Mean() float64 {
	return l.median.Seconds() * math.Exp(l.sigma*l.sigma/2)
}
func (l lognormalDist) Variance() float64 {
	m, s2 := l.median.Seconds(), l.sigma*l.sigma
	return m * m * math.Exp(s2) * math.Expm1(s2)
}
func (l lognormalDist) String() string {
	return "lognormal(" + fmtDur(l.median) + ", " + fmtNum(l.sigma) + ")"
}

// erlangMaxK is the largest number of phases an Erlang distribution may have.
const erlangMaxK = 1000000

// erlangSumMaxK is the largest k for which Sample sums k exponential draws;
// above it, it draws the gamma variable directly, which costs less from
// k = 3 on (see BenchmarkSample) and does not grow with k.
const erlangSumMaxK = 2

// erlangDist is the Erlang distribution of k exponential phases whose total
// mean is mean: "erlang(4, 20ms)" (each phase has mean 5ms). It is the gamma
// distribution with integer shape k and scale mean/k: variance = mean²/k.
// For large k it is sampled with the method of Marsaglia and Tsang, "A
// Simple Method for Generating Gamma Variables", ACM TOMS 26(3), 2000.
type erlangDist struct {
	k       int
	mean    time.Duration
	phasens float64 // mean of one phase, ns
	d, c    float64 // Marsaglia-Tsang constants: k-1/3 and 1/sqrt(9d)
}

func newErlang(k int, mean time.Duration) erlangDist {
	d := float64(k) - 1.0/3
	return erlangDist{k: k, mean: mean, phasens: float64(mean) / float64(k), d: d, c: 1 / math.Sqrt(9*d)}
}

func (e erlangDist) Sample(r *rand.Rand) time.Duration {
	if e.k <= erlangSumMaxK {
		s := 0.0
		for range e.k {
			s += r.ExpFloat64()
		}
		return toDur(s * e.phasens)
	}
	for {
		x := r.NormFloat64()
		v := 1 + e.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+e.d*(1-v+math.Log(v)) {
			return toDur(e.d * v * e.phasens)
		}
	}
}
func (e erlangDist) Mean() float64 { return e.mean.Seconds() }
func (e erlangDist) Variance() float64 {
	m := e.mean.Seconds()
	return m * m / float64(e.k)
}
func (e erlangDist) String() string {
	return "erlang(" + strconv.Itoa(e.k) + ", " + fmtDur(e.mean) + ")"
}

// paretoDist is the Pareto (type I) distribution with minimum (scale) xm and
// tail index alpha: "pareto(10ms, 1.5)", P(X > x) = (xm/x)^alpha for x >=
// xm. Sample draws xm·exp(E/alpha) with E standard exponential (the
// inversion method). Moments (Johnson, Kotz and Balakrishnan, vol. 1,
// ch. 20): mean = alpha·xm/(alpha-1), infinite for alpha <= 1; variance =
// xm²·alpha/((alpha-1)²·(alpha-2)), infinite for alpha <= 2. Samples too
// large for a time.Duration (about 292 years) saturate.
type paretoDist struct {
	xm       time.Duration
	alpha    float64
	xmns     float64
	invAlpha float64
}

func newPareto(xm time.Duration, alpha float64) paretoDist {
	return paretoDist{xm: xm, alpha: alpha, xmns: float64(xm), invAlpha: 1 / alpha}
}

func (p paretoDist) Sample(r *rand.Rand) time.Duration {
	return toDur(p.xmns * math.Exp(r.ExpFloat64()*p.invAlpha))
}
func (p paretoDist) Mean() float64 {
	if p.alpha <= 1 {
		return math.Inf(1)
	}
	return p.alpha * p.xm.Seconds() / (p.alpha - 1)
}
func (p paretoDist) Variance() float64 {
	if p.alpha <= 2 {
		return math.Inf(1)
	}
	x, a := p.xm.Seconds(), p.alpha
	return x * x * a / ((a - 1) * (a - 1) * (a - 2))
}
func (p paretoDist) String() string {
	return "pareto(" + fmtDur(p.xm) + ", " + fmtNum(p.alpha) + ")"
}

// weibullDist is the Weibull distribution with scale lambda and shape k:
// "weibull(20ms, 1.5)", P(X > x) = exp(-(x/lambda)^k). Sample draws
// lambda·E^(1/k) with E standard exponential. Moments (Johnson, Kotz and
// Balakrishnan, vol. 1, ch. 21): mean = lambda·Γ(1+1/k), variance =
// lambda²·(Γ(1+2/k) - Γ(1+1/k)²). Shape 1 is the exponential; shapes below
// 1 have heavier tails.
type weibullDist struct {
	scale    time.Duration
	shape    float64
	scalens  float64
	invShape float64
}

func newWeibull(scale time.Duration, shape float64) weibullDist {
	return weibullDist{scale: scale, shape: shape, scalens: float64(scale), invShape: 1 / shape}
}

func (w weibullDist) Sample(r *rand.Rand) time.Duration {
	e := r.ExpFloat64()
	if w.shape != 1 {
		e = math.Exp(math.Log(e) * w.invShape) // E^(1/k), faster than math.Pow
	}
	return toDur(w.scalens * e)
}
func (w weibullDist) Mean() float64 {
	return w.scale.Seconds() * math.Gamma(1+w.invShape)
}
func (w weibullDist) Variance() float64 {
	// λ²·Γ(1+2/k)·(1 - Γ(1+1/k)²/Γ(1+2/k)) in logarithms: no cancellation
	// for large shapes, and finite whenever the result is representable.
	s := w.scale.Seconds()
	lg1, _ := math.Lgamma(1 + w.invShape)
	lg2, _ := math.Lgamma(1 + 2*w.invShape)
	v := s * s * math.Exp(lg2) * -math.Expm1(2*lg1-lg2)
	if math.IsNaN(v) { // Inf-Inf: a shape so small that 1/k overflows
		return math.Inf(1)
	}
	return v
}
func (w weibullDist) String() string {
	return "weibull(" + fmtDur(w.scale) + ", " + fmtNum(w.shape) + ")"
}

// mixMaxComponents is the most components one mix may have.
const mixMaxComponents = 64

// mixDist is a finite mixture: "mix(0.999: 100us, 0.001: 10ms)" draws from
// the i-th component with probability p_i. The weights, each in (0, 1],
// sum to 1 within 1e-9; they are divided by their sum before use, so
// sampling, Mean and Variance agree exactly. By the law of total variance,
// mean = Σ p_i·m_i and variance = Σ p_i·v_i + Σ p_i·(m_i - mean)².
type mixDist struct {
	weights []float64 // as written, for String
	comps   []Dist
	cum     []float64 // cumulative normalised weights; the last is 1
	mean    float64
	vari    float64
}

func newMix(weights []float64, comps []Dist) *mixDist {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	m := &mixDist{weights: weights, comps: comps, cum: make([]float64, len(weights))}
	acc := 0.0
	for i, w := range weights {
		acc += w / sum
		m.cum[i] = acc
		m.mean += w / sum * comps[i].Mean()
	}
	m.cum[len(m.cum)-1] = 1
	if math.IsInf(m.mean, 1) {
		m.vari = math.Inf(1)
		return m
	}
	for i, w := range weights {
		d := comps[i].Mean() - m.mean
		m.vari += w / sum * (comps[i].Variance() + d*d)
	}
	return m
}

func (m *mixDist) Sample(r *rand.Rand) time.Duration {
	u := r.Float64()
	last := len(m.cum) - 1
	for i := range last {
		if u < m.cum[i] {
			return m.comps[i].Sample(r)
		}
	}
	return m.comps[last].Sample(r)
}
func (m *mixDist) Mean() float64     { return m.mean }
func (m *mixDist) Variance() float64 { return m.vari }
func (m *mixDist) String() string {
	var b strings.Builder
	b.WriteString("mix(")
	for i, w := range m.weights {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(fmtNum(w))
		b.WriteString(": ")
		b.WriteString(m.comps[i].String())
	}
	b.WriteByte(')')
	return b.String()
}
