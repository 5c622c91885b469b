package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/stampede-sim/stampede/models/results"
)

// assembler turns run records, fed in index order, into a Result, one
// row at a time: each record is added to its row's running aggregate and
// dropped, so that a batch's memory does not grow with its number of
// replications (only with its rows, which its output holds).
type assembler struct {
	m    *meta
	axes []results.Axis
	cur  *rowAcc // the row being filled, or nil between rows
	rows []Row
	next int
	stop []string
	// pairs are the metrics kept per replication for paired comparisons
	// (paired.go), nil when the batch has 1 or more than
	// maxPairedReplications replications.
	pairs []string
}

func newAssembler(m *meta) *assembler {
	a := &assembler{m: m}
	if m.Replications > 1 && m.Replications <= maxPairedReplications {
		a.pairs = pairMetrics(m)
	}
	for _, ax := range m.Axes {
		t := results.Axis{Path: ax.Path}
		for _, v := range ax.Values {
			t.Values = append(t.Values, sweepValue(v))
		}
		a.axes = append(a.axes, t)
	}
	return a
}

func (a *assembler) add(rec *runRecord) error {
	if rec.I != a.next {
		return fmt.Errorf("run %d is missing (got run %d)", a.next, rec.I)
	}
	if rec.Summary == nil || rec.Summary.kind != jObj {
		return fmt.Errorf("run %d has no summary", rec.I)
	}
	a.next++
	if a.cur == nil {
		a.cur = a.newRow(len(a.rows))
	}
	a.cur.add(rec)
	if a.cur.n == a.m.Replications {
		a.rows = append(a.rows, a.cur.finish())
		a.cur = nil
	}
	return nil
}

// rowAcc is a row being filled: what the row keeps of its first
// replication, and the running aggregate of all of them.
type rowAcc struct {
	a         *assembler
	row       Row
	n         int        // replications added
	first     *runRecord // the first replication's record
	sum       acc        // the summaries
	recovered int        // replications that recovered
	judged    int        // replications with a recovery verdict
	series    *seriesAcc // nil unless the batch keeps series
	reps      map[string][]float64
}

// newRow starts row g: its variant and sweep point.
func (a *assembler) newRow(g int) *rowAcc {
	m := a.m
	nv := len(m.Variants)
	pt, v := g/nv, g%nv
	ra := &rowAcc{a: a, row: Row{Variant: m.Variants[v].Name}}
	rest := pt
	idx := make([]int, len(m.Axes))
	for j := len(m.Axes) - 1; j >= 0; j-- {
		idx[j] = rest % len(m.Axes[j].Values)
		rest /= len(m.Axes[j].Values)
	}
	for j, ax := range a.axes {
		ra.row.Point = append(ra.row.Point, ax.Values[idx[j]])
	}
	if m.Series && m.Replications > 1 {
		ra.series = &seriesAcc{at: map[colKey]int{}}
	}
	return ra
}

// add adds one replication's record to the row.
func (ra *rowAcc) add(rec *runRecord) {
	i := ra.n
	ra.n++
	if i == 0 {
		ra.first = rec
	}
	if ra.a.m.Replications > 1 {
		ra.sum.add(rec.Summary)
		if x := rec.Summary.get("recovered"); x != nil && x.kind == jBool {
			ra.judged++
			if x.b {
				ra.recovered++
			}
		}
	}
	if ra.series != nil {
		ra.series.add(rec)
	}
	if ra.a.pairs != nil {
		ra.reps = addRepNumbers(ra.reps, rec.Summary, ra.a.pairs)
	}
	if rec.Stopped == "" {
		return
	}
	r := &ra.row
	if r.Stopped == "" {
		r.Stopped = rec.Stopped
	}
	where := "variant " + strconv.Quote(r.Variant)
	for j, ax := range ra.a.m.Axes {
		where += fmt.Sprintf(", %s = %s", ax.Path, r.Point[j].Text)
	}
	ra.a.stop = append(ra.a.stop, fmt.Sprintf("%s, replication %d: %s", where, i, rec.Stopped))
}

// finish returns the row: its summary (the means over the replications,
// with a "ci95" object of 95% half-widths when there are several), the
// first replication's run and traces, and the mean series.
func (ra *rowAcc) finish() Row {
	r := ra.row
	obj := jObject()
	obj.set("name", jString(r.Variant))
	if len(r.Point) > 0 {
		point := jObject()
		for j, ax := range ra.a.axes {
			point.set(ax.Path, valueJV(r.Point[j]))
		}
		obj.set("point", point)
	}
	// A row whose seed is not the scenario's (a variant or a sweep point
	// that sets seed, 0 included) says which it ran; without "seed" a row
	// ran the scenario's.
	if seed := ra.first.Run.Seed; seed != ra.a.m.Seed {
		obj.set("seed", seedJV(seed))
	}
	mean, ci := ra.first.Summary, (*jv)(nil)
	if ra.n > 1 {
		mean, ci = ra.sum.result()
	}
	for i, k := range mean.keys {
		obj.set(k, mean.vals[i])
		if k == "recovery_s" && ra.n > 1 {
			frac := &jv{kind: jNull}
			if ra.judged > 0 {
				frac = jNumber(float64(ra.recovered) / float64(ra.n))
			}
			obj.set("recovered_fraction", frac)
		}
	}
	if r.Stopped != "" {
		obj.set("stopped", jString(r.Stopped))
	}
	if ci != nil {
		obj.set("ci95", ci)
	}
	if ra.reps != nil {
		r.reps = ra.reps
		obj.set(perReplicationKey, perReplicationJV(r.reps))
	}
	r.summary = obj
	r.run = ra.first.Run
	switch {
	case ra.series != nil:
		r.Series = ra.series.result()
	case ra.a.m.Series:
		r.Series = &Series{T: ra.first.T, Cols: ra.first.Series}
	}
	if len(ra.first.Traces) > 0 {
		r.Traces = ra.first.Traces
	}
	return r
}

func (a *assembler) result() (*Result, error) {
	m := a.m
	if a.next != m.Runs {
		return nil, fmt.Errorf("%d of %d runs are missing", m.Runs-a.next, m.Runs)
	}
	res := &Result{
		Scenario: m.Scenario, File: m.File, Title: m.Title, About: m.About,
		Seed: m.Seed, Replications: m.Replications, Rows: a.rows, Stopped: a.stop,
	}
	res.Axes = a.axes
	res.Figures = m.Figures
	addVsBase(res.Rows)
	for _, v := range m.Variants {
		res.Variants = append(res.Variants, VariantInfo(v))
	}
	for _, ex := range m.Expect {
		res.Claims = append(res.Claims, evaluate(m, ex, res.Rows)...)
	}
	return res, nil
}

// colKey names a series: its entity's kind and name, and the metric.
type colKey struct{ kind, name, metric string }

// seriesAcc averages the series of replications interval by interval, fed
// one replication at a time: NaN (no data) is left out; a series missing
// from a replication (a failure reason that did not occur there) counts
// as 0 over that replication's length. The columns are in the order the
// replications list them, a column first seen later placed after the
// column it follows there. It holds a sum and a count per column and
// interval, whatever the number of replications.
type seriesAcc struct {
	t      results.Values // the longest T so far (the first of that length)
	order  []colKey
	at     map[colKey]int // index in order
	sums   [][]float64    // per column in order, per interval
	counts [][]int
	longer []int // longer[t]: replications so far whose series reach past t
	has    []bool
	vals   []results.Values
}

func (s *seriesAcc) add(rec *runRecord) {
	if len(rec.T) > len(s.t) {
		s.t = rec.T
	}
	prev := -1
	for _, c := range rec.Series {
		k := colKey{c.Kind, c.Name, c.Metric}
		if i, ok := s.at[k]; ok {
			prev = i
			continue
		}
		s.insert(prev+1, k)
		prev++
	}
	s.has = s.has[:0]
	s.vals = s.vals[:0]
	for range s.order {
		s.has = append(s.has, false)
		s.vals = append(s.vals, nil)
	}
	for _, c := range rec.Series {
		i := s.at[colKey{c.Kind, c.Name, c.Metric}]
		s.has[i], s.vals[i] = true, c.Values
	}
	for j := range s.order {
		sum, n := grow(s.sums[j], len(rec.T)), grow(s.counts[j], len(rec.T))
		v := s.vals[j]
		for t := range rec.T {
			x := 0.0
			if s.has[j] {
				if t >= len(v) {
					continue
				}
				x = v[t]
			}
			if math.IsNaN(x) {
				continue
			}
			sum[t] += x
			n[t]++
		}
		s.sums[j], s.counts[j] = sum, n
	}
	s.longer = grow(s.longer, len(rec.T))
	for t := range rec.T {
		s.longer[t]++
	}
}

// insert adds column k at index i of the order: missing, so 0, in every
// replication before.
func (s *seriesAcc) insert(i int, k colKey) {
	s.order = slices.Insert(s.order, i, k)
	s.sums = slices.Insert(s.sums, i, make([]float64, len(s.longer)))
	s.counts = slices.Insert(s.counts, i, slices.Clone(s.longer))
	for j := i; j < len(s.order); j++ {
		s.at[s.order[j]] = j
	}
}

// grow returns xs extended with zeros to at least n elements.
func grow[T any](xs []T, n int) []T {
	if len(xs) >= n {
		return xs
	}
	return append(xs, make([]T, n-len(xs))...)
}

func (s *seriesAcc) result() *Series {
	out := &Series{T: s.t}
	for j, k := range s.order {
		vals := make(results.Values, len(s.t))
		for t := range vals {
			if t >= len(s.counts[j]) || s.counts[j][t] == 0 {
				vals[t] = math.NaN()
				continue
			}
			vals[t] = s.sums[j][t] / float64(s.counts[j][t])
		}
		out.Cols = append(out.Cols, SeriesCol{Kind: k.kind, Name: k.name, Metric: k.metric, Values: vals})
	}
	return out
}
