package models

import (
	"math"
	"slices"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Results returns the results of the run so far: the whole run once Run
// returned (or Advance reported done). The series cover the closed
// intervals; the summary covers everything up to the current time. The
// returned value shares nothing with the world.
func (w *World) Results() *Results {
	end := w.resultEnd()
	r := &Results{
		Seed:      w.cfg.Seed,
		DurationS: w.cfg.Duration.Seconds(),
		EndS:      end.Seconds(),
		IntervalS: w.interval.Seconds(),
		Series:    cloneSeries(w.series()),
		Faults:    append([]FaultWindow{}, w.windows...),
	}
	if w.err != nil {
		r.Stopped = w.err.Error()
	}
	slices.SortStableFunc(r.Faults, func(a, b FaultWindow) int {
		switch {
		case a.StartS < b.StartS:
			return -1
		case a.StartS > b.StartS:
			return 1
		}
		return 0
	})
	r.Summary = w.summary(end, &r.Series)
	w.sloSummaries(&r.Summary, end, r.Faults)
	r.Traces = w.traces()
	return r
}

// series returns views of the series so far (sharing storage).
func (w *World) series() Series {
	s := Series{T: w.t, Total: w.total.series()}
	for _, c := range w.clients {
		cs := c.e.stats.series()
		cs.Strategy = c.e.strat().series()
		s.Clients = append(s.Clients, cs)
	}
	for _, e := range w.edges {
		cs := e.stats.series()
		cs.Strategy = e.strat().series()
		s.Edges = append(s.Edges, cs)
	}
	for _, sv := range w.services {
		ss := sv.m.series(sv.name)
		ss.Strategy = sv.strat().series()
		s.Services = append(s.Services, ss)
	}
	for _, c := range w.caches {
		s.Caches = append(s.Caches, CacheSeries{Name: c.name, Hits: c.m.sHits, Misses: c.m.sMisses, HitRatio: c.m.sRatio, Size: c.m.size.means,
			Strategy: c.strat().series()})
	}
	s.SLOs = w.sloSeries()
	s.Jobs = w.jobSeries()
	return s
}

func cloneValues(v Values) Values { return append(Values{}, v...) }

func cloneCallSeries(c CallSeries) CallSeries {
	c.Offered = cloneValues(c.Offered)
	c.Attempts = cloneValues(c.Attempts)
	c.Amplification = cloneValues(c.Amplification)
	c.Succeeded = cloneValues(c.Succeeded)
	c.Goodput = c.Succeeded
	c.Throughput = cloneValues(c.Throughput)
	f := map[string]Values{}
	for k, v := range c.Failed {
		f[k] = cloneValues(v)
	}
	c.Failed = f
	c.InFlight = cloneValues(c.InFlight)
	c.P50, c.P90, c.P99, c.P999 = cloneValues(c.P50), cloneValues(c.P90), cloneValues(c.P99), cloneValues(c.P999)
	c.Strategy = cloneValuesMap(c.Strategy)
	return c
}

func cloneSeries(s Series) Series {
	out := Series{T: cloneValues(s.T), Total: cloneCallSeries(s.Total)}
	out.Clients = []CallSeries{}
	for _, c := range s.Clients {
		out.Clients = append(out.Clients, cloneCallSeries(c))
	}
	out.Edges = []CallSeries{}
	for _, c := range s.Edges {
		out.Edges = append(out.Edges, cloneCallSeries(c))
	}
	out.Services = []ServiceSeries{}
	for _, v := range s.Services {
		v.Arrivals, v.Throughput, v.Rejected, v.Errors = cloneValues(v.Arrivals), cloneValues(v.Throughput), cloneValues(v.Rejected), cloneValues(v.Errors)
		v.Wasted, v.Utilization, v.Busy, v.Capacity = cloneValues(v.Wasted), cloneValues(v.Utilization), cloneValues(v.Busy), cloneValues(v.Capacity)
		v.QueueMean, v.QueueMax, v.InSystem = cloneValues(v.QueueMean), cloneValues(v.QueueMax), cloneValues(v.InSystem)
		v.Strategy = cloneValuesMap(v.Strategy)
		out.Services = append(out.Services, v)
	}
	out.Caches = []CacheSeries{}
	for _, v := range s.Caches {
		v.Hits, v.Misses, v.HitRatio, v.Size = cloneValues(v.Hits), cloneValues(v.Misses), cloneValues(v.HitRatio), cloneValues(v.Size)
		v.Strategy = cloneValuesMap(v.Strategy)
		out.Caches = append(out.Caches, v)
	}
	out.SLOs = cloneSLOSeries(s.SLOs)
	for _, c := range s.Jobs {
		out.Jobs = append(out.Jobs, cloneCallSeries(c))
	}
	return out
}

func (w *World) summary(end sim.Time, series *Series) Summary {
	sec := end.Seconds()
	s := Summary{
		Failed:   map[string]int64{},
		Services: map[string]ServiceSummary{},
		Clients:  map[string]CallSummary{},
		Edges:    map[string]CallSummary{},
		Caches:   map[string]CacheSummary{},
	}
	var all sim.Histogram
	var throughput int64
	for _, c := range w.clients {
		st := &c.e.stats
		cs := st.summary(end, true)
		cs.Strategy = c.e.strat().summary(end)
		s.Clients[c.name] = cs
		s.Calls += cs.Calls
		s.Attempts += cs.Attempts
		s.Succeeded += cs.Succeeded
		s.InFlight += cs.InFlight
		for k, n := range cs.Failed {
			s.Failed[k] += n
		}
		throughput += st.throughputN
		all.Merge(&st.run)
		all.Merge(&st.hist)
	}
	s.Amplification = zeroNaN(ratio(float64(s.Attempts), float64(s.Calls)))
	s.Goodput = perSec(float64(s.Succeeded), sec)
	s.Throughput = perSec(float64(throughput), sec)
	s.Latency = latencyOf(&all)
	s.Latency.Histogram = histogramOf(&all)
	for _, e := range w.edges {
		es := e.stats.summary(end, false)
		es.Strategy = e.strat().summary(end)
		s.Edges[e.name] = es
	}
	for _, sv := range w.services {
		ss := sv.m.summary(end)
		ss.Strategy = sv.strat().summary(end)
		s.Services[sv.name] = ss
	}
	for _, c := range w.caches {
		cs := CacheSummary{Hits: c.m.hitsN, Misses: c.m.missesN, Size: Mean{c.m.size.mean(end)}, Strategy: c.strat().summary(end)}
		cs.HitRatio = zeroNaN(ratio(float64(c.m.hitsN), float64(c.m.hitsN+c.m.missesN)))
		s.Caches[c.name] = cs
	}
	s.Jobs = w.jobSummaries(end)
	s.Recovery = w.recovery(series)
	switch s.Recovery.Verdict {
	case Recovered:
		t := true
		s.Recovered = &t
		rs := *s.Recovery.RecoveryS
		s.RecoveryS = &rs
	case NotRecovered:
		f := false
		s.Recovered = &f
	}
	return s
}

// recovery judges recovery from the total goodput and offered series (see
// Recovery for the rule).
func (w *World) recovery(series *Series) Recovery {
	cfg := w.cfg.Recovery
	rec := Recovery{Tolerance: cfg.Tolerance, HoldS: cfg.Hold.Seconds()}
	if len(w.cfg.Faults) == 0 {
		return rec
	}
	first, last := time.Duration(math.MaxInt64), time.Duration(0)
	for _, f := range w.cfg.Faults {
		first = min(first, f.At)
		e := f.At
		if !f.Kind.Instantaneous() {
			e += f.For
		}
		last = max(last, e)
	}
	warm := cfg.Warmup
	if warm == 0 {
		warm = first / 5
	}
	rec.WarmupS = warm.Seconds()
	rec.FirstFaultS = first.Seconds()
	rec.FaultEndS = last.Seconds()
	iv := w.interval
	good, offered := series.Total.Goodput, series.Total.Offered
	n := len(good)
	// Baseline: complete intervals inside [warm, first).
	var sumG, sumO float64
	var k int
	for i := range n {
		start := time.Duration(i) * iv
		if start >= warm && start+iv <= first && !w.partial(i) {
			sumG += good[i]
			sumO += offered[i]
			k++
		}
	}
	if k == 0 {
		rec.Verdict = NoBaseline
		return rec
	}
	rec.BaselineGoodput = sumG / float64(k)
	rec.BaselineOffered = sumO / float64(k)
	rec.Threshold = rec.BaselineGoodput * (1 - cfg.Tolerance)
	if rec.BaselineGoodput < cfg.Collapse*rec.BaselineOffered {
		rec.Verdict = CollapsedBeforeFault
		return rec
	}
	hold := int(math.Ceil(float64(cfg.Hold) / float64(iv)))
	hold = max(hold, 1)
	startIdx := int((last + iv - 1) / iv) // first interval starting at or after the fault end
	if startIdx+hold > n {
		rec.Verdict = Undecided
		return rec
	}
	// Sliding mean over hold intervals, width-weighted for a short last one.
	for i := startIdx; i+hold <= n; i++ {
		sum := 0.0
		for j := i; j < i+hold; j++ {
			sum += good[j]
		}
		if sum/float64(hold) >= rec.Threshold {
			rec.Verdict = Recovered
			t := (time.Duration(i)*iv - last).Seconds()
			rec.RecoveryS = &t
			return rec
		}
	}
	rec.Verdict = NotRecovered
	return rec
}

// partial reports whether interval i is shorter than the interval (the
// last one of a run whose duration is not a multiple).
func (w *World) partial(i int) bool {
	return sim.Time(i+1)*sim.Time(w.interval) > w.end
}

// Snapshot is a cheap live view of a running world for the TUI: current
// gauges and the series of the closed intervals so far. Its series share
// storage with the world (never modified, only appended to): read them,
// do not write them.
type Snapshot struct {
	// Now is the current virtual time.
	Now sim.Time
	// Done reports whether the run is over; Err is why it stopped early.
	Done bool
	Err  error
	// Events is the number of events fired so far.
	Events uint64
	// Clients, Services and Caches hold current values, in config order.
	Clients  []ClientGauge
	Services []ServiceGauge
	Caches   []CacheGauge
	// Series holds the closed intervals so far.
	Series Series
	// Faults are the faults started so far.
	Faults []FaultWindow
}

// ClientGauge is the current state of one client.
type ClientGauge struct {
	Name  string
	Model LoadModel
	// Rate is the current effective rate (calls/s, sessions/s for partly
	// open; 0 for closed); Users is the population (closed).
	Rate  float64
	Users int
	// InFlight is calls in flight now; the counts are totals so far.
	InFlight                             int
	Calls, Attempts, Succeeded, Failures int64
	// Breaker is the circuit breaker's state ("closed", "open",
	// "half_open"), empty without a breaker.
	Breaker string
	// Strategy holds the current values of the client's strategies by
	// their series names (counters: totals so far; levels: now). nil
	// without strategies.
	Strategy map[string]float64
}

// ServiceGauge is the current state of one service.
type ServiceGauge struct {
	Name string
	// Queue, Busy and InSystem count requests now; Capacity is workers
	// in service; ReplicasUp of Replicas take requests.
	Queue, Busy, InSystem, Capacity int
	Replicas, ReplicasUp            int
	// Slowdown is the current service-time factor; ErrorRate the current
	// error probability.
	Slowdown, ErrorRate float64
	// Paused, FailFast and BlackHole report active faults.
	Paused, FailFast, BlackHole bool
	// Served, Rejected and WastedS are totals so far.
	Served, Rejected int64
	WastedS          float64
	// Strategy holds the current values of the service's strategies by
	// their series names (counters: totals so far; levels: now). nil
	// without strategies.
	Strategy map[string]float64
}

// CacheGauge is the current state of one cache.
type CacheGauge struct {
	Name         string
	Size         int
	Hits, Misses int64
	// Strategy holds the cache's strategy counters so far; nil without
	// strategies.
	Strategy map[string]float64
}

// Snapshot returns the live view. It allocates only its small slices and
// changes nothing in the world: a run snapshotted between Advance slices
// is identical to one that was not.
func (w *World) Snapshot() Snapshot {
	now := w.s.Now()
	sn := Snapshot{Now: now, Done: w.done, Err: w.err, Events: w.events, Series: w.series(), Faults: w.windows[:len(w.windows):len(w.windows)]}
	for _, c := range w.clients {
		st := &c.e.stats
		g := ClientGauge{Name: c.name, Model: c.cfg.Model, Users: len(c.users), InFlight: int(st.inFlight.v),
			Calls: st.calls, Attempts: st.attemptsN, Succeeded: st.succeededN}
		for _, n := range st.failedN {
			g.Failures += n
		}
		if c.cfg.Model != Closed {
			g.Rate = c.rateNowAt(now.Seconds())
		}
		g.Strategy = c.e.strat().current()
		g.Breaker = c.e.st.breakerState(now)
		sn.Clients = append(sn.Clients, g)
	}
	for _, s := range w.services {
		g := ServiceGauge{Name: s.name, Capacity: s.capacityUp, Replicas: len(s.reps), ReplicasUp: s.up,
			Slowdown: s.slow, ErrorRate: s.errP, Paused: s.paused, FailFast: s.failFast, BlackHole: s.blackHole,
			Served: s.m.servedN, Rejected: s.m.rejectedN, WastedS: s.m.wastedN / 1e9}
		for _, r := range s.reps {
			g.Queue += r.q.n
			g.Busy += r.busy
		}
		g.InSystem = int(s.m.inSystem.v)
		g.Strategy = s.strat().current()
		sn.Services = append(sn.Services, g)
	}
	for _, c := range w.caches {
		sn.Caches = append(sn.Caches, CacheGauge{Name: c.name, Size: c.size, Hits: c.m.hitsN, Misses: c.m.missesN, Strategy: c.strat().current()})
	}
	return sn
}
