package plots

import (
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// TestTriggerMarks: a cache's expiry wave is marked where it starts, its
// cold fill is not; a job's burst of changes is marked, its steady
// trickle is not; marks given are kept and labelled in the strip.
func TestTriggerMarks(t *testing.T) {
	const n = 100
	ts := make(results.Values, n)
	hits, misses, changes := make(results.Values, n), make(results.Values, n), make(results.Values, n)
	for i := range ts {
		ts[i] = float64(i)
		hits[i], misses[i] = 100, 1
		if i%10 == 0 {
			changes[i] = 1
		}
	}
	misses[0], hits[0] = 100, 0 // the cold fill
	for i := 60; i < 63; i++ {  // keys expire together
		misses[i], hits[i] = 80, 20
	}
	changes[30] = 500
	res := &results.Results{IntervalS: 1, EndS: n}
	res.Series.T = ts
	res.Series.Caches = []results.CacheSeries{{Name: "cache", Hits: hits, Misses: misses}}
	res.Series.Jobs = []results.CallSeries{{Name: "push", Strategy: map[string]results.Values{"changes": changes}}}
	got := triggerMarks([]Run{{Name: "base", Results: res}})
	want := []Mark{{AtS: 30, Label: "push: burst of changes"}, {AtS: 60, Label: "cache: expiry wave"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("triggerMarks = %+v, want %+v", got, want)
	}
	res.Faults = []results.FaultWindow{{Kind: "cache_flush", Target: "cache", StartS: 59, EndS: 61}}
	if got := triggerMarks([]Run{{Name: "base", Results: res}}); len(got) != 1 {
		t.Errorf("a wave a fault explains is marked: %+v", got)
	}
	labels := stripLabels(res.Faults, []Mark{{AtS: 10, Label: "rate users -> 900/s"}})
	if len(labels) != 2 || labels[0].Kind != "rate users -> 900/s" || labels[0].StartS != labels[0].EndS {
		t.Errorf("stripLabels = %+v, want the mark first, as a zero-length window", labels)
	}
}
