package scenarios

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/results"
)

// shortDuration is the virtual time of a built-in's reduced run: a tenth
// of its duration, at most 30 s, so that a reduced run of the whole library
// stays within seconds even under -race.
func shortDuration(d time.Duration) time.Duration {
	return min(d/10, 30*time.Second).Round(time.Millisecond)
}

// quickFull are the built-ins whose claims the default go test ./...
// judges on full runs: small and quick (about 2 s together), and between
// them an M/M/1 queue checked against theory, a retry storm, backoff with
// jitter, a circuit breaker and rate limiting. The others' claims are
// judged under STAMPEDE_LONG (.ci/run sets it), and by stampede check.
var quickFull = []string{"mm1", "retry-storm", "backoff-and-jitter", "circuit-breaker", "rate-limiting"}

// longTests says whether the long validations run: STAMPEDE_LONG is set
// (.ci/run sets it in its second go test step).
func longTests() bool { return os.Getenv("STAMPEDE_LONG") != "" }

// TestLibrary runs every built-in scenario, found by listing the embedded
// library (so a scenario added to scenarios/library/ is covered without
// touching this test). Run in full, every run must finish without hitting
// a limit and every [[expect]] claim must hold: the same verdict as
// `stampede check NAME`. With STAMPEDE_LONG set every built-in runs in
// full; by default only those in quickFull do (none under -short or
// -race), and the others run once (one replication) for a tenth of their
// duration, at most 30 s of virtual time: the claims are not judged on
// such a run, but the scenario must load, every variant and sweep point
// must run to the end without a limit stopping it and issue calls, and
// its calls, attempts, goodput and throughput must be finite numbers.
func TestLibrary(t *testing.T) {
	names := BuiltinNames()
	if len(names) == 0 {
		t.Fatal("no built-in scenarios embedded")
	}
	for _, name := range quickFull {
		if !slices.Contains(names, name) {
			t.Errorf("quickFull names %s, which is not a built-in", name)
		}
	}
	canFull := !testing.Short() && !raceEnabled
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s, err := LoadBuiltin(name)
			if err != nil {
				t.Fatal(err)
			}
			if s.About == "" || s.Title == name {
				t.Errorf("%s has no title or no about text", name)
			}
			if canFull && (longTests() || slices.Contains(quickFull, name)) {
				runFull(t, s)
			} else {
				runReduced(t, s)
			}
		})
	}
}

func runFull(t *testing.T, s *Scenario) {
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range res.Stopped {
		t.Errorf("stopped by a limit: %s", st)
	}
	if len(res.Claims) == 0 {
		t.Errorf("%s has no [[expect]] claims", s.Name)
	}
	for _, c := range res.Failed() {
		t.Errorf("%s:%d: claim fails: variant %s%s: %s %s, got %s (%s)",
			c.File, c.Pos.Line, c.Variant, pointLabel(c.Point), c.Metric, c.Want, c.Got, c.About)
	}
}

func runReduced(t *testing.T, s *Scenario) {
	d := shortDuration(s.Config.Duration)
	res, err := Run(s, Options{Replications: 1, Set: []string{fmt.Sprintf("duration=%q", d.String())}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range res.Stopped {
		t.Errorf("stopped by a limit at %v of virtual time: %s", d, st)
	}
	variants, points, _, _ := s.Counts()
	if len(res.Rows) != variants*points {
		t.Fatalf("%d rows, want %d variants x %d points", len(res.Rows), variants, points)
	}
	for _, r := range res.Rows {
		for _, m := range []string{"calls", "attempts", "goodput", "throughput"} {
			x, ok := r.Number(m)
			if !ok || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
				t.Errorf("variant %s%s: %s = %v (ok %v)", r.Variant, pointLabel(r.Point), m, x, ok)
			}
		}
		if calls, _ := r.Number("calls"); calls == 0 {
			t.Errorf("variant %s%s: no calls in %v", r.Variant, pointLabel(r.Point), d)
		}
	}
}

func pointLabel(p []results.Value) string {
	if len(p) == 0 {
		return ""
	}
	var parts []string
	for _, v := range p {
		parts = append(parts, v.Text)
	}
	return " at " + strings.Join(parts, ", ")
}
