package plots

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// TestLoadLogAxis: a load panel whose attempts spike far above the
// typical load (a herd reconnecting in step: 100k attempts/s against
// 300 calls/s) gets a log axis, on which the goodput sits well clear of
// the panel's foot instead of a flat line on it, and an interval with no
// goodput is drawn at the foot, labelled "≤"; without spikes, or with a
// load that is mostly low and bursts, the axis stays linear.
func TestLoadLogAxis(t *testing.T) {
	runs := fakeRuns(120, stormVariants[:2])
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Panels[0][0].Y.Scale; s != (plot.LinearScale{}) {
		t.Fatalf("load without spikes on %T: want a linear axis", s)
	}

	// Mostly little load, then a burst (a database behind a cache, hit
	// by an expiry wave): the burst is what the panel shows, linear.
	runs = fakeRuns(120, stormVariants[:2])
	for _, r := range runs {
		cs := &r.Results.Series.Total
		for i := range 80 {
			cs.Offered[i], cs.Attempts[i], cs.Goodput[i] = 5, 5, 5
		}
	}
	if f, err = Timeseries(runs, TimeseriesOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := f.Panels[0][0].Y.Scale; s != (plot.LinearScale{}) {
		t.Fatalf("load mostly at 5/s with a burst to 1k/s on %T: want a linear axis", s)
	}

	runs = fakeRuns(120, stormVariants[:2])
	for _, r := range runs {
		cs := &r.Results.Series.Total
		cs.Attempts[30], cs.Attempts[31] = 100000, 90000 // the herd
		cs.Goodput[31] = 0                               // and nothing got through
	}
	f, err = Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	load := f.Panels[0][0]
	if _, ok := load.Y.Scale.(plot.LogScale); !ok {
		t.Fatalf("load with 100k spikes over 300/s on %T: want a log axis", load.Y.Scale)
	}
	l := drawAt(f, Slide)
	r := l.data[0]
	_, trY := load.Transforms(&draw.Canvas{Rectangle: r})
	if h, y := r.Max.Y-r.Min.Y, trY(300)-r.Min.Y; y < h/3 {
		t.Errorf("goodput of 300/s drawn %.0f pt above the foot of a %.0f pt panel: want at least a third", y, h)
	}
	if !(load.Y.Min > 0 && load.Y.Min <= 300 && load.Y.Max >= 100000) {
		t.Errorf("load axis %g to %g: want from under the goodput to over the spike", load.Y.Min, load.Y.Max)
	}
	ticks := load.Y.Tick.Marker.Ticks(load.Y.Min, load.Y.Max)
	if len(ticks) == 0 || !strings.HasPrefix(ticks[0].Label, "≤") {
		t.Errorf("lowest load tick %v: want it labelled ≤ (0 is drawn there)", ticks)
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}
	for _, p := range layoutProblems(f, Paper) {
		t.Error(p)
	}
}

// TestLoadLogAxisMultiples: small multiples share the decision, every
// cell on one log axis.
func TestLoadLogAxisMultiples(t *testing.T) {
	var storms []storm
	for k := range 5 {
		storms = append(storms, storm{name: strings.Repeat("v", k+1), amplify: 1 + float64(k), recoverAtS: 90, collapse: 0.3})
	}
	runs := fakeRuns(120, storms)
	cs := &runs[0].Results.Series.Total
	cs.Attempts[30] = 100000
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range f.Panels {
		for _, p := range row {
			if p == nil {
				continue
			}
			if _, ok := p.Y.Scale.(plot.LogScale); !ok || p.Y.Max < 100000 {
				t.Errorf("cell %q on %T up to %g: want every cell on one log axis over the spike", p.Title.Text, p.Y.Scale, p.Y.Max)
			}
		}
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}
}
