package fit

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Fitted is a distribution fitted to observed durations: the scenario's
// distribution string, how it was chosen, and how far it is from the data.
type Fitted struct {
	// Dist is the distribution as a scenario writes it ("exp(20.1ms)").
	Dist string
	// Family and Method say how: "exp" by its mean, "lognormal" by
	// moments or quantiles, "erlang" (gamma with a whole shape) by
	// moments, ...
	Family, Method string
	// KS is the Kolmogorov-Smirnov distance between the fitted CDF and
	// the data's, at the data's histogram bounds; Runner is the next best
	// family and its distance.
	KS     float64
	Runner string
	// N, Mean, SD, P50, P90, P99 describe the data (seconds).
	N                       int64
	Mean, SD, P50, P90, P99 float64
}

// candidate is one family fitted to the moments or quantiles.
type candidate struct {
	family, method, dist string
	cdf                  func(x float64) float64
	mean                 float64
}

// fitDist picks the family whose CDF is closest to the data (KS distance
// at the histogram's bounds) among those that keep the mean within 3%:
// the mean sets the utilisation, which matters more to queueing than the
// shape. Families: constant, exponential, Erlang (gamma with a whole
// shape, by moments), lognormal (by moments, and by median and p90),
// Weibull (by mean and CV), normal, uniform (by moments). When even the
// closest is a poor fit (KS over PoorFit), the data's own histogram is
// taken instead (an empirical buckets(...) distribution), the family it
// beat named in Runner.
func fitDist(st *stat) Fitted {
	f := Fitted{N: st.n(), Mean: st.mean(), SD: st.sd(), P50: st.q(0.5), P90: st.q(0.9), P99: st.q(0.99)}
	m, sd := f.Mean, f.SD
	if f.N == 0 || m <= 0 {
		f.Dist, f.Family, f.Method = "0s", "const", "no positive samples"
		return f
	}
	cv := sd / m
	var cands []candidate
	add := func(family, method, dist string, mean float64, cdf func(float64) float64) {
		if _, err := sim.ParseDist(dist); err != nil {
			return
		}
		cands = append(cands, candidate{family, method, dist, cdf, mean})
	}
	add("const", "mean", dur(m), m, func(x float64) float64 { return step(x >= m) })
	add("exp", "mean", "exp("+dur(m)+")", m, func(x float64) float64 { return 1 - math.Exp(-x/m) })
	if cv > 0 {
		if k := math.Round(1 / (cv * cv)); k >= 2 && k <= 100 {
			add("erlang", "moments (shape 1/CV² rounded)", fmt.Sprintf("erlang(%d, %s)", int(k), dur(m)), m, func(x float64) float64 { return erlangCDF(int(k), k/m, x) })
		}
		s2 := math.Log(1 + cv*cv)
		med := m / math.Sqrt(1+cv*cv)
		s := math.Sqrt(s2)
		add("lognormal", "moments", fmt.Sprintf("lognormal(%s, %s)", dur(med), num(s)), m, lognormalCDF(med, s))
		if f.P50 > 0 && f.P90 > f.P50 {
			qs := math.Log(f.P90/f.P50) / 1.2815515655446004
			qm := f.P50 * math.Exp(qs*qs/2)
			add("lognormal", "quantiles (median and p90)", fmt.Sprintf("lognormal(%s, %s)", dur(f.P50), num(qs)), qm, lognormalCDF(f.P50, qs))
		}
		if k := weibullShape(cv); k > 0 {
			scale := m / math.Gamma(1+1/k)
			add("weibull", "mean and CV", fmt.Sprintf("weibull(%s, %s)", dur(scale), num(k)), m, func(x float64) float64 { return 1 - math.Exp(-math.Pow(x/scale, k)) })
		}
		if cv < 0.35 {
			add("normal", "moments", fmt.Sprintf("normal(%s, %s)", dur(m), dur(sd)), m, func(x float64) float64 { return phi((x - m) / sd) })
		}
		if lo, hi := m-math.Sqrt(3)*sd, m+math.Sqrt(3)*sd; lo >= 0 {
			add("uniform", "moments", fmt.Sprintf("uniform(%s, %s)", dur(lo), dur(hi)), m, func(x float64) float64 { return math.Min(1, math.Max(0, (x-lo)/(hi-lo))) })
		}
	}
	best, second := -1, -1
	ks := make([]float64, len(cands))
	for i, c := range cands {
		ks[i] = ksDistance(&st.h, c.cdf)
		if math.Abs(c.mean-m) > 0.03*m {
			continue
		}
		switch {
		case best < 0 || ks[i] < ks[best]:
			second, best = best, i
		case second < 0 || ks[i] < ks[second]:
			second = i
		}
	}
	c := cands[best]
	f.Dist, f.Family, f.Method, f.KS = c.dist, c.family, c.method, ks[best]
	if second >= 0 {
		f.Runner = fmt.Sprintf("%s %.3f", cands[second].dist, ks[second])
	}
	if f.KS > PoorFit {
		if e, _, ok := empirical(st); ok {
			if eks := ksDistance(&st.h, e.cdf); eks < f.KS {
				f.Runner = fmt.Sprintf("%s %.3f, a poor fit (KS over %.2f)", c.dist, f.KS, PoorFit)
				f.Dist, f.Family, f.Method, f.KS = e.dist, e.family, e.method, eks
			}
		}
	}
	return f
}

// ksDistance is the largest gap between the data's CDF and cdf at the
// histogram's bucket bounds (both sides of each bucket).
func ksDistance(h *sim.Histogram, cdf func(float64) float64) float64 {
	n := float64(h.Count())
	var seen, d float64
	h.Buckets(func(upper time.Duration, c uint64) {
		x := upper.Seconds()
		before := seen / n
		seen += float64(c)
		fx := cdf(x)
		d = math.Max(d, math.Max(math.Abs(seen/n-fx), math.Abs(before-fx)-float64(c)/n))
	})
	return d
}

func step(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

func lognormalCDF(med, s float64) func(float64) float64 {
	return func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return phi(math.Log(x/med) / s)
	}
}

// erlangCDF is P(X <= x) for k exponential phases of rate each.
func erlangCDF(k int, rate, x float64) float64 {
	if x <= 0 {
		return 0
	}
	y := rate * x
	term, sum := 1.0, 1.0
	for n := 1; n < k; n++ {
		term *= y / float64(n)
		sum += term
	}
	return 1 - math.Exp(-y)*sum
}

// weibullShape solves the Weibull CV for its shape, by bisection on
// [0.2, 50]; 0 when out of reach.
func weibullShape(cv float64) float64 {
	cvOf := func(k float64) float64 {
		g1, g2 := math.Gamma(1+1/k), math.Gamma(1+2/k)
		return math.Sqrt(g2/(g1*g1) - 1)
	}
	lo, hi := 0.2, 50.0
	if cv > cvOf(lo) || cv < cvOf(hi) {
		return 0
	}
	for range 60 {
		mid := (lo + hi) / 2
		if cvOf(mid) > cv {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func sqrtPos(x float64) float64 { return math.Sqrt(math.Max(x, 0)) }

// dur writes seconds as a scenario duration with 4 significant digits.
func dur(s float64) string {
	switch {
	case s >= 1:
		return num4(s) + "s"
	case s >= 1e-3:
		return num4(s*1e3) + "ms"
	case s >= 1e-6:
		return num4(s*1e6) + "us"
	}
	return strconv.FormatInt(int64(math.Round(s*1e9)), 10) + "ns"
}

// num4 writes x rounded to 4 significant digits, never in exponent form.
func num4(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	p := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(x))))
	return strconv.FormatFloat(math.Round(x*p)/p, 'f', -1, 64)
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
