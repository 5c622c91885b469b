package scenarios

import (
	"fmt"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// Batch returns the result as typed data for figures: each row's summary
// (means, half-widths), its mean series and what its first replication
// recorded as it ran (fault windows, seed, duration, interval).
func (r *Result) Batch() (*results.Batch, error) {
	b := &results.Batch{Scenario: r.Scenario, Title: r.Title, Replications: r.Replications, Seed: r.Seed, Axes: r.Axes, Margins: r.Margins}
	for i := range r.Rows {
		row := &r.Rows[i]
		out, err := results.DecodeRow(row.SummaryJSON())
		if err != nil {
			return nil, fmt.Errorf("variant %s: %w", row.Variant, err)
		}
		out.Point = row.Point
		run := &out.Run
		run.Seed, run.DurationS, run.IntervalS, run.EndS = row.run.Seed, row.run.DurationS, row.run.IntervalS, row.run.EndS
		run.NoSeed = false
		run.Stopped = row.Stopped
		if row.Series != nil {
			cols := make([]results.Column, len(row.Series.Cols))
			for j, c := range row.Series.Cols {
				cols[j] = results.Column{Kind: c.Kind, Name: c.Name, Metric: c.Metric, Values: c.Values}
			}
			run.Series = *results.SeriesOfColumns(row.Series.T, cols)
		}
		b.Rows = append(b.Rows, *out)
	}
	return b, nil
}

// sweepValue types a swept value as the scenario file gave it: a number,
// a boolean, or text (a duration such as "250ms", or another string).
func sweepValue(raw any) results.Value {
	if x, ok := format.Number(raw); ok {
		return results.NumberValue(x)
	}
	if b, ok := raw.(bool); ok {
		return results.BoolValue(b)
	}
	return results.TextValue(format.Label(raw))
}
