package results

import (
	"slices"
	"testing"
)

// TestFallbackColumns: a caller's fallback answers are the series
// "fallbacks", beside its goodput and not among the failed ones, and read
// back as such; Series.Fallbacks sums the clients' and the edges'.
func TestFallbackColumns(t *testing.T) {
	s := &Series{T: Values{0, 1},
		Total: CallSeries{Name: "total", Failed: map[string]Values{"fallback": {1, 2}, "timeout": {3, 4}}},
		Edges: []CallSeries{{Name: "a->b", Failed: map[string]Values{"fallback": {10, 20}}}, {Name: "a->c"}},
	}
	var metrics []string
	for _, c := range s.Columns() {
		if c.Kind == "total" {
			metrics = append(metrics, c.Metric)
		}
	}
	if !slices.Contains(metrics, "fallbacks") || slices.Contains(metrics, "failed.fallback") || !slices.Contains(metrics, "failed.timeout") {
		t.Errorf("total's columns %v: want fallbacks and failed.timeout, not failed.fallback", metrics)
	}
	back := SeriesOfColumns(s.T, s.Columns())
	if got := back.Total.Fallbacks(); !slices.Equal(got, Values{1, 2}) {
		t.Errorf("read back: fallbacks %v, want [1 2]", got)
	}
	if got := s.Fallbacks(); !slices.Equal(got, Values{11, 22}) {
		t.Errorf("Series.Fallbacks = %v, want the clients' and the edges' [11 22]", got)
	}
	if got := (&Series{T: s.T}).Fallbacks(); got != nil {
		t.Errorf("no fallbacks: %v, want nil", got)
	}
}
