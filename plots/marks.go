package plots

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot"

	"github.com/stampede-sim/stampede/models/results"
)

// Mark is an instant on the time axis worth a label that is not a fault:
// a change made while the run was live ("users: rate 900/s"), a wave of
// cache expiries, a burst of changes from a job. The time series draws
// each as a thin line across its panels, labelled above the top one
// beside the fault labels.
type Mark struct {
	// AtS is when it happened, in seconds since the start.
	AtS float64
	// Label says what happened, in words.
	Label string
}

// maxMarks bounds the labelled marks of a figure; past it, marks of the
// same label are counted in the first one's label.
const maxMarks = 6

// triggerMarks finds the triggers in the first run's series that no fault
// window explains: the start of each wave of cache misses (misses that
// stand out, see waveStarts, and are over a tenth of the lookups, once
// the cache has been warm: not the cold fill), and the start of each
// burst of a job's changes.
// The first run is the base: its timeline is the scenario as written.
func triggerMarks(runs []Run) []Mark {
	if len(runs) == 0 || runs[0].Results == nil {
		return nil
	}
	r := runs[0].Results
	xs := r.Series.T
	inFault := func(t float64) bool {
		for _, fw := range r.Faults {
			if t >= fw.StartS && t < fw.EndS+r.IntervalS {
				return true
			}
		}
		return false
	}
	var marks []Mark
	add := func(label string, starts []float64) {
		for _, t := range starts {
			if !inFault(t) {
				marks = append(marks, Mark{AtS: t, Label: label})
			}
		}
	}
	for _, c := range r.Series.Caches {
		add(c.Name+": expiry wave", waveStarts(xs, c.Misses, func(i int) bool {
			return c.Misses[i] > 0.1*(c.Hits[i]+c.Misses[i]) && warmBefore(c, i)
		}))
	}
	for _, j := range r.Series.Jobs {
		ch := j.Strategy["changes"]
		add(j.Name+": burst of changes", waveStarts(xs, ch, func(int) bool { return true }))
	}
	return capMarks(marks)
}

// waveStarts returns the start times of the runs of intervals whose value
// stands out (over three times the series' median and five times its
// mean, and over zero) and where ok holds; runs closer than three
// intervals count as one.
func waveStarts(ts []float64, v results.Values, ok func(i int) bool) []float64 {
	if len(v) == 0 || len(v) != len(ts) {
		return nil
	}
	floor := max(3*median(v), 5*mean(v))
	var starts []float64
	last := -10
	for i, x := range v {
		if !(x > 0 && x > floor && ok(i)) {
			continue
		}
		if i-last > 3 {
			starts = append(starts, ts[i])
		}
		last = i
	}
	return starts
}

// warmBefore reports whether the cache served mostly hits in some
// interval before i: a wave after that is keys expiring, not the cold
// cache filling.
func warmBefore(c results.CacheSeries, i int) bool {
	for j := range i {
		if c.Hits[j] > 0 && c.Misses[j] <= 0.1*(c.Hits[j]+c.Misses[j]) {
			return true
		}
	}
	return false
}

func mean(v results.Values) float64 {
	sum, n := 0.0, 0
	for _, x := range v {
		if x == x { // not NaN
			sum += x
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func median(v results.Values) float64 {
	s := make([]float64, 0, len(v))
	for _, x := range v {
		if x == x { // not NaN
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return 0
	}
	slices.Sort(s)
	return s[len(s)/2]
}

// capMarks keeps at most maxMarks marks, in time order; a label that
// repeats past the cap is counted on its first mark instead ("cache:
// expiry wave ×12").
func capMarks(marks []Mark) []Mark {
	slices.SortStableFunc(marks, func(a, b Mark) int {
		switch {
		case a.AtS < b.AtS:
			return -1
		case a.AtS > b.AtS:
			return 1
		}
		return 0
	})
	if len(marks) <= maxMarks {
		return marks
	}
	count := map[string]int{}
	for _, m := range marks {
		count[m.Label]++
	}
	var out []Mark
	seen := map[string]bool{}
	for _, m := range marks {
		if seen[m.Label] {
			continue
		}
		seen[m.Label] = true
		if n := count[m.Label]; n > 1 {
			m.Label = fmt.Sprintf("%s ×%d", m.Label, n)
		}
		out = append(out, m)
	}
	return out
}

// markWindows are marks as zero-length windows, for the fault strip's
// labels.
func markWindows(marks []Mark) []results.FaultWindow {
	out := make([]results.FaultWindow, len(marks))
	for i, m := range marks {
		out[i] = results.FaultWindow{Kind: m.Label, StartS: m.AtS, EndS: m.AtS}
	}
	return out
}

// stripLabels are the windows the strip above the top panel labels: the
// faults, and the marks as zero-length windows, in time order.
func stripLabels(faults []results.FaultWindow, marks []Mark) []results.FaultWindow {
	out := append(slices.Clone(faults), markWindows(capMarks(marks))...)
	slices.SortStableFunc(out, func(a, b results.FaultWindow) int {
		switch {
		case a.StartS < b.StartS:
			return -1
		case a.StartS > b.StartS:
			return 1
		}
		return 0
	})
	return out
}

// addMarkLines draws each mark as a thin dash-dotted line across every
// panel.
func addMarkLines(panels [][]*plot.Plot, marks []Mark, th *theme) {
	for _, m := range capMarks(marks) {
		for _, row := range panels {
			for _, p := range row {
				if p != nil {
					p.Add(&vline{x: m.AtS, color: mutedText, dash: dashDot, width: 0.7, th: th})
				}
			}
		}
	}
}
