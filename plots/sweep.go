package plots

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/plot"

	"github.com/stampede-sim/stampede/models/results"
)

// Unit says how the values of an axis are written.
type Unit uint8

// Units.
const (
	// Count is a plain number written with an SI suffix: 1.5k, 20k.
	Count Unit = iota
	// Seconds is a duration in seconds written as 10ms, 1.5s, 2m.
	Seconds
	// Fraction is a fraction written as a percentage: 0.25 -> 25%.
	Fraction
)

func (u Unit) format(v float64, sig int) string {
	switch u {
	case Seconds:
		return humanSeconds(v, sig)
	case Fraction:
		if v == 0 {
			return "0%"
		}
		return trimFloat(v*100, sig) + "%"
	}
	return humanNumber(v, sig)
}

func (u Unit) ticker(log bool) plot.Ticker {
	if log {
		return logTicks{format: u.format}
	}
	return labelTicks{format: u.format, seconds: u == Seconds}
}

// SweepData is a metric measured at each value of a swept parameter, one
// series per variant.
type SweepData struct {
	// Title and Subtitle head the figure; an empty Title means
	// "<Metric> against <Param>".
	Title, Subtitle string
	// Param labels the x axis: the parameter and its unit ("offered load
	// (calls/s)"). Required.
	Param string
	// Metric labels the y axis ("goodput (calls/s)"). Required.
	Metric string
	// XUnit and YUnit say how tick values are written; zero is Count.
	XUnit, YUnit Unit
	// LogX draws the parameter on a log axis (all X must be > 0); LogY
	// draws the metric on one (values <= 0 are left out), for latencies
	// that explode past the knee.
	LogX, LogY bool
	// Diagonal, when not empty, draws the line y = x labelled with it
	// ("goodput = offered load"): the ideal that congestion collapse
	// falls away from.
	Diagonal string
	// Series holds one series per variant, drawn in VariantColor order.
	Series []SweepSeries
}

// SweepSeries is one variant's points.
type SweepSeries struct {
	// Name is the variant's name, shown in the legend.
	Name string
	// Slot is the variant's place among all the results' variants, which
	// picks its colour and marker, so that a figure of some variants
	// draws each as the figures of all do. When every series has Slot 0,
	// the i-th series takes place i.
	Slot int
	// Points are the measurements, in any order (drawn sorted by X).
	Points []SweepPoint
}

// SweepPoint is the metric at one parameter value.
type SweepPoint struct {
	// X is the parameter value.
	X float64
	// Y is the metric (the mean over replications); NaN means no value.
	Y float64
	// CI is the half-width of Y's 95% confidence interval; zero or NaN
	// means none (one replication).
	CI float64
}

// SweepPointOf returns the point at x for the replications ys: their
// mean and, with two or more, the half-width of the 95% confidence
// interval of the mean (Student's t). NaN values are left out.
func SweepPointOf(x float64, ys []float64) SweepPoint {
	mean, half, _ := results.MeanCI95(ys)
	return SweepPoint{X: x, Y: mean, CI: half}
}

// Sweep draws a metric against the swept parameter: one line with dots
// per variant, a shaded 95% confidence band where points have one.
func Sweep(d SweepData) (*Figure, error) {
	if d.Param == "" || d.Metric == "" {
		return nil, errors.New("sweep: Param and Metric label the axes and are required")
	}
	if len(d.Series) == 0 {
		return nil, errors.New("sweep: no series to draw")
	}
	f := newFigure(1, 1)
	th := f.th
	f.Title = d.Title
	if f.Title == "" {
		f.Title = capitalise(d.Metric) + " against " + d.Param
	}
	f.Subtitle = d.Subtitle
	p := f.Panels[0][0]
	p.X.Label.Text = d.Param
	p.Y.Label.Text = d.Metric
	p.X.Tick.Marker = d.XUnit.ticker(d.LogX)
	p.Y.Tick.Marker = d.YUnit.ticker(d.LogY)
	if d.LogX {
		p.X.Scale = plot.LogScale{}
	}
	if d.LogY {
		p.Y.Scale = plot.LogScale{}
	} else {
		p.Y.Min = 0
	}
	p.Add(&grid{x: true, y: true, th: th})
	// A metric that is never negative (goodput, latency, counts) gets a
	// band clipped at zero: a symmetric interval of a few replications
	// can reach below it, a value the metric cannot take.
	nonNeg := true
	for _, s := range d.Series {
		for _, pt := range s.Points {
			if finite(pt.Y, false) && pt.Y < 0 {
				nonNeg = false
			}
		}
	}
	anySlot := slices.ContainsFunc(d.Series, func(s SweepSeries) bool { return s.Slot != 0 })
	slot := func(i int) int {
		if anySlot {
			return d.Series[i].Slot
		}
		return i
	}
	banded := false
	type line struct{ xs, ys, lo, hi []float64 }
	lines := make([]line, len(d.Series))
	for i, s := range d.Series {
		pts := append([]SweepPoint(nil), s.Points...)
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].X < pts[b].X })
		var l line
		for _, pt := range pts {
			if !finite(pt.X, d.LogX) {
				return nil, fmt.Errorf("sweep: series %q has x = %g, which the %s axis cannot show", s.Name, pt.X, map[bool]string{true: "log", false: "linear"}[d.LogX])
			}
			l.xs = append(l.xs, pt.X)
			l.ys = append(l.ys, pt.Y)
			lo, hi := math.NaN(), math.NaN()
			if finite(pt.CI, false) && pt.CI > 0 {
				lo, hi = pt.Y-pt.CI, pt.Y+pt.CI
				if nonNeg {
					lo = math.Max(lo, 0)
				}
				banded = true
			}
			l.lo = append(l.lo, lo)
			l.hi = append(l.hi, hi)
		}
		lines[i] = l
	}
	for i, l := range lines {
		p.Add(&band{xs: l.xs, lo: l.lo, hi: l.hi, color: withAlpha(VariantColor(slot(i)), 0x38), log: d.LogY})
	}
	if d.Diagonal != "" {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, l := range lines {
			for _, x := range l.xs {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
		diag := &xyLine{xs: []float64{lo, hi}, ys: []float64{lo, hi}, color: offeredGrey, dash: dashed, log: d.LogY, th: th}
		p.Add(diag)
	}
	for i, l := range lines {
		p.Add(&xyLine{xs: l.xs, ys: l.ys, color: VariantColor(slot(i)), width: 1.3, log: d.LogY, th: th})
		p.Add(&marks{xs: l.xs, ys: l.ys, color: VariantColor(slot(i)), shape: variantShape(slot(i)), log: d.LogY, th: th})
		f.legend = append(f.legend, legendEntry{label: d.Series[i].Name, color: VariantColor(slot(i)), width: 1.3, kind: markSwatch, shape: variantShape(slot(i))})
	}
	if d.Diagonal != "" {
		f.legend = append(f.legend, legendEntry{label: d.Diagonal, color: offeredGrey, dash: dashed})
	}
	if len(d.Series) <= maxEndLabels && d.Diagonal == "" {
		// Few lines: name each where it ends, instead of the legend,
		// where the names fit.
		for i, l := range lines {
			f.endLabels = append(f.endLabels, endLabel{label: d.Series[i].Name, color: VariantColor(slot(i)), y: lastFinite(l.ys)})
		}
	}
	if d.LogY {
		wholeDecades(&p.Y)
	}
	if banded {
		f.Note = "Shaded: 95% confidence interval of the mean over replications (Student's t)."
	}
	return f, nil
}

func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// lastFinite is the last value of ys that is a number (NaN if none).
func lastFinite(ys []float64) float64 {
	for i := len(ys) - 1; i >= 0; i-- {
		if !math.IsNaN(ys[i]) && !math.IsInf(ys[i], 0) {
			return ys[i]
		}
	}
	return math.NaN()
}
