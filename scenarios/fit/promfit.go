package fit

import (
	"fmt"
	"math"
	"strings"
)

// Roles of a Prometheus series in a fit. A histogram is a latency; any
// other series is a rate unless its file is given as "concurrency:FILE".
const (
	RoleRate        = "rate"
	RoleLatency     = "latency"
	RoleConcurrency = "concurrency"
)

// FromPrometheus fits a scenario from metrics alone: for each service
// (the series' service label) with a request rate, a client at that rate
// (a schedule if it moves) calling a service whose service time is a
// lognormal through the latency histogram's median and p90. Without
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
		// when its spread is over a tenth of its mean.
		if c.RateSD > 0.1*c.Rate && len(rate.Points) >= 20 {
			c.Steady = false
			step := (l - f) / float64(len(rate.Points)-1)
			per := max(1, int(math.Round(10/math.Max(step, 1e-9))))
			c.CurveStep = float64(per) * step
			for i := 0; i < len(rate.Points); i += per {
				j := min(i+per, len(rate.Points))
				var s float64
				for _, p := range rate.Points[i:j] {
					s += p[1]
				}
				c.Curve = append(c.Curve, s/float64(j-i))
			}
		}
		svc := Service{Name: name, Throughput: c.Rate, Queue: -1, Requests: int64(math.Round(c.Rate * (l - f))),
			QueueHow: "assumption: unbounded (metrics cannot show a queue limit)"}
		if lat != nil {
			q := Quantiles{N: int64(lat.Buckets[len(lat.Buckets)-1][1]), P50: lat.Quantile(0.5), P90: lat.Quantile(0.9), P99: lat.Quantile(0.99)}
			svc.Latency, c.Latency = q, q
			sigma := 0.5
			if q.P90 > q.P50 && q.P50 > 0 {
				sigma = math.Log(q.P90/q.P50) / 1.2815515655446004
			}
			svc.Time = Fitted{Dist: fmt.Sprintf("lognormal(%s, %s)", dur(q.P50), num(sigma)), Family: "lognormal",
				Method: fmt.Sprintf("the median and p90 of the latency histogram (%s, %d steps, %d skipped); it includes queueing and downstream calls, so it is an upper bound on the service time", lat.File, lat.Steps, lat.Skipped),
				N:      q.N, P50: q.P50, P90: q.P90, P99: q.P99}
		} else {
			svc.Time = Fitted{Dist: "exp(10ms)", Family: "exp", Method: "ASSUMPTION: no latency histogram for this service"}
		}
		mean := svc.Time.P50 * math.Exp(0.5*math.Pow(math.Log(math.Max(svc.Time.P90, 1e-9)/math.Max(svc.Time.P50, 1e-9))/1.2816, 2))
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
