package models

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// maxFiresRecorded caps the firings recorded per alert rule.
const maxFiresRecorded = 100

// windowIntervals is d in whole intervals, rounded to the nearest, at
// least one.
func windowIntervals(d, interval time.Duration) int {
	n := math.Round(float64(d) / float64(interval))
	if !(n >= 1) {
		return 1
	}
	if n > 1e9 {
		return 1e9
	}
	return int(n)
}

// sloRun tracks one SLO while the world runs: exact good and total counts
// per interval (counted when calls complete), their prefix sums, the
// per-interval series and the alert rules.
type sloRun struct {
	cfg       *config.SLOConfig
	edges     []*edge
	threshold time.Duration // latency bound; 0 none
	interval  time.Duration
	window    int // compliance window, intervals

	good, total int64   // current interval
	cumGood     []int64 // cumGood[i] = good calls in intervals [0, i)
	cumTotal    []int64

	sGood, sTotal, sSLI, sBurn, sBudget results.Values
	alerts                              []*alertRun
}

// alertRun is one alert rule's state.
type alertRun struct {
	cfg         *config.AlertConfig
	long, short int     // windows, intervals
	ratio       float64 // error-ratio threshold: burn rate x (1 - objective)
	grace       time.Duration
	firing      bool
	since       sim.Time
	nFires      int64
	firingNS    int64
	fires       []alertFire // the first maxFiresRecorded
	sFiring     results.Values
}

// alertFire is one firing of a rule: from start to end (sim.Never while
// still firing).
type alertFire struct {
	start, end sim.Time
}

func newSLORun(cfg *config.SLOConfig, interval time.Duration) *sloRun {
	s := &sloRun{
		cfg:       cfg,
		threshold: cfg.Latency,
		interval:  interval,
		window:    windowIntervals(cfg.Window, interval),
		cumGood:   []int64{0},
		cumTotal:  []int64{0},
	}
	for i := range cfg.Alerts {
		a := &cfg.Alerts[i]
		ar := &alertRun{
			cfg:   a,
			long:  windowIntervals(time.Duration(float64(a.Long)*cfg.TimeScale), interval),
			short: windowIntervals(time.Duration(float64(a.Short)*cfg.TimeScale), interval),
			ratio: a.BurnRate * (1 - cfg.Objective),
			grace: a.Grace,
		}
		ar.short = min(ar.short, ar.long)
		if ar.grace == 0 {
			ar.grace = time.Duration(ar.long) * interval
		}
		s.alerts = append(s.alerts, ar)
	}
	return s
}

// observe counts one completed call with outcome r and latency d.
func (s *sloRun) observe(r Reason, d time.Duration) {
	s.total++
	if r == strategies.ReasonOK && (s.threshold == 0 || d <= s.threshold) {
		s.good++
	}
}

// sums returns the good and total calls over the n intervals ending with
// interval i (fewer at the start of the run).
func (s *sloRun) sums(i, n int) (good, total int64) {
	lo := max(0, i+1-n)
	return s.cumGood[i+1] - s.cumGood[lo], s.cumTotal[i+1] - s.cumTotal[lo]
}

// roll closes interval i, which ends at end: it appends the series and
// steps the alert rules.
func (s *sloRun) roll(end sim.Time) {
	i := len(s.cumGood) - 1
	s.cumGood = append(s.cumGood, s.cumGood[i]+s.good)
	s.cumTotal = append(s.cumTotal, s.cumTotal[i]+s.total)
	budget := 1 - s.cfg.Objective
	s.sGood = append(s.sGood, float64(s.good))
	s.sTotal = append(s.sTotal, float64(s.total))
	if s.total > 0 {
		sli := float64(s.good) / float64(s.total)
		s.sSLI = append(s.sSLI, sli)
		s.sBurn = append(s.sBurn, (1-sli)/budget)
	} else {
		s.sSLI = append(s.sSLI, math.NaN())
		s.sBurn = append(s.sBurn, math.NaN())
	}
	s.sBudget = append(s.sBudget, s.budgetRemaining(i))
	s.good, s.total = 0, 0
	for _, a := range s.alerts {
		a.step(s, i, end)
	}
}

// budgetRemaining is the fraction of the error budget left at the end of
// interval i: 1 - burn x span / window over the span of the compliance
// window so far (the budget a window of traffic at this rate allows,
// REFERENCES §13: a window of length w at burn rate b consumes b w /
// period). It is 1 with no calls, and negative once overspent.
func (s *sloRun) budgetRemaining(i int) float64 {
	good, total := s.sums(i, s.window)
	if total == 0 {
		return 1
	}
	span := min(i+1, s.window)
	burn := float64(total-good) / float64(total) / (1 - s.cfg.Objective)
	return 1 - burn*float64(span)/float64(s.window)
}

// step evaluates the rule at the end of interval i (time end): it fires
// when the error ratios over both windows exceed the threshold, and
// resolves when either does not. A window without calls does not fire.
func (a *alertRun) step(s *sloRun, i int, end sim.Time) {
	gl, tl := s.sums(i, a.long)
	gs, ts := s.sums(i, a.short)
	on := tl > 0 && ts > 0 &&
		float64(tl-gl) > a.ratio*float64(tl) &&
		float64(ts-gs) > a.ratio*float64(ts)
	switch {
	case on && !a.firing:
		a.firing, a.since = true, end
		a.nFires++
		if len(a.fires) < maxFiresRecorded {
			a.fires = append(a.fires, alertFire{start: end, end: sim.Never})
		}
	case !on && a.firing:
		a.firing = false
		a.firingNS += int64(end - a.since)
		if k := len(a.fires) - 1; k >= 0 && a.fires[k].start == a.since {
			a.fires[k].end = end
		}
	}
	if a.firing {
		a.sFiring = append(a.sFiring, 1)
	} else {
		a.sFiring = append(a.sFiring, 0)
	}
}

// ---- wiring into the world ----

// sloSet is the SLOs of a world: a recorder counting each completed call
// in the SLOs that cover it, and closing their intervals as the world's
// close.
type sloSet struct {
	s    *sim.Sim
	runs []*sloRun
}

// newSLOSet resolves each SLO's calls (a client's edge, or every edge
// named "from->to"); nil when w has no SLOs.
func newSLOSet(w *World) *sloSet {
	if len(w.cfg.SLOs) == 0 {
		return nil
	}
	set := &sloSet{s: w.s}
	for i := range w.cfg.SLOs {
		cfg := &w.cfg.SLOs[i]
		s := newSLORun(cfg, w.interval)
		for _, c := range w.clients {
			if c.name == cfg.Client {
				s.edges = append(s.edges, c.e)
			}
		}
		for _, e := range w.edges {
			if e.name == cfg.Client {
				s.edges = append(s.edges, e)
			}
		}
		set.runs = append(set.runs, s)
	}
	return set
}

func (set *sloSet) callStarted(*call)                  {}
func (set *sloSet) attemptStep(*attempt, step, Reason) {}

// callDone counts c, completed with r, in the SLOs that cover its edge.
func (set *sloSet) callDone(c *call, r Reason) {
	d := set.s.Now().Sub(c.start)
	for _, s := range set.runs {
		for _, x := range s.edges {
			if x == c.e {
				s.observe(r, d)
				break
			}
		}
	}
}

// tick closes the current interval of every SLO at end.
func (set *sloSet) tick(end sim.Time) {
	for _, s := range set.runs {
		s.roll(end)
	}
}

func (s *sloRun) series() results.SLOSeries {
	out := results.SLOSeries{Name: s.cfg.Name, Good: s.sGood, Total: s.sTotal, SLI: s.sSLI, BurnRate: s.sBurn,
		BudgetRemaining: s.sBudget, Alerts: map[string]results.Values{}}
	for _, a := range s.alerts {
		out.Alerts[a.cfg.Name] = a.sFiring
	}
	return out
}

// series returns views of the SLO series so far (nil without SLOs).
func (set *sloSet) series() []results.SLOSeries {
	if set == nil {
		return nil
	}
	out := make([]results.SLOSeries, 0, len(set.runs))
	for _, s := range set.runs {
		out = append(out, s.series())
	}
	return out
}

// summaries fills the SLO and alert parts of a summary at end, judging
// firings against the fault windows (nothing without SLOs).
func (set *sloSet) summaries(sum *results.Summary, end sim.Time, faults []results.FaultWindow) {
	if set == nil {
		return
	}
	sum.SLOs = map[string]results.SLOSummary{}
	sum.Alerts = map[string]map[string]results.AlertSummary{}
	for _, s := range set.runs {
		ss, as := s.summary(end, faults)
		sum.SLOs[s.cfg.Name] = ss
		sum.Alerts[s.cfg.Name] = as
	}
}

// summary summarises the SLO and its rules over [0, end), the closed
// intervals (the current one's counts are added to the totals).
func (s *sloRun) summary(end sim.Time, faults []results.FaultWindow) (results.SLOSummary, map[string]results.AlertSummary) {
	n := len(s.cumGood) - 1
	good := s.cumGood[n] + s.good
	total := s.cumTotal[n] + s.total
	budget := 1 - s.cfg.Objective
	out := results.SLOSummary{
		Client: s.cfg.Client, Objective: s.cfg.Objective, LatencyS: s.cfg.Latency.Seconds(),
		WindowS: (time.Duration(s.window) * s.interval).Seconds(), TimeScale: s.cfg.TimeScale,
		Total: results.Count(total), Good: results.Count(good), Bad: results.Count(total - good), Met: true,
		BudgetRemaining: 1, BudgetRemainingMin: 1,
	}
	if total > 0 {
		sli := float64(good) / float64(total)
		out.SLI = &sli
		out.Met = sli >= s.cfg.Objective
		out.BurnRate = (1 - sli) / budget
		if end > 0 {
			out.BudgetSpent = out.BurnRate * float64(end) / float64(time.Duration(s.window)*s.interval)
		}
	}
	for _, b := range s.sBurn {
		if !math.IsNaN(b) {
			out.MaxBurnRate = math.Max(out.MaxBurnRate, b)
		}
	}
	if k := len(s.sBudget); k > 0 {
		out.BudgetRemaining = s.sBudget[k-1]
		for _, b := range s.sBudget {
			out.BudgetRemainingMin = math.Min(out.BudgetRemainingMin, b)
		}
	}
	// The budget of one compliance window, in bad calls, with the
	// window's traffic taken at the run's rate: what a fault's bad calls
	// are measured against.
	allowed := 0.0
	if end > 0 {
		allowed = budget * float64(total) * float64(time.Duration(s.window)*s.interval) / float64(end)
	}
	alerts := map[string]results.AlertSummary{}
	first := sim.Never
	for _, a := range s.alerts {
		as := a.summary(s, end, faults, allowed)
		if len(a.fires) > 0 && a.fires[0].start < first {
			first = a.fires[0].start
			out.FirstAlert = a.cfg.Name
			t := first.Seconds()
			out.FirstAlertS = &t
		}
		alerts[a.cfg.Name] = as
	}
	return out, alerts
}

func (a *alertRun) summary(s *sloRun, end sim.Time, faults []results.FaultWindow, allowed float64) results.AlertSummary {
	out := results.AlertSummary{
		Severity: results.Severity(a.cfg.Severity), BurnRate: a.cfg.BurnRate,
		LongS:  (time.Duration(a.long) * s.interval).Seconds(),
		ShortS: (time.Duration(a.short) * s.interval).Seconds(),
		GraceS: a.grace.Seconds(),
		Fired:  results.Count(a.nFires), Faults: []results.FaultDetection{}, Fires: []results.AlertFire{},
	}
	firing := a.firingNS
	if a.firing && end > a.since {
		firing += int64(end - a.since)
	}
	out.FiringS = float64(firing) / 1e9
	if len(a.fires) > 0 {
		t := a.fires[0].start.Seconds()
		out.FirstFireS = &t
	}
	grace := a.grace.Seconds()
	caused := func(t float64) bool {
		for _, f := range faults {
			if t >= f.StartS && t <= f.EndS+grace {
				return true
			}
		}
		return false
	}
	var fp int64
	for _, f := range a.fires {
		af := results.AlertFire{StartS: f.start.Seconds(), FalsePositive: !caused(f.start.Seconds())}
		if f.end != sim.Never {
			e := f.end.Seconds()
			af.EndS = &e
		}
		if af.FalsePositive {
			fp++
		}
		out.Fires = append(out.Fires, af)
	}
	out.FalsePositives = results.Count(fp)
	for k, f := range faults {
		d := results.FaultDetection{Kind: f.Kind, Target: f.Target, StartS: f.StartS}
		for _, x := range a.fires {
			t := x.start.Seconds()
			if t >= f.StartS && t <= f.EndS+grace {
				dt := t - f.StartS
				d.DetectS = &dt
				// Bad calls from the fault's interval through the firing
				// one, over the window's budget.
				lo := min(int(f.StartS/s.interval.Seconds()), len(s.cumGood)-1)
				hi := min(int(math.Ceil(t/s.interval.Seconds()-1e-9)), len(s.cumGood)-1)
				bad := (s.cumTotal[hi] - s.cumGood[hi]) - (s.cumTotal[lo] - s.cumGood[lo])
				spent := 0.0
				if allowed > 0 {
					spent = float64(bad) / allowed
				}
				d.BudgetSpent = &spent
				break
			}
		}
		if d.DetectS != nil {
			out.Detected++
		} else {
			out.Missed++
		}
		if k == 0 && d.DetectS != nil {
			dt := *d.DetectS
			out.DetectS = &dt
		}
		out.Faults = append(out.Faults, d)
	}
	return out
}
