package scenarios

import (
	"fmt"
	"math"

	"github.com/stampede-sim/stampede/models/results"
)

// Paired comparisons. The variants of a batch run on common random
// numbers: replication i of every variant at a point starts from the same
// seed, so the same calls arrive asking for the same work. The difference
// between a variant and the base is then measured replication by
// replication, and its interval (Student's t on the differences) leaves
// out the noise both share: much narrower than two separate intervals.

// pairedKeys are the JSON keys of the paired data in a row's summary.
const (
	perReplicationKey = "per_replication"
	vsBaseKey         = "vs_base"
)

// maxPairedReplications is the most replications a batch keeps per
// replication for paired comparisons (a few numbers per run and row):
// past it there are none, and a batch's memory stays flat however many
// replications it runs (an interval over 1000 replications is narrow
// without pairing).
const maxPairedReplications = results.ExactSample

// addRepNumbers appends the metrics of one replication's summary to reps
// as numbers (NaN for null or not a number; an absent entry of a map of
// counts is 0, as Row.Number reads it).
func addRepNumbers(reps map[string][]float64, sum *jv, metrics []string) map[string][]float64 {
	if reps == nil {
		reps = make(map[string][]float64, len(metrics))
	}
	r := Row{summary: sum}
	for _, m := range metrics {
		x, ok := r.Number(m)
		if !ok {
			x = math.NaN()
		}
		reps[m] = append(reps[m], x)
	}
	return reps
}

// pairMetrics are the metrics kept per replication: the headlines, and
// the metrics of the claims that compare two variants.
func pairMetrics(m *meta) []string {
	var out []string
	for _, h := range results.Headlines {
		out = append(out, h.Metric)
	}
	for _, ex := range m.Expect {
		if ex.RelativeTo != "" && !containsString(out, ex.Metric) {
			out = append(out, ex.Metric)
		}
	}
	return out
}

func anyFinite(xs []float64) bool {
	for _, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// perReplicationJV is the "per_replication" object of a row: each
// headline metric's value in each replication, in replication order
// (null where a replication has none); a metric no replication has
// (recovered, without faults) is left out.
func perReplicationJV(reps map[string][]float64) *jv {
	o := jObject()
	for _, h := range results.Headlines {
		if !anyFinite(reps[h.Metric]) {
			continue
		}
		arr := &jv{kind: jArr}
		for _, x := range reps[h.Metric] {
			arr.vals = append(arr.vals, jNumber(x))
		}
		o.set(h.Metric, arr)
	}
	return o
}

// addVsBase gives every row but the base's, when there are replications
// to pair, a "vs_base" object: for each headline metric, the mean
// difference from the base at the same point (this row minus the base),
// its paired 95% half-width and the number of pairs. A metric with no
// pair (recovered, without faults) is left out.
func addVsBase(rows []Row) {
	for i := range rows {
		r := &rows[i]
		base := baseOf(rows, r)
		if base == nil || base == r {
			continue
		}
		o := jObject()
		for _, h := range results.Headlines {
			d, half, n := results.PairedCI95(base.reps[h.Metric], r.reps[h.Metric])
			if n == 0 {
				continue
			}
			x := jObject()
			x.set("diff", jNumber(d))
			x.set("ci95", jNumber(half))
			x.set("pairs", jNumber(float64(n)))
			o.set(h.Metric, x)
		}
		r.summary.set(vsBaseKey, o)
	}
}

// baseOf returns the base's row at r's point when both have several
// replications, else nil.
func baseOf(rows []Row, r *Row) *Row {
	if len(r.reps) == 0 {
		return nil
	}
	for i := range rows {
		if rows[i].Variant == BaseName && samePoint(rows[i].Point, r.Point) && len(rows[i].reps) > 0 {
			return &rows[i]
		}
	}
	return nil
}

// vsBase returns the paired difference of a row's metric from the base:
// the mean difference, its half-width and the number of pairs; ok is
// false for the base itself or without replications to pair.
func (r *Row) vsBase(metric string) (diff, half float64, n int, ok bool) {
	x := r.summary.get(vsBaseKey).get(metric)
	if x == nil {
		return 0, 0, 0, false
	}
	num := func(k string) float64 {
		if v := x.get(k); v != nil && v.kind == jNum {
			return v.n
		}
		return math.NaN()
	}
	return num("diff"), num("ci95"), int(num("pairs")), true
}

// pairedCells returns the table of paired differences from the base:
// the sweep values, the variant, and each headline's difference with its
// half-width ("-" where no replication has the metric on both sides);
// nil when no row has one.
func (r *Result) pairedCells() ([][]string, []bool) {
	var header []string
	var right []bool
	for _, ax := range r.Axes {
		header = append(header, ax.Path)
		right = append(right, true)
	}
	header = append(header, "variant")
	right = append(right, false)
	var shown []results.Headline
	for _, h := range results.Headlines {
		for i := range r.Rows {
			if _, _, _, ok := r.Rows[i].vsBase(h.Metric); ok {
				shown = append(shown, h)
				break
			}
		}
	}
	if len(shown) == 0 {
		return nil, nil
	}
	for _, h := range shown {
		header = append(header, "Δ"+h.Label)
		right = append(right, true)
	}
	out := [][]string{header}
	for i := range r.Rows {
		row := &r.Rows[i]
		if row.summary.get(vsBaseKey) == nil {
			continue
		}
		var cs []string
		for _, v := range row.Point {
			cs = append(cs, v.Text)
		}
		cs = append(cs, row.Variant)
		for _, h := range shown {
			d, half, _, ok := row.vsBase(h.Metric)
			if !ok {
				cs = append(cs, "-")
				continue
			}
			cs = append(cs, fmt.Sprintf("%s ±%s", h.FormatSigned(d), h.Format(half)))
		}
		out = append(out, cs)
	}
	return out, right
}

// pairedNote says what the paired table holds.
func (r *Result) pairedNote() string {
	return fmt.Sprintf("Paired differences from base (variant - base; ± is the 95%% half-width of the %d per-replication differences, on common random numbers):",
		r.Replications)
}
