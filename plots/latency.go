package plots

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"

	"github.com/stampede-sim/stampede/models/results"
)

// LatencyOptions tunes LatencyCDF. The zero value draws no SLO line.
type LatencyOptions struct {
	// Title and Subtitle head the figure; an empty Title means "Latency
	// of successful calls".
	Title, Subtitle string
	// SLO is a latency objective in seconds, drawn as a vertical line;
	// zero means none.
	SLO float64
	// Client names the client whose calls are drawn; empty means all
	// clients together.
	Client string
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
// When the results carry the latency histogram (Latency.Histogram), each
// curve is the exact empirical CDF at every bucket bound (buckets are at
// most 1/64 of their bound wide), from the 1% quantile up, drawn as steps
// (flat across a range with no calls, up at the bucket that holds them: a
// straight line would draw a latency no call had across a log axis), and
// ends at the exact maximum. The legend gives each variant's share of
// successful calls, since the curves describe only those. Older results carry only
// the whole-run p50, p90, p99, p99.9 and maximum: the curve is then the
// step function through those points, a lower bound of the true CDF that
// meets it at each marker. Markers sit at those five points either way;
// the figure's note says which curve it is.
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
	exact, steps, curves := 0, 0, 0
	for i, r := range runs {
		sum := r.Results.Summary
		calls, succeeded, l := sum.Calls, sum.Succeeded, sum.Latency
		if o.Client != "" {
			c, ok := sum.Clients[o.Client]
			if !ok {
				return nil, fmt.Errorf("variant %q: no client %q in the results (clients: %s)", r.Name, o.Client, strings.Join(sortedKeys(sum.Clients), ", "))
			}
			calls, succeeded, l = c.Calls, c.Succeeded, c.Latency
		}
		qs := []float64{0.5, 0.9, 0.99, 0.999, 1}
		xs := []float64{l.P50, l.P90, l.P99, l.P999, l.Max}
		if succeeded == 0 {
			f.legend = append(f.legend, legendEntry{label: r.Name + " — no successful call", color: VariantColor(slotOf(runs, i)), width: 1.3})
			continue
		}
		share := successShare(calls, succeeded)
		if !(l.Max > 0) {
			// Successes answered at once (a call that only enqueues work):
			// there is nothing to draw on a log axis.
			f.legend = append(f.legend, legendEntry{label: r.Name + share + ", every one at 0s", color: VariantColor(slotOf(runs, i)), width: 1.3})
			continue
		}
		empty = false
		sx, sy := histogramCDF(l)
		if sx != nil {
			exact++
		} else {
			steps++
			sx, sy = quantileSteps(xs, qs)
		}
		p.Add(&xyLine{xs: sx, ys: sy, color: VariantColor(slotOf(runs, i)), width: 1.3, th: th})
		p.Add(&marks{xs: xs, ys: qs, color: VariantColor(slotOf(runs, i)), shape: variantShape(slotOf(runs, i)), th: th})
		f.legend = append(f.legend, legendEntry{label: r.Name + share, color: VariantColor(slotOf(runs, i)), width: 1.3, kind: markSwatch, shape: variantShape(slotOf(runs, i))})
		f.lines = append(f.lines, polyline{xs: sx, ys: sy})
		// Named beside a marker of its tail where the name fits: p99,
		// p90, p99.9, then p50.
		f.inLabels = append(f.inLabels, inLabel{label: r.Name + share, color: VariantColor(slotOf(runs, i)),
			at: [][2]float64{{xs[2], qs[2]}, {xs[1], qs[1]}, {xs[3], qs[3]}, {xs[0], qs[0]}}, marked: true})
		curves++
	}
	switch {
	case steps == 0:
		f.Note = "Exact distribution from each run's latency histogram (steps at bucket bounds, buckets under 1.6% wide); markers at p50, p90, p99, p99.9 and max."
	case exact == 0:
		f.Note = "Steps through the whole-run p50, p90, p99, p99.9 and max (markers): the true curve passes through each marker."
	default:
		f.Note = "Exact distributions where the results hold a latency histogram; otherwise steps through p50, p90, p99, p99.9 and max (markers)."
	}
	if o.SLO > 0 {
		p.Add(&vline{x: o.SLO, color: textColor, dash: dashDot, th: th})
		p.X.Min = math.Min(p.X.Min, o.SLO)
		p.X.Max = math.Max(p.X.Max, o.SLO)
		f.legend = append(f.legend, legendEntry{label: "SLO " + HumanSeconds(o.SLO), color: textColor, dash: dashDot})
	}
	if curves != len(runs) || curves > maxEndLabels {
		// A variant with no curve to name, or too many: the legend.
		f.inLabels, f.lines = nil, nil
	} else if o.SLO > 0 {
		f.lines = append(f.lines, polyline{xs: []float64{o.SLO, o.SLO}, ys: []float64{0, 1}})
		f.inLabels = append(f.inLabels, inLabel{label: "SLO " + HumanSeconds(o.SLO), color: textColor,
			at: [][2]float64{{o.SLO, 0.5}, {o.SLO, 0.9}, {o.SLO, 0.2}, {o.SLO, 0.99}}})
	}
	if empty && o.SLO <= 0 {
		p.X.Min, p.X.Max = 0.001, 1
	}
	p.Y.Min, p.Y.Max = 0, 1
	niceLogRange(&p.X)
	return f, nil
}

// cdfFrom is the lowest fraction of calls a histogram curve starts from:
// the faster 1% would stretch the log axis over decades of a few stray
// calls while the nines axis gives them no height.
const cdfFrom = 0.01

// cdfTop is the highest fraction drawn from the histogram: above it the
// nines axis runs into the gap before the maximum, which the curve then
// joins directly.
var cdfTop = 1 - math.Pow(10, -(ninesMax-0.2))

// histogramCDF returns the points of the empirical CDF of l's histogram:
// (bound, fraction at or under it) from the last bound under cdfFrom (or
// from zero at the first bound) up to cdfTop, then (max, 1). It returns
// nil when l has no histogram.
func histogramCDF(l results.Latency) (xs, ys []float64) {
	var n float64
	for _, b := range l.Histogram {
		n += b[1]
	}
	if !(n > 0) {
		return nil, nil
	}
	top := l.Max
	if !(top > 0) {
		top = l.Histogram[len(l.Histogram)-1][0]
	}
	var cum float64
	for _, b := range l.Histogram {
		cum += b[1]
		x, y := math.Min(b[0], top), cum/n
		switch {
		case y < cdfFrom:
			xs, ys = append(xs[:0], x), append(ys[:0], y)
			continue
		case len(xs) == 0:
			xs, ys = append(xs, x), append(ys, 0)
		}
		if last := len(xs) - 1; x > xs[last] {
			xs, ys = append(xs, x), append(ys, ys[last]) // flat to this bound
		}
		if y > cdfTop || y >= 1 {
			// Up to the top of the drawn range at this bound (unless it is
			// the maximum's); the rest joins the maximum.
			if x < top {
				xs, ys = append(xs, x), append(ys, math.Max(cdfTop, ys[len(ys)-1]))
			}
			break
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	if last := len(xs) - 1; top > xs[last] {
		xs, ys = append(xs, top), append(ys, ys[last])
	}
	return append(xs, top), append(ys, 1)
}

// successShare is what the latency legend adds after a variant's name:
// the share of its calls that succeeded (the curve describes only those),
// " — 21% succeeded"; nothing when all but a few in a ten thousand did
// (calls still in flight at the end count as not succeeded).
func successShare(calls, succeeded results.Count) string {
	if calls <= 0 || float64(succeeded) >= float64(calls)*0.9995 {
		return ""
	}
	return " — " + percentLabel(float64(succeeded)/float64(calls)) + " succeeded"
}

// quantileSteps returns the step function through the quantiles qs at
// latencies xs: up at each quantile's latency, then across to the next.
func quantileSteps(xs, qs []float64) (sx, sy []float64) {
	sx, sy = []float64{xs[0]}, []float64{0}
	for k := range xs {
		sx = append(sx, xs[k])
		sy = append(sy, qs[k])
		if k+1 < len(xs) {
			sx = append(sx, xs[k+1])
			sy = append(sy, qs[k])
		}
	}
	return sx, sy
}

// percentLabel writes a share in [0, 1] as a percentage with up to three
// significant digits, never rounding a share short of 1 up to "100%".
func percentLabel(v float64) string {
	if v < 1 && v*100 >= 99.95 {
		return ">99.9%"
	}
	return trimFloat(v*100, 3) + "%"
}
