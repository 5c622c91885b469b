package models

import (
	"slices"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// Results returns the results of the run so far: the whole run once Run
// returned (or Advance reported done). The series cover the closed
// intervals; the summary covers everything up to the current time. The
// returned value shares nothing with the world.
func (w *World) Results() *results.Results {
	end := w.resultEnd()
	r := &results.Results{
		Seed:      w.cfg.Seed,
		DurationS: w.cfg.Duration.Seconds(),
		EndS:      end.Seconds(),
		IntervalS: w.interval.Seconds(),
		Series:    w.series().Clone(),
		Faults:    append([]results.FaultWindow{}, w.faults.windows...),
	}
	if w.err != nil {
		r.Stopped = w.err.Error()
	}
	slices.SortStableFunc(r.Faults, func(a, b results.FaultWindow) int {
		switch {
		case a.StartS < b.StartS:
			return -1
		case a.StartS > b.StartS:
			return 1
		}
		return 0
	})
	r.Summary = w.summary(end, &r.Series)
	w.slos.summaries(&r.Summary, end, r.Faults)
	r.Traces = w.tr.traces()
	return r
}

// series returns views of the series so far (sharing storage).
func (w *World) series() results.Series {
	s := results.Series{T: w.t, Total: w.total.series()}
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
		ss.Strategy = sv.stratSeries()
		s.Services = append(s.Services, ss)
	}
	for _, c := range w.caches {
		s.Caches = append(s.Caches, results.CacheSeries{Name: c.name, Hits: c.m.sHits, Misses: c.m.sMisses, HitRatio: c.m.sRatio, Size: c.m.size.means,
			Strategy: c.strat().series()})
	}
	s.SLOs = w.slos.series()
	s.Jobs = w.jobs.series()
	return s
}

func (w *World) summary(end sim.Time, series *results.Series) results.Summary {
	sec := end.Seconds()
	s := results.Summary{
		Failed:   map[string]results.Count{},
		Services: map[string]results.ServiceSummary{},
		Clients:  map[string]results.CallSummary{},
		Edges:    map[string]results.CallSummary{},
		Caches:   map[string]results.CacheSummary{},
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
		for to, m := range cs.ErrorCauses {
			if s.ErrorCauses == nil {
				s.ErrorCauses = map[string]map[string]results.Count{}
			}
			if s.ErrorCauses[to] == nil {
				s.ErrorCauses[to] = map[string]results.Count{}
			}
			for r, n := range m {
				s.ErrorCauses[to][r] += n
			}
		}
		throughput += st.throughputN
		all.Merge(&st.run)
		all.Merge(&st.hist)
	}
	s.Amplification = results.Ratio(ratio(float64(s.Attempts), float64(s.Calls)))
	s.Goodput = perSec(float64(s.Succeeded), sec)
	s.Throughput = perSec(float64(throughput), sec)
	if len(w.clients) == 1 {
		// all is a copy of the one client's histogram: so are its
		// latencies (the histogram's pairs copied, not shared)
		s.Latency = s.Clients[w.clients[0].name].Latency
		s.Latency.Histogram = slices.Clone(s.Latency.Histogram)
	} else {
		s.Latency = latencyOf(&all)
		s.Latency.Histogram = histogramOf(&all)
	}
	for _, e := range w.edges {
		es := e.stats.summary(end, false)
		es.Strategy = e.strat().summary(end)
		s.Edges[e.name] = es
	}
	for _, sv := range w.services {
		ss := sv.m.summary(end)
		ss.Strategy = sv.stratSummary(end)
		s.Services[sv.name] = ss
	}
	for _, c := range w.caches {
		cs := results.CacheSummary{Hits: results.Count(c.m.hitsN), Misses: results.Count(c.m.missesN), Size: results.Mean{Mean: c.m.size.mean(end)}, Strategy: c.strat().summary(end)}
		cs.HitRatio = results.Ratio(ratio(float64(c.m.hitsN), float64(c.m.hitsN+c.m.missesN)))
		s.Caches[c.name] = cs
	}
	s.Jobs = w.jobs.summaries(end)
	s.Recovery = judgeRecovery(&w.cfg, w.end, series, w.scheduledMean)
	switch s.Recovery.Verdict {
	case results.Recovered:
		t := true
		s.Recovered = &t
		rs := *s.Recovery.RecoveryS
		s.RecoveryS = &rs
	case results.NotRecovered:
		f := false
		s.Recovered = &f
	}
	return s
}

// Snapshot returns the live view. It allocates only its small slices and
// changes nothing in the world: a run snapshotted between Advance slices
// is identical to one that was not.
func (w *World) Snapshot() results.Snapshot {
	now := w.s.Now()
	sn := results.Snapshot{Now: now, Done: w.done, Err: w.err, Events: w.events, Series: w.series(), Faults: w.faults.windows[:len(w.faults.windows):len(w.faults.windows)]}
	for _, c := range w.clients {
		st := &c.e.stats
		g := results.ClientGauge{Name: c.name, Model: string(c.cfg.Model), Users: len(c.users), InFlight: int(st.inFlight.v),
			Calls: st.calls, Attempts: st.attemptsN, Succeeded: st.succeededN}
		for _, n := range st.failedN {
			g.Failures += n
		}
		if c.cfg.Model != config.Closed {
			g.Rate = c.rateNowAt(now.Seconds())
		}
		g.Strategy = c.e.strat().current()
		g.Breaker = c.e.st.breakerState(now)
		sn.Clients = append(sn.Clients, g)
	}
	for _, s := range w.services {
		g := results.ServiceGauge{Name: s.name, Capacity: s.capacityUp, Replicas: s.prov, ReplicasUp: s.up,
			Slowdown: s.slow, ErrorRate: s.errP, Paused: s.paused, FailFast: s.failFast, BlackHole: s.blackHole,
			Served: s.m.servedN, Rejected: s.m.rejectedN, WastedS: s.m.wastedN / 1e9}
		for _, r := range s.reps {
			g.Queue += r.q.n
			g.Busy += r.busy
		}
		g.InSystem = int(s.m.inSystem.v)
		g.Strategy = s.stratCurrent()
		sn.Services = append(sn.Services, g)
	}
	for _, c := range w.caches {
		sn.Caches = append(sn.Caches, results.CacheGauge{Name: c.name, Size: c.size, Hits: c.m.hitsN, Misses: c.m.missesN, Strategy: c.strat().current()})
	}
	return sn
}
