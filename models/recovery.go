package models

import (
	"math"
	"sort"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// scheduleMean returns the mean scheduled rate of client i over [t0, t1)
// (s), and false when the client's load is not set by a schedule (a
// closed or replayed-timestamps client): its offered load is then not
// known in advance.
type scheduleMean func(i int, t0, t1 float64) (float64, bool)

// judgeRecovery judges the recovery of a run of c from its total goodput
// and offered series (see results.Recovery for the rule); end is the end
// of the run, after which an interval is partial. sched gives the
// clients' scheduled rates: where a schedule lowers a client's load after
// the faults (a TUI's rate knob is written as a schedule point), the
// window is held to the baseline scaled down to that load, so a system
// serving all it is now offered counts as recovered.
func judgeRecovery(c *config.Config, end sim.Time, series *results.Series, sched scheduleMean) results.Recovery {
	cfg := c.Recovery
	rec := results.Recovery{Tolerance: cfg.Tolerance, HoldS: cfg.Hold.Seconds()}
	if len(c.Faults) == 0 {
		return rec
	}
	first, last := time.Duration(math.MaxInt64), time.Duration(0)
	for _, f := range c.Faults {
		first = min(first, f.At)
		e := f.At
		if !f.Kind.Instantaneous() {
			e += f.For
		}
		last = max(last, e)
	}
	warm := first / 5
	if cfg.Warmup != nil {
		warm = *cfg.Warmup // an explicit 0 skips nothing
	}
	rec.WarmupS = warm.Seconds()
	rec.FirstFaultS = first.Seconds()
	rec.FaultEndS = last.Seconds()
	iv := c.Interval
	good, offered := series.Total.Goodput, series.Total.Offered
	n := len(good)
	// Baseline: complete intervals inside [warm, first).
	var sumG, sumO float64
	var base []int
	for i := range n {
		start := time.Duration(i) * iv
		// an interval shorter than iv (the last one of a run whose
		// duration is not a multiple) is no baseline
		partial := sim.Time(i+1)*sim.Time(iv) > end
		if start >= warm && start+iv <= first && !partial {
			sumG += good[i]
			sumO += offered[i]
			base = append(base, i)
		}
	}
	k := len(base)
	if k == 0 {
		rec.Verdict = results.NoBaseline
		return rec
	}
	rec.BaselineGoodput = sumG / float64(k)
	rec.BaselineOffered = sumO / float64(k)
	rec.Threshold = rec.BaselineGoodput * (1 - cfg.Tolerance)
	if rec.BaselineGoodput < cfg.Collapse*rec.BaselineOffered {
		rec.Verdict = results.CollapsedBeforeFault
		return rec
	}
	hold := int(math.Ceil(float64(cfg.Hold) / float64(iv)))
	hold = max(hold, 1)
	startIdx := int((last + iv - 1) / iv) // first interval starting at or after the fault end
	if startIdx+hold > n {
		rec.Verdict = results.Undecided
		return rec
	}
	scale := newLoadScale(series, base, iv, sched)
	// Sliding mean over hold intervals, width-weighted for a short last one.
	for i := startIdx; i+hold <= n; i++ {
		sum := 0.0
		for j := i; j < i+hold; j++ {
			sum += good[j]
		}
		if sum/float64(hold) >= rec.Threshold*scale.at(i, i+hold) {
			rec.Verdict = results.Recovered
			t := (time.Duration(i)*iv - last).Seconds()
			rec.RecoveryS = &t
			return rec
		}
	}
	rec.Verdict = results.NotRecovered
	return rec
}

// loadScale scales the recovery threshold to the load the clients'
// schedules offer in a window, against the load they offered in the
// baseline: each client's baseline goodput counts in proportion to its
// scheduled rate, never more than in full (a schedule raising the load
// asks no more than the baseline).
type loadScale struct {
	iv    float64 // interval (s)
	sched scheduleMean
	good  []float64 // each client's baseline goodput (calls/s)
	rate  []float64 // each client's scheduled baseline rate, NaN if unscheduled
	total float64   // sum of good
}

func newLoadScale(series *results.Series, base []int, iv time.Duration, sched scheduleMean) loadScale {
	ls := loadScale{iv: iv.Seconds(), sched: sched}
	if sched == nil {
		return ls
	}
	for ci, cs := range series.Clients {
		g, r := 0.0, 0.0
		scheduled := true
		for _, i := range base {
			g += cs.Goodput[i]
			m, ok := sched(ci, float64(i)*ls.iv, float64(i+1)*ls.iv)
			scheduled = scheduled && ok
			r += m
		}
		g /= float64(len(base))
		r /= float64(len(base))
		if !scheduled || !(r > 0) {
			r = math.NaN()
		}
		ls.good = append(ls.good, g)
		ls.rate = append(ls.rate, r)
		ls.total += g
	}
	return ls
}

// at returns the factor for the window of intervals [i, j): exactly 1
// when no client's schedule offers less than in the baseline.
func (ls loadScale) at(i, j int) float64 {
	if !(ls.total > 0) {
		return 1
	}
	lowered := false
	sum := 0.0
	for ci, g := range ls.good {
		f := 1.0
		if r := ls.rate[ci]; !math.IsNaN(r) {
			m, _ := ls.sched(ci, float64(i)*ls.iv, float64(j)*ls.iv)
			if m < r {
				f = m / r
				lowered = true
			}
		}
		sum += g * f
	}
	if !lowered {
		return 1
	}
	return sum / ls.total
}

// scheduledMean is w's scheduleMean: the mean of client i's schedule
// (steps, ramps or a replayed rate curve, then the rates a knob set, each
// from when it was set) over [t0, t1), before load spikes.
func (w *World) scheduledMean(i int, t0, t1 float64) (float64, bool) {
	if i >= len(w.clients) || !(t1 > t0) {
		return 0, false
	}
	c := w.clients[i]
	if c.cfg.Model == config.Closed || c.replay != nil {
		return 0, false
	}
	segs := c.planned()
	total := 0.0
	// from the segment holding t0 (segments start in order) to the
	// last starting before t1: a long schedule costs a search, not a
	// walk, for each window judged
	k0 := max(sort.Search(len(segs), func(k int) bool { return segs[k].start > t0 })-1, 0)
	for k := k0; k < len(segs) && segs[k].start < t1; k++ {
		s := segs[k]
		a := max(t0, s.start)
		b := t1
		if k+1 < len(segs) {
			b = min(b, segs[k+1].start)
		}
		if b <= a {
			continue
		}
		ra, rb := s.r0+s.slope*(a-s.start), s.r0+s.slope*(b-s.start)
		total += (ra + rb) / 2 * (b - a)
	}
	return total / (t1 - t0), true
}

// planned returns c's rate over the run, as scheduled and then as set by
// the rate knob.
func (c *client) planned() []segment {
	if c.plan != nil {
		return c.plan
	}
	return c.segs
}
