package scenarios

import (
	"math"
	"sort"

	"github.com/stampede-sim/stampede/models/results"
)

// Derived metrics: numbers a claim needs that the models' summary does not
// hold, computed here from a run's per-interval series and added to its
// JSON summary under "peak" (docs/SCENARIOS.md, "What a run writes").
//
// peak holds the highest per-interval rate of a series over the run, per
// second: with interval = "100ms", peak.services.api.arrivals is the
// arrival rate in the busiest 100 ms window, the measure of a thundering
// herd (a burst that a per-run mean averages away):
//
//	"peak": {"attempts": n,                          total attempts/s
//	         "services": {"<name>": {"arrivals": n}},  requests arriving/s
//	         "clients":  {"<name>": {"attempts": n}},  attempts sent/s
//	         "edges":    {"<from->to>": {"attempts": n}},
//	         "caches":   {"<name>": {"misses": n}}}    misses/s
//
// A series with no value in any interval gives null. With replications
// the peak is, like every number, the mean of the runs' peaks.
//
// during_faults and after_faults hold the total goodput and offered load
// (calls/s) averaged over the complete intervals from the start of the
// first fault to the end of the last one, and from then to the end of the
// run, and goodput_ratio, that goodput over the baseline goodput before
// the first fault (recovery.baseline_goodput): "goodput stays near
// capacity during the overload", "goodput stays at a tenth of its
// baseline after the trigger". Null without faults, for an empty window
// (an instantaneous fault has no during), or with no baseline:
//
//	"during_faults": {"goodput": n, "offered": n, "goodput_ratio": n},
//	"after_faults":  {"goodput": n, "offered": n, "goodput_ratio": n}
//
// faults lists the windows of the faults that acted (results.FaultWindow,
// in start order; an empty list without faults), so that figures drawn
// from a saved summary shade them: data, not metrics. With replications
// it is the first replication's (the same configuration gives the same
// windows):
//
//	"faults": [{"kind": k, "target": t, "start_s": s, "end_s": s}, ...]

// peakKeys are the series each kind of entity contributes to "peak".
var peakKeys = map[string]string{
	"services": "arrivals",
	"clients":  "attempts",
	"edges":    "attempts",
	"caches":   "misses",
}

// addDerived adds the derived metrics of one run's results to its summary.
func addDerived(sum *jv, res *results.Results) {
	s := &res.Series
	peak := jObject()
	peak.set("attempts", jNumber(seriesMax(s.Total.Attempts)))
	group := func(kind string, names []string, vals []results.Values) {
		o := jObject()
		idx := make([]int, len(names))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
		for _, i := range idx {
			e := jObject()
			e.set(peakKeys[kind], jNumber(seriesMax(vals[i])))
			o.set(names[i], e)
		}
		peak.set(kind, o)
	}
	var names []string
	var vals []results.Values
	for _, x := range s.Services {
		names, vals = append(names, x.Name), append(vals, x.Arrivals)
	}
	group("services", names, vals)
	names, vals = nil, nil
	for _, x := range s.Clients {
		names, vals = append(names, x.Name), append(vals, x.Attempts)
	}
	group("clients", names, vals)
	names, vals = nil, nil
	for _, x := range s.Edges {
		names, vals = append(names, x.Name), append(vals, x.Attempts)
	}
	group("edges", names, vals)
	names, vals = nil, nil
	for _, x := range s.Caches {
		names, vals = append(names, x.Name), append(vals, x.Misses)
	}
	group("caches", names, vals)
	sum.set("peak", peak)

	start, end := math.Inf(1), math.Inf(-1)
	for _, f := range res.Faults {
		start, end = min(start, f.StartS), max(end, f.EndS)
	}
	if len(res.Faults) == 0 {
		start, end = math.NaN(), math.NaN() // no window holds an interval
	}
	base := math.NaN()
	if b := res.Summary.Recovery.BaselineGoodput; b > 0 {
		base = b
	}
	window := func(from, to float64) *jv {
		o := jObject()
		g := windowMean(s.T, s.Total.Goodput, res.IntervalS, from, to)
		o.set("goodput", jNumber(g))
		o.set("offered", jNumber(windowMean(s.T, s.Total.Offered, res.IntervalS, from, to)))
		o.set("goodput_ratio", jNumber(g/base))
		return o
	}
	sum.set("during_faults", window(start, end))
	sum.set("after_faults", window(end, res.EndS))
	sum.set("faults", faultsTree(res.Faults))
}

// windowMean is the mean of v over the complete intervals (starts t, width
// w) inside [from, to), NaN if there is none.
func windowMean(t, v results.Values, w, from, to float64) float64 {
	const eps = 1e-9
	sum, n := 0.0, 0
	for i := range min(len(t), len(v)) {
		if t[i] >= from-eps && t[i]+w <= to+eps && !math.IsNaN(v[i]) {
			sum += v[i]
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// seriesMax is the largest value of a series, NaN if it has none.
func seriesMax(v results.Values) float64 {
	m := math.NaN()
	for _, x := range v {
		if !math.IsNaN(x) && (math.IsNaN(m) || x > m) {
			m = x
		}
	}
	return m
}

// peakShape is the shape of "peak" in a summary of a world, for checking
// claim metrics when a scenario loads.
func peakShape(names map[string][]string) *metricNode {
	num := func() *metricNode { return &metricNode{leaf: "number"} }
	n := &metricNode{kids: map[string]*metricNode{"attempts": num()}}
	for kind, key := range peakKeys {
		g := &metricNode{kids: map[string]*metricNode{}}
		for _, name := range names[kind] {
			g.kids[name] = &metricNode{kids: map[string]*metricNode{key: num()}}
		}
		n.kids[kind] = g
	}
	return n
}

// windowShape is the shape of "during_faults" and "after_faults".
func windowShape() *metricNode {
	n := &metricNode{kids: map[string]*metricNode{}}
	for _, k := range []string{"goodput", "offered", "goodput_ratio"} {
		n.kids[k] = &metricNode{leaf: "number"}
	}
	return n
}
