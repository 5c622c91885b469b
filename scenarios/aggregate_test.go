package scenarios

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// aggregate combines the summaries of replications as a row does: the
// first as it is when there is one, else fed one by one to an acc.
func aggregate(reps []*jv) (mean, ci *jv) {
	if len(reps) == 1 {
		return reps[0], nil
	}
	var a acc
	for _, x := range reps {
		a.add(x)
	}
	return a.result()
}

// TestAggregateAsBefore: the streaming aggregate gives the bytes the
// aggregate that held every replication gave (refAgg below, the code it
// replaced), on random summaries of every shape: keys missing or null in
// some replications, kinds that disagree, map-like and struct-like key
// orders, histograms good and bad.
func TestAggregateAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 3000 {
		n := 2 + rng.IntN(6)
		reps := make([]*jv, n)
		for i := range reps {
			reps[i] = randTree(rng, 0)
		}
		gm, gc := aggregate(reps)
		arrs := make([]*jv, n)
		for i, r := range reps {
			arrs[i] = pairsAsArrays(r)
		}
		wm, wc := refAgg(arrs)
		got, want := encodePair(gm, gc), encodePair(wm, wc)
		if !bytes.Equal(got, want) {
			var in []byte
			for _, r := range reps {
				in = append(r.encode(in, "", 0), '\n')
			}
			t.Fatalf("trial %d: replications\n%s\ngot  %s\nwant %s", trial, in, got, want)
		}
	}
}

func encodePair(m, c *jv) []byte {
	b := m.encode(nil, "", 0)
	if c != nil {
		b = c.encode(append(b, ' '), "", 0)
	}
	return b
}

// randTree returns a random summary-like value.
func randTree(rng *rand.Rand, depth int) *jv {
	k := rng.IntN(10)
	if depth == 0 {
		k = 9
	}
	switch {
	case k < 3:
		return jNumber(float64(rng.IntN(5)) * []float64{1, 0.1, 1e-3, 7.3}[rng.IntN(4)])
	case k == 3:
		return &jv{kind: jNull}
	case k == 4:
		return &jv{kind: jBool, b: rng.IntN(3) > 0}
	case k == 5:
		return jString([]string{"a", "b"}[rng.IntN(2)])
	case k == 6:
		return randHistogram(rng)
	case k == 7 || depth >= 3:
		return jNumber(rng.Float64())
	}
	o := jObject()
	keys := []string{"a", "b", "c", "d", histogramKey, "z"}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	keys = keys[:rng.IntN(len(keys)+1)]
	if rng.IntN(2) == 0 {
		sort.Strings(keys)
	}
	for _, key := range keys {
		if key == histogramKey && rng.IntN(4) > 0 {
			o.set(key, randHistogram(rng))
			continue
		}
		o.set(key, randTree(rng, depth+1))
	}
	return o
}

// pairsAsArrays is x with every jPairs written out as the jArr of jArr
// of numbers it stands for (what refAgg knows).
func pairsAsArrays(x *jv) *jv {
	if x == nil {
		return nil
	}
	switch x.kind {
	case jPairs:
		a := &jv{kind: jArr}
		for _, p := range x.pairs {
			a.vals = append(a.vals, &jv{kind: jArr, vals: []*jv{jNumber(p[0]), jNumber(p[1])}})
		}
		return a
	case jObj, jArr:
		c := *x
		c.vals = make([]*jv, len(x.vals))
		for i, v := range x.vals {
			c.vals[i] = pairsAsArrays(v)
		}
		return &c
	}
	return x
}

// randHistogram returns a histogram as a run's summary holds it (jPairs,
// mostly with its bounds increasing, now and then with a NaN: a null) or
// as JSON gives it back (jArr, now and then with a string bound).
func randHistogram(rng *rand.Rand) *jv {
	if rng.IntN(2) == 0 {
		var ps [][2]float64
		for range rng.IntN(4) {
			p := [2]float64{float64(1+rng.IntN(5)) * 1e-3, float64(rng.IntN(9))}
			if rng.IntN(25) == 0 {
				p[rng.IntN(2)] = math.NaN()
			}
			ps = append(ps, p)
		}
		if rng.IntN(4) > 0 { // as a run's: bounds increasing
			sort.Slice(ps, func(i, j int) bool { return ps[i][0] < ps[j][0] })
			ps = slices.CompactFunc(ps, func(a, b [2]float64) bool { return a[0] == b[0] })
		}
		return jPairsOf(ps)
	}
	h := &jv{kind: jArr}
	for range rng.IntN(4) {
		u := jNumber(float64(1+rng.IntN(5)) * 1e-3)
		if rng.IntN(25) == 0 {
			u = jString("x")
		}
		h.vals = append(h.vals, &jv{kind: jArr, vals: []*jv{u, jNumber(float64(rng.IntN(9)))}})
	}
	return h
}

// TestSeriesAsBefore: the streaming mean series is the one the code it
// replaced (refMeanSeries) computed from every replication's series, on
// random series of different lengths, columns missing, repeated or in
// another order, and NaN.
func TestSeriesAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 2000 {
		recs := make([]*runRecord, 2+rng.IntN(5))
		for i := range recs {
			recs[i] = randSeriesRecord(rng)
		}
		s := &seriesAcc{at: map[colKey]int{}}
		for _, rec := range recs {
			s.add(rec)
		}
		got, want := seriesText(s.result()), seriesText(refMeanSeries(recs))
		if got != want {
			t.Fatalf("trial %d:\ngot  %s\nwant %s", trial, got, want)
		}
	}
}

func randSeriesRecord(rng *rand.Rand) *runRecord {
	rec := &runRecord{}
	for i := range rng.IntN(5) {
		rec.T = append(rec.T, float64(i))
	}
	names := []string{"a", "b", "c", "d", "e"}
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for _, name := range names[:rng.IntN(len(names)+1)] {
		c := SeriesCol{Kind: "k", Name: name, Metric: "m"}
		for range len(rec.T) - rng.IntN(2) {
			x := float64(rng.IntN(10)) / 10
			if rng.IntN(6) == 0 {
				x = math.NaN()
			}
			c.Values = append(c.Values, x)
		}
		rec.Series = append(rec.Series, c)
		if rng.IntN(10) == 0 {
			rec.Series = append(rec.Series, c)
		}
	}
	return rec
}

func seriesText(s *Series) string {
	b := []byte("t=")
	for _, x := range s.T {
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
		b = append(b, ',')
	}
	for _, c := range s.Cols {
		b = append(b, " "+c.Name+"="...)
		for _, x := range c.Values {
			b = strconv.AppendFloat(b, x, 'g', -1, 64)
			b = append(b, ',')
		}
	}
	return string(b)
}

// The aggregate and the mean series as they were when a row held every
// replication's record: the reference the streaming ones are held to.

func refAgg(xs []*jv) (mean, ci *jv) {
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
		for _, k := range refUnionKeys(xs) {
			kids := make([]*jv, len(xs))
			for i, x := range xs {
				if c := x.get(k); c != nil {
					kids[i] = c
				} else if x != nil && x.kind == jObj {
					kids[i] = nil
				}
			}
			if k == histogramKey {
				if h := refAddHistograms(kids); h != nil {
					mean.set(k, h)
					continue
				}
			}
			m, c := refAgg(kids)
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

// addHistograms adds the histograms in xs (arrays of [upper bound, count]
// pairs, sorted by bound; nil where a replication had none) bucket by
// bucket: bounds depend only on the bucket, so equal bounds are the same
// bucket. The counts are totals over the replications, not means: the
// result is the histogram of every successful call of every replication.
// It returns nil if an element is not such a pair, for the generic rule.
func refAddHistograms(xs []*jv) *jv {
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
func refUnionKeys(xs []*jv) []string {
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

// meanSeries averages the series of replications interval by interval:
// NaN (no data) is left out; a series missing from a replication (a
// failure reason that did not occur there) counts as 0 over its length.
func refMeanSeries(recs []*runRecord) *Series {
	if len(recs) == 1 {
		return &Series{T: recs[0].T, Cols: recs[0].Series}
	}
	s := &Series{}
	type colKey struct{ kind, name, metric string }
	var order []colKey
	seen := map[colKey]bool{}
	for _, rec := range recs {
		if len(rec.T) > len(s.T) {
			s.T = rec.T
		}
		prev := -1
		for _, c := range rec.Series {
			k := colKey{c.Kind, c.Name, c.Metric}
			if seen[k] {
				for i, o := range order {
					if o == k {
						prev = i
					}
				}
				continue
			}
			seen[k] = true
			order = append(order, colKey{})
			copy(order[prev+2:], order[prev+1:])
			order[prev+1] = k
			prev++
		}
	}
	byRec := make([]map[colKey]results.Values, len(recs))
	for i, rec := range recs {
		byRec[i] = map[colKey]results.Values{}
		for _, c := range rec.Series {
			byRec[i][colKey{c.Kind, c.Name, c.Metric}] = c.Values
		}
	}
	for _, k := range order {
		vals := make(results.Values, len(s.T))
		for t := range vals {
			sum, n := 0.0, 0
			for i, rec := range recs {
				if t >= len(rec.T) {
					continue
				}
				x := 0.0
				if v, ok := byRec[i][k]; ok {
					if t >= len(v) {
						continue
					}
					x = v[t]
				}
				if math.IsNaN(x) {
					continue
				}
				sum += x
				n++
			}
			if n == 0 {
				vals[t] = math.NaN()
			} else {
				vals[t] = sum / float64(n)
			}
		}
		s.Cols = append(s.Cols, SeriesCol{Kind: k.kind, Name: k.name, Metric: k.metric, Values: vals})
	}
	return s
}
