package scenarios

import (
	"math"
	"sort"

	"github.com/stampede-sim/stampede/models"
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

// peakKeys are the series each kind of entity contributes to "peak".
var peakKeys = map[string]string{
	"services": "arrivals",
	"clients":  "attempts",
	"edges":    "attempts",
	"caches":   "misses",
}

// addDerived adds the derived metrics of one run's results to its summary.
func addDerived(sum *jv, res *models.Results) {
	s := &res.Series
	peak := jObject()
	peak.set("attempts", jNumber(seriesMax(s.Total.Attempts)))
	group := func(kind string, names []string, vals []models.Values) {
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
	var vals []models.Values
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
}

// seriesMax is the largest value of a series, NaN if it has none.
func seriesMax(v models.Values) float64 {
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
