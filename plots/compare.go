package plots

import (
	"image/color"
	"math"
	"sort"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// CompareOptions tunes Compare. The zero value is ready to use.
type CompareOptions struct {
	// Title and Subtitle head the figure; an empty Title means "Variants
	// compared".
	Title, Subtitle string
}

// compareMetric is one small multiple of Compare.
type compareMetric struct {
	title  string
	unit   Unit
	value  func(r *results.Results) float64 // NaN: not available
	text   func(r *results.Results) string  // label where value is NaN
	suffix string
	ci     string // the metric's path in Run.CI95, if it has one
	// noise, if not nil, is the 95% half-width of a value that is a
	// count's share (NaN: not known)
	noise func(r *results.Results) float64
}

// Compare draws small multiples, one panel per key metric, one bar per
// variant in its colour: goodput (calls/s), p99 latency of successes,
// amplification (attempts per call), wasted work (share of the servers'
// busy time spent on abandoned attempts), failed calls (share of calls),
// and, when the runs had faults, the time to recover after the last fault.
func Compare(runs []Run, o CompareOptions) (*Figure, error) {
	if err := checkRuns(runs); err != nil {
		return nil, err
	}
	metrics := []compareMetric{
		{title: "goodput (calls/s)", unit: Count, ci: "goodput", value: func(r *results.Results) float64 { return r.Summary.Goodput }},
		{title: "p99 latency", unit: Seconds, ci: "latency_s.p99", value: func(r *results.Results) float64 {
			if r.Summary.Succeeded == 0 {
				return math.NaN()
			}
			return r.Summary.Latency.P99
		}, text: func(*results.Results) string { return "no success" }},
		{title: "attempts per call", unit: Count, suffix: "×", ci: "amplification", value: func(r *results.Results) float64 {
			if r.Summary.Calls == 0 {
				return math.NaN()
			}
			return float64(r.Summary.Amplification)
		}, text: func(*results.Results) string { return "no calls" }},
		wastedMetric(runs),
		{title: "failed calls (share)", unit: Fraction, value: func(r *results.Results) float64 {
			if r.Summary.Calls == 0 {
				return math.NaN()
			}
			return float64(failedCalls(r)) / float64(r.Summary.Calls)
		}, text: func(*results.Results) string { return "no calls" },
			// A few failures in many calls are noise: one timeout
			// in 190,000 calls is 0.000523%, and the variants with
			// none did not fail less.
			noise: func(r *results.Results) float64 {
				if r.Summary.Calls == 0 {
					return math.NaN()
				}
				return countNoise(float64(failedCalls(r))) / float64(r.Summary.Calls)
			}},
	}
	if hadFaults(runs) {
		metrics = append(metrics, compareMetric{title: "recovery after the fault", unit: Seconds,
			value: func(r *results.Results) float64 {
				rec := r.Summary.Recovery
				if rec.Verdict == results.Recovered && rec.RecoveryS != nil {
					return *rec.RecoveryS
				}
				return math.NaN()
			},
			text: func(r *results.Results) string {
				switch r.Summary.Recovery.Verdict {
				case results.NotRecovered:
					return "did not recover"
				case results.CollapsedBeforeFault:
					return "collapsed before"
				case results.Undecided:
					return "undecided"
				case results.NoBaseline:
					return "no baseline"
				}
				return "no fault"
			}})
	}
	cols := 3
	rows := (len(metrics) + cols - 1) / cols
	f := newFigure(rows, cols)
	th := f.th
	f.Title = o.Title
	if f.Title == "" {
		f.Title = "Variants compared"
	}
	f.Subtitle = o.Subtitle
	names := make([]string, len(runs))
	for i, r := range runs {
		names[len(runs)-1-i] = r.Name // first variant on top
	}
	for k := range rows * cols {
		p := f.Panels[k/cols][k%cols]
		if k >= len(metrics) {
			f.Panels[k/cols][k%cols] = nil
			continue
		}
		m := metrics[k]
		p.Title.Text = m.title
		p.NominalY(names...)
		if k%cols != 0 {
			blank := make([]string, len(names))
			for i := range blank {
				blank[i] = ""
			}
			p.NominalY(blank...)
		}
		p.Y.Tick.Length = 0
		p.Y.LineStyle.Width = 0
		bars := &hbars{th: th, unit: m.unit, suffix: m.suffix}
		for i, r := range runs {
			v := m.value(r.Results)
			label := ""
			if !finite(v, false) && m.text != nil {
				label = m.text(r.Results)
			}
			ci := math.NaN()
			if h, ok := r.CI95[m.ci]; ok && m.ci != "" {
				ci = h
			}
			if m.noise != nil {
				ci = m.noise(r.Results)
			}
			bars.bars = append(bars.bars, hbar{y: float64(len(runs) - 1 - i), v: v, ci: ci, color: VariantColor(slotOf(runs, i)), label: label})
		}
		p.Add(&grid{x: true, th: th}, bars)
		p.X.Tick.Marker = labelTicks{format: m.unit.format, n: 3, seconds: m.unit == Seconds}
		if bars.same() || bars.alike() {
			// One value for all (or all equal within noise): bars of
			// equal length say nothing the number does not, and an
			// all-zero axis has no scale.
			p.X.Tick.Marker = plot.ConstantTicks{}
			p.X.LineStyle.Width = 0
		}
		p.X.Min = 0
		p.Y.Min, p.Y.Max = -0.6, float64(len(runs))-0.4
	}
	return f, nil
}

// failedCalls is the number of calls that failed.
func failedCalls(r *results.Results) results.Count {
	var n results.Count
	for _, v := range r.Summary.Failed {
		n += v
	}
	return n
}

// countNoise is about the 95% half-width of a count k of rare events
// (Poisson): 1.96 √k, plus 3 so that a count of 0 has one (the rule of
// three: no event in n trials puts the rate under 3/n).
func countNoise(k float64) float64 { return 1.96*math.Sqrt(k) + 3 }

// hadFaults reports whether any run had a fault to recover from (from its
// fault windows, or from its verdict when the results carry no windows).
func hadFaults(runs []Run) bool {
	for _, r := range runs {
		if len(r.Results.Faults) > 0 || r.Results.Summary.Recovery.Verdict != results.NoFaults {
			return true
		}
	}
	return false
}

// wastedMetric is the share of the servers' busy time spent on attempts
// nobody waited for, or wasted worker-seconds when the results carry no
// series to measure busy time with.
func wastedMetric(runs []Run) compareMetric {
	wasted := func(r *results.Results) float64 {
		keys := make([]string, 0, len(r.Summary.Services))
		for k := range r.Summary.Services {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w := 0.0
		for _, k := range keys {
			w += r.Summary.Services[k].WastedWork
		}
		return w
	}
	share := true
	for _, r := range runs {
		if len(r.Results.Series.T) == 0 || len(r.Results.Series.Services) == 0 {
			share = false
		}
	}
	if !share {
		return compareMetric{title: "wasted work (worker-s)", unit: Count, value: wasted}
	}
	return compareMetric{title: "wasted work (share of busy)", unit: Fraction, value: func(r *results.Results) float64 {
		busy := 0.0
		t := r.Series.T
		end := runEnd(r)
		for _, s := range r.Series.Services {
			for i, b := range s.Busy {
				if !finite(b, false) || i >= len(t) {
					continue
				}
				w := r.IntervalS
				if i == len(t)-1 {
					w = math.Min(w, end-t[i])
				}
				busy += b * w
			}
		}
		if busy <= 0 {
			return math.NaN()
		}
		return math.Min(1, wasted(r)/busy)
	}, text: func(*results.Results) string { return "no work" }}
}

// hbar is one horizontal bar.
type hbar struct {
	y, v  float64
	ci    float64 // 95% half-width of v over replications; NaN: not known
	color color.Color
	label string // drawn instead of a value when v is NaN
}

// hbars draws horizontal bars from 0 with their value at the end.
type hbars struct {
	bars   []hbar
	unit   Unit
	suffix string
	th     *theme
}

// same reports whether every bar has one finite value (two or more
// bars, none without a value).
func (h *hbars) same() bool {
	if len(h.bars) < 2 {
		return false
	}
	for _, b := range h.bars {
		if !finite(b.v, false) || b.v != h.bars[0].v {
			return false
		}
	}
	return true
}

// alikeTol is how close values without intervals must be to be called
// equal: half a percent of the larger, under a pixel of a bar.
const alikeTol = 0.005

// alike reports whether the bars' values, two or more, all finite and
// not all 0, are equal within noise: every two within the sum of their
// 95% half-widths (their intervals overlap) or, where either has none,
// within alikeTol of the larger. Bars of near-equal length then pretend
// a difference the data does not hold (cache-stampede's four goodputs,
// 1,798.7 ±3.5 and 1,800.1 ±3.6 calls/s).
func (h *hbars) alike() bool {
	if len(h.bars) < 2 {
		return false
	}
	for i, a := range h.bars {
		if !finite(a.v, false) {
			return false
		}
		for _, b := range h.bars[:i] {
			d := math.Abs(a.v - b.v)
			if finite(a.ci, false) && finite(b.ci, false) {
				if d > a.ci+b.ci {
					return false
				}
			} else if d > alikeTol*math.Max(math.Abs(a.v), math.Abs(b.v)) {
				return false
			}
		}
	}
	return true
}

// alikeNote says what "equal" meant for alike bars.
func (h *hbars) alikeNote() string {
	for _, b := range h.bars {
		if !finite(b.ci, false) {
			return "within 0.5% of each other"
		}
	}
	return "within their 95% intervals"
}

// valueLabel writes v, or "≈0" for a value under a thousandth of the
// largest (noise such as 0.000523% is not a finding).
func (h *hbars) valueLabel(v, largest float64) string {
	switch {
	case v == 0 && h.unit == Seconds:
		return "0s"
	case v > 0 && v < largest*1e-3:
		return "≈0"
	}
	return h.unit.format(v, 3) + h.suffix
}

func (h *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	st := h.th.style(0.78, false)
	st.YAlign = draw.YCenter
	st.Color = mutedText
	if h.same() {
		v := h.bars[0].v
		label := "all " + h.valueLabel(v, v)
		if v == 0 && h.unit == Seconds {
			label = "all at once"
		}
		st.XAlign = draw.XCenter
		c.FillText(st, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}, label)
		return
	}
	if h.alike() {
		mean, low := 0.0, math.Inf(1)
		for _, b := range h.bars {
			mean += b.v / float64(len(h.bars))
			low = math.Min(low, b.v)
		}
		if low == 0 {
			mean = 0 // "all ≈0%", not a mean of noise
		}
		st.XAlign = draw.XCenter
		mid := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}
		c.FillText(st, vg.Point{X: mid.X, Y: mid.Y + st.Font.Size*0.6}, "all ≈"+h.valueLabel(mean, mean))
		note := h.th.style(0.72, false)
		note.Color, note.XAlign, note.YAlign = mutedText, draw.XCenter, draw.YCenter
		c.FillText(note, vg.Point{X: mid.X, Y: mid.Y - st.Font.Size*0.6}, h.alikeNote())
		return
	}
	largest := 0.0
	for _, b := range h.bars {
		if finite(b.v, false) {
			largest = math.Max(largest, b.v)
		}
	}
	half := math.Abs(float64(trY(0.35) - trY(0)))
	for _, b := range h.bars {
		y := trY(b.y)
		x0 := trX(0)
		if !finite(b.v, false) {
			if b.label != "" {
				c.FillText(st, vg.Point{X: x0 + h.th.pad*0.6, Y: y}, b.label)
			}
			continue
		}
		x1 := trX(b.v)
		if x1-x0 < h.th.hair {
			x1 = x0 + h.th.hair
		}
		c.FillPolygon(b.color, rect(x0, y-vg.Length(half), x1, y+vg.Length(half)))
		c.FillText(st, vg.Point{X: x1 + h.th.pad*0.5, Y: y}, h.valueLabel(b.v, largest))
	}
}

// DataRange leaves room right of the longest bar for its value.
func (h *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmax = 0
	for _, b := range h.bars {
		if finite(b.v, false) {
			xmax = math.Max(xmax, b.v)
		}
	}
	if xmax == 0 {
		xmax = 1
		if h.unit == Seconds {
			xmax = 0.001
		}
	}
	return 0, xmax * 1.3, -0.5, float64(len(h.bars)) - 0.5
}
