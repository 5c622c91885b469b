package results

import "math"

// PairedCI95 returns the mean of the differences b[i] - a[i] over the
// pairs where both are finite, the half-width of its 95% confidence
// interval by Student's t on those differences, and the number of pairs:
// NaN and NaN with none, a half-width of 0 with one (no interval). a and b
// are the replications of two variants run on common random numbers
// (replication i of both drew from the same seed), so the noise they share
// cancels in each difference and the interval is the paired one (Law,
// Simulation Modeling and Analysis, 5th ed., sec. 10.2.1), much narrower
// than two separate intervals when the variants respond alike to the same
// draws.
func PairedCI95(a, b []float64) (diff, half float64, n int) {
	return MeanCI95(pairDiffs(a, b))
}

// pairDiffs returns b[i] - a[i] where both are finite.
func pairDiffs(a, b []float64) []float64 {
	var d []float64
	for i := range min(len(a), len(b)) {
		if finite(a[i]) && finite(b[i]) {
			d = append(d, b[i]-a[i])
		}
	}
	return d
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// PairedRatioCI95 returns the ratio of means R = mean(b) / mean(a) over
// the pairs where both are finite, the half-width of its 95% confidence
// interval, and the number of pairs. The interval is the delta method's
// for a ratio estimator on paired data: the standard error is that of the
// mean residual b[i] - R a[i], divided by mean(a) (Law, sec. 9.5; Cochran,
// Sampling Techniques, 3rd ed., sec. 6.4), with Student's t on n-1 degrees
// of freedom. The ratio is NaN when mean(a) is 0 or there are no pairs;
// the half-width NaN then, and 0 with one pair.
func PairedRatioCI95(a, b []float64) (ratio, half float64, n int) {
	var xs, ys []float64
	for i := range min(len(a), len(b)) {
		if finite(a[i]) && finite(b[i]) {
			xs, ys = append(xs, a[i]), append(ys, b[i])
		}
	}
	n = len(xs)
	ma, _, _ := MeanCI95(xs)
	mb, _, _ := MeanCI95(ys)
	if n == 0 || ma == 0 {
		return math.NaN(), math.NaN(), n
	}
	ratio = mb / ma
	if n == 1 {
		return ratio, 0, 1
	}
	res := make([]float64, n)
	for i := range xs {
		res[i] = ys[i] - ratio*xs[i]
	}
	_, h, _ := MeanCI95(res)
	return ratio, h / math.Abs(ma), n
}

// WelchCI95 returns the difference of two independent means, mb - ma, and
// the half-width of its 95% confidence interval by Welch's t (Welch 1947,
// degrees of freedom by Satterthwaite, rounded down so that the interval
// errs wide), from each mean with its own 95% half-width (as MeanCI95
// gives it) and number of values. The half-width is NaN when either side
// has fewer than two values. It is the interval for two results that were
// not run on common random numbers.
func WelchCI95(ma, ha float64, na int, mb, hb float64, nb int) (diff, half float64) {
	diff = mb - ma
	if na < 2 || nb < 2 || !finite(ha) || !finite(hb) {
		return diff, math.NaN()
	}
	// Each side's squared standard error, from its half-width.
	va := sq(ha / TQuantile975(na-1))
	vb := sq(hb / TQuantile975(nb-1))
	v := va + vb
	if v == 0 {
		return diff, 0
	}
	df := v * v / (va*va/float64(na-1) + vb*vb/float64(nb-1))
	return diff, TQuantile975(max(1, int(df))) * math.Sqrt(v)
}

func sq(x float64) float64 { return x * x }
