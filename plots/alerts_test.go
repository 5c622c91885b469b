package plots

import (
	"math"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

func TestAlertLanes(t *testing.T) {
	runs := fakeRuns(300, []storm{
		{name: "naive", amplify: 3, recoverAtS: math.Inf(1), collapse: 0.1},
		{name: "budget", amplify: 1.2, recoverAtS: 100, collapse: 0.8},
	})
	if alertLanes(runs) != nil {
		t.Fatal("lanes without alert rules")
	}
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := len(f.Panels)
	end := 75.0
	runs[0].Results.Summary.Alerts = map[string]map[string]results.AlertSummary{
		"avail": {
			"page-1h":   {Severity: results.Page, Fires: []results.AlertFire{{StartS: 62, EndS: &end}, {StartS: 90}}},
			"ticket-3d": {Severity: results.Ticket, Fires: []results.AlertFire{{StartS: 70, EndS: &end}}},
		},
	}
	runs[1].Results.Summary.Alerts = map[string]map[string]results.AlertSummary{"avail": {"page-1h": {Severity: results.Page}}}
	lanes := alertLanes(runs)
	if len(lanes) != 2 {
		t.Fatalf("%d lanes, want one per run", len(lanes))
	}
	// A firing still on at the end lasts to the run's end (300 s).
	want := [][2]float64{{62, 75}, {90, 300}}
	if len(lanes[0].pages) != 2 || lanes[0].pages[0] != want[0] || lanes[0].pages[1] != want[1] {
		t.Errorf("pages %v, want %v", lanes[0].pages, want)
	}
	if len(lanes[0].tickets) != 1 || lanes[0].tickets[0] != [2]float64{70, 75} {
		t.Errorf("tickets %v, want [[70 75]]", lanes[0].tickets)
	}
	if len(lanes[1].pages)+len(lanes[1].tickets) != 0 {
		t.Errorf("the second run never fired: %+v", lanes[1])
	}
	f, err = Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Panels) != rows+1 || f.keys[rows][0].heading != "Alerts firing" {
		t.Errorf("%d panels (last key %q), want %d with an alerts panel last", len(f.Panels), f.keys[len(f.keys)-1][0].heading, rows+1)
	}
}
