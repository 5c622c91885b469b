package results

import (
	"fmt"
	"math"
)

// A diff compares two results of the same scenario (a baseline and a
// change to judge), row by row and headline by headline, and flags a
// change only where it is beyond both the noise (its 95% interval
// excludes 0) and a band the user sets (a relative change larger than
// it): a small real change and a large noisy one are both let through.

// DiffOptions control Compare.
type DiffOptions struct {
	// Band is the smallest relative change flagged (0.05 is 5% of the
	// old value); 0 flags any change beyond the noise.
	Band float64
}

// Change is one headline metric of one row, old against new.
type Change struct {
	// Metric is the headline compared.
	Metric Headline
	// Old and New are the values (means over replications); NaN where a
	// side has none (null: no successful call, no recovery).
	Old, New float64
	// Diff is New - Old; Rel is Diff / |Old| (NaN when Old is 0).
	Diff, Rel float64
	// Half is the 95% half-width of Diff, NaN without an interval (one
	// replication on a side). Paired says it is the paired interval
	// (both sides ran the same seeds and replications, each with its
	// values per replication), else Welch's; N is the number of pairs
	// or, unpaired, the smaller side's replications.
	Half   float64
	Paired bool
	N      int
	// BeyondNoise: the interval excludes 0 (with no interval, any
	// change). BeyondBand: |Rel| > the band (with Old 0, any change).
	BeyondNoise, BeyondBand bool
}

// Flagged says the change is beyond both the noise and the band.
func (c *Change) Flagged() bool { return c.BeyondNoise && c.BeyondBand }

// Regression says the change is flagged and for the worse: latency,
// amplification or recovery time up, goodput or recovery down.
func (c *Change) Regression() bool {
	return c.Flagged() && (c.Diff > 0) != c.Metric.HigherIsBetter
}

// RowDiff is one row (variant and sweep point) in both results.
type RowDiff struct {
	Variant string
	Point   []Value
	Changes []Change
}

// Diff is the comparison of two batches.
type Diff struct {
	// Old and New are what was compared.
	Old, New *Batch
	// Band is the band used.
	Band float64
	// Rows are the rows in both, in the new batch's order.
	Rows []RowDiff
	// OnlyOld and OnlyNew name the rows in one batch only ("variant",
	// or "variant at path = value").
	OnlyOld, OnlyNew []string
	// Notes say what the comparison could not do (different
	// scenarios, no intervals).
	Notes []string
	// Margins compare the margins both results searched.
	Margins []MarginChange
}

// Compare compares old with new, each row of new with the row of old of
// the same variant and sweep point.
func Compare(old, new *Batch, opts DiffOptions) *Diff {
	d := &Diff{Old: old, New: new, Band: opts.Band}
	if old.Scenario != new.Scenario {
		d.Notes = append(d.Notes, fmt.Sprintf("the results are of different scenarios (%s, %s): rows are matched by variant and sweep point", old.Scenario, new.Scenario))
	}
	// Paired only when both sides recorded their seed and it is the
	// same: a summary without one did not necessarily run seed 0.
	paired := old.Replications > 1 && old.Replications == new.Replications && !old.NoSeed && !new.NoSeed && old.Seed == new.Seed
	switch {
	case old.Replications < 2 && new.Replications < 2:
		d.Notes = append(d.Notes, "1 replication on each side: no interval, so a change is judged by the band alone (run both with --replications N to judge it against the noise)")
	case !paired:
		d.Notes = append(d.Notes, fmt.Sprintf("unpaired intervals (Welch): the results ran different seeds or replications (%s x %d, %s x %d)",
			seedText(old.Seed, old.NoSeed), old.Replications, seedText(new.Seed, new.NoSeed), new.Replications))
	}
	unpairedRows := 0
	used := make([]bool, len(old.Rows))
	for i := range new.Rows {
		nr := &new.Rows[i]
		j := findRow(old, nr)
		if j < 0 {
			d.OnlyNew = append(d.OnlyNew, rowName(new, nr))
			continue
		}
		used[j] = true
		or := &old.Rows[j]
		rd := RowDiff{Variant: nr.Variant, Point: nr.Point}
		// A row that ran its own seed (its variant or sweep point set
		// one) pairs only with a row that ran the same.
		rowPaired := paired && !or.Run.NoSeed && !nr.Run.NoSeed && or.Run.Seed == nr.Run.Seed
		if paired && !rowPaired {
			unpairedRows++
		}
		for _, h := range Headlines {
			c, ok := compareMetric(h, old, or, new, nr, rowPaired, opts.Band)
			if ok {
				rd.Changes = append(rd.Changes, c)
			}
		}
		d.Rows = append(d.Rows, rd)
	}
	if unpairedRows > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("unpaired intervals (Welch) on %d %s whose seeds differ between the results (a variant or sweep point that sets seed)",
			unpairedRows, plural(unpairedRows, "row", "rows")))
	}
	for j := range old.Rows {
		if !used[j] {
			d.OnlyOld = append(d.OnlyOld, rowName(old, &old.Rows[j]))
		}
	}
	d.compareMargins()
	return d
}

// compareMetric compares one headline of a row; ok is false when neither
// side has it (recovered, without faults).
func compareMetric(h Headline, ob *Batch, or *Row, nb *Batch, nr *Row, paired bool, band float64) (Change, bool) {
	c := Change{Metric: h, Half: math.NaN(), Rel: math.NaN()}
	var okO, okN bool
	c.Old, okO = or.Number(h.Metric)
	c.New, okN = nr.Number(h.Metric)
	if !okO {
		c.Old = math.NaN()
	}
	if !okN {
		c.New = math.NaN()
	}
	if !okO && !okN {
		return c, false
	}
	c.Diff = c.New - c.Old
	if c.Old != 0 {
		c.Rel = c.Diff / math.Abs(c.Old)
	}
	a, b := or.Replicates(h.Metric), nr.Replicates(h.Metric)
	if paired && len(a) == ob.Replications && len(b) == nb.Replications {
		var d float64
		if d, c.Half, c.N = PairedCI95(a, b); c.N > 1 {
			c.Diff, c.Paired = d, true
		} else {
			c.Half = math.NaN()
		}
	}
	if !c.Paired {
		ho, okHO := or.CI95(h.Metric)
		hn, okHN := nr.CI95(h.Metric)
		if okHO && okHN {
			_, c.Half = WelchCI95(c.Old, ho, ob.Replications, c.New, hn, nb.Replications)
			c.N = min(ob.Replications, nb.Replications)
		}
	}
	if math.IsNaN(c.Diff) {
		return c, true
	}
	c.BeyondNoise = c.Diff != 0 && (math.IsNaN(c.Half) || math.Abs(c.Diff) > c.Half)
	c.BeyondBand = c.Diff != 0 && (c.Old == 0 || math.Abs(c.Rel) > band)
	return c, true
}

// findRow returns the index of old's row of r's variant and point, or -1.
func findRow(old *Batch, r *Row) int {
	for j := range old.Rows {
		o := &old.Rows[j]
		if o.Variant != r.Variant || len(o.Point) != len(r.Point) {
			continue
		}
		same := true
		for k := range o.Point {
			same = same && o.Point[k].Equal(r.Point[k])
		}
		if same {
			return j
		}
	}
	return -1
}

// rowName names a row: its variant, and its point when sweeping.
func rowName(b *Batch, r *Row) string {
	s := r.Variant
	for k, v := range r.Point {
		if k < len(b.Axes) {
			s += fmt.Sprintf(" at %s = %s", b.Axes[k].Path, v.Text)
		}
	}
	return s
}

// Regressions returns the number of flagged regressions.
func (d *Diff) Regressions() int {
	n := 0
	for _, r := range d.Rows {
		for i := range r.Changes {
			if r.Changes[i].Regression() {
				n++
			}
		}
	}
	for i := range d.Margins {
		if d.Margins[i].Regression() {
			n++
		}
	}
	return n
}

// Improvements returns the number of flagged improvements.
func (d *Diff) Improvements() int {
	n := 0
	for _, r := range d.Rows {
		for i := range r.Changes {
			if c := &r.Changes[i]; c.Flagged() && !c.Regression() {
				n++
			}
		}
	}
	for i := range d.Margins {
		if c := &d.Margins[i]; c.Flagged() && !c.Regression() {
			n++
		}
	}
	return n
}

// seedText is "seed N", or "seed unknown" for results that did not
// record it.
func seedText(seed uint64, unknown bool) string {
	if unknown {
		return "seed unknown"
	}
	return fmt.Sprintf("seed %d", seed)
}
