package plots

import (
	"slices"
	"strings"
	"testing"
)

// TestSpecs holds declared figures to what they declare: each replaces
// the default of its kind, by its own name; its variants, client, edge
// and labels reach the figure; a spec naming what the results lack is an
// error naming what they have.
func TestSpecs(t *testing.T) {
	set := &Set{Title: "Storm", Runs: fakeRuns(300, []storm{
		{name: "3 retries", amplify: 3, recoverAtS: 200, collapse: 0.2},
		{name: "budget", amplify: 1.1, recoverAtS: 90, collapse: 0.8},
	})}
	set.Specs = []Spec{
		{Kind: FigTimeseries, Title: "Declared", YLabel: "calls/s at api"},
		{Name: "timeseries-one", Kind: FigTimeseries, Variants: []string{set.Runs[0].Name}},
	}
	got := set.Available()
	if !slices.Contains(got, "timeseries") || !slices.Contains(got, "timeseries-one") {
		t.Fatalf("Available() = %v, want both declared time series", got)
	}
	f, err := set.Figure("timeseries")
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Declared" || f.Panels[0][0].Y.Label.Text != "calls/s at api" {
		t.Errorf("title %q, load label %q: want the declared ones", f.Title, f.Panels[0][0].Y.Label.Text)
	}
	f, err = set.Figure("timeseries-one")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.legend) != 1 {
		t.Errorf("legend has %d entries, want the one declared variant", len(f.legend))
	}
	set.Specs = []Spec{{Kind: FigTimeseries, Variants: []string{"nope"}}}
	if _, err := set.Figure("timeseries"); err == nil || !strings.Contains(err.Error(), "have:") {
		t.Errorf("a spec naming a missing variant: err = %v, want one listing the variants", err)
	}
}
