package models

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// metricSet holds the per-interval series of the strategies configured on
// one entity (a client or edge, a service, a cache, a job). It exists only
// when a strategy is configured, so an entity without strategies records
// nothing more than before. Names are the keys of the "strategy" maps in
// Results: the registry's typed Metric names (docs/STRATEGIES.md lists
// them).
type metricSet struct {
	cs []*counter
	gs []*gauge
	hs []*delayHist
}

// counter counts events: its series is events per second in each interval,
// its summary the total over the run.
type counter struct {
	name  string
	cur   float64
	total float64
	s     results.Values
}

func (c *counter) inc()          { c.cur++ }
func (c *counter) add(n float64) { c.cur += n }

// gauge is a time-weighted level: its series is the mean in each interval,
// its summary the mean over the run.
type gauge struct {
	name string
	level
}

// delayHist records durations: its series are the mean and the 99th
// percentile in each interval (NaN without data), its summary the mean and
// p99 over the run, under NAME_mean_s and NAME_p99_s.
type delayHist struct {
	name      string
	cur, run  sim.Histogram
	mean, p99 results.Values
}

func (h *delayHist) record(d time.Duration) { h.cur.Record(max(d, 0)) }

func (m *metricSet) counter(name strategies.Metric) *counter {
	c := &counter{name: string(name)}
	m.cs = append(m.cs, c)
	return c
}

// counterOnce returns the set's counter of that name, made if it has
// none yet (strategies may share a metric, as rate_limited).
func (m *metricSet) counterOnce(name strategies.Metric) *counter {
	for _, c := range m.cs {
		if c.name == string(name) {
			return c
		}
	}
	return m.counter(name)
}

func (m *metricSet) gauge(name strategies.Metric) *gauge {
	g := &gauge{name: string(name)}
	m.gs = append(m.gs, g)
	return g
}

func (m *metricSet) delay(name strategies.Metric) *delayHist {
	h := &delayHist{name: string(name)}
	m.hs = append(m.hs, h)
	return h
}

func (m *metricSet) empty() bool { return len(m.cs)+len(m.gs)+len(m.hs) == 0 }

// roll closes the interval ending at end, of width ns.
func (m *metricSet) roll(end sim.Time, width float64) {
	sec := width / 1e9
	for _, c := range m.cs {
		c.s = append(c.s, c.cur/sec)
		c.total += c.cur
		c.cur = 0
	}
	for _, g := range m.gs {
		g.roll(end, width)
	}
	for _, h := range m.hs {
		if h.cur.Count() == 0 {
			h.mean = append(h.mean, math.NaN())
			h.p99 = append(h.p99, math.NaN())
		} else {
			h.mean = append(h.mean, h.cur.Mean().Seconds())
			h.p99 = append(h.p99, h.cur.Quantile(0.99).Seconds())
		}
		h.run.Merge(&h.cur)
		h.cur.Reset()
	}
}

// series returns views of the series so far (sharing storage), nil when
// the set is empty.
func (m *metricSet) series() map[string]results.Values {
	if m == nil || m.empty() {
		return nil
	}
	out := make(map[string]results.Values, len(m.cs)+len(m.gs)+2*len(m.hs))
	for _, c := range m.cs {
		out[c.name] = c.s
	}
	for _, g := range m.gs {
		out[g.name] = g.means
	}
	for _, h := range m.hs {
		out[h.name+"_mean_s"] = h.mean
		out[h.name+"_p99_s"] = h.p99
	}
	return out
}

// summary returns the whole-run values at now: counters' totals, gauges'
// time-weighted means, delays' mean and p99 (0 without data); nil when the
// set is empty.
func (m *metricSet) summary(now sim.Time) map[string]float64 {
	if m == nil || m.empty() {
		return nil
	}
	out := make(map[string]float64, len(m.cs)+len(m.gs)+2*len(m.hs))
	for _, c := range m.cs {
		out[c.name] = c.total + c.cur
	}
	for _, g := range m.gs {
		out[g.name] = g.mean(now)
	}
	for _, h := range m.hs {
		var all sim.Histogram
		all.Merge(&h.run)
		all.Merge(&h.cur)
		if all.Count() > 0 {
			out[h.name+"_mean_s"] = all.Mean().Seconds()
			out[h.name+"_p99_s"] = all.Quantile(0.99).Seconds()
		} else {
			out[h.name+"_mean_s"], out[h.name+"_p99_s"] = 0, 0
		}
	}
	return out
}

// current returns the live values for a Snapshot: counters' totals so far
// and gauges' current values; nil when the set is empty.
func (m *metricSet) current() map[string]float64 {
	if m == nil || m.empty() {
		return nil
	}
	out := make(map[string]float64, len(m.cs)+len(m.gs))
	for _, c := range m.cs {
		out[c.name] = c.total + c.cur
	}
	for _, g := range m.gs {
		out[g.name] = g.v
	}
	return out
}

// strat returns the edge's strategy metrics, nil without strategies.
func (e *edge) strat() *metricSet {
	if e.st == nil {
		return nil
	}
	return &e.st.m
}

// breakerLevel is the breaker_state series' value of a state.
func breakerLevel(s strategies.BreakerState) float64 {
	switch s {
	case strategies.Open:
		return 1
	case strategies.HalfOpen:
		return 0.5
	}
	return 0
}

// noteBreaker records the breaker's state and openings after it acted.
func (x *edgeStrat) noteBreaker(now sim.Time) {
	b := x.breaker
	x.gBreaker.set(now, breakerLevel(b.State(now)))
	if n := b.Opened(); n != x.opened {
		x.mOpened.add(float64(n - x.opened))
		x.opened = n
	}
}

// breakerState returns the breaker's state name at now, "" without one.
func (x *edgeStrat) breakerState(now sim.Time) string {
	if x == nil || x.breaker == nil {
		return ""
	}
	return x.breaker.State(now).String()
}
