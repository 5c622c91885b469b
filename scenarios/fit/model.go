package fit

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Model is what a fit learned: the services, the call graph, the sources
// of calls, each with its evidence. It is plain data; Scenario writes it
// as a scenario file.
type Model struct {
	// Inputs names what was read; Spans and Traces count it.
	Inputs        []string
	Spans, Traces int64
	// Window is the observed span of the calls (s).
	Window   float64
	Services []Service
	Edges    []Edge
	Clients  []Client
	// Metrics holds what Prometheus query_range answers said.
	Metrics []Series
	W       *Warnings
	// Assumptions are the values the fit had to choose that the data
	// does not show (a histogram's +Inf bucket given a finite bound), in
	// words, for the scenario's comments and the fit report.
	Assumptions []string
}

// Quantiles are observed latencies (s) and their count.
type Quantiles struct {
	N             int64
	P50, P90, P99 float64
}

func quantiles(s *stat) Quantiles {
	return Quantiles{N: s.n(), P50: s.q(0.5), P90: s.q(0.9), P99: s.q(0.99)}
}

// Service is one fitted service.
type Service struct {
	Name                       string
	Requests, Errors, Rejected int64
	Throughput                 float64 // served without error, per s
	Time                       Fitted  // own time over all operations
	TimeAssumption             string  // what Time assumes beyond the data, if anything
	Ops                        []Op
	Latency                    Quantiles // server spans that succeeded
	WaitMean                   float64   // mean queue wait (s), of requests with a queue.wait span
	Waits                      int64
	Workers                    int
	WorkersHow                 string
	Assumed                    bool // Workers is an assumption to check
	Queue                      int  // queue limit; -1 unbounded
	QueueHow                   string
	Parallel                   bool // calls overlap in most requests that make several
	Multi, Overlap             int64
	// Paths are the sets of targets that requests which did not fail
	// called, most requests first; PathsOverflow counts the requests
	// whose set was not kept (more than maxPaths sets).
	Paths         []PathSet
	PathsOverflow int64
}

// Op is one operation's own time.
type Op struct {
	Name string
	Fitted
}

// Edge is one call edge.
type Edge struct {
	From, To     string
	Taken, Calls int64
	// P is the fraction of From's requests that call To; PerRequest the
	// calls each of those makes.
	P, PerRequest   float64
	Failed, Timeout int64
	Latency         Quantiles
	Throughput      float64 // calls that succeeded, per s
	// OneWay is half the mean of client span minus server span (s): the
	// network and the HTTP stack, one way.
	OneWay float64
}

// Client is one source of calls.
type Client struct {
	Name, Target string
	Calls, OK    int64
	Attempts     int64
	// Rate is calls/s over the window; RateSD the standard deviation of
	// the per-second counts, against Poisson's sqrt(Rate).
	Rate, RateSD float64
	Seconds      int
	// Steady is false when the per-second counts vary far more than a
	// Poisson process's would (a rate that moves): Curve then holds the
	// rate per CurveStep.
	Steady    bool
	Curve     []float64
	CurveStep float64
	// Points, from a Prometheus rate series, are its (s since the first
	// sample, calls/s) samples as recorded: the scenario replays them as
	// a rate curve (replay.rate_curve) rather than a mean.
	Points [][2]float64
	// Timeout (s) is the median duration of the attempts that timed out;
	// 0 when none did.
	Timeout     float64
	Timeouts    int64
	MaxAttempts int
	RetryGap    float64 // mean, s
	Latency     Quantiles
	Throughput  float64 // calls that succeeded, per s
	OneWay      float64
	first, last int64
}

// Options are what the user tells a fit that the data cannot.
type Options struct {
	// Workers and Queue give a service's workers and queue limit (-1:
	// unbounded), overriding estimates and assumptions.
	Workers, Queue map[string]int
}

// Finish fits every trace still open and returns the model.
func (t *Traces) Finish(opts Options) (*Model, error) {
	t.evict(true)
	if t.err != nil {
		return nil, t.err
	}
	if t.names > MaxNames {
		return nil, fmt.Errorf("more than %d services, operations, edges and clients (MaxNames): do span names hold IDs?", MaxNames)
	}
	if t.spans == 0 {
		return nil, fmt.Errorf("no spans in the input")
	}
	if len(t.clients) == 0 {
		return nil, fmt.Errorf("no calls: %d spans in %d traces, but no root span calls a service", t.spans, t.traces)
	}
	m := &Model{Spans: t.spans, Traces: t.traces, W: &t.W}
	var first, last int64
	for _, name := range sortedKeys(t.clients) {
		c := t.clients[name]
		if first == 0 || c.first < first {
			first = c.first
		}
		last = max(last, c.last)
	}
	if last <= first {
		for _, s := range t.services {
			if first == 0 || s.firstStart < first {
				first = s.firstStart
			}
			last = max(last, s.lastEnd)
		}
	}
	m.Window = float64(last-first) / 1e9
	if m.Window <= 0 {
		return nil, fmt.Errorf("the spans cover no time (window %gs)", m.Window)
	}
	for _, name := range sortedKeys(t.services) {
		m.Services = append(m.Services, t.services[name].model(m.Window, opts))
	}
	for _, k := range sortedKeys(t.edges) {
		e := t.edges[k]
		req := int64(0)
		if s := t.services[e.from]; s != nil {
			req = s.requests
		}
		me := Edge{From: e.from, To: e.to, Taken: e.taken, Calls: e.calls, Failed: e.failed, Timeout: e.timeout,
			Latency: quantiles(&e.latency), Throughput: float64(e.latency.n()) / m.Window, OneWay: e.gap.mean() / 2}
		if req > 0 {
			me.P = float64(e.taken) / float64(req)
		}
		if e.taken > 0 {
			me.PerRequest = float64(e.calls) / float64(e.taken)
		}
		m.Edges = append(m.Edges, me)
	}
	for _, name := range sortedKeys(t.clients) {
		m.Clients = append(m.Clients, t.clients[name].model(&t.W))
	}
	return m, nil
}

func sortedKeys[K comparable, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

func (s *serviceAgg) model(window float64, opts Options) Service {
	ms := Service{Name: s.name, Requests: s.requests, Errors: s.errors, Rejected: s.rejected,
		Throughput: float64(s.latency.n()) / window, Latency: quantiles(&s.latency),
		WaitMean: s.wait.mean(), Waits: s.wait.n(), Multi: s.multi, Overlap: s.overlap, Queue: -1}
	ms.Parallel = s.multi > 0 && s.overlap*2 > s.multi
	ms.Paths, ms.PathsOverflow = s.paths.model()
	var all stat
	for _, name := range sortedKeys(s.ops) {
		op := s.ops[name]
		ms.Ops = append(ms.Ops, Op{Name: name, Fitted: fitDist(op)})
		all.h.Merge(&op.h)
		all.sum += op.sum
		all.sumSq += op.sumSq
	}
	ms.Time = fitDist(&all)
	if len(ms.Ops) > 1 {
		var parts []string
		for _, op := range ms.Ops {
			parts = append(parts, fmt.Sprintf("%s: %s", num(float64(op.N)/float64(all.n())), op.Dist))
		}
		ms.Time.Dist = "mix(" + strings.Join(parts, ", ") + ")"
		ms.Time.Family, ms.Time.Method = "mix", "one component per operation, weighted by its requests"
	}
	ms.Workers, ms.WorkersHow, ms.Assumed = s.workers()
	if w, ok := opts.Workers[s.name]; ok {
		ms.Workers, ms.WorkersHow, ms.Assumed = w, fmt.Sprintf("given (--workers); the traces said: %s", ms.WorkersHow), false
	}
	ms.QueueHow = "assumption: unbounded (the traces cannot show a queue limit"
	if s.rejected > 0 {
		ms.QueueHow += fmt.Sprintf("; %d requests were turned away without a worker, so there is one", s.rejected)
	}
	ms.QueueHow += ")"
	if q, ok := opts.Queue[s.name]; ok {
		ms.Queue, ms.QueueHow = q, "given (--queue)"
	}
	return ms
}

// workers estimates the worker count from the concurrency windows: in
// the windows where requests waited for a worker throughout (a mean of at
// least one waiting), every worker was busy, so the busy count there is
// the pool's size. Without such windows the pool was never seen full:
// the estimate is the peak busy count seen, an assumption to check.
func (s *serviceAgg) workers() (int, string, bool) {
	var sat []float64
	peak := 0.0
	for _, k := range sortedKeys(s.bins) {
		b := s.bins[k]
		busy := b[0] / float64(binWidth)
		peak = max(peak, busy)
		if b[1] >= float64(binWidth) {
			sat = append(sat, busy)
		}
	}
	if len(sat) >= 5 {
		slices.Sort(sat)
		med := sat[len(sat)/2]
		return max(1, int(math.Round(med))), fmt.Sprintf("estimated: %.2f busy (median) in the %d windows of 100 ms where a request waited throughout", med, len(sat)), false
	}
	w := max(1, int(math.Ceil(peak*2)))
	why := "no request waited for a worker"
	if s.wait.n() == 0 {
		why = "no queue.wait spans"
	} else if len(sat) > 0 {
		why = fmt.Sprintf("requests waited throughout only %d windows of 100 ms", len(sat))
	}
	return w, fmt.Sprintf("ASSUMPTION to check: %s, so the pool was never seen full; twice the peak busy count (%.2f in 100 ms)", why, peak), true
}

func (c *clientAgg) model(w *Warnings) Client {
	mc := Client{Name: c.name, Target: c.target, Calls: c.calls, OK: c.ok, Attempts: c.attempts,
		MaxAttempts: c.maxAttempts, Timeouts: c.timeouts, RetryGap: c.retryGap.mean(),
		Latency: quantiles(&c.latency), OneWay: c.gap.mean() / 2, first: c.first, last: c.last}
	if c.timedOut.n() > 0 {
		mc.Timeout = c.timedOut.q(0.5)
	}
	lo, hi := c.first/1e9, c.last/1e9
	window := float64(c.last-c.first) / 1e9
	mc.Rate = float64(c.calls) / window
	mc.Throughput = float64(c.ok) / window
	// Per-second counts over the whole seconds inside the window.
	var counts []float64
	empty := 0
	for sec := lo + 1; sec < hi; sec++ {
		n := float64(c.perSecond[sec])
		if n == 0 {
			empty++
		}
		counts = append(counts, n)
	}
	mc.Seconds = len(counts)
	if len(counts) >= 2 {
		var s, ss float64
		for _, x := range counts {
			s += x
			ss += x * x
		}
		n := float64(len(counts))
		mean := s / n
		mc.RateSD = sqrtPos((ss - n*mean*mean) / (n - 1))
		if mean >= 5 {
			w.add(WarnEmptyWindow, empty)
		}
	}
	// The index of dispersion (variance over mean) of a Poisson process's
	// counts is 1, with a standard error of sqrt(2/(n-1)): a rate moves
	// when it is more than 4 standard errors above, over at least 30 s.
	n := float64(len(counts))
	mc.Steady = n < 30 || mc.RateSD*mc.RateSD <= mc.Rate*(1+4*math.Sqrt(2/(n-1)))
	if !mc.Steady {
		mc.CurveStep = 10
		for i := 0; i < len(counts); i += 10 {
			var s float64
			j := min(i+10, len(counts))
			for _, x := range counts[i:j] {
				s += x
			}
			mc.Curve = append(mc.Curve, s/float64(j-i))
		}
	}
	return mc
}
