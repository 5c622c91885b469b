package scenarios

import (
	"sort"

	"github.com/stampede-sim/stampede/models/results"
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
		m, hw, n := results.MeanCI95(vals)
		if n < 2 {
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
