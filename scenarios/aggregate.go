package scenarios

import (
	"math"
	"slices"
	"sort"

	"github.com/stampede-sim/stampede/models/results"
)

// acc averages one value of the summaries of a row's replications, fed
// one replication at a time (add) so that a batch keeps no replication's
// summary: numbers become their mean (a key missing from some
// replications counts as 0 there, as a failure reason that did not occur;
// a null is left out, as a recovery time of a run that did not recover),
// booleans are true only if true in every replication that has them,
// strings that differ become "mixed", latency histograms (a "histogram" of
// [upper bound, count] pairs) are added together, and other arrays are the
// first replication's. The kind of a value is that of its first
// replication that is not null; values of another kind are left out. Its
// result (mean, ci) holds the means and the 95% confidence half-width of
// every number seen in at least two replications, under the same keys.
//
// It holds, whatever the number of replications: one results.Sample per
// number (at most results.ExactSample values), the union of an object's
// keys, the buckets of a histogram, and the first value of each string and
// array.
type acc struct {
	kind    jkind // of the first value that is not null; jNull while none
	first   *jv   // that value
	reps    int   // replications added
	missing int   // replications before first in which the value was missing
	num     results.Sample
	all     bool // booleans: true in every replication so far
	mixed   bool // strings: not all the same
	// Objects: the union of the keys in first-seen order, an accumulator
	// per key, and whether some replication listed its keys unsorted (if
	// none did, the keys are a map's and print sorted).
	keys     []string
	kids     []*acc
	at       map[string]int
	unsorted bool
	hist     *histAcc // under histogramKey only
}

// newKid returns the accumulator of a key first seen now, missing from
// the replications before.
func newKid(key string, before int) *acc {
	a := &acc{reps: before, missing: before}
	if key == histogramKey {
		a.hist = &histAcc{}
	}
	return a
}

// add adds one replication's value (nil if it has none).
func (a *acc) add(x *jv) {
	a.reps++
	if a.hist != nil {
		a.hist.add(x)
	}
	if a.kind == jNull {
		switch {
		case x == nil:
			a.missing++
			return
		case x.kind == jNull:
			return
		}
		a.kind, a.first = x.kind, x
		switch x.kind {
		case jNum:
			for range a.missing {
				a.num.Add(0)
			}
		case jBool:
			a.all = true
		case jObj:
			a.at = map[string]int{}
		}
	}
	switch a.kind {
	case jNum:
		if x == nil {
			a.num.Add(0)
		} else if x.kind == jNum {
			a.num.Add(x.n)
		}
	case jBool:
		if x != nil && x.kind == jBool {
			a.all = a.all && x.b
		}
	case jStr:
		if x != nil && x.kind == jStr && x.s != a.first.s {
			a.mixed = true
		}
	case jObj:
		a.addObject(x)
	}
}

func (a *acc) addObject(x *jv) {
	for i, k := range a.keys {
		a.kids[i].add(x.get(k))
	}
	if x == nil || x.kind != jObj {
		return
	}
	a.unsorted = a.unsorted || !sort.StringsAreSorted(x.keys)
	for _, k := range x.keys {
		if _, ok := a.at[k]; ok {
			continue
		}
		kid := newKid(k, a.reps-1)
		kid.add(x.get(k))
		a.at[k] = len(a.keys)
		a.keys = append(a.keys, k)
		a.kids = append(a.kids, kid)
	}
}

// result returns the mean of the values added and their 95% half-widths
// (nil where there are none).
func (a *acc) result() (mean, ci *jv) {
	if a.hist != nil && !a.hist.bad {
		return a.hist.result(), nil
	}
	switch a.kind {
	case jNull:
		return &jv{kind: jNull}, nil
	case jObj:
		mean, ci = jObject(), jObject()
		keys := a.keys
		if !a.unsorted {
			keys = slices.Sorted(slices.Values(keys))
		}
		for _, k := range keys {
			m, c := a.kids[a.at[k]].result()
			mean.set(k, m)
			if c != nil && (c.kind != jObj || len(c.keys) > 0) {
				ci.set(k, c)
			}
		}
		return mean, ci
	case jNum:
		m, hw, n := a.num.MeanCI95()
		if n < 2 {
			return jNumber(m), nil
		}
		return jNumber(m), jNumber(hw)
	case jBool:
		return &jv{kind: jBool, b: a.all}, nil
	case jStr:
		if a.mixed {
			return jString("mixed"), nil
		}
	}
	return a.first, nil
}

// histogramKey is the key of a latency histogram in a summary
// (results.Latency.Histogram).
const histogramKey = "histogram"

// histAcc adds up the histograms of replications (arrays of [upper
// bound, count] pairs, sorted by bound; nothing where a replication had
// none) bucket by bucket: bounds depend only on the bucket, so equal
// bounds are the same bucket. The counts are totals over the
// replications, not means: the result is the histogram of every
// successful call of every replication. A value that is not such an
// array makes it bad, and the generic rule applies.
type histAcc struct {
	bad bool
	// upper and counts are the buckets so far. While every histogram
	// added listed its bounds in increasing order (a run's do), they are
	// kept in that order, each histogram merged in (u2 and c2 are the
	// merge's other buffers) and at is nil; after one that did not, at
	// indexes the bounds, which are in first-seen order from then on.
	upper, counts []float64
	u2, c2        []float64
	at            map[float64]int
}

func (h *histAcc) add(x *jv) {
	if h.bad || x == nil || x.kind == jNull {
		return
	}
	var ps [][2]float64
	switch x.kind {
	case jPairs: // a run's own
		for _, p := range x.pairs {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				h.drop() // a null, as the numbers' nodes would have been
				return
			}
		}
		ps = x.pairs
	case jArr: // read back from JSON (a shard's)
		ps = make([][2]float64, 0, len(x.vals))
		for _, p := range x.vals {
			if p.kind != jArr || len(p.vals) != 2 || p.vals[0].kind != jNum || p.vals[1].kind != jNum {
				h.drop()
				return
			}
			ps = append(ps, [2]float64{p.vals[0].n, p.vals[1].n})
		}
	default:
		h.drop()
		return
	}
	if h.at == nil && increasing(ps) {
		h.merge(ps)
		return
	}
	if h.at == nil {
		h.at = make(map[float64]int, len(h.upper))
		for i, u := range h.upper {
			h.at[u] = i
		}
	}
	for _, p := range ps {
		h.bucket(p[0], p[1])
	}
}

// increasing reports whether the bounds of ps increase strictly.
func increasing(ps [][2]float64) bool {
	for i := 1; i < len(ps); i++ {
		if !(ps[i-1][0] < ps[i][0]) {
			return false
		}
	}
	return true
}

// merge adds ps, whose bounds increase, to the buckets, which are in
// order: the same sums as bucket's, without a map lookup per bucket.
func (h *histAcc) merge(ps [][2]float64) {
	u, c := h.u2[:0], h.c2[:0]
	if n := len(h.upper) + len(ps); cap(u) < n || cap(c) < n {
		// room for every bucket of both at once (the merge has at most
		// that many), rather than growing to it append by append
		u, c = make([]float64, 0, n), make([]float64, 0, n)
	}
	i := 0
	for _, p := range ps {
		for i < len(h.upper) && h.upper[i] < p[0] {
			u, c = append(u, h.upper[i]), append(c, h.counts[i])
			i++
		}
		if i < len(h.upper) && h.upper[i] == p[0] {
			u, c = append(u, h.upper[i]), append(c, h.counts[i]+p[1])
			i++
			continue
		}
		u, c = append(u, p[0]), append(c, p[1])
	}
	u, c = append(u, h.upper[i:]...), append(c, h.counts[i:]...)
	h.u2, h.c2 = h.upper, h.counts
	h.upper, h.counts = u, c
}

// bucket adds n to the bucket bounded by u.
func (h *histAcc) bucket(u, n float64) {
	if i, ok := h.at[u]; ok {
		h.counts[i] += n
		return
	}
	h.at[u] = len(h.upper)
	h.upper = append(h.upper, u)
	h.counts = append(h.counts, n)
}

func (h *histAcc) drop() { *h = histAcc{bad: true} }

func (h *histAcc) result() *jv {
	idx := make([]int, len(h.upper))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return h.upper[idx[i]] < h.upper[idx[j]] })
	out := make([][2]float64, len(idx))
	for k, i := range idx {
		out[k] = [2]float64{h.upper[i], h.counts[i]}
	}
	return jPairsOf(out)
}
