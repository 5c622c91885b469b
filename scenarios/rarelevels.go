package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// RareLevelShare is the share of a pilot stage's trajectories that reach
// the level it places: Cérou and Guyader's p0 (2007, sec. 3), near the
// conditional probability 0.2 that keeps fixed-effort splitting's
// variance low per trajectory run (Garvels 2000, ch. 2: shares of 0.1 to
// 0.5 are the efficient range).
const RareLevelShare = 0.2

// placeLevels places the levels below o.Target by a pilot, adaptive
// multilevel splitting's rule (Cérou and Guyader, "Adaptive multilevel
// splitting for rare event analysis", Stochastic Analysis and
// Applications 25(2), 2007): a stage runs Pilot trajectories to the
// horizon (or the target) and keeps each one's running maxima; its level
// is the highest value that RareLevelShare of them reached (a quantile
// of their maxima), and the next stage starts from the states where they
// first reached it, until that quantile reaches the target, the last
// level. The estimate then runs with these levels and seeds of its own:
// the levels depend on the pilot alone, so the estimate stays the
// unbiased fixed-effort product (adaptive splitting that estimated from
// its own quantiles would carry a small bias; Cérou and Guyader, sec. 4).
func (e *rareRun) placeLevels(o RareOptions) ([]float64, *results.RarePilot, error) {
	target, n := *o.Target, o.Pilot
	if n == 0 {
		n = o.Effort
	}
	pe := *e
	pe.records = true
	seed := e.cfg.Seed
	pilot := &results.RarePilot{Effort: n, Share: RareLevelShare}
	starts := make([]trajectory, n)
	for j := range starts {
		starts[j] = trajectory{seed: derive(seed, purposeRarePilot, j)}
	}
	var levels []float64
	prev := math.Inf(-1)
	for k := 0; ; k++ {
		ls := make([]float64, n)
		for j := range ls {
			ls[j] = target
		}
		outs, err := pe.runAll(starts, ls)
		if err != nil {
			return nil, nil, err
		}
		maxima := make([]float64, n)
		for j, oc := range outs {
			pilot.Runs++
			pilot.Events += oc.events
			maxima[j] = oc.highest
		}
		if k == 0 {
			prev = outs[0].start
			if !slices.ContainsFunc(outs, func(oc outcome) bool { return oc.highest != oc.start }) {
				return nil, nil, fmt.Errorf("rare: --importance %s never moved: it stayed at %g through all %d pilot runs of %v; name a gauge that changes under this load (kinds: %s), or check that the load reaches it",
					o.Importance, prev, n, e.cfg.Duration, strings.Join(session.GaugeKinds, ", "))
			}
		}
		slices.Sort(maxima)
		level := maxima[n-int(math.Ceil(RareLevelShare*float64(n)))]
		if level <= prev { // most runs stayed at the level below: the next value any reached
			i, _ := slices.BinarySearch(maxima, math.Nextafter(prev, math.Inf(1)))
			if i == n {
				return nil, nil, fmt.Errorf("rare: --target %g: no pilot run rose above %g (pilot stage %d, %d runs of %v): the importance cannot climb further within the horizon; lower --target or lengthen --horizon",
					target, prev, k+1, n, e.cfg.Duration)
			}
			level = maxima[i]
		}
		if level >= target {
			return append(levels, target), pilot, nil
		}
		if len(levels) == MaxRareLevels-1 {
			return nil, nil, fmt.Errorf("rare: --target %g: the pilot placed %d levels and reached %g: too far for %d levels; raise --pilot or lower --target",
				target, len(levels), level, MaxRareLevels)
		}
		levels = append(levels, level)
		var hits []trajectory
		for j, oc := range outs {
			if oc.highest < level {
				continue
			}
			i := slices.IndexFunc(oc.records, func(r record) bool { return r.value >= level })
			t := starts[j]
			path := append(slices.Clip(t.path), branchPoint{Events: oc.records[i].events})
			hits = append(hits, trajectory{seed: t.seed, path: path})
		}
		starts = resample(hits, n, derive(seed, purposePilotPick, k), func(j int) uint64 { return derive(seed, purposePilotSalt, k, j) })
		prev = level
	}
}
