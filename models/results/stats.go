package results

import "math"

// MeanCI95 returns the mean of the finite values of xs, the half-width of
// the 95% confidence interval of that mean by Student's t, and how many
// values there were: NaN and NaN with none, and a half-width of 0 with one
// (no interval). Replications of a batch are averaged with it, and the
// sweep figure's bands are its intervals.
func MeanCI95(xs []float64) (mean, half float64, n int) {
	// Summing differences from the first value keeps a constant exact
	// (0.1 three times averages to 0.1, not 0.10000000000000002).
	first, sum := math.NaN(), 0.0
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		if n == 0 {
			first = x
		}
		sum += x - first
		n++
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = first + sum/float64(n)
	if n == 1 {
		return mean, 0, 1
	}
	var ss float64
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			ss += (x - mean) * (x - mean)
		}
	}
	sd := math.Sqrt(ss / float64(n-1))
	return mean, TQuantile975(n-1) * sd / math.Sqrt(float64(n)), n
}

// t975 holds the 0.975 quantiles of Student's t for 1 to 30 degrees of
// freedom.
var t975 = [...]float64{
	12.7062047362, 4.3026527297, 3.1824463053, 2.7764451052, 2.5705818356,
	2.4469118511, 2.3646242516, 2.3060041352, 2.2621571628, 2.2281388520,
	2.2009851601, 2.1788128297, 2.1603686565, 2.1447866879, 2.1314495456,
	2.1199052992, 2.1098155778, 2.1009220402, 2.0930240544, 2.0859634473,
	2.0796138447, 2.0738730679, 2.0686576104, 2.0638985616, 2.0595385528,
	2.0555294386, 2.0518305165, 2.0484071418, 2.0452296421, 2.0422724563,
}

// TQuantile975 returns the 0.975 quantile of Student's t with df degrees
// of freedom: a table to 30, then the Cornish-Fisher expansion in 1/df
// (Abramowitz and Stegun 26.7.5), accurate to about 1e-6 there; NaN for
// df < 1.
func TQuantile975(df int) float64 {
	if df < 1 {
		return math.NaN()
	}
	if df <= len(t975) {
		return t975[df-1]
	}
	const z = 1.959963984540054
	n := float64(df)
	z3, z5, z7 := z*z*z, z*z*z*z*z, z*z*z*z*z*z*z
	return z + (z3+z)/(4*n) + (5*z5+16*z3+3*z)/(96*n*n) + (3*z7+19*z5+17*z3-15*z)/(384*n*n*n)
}

// ExactSample is how many values a Sample keeps: up to it, Sample.MeanCI95
// is MeanCI95 of the values, to the last bit; past it the values are
// dropped and the half-width comes from running sums (Welford 1962),
// equal to rounding.
const ExactSample = 1000

// Sample accumulates a stream of values for MeanCI95 in memory that does
// not grow past ExactSample values, so that a batch can average any
// number of replications. Its mean is MeanCI95's to the last bit at any
// length (the same additions in the same order); its half-width is too
// for up to ExactSample values. NaN and infinities are left out, as by
// MeanCI95. The zero Sample is empty.
type Sample struct {
	first, sum float64 // MeanCI95's mean: first + sum/n
	n          int
	mean, m2   float64   // Welford's running mean and sum of squared deviations
	kept       []float64 // the values, while n <= ExactSample
}

// Add adds x to the sample.
func (s *Sample) Add(x float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return
	}
	if s.n == 0 {
		s.first = x
	}
	s.sum += x - s.first
	s.n++
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (x - s.mean)
	switch {
	case s.n <= ExactSample:
		s.kept = append(s.kept, x)
	case s.kept != nil:
		s.kept = nil
	}
}

// MeanCI95 returns what MeanCI95 returns for the values added.
func (s *Sample) MeanCI95() (mean, half float64, n int) {
	if s.n <= ExactSample {
		return MeanCI95(s.kept)
	}
	mean = s.first + s.sum/float64(s.n)
	sd := math.Sqrt(s.m2 / float64(s.n-1))
	return mean, TQuantile975(s.n-1) * sd / math.Sqrt(float64(s.n)), s.n
}
