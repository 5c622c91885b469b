package plots

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawAt draws f at slide size and returns what it laid out.
func drawAt(f *Figure, s Size) layout {
	c := vgimg.NewWith(vgimg.UseWH(s.W, s.H), vgimg.UseDPI(96))
	f.Draw(draw.New(c))
	return f.drawn
}

// TestEndLabels: a sweep of few lines names them at their ends instead of
// in a legend, with the colours of their variants' slots; one with a
// reference line, or too many lines, keeps its legend.
func TestEndLabels(t *testing.T) {
	d := fakeSweep(false)
	d.Diagonal = ""
	d.Series[0].Slot, d.Series[1].Slot, d.Series[2].Slot = 0, 2, 3 // some variants of more
	f, err := Sweep(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.endLabels) != 3 {
		t.Fatalf("end labels %d: want 3", len(f.endLabels))
	}
	if f.endLabels[1].color != VariantColor(2) || f.endLabels[2].label != d.Series[2].Name {
		t.Errorf("end label 1 in %v, want its slot's colour %v", f.endLabels[1].color, VariantColor(2))
	}
	// Drawn, the panel leaves room for the labels and the legend none.
	l := drawAt(f, Slide)
	if !f.labelled || l.legendH != 0 || len(l.labels) != 3 {
		t.Errorf("labelled %v, legend drawn %v high, %d labels: want labels and no legend", f.labelled, l.legendH, len(l.labels))
	}
	if r := l.data[0]; r.Max.X > l.canvas.Max.X-endLabelsWidth(*f.th, f.endLabels, f.endLines) {
		t.Errorf("data area reaches %v: no room for the end labels", r.Max.X)
	}

	d = fakeSweep(false) // with its diagonal: a legend names it
	if f, err = Sweep(d); err != nil || len(f.legend) == 0 || len(f.endLabels) != 0 {
		t.Errorf("with a reference line: legend %d, end labels %d (err %v)", len(f.legend), len(f.endLabels), err)
	}
}

// TestEndLabelsFallBack: lines ending apart are named at their ends, with
// the legend's words; lines ending together, more than a label's height
// from where their names would have to go, keep the legend.
func TestEndLabelsFallBack(t *testing.T) {
	apart := fakeRuns(120, []storm{
		{name: "none", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "three", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
	})
	f, err := Timeseries(apart, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := drawAt(f, Slide)
	if !f.labelled || l.legendH != 0 || len(l.labels) != 2 {
		t.Fatalf("two lines ending apart: labelled %v, legend %v pt, %d labels; want 2 labels, no legend", f.labelled, l.legendH, len(l.labels))
	}
	if f.endLabels[1].label != "three — did not recover" {
		t.Errorf("end label %q: want the legend's words", f.endLabels[1].label)
	}
	// three ends at 2% of the load, none back at it: the
	// labels sit apart, each by its line.
	if l.labels[0].Min.Y <= l.labels[1].Max.Y {
		t.Errorf("the recovered line's label (%v) is not above the collapsed one's (%v)", l.labels[0], l.labels[1])
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}

	// Four lines that end together (all recovered): four labels cannot
	// sit within a label's height of one value in a short panel.
	together := fakeRuns(120, []storm{
		{name: "a", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "b", amplify: 1.2, recoverAtS: 90, collapse: 0.3},
		{name: "c", amplify: 1.4, recoverAtS: 95, collapse: 0.3},
		{name: "d", amplify: 1.6, recoverAtS: 99, collapse: 0.3},
	})
	f, err = Timeseries(together, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l = drawAt(f, Paper)
	if f.labelled || l.legendH == 0 || len(l.labels) != 0 {
		t.Errorf("four lines ending together: labelled %v, legend %v pt, %d labels; want the legend", f.labelled, l.legendH, len(l.labels))
	}
}

// TestInLabels: the latency figure names its curves beside their markers
// where the names fit, clear of every curve and of each other, and keeps
// its legend where they do not (a variant with no curve).
func TestInLabels(t *testing.T) {
	runs := withHistograms(fakeRuns(120, stormVariants[:1]), 100000, 0.02)
	f, err := LatencyCDF(runs, LatencyOptions{SLO: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	l := drawAt(f, Slide)
	if !f.labelled || l.legendH != 0 || len(l.labels) != len(runs)+1 {
		t.Fatalf("labelled %v, legend %v pt, %d labels: want %d labels (the SLO's too), no legend", f.labelled, l.legendH, len(l.labels), len(runs)+1)
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}
	for _, p := range layoutProblems(f, Paper) {
		t.Error(p)
	}

	// Three curves close together: no room for their names between them.
	runs = withHistograms(fakeRuns(120, stormVariants), 100000, 0.02)
	f, err = LatencyCDF(runs, LatencyOptions{SLO: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if l := drawAt(f, Slide); f.labelled || l.legendH == 0 {
		t.Errorf("three close curves: labelled %v, legend %v pt; want the legend", f.labelled, l.legendH)
	}

	runs = withHistograms(fakeRuns(120, stormVariants[:2]), 100000, 0.02)
	runs[1].Results.Summary.Succeeded = 0 // no curve to name: the legend
	f, err = LatencyCDF(runs, LatencyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l := drawAt(f, Slide); f.labelled || l.legendH == 0 {
		t.Errorf("a variant with no curve: labelled %v, legend %v pt; want the legend", f.labelled, l.legendH)
	}
}

// TestSegmentHits: the clipping that keeps labels off the lines.
func TestSegmentHits(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 10, Y: 10}}
	for _, c := range []struct {
		a, b vg.Point
		want bool
	}{
		{vg.Point{X: -5, Y: 5}, vg.Point{X: 15, Y: 5}, true},    // across
		{vg.Point{X: 2, Y: 2}, vg.Point{X: 3, Y: 3}, true},      // inside
		{vg.Point{X: -5, Y: -5}, vg.Point{X: -1, Y: 20}, false}, // left of it
		{vg.Point{X: -5, Y: 4}, vg.Point{X: 5, Y: 14}, true},    // across a corner
		{vg.Point{X: -5, Y: 8}, vg.Point{X: 5, Y: 18}, false},   // past a corner
	} {
		if got := segmentHits(c.a, c.b, r); got != c.want {
			t.Errorf("segment %v-%v: hits %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if n := len(permutations(4)); n != 24 {
		t.Errorf("%d orders of 4", n)
	}
	if p := permutations(3); p[0][0] != 0 || p[0][1] != 1 || p[0][2] != 2 {
		t.Errorf("first order %v: want the identity", p[0])
	}
}

// TestEndLabelsTwoLines: labels too wide for one line ("name — verdict"
// wider than a quarter of the figure) break after the name, the verdict
// below, where that fits, rather than fall back to the legend; the
// structural checks hold (inside their column, apart, no legend).
func TestEndLabelsTwoLines(t *testing.T) {
	runs := fakeRuns(120, []storm{
		{name: "no-retries-at-all", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "exponential-backoff", amplify: 1, recoverAtS: math.Inf(1), collapse: 0.02},
	})
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := drawAt(f, Slide)
	if w := endLabelsWidth(*f.th, f.endLabels, 1) * 1.1; w <= l.canvas.Max.X/4 {
		t.Fatalf("one-line labels %.0f pt wide fit a quarter of %.0f pt: the test needs longer names", w, l.canvas.Max.X)
	}
	if !f.labelled || f.endLines != 2 || l.legendH != 0 || len(l.labels) != 2 {
		t.Fatalf("labelled %v in %d lines, legend %.0f pt, %d labels: want two two-line labels and no legend", f.labelled, f.endLines, l.legendH, len(l.labels))
	}
	if got := f.endLabels[1].text(2); got != "exponential-backoff\ndid not recover" {
		t.Errorf("second label %q: want the name over the verdict", got)
	}
	for k, b := range l.labels {
		if b.Max.Y-b.Min.Y < 1.5*l.base*0.85 {
			t.Errorf("label %d is %.0f pt high: want two lines", k, b.Max.Y-b.Min.Y)
		}
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}
}

// TestEndLabelsShared: lines that end together and say the same of
// themselves (three variants collapsed to 0, "did not recover") share one
// direct label, their names in their colours, where separate labels would
// not fit and the legend would come back.
func TestEndLabelsShared(t *testing.T) {
	runs := fakeRuns(120, []storm{
		{name: "base", amplify: 1, recoverAtS: math.Inf(1), collapse: 0.02},
		{name: "jitter", amplify: 1, recoverAtS: math.Inf(1), collapse: 0.02},
		{name: "budget", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "slow", amplify: 1, recoverAtS: math.Inf(1), collapse: 0.02},
	})
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := drawAt(f, Slide)
	if !f.labelled || l.legendH != 0 || len(l.labels) != 2 {
		t.Fatalf("labelled %v, legend %.0f pt, %d labels: want two direct labels (one shared) and no legend", f.labelled, l.legendH, len(l.labels))
	}
	var shared *endLabel
	for i := range f.endShown {
		if len(f.endShown[i].names) > 0 {
			shared = &f.endShown[i]
		}
	}
	if shared == nil || shared.label != "base, jitter, slow — did not recover" {
		t.Fatalf("labels %+v: want one shared by base, jitter and slow", f.endShown)
	}
	if len(mergeEndLabels(f.endLabels, f.Panels[0][0].Y)) != 2 {
		t.Error("merge: want two labels from four")
	}
	for _, p := range layoutProblems(f, Slide) {
		t.Error(p)
	}
}
