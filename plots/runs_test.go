package plots

import (
	"strings"
	"testing"
)

// TestSlots: a run's colour is its variant's slot among all the
// scenario's variants, so a figure of some variants matches the figure of
// all; runs without slots, and runs whose slots would share a colour,
// fall back to their place in the figure.
func TestSlots(t *testing.T) {
	set := &Set{Runs: []Run{{Name: "base"}, {Name: "no-retries"}, {Name: "lifo"}}}
	set.Reslot([]string{"base", "capacity-drop", "slow-backoff", "no-retries", "retry-budget", "breaker", "lifo"})
	for i, want := range []int{0, 3, 6} {
		if got := slotOf(set.Runs, i); got != want {
			t.Errorf("run %d (%s): slot %d, want %d", i, set.Runs[i].Name, got, want)
		}
	}
	plain := []Run{{Name: "a"}, {Name: "b"}}
	if slotOf(plain, 1) != 1 {
		t.Errorf("runs without slots: slot %d, want their place 1", slotOf(plain, 1))
	}
	clash := []Run{{Name: "x", Slot: 1}, {Name: "y", Slot: 1 + len(variantColors)}}
	if a, b := slotOf(clash, 0), slotOf(clash, 1); VariantColor(a) == VariantColor(b) {
		t.Errorf("slots %d and %d share a colour", a, b)
	}
}

// TestReadSetFigures: a summary that carries its scenario's declared
// figures gives them back as specs.
func TestReadSetFigures(t *testing.T) {
	const doc = `{"schema_version": 1, "scenario": "s", "title": "t", "seed": 1, "replications": 1,
 "variants": [{"name": "base", "calls": 1, "attempts": 1, "succeeded": 1, "goodput": 1, "recovery": {"verdict": "no_faults"}}],
 "figures": [{"kind": "timeseries", "title": "The load on db", "edge": "api->db", "variants": ["base"]}]}`
	set, err := ReadSet(strings.NewReader(doc), "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Specs) != 1 || set.Specs[0].Kind != "timeseries" || set.Specs[0].Edge != "api->db" || set.Specs[0].Title != "The load on db" || len(set.Specs[0].Variants) != 1 {
		t.Errorf("specs %+v", set.Specs)
	}
	if _, err := ReadSet(strings.NewReader(strings.Replace(doc, `"kind": "timeseries", `, "", 1)), "s"); err == nil {
		t.Errorf("a figure without a kind was read")
	}
}

// TestMultiplesMarks: small multiples name each mark (an intervention, a
// trigger that is not a fault) in the subtitle, beside the line they draw
// for it across every cell.
func TestMultiplesMarks(t *testing.T) {
	storms := make([]storm, 6)
	for i := range storms {
		storms[i] = storm{amplify: 1, recoverAtS: 90, collapse: 0.5}
	}
	runs := fakeRuns(300, storms)
	f, err := Timeseries(runs, TimeseriesOptions{Marks: []Mark{{AtS: 150, Label: "users: rate 900/s"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Subtitle, "dash-dot: users: rate 900/s at 2m30s") {
		t.Errorf("subtitle %q does not name the mark", f.Subtitle)
	}
}

// TestSweepAgainstMetric: a sweep figure with an x metric places each
// swept value's point at that metric (cost), in sweep order.
func TestSweepAgainstMetric(t *testing.T) {
	const doc = `{"schema_version": 1, "scenario": "s", "title": "t", "seed": 1, "replications": 1,
 "sweep": [{"path": "services.api.replicas", "values": [2, 4, 8]}],
 "variants": [
  {"name": "base", "point": {"services.api.replicas": 2}, "goodput": 50, "cost": {"total": 0.2}, "recovery": {"verdict": "no_faults"}},
  {"name": "base", "point": {"services.api.replicas": 4}, "goodput": 90, "cost": {"total": 0.4}, "recovery": {"verdict": "no_faults"}},
  {"name": "base", "point": {"services.api.replicas": 8}, "goodput": 99, "cost": {"total": 0.8}, "recovery": {"verdict": "no_faults"}}],
 "figures": [{"kind": "sweep", "x_metric": "cost.total", "x_label": "cost"}]}`
	set, err := ReadSet(strings.NewReader(doc), "s")
	if err != nil {
		t.Fatal(err)
	}
	d, err := sweepOf(set.batch.Axes, set.batch.Rows, "goodput", "cost.total")
	if err != nil {
		t.Fatal(err)
	}
	pts := d.Series[0].Points
	if len(pts) != 3 || pts[0].X != 0.2 || pts[1].X != 0.4 || pts[2].X != 0.8 || pts[2].Y != 99 {
		t.Errorf("points %+v, want goodput at cost 0.2, 0.4, 0.8", pts)
	}
	if _, err := set.Figure("sweep"); err != nil {
		t.Errorf("the declared figure does not draw: %v", err)
	}
}
