package plots

import (
	"math"
	"slices"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot"
)

// loadSpikeFactor is how far the highest load may rise above the body of
// the load (the 90th percentile of the rates drawn) before a linear axis
// stops showing the body: above it the load panel gets a log axis. A
// herd of clients reconnecting in step (200k attempts/s against 600
// calls/s of goodput) otherwise leaves the goodput a flat line at the
// foot of the panel. The factor is the latency panel's. The body is a
// high percentile, not the median, so that a load that is mostly low
// with bursts (a database behind a cache, hit by expiry waves) keeps
// its linear axis: the bursts are then what the panel shows.
const loadSpikeFactor = 30

// loadFloor returns the foot of a log load axis when the load panel
// needs one (see loadSpikeFactor; rates of 0 are not counted), else 0: the decade at or under the
// smallest rate drawn, where the values under it (no calls at all) are
// drawn.
func loadFloor(calls []*results.CallSeries) float64 {
	var vs []float64
	for _, c := range calls {
		for _, s := range [][]float64{c.Offered, c.Attempts, c.Goodput} {
			for _, v := range s {
				if finite(v, true) {
					vs = append(vs, v)
				}
			}
		}
	}
	if len(vs) == 0 {
		return 0
	}
	slices.Sort(vs)
	if vs[len(vs)-1] <= loadSpikeFactor*vs[len(vs)*9/10] {
		return 0
	}
	return math.Pow(10, math.Floor(math.Log10(vs[0])+1e-9))
}

// logLoad puts a load panel on a log axis whose foot is floor.
func logLoad(p *plot.Plot, floor float64) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{format: humanNumber, atMost: true}
	p.Y.Min = floor
}
