package models

import (
	"slices"
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// TestPeak holds the time-weighted gauges to sums done by hand: a level's
// means per interval and over the run, and a peak's maxima, which a rise
// sets, a fall leaves, and roll restarts at the value then.
func TestPeak(t *testing.T) {
	var g peak
	g.add(10, 1) // 1 from 10
	g.add(20, 2) // 3 from 20
	g.add(20, -1)
	g.level.hold(30) // 2 from 20, held at 30
	g.add(60, -2)    // 0 from 60
	g.roll(100, 100)
	g.add(150, 1) // 1 from 150
	g.roll(200, 100)
	// area of the first interval: 1x10 + 2x40 = 90 (the 3 lasted no time)
	if want := (results.Values{0.9, 0.5}); !slices.Equal(g.means, want) {
		t.Errorf("means %v, want %v", g.means, want)
	}
	if want := (results.Values{3, 1}); !slices.Equal(g.maxes, want) {
		t.Errorf("maxes %v, want %v", g.maxes, want)
	}
	if got := g.maxSoFar(); got != 3 {
		t.Errorf("maxSoFar %v, want 3", got)
	}
	if got, want := g.mean(250), (90.0+50+50)/250; got != want {
		t.Errorf("mean(250) %v, want %v", got, want)
	}
	if got := g.integral(250); got != 190 {
		t.Errorf("integral(250) %v, want 190", got)
	}
}
