package plots

import (
	"math"

	"gonum.org/v1/plot"
)

// LatencyOptions tunes LatencyCDF. The zero value draws no SLO line.
type LatencyOptions struct {
	// Title and Subtitle head the figure; an empty Title means "Latency
	// of successful calls".
	Title, Subtitle string
	// SLO is a latency objective in seconds, drawn as a vertical line;
	// zero means none.
	SLO float64
}

// ninesMax is where "max" sits on the nines axis: past 99.9% (3 nines),
// with a gap that says the maximum is not a quantile like the others.
const ninesMax = 3.6

// nines is the transform of the quantile axis: q -> -log10(1-q), so 50%,
// 90%, 99% and 99.9% are evenly spaced and the tail gets the room it
// deserves; q = 1 (the maximum) goes to ninesMax.
func nines(q float64) float64 {
	if q >= 1 {
		return ninesMax
	}
	if q <= 0 {
		return 0
	}
	return math.Min(ninesMax, -math.Log10(1-q))
}

// ninesScale is a plot.Normalizer for quantiles on the nines transform.
type ninesScale struct{}

func (ninesScale) Normalize(min, max, x float64) float64 {
	a, b := nines(min), nines(max)
	return (nines(x) - a) / (b - a)
}

var ninesTicks = plot.ConstantTicks{
	{Value: 0, Label: "0%"}, {Value: 0.5, Label: "50%"}, {Value: 0.9, Label: "90%"},
	{Value: 0.99, Label: "99%"}, {Value: 0.999, Label: "99.9%"}, {Value: 1, Label: "max"},
}

// LatencyCDF draws the distribution of successful-call latency per
// variant: the fraction of calls at or under a latency (y, on a "nines"
// axis that spreads out the tail) against the latency (x, log axis).
//
// Results carry the whole-run quantiles p50, p90, p99, p99.9 and the
// maximum, not a histogram, so each curve is the step function through
// those points: a lower bound of the true CDF that meets it at each dot.
// The figure's note says so.
func LatencyCDF(runs []Run, o LatencyOptions) (*Figure, error) {
	if err := checkRuns(runs); err != nil {
		return nil, err
	}
	f := newFigure(1, 1)
	th := f.th
	f.Title = o.Title
	if f.Title == "" {
		f.Title = "Latency of successful calls"
	}
	f.Subtitle = o.Subtitle
	f.Note = "Steps through the whole-run p50, p90, p99, p99.9 and max (markers): the true curve passes through each marker."
	p := f.Panels[0][0]
	p.X.Label.Text = "latency"
	p.Y.Label.Text = "calls at or under (quantile)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{format: humanSeconds, labelEnds: true, denseDecades: 2}
	p.Y.Scale = ninesScale{}
	p.Y.Tick.Marker = ninesTicks
	p.Y.Min, p.Y.Max = 0, 1
	p.Add(&grid{x: true, y: true, th: th})
	empty := true
	for i, r := range runs {
		l := r.Results.Summary.Latency
		qs := []float64{0.5, 0.9, 0.99, 0.999, 1}
		xs := []float64{l.P50, l.P90, l.P99, l.P999, l.Max}
		if !(l.P50 > 0) {
			f.legend = append(f.legend, legendEntry{label: r.Name + " — no successful call", color: VariantColor(i), width: 1.3})
			continue
		}
		empty = false
		// The step: up at each quantile's latency, then across to the next.
		sx := []float64{xs[0]}
		sy := []float64{0}
		for k := range xs {
			sx = append(sx, xs[k])
			sy = append(sy, qs[k])
			if k+1 < len(xs) {
				sx = append(sx, xs[k+1])
				sy = append(sy, qs[k])
			}
		}
		p.Add(&xyLine{xs: sx, ys: sy, color: VariantColor(i), width: 1.3, th: th})
		p.Add(&marks{xs: xs, ys: qs, color: VariantColor(i), shape: variantShape(i), th: th})
		f.legend = append(f.legend, legendEntry{label: r.Name, color: VariantColor(i), width: 1.3, kind: markSwatch, shape: variantShape(i)})
	}
	if o.SLO > 0 {
		p.Add(&vline{x: o.SLO, color: textColor, dash: dashDot, th: th})
		p.X.Min = math.Min(p.X.Min, o.SLO)
		p.X.Max = math.Max(p.X.Max, o.SLO)
		f.legend = append(f.legend, legendEntry{label: "SLO " + HumanSeconds(o.SLO), color: textColor, dash: dashDot})
	}
	if empty && o.SLO <= 0 {
		p.X.Min, p.X.Max = 0.001, 1
	}
	p.Y.Min, p.Y.Max = 0, 1
	niceLogRange(&p.X)
	return f, nil
}
