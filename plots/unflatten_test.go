package plots

import (
	"testing"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

// TestUnflattenJobsAndUnknownKinds: job series come back as jobs, and a
// kind this build does not know (a newer file) is skipped, not an error.
func TestUnflattenJobsAndUnknownKinds(t *testing.T) {
	in := &scenarios.Series{
		T: results.Values{0, 1},
		Cols: []scenarios.SeriesCol{
			{Kind: "client", Name: "users", Metric: "goodput", Values: results.Values{5, 6}},
			{Kind: "job", Name: "push", Metric: "attempts", Values: results.Values{100, 200}},
			{Kind: "hologram", Name: "x", Metric: "goodput", Values: results.Values{1, 2}},
		},
	}
	out, err := unflattenSeries(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clients) != 1 || out.Clients[0].Goodput[1] != 6 {
		t.Errorf("clients = %+v", out.Clients)
	}
	if len(out.Jobs) != 1 || out.Jobs[0].Name != "push" || out.Jobs[0].Attempts[1] != 200 {
		t.Errorf("jobs = %+v, want push with attempts [100 200]", out.Jobs)
	}
}
