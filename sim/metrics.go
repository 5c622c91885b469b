package sim

import (
	"fmt"
	"time"
)

// maxIntervals bounds the number of intervals a Counter or Gauge keeps
// (one float64 or two each), so that a wrong interval or instant fails
// loudly instead of exhausting memory: 2^24 one-second intervals is 194
// days.
const maxIntervals = 1 << 24

// intervalOf returns the index of the interval holding now, i.e.
// floor(now/interval), panicking if now is negative or too far out.
func intervalOf(what string, now Time, interval time.Duration) int {
	if now < 0 {
		panic(fmt.Sprintf("sim: %s at negative time %v", what, now))
	}
	i := int64(now) / int64(interval)
	if i >= maxIntervals {
		panic(fmt.Sprintf("sim: %s at %v: more than %d intervals of %v", what, now, maxIntervals, interval))
	}
	return int(i)
}

// intervalsTo returns how many intervals [k·interval, (k+1)·interval)
// begin before end: ceil(end/interval). A last interval cut short by end
// counts.
func intervalsTo(what string, end Time, interval time.Duration) int {
	if end <= 0 {
		if end < 0 {
			panic(fmt.Sprintf("sim: %s(%v): negative end", what, end))
		}
		return 0
	}
	return intervalOf(what, end-1, interval) + 1
}

func checkInterval(what string, interval time.Duration) {
	if interval <= 0 {
		panic(fmt.Sprintf("sim: %s(%v): interval must be > 0", what, interval))
	}
}

// Counter sums values (requests, bytes, errors) per interval of virtual
// time: a value added at now counts in interval floor(now/interval), which
// covers [k·interval, (k+1)·interval). Its memory grows with the number of
// intervals, never with the number of Adds. The zero Counter is not usable:
// call NewCounter.
type Counter struct {
	interval time.Duration
	vals     []float64
	total    float64
}

// NewCounter returns an empty counter with the given interval, which must
// be > 0.
func NewCounter(interval time.Duration) *Counter {
	checkInterval("NewCounter", interval)
	return &Counter{interval: interval}
}

// Add adds v (in the counter's unit, e.g. requests) at instant now, which
// may be any non-negative time, in any order.
func (c *Counter) Add(now Time, v float64) {
	i := intervalOf("Counter.Add", now, c.interval)
	for len(c.vals) <= i {
		c.vals = append(c.vals, 0)
	}
	c.vals[i] += v
	c.total += v
}

// Total returns the sum of everything added, at any instant.
func (c *Counter) Total() float64 { return c.total }

// Values returns a new slice with the total of each interval that begins
// before end, ceil(end/interval) of them; intervals with no Add are 0.
// Intervals that begin at or after end are left out. A last interval cut
// short by end is reported whole, including values added in it at or
// after end: the counter keeps only per-interval totals. Divide by the
// interval's seconds for a rate.
func (c *Counter) Values(end Time) []float64 {
	n := intervalsTo("Counter.Values", end, c.interval)
	out := make([]float64, n)
	copy(out, c.vals)
	return out
}

// Gauge is a level that changes at instants (queue length, connections in
// use, a limit) and is summarised per interval of virtual time: its
// time-weighted mean and its maximum. It starts at 0 at time 0; each Set
// holds until the next, so an interval with no Set carries the current
// value through. Instants passed to Set and Add must not decrease. Memory
// grows with the number of intervals only. The zero Gauge is not usable:
// call NewGauge.
type Gauge struct {
	interval time.Duration
	cur      float64
	last     Time      // instant of the last change; cur holds from then
	integ    []float64 // per interval: ∫ value dt over [start, min(end, last)), value·ns
	maxes    []float64 // per interval: the largest value taken in it so far
	max      float64   // the largest value taken so far, if seenMax
	seenMax  bool
}

// NewGauge returns a gauge at 0 with the given interval, which must be > 0.
func NewGauge(interval time.Duration) *Gauge {
	checkInterval("NewGauge", interval)
	return &Gauge{interval: interval}
}

// Set changes the level to v at instant now.
func (g *Gauge) Set(now Time, v float64) {
	if now < g.last {
		panic(fmt.Sprintf("sim: Gauge.Set(%v) is before the gauge's last change (%v)", now, g.last))
	}
	end := intervalOf("Gauge.Set", now, g.interval)
	// Integrate cur over [last, now), interval by interval; cur is held for
	// some time in each interval the loop opens, so it counts in its max.
	for g.last < now {
		i := int(int64(g.last) / int64(g.interval))
		g.open(i, g.cur)
		t := min(now, Time(int64(i+1)*int64(g.interval)))
		g.integ[i] += g.cur * float64(t-g.last)
		g.last = t
	}
	// If now's interval is still unopened, now is its first instant: the
	// carried value is held there for no time and does not count.
	g.open(end, v)
	g.cur = v
	g.maxes[end] = max(g.maxes[end], v)
	g.noteMax(v)
}

// open makes sure interval i exists; all before it do. A new one starts
// with max first.
func (g *Gauge) open(i int, first float64) {
	for len(g.maxes) <= i {
		g.integ = append(g.integ, 0)
		g.maxes = append(g.maxes, first)
		g.noteMax(first)
	}
}

func (g *Gauge) noteMax(v float64) {
	if !g.seenMax || v > g.max {
		g.max, g.seenMax = v, true
	}
}

// Add changes the level by delta at instant now.
func (g *Gauge) Add(now Time, delta float64) { g.Set(now, g.cur+delta) }

// Value returns the current level.
func (g *Gauge) Value() float64 { return g.cur }

// Max returns the largest level taken so far: every value set, even one
// held for no time, and the initial 0 unless it was replaced at time 0.
func (g *Gauge) Max() float64 {
	if !g.seenMax {
		return g.cur
	}
	return g.max
}

// Means returns a new slice with the time-weighted mean level of each
// interval that begins before end (ceil(end/interval) of them); a last
// interval cut short by end is averaged over its part before end. end must
// not be before the last change.
func (g *Gauge) Means(end Time) []float64 {
	n := g.check("Gauge.Means", end)
	out := make([]float64, n)
	for i := range out {
		start := Time(int64(i) * int64(g.interval))
		stop := min(end, start.Add(g.interval))
		var sum float64
		if i < len(g.integ) {
			sum = g.integ[i]
		}
		// The current value holds over [last, end).
		if from := max(start, g.last); from < stop {
			sum += g.cur * float64(stop-from)
		}
		out[i] = sum / float64(stop-start)
	}
	return out
}

// Maxes returns a new slice with the largest level of each interval that
// begins before end (ceil(end/interval) of them): every value set in the
// interval, even one held for no time, and the value carried in at its
// start unless it was replaced at that very instant. end must not be before
// the last change.
func (g *Gauge) Maxes(end Time) []float64 {
	n := g.check("Gauge.Maxes", end)
	out := make([]float64, n)
	for i := range out {
		if i < len(g.maxes) {
			out[i] = g.maxes[i]
		} else {
			out[i] = g.cur
		}
	}
	return out
}

// Mean returns the time-weighted mean level over [0, end); 0 when end is 0.
// end must not be before the last change.
func (g *Gauge) Mean(end Time) float64 {
	g.check("Gauge.Mean", end)
	if end == 0 {
		return 0
	}
	var sum float64
	for _, v := range g.integ {
		sum += v
	}
	sum += g.cur * float64(end-g.last)
	return sum / float64(end)
}

func (g *Gauge) check(what string, end Time) int {
	if end < g.last {
		panic(fmt.Sprintf("sim: %s(%v) is before the gauge's last change (%v)", what, end, g.last))
	}
	return intervalsTo(what, end, g.interval)
}
