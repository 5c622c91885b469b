package plots

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// TimeseriesOptions tunes Timeseries. The zero value draws every client
// together and the first service's queue, with no SLO line.
type TimeseriesOptions struct {
	// Title and Subtitle head the figure; an empty Title means "Time
	// series", an empty Subtitle a line with the interval and the seed.
	Title, Subtitle string
	// SLO is a latency objective in seconds, drawn as a line on the
	// latency panel; zero means none.
	SLO float64
	// Client names the client whose calls are drawn; empty means all
	// clients together (Series.Total).
	Client string
	// Service names the service whose queue is drawn; empty means the
	// first service of each run.
	Service string
	// Edge names a downstream edge ("backend->db") whose calls the load,
	// latency and failure panels draw instead of the clients': the load
	// one service puts on another. It cannot be combined with Client.
	Edge string
	// LoadLabel labels the load panel's y axis; empty means "calls/s".
	LoadLabel string
	// Marks are instants to label that are not faults (changes made
	// live); the triggers the series show (cache expiry waves, bursts of
	// a job's changes) are marked too.
	Marks []Mark
}

// Timeseries draws runs over time in stacked panels that share the time
// axis: load (offered, attempts and goodput, calls/s), latency of
// successful calls (p50 and p99, on a log axis when it spans more than
// ~1.5 decades, with the SLO line), the queue and the calls in flight,
// and failures by reason (calls/s; the panel is left out when nothing
// failed). Each variant has one colour in every panel; line styles tell
// the metrics of a panel apart. Fault windows are shaded and labelled
// with their kind and target; each variant's recovery is marked with a
// dotted line and stated in the legend.
func Timeseries(runs []Run, o TimeseriesOptions) (*Figure, error) {
	if err := checkRuns(runs); err != nil {
		return nil, err
	}
	calls := make([]*results.CallSeries, len(runs))
	queues := make([]*results.ServiceSeries, len(runs))
	xs := make([][]float64, len(runs))
	end := 0.0
	for i, r := range runs {
		res := r.Results
		if len(res.Series.T) == 0 {
			return nil, fmt.Errorf("variant %q: results have no series to draw over time (were they saved without series?)", r.Name)
		}
		cs, err := pickCalls(res, o.Client, o.Edge)
		if err != nil {
			return nil, fmt.Errorf("variant %q: %w", r.Name, err)
		}
		calls[i] = cs
		queues[i], err = pickService(res, o.Service)
		if err != nil {
			return nil, fmt.Errorf("variant %q: %w", r.Name, err)
		}
		xs[i] = midpoints(res)
		end = math.Max(end, runEnd(res))
	}

	if len(runs) > maxStacked {
		return multiples(runs, o, calls, xs, end), nil
	}
	failures := failureReasons(calls)
	lanes := alertLanes(runs)
	rows, failRow, alertRow, repRow := 3, -1, -1, -1
	if autoscaled(queues) {
		// the replicas take the failures' place: the slide holds four
		// panels, and the goodput's gap shows the failures
		repRow, rows = rows, rows+1
		failures = nil
	}
	if len(failures) > 0 {
		failRow, rows = rows, rows+1
	}
	if lanes != nil {
		alertRow, rows = rows, rows+1
	}
	f := newFigure(rows, 1)
	th := f.th
	f.Title, f.Subtitle = o.titles(runs)
	faults := collectFaults(runs)

	for i, row := range f.Panels {
		p := row[0]
		p.X.Min, p.X.Max = 0, end
		p.X.Tick.Marker = timeTicks{hideLabels: i < rows-1}
		p.Y.Min = 0
		p.Y.Tick.Marker = labelTicks{format: humanNumber, n: 3}
		p.Add(&grid{x: true, y: true, th: th})
		if len(faults) > 0 {
			s := &spans{th: th}
			for _, fw := range faults {
				s.x0 = append(s.x0, fw.StartS)
				s.x1 = append(s.x1, fw.EndS)
			}
			p.Add(s)
		}
	}
	bottom := f.Panels[rows-1][0]
	bottom.X.Label.Text = "time since start"

	// Load.
	load := f.Panels[0][0]
	load.Y.Label.Text = o.loadLabel()
	// Spikes far above the typical load (a herd reconnecting in step)
	// get a log axis, so that the goodput does not lie flat at its foot.
	floor := loadFloor(calls)
	logL := floor > 0
	key := panelKey{heading: o.loadHeading()}
	if logL {
		logLoad(load, floor)
		key.heading += " (log scale)"
	}
	offered := each(calls, func(c *results.CallSeries) []float64 { return c.Offered })
	attempts := each(calls, func(c *results.CallSeries) []float64 { return c.Attempts })
	goodput := each(calls, func(c *results.CallSeries) []float64 { return c.Goodput })
	loadSpan := panelSpan(load, logL, offered, attempts, goodput)
	if sameOffered(calls) {
		// A band behind the lines: where goodput falls short of it, the
		// gap is the work lost.
		load.Add(&band{xs: xs[0], lo: make([]float64, len(xs[0])), hi: calls[0].Offered, color: offeredBand, log: logL, floor: floor})
		key.entries = append(key.entries, legendEntry{label: "offered (all)", color: offeredBand, kind: boxSwatch})
	} else {
		addStriped(load, offered, loadSpan, func(i int) *xyLine {
			return &xyLine{xs: xs[i], ys: calls[i].Offered, color: VariantColor(slotOf(runs, i)), dash: dashed, log: logL, floor: floor, th: th}
		})
		key.entries = append(key.entries, legendEntry{label: "offered", color: textColor, dash: dashed})
	}
	// Fallback answers: degraded goodput, a band in the variant's colour
	// under its lines (0 where there were none).
	fbs := fallbackSeries(runs, calls, o)
	for i := range fbs {
		if fbs[i] != nil {
			load.Add(&band{xs: xs[i], lo: make([]float64, len(xs[i])), hi: fbs[i], color: withAlpha(VariantColor(slotOf(runs, i)), fallbackAlpha), log: logL, floor: floor})
		}
	}
	// Lines that lie on each other are striped (coincide.go).
	addStriped(load, attempts, loadSpan, func(i int) *xyLine {
		return &xyLine{xs: xs[i], ys: calls[i].Attempts, color: VariantColor(slotOf(runs, i)), dash: dotted, width: 0.8, log: logL, floor: floor, th: th}
	})
	addStriped(load, goodput, loadSpan, func(i int) *xyLine {
		return &xyLine{xs: xs[i], ys: calls[i].Goodput, color: VariantColor(slotOf(runs, i)), width: 1.3, log: logL, floor: floor, th: th}
	})
	key.entries = append(key.entries,
		legendEntry{label: "attempts", color: textColor, dash: dotted, width: 0.8},
		legendEntry{label: "goodput", color: textColor, width: 1.3})
	if fbs != nil {
		key.entries = append(key.entries, legendEntry{label: "fallbacks (degraded)", color: withAlpha(textColor, fallbackAlpha), kind: boxSwatch})
	}
	f.keys[0][0] = key

	// Latency.
	lat := f.Panels[1][0]
	lat.Y.Label.Text = "latency"
	logY := spansDecades(o.SLO, calls)
	if logY {
		lat.Y.Scale = plot.LogScale{}
		lat.Y.Tick.Marker = logTicks{format: humanSeconds}
		lat.Y.Min = math.Inf(1)
	} else {
		lat.Y.Tick.Marker = labelTicks{format: humanSeconds, n: 3}
	}
	p50s := each(calls, func(c *results.CallSeries) []float64 { return c.P50 })
	p99s := each(calls, func(c *results.CallSeries) []float64 { return c.P99 })
	latSpan := panelSpan(lat, logY, p50s, p99s, [][]float64{{o.SLO}})
	addStriped(lat, p50s, latSpan, func(i int) *xyLine {
		return &xyLine{xs: xs[i], ys: calls[i].P50, color: VariantColor(slotOf(runs, i)), dash: dashed, log: logY, th: th}
	})
	addStriped(lat, p99s, latSpan, func(i int) *xyLine {
		return &xyLine{xs: xs[i], ys: calls[i].P99, color: VariantColor(slotOf(runs, i)), width: 1.3, log: logY, th: th}
	})
	key = panelKey{heading: "Latency of successes", entries: []legendEntry{
		{label: "p99", color: textColor, width: 1.3},
		{label: "p50", color: textColor, dash: dashed},
	}}
	if o.SLO > 0 {
		lat.Add(&hline{y: o.SLO, color: textColor, dash: dashDot, width: 1, th: th})
		key.entries = append(key.entries, legendEntry{label: "SLO " + HumanSeconds(o.SLO), color: textColor, dash: dashDot})
	}
	f.keys[1][0] = key
	if logY {
		wholeDecades(&lat.Y)
	}

	// Queue and in flight.
	q := f.Panels[2][0]
	q.Y.Label.Text = "requests"
	queueMean := func(s *results.ServiceSeries) []float64 {
		if s == nil {
			return nil
		}
		return s.QueueMean
	}
	inFlight := each(calls, func(c *results.CallSeries) []float64 { return c.InFlight })
	queued := each(queues, queueMean)
	qSpan := panelSpan(q, false, inFlight, queued)
	addStriped(q, inFlight, qSpan, func(i int) *xyLine {
		return &xyLine{xs: xs[i], ys: calls[i].InFlight, color: VariantColor(slotOf(runs, i)), dash: dashed, th: th}
	})
	addStriped(q, queued, qSpan, func(i int) *xyLine {
		if queues[i] == nil {
			return nil
		}
		return &xyLine{xs: xs[i], ys: queues[i].QueueMean, color: VariantColor(slotOf(runs, i)), width: 1.3, th: th}
	})
	qname := "queue"
	if queues[0] != nil {
		qname = "queue at " + queues[0].Name
	}
	f.keys[2][0] = panelKey{heading: "Queue & in flight", entries: []legendEntry{
		{label: qname, color: textColor, width: 1.3},
		{label: "calls in flight", color: textColor, dash: dashed},
	}}

	if repRow >= 0 {
		f.keys[repRow][0] = replicasPanel(f.Panels[repRow][0], runs, queues, xs, th)
	}

	// Failures by reason.
	if failRow >= 0 {
		fp := f.Panels[failRow][0]
		fp.Y.Label.Text = "calls/s"
		key := panelKey{heading: "Failures"}
		var all [][]float64
		for _, fr := range failures {
			all = append(all, each(fr.values, func(v results.Values) []float64 { return v })...)
		}
		failSpan := panelSpan(fp, false, all)
		for k, fr := range failures {
			addStriped(fp, each(fr.values, func(v results.Values) []float64 { return v }), failSpan, func(i int) *xyLine {
				if fr.values[i] == nil {
					return nil
				}
				return &xyLine{xs: xs[i], ys: fr.values[i], color: VariantColor(slotOf(runs, i)), dash: fr.dash, width: nonZero(fr.width, 1), th: th}
			})
			key.entries = append(key.entries, legendEntry{label: fr.name, color: textColor, dash: fr.dash, width: fr.width})
			_ = k
		}
		f.keys[failRow][0] = key
	}

	// Headroom on linear panels, so the highest line is not drawn on the
	// frame (and a timeout-capped latency stays visible).
	for _, row := range f.Panels {
		if p := row[0]; p.Y.Scale == (plot.LinearScale{}) && p.Y.Max > 0 && !math.IsInf(p.Y.Max, 0) {
			p.Y.Max *= 1.06
		}
	}
	if logL {
		load.Y.Min = floor
		load.Y.Max *= 1.2
		niceLogRange(&load.Y)
	}
	if alertRow >= 0 {
		f.keys[alertRow][0] = alertPanel(f.Panels[alertRow][0], lanes, th)
	}

	// Recovery markers, breaker openings (crosses at the bottom of the
	// load panel) and the legend.
	for i, r := range runs {
		rec := r.Results.Summary.Recovery
		if rec.Verdict == results.Recovered && rec.RecoveryS != nil {
			x := rec.FaultEndS + *rec.RecoveryS
			for _, row := range f.Panels {
				row[0].Add(&vline{x: x, color: VariantColor(slotOf(runs, i)), dash: dotted, width: 1.1, th: th})
			}
		}
		opened, n := breakerOpenings(r.Results, xs[i])
		if len(opened) > 0 {
			load.Add(&eventMarks{xs: opened, row: i, color: VariantColor(slotOf(runs, i)), th: th})
		}
		f.legend = append(f.legend, legendEntry{label: r.Name + verdictNote(r.Results) + breakerNote(n), color: VariantColor(slotOf(runs, i)), width: 1.6})
		if len(runs) <= maxEndLabels {
			// Where they fit, the legend's words name each goodput line
			// where it ends instead.
			f.endLabels = append(f.endLabels, endLabel{label: f.legend[i].label, color: VariantColor(slotOf(runs, i)), y: atFloor(endValue(calls[i].Goodput), floor)})
		}
	}
	marks := append(slices.Clone(o.Marks), triggerMarks(runs)...)
	addMarkLines(f.Panels, marks, th)
	if labels := stripLabels(faults, marks); len(labels) > 0 {
		faults = labels
		f.stripRows = float64(faultRows(faults)) + 0.2
		if anyRecovered(runs) {
			f.stripRows += 0.6
		}
		f.strip = func(c draw.Canvas, band vg.Rectangle, data draw.Canvas, p *plot.Plot) {
			drawFaultStrip(c, *th, band, data, p, faults, runs)
		}
	}
	return f, nil
}

// endValue is where a noisy line ends: the median of its last five
// values that are numbers (NaN if none).
func endValue(ys []float64) float64 {
	var tail []float64
	for i := len(ys) - 1; i >= 0 && len(tail) < 5; i-- {
		if !math.IsNaN(ys[i]) && !math.IsInf(ys[i], 0) {
			tail = append(tail, ys[i])
		}
	}
	if len(tail) == 0 {
		return math.NaN()
	}
	slices.Sort(tail)
	return tail[len(tail)/2]
}

// wholeDecades widens a log axis to whole decades, so that labelled
// ticks frame the data (an axis with no data gets 1ms to 1s).
func wholeDecades(a *plot.Axis) {
	if !(a.Min > 0) || !(a.Max >= a.Min) || math.IsInf(a.Max, 0) {
		a.Min, a.Max = 0.001, 1
		return
	}
	a.Min = math.Pow(10, math.Floor(math.Log10(a.Min)+1e-9))
	a.Max = math.Pow(10, math.Ceil(math.Log10(a.Max)-1e-9))
	if a.Max <= a.Min {
		a.Max = a.Min * 10
	}
}

func checkRuns(runs []Run) error {
	if len(runs) == 0 {
		return errors.New("no runs to draw")
	}
	for i, r := range runs {
		if r.Results == nil {
			return fmt.Errorf("run %d (%q) has no results", i, r.Name)
		}
	}
	return nil
}

// runEnd is the time the run's series reach (s).
func runEnd(r *results.Results) float64 {
	if r.EndS > 0 {
		return r.EndS
	}
	t := r.Series.T
	return t[len(t)-1] + r.IntervalS
}

// midpoints returns the middle of each interval (the last one may be
// shorter), where an interval's value is drawn.
func midpoints(r *results.Results) []float64 {
	t := r.Series.T
	end := runEnd(r)
	xs := make([]float64, len(t))
	for i, x := range t {
		x1 := x + r.IntervalS
		if i == len(t)-1 && end > x && end < x1 {
			x1 = end
		}
		xs[i] = (x + x1) / 2
	}
	return xs
}

// sameOffered reports whether every run was offered the same load (open
// loop with common random numbers): then one line stands for all.
func sameOffered(calls []*results.CallSeries) bool {
	if len(calls) < 2 {
		return false
	}
	a := calls[0].Offered
	for _, c := range calls[1:] {
		b := c.Offered
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				return false
			}
		}
	}
	return true
}

// spansDecades reports whether the latency quantiles (and the SLO) span
// more than a factor of 30, where a linear axis would flatten the body.
func spansDecades(slo float64, calls []*results.CallSeries) bool {
	lo, hi := math.Inf(1), math.Inf(-1)
	upd := func(v float64) {
		if finite(v, true) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	upd(slo)
	for _, c := range calls {
		for _, v := range c.P50 {
			upd(v)
		}
		for _, v := range c.P99 {
			upd(v)
		}
	}
	return hi > 30*lo
}

// fallbackAlpha is the opacity of the fallback bands.
const fallbackAlpha = 0x60

// fallbackSeries returns each run's fallback answers per second, the
// degraded goodput drawn apart from the goodput and the failures: with
// every client drawn, the answers given at every tier (the clients' and
// the edges': a page that renders without its recommendations is a
// success to its user and a fallback on the edge below); with one client
// or edge drawn, its own. Nil when no run gave any.
func fallbackSeries(runs []Run, calls []*results.CallSeries, o TimeseriesOptions) []results.Values {
	var out []results.Values
	for i, r := range runs {
		v := calls[i].Fallbacks()
		if o.Client == "" && o.Edge == "" {
			v = r.Results.Series.Fallbacks()
		}
		if v == nil {
			continue
		}
		if out == nil {
			out = make([]results.Values, len(runs))
		}
		out[i] = v
	}
	return out
}

// failureSeries is one line style of the failures panel: a reason (or
// "other reasons") and its values per run (nil where the run had none).
type failureSeries struct {
	name   string
	dash   dashKind
	width  float64
	values []results.Values
}

// maxReasons is how many reasons get their own line style; the rest are
// summed into "other".
const maxReasons = 3

// failureReasons returns the reasons that occurred, the most frequent
// first (ties by name), with the rest summed as "other reasons".
func failureReasons(calls []*results.CallSeries) []failureSeries {
	total := map[string]float64{}
	for _, c := range calls {
		for name, vs := range c.Failed {
			if results.IsFallback(name) {
				continue // degraded goodput: the load panel draws it
			}
			for _, v := range vs {
				if finite(v, false) {
					total[name] += v
				}
			}
		}
	}
	var names []string
	for n, t := range total {
		if t > 0 {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if total[names[i]] != total[names[j]] {
			return total[names[i]] > total[names[j]]
		}
		return names[i] < names[j]
	})
	dashes := []dashKind{solid, dashed, dotted, dashDot}
	var out []failureSeries
	for k, n := range names {
		if k == maxReasons && len(names) > maxReasons+1 {
			other := failureSeries{name: "other reasons", dash: dashes[maxReasons], values: make([]results.Values, len(calls))}
			for i, c := range calls {
				var sum results.Values
				for _, m := range names[maxReasons:] {
					vs := c.Failed[m]
					if vs == nil {
						continue
					}
					if sum == nil {
						sum = make(results.Values, len(vs))
					}
					for t := range vs {
						if finite(vs[t], false) && t < len(sum) {
							sum[t] += vs[t]
						}
					}
				}
				other.values[i] = sum
			}
			out = append(out, other)
			break
		}
		fs := failureSeries{name: n, dash: dashes[k%len(dashes)], values: make([]results.Values, len(calls))}
		if k == 0 {
			fs.width = 1.3
		}
		for i, c := range calls {
			fs.values[i] = c.Failed[n]
		}
		out = append(out, fs)
	}
	return out
}

// verdictNote is what the legend says after a variant's name about its
// recovery.
func verdictNote(r *results.Results) string {
	rec := r.Summary.Recovery
	switch rec.Verdict {
	case results.Recovered:
		if rec.RecoveryS != nil {
			if *rec.RecoveryS == 0 {
				return " — recovered at once"
			}
			return " — recovered in " + HumanSeconds(*rec.RecoveryS)
		}
		return " — recovered"
	case results.NotRecovered:
		return " — did not recover"
	case results.CollapsedBeforeFault:
		return " — collapsed before the fault"
	case results.NoBaseline:
		return " — no baseline"
	case results.Undecided:
		return " — undecided (run too short)"
	}
	return ""
}

// titles returns the time-series figure's title and subtitle: the ones o
// gives, or "Time series" and the runs' interval and seed (and the
// client o filters on).
func (o TimeseriesOptions) titles(runs []Run) (title, subtitle string) {
	title, subtitle = o.Title, o.Subtitle
	if title == "" {
		title = "Time series"
	}
	if subtitle == "" {
		r0 := runs[0].Results
		subtitle = HumanSeconds(r0.IntervalS) + " intervals" + seedNote(r0)
		if o.Client != "" {
			subtitle = "client " + o.Client + " · " + subtitle
		}
		if o.Edge != "" {
			subtitle = "calls on " + o.Edge + " · " + subtitle
		}
	}
	return title, subtitle
}

// seedNote is " · seed N" for a subtitle, or nothing when the results did
// not record their seed (never "seed 0" for a seed not known).
func seedNote(r *results.Results) string {
	if r.NoSeed {
		return ""
	}
	return " · seed " + strconv.FormatUint(r.Seed, 10)
}
