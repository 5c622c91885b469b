package fit

import (
	"fmt"
	"math"
	"strings"

	"github.com/stampede-sim/stampede/sim"
)

// Roles of a Prometheus series in a fit. A histogram is a latency; any
// other series is a rate unless its file is given as "concurrency:FILE".
const (
	RoleRate        = "rate"
	RoleLatency     = "latency"
	RoleConcurrency = "concurrency"
)

// FromPrometheus fits a scenario from metrics alone: for each service
// (the series' service label) with a request rate, a client replaying
// that rate as recorded (a rate curve) calling a service whose service
// time is the latency histogram itself (an empirical le(...)). Without
// traces there is no call graph, and the latency includes queueing and
// downstream calls: the service time is an upper bound, and both are
// said in the scenario.
func FromPrometheus(series []Series, w *Warnings, opts Options) (*Model, error) {
	m := &Model{W: w}
	byName := map[string][]*Series{}
	for i := range series {
		byName[series[i].Name] = append(byName[series[i].Name], &series[i])
	}
	var first, last float64
	for _, name := range sortedKeys(byName) {
		var rate, lat, conc *Series
		for _, s := range byName[name] {
			switch {
			case s.Histogram():
				lat = s
			case s.Role == RoleConcurrency:
				conc = s
			default:
				rate = s
			}
		}
		if rate == nil {
			continue
		}
		f, l := rate.Points[0][0], rate.Points[len(rate.Points)-1][0]
		if first == 0 || f < first {
			first = f
		}
		last = max(last, l)
		c := Client{Name: name + "-callers", Target: name, Rate: rate.Mean(), Throughput: rate.Mean(), Steady: true,
			MaxAttempts: 1, first: int64(f * 1e9), last: int64(l * 1e9)}
		var sum, ss float64
		for _, p := range rate.Points {
			sum += p[1]
			ss += p[1] * p[1]
		}
		n := float64(len(rate.Points))
		c.Seconds = len(rate.Points)
		c.RateSD = sqrtPos((ss - sum*sum/n) / math.Max(n-1, 1))
		// A rate series is already smoothed by its range: call it moving
		// when its spread is over a tenth of its mean. Either way the
		// scenario replays it as recorded (Points).
		c.Steady = c.RateSD <= 0.1*c.Rate || len(rate.Points) < 20
		svc := Service{Name: name, Throughput: c.Rate, Queue: -1, Requests: int64(math.Round(c.Rate * (l - f))),
			QueueHow: "assumption: unbounded (metrics cannot show a queue limit)"}
		for _, p := range rate.Points {
			c.Points = append(c.Points, [2]float64{p[0] - f, p[1]})
		}
		var mean float64
		if lat != nil {
			q := Quantiles{N: int64(lat.Buckets[len(lat.Buckets)-1][1]), P50: lat.Quantile(0.5), P90: lat.Quantile(0.9), P99: lat.Quantile(0.99)}
			svc.Latency, c.Latency = q, q
			t, assumption, err := latencyDist(lat)
			if err != nil {
				return nil, err
			}
			t.N, t.P50, t.P90, t.P99 = q.N, q.P50, q.P90, q.P99
			svc.Time, mean = t, t.Mean
			if assumption != "" {
				svc.TimeAssumption = assumption
				m.Assumptions = append(m.Assumptions, name+": "+assumption)
			}
		} else {
			svc.Time = Fitted{Dist: "exp(10ms)", Family: "exp", Method: "ASSUMPTION: no latency histogram for this service", Mean: 0.01}
			mean = 0.01
		}
		svc.Workers = max(1, int(math.Ceil(2*c.Rate*mean)))
		svc.WorkersHow = fmt.Sprintf("ASSUMPTION to check: twice the mean busy count by Little's law (%.1f/s x %s)", c.Rate, dur(mean))
		svc.Assumed = true
		if conc != nil {
			svc.Workers = max(1, int(math.Ceil(conc.Max())))
			svc.WorkersHow = fmt.Sprintf("ASSUMPTION to check: the peak concurrency %s reported (%.1f); the pool is at least that", conc.File, conc.Max())
		}
		if n, ok := opts.Workers[name]; ok {
			svc.Workers, svc.WorkersHow, svc.Assumed = n, "given (--workers)", false
		}
		if n, ok := opts.Queue[name]; ok {
			svc.Queue, svc.QueueHow = n, "given (--queue)"
		}
		m.Services = append(m.Services, svc)
		m.Clients = append(m.Clients, c)
	}
	if len(m.Clients) == 0 {
		names := sortedKeys(byName)
		return nil, fmt.Errorf("no request rate among the Prometheus series (%s): give a rate query's answer", strings.Join(names, ", "))
	}
	m.Window = last - first
	if m.Window <= 0 {
		return nil, fmt.Errorf("the Prometheus series cover no time (an empty window?)")
	}
	return m, nil
}

// TopBoundFactor is what the fit multiplies a histogram's last finite
// bound by to bound its +Inf bucket: a histogram does not say how far
// above its last bound the slowest requests were, and a simulator needs
// a number. It is an assumption, written as one in the scenario and the
// fit report.
const TopBoundFactor = 2

// latencyDist is a latency histogram as an empirical le(...)
// distribution. When its +Inf bucket holds requests above the last finite
// bound, those are spread up to TopBoundFactor times that bound, and
// assumption says so with the count; otherwise assumption is empty.
func latencyDist(lat *Series) (f Fitted, assumption string, err error) {
	b := lat.Buckets
	total := b[len(b)-1][1]
	// The finite buckets above 0, without the empty ones below the
	// first that counts (but the last of them, where the data starts)
	// and the full ones above the first that holds them all.
	var fin [][2]float64
	for _, bk := range b[:len(b)-1] {
		if bk[0] > 0 { // le="0": nothing is faster than 0
			fin = append(fin, bk)
		}
	}
	from, to := 0, len(fin)
	for from+1 < len(fin) && fin[from+1][1] <= 0 {
		from++
	}
	for to > from+1 && fin[to-2][1] >= fin[len(fin)-1][1] {
		to--
	}
	var parts []string
	lastLe, lastC := 0.0, 0.0
	for _, bk := range fin[from:to] {
		parts = append(parts, fmt.Sprintf("%s: %s", dur(bk[0]), num6(bk[1])))
		lastLe, lastC = bk[0], bk[1]
	}
	if len(parts) == 0 {
		return f, "", &InputError{File: lat.File, Msg: fmt.Sprintf("histogram %s has no finite le bound above 0: its latencies cannot be placed", lat.Labels)}
	}
	if above := total - lastC; above > 1e-9*total {
		top := TopBoundFactor * lastLe
		parts = append(parts, fmt.Sprintf("%s: %s", dur(top), num6(total)))
		assumption = fmt.Sprintf("the histogram's +Inf bucket holds %s requests (%.2f%%) above its last bound %s; they are spread evenly up to %s (%dx that bound), which the data cannot show",
			num6(above), 100*above/total, dur(lastLe), dur(top), TopBoundFactor)
	}
	f.Dist = "le(" + strings.Join(parts, ", ") + ")"
	d, err := sim.ParseDist(f.Dist)
	if err != nil {
		return f, "", &InputError{File: lat.File, Msg: fmt.Sprintf("histogram %s: %v", lat.Labels, err)}
	}
	f.Family, f.Mean, f.SD = "empirical", d.Mean(), math.Sqrt(d.Variance())
	f.Method = fmt.Sprintf("the latency histogram itself (%s, %d steps summed, %d skipped), interpolated inside its buckets; it includes queueing and downstream calls, so it is an upper bound on the service time", lat.File, lat.Steps, lat.Skipped)
	return f, assumption, nil
}
