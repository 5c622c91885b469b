package results

import (
	"encoding/json"
	"io"
	"math"
)

// Margin is how big a trigger a system takes before it stays down: for a
// trigger family (a fault's size axis, such as a slowdown's factor, at
// each of its durations), the boundary between the sizes it recovers from
// and those it does not, found by bisection (scenarios.SearchMargin).
type Margin struct {
	// Scenario is the scenario's name; Variant the variant searched.
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	// SizePath and DurationPath are the set paths of the two axes
	// ("faults.0.factor", "faults.0.for"); DurationPath is empty when only
	// the file's duration was searched.
	SizePath     string `json:"size_path"`
	DurationPath string `json:"duration_path,omitempty"`
	// From and To are the sizes the search started from: the system
	// recovers at From and does not at To.
	From float64 `json:"from"`
	To   float64 `json:"to"`
	// Replications is the runs per probe during the bisection;
	// BoundaryReplications the runs at each end of the final bracket.
	Replications         int `json:"replications"`
	BoundaryReplications int `json:"boundary_replications"`
	// Tolerance is the relative width of the final bracket the search
	// stops at.
	Tolerance float64 `json:"tolerance"`
	// Points holds one boundary per duration, in the order given.
	Points []MarginPoint `json:"points"`
	// Runs is the number of runs the search made; GridRuns the number a
	// grid over [From, To] at the final resolution would make, with
	// Replications at every point, for the same durations.
	Runs     int `json:"runs"`
	GridRuns int `json:"grid_runs"`
}

// MarginPoint is the boundary at one duration of the trigger.
type MarginPoint struct {
	// Duration is the duration as written ("30s"), DurationS in seconds;
	// empty and 0 when the file's own duration was searched.
	Duration  string  `json:"duration,omitempty"`
	DurationS float64 `json:"duration_s"`
	// Survived is the largest size probed that the system recovered from
	// (in a majority of runs), Tipped the smallest it did not: the
	// boundary is between them.
	Survived float64 `json:"survived"`
	Tipped   float64 `json:"tipped"`
	// SurvivedRecovered of SurvivedRuns recovered at Survived, and
	// TippedRecovered of TippedRuns at Tipped (the boundary replications).
	SurvivedRecovered int `json:"survived_recovered"`
	SurvivedRuns      int `json:"survived_runs"`
	TippedRecovered   int `json:"tipped_recovered"`
	TippedRuns        int `json:"tipped_runs"`
	// Probes are the sizes tried, in order, with how many runs recovered.
	Probes []MarginProbe `json:"probes"`
	// Runs is the number of runs at this duration.
	Runs int `json:"runs"`
}

// MarginProbe is one size tried: Recovered of Runs recovered.
type MarginProbe struct {
	Size      float64 `json:"size"`
	Recovered int     `json:"recovered"`
	Runs      int     `json:"runs"`
}

// SurvivedCI95 returns the 95% Wilson score interval of the probability
// of recovering at Survived (Wilson 1927), from its boundary runs.
func (p *MarginPoint) SurvivedCI95() (lo, hi float64) {
	return WilsonCI95(p.SurvivedRecovered, p.SurvivedRuns)
}

// TippedCI95 returns the 95% Wilson score interval of the probability of
// recovering at Tipped.
func (p *MarginPoint) TippedCI95() (lo, hi float64) {
	return WilsonCI95(p.TippedRecovered, p.TippedRuns)
}

// WilsonCI95 returns the 95% Wilson score interval of a proportion, k
// successes of n (Wilson, "Probable inference", JASA 1927): unlike the
// normal approximation it stays inside [0, 1] and is not empty at k = 0
// or k = n. NaN and NaN for n = 0.
func WilsonCI95(k, n int) (lo, hi float64) {
	if n <= 0 {
		return math.NaN(), math.NaN()
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return max(0, mid-half), min(1, mid+half)
}

// WriteJSON writes the margin as indented JSON.
func (m *Margin) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// WriteMarginsJSON writes margins, one per variant, as an indented JSON
// array.
func WriteMarginsJSON(w io.Writer, ms []*Margin) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ms)
}
