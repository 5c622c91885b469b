package scenarios

import (
	"strings"
	"testing"
)

// TestSearchMargin: on stability-map, a 10 s slowdown: the stability
// map's claims say 1.5x is recovered from and 2x is not, so the boundary
// lies between them, found within the tolerance in far fewer runs than a
// grid at the same resolution; a longer trigger's boundary is no larger.
func TestSearchMargin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few dozen 2-minute worlds")
	}
	s, err := LoadBuiltin("stability-map")
	if err != nil {
		t.Fatal(err)
	}
	m, err := SearchMargin(s, MarginOptions{Size: "faults.0.factor", From: 1.2, To: 6, Duration: "faults.0.for",
		Durations: []string{"10s", "20s"}, Replications: ptr(1), Tolerance: ptr(0.1)})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Points[0]
	t.Logf("10s: survived %v, tipped %v, %d runs; 20s: %v-%v; %d runs against a grid's %d", p.Survived, p.Tipped, p.Runs,
		m.Points[1].Survived, m.Points[1].Tipped, m.Runs, m.GridRuns)
	if !(p.Survived >= 1.5 && p.Tipped <= 2 && p.Survived < p.Tipped && p.Tipped-p.Survived <= 0.1*p.Tipped) {
		t.Errorf("10s: bracket [%v, %v], want a bracket within 10%% inside [1.5, 2]", p.Survived, p.Tipped)
	}
	if p.SurvivedRecovered != 1 || p.TippedRecovered != 0 || len(p.Probes) != p.Runs {
		t.Errorf("10s: %+v, want survived 1/1, tipped 0/1, one run per probe", p)
	}
	if q := m.Points[1]; q.Tipped > p.Tipped {
		t.Errorf("20s tips at %v, above 10s's %v", q.Tipped, p.Tipped)
	}
	if m.Runs*4 > m.GridRuns {
		t.Errorf("%d runs, not under a quarter of the grid's %d", m.Runs, m.GridRuns)
	}
}

// TestSearchMarginBadInput: what cannot bracket a boundary, or names no
// trigger, is an error saying what was found and what to change.
func TestSearchMarginBadInput(t *testing.T) {
	s, err := LoadBuiltin("stability-map")
	if err != nil {
		t.Fatal(err)
	}
	short := []string{"duration=50s", "faults.0.at=10s"}
	for _, tc := range []struct {
		o    MarginOptions
		want string
	}{
		{MarginOptions{Size: "faults.0.factor", From: 3, To: 2}, "--from 3 must be below --to 2"},
		{MarginOptions{From: 1, To: 2}, "--size faults.0.factor"},
		{MarginOptions{Size: "faults.0.factor", From: 1, To: 2, Tolerance: ptr(2.0)}, "--tolerance 2 must be in (0, 1)"},
		// An explicit 0 is checked as given, never replaced by the default.
		{MarginOptions{Size: "faults.0.factor", From: 1, To: 2, Replications: ptr(0)}, "--replications 0 must be in [1, 1000]"},
		{MarginOptions{Size: "faults.0.factor", From: 1, To: 2, Tolerance: ptr(0.0)}, "--tolerance 0 must be in (0, 1)"},
		{MarginOptions{Size: "faults.0.factor", From: 1, To: 2, BoundaryReplications: -1}, "--boundary-replications -1 must be in [0, 1000]"},
		{MarginOptions{Size: "faults.0.factor", From: 1, To: 2, Durations: []string{"5s"}}, "--duration faults.0.for"},
		{MarginOptions{Size: "faults.9.factor", From: 1, To: 2, Set: short, Replications: ptr(1)}, "faults"},
		{MarginOptions{Size: "faults.0.factor", From: 1.2, To: 6, Variant: "no-retries", Set: short, Replications: ptr(1)}, "no-retries recovers even at faults.0.factor = 6"},
		{MarginOptions{Size: "faults.0.factor", From: 8, To: 9, Duration: "faults.0.for", Durations: []string{"20s"}, Set: short, Replications: ptr(1)},
			"base does not recover even at faults.0.factor = 8 for 20s (0 of 1 runs recovered): lower --from"},
		{MarginOptions{Size: "faults.0.factor", From: 1.2, To: 6, Set: []string{"duration=50s", "faults.0.at=1m"}, Replications: ptr(1)}, "no fault acted"},
	} {
		_, err := SearchMargin(s, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one saying %q", tc.o, err, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestMarginDefaults: only an option left out takes its default; one
// given is kept as given, and an explicit 0 is refused, not replaced.
func TestMarginDefaults(t *testing.T) {
	o, err := MarginOptions{Size: "faults.0.factor", From: 1, To: 2}.resolve()
	if err != nil || o.reps != DefaultMarginReplications || o.tol != DefaultMarginTolerance {
		t.Errorf("left out: %d runs a probe, tolerance %v, %v; want the defaults %d and %v", o.reps, o.tol, err,
			DefaultMarginReplications, DefaultMarginTolerance)
	}
	o, err = MarginOptions{Size: "faults.0.factor", From: 1, To: 2, Replications: ptr(7), Tolerance: ptr(0.2)}.resolve()
	if err != nil || o.reps != 7 || o.tol != 0.2 {
		t.Errorf("given: %d runs a probe, tolerance %v, %v; want 7 and 0.2", o.reps, o.tol, err)
	}
	for _, o := range []MarginOptions{{Replications: ptr(0)}, {Tolerance: ptr(0.0)}} {
		o.Size, o.From, o.To = "faults.0.factor", 1, 2
		if r, err := o.resolve(); err == nil {
			t.Errorf("explicit 0 accepted: %d runs a probe, tolerance %v", r.reps, r.tol)
		}
	}
}
