package results

import (
	"encoding/json"
	"io"
)

// Rare is the probability that a system with no trigger reaches a rare
// state (an importance function at its last level) within a horizon,
// estimated by fixed-effort multilevel splitting (scenarios.EstimateRare;
// Garvels 2000, ch. 2), with independent replications of the whole
// procedure for its interval, and optionally by brute force beside it.
type Rare struct {
	// Scenario is the scenario's name; Variant the variant run.
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	// Importance is the gauge read after every event ("queue:api");
	// Levels its thresholds, increasing, the last being the rare event.
	Importance string    `json:"importance"`
	Levels     []float64 `json:"levels"`
	// HorizonS is the run's length in seconds; Seed the seed everything
	// derives from.
	HorizonS float64 `json:"horizon_s"`
	Seed     uint64  `json:"seed"`
	// Effort is the trajectories started at each level in each
	// replication; Replications the independent estimates averaged.
	Effort       int `json:"effort"`
	Replications int `json:"replications"`
	// Probability is the mean of the replications' estimates, with its
	// 95% interval by Student's t over them, clipped to [0, 1].
	Probability float64 `json:"probability"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	// RelativeError is the standard error over the probability; null
	// when the probability is 0 or there is one replication.
	RelativeError *float64 `json:"relative_error"`
	// Estimates are the replications' estimates, in order.
	Estimates []float64 `json:"estimates"`
	// Stages holds each level's crossings, pooled over replications.
	Stages []RareStage `json:"stages"`
	// Runs is the trajectories simulated (each one run, its prefix
	// replayed); Events the events fired, replays included.
	Runs   int    `json:"runs"`
	Events uint64 `json:"events"`
	// BruteForceRuns is the runs brute force would need for the same
	// relative error, (1-p)/(p RE²); null with RelativeError.
	BruteForceRuns *float64 `json:"brute_force_runs"`
	// Brute is the brute-force estimate made beside it, if asked for.
	Brute *RareBrute `json:"brute_force,omitempty"`
	// Pilot is the pilot that placed the levels, when they were not
	// given (only the last, the rare state, was).
	Pilot *RarePilot `json:"pilot,omitempty"`
}

// RarePilot is an adaptive placement of the levels (Cérou and Guyader,
// "Adaptive multilevel splitting for rare event analysis", Stochastic
// Analysis and Applications 25(2), 2007): Effort trajectories a stage,
// each level the value that a Share of the stage's trajectories reached
// (a quantile of their maxima), the next stage started from the states
// where they reached it, until the quantile passes the rare state. Runs
// and Events are the pilot's, apart from the estimate's.
type RarePilot struct {
	Effort int     `json:"effort"`
	Share  float64 `json:"share"`
	Runs   int     `json:"runs"`
	Events uint64  `json:"events"`
}

// RareStage is one level: Started trajectories set out from the level
// below (from the start for the first), Reached of them reached Level.
type RareStage struct {
	Level   float64 `json:"level"`
	Started int     `json:"started"`
	Reached int     `json:"reached"`
	// Highest is the highest importance any trajectory of the stage saw.
	Highest float64 `json:"highest"`
}

// RareBrute is the plain estimate: Hits of Runs independent runs reached
// the last level, with the 95% Wilson interval of the proportion.
type RareBrute struct {
	Runs        int     `json:"runs"`
	Hits        int     `json:"hits"`
	Probability float64 `json:"probability"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	Events      uint64  `json:"events"`
}

// WriteJSON writes the estimate as indented JSON.
func (r *Rare) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteRaresJSON writes estimates, one per variant, as an indented JSON
// array.
func WriteRaresJSON(w io.Writer, rs []*Rare) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rs)
}
