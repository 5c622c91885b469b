package models

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// The models keep their own per-interval accumulators instead of sim.Counter
// and sim.Gauge: the world closes every interval at its boundary (in
// Advance, before the first event at or after it) and appends to the series
// right then, so a live Snapshot can hand out the series so far without
// recomputing them, and recording stays a few float operations.

// level is a time-weighted gauge: its value v holds from last until the next
// set. Within the current interval it accumulates area (value x ns); roll
// closes the interval. Its mean is reported; a gauge whose maximum is
// reported too is a peak.
type level struct {
	v         float64
	last      sim.Time
	area      float64 // value x ns in the current interval
	totalArea float64 // value x ns over the run, closed intervals only
	means     results.Values
}

func (g *level) set(now sim.Time, v float64) {
	g.area += g.v * float64(now-g.last)
	g.last = now
	g.v = v
}

// add is set(now, g.v+d).
func (g *level) add(now sim.Time, d float64) {
	g.area += g.v * float64(now-g.last)
	g.last = now
	g.v += d
}

// hold is add(now, -1) then add(now, 1): the area grows to now, the
// value stays (the rise adds v x 0).
func (g *level) hold(now sim.Time) {
	g.area += g.v * float64(now-g.last)
	g.last = now
}

// integral returns the value integrated over the run to now, in value x
// ns.
func (g *level) integral(now sim.Time) float64 {
	return g.totalArea + g.area + g.v*float64(now-g.last)
}

// roll closes the interval ending at end, of width ns.
func (g *level) roll(end sim.Time, width float64) {
	g.area += g.v * float64(end-g.last)
	g.last = end
	g.means = append(g.means, g.area/width)
	g.totalArea += g.area
	g.area = 0
}

// mean returns the time-weighted mean over [0, now) given closed intervals
// up to closedAt.
func (g *level) mean(now sim.Time) float64 {
	if now <= 0 {
		return g.v
	}
	a := g.totalArea + g.area + g.v*float64(now-g.last)
	return a / float64(now)
}

// peak is a level whose maximum is reported too (a queue's length): per
// interval and over the run.
type peak struct {
	level
	max, totalMax float64
	maxes         results.Values
}

// add changes the value by d at now. The maximum is looked at only when d is
// positive (a constant where add inlines): it is at least v at every
// instant (roll restarts it at v, a rise raises it), so a fall cannot
// pass it.
func (g *peak) add(now sim.Time, d float64) {
	g.level.add(now, d)
	if d > 0 && g.v > g.max {
		g.max = g.v
	}
}

// roll closes the interval ending at end, of width ns.
func (g *peak) roll(end sim.Time, width float64) {
	g.level.roll(end, width)
	g.maxes = append(g.maxes, g.max)
	g.totalMax = math.Max(g.totalMax, g.max)
	g.max = g.v
}

func (g *peak) maxSoFar() float64 { return math.Max(g.totalMax, g.max) }

// callStats records the calls of one client or one downstream edge.
type callStats struct {
	name string

	// whole run: a call offered (calls), an attempt sent, a call that
	// succeeded, an answer that came back, a call that failed by reason
	calls, attemptsN, succeededN, throughputN int64
	failedN                                   [maxReasons]int64
	run                                       sim.Histogram

	// current interval: the run's counts at its start (an interval's
	// count is the run's less its mark: counted once, not once per
	// interval and once per run, and the float64 of the difference is the
	// float64 count it would be)
	calls0, attempts0, succeeded0, throughput0 int64
	failed0                                    [maxReasons]int64
	hist                                       sim.Histogram // latency of successes in the interval

	inFlight level

	// causes counts the calls that failed with error by the root of the
	// error below (in order of first occurrence: a handful per edge).
	causes []causeCount

	// series so far
	sOffered, sAttempts, sAmp, sSucceeded, sThroughput results.Values
	sFailed                                            [maxReasons]results.Values
	p50, p90, p99, p999                                results.Values
}

// The counts of the current interval.
func (c *callStats) offered() float64    { return float64(c.calls - c.calls0) }
func (c *callStats) attempts() float64   { return float64(c.attemptsN - c.attempts0) }
func (c *callStats) succeeded() float64  { return float64(c.succeededN - c.succeeded0) }
func (c *callStats) throughput() float64 { return float64(c.throughputN - c.throughput0) }

func (c *callStats) roll(end sim.Time, width float64) {
	sec := width / 1e9
	c.sOffered = append(c.sOffered, c.offered()/sec)
	c.sAttempts = append(c.sAttempts, c.attempts()/sec)
	c.sAmp = append(c.sAmp, ratio(c.attempts(), c.offered()))
	c.sSucceeded = append(c.sSucceeded, c.succeeded()/sec)
	c.sThroughput = append(c.sThroughput, c.throughput()/sec)
	n := len(c.sOffered)
	for r := range c.failedN {
		if c.failedN[r] == c.failed0[r] && c.sFailed[r] == nil {
			continue
		}
		if c.sFailed[r] == nil {
			c.sFailed[r] = make(results.Values, n-1, n+16)
		}
		c.sFailed[r] = append(c.sFailed[r], float64(c.failedN[r]-c.failed0[r])/sec)
		c.failed0[r] = c.failedN[r]
	}
	c.inFlight.roll(end, width)
	drainQuantiles(&c.hist, &c.run, &c.p50, &c.p90, &c.p99, &c.p999)
	c.calls0, c.attempts0, c.succeeded0, c.throughput0 = c.calls, c.attemptsN, c.succeededN, c.throughputN
}

// drainQuantiles appends h's four quantiles to the series and moves its
// observations into the run's histogram (one walk: sim.Histogram.Drain).
func drainQuantiles(h, run *sim.Histogram, p50, p90, p99, p999 *results.Values) {
	if h.Count() == 0 {
		nan := math.NaN()
		*p50 = append(*p50, nan)
		*p90 = append(*p90, nan)
		*p99 = append(*p99, nan)
		*p999 = append(*p999, nan)
		return
	}
	var q [4]time.Duration
	h.Drain(intervalQuantiles[:], q[:], run)
	*p50 = append(*p50, q[0].Seconds())
	*p90 = append(*p90, q[1].Seconds())
	*p99 = append(*p99, q[2].Seconds())
	*p999 = append(*p999, q[3].Seconds())
}

// intervalQuantiles are the quantiles of each interval's latency series.
var intervalQuantiles = [4]float64{0.50, 0.90, 0.99, 0.999}

func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// series returns a view of the series so far. The slices share storage
// with the stats (they are only ever appended to), the map is new.
func (c *callStats) series() results.CallSeries {
	s := results.CallSeries{
		Name:          c.name,
		Offered:       c.sOffered,
		Attempts:      c.sAttempts,
		Amplification: c.sAmp,
		Succeeded:     c.sSucceeded,
		Goodput:       c.sSucceeded,
		Throughput:    c.sThroughput,
		Failed:        map[string]results.Values{},
		InFlight:      c.inFlight.means,
		P50:           c.p50,
		P90:           c.p90,
		P99:           c.p99,
		P999:          c.p999,
	}
	for r, v := range c.sFailed {
		if v != nil {
			s.Failed[Reason(r).String()] = v
		}
	}
	return s
}

// summary summarises the calls; withHist adds the latency histogram's
// buckets (clients' summaries have them, edges' and jobs' do not).
func (c *callStats) summary(now sim.Time, withHist bool) results.CallSummary {
	sec := now.Seconds()
	s := results.CallSummary{
		Calls:         results.Count(c.calls),
		Attempts:      results.Count(c.attemptsN),
		Amplification: results.Ratio(ratio(float64(c.attemptsN), float64(c.calls))),
		Succeeded:     results.Count(c.succeededN),
		Failed:        map[string]results.Count{},
		InFlight:      results.Count(c.inFlight.v),
		Goodput:       perSec(float64(c.succeededN), sec),
		Throughput:    perSec(float64(c.throughputN), sec),
	}
	for r, n := range c.failedN {
		if n > 0 {
			s.Failed[Reason(r).String()] = results.Count(n)
		}
	}
	for _, cc := range c.causes {
		if s.ErrorCauses == nil {
			s.ErrorCauses = map[string]map[string]results.Count{}
		}
		m := s.ErrorCauses[cc.e.toName]
		if m == nil {
			m = map[string]results.Count{}
			s.ErrorCauses[cc.e.toName] = m
		}
		m[cc.r.String()] += results.Count(cc.n)
	}
	var h sim.Histogram
	h.Merge(&c.run)
	h.Merge(&c.hist)
	s.Latency = latencyOf(&h)
	if withHist {
		s.Latency.Histogram = histogramOf(&h)
	}
	return s
}

// histogramOf lists the non-empty buckets of h as [upper bound (s),
// count] pairs (Latency.Histogram); nil when h is empty.
func histogramOf(h *sim.Histogram) [][2]float64 {
	nb := 0
	h.Buckets(func(time.Duration, uint64) { nb++ })
	if nb == 0 {
		return nil
	}
	out := make([][2]float64, 0, nb) // one allocation, not one per doubling
	h.Buckets(func(upper time.Duration, n uint64) {
		out = append(out, [2]float64{upper.Seconds(), float64(n)})
	})
	return out
}

// latencyOf summarises h; every figure is NaN (null in JSON) when h is
// empty: no call succeeded, so there is no latency, not a latency of 0.
func latencyOf(h *sim.Histogram) results.Latency {
	if h.Count() == 0 {
		nan := math.NaN()
		return results.Latency{Mean: nan, P50: nan, P90: nan, P99: nan, P999: nan, Max: nan}
	}
	return results.Latency{
		Mean: h.Mean().Seconds(),
		P50:  h.Quantile(0.50).Seconds(),
		P90:  h.Quantile(0.90).Seconds(),
		P99:  h.Quantile(0.99).Seconds(),
		P999: h.Quantile(0.999).Seconds(),
		Max:  h.Max().Seconds(),
	}
}

func perSec(n, sec float64) float64 {
	if sec <= 0 {
		return 0
	}
	return n / sec
}

func zeroNaN(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// serviceStats records one service (all replicas).
type serviceStats struct {
	// current interval
	wasted float64 // worker-ns
	// the run's counts at its start (as callStats's)
	arrivals0, served0, rejected0, errors0 int64

	// whole run
	arrivalsN, servedN, rejectedN, errorsN int64
	droppedN                               int64   // swallowed without an answer (black hole)
	wastedN                                float64 // worker-ns
	waitSum, sojournSum                    float64 // ns, over served requests
	waitN                                  int64   // requests that started service

	queue                    peak // its maximum is reported too
	inSystem, busy, capacity level

	sArrivals, sServed, sRejected, sErrors, sWasted, sUtil results.Values
}

func (s *serviceStats) roll(end sim.Time, width float64) {
	sec := width / 1e9
	s.sArrivals = append(s.sArrivals, float64(s.arrivalsN-s.arrivals0)/sec)
	s.sServed = append(s.sServed, float64(s.servedN-s.served0)/sec)
	s.sRejected = append(s.sRejected, float64(s.rejectedN-s.rejected0)/sec)
	s.sErrors = append(s.sErrors, float64(s.errorsN-s.errors0)/sec)
	s.sWasted = append(s.sWasted, s.wasted/width)
	s.queue.roll(end, width)
	s.inSystem.roll(end, width)
	s.busy.roll(end, width)
	s.capacity.roll(end, width)
	n := len(s.busy.means) - 1
	s.sUtil = append(s.sUtil, ratio(s.busy.means[n], s.capacity.means[n]))
	s.arrivals0, s.served0, s.rejected0, s.errors0 = s.arrivalsN, s.servedN, s.rejectedN, s.errorsN
	s.wasted = 0
}

func (s *serviceStats) series(name string) results.ServiceSeries {
	return results.ServiceSeries{
		Name:        name,
		Arrivals:    s.sArrivals,
		Throughput:  s.sServed,
		Rejected:    s.sRejected,
		Errors:      s.sErrors,
		Wasted:      s.sWasted,
		Utilization: s.sUtil,
		Busy:        s.busy.means,
		Capacity:    s.capacity.means,
		QueueMean:   s.queue.means,
		QueueMax:    s.queue.maxes,
		InSystem:    s.inSystem.means,
	}
}

func (s *serviceStats) summary(now sim.Time) results.ServiceSummary {
	sec := now.Seconds()
	out := results.ServiceSummary{
		Utilization: zeroNaN(ratio(s.busy.mean(now), s.capacity.mean(now))),
		Arrived:     results.Count(s.arrivalsN),
		Served:      results.Count(s.servedN),
		Rejected:    results.Count(s.rejectedN),
		Dropped:     results.Count(s.droppedN),
		Errors:      results.Count(s.errorsN),
		WastedWork:  s.wastedN / 1e9,
		Throughput:  perSec(float64(s.servedN), sec),
		InSystem:    results.Mean{Mean: s.inSystem.mean(now)},
		QueueLength: results.MeanMax{Mean: s.queue.mean(now), Max: s.queue.maxSoFar()},
	}
	// No request waited or was served: no time to average (NaN, null in
	// JSON), not a time of 0.
	if busy := s.busy.mean(now) * sec; busy > 0 {
		share := min(1, out.WastedWork/busy)
		out.WastedShare = &share
	}
	out.Wait.Mean, out.Sojourn.Mean = math.NaN(), math.NaN()
	if s.waitN > 0 {
		out.Wait.Mean = s.waitSum / float64(s.waitN) / 1e9
	}
	if s.servedN > 0 {
		out.Sojourn.Mean = s.sojournSum / float64(s.servedN) / 1e9
	}
	return out
}

// cacheStats records one cache.
type cacheStats struct {
	hits, misses   float64
	hitsN, missesN int64
	size           level
	sHits, sMisses results.Values
	sRatio         results.Values
}

func (c *cacheStats) roll(end sim.Time, width float64) {
	sec := width / 1e9
	c.sHits = append(c.sHits, c.hits/sec)
	c.sMisses = append(c.sMisses, c.misses/sec)
	c.sRatio = append(c.sRatio, ratio(c.hits, c.hits+c.misses))
	c.size.roll(end, width)
	c.hits, c.misses = 0, 0
}

// causeCount is the number of calls whose error had one cause.
type causeCount struct {
	cause
	n int64
}

// countCause counts a call that failed with error because of k below.
func (c *callStats) countCause(k cause) {
	for i := range c.causes {
		if c.causes[i].cause == k {
			c.causes[i].n++
			return
		}
	}
	c.causes = append(c.causes, causeCount{k, 1})
}
