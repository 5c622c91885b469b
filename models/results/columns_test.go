package results

import (
	"reflect"
	"testing"
)

// TestSeriesOfColumns: columns come back as the series they name, job
// series as jobs, and a kind this build does not know (a newer file) is
// skipped, not an error.
func TestSeriesOfColumns(t *testing.T) {
	out := SeriesOfColumns(Values{0, 1}, []Column{
		{Kind: "client", Name: "users", Metric: "goodput", Values: Values{5, 6}},
		{Kind: "client", Name: "users", Metric: "failed.timeout", Values: Values{1, 0}},
		{Kind: "job", Name: "push", Metric: "attempts", Values: Values{100, 200}},
		{Kind: "hologram", Name: "x", Metric: "goodput", Values: Values{1, 2}},
	})
	if len(out.Clients) != 1 || out.Clients[0].Goodput[1] != 6 || out.Clients[0].Failed["timeout"][0] != 1 {
		t.Errorf("clients = %+v", out.Clients)
	}
	if len(out.Jobs) != 1 || out.Jobs[0].Name != "push" || out.Jobs[0].Attempts[1] != 200 {
		t.Errorf("jobs = %+v, want push with attempts [100 200]", out.Jobs)
	}
	// Columns and SeriesOfColumns are inverses.
	back := SeriesOfColumns(out.T, out.Columns())
	if !reflect.DeepEqual(back.Clients, out.Clients) || !reflect.DeepEqual(back.Jobs, out.Jobs) {
		t.Errorf("round trip: %+v, want %+v", back, out)
	}
}
