package fit

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// PoorFit is the Kolmogorov-Smirnov distance above which the best
// parametric family is a poor fit to a service's own times: more than 5%
// of the probability is out of place somewhere. The fit then takes the
// data's own histogram, an empirical buckets(...) distribution, instead.
// (With many spans every family fails a formal KS test against real
// data, so the bar is a practical one, not a significance level.)
const PoorFit = 0.05

// empiricalLevels are the cumulative shares at which an empirical fit
// puts its bucket bounds: every 2% to p90, every 1% to p98, then p99,
// p99.5, p99.9 and the largest value. Inside a bucket the draws are
// uniform, so the tail, which sets p99, is cut finer than the body.
var empiricalLevels = func() []float64 {
	var l []float64
	for p := 2; p <= 90; p += 2 {
		l = append(l, float64(p)/100)
	}
	for p := 91; p <= 98; p++ {
		l = append(l, float64(p)/100)
	}
	return append(l, 0.99, 0.995, 0.999, 1)
}()

// empirical is the data's own histogram as a candidate: buckets(...) with
// bounds at the empiricalLevels of its sim.Histogram (so at most 1/64
// off a recorded value), the first from the smallest value (a bucket of
// count 0 below it). ok is false when the data has no spread.
func empirical(st *stat) (c candidate, bounds [][2]float64, ok bool) {
	h := &st.h
	n := float64(h.Count())
	if n == 0 || h.Max() <= h.Min() {
		return c, nil, false
	}
	if lo := h.Min().Seconds(); lo > 0 {
		bounds = append(bounds, [2]float64{lo, 0})
	}
	var cum, emitted float64
	k := 0
	h.Buckets(func(upper time.Duration, count uint64) {
		cum += float64(count)
		if k < len(empiricalLevels) && cum >= empiricalLevels[k]*n-1e-9 {
			bounds = append(bounds, [2]float64{upper.Seconds(), cum - emitted})
			emitted = cum
			for k < len(empiricalLevels) && cum >= empiricalLevels[k]*n-1e-9 {
				k++
			}
		}
	})
	// Bounds as written (4 significant digits) must stay increasing:
	// merge a bucket into the next when they print the same.
	var parts []string
	var merged [][2]float64
	for i, b := range bounds {
		if i+1 < len(bounds) && dur(b[0]) == dur(bounds[i+1][0]) {
			bounds[i+1][1] += b[1]
			continue
		}
		merged = append(merged, b)
		parts = append(parts, fmt.Sprintf("%s: %s", dur(b[0]), num6(b[1])))
	}
	dist := "buckets(" + strings.Join(parts, ", ") + ")"
	d, err := sim.ParseDist(dist)
	if err != nil {
		return c, nil, false
	}
	return candidate{family: "empirical", method: fmt.Sprintf("the data's own histogram (%d buckets, cut finer in the tail)", len(merged)),
		dist: dist, cdf: bucketsCDF(merged), mean: d.Mean()}, merged, true
}

// bucketsCDF is the CDF of buckets (upper bound s, count), uniform inside
// each, the first from 0.
func bucketsCDF(b [][2]float64) func(float64) float64 {
	var total float64
	for _, x := range b {
		total += x[1]
	}
	return func(x float64) float64 {
		lo, cum := 0.0, 0.0
		for _, bk := range b {
			if x < bk[0] {
				if x <= lo {
					return cum / total
				}
				return (cum + bk[1]*(x-lo)/(bk[0]-lo)) / total
			}
			lo, cum = bk[0], cum+bk[1]
		}
		return 1
	}
}

// num6 writes a count: whole numbers as they are, fractions (a rate()'s
// buckets) to 6 significant digits.
func num6(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return fmt.Sprintf("%d", int64(x))
	}
	return fmt.Sprintf("%.6g", x)
}
