package results

import (
	"strings"
	"testing"
)

// TestDiffMargins: margins are compared by variant and duration; a
// bracket wholly below the old one and beyond the band is a regression,
// one wholly above an improvement, overlapping brackets are within
// them, and the tally, the text and the Markdown say so.
func TestDiffMargins(t *testing.T) {
	margin := func(pts ...[2]float64) *Margin {
		m := &Margin{Variant: "base", SizePath: "faults.0.factor"}
		for i, p := range pts {
			m.Points = append(m.Points, MarginPoint{Duration: []string{"10s", "20s", "30s"}[i], Survived: p[0], Tipped: p[1], SurvivedRuns: 3, TippedRuns: 3})
		}
		return m
	}
	old := &Batch{Scenario: "m", Replications: 1, Margins: []*Margin{margin([2]float64{2, 2.1}, [2]float64{2, 2.1}, [2]float64{2, 2.1})}}
	new := &Batch{Scenario: "m", Replications: 1, Margins: []*Margin{margin([2]float64{1.5, 1.6}, [2]float64{2.5, 2.6}, [2]float64{2.05, 2.15})}}
	d := Compare(old, new, DiffOptions{Band: 0.05})
	if len(d.Margins) != 3 {
		t.Fatalf("%d margin changes, want 3", len(d.Margins))
	}
	for i, want := range []string{"REGRESSION", "improvement", "within the brackets"} {
		if got := d.Margins[i].verdict(); got != want {
			t.Errorf("%s: %s, want %s", d.Margins[i].Duration, got, want)
		}
	}
	if d.Regressions() != 1 || d.Improvements() != 1 {
		t.Errorf("%d regressions, %d improvements; want 1 and 1", d.Regressions(), d.Improvements())
	}
	var text, md strings.Builder
	if err := d.WriteText(&text, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"base          10s     2 to 2.1    1.5 to 1.6    -24%  REGRESSION", "1 regression, 1 improvement, 1 not flagged"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text has no %q:\n%s", want, text.String())
		}
	}
	if !strings.Contains(md.String(), "| **base** | **10s** | **2 to 2.1** | **1.5 to 1.6** | **-24%** | **REGRESSION** |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}
