package plots

import (
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// TestBreakerOpenings: the intervals in which a client's or an edge's
// breaker opened are marked (at their midpoints, each once), and the
// legend says how often breakers opened.
func TestBreakerOpenings(t *testing.T) {
	r := &results.Results{}
	r.Series.Clients = []results.CallSeries{{Name: "users", Strategy: map[string]results.Values{"breaker_opened": {0, 1, 0, 2}}}}
	r.Series.Edges = []results.CallSeries{{Name: "api->db", Strategy: map[string]results.Values{"breaker_opened": {0, 1, 1, 0}}}}
	r.Summary.Clients = map[string]results.CallSummary{"users": {Strategy: map[string]float64{"breaker_opened": 3}}}
	r.Summary.Edges = map[string]results.CallSummary{"api->db": {Strategy: map[string]float64{"breaker_opened": 2}}}
	at, n := breakerOpenings(r, []float64{0.5, 1.5, 2.5, 3.5})
	if len(at) != 3 || at[0] != 1.5 || at[1] != 2.5 || at[2] != 3.5 {
		t.Errorf("openings at %v, want [1.5 2.5 3.5]", at)
	}
	if n != 5 {
		t.Errorf("%d openings, want 5", n)
	}
	for _, c := range []struct {
		n    int
		want string
	}{{0, ""}, {1, " · breaker opened once"}, {5, " · breaker opened 5×"}} {
		if got := breakerNote(c.n); got != c.want {
			t.Errorf("breakerNote(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
