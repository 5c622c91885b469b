package plots

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
)

// DefaultSweepMetric is the metric a sweep figure draws when none is
// named: goodput, where congestion collapse shows.
const DefaultSweepMetric = "goodput"

// FromBatch gathers what the figures need from a batch's results (a batch
// run with its series kept, or a summary.json read back):
//
//   - without a sweep: one Run per variant, with its summary, its series
//     (the mean over replications) and the fault windows its first
//     replication recorded;
//   - with a sweep over one parameter: the sweep figure of metric (a
//     dotted summary path, "goodput" when empty), with 95% intervals when
//     replicated;
//   - with a sweep over two: a stability map per variant, and the sweep
//     figure of metric against the first parameter at the first value of
//     the second (one line per variant keeps it readable).
func FromBatch(b *results.Batch, metric string) (*Set, error) {
	if b == nil || len(b.Rows) == 0 {
		return nil, errors.New("the batch produced no rows")
	}
	if metric == "" {
		metric = DefaultSweepMetric
	}
	set := &Set{Title: b.Title, batch: b}
	if set.Title == "" {
		set.Title = b.Scenario
	}
	if len(b.Axes) == 0 {
		for i := range b.Rows {
			row := &b.Rows[i]
			name := row.Variant
			if name == "" {
				name = fmt.Sprintf("variant %d", i+1)
			}
			r := row.Run
			run := Run{Name: name, Results: &r, Slot: i}
			for _, m := range ciMetrics {
				if h, ok := row.CI95(m); ok && finite(h, false) {
					if run.CI95 == nil {
						run.CI95 = map[string]float64{}
					}
					run.CI95[m] = h
				}
			}
			set.Runs = append(set.Runs, run)
		}
		return set, nil
	}
	if len(b.Axes) > 2 {
		return nil, fmt.Errorf("a sweep over %d parameters: the figures draw one or two", len(b.Axes))
	}
	sw, err := sweepOf(b.Axes, b.Rows, metric, "")
	if err != nil {
		return nil, err
	}
	set.Sweep = sw
	if len(b.Axes) == 2 {
		st, err := stabilityOf(b.Axes, b.Rows, b.Replications)
		if err != nil {
			return nil, err
		}
		set.Stability = st
	}
	return set, nil
}

// axisOf returns an axis's values as numbers and their unit.
func axisOf(a results.Axis) ([]float64, Unit, error) {
	xs := make([]float64, len(a.Values))
	unit := Count
	for i, v := range a.Values {
		x, err := numberOf(v)
		if err != nil {
			return nil, 0, fmt.Errorf("sweep %s: %w", a.Path, err)
		}
		if v.Kind == results.Duration {
			unit = Seconds
		}
		xs[i] = x
	}
	return xs, unit, nil
}

// numberOf is a sweep value as a number: a number, or a duration in
// seconds.
func numberOf(v results.Value) (float64, error) {
	switch v.Kind {
	case results.Number, results.Duration:
		return v.Num, nil
	case results.Text:
		return 0, fmt.Errorf("sweep value %q is neither a number nor a duration", v.Text)
	}
	return 0, fmt.Errorf("sweep value %s is not a number", v.Text)
}

// paramLabel labels a swept parameter's axis: its path, and what the
// last key means when the path alone does not say the unit.
func paramLabel(path string) string {
	last := path[strings.LastIndex(path, ".")+1:]
	switch last {
	case "rate":
		return path + " (calls/s)"
	case "for":
		return path + " (fault length)"
	case "at":
		return path + " (fault start)"
	case "factor":
		return path + " (×)"
	case "workers", "replicas", "users":
		return path + " (" + last + ")"
	case "limit":
		return path + " (requests)"
	}
	return path
}

// metricLabel and metricUnit describe a summary metric for an axis.
func metricLabel(metric string) string {
	switch metric {
	case "goodput", "throughput":
		return metric + " (calls/s)"
	case "amplification":
		return "amplification (attempts/call)"
	}
	return metric
}

func metricUnit(metric string) Unit {
	last := metric[strings.LastIndex(metric, ".")+1:]
	switch {
	case strings.HasSuffix(metric, "_s") || strings.Contains(metric, "_s."):
		return Seconds
	case last == "utilization" || last == "hit_ratio":
		return Fraction
	}
	return Count
}

// sweepOf draws metric against the first swept parameter, one series per
// variant (at the first value of a second parameter, if any); or, when
// xmetric is not empty, against that summary metric, one point per swept
// value in sweep order.
func sweepOf(axes []results.Axis, rows []results.Row, metric, xmetric string) (*SweepData, error) {
	xs, xunit, err := axisOf(axes[0])
	if err != nil {
		return nil, err
	}
	d := &SweepData{Param: paramLabel(axes[0].Path), Metric: metricLabel(metric), XUnit: xunit, YUnit: metricUnit(metric)}
	if xmetric != "" {
		d.Param, d.XUnit = metricLabel(xmetric), metricUnit(xmetric)
		xs = nil
	} else if (metric == "goodput" || metric == "throughput") && strings.HasPrefix(axes[0].Path, "clients.") && strings.HasSuffix(axes[0].Path, ".rate") {
		d.Diagonal = metric + " = offered load"
	}
	var first string
	if len(axes) == 2 && len(axes[1].Values) > 0 {
		first = axes[1].Values[0].Text
		d.Subtitle = fmt.Sprintf("at %s = %s", axes[1].Path, first)
	}
	byVariant := map[string]int{}
	found := false
	for i := range rows {
		row := &rows[i]
		pt := row.Point
		if len(pt) == 0 {
			continue
		}
		if len(pt) == 2 && pt[1].Text != first {
			continue
		}
		x, err := numberOf(pt[0])
		if err != nil {
			return nil, err
		}
		if xmetric != "" {
			var ok bool
			if x, ok = row.Number(xmetric); !ok {
				continue // nothing to place it at
			}
		}
		y, ok := row.Number(metric)
		if !ok {
			y = math.NaN()
		} else {
			found = true
		}
		ci, _ := row.CI95(metric)
		k, ok := byVariant[row.Variant]
		if !ok {
			k = len(d.Series)
			byVariant[row.Variant] = k
			d.Series = append(d.Series, SweepSeries{Name: row.Variant, Slot: k})
		}
		d.Series[k].Points = append(d.Series[k].Points, SweepPoint{X: x, Y: y, CI: ci})
	}
	if !found {
		return nil, fmt.Errorf("no numeric metric %q in the results (try goodput, latency_s.p99, amplification, recovery_s, services.NAME.utilization)", metric)
	}
	if len(xs) > 1 && xs[0] > 0 && xs[len(xs)-1]/xs[0] >= 100 {
		d.LogX = true
	}
	return d, nil
}

// stabilityOf builds one stability map per variant from a two-parameter
// sweep's recovery verdicts.
func stabilityOf(axes []results.Axis, rows []results.Row, reps int) (*StabilityData, error) {
	xs, xunit, err := axisOf(axes[0])
	if err != nil {
		return nil, err
	}
	ys, yunit, err := axisOf(axes[1])
	if err != nil {
		return nil, err
	}
	d := &StabilityData{XParam: paramLabel(axes[0].Path), YParam: paramLabel(axes[1].Path), XUnit: xunit, YUnit: yunit, X: xs, Y: ys}
	index := func(vals []results.Value, v results.Value) int {
		for i, w := range vals {
			if w.Text == v.Text {
				return i
			}
		}
		return -1
	}
	maps := map[string]int{}
	reps = max(reps, 1)
	for i := range rows {
		row := &rows[i]
		pt := row.Point
		if len(pt) != 2 {
			continue
		}
		k, ok := maps[row.Variant]
		if !ok {
			k = len(d.Maps)
			maps[row.Variant] = k
			cells := make([][]StabilityCell, len(ys))
			for j := range cells {
				cells[j] = make([]StabilityCell, len(xs))
			}
			d.Maps = append(d.Maps, StabilityGrid{Name: row.Variant, Cells: cells})
		}
		xi, yi := index(axes[0].Values, pt[0]), index(axes[1].Values, pt[1])
		if xi < 0 || yi < 0 {
			return nil, fmt.Errorf("row at %s, %s is not on the sweep's grid", pt[0].Text, pt[1].Text)
		}
		d.Maps[k].Cells[yi][xi] = cellOfRow(row, reps)
	}
	return d, nil
}

// cellOfRow reads a row's (possibly aggregated) recovery verdict: with
// replications the verdict is Mixed when they disagreed, and
// recovered_fraction says how many recovered.
func cellOfRow(row *results.Row, reps int) StabilityCell {
	c := StabilityCell{Runs: reps}
	switch v := row.Run.Summary.Recovery.Verdict; v {
	case results.Mixed:
		c.Recovered = -1
		if f, ok := row.Number("recovered_fraction"); ok {
			c.Recovered = int(math.Round(f * float64(reps)))
		}
		// With none recovered, the verdicts differed among ways of not
		// recovering (not_recovered, collapsed, ...): not recovered.
		c.Verdict = results.NotRecovered
		if s, ok := row.Number("recovery_s"); ok {
			c.RecoveryS = s
		}
	case results.Recovered:
		c.Recovered = reps
		c.Verdict = results.Recovered
		c.RecoveryS, _ = row.Number("recovery_s")
	default:
		c.Verdict = v
	}
	return c
}
