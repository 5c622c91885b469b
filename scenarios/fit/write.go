package fit

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bands are how close a simulation of the fitted scenario must come to
// what was observed for its [[expect]] claims to hold: throughput within
// 5%, p50 and p99 within 15% (issue 15's bar).
const (
	ThroughputBand = 0.05
	LatencyBand    = 0.15
)

// DataFile is a data file a fitted scenario names (a rate curve), to be
// written beside it: Name is relative to the scenario file.
type DataFile struct {
	Name string
	Data []byte
}

// Scenario writes the model as a commented scenario file: every fitted
// value with its evidence, every assumption marked, and [[expect]] claims
// that the baseline reproduces the observed throughput and latency. name
// is the scenario file's stem; the data files it names (NAME-CLIENT-rate.csv)
// must be written beside it.
func Scenario(m *Model, name string) ([]byte, []DataFile) {
	var b bytes.Buffer
	var files []DataFile
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Fitted by `stampede fit` from %s:\n", strings.Join(m.Inputs, ", "))
	if m.Spans > 0 {
		p("# %d spans in %d traces over %.1f s of calls.\n", m.Spans, m.Traces, m.Window)
	} else {
		p("# Prometheus metrics only, over %.1f s: no call graph (give traces for one).\n", m.Window)
	}
	for _, s := range m.Metrics {
		switch {
		case s.Histogram():
			p("# prometheus %s %s: latency p50 %s p90 %s p99 %s (histogram_quantile over the window)\n", s.File, s.Labels, ms(s.Quantile(0.5)), ms(s.Quantile(0.9)), ms(s.Quantile(0.99)))
		default:
			p("# prometheus %s %s (%s): mean %.4g, max %.4g over %d samples\n", s.File, s.Labels, s.Role, s.Mean(), s.Max(), len(s.Points))
		}
	}
	p("# Every value below says what it was fitted from. Values marked ASSUMPTION\n")
	p("# could not be read from the data: check them against your configuration.\n")
	for _, n := range m.W.Names() {
		p("# warning %s: %d: %s\n", n, m.W.Count(n), warningText[n])
	}
	for _, a := range m.Assumptions {
		p("# ASSUMPTION to check: %s\n", a)
	}
	p("title = %q\n", "Fitted: "+name)
	p("about = \"\"\"\nA scenario fitted from telemetry by stampede fit: services, call graph,\nown times, arrival rates, timeouts and retries as observed. Edit it, then\nask what-if questions with [[faults]] and [[variants]] (docs/CALIBRATION.md).\n\"\"\"\n")
	p("duration = %q\n", dur(math.Ceil(m.Window)))
	p("interval = \"1s\"\nseed = 1\n")
	names := map[string]bool{}
	for _, s := range m.Services {
		names[s.Name] = true
	}
	for _, s := range m.Services {
		p("\n[[services]]\nname = %q\n", s.Name)
		if m.Spans > 0 {
			p("# %d requests (%.1f/s served without error), %d errors, %d turned away; latency p50 %s p90 %s p99 %s\n",
				s.Requests, s.Throughput, s.Errors, s.Rejected, ms(s.Latency.P50), ms(s.Latency.P90), ms(s.Latency.P99))
		} else {
			p("# about %d requests (%.1f/s by the rate series); latency p50 %s p90 %s p99 %s by the histogram\n",
				s.Requests, s.Throughput, ms(s.Latency.P50), ms(s.Latency.P90), ms(s.Latency.P99))
		}
		p("workers = %d   # %s\n", s.Workers, s.WorkersHow)
		if s.Queue >= 0 {
			p("queue = { limit = %d }   # %s\n", s.Queue, s.QueueHow)
		} else {
			p("# queue: %s\n", s.QueueHow)
		}
		if s.Waits > 0 {
			p("# queue wait (queue.wait spans): %d requests, mean %s\n", s.Waits, ms(s.WaitMean))
		}
		for _, op := range s.Ops {
			p("# own time of %q (span minus queue wait and calls): %s\n", op.Name, evidence(op.Fitted))
		}
		if s.TimeAssumption != "" {
			p("# ASSUMPTION to check: %s\n", s.TimeAssumption)
		}
		if s.Time.Family == "empirical" && s.Time.Runner != "" {
			p("# empirical (KS %.3f from the data): the closest parametric fit, %s\n", s.Time.KS, s.Time.Runner)
		}
		p("service_time = %q   # %s by %s\n", s.Time.Dist, s.Time.Family, s.Time.Method)
		var calls []string
		var targets []string // of the edges written below
		for _, e := range m.Edges {
			if e.From == s.Name && names[e.To] {
				targets = append(targets, e.To)
			}
		}
		paths := scenarioPaths(&s, targets)
		for _, e := range m.Edges {
			if e.From != s.Name || !names[e.To] {
				continue
			}
			p("# calls %s: %d calls by %d of %d requests (p = %.3f), %.2f per request taken; failed %d (timeouts %d); one way %s (client span minus server span, halved)\n",
				e.To, e.Calls, e.Taken, s.Requests, e.P, e.PerRequest, e.Failed, e.Timeout, ms(e.OneWay))
			c := fmt.Sprintf("{ target = %q", e.To)
			if n := int(math.Round(e.PerRequest)); n > 1 {
				c += fmt.Sprintf(", count = %d", n)
			}
			if e.P < 0.9995 && paths == nil {
				// taken by some requests only (p above, in the comment)
				c += fmt.Sprintf(", probability = %s", strconv.FormatFloat(e.P, 'f', 3, 64))
			}
			if e.OneWay >= 20e-6 {
				c += fmt.Sprintf(", link = { latency = %q }", dur(e.OneWay))
			}
			calls = append(calls, c+" }")
		}
		if len(calls) > 0 {
			p("calls = [%s]\n", strings.Join(calls, ", "))
			if paths != nil {
				writePaths(p, paths)
			} else if s.PathsOverflow > 0 {
				p("# the requests called more than %d different sets of targets: each edge is drawn on its own (probability)\n", maxPaths)
			}
			if s.Multi > 0 {
				p("fanout = %q   # calls overlapped in %d of the %d requests that made several\n", fanout(s.Parallel), s.Overlap, s.Multi)
			}
		}
	}
	for _, c := range m.Clients {
		cname := c.Name
		if names[cname] {
			cname += "-client"
		}
		p("\n[[clients]]\nname = %q\ntarget = %q\n", cname, c.Target)
		if m.Spans > 0 {
			p("# %d calls in %.1f s, %d succeeded; %d attempts (%.3f per call)\n", c.Calls, float64(c.last-c.first)/1e9, c.OK, c.Attempts, float64(c.Attempts)/float64(max(c.Calls, 1)))
		}
		if rows := c.curve(); rows != nil {
			file := fmt.Sprintf("%s-%s-rate.csv", name, cname)
			files = append(files, DataFile{Name: file, Data: curveCSV(c, rows)})
			if len(c.Points) > 0 {
				p("# the rate as recorded, %d samples (mean %s, sd %.2f): replayed, Poisson arrivals inside\n", len(rows), num4(c.Rate), c.RateSD)
			} else {
				p("# the rate moves (variance %.1f x Poisson's): its %g s means, replayed, Poisson arrivals inside\n", c.RateSD*c.RateSD/c.Rate, c.CurveStep)
			}
			p("# rate = %s   # the mean, to use instead of the curve\n", num4(c.Rate))
			p("replay.rate_curve = %q   # t (s from the first sample), calls/s\nreplay.shape = \"linear\"\n", file)
		} else {
			p("rate = %s   # calls/s; per-second counts: sd %.2f over %d s, Poisson's would be %.2f\n", num4(c.Rate), c.RateSD, c.Seconds, math.Sqrt(c.Rate))
		}
		if m.Spans == 0 {
			p("# timeout, retry: ASSUMPTION none (metrics cannot show them; calls have a p99 of %s)\n", ms(c.Latency.P99))
		} else if c.Timeout > 0 {
			p("timeout = %q   # median duration of the %d attempts that timed out\n", dur(c.Timeout), c.Timeouts)
		} else {
			p("# timeout: none seen to fire (no attempt timed out; p99 of calls %s)\n", ms(c.Latency.P99))
		}
		switch {
		case m.Spans == 0:
		case c.MaxAttempts > 1:
			backoff := `backoff = "none"`
			if c.RetryGap >= 1e-3 {
				backoff = fmt.Sprintf(`backoff = "constant", base = %q`, dur(c.RetryGap))
			}
			p("retry = { attempts = %d, %s }   # up to %d attempts per call seen; mean gap before a retry %s\n", c.MaxAttempts, backoff, c.MaxAttempts, ms(c.RetryGap))
		default:
			p("# retry: none seen (one attempt per call)\n")
		}
		if c.OneWay >= 20e-6 {
			p("link = { latency = %q }   # attempt span minus server span, halved\n", dur(c.OneWay))
		}
	}
	writeExpect(&b, m, names)
	return b.Bytes(), files
}

// curve is the client's rate over time as (s from the start, calls/s)
// rows, nil for a steady rate: a Prometheus rate series as recorded, or
// the traces' CurveStep means at their midpoints (the first also at 0).
func (c *Client) curve() [][2]float64 {
	if len(c.Points) >= 2 {
		return c.Points
	}
	if c.Steady || len(c.Curve) == 0 {
		return nil
	}
	rows := [][2]float64{{0, c.Curve[0]}}
	for i, r := range c.Curve {
		rows = append(rows, [2]float64{(float64(i) + 0.5) * c.CurveStep, r})
	}
	return rows
}

// curveCSV writes rows as a rate curve data file (docs/SCENARIOS.md,
// Recorded traffic).
func curveCSV(c Client, rows [][2]float64) []byte {
	var b bytes.Buffer
	if len(c.Points) > 0 {
		fmt.Fprintf(&b, "# %s: calls/s as the Prometheus rate series recorded it, t in s from its first sample\n", c.Target)
	} else {
		fmt.Fprintf(&b, "# %s: calls/s per %g s of the traces (means at their midpoints), t in s from the first call\n", c.Target, c.CurveStep)
	}
	b.WriteString("t,calls_per_s\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s\n", strconv.FormatFloat(r[0], 'f', -1, 64), strconv.FormatFloat(r[1], 'g', 6, 64))
	}
	return b.Bytes()
}

func writeExpect(b *bytes.Buffer, m *Model, names map[string]bool) {
	claim := func(metric string, obs, band float64, about string) {
		if obs <= 0 {
			return
		}
		fmt.Fprintf(b, "\n[[expect]]\nmetric = %q\nmin = %s\nmax = %s\nabout = %q\n",
			metric, strconv.FormatFloat(obs*(1-band), 'g', 5, 64), strconv.FormatFloat(obs*(1+band), 'g', 5, 64), about)
	}
	for _, c := range m.Clients {
		name := c.Name
		if names[name] {
			name += "-client"
		}
		claim("clients."+name+".goodput", c.Throughput, ThroughputBand, fmt.Sprintf("observed %.2f successful calls/s (within 5%%)", c.Throughput))
		if c.Latency.N >= 100 {
			claim("clients."+name+".latency_s.p50", c.Latency.P50, LatencyBand, fmt.Sprintf("observed p50 %s (within 15%%)", ms(c.Latency.P50)))
			claim("clients."+name+".latency_s.p99", c.Latency.P99, LatencyBand, fmt.Sprintf("observed p99 %s (within 15%%)", ms(c.Latency.P99)))
		}
	}
}

func evidence(f Fitted) string {
	dist := f.Dist
	if f.Family == "empirical" {
		dist = "empirical"
	}
	s := fmt.Sprintf("%d spans, mean %s sd %s, p50 %s p90 %s p99 %s -> %s by %s (KS %.3f)",
		f.N, ms(f.Mean), ms(f.SD), ms(f.P50), ms(f.P90), ms(f.P99), dist, f.Method, f.KS)
	if f.Runner != "" {
		s += "; next: " + f.Runner
	}
	return s
}

func ms(s float64) string { return dur(s) }

func fanout(parallel bool) string {
	if parallel {
		return "parallel"
	}
	return "sequential"
}
