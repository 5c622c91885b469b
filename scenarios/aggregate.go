package scenarios

import (
	"math"
	"sort"
)

// aggregate combines the summaries of replications key by key: numbers
// become their mean (a key missing from some replications counts as 0
// there, as a failure reason that did not occur; a null is left out, as a
// recovery time of a run that did not recover), booleans are true only if
// true in every replication that has them, strings that differ become
// "mixed", latency histograms (a "histogram" of [upper bound, count]
// pairs) are added together, and other arrays are the first
// replication's. ci is the 95% confidence half-width of every number seen
// in at least two replications, under the same keys (nil with one
// replication).
func aggregate(reps []*jv) (mean, ci *jv) {
	if len(reps) == 1 {
		return reps[0], nil
	}
	return agg(reps)
}

func agg(xs []*jv) (mean, ci *jv) {
	var first *jv
	for _, x := range xs {
		if x != nil && x.kind != jNull {
			first = x
			break
		}
	}
	if first == nil {
		return &jv{kind: jNull}, nil
	}
	switch first.kind {
	case jObj:
		mean, ci = jObject(), jObject()
		for _, k := range unionKeys(xs) {
			kids := make([]*jv, len(xs))
			for i, x := range xs {
				if c := x.get(k); c != nil {
					kids[i] = c
				} else if x != nil && x.kind == jObj {
					kids[i] = nil
				}
			}
			if k == histogramKey {
				if h := addHistograms(kids); h != nil {
					mean.set(k, h)
					continue
				}
			}
			m, c := agg(kids)
			mean.set(k, m)
			if c != nil && (c.kind != jObj || len(c.keys) > 0) {
				ci.set(k, c)
			}
		}
		return mean, ci
	case jNum:
		var vals []float64
		for _, x := range xs {
			switch {
			case x == nil:
				vals = append(vals, 0)
			case x.kind == jNum:
				vals = append(vals, x.n)
			}
		}
		m, hw, ok := meanCI(vals)
		if !ok {
			return jNumber(m), nil
		}
		return jNumber(m), jNumber(hw)
	case jBool:
		all := true
		for _, x := range xs {
			if x != nil && x.kind == jBool {
				all = all && x.b
			}
		}
		return &jv{kind: jBool, b: all}, nil
	case jStr:
		for _, x := range xs {
			if x != nil && x.kind == jStr && x.s != first.s {
				return jString("mixed"), nil
			}
		}
		return first, nil
	}
	return first, nil
}

// histogramKey is the key of a latency histogram in a summary
// (results.Latency.Histogram).
const histogramKey = "histogram"

// addHistograms adds the histograms in xs (arrays of [upper bound, count]
// pairs, sorted by bound; nil where a replication had none) bucket by
// bucket: bounds depend only on the bucket, so equal bounds are the same
// bucket. The counts are totals over the replications, not means: the
// result is the histogram of every successful call of every replication.
// It returns nil if an element is not such a pair, for the generic rule.
func addHistograms(xs []*jv) *jv {
	type bucket struct {
		upper *jv
		count float64
	}
	var all []bucket
	at := map[float64]int{}
	for _, x := range xs {
		if x == nil || x.kind == jNull {
			continue
		}
		if x.kind != jArr {
			return nil
		}
		for _, p := range x.vals {
			if p.kind != jArr || len(p.vals) != 2 || p.vals[0].kind != jNum || p.vals[1].kind != jNum {
				return nil
			}
			u := p.vals[0].n
			if i, ok := at[u]; ok {
				all[i].count += p.vals[1].n
				continue
			}
			at[u] = len(all)
			all = append(all, bucket{p.vals[0], p.vals[1].n})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].upper.n < all[j].upper.n })
	out := &jv{kind: jArr}
	for _, b := range all {
		out.vals = append(out.vals, &jv{kind: jArr, vals: []*jv{b.upper, jNumber(b.count)}})
	}
	return out
}

// unionKeys returns the keys of the objects in xs: in the order of the
// first object with keys appended in first-seen order, or sorted when every
// object lists its keys sorted (maps such as failure reasons).
func unionKeys(xs []*jv) []string {
	var keys []string
	seen := map[string]bool{}
	allSorted := true
	for _, x := range xs {
		if x == nil || x.kind != jObj {
			continue
		}
		allSorted = allSorted && sort.StringsAreSorted(x.keys)
		for _, k := range x.keys {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if allSorted {
		sort.Strings(keys)
	}
	return keys
}

// meanCI returns the mean of xs and the half-width of its 95% confidence
// interval by Student's t (ok false with fewer than two values).
func meanCI(xs []float64) (mean, hw float64, ok bool) {
	if len(xs) == 0 {
		return math.NaN(), 0, false
	}
	// Summing differences from the first value keeps a constant exact
	// (0.1 three times averages to 0.1, not 0.10000000000000002).
	var sum float64
	for _, x := range xs {
		sum += x - xs[0]
	}
	mean = xs[0] + sum/float64(len(xs))
	if len(xs) < 2 {
		return mean, 0, false
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	n := float64(len(xs))
	sd := math.Sqrt(ss / (n - 1))
	return mean, tQuantile975(len(xs)-1) * sd / math.Sqrt(n), true
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

// tQuantile975 returns the 0.975 quantile of Student's t with df degrees
// of freedom: a table to 30, then the Cornish-Fisher expansion in 1/df
// (Abramowitz and Stegun 26.7.5), accurate to about 1e-6 there.
func tQuantile975(df int) float64 {
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

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}
