package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// batchJSON is a summary.json of one variant "base" with the given seed,
// goodput and p99 per replication (means and half-widths computed as a
// batch does).
func batchJSON(seed int, goodput, p99 []float64) []byte {
	list := func(xs []float64) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = fmt.Sprint(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	mg, hg, _ := MeanCI95(goodput)
	mp, hp, _ := MeanCI95(p99)
	return fmt.Appendf(nil, `{"scenario": "s", "seed": %d, "replications": %d, "variants": [
	  {"name": "base", "goodput": %v, "latency_s": {"p99": %v}, "recovered": null,
	   "ci95": {"goodput": %v, "latency_s": {"p99": %v}},
	   "per_replication": {"goodput": %s, "latency_s.p99": %s}}]}`,
		seed, len(goodput), mg, mp, hg, hp, list(goodput), list(p99))
}

func decode(t *testing.T, b []byte) *Batch {
	t.Helper()
	out, err := DecodeBatch(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func change(t *testing.T, d *Diff, metric string) *Change {
	t.Helper()
	for i := range d.Rows[0].Changes {
		if c := &d.Rows[0].Changes[i]; c.Metric.Metric == metric {
			return c
		}
	}
	t.Fatalf("no change of %s in %+v", metric, d.Rows[0].Changes)
	return nil
}

// TestCompareFlags: a change is flagged only beyond both the noise and
// the band, and a regression is a change for the worse by the metric's
// direction.
func TestCompareFlags(t *testing.T) {
	oldG := []float64{100, 120, 80, 110, 90}
	oldP := []float64{0.100, 0.130, 0.090, 0.120, 0.110}
	old := decode(t, batchJSON(1, oldG, oldP))
	for _, tc := range []struct {
		name       string
		g, p       []float64
		band       float64
		gFlag, pFl bool // flagged
		regs       int
	}{
		// Every replication loses 10 calls/s: tiny noise around the
		// difference, 10% beyond a 5% band: a regression. p99 up 20ms in
		// each: a regression too.
		{"goodput down, p99 up", []float64{90, 110, 70, 100, 80}, []float64{0.120, 0.150, 0.110, 0.140, 0.130}, 0.05, true, true, 2},
		// The same, under a 25% band: beyond the noise, not the band.
		{"within band", []float64{90, 110, 70, 100, 80}, []float64{0.100, 0.130, 0.090, 0.120, 0.110}, 0.25, false, false, 0},
		// +10% on average but up in some replications and down in
		// others: beyond the band, within the noise.
		{"within noise", []float64{150, 100, 60, 150, 90}, oldP, 0.05, false, false, 0},
		// Goodput up and p99 down, each in every replication: flagged
		// improvements, no regression.
		{"improvements", []float64{110, 130, 90, 120, 100}, []float64{0.080, 0.110, 0.070, 0.100, 0.090}, 0.05, true, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(old, decode(t, batchJSON(1, tc.g, tc.p)), DiffOptions{Band: tc.band})
			g, p := change(t, d, "goodput"), change(t, d, "latency_s.p99")
			if !g.Paired || g.N != 5 {
				t.Errorf("goodput: paired %v over %d, want paired over 5 (same seed and replications)", g.Paired, g.N)
			}
			if g.Flagged() != tc.gFlag || p.Flagged() != tc.pFl {
				t.Errorf("flagged goodput %v (%+v), p99 %v (%+v); want %v, %v", g.Flagged(), *g, p.Flagged(), *p, tc.gFlag, tc.pFl)
			}
			if d.Regressions() != tc.regs {
				t.Errorf("%d regressions, want %d", d.Regressions(), tc.regs)
			}
		})
	}
}

// TestCompareUnpaired: results of different seeds are compared with
// Welch's interval, wider than the paired one on the same numbers.
func TestCompareUnpaired(t *testing.T) {
	oldG := []float64{100, 120, 80, 110, 90}
	newG := []float64{90, 110, 70, 100, 80}
	p := []float64{0.1, 0.1, 0.1, 0.1, 0.1}
	old := decode(t, batchJSON(1, oldG, p))
	paired := change(t, Compare(old, decode(t, batchJSON(1, newG, p)), DiffOptions{Band: 0.05}), "goodput")
	d := Compare(old, decode(t, batchJSON(2, newG, p)), DiffOptions{Band: 0.05})
	welch := change(t, d, "goodput")
	if welch.Paired || !(welch.Half > paired.Half) || welch.Diff != paired.Diff {
		t.Errorf("Welch %+v against paired %+v: want unpaired, wider, the same difference", *welch, *paired)
	}
	if welch.Flagged() {
		t.Errorf("-10 ±%v unpaired is within the noise, yet flagged", welch.Half)
	}
	if len(d.Notes) == 0 || !strings.Contains(d.Notes[0], "Welch") {
		t.Errorf("notes %q do not say the intervals are unpaired", d.Notes)
	}
}

// TestCompareOneReplication: without an interval a change is judged by
// the band alone, and the output says so; rows in one result only are
// listed, not compared.
func TestCompareOneReplication(t *testing.T) {
	old := decode(t, []byte(`{"scenario": "s", "seed": 1, "replications": 1, "variants": [
	  {"name": "base", "goodput": 100, "latency_s": {"p99": 0.2}, "recovered": true, "recovery_s": 3},
	  {"name": "gone", "goodput": 1}]}`))
	cur := decode(t, []byte(`{"scenario": "s", "seed": 1, "replications": 1, "variants": [
	  {"name": "base", "goodput": 97, "latency_s": {"p99": 0.3}, "recovered": false, "recovery_s": null},
	  {"name": "added", "goodput": 1}]}`))
	d := Compare(old, cur, DiffOptions{Band: 0.05})
	if g := change(t, d, "goodput"); g.Flagged() || !math.IsNaN(g.Half) {
		t.Errorf("goodput -3%% is within a 5%% band, yet flagged (%+v)", *g)
	}
	if p := change(t, d, "latency_s.p99"); !p.Regression() {
		t.Errorf("p99 +50%% is not a regression (%+v)", *p)
	}
	if r := change(t, d, "recovered"); !r.Regression() {
		t.Errorf("recovered true -> false is not a regression (%+v)", *r)
	}
	if r := change(t, d, "recovery_s"); r.Flagged() || !math.IsNaN(r.New) {
		t.Errorf("recovery_s 3 -> null: %+v, want not flagged, new NaN", *r)
	}
	if d.Regressions() != 2 || len(d.OnlyOld) != 1 || len(d.OnlyNew) != 1 {
		t.Errorf("%d regressions, only old %q, only new %q; want 2, [gone], [added]", d.Regressions(), d.OnlyOld, d.OnlyNew)
	}
	var text, md bytes.Buffer
	if err := d.WriteText(&text, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"REGRESSION", "band alone", "only in the old result: gone", "2 regressions, 0 improvements"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{"### stampede diff: s: 2 regressions", "| **base** | **p99** |", "<details>"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestCompareSeedZeroOrUnknown: an explicit seed 0 is a seed like any
// other (two runs of seed 0 pair), but a summary that did not record its
// seed is not read as seed 0: against seed 0 it is compared unpaired and
// said to be of an unknown seed; and a row that ran its own seed (its
// variant set one) pairs only with a row that ran the same.
func TestCompareSeedZeroOrUnknown(t *testing.T) {
	oldG := []float64{100, 120, 80, 110, 90}
	newG := []float64{90, 110, 70, 100, 80}
	p := []float64{0.1, 0.1, 0.1, 0.1, 0.1}
	zero := decode(t, batchJSON(0, oldG, p))
	if zero.NoSeed || zero.Seed != 0 || zero.Rows[0].Run.NoSeed || zero.Rows[0].Run.Seed != 0 {
		t.Errorf(`"seed": 0 read as %d (unknown %v), its row %d (unknown %v)`, zero.Seed, zero.NoSeed, zero.Rows[0].Run.Seed, zero.Rows[0].Run.NoSeed)
	}
	if c := change(t, Compare(zero, decode(t, batchJSON(0, newG, p)), DiffOptions{}), "goodput"); !c.Paired {
		t.Errorf("seed 0 against seed 0: %+v, want paired", *c)
	}
	noSeed := decode(t, bytes.Replace(batchJSON(0, newG, p), []byte(`"seed": 0, `), nil, 1))
	if !noSeed.NoSeed || !noSeed.Rows[0].Run.NoSeed {
		t.Fatalf("a summary without a seed read as seed %d (unknown %v)", noSeed.Seed, noSeed.NoSeed)
	}
	d := Compare(zero, noSeed, DiffOptions{})
	if c := change(t, d, "goodput"); c.Paired {
		t.Errorf("seed 0 against no seed: %+v, want unpaired", *c)
	}
	var out bytes.Buffer
	if err := d.WriteText(&out, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "(seed 0, 5 replications) -> s (seed unknown, 5 replications)") {
		t.Errorf("the header does not tell seed 0 from an unknown seed:\n%s", out.String())
	}
	own := decode(t, bytes.Replace(batchJSON(0, newG, p), []byte(`{"name": "base", `), []byte(`{"name": "base", "seed": 7, `), 1))
	if own.Rows[0].Run.Seed != 7 {
		t.Errorf("a row's own seed 7 read as %d", own.Rows[0].Run.Seed)
	}
	if _, ok := own.Rows[0].Number("seed"); ok {
		t.Error("a row's seed is read as a metric")
	}
	d = Compare(zero, own, DiffOptions{})
	if c := change(t, d, "goodput"); c.Paired {
		t.Errorf("a row of seed 0 against one of seed 7: %+v, want unpaired", *c)
	}
	if !strings.Contains(strings.Join(d.Notes, "\n"), "1 row whose seeds differ") {
		t.Errorf("notes %q do not say which rows ran other seeds", d.Notes)
	}
	var r Results
	if err := json.Unmarshal([]byte(`{"summary": {}}`), &r); err != nil || !r.NoSeed {
		t.Errorf("a run without a seed: %v, unknown %v", err, r.NoSeed)
	}
	if err := json.Unmarshal([]byte(`{"seed": 0, "duration_s": 3, "summary": {}}`), &r); err != nil || r.NoSeed || r.Seed != 0 || r.DurationS != 3 {
		t.Errorf(`a run of "seed": 0: %v, seed %d, unknown %v, duration %v`, err, r.Seed, r.NoSeed, r.DurationS)
	}
}
