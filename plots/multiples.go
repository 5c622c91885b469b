package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/stampede-sim/stampede/models/results"
)

// maxStacked is the most variants Timeseries draws on top of each other
// in one stack of panels; with more, lines of the same style in eight to
// ten colours hide each other and the legend crowds the panels out, so
// the figure becomes small multiples (one cell per variant).
const maxStacked = 4

// ghostLine is the colour of the other variants' goodput drawn faintly
// behind a cell's own, for comparison.
// Opaque, so that several of them on one value do not darken into a line
// that looks like the cell's own.
var ghostLine = color.NRGBA{0xC4, 0xC4, 0xC4, 0xff}

// multiples draws the time-series figure for many variants: a grid of
// cells, one per variant in variant order, two rows high. Each cell is
// the variant's load on the axes all cells share: the offered load as a
// band in its colour, its attempts dotted, its goodput solid, the other
// variants' goodput in light grey behind. The variant's name and recovery
// head its cell in its colour (direct labels, no legend to look up); its
// own fault windows are shaded; its recovery is a long-dashed line.
// Latency, queues and failures by reason need the stacked figure: pick up
// to maxStacked variants.
func multiples(runs []Run, o TimeseriesOptions, calls []*results.CallSeries, xs [][]float64, end float64) *Figure {
	n := len(runs)
	cols := (n + 1) / 2
	f := newFigure(2, cols)
	th := f.th
	f.Title, f.Subtitle = o.titles(runs)
	if fs := faultSummary(collectFaults(runs)); fs != "" {
		f.Subtitle += " · shaded: " + fs
	}
	f.Note = fmt.Sprintf("%d variants, one cell each. Latency, queues and failures over time: pick up to %d with --variant, or see the compare figure.", n, maxStacked)
	f.titleColors = make([][]color.Color, 2)
	for i := range f.titleColors {
		f.titleColors[i] = make([]color.Color, cols)
	}

	var loads []*plot.Plot
	floor := loadFloor(calls) // spikes far above the typical load: a log axis
	logL := floor > 0
	for i, r := range runs {
		row, col := i/cols, i%cols
		load := f.Panels[row][col]
		cell := []*plot.Plot{load}
		for _, p := range cell {
			p.X.Min, p.X.Max = 0, end
			p.X.Tick.Marker = timeTicks{hideLabels: i+cols < n}
			p.Add(&grid{x: true, y: true, th: th})
			if len(r.Results.Faults) > 0 {
				s := &spans{th: th}
				for _, fw := range r.Results.Faults {
					s.x0 = append(s.x0, fw.StartS)
					s.x1 = append(s.x1, fw.EndS)
				}
				p.Add(s)
			}
		}
		load.Title.Text = r.Name + "\n" + cellTitle(strings.TrimPrefix(verdictNote(r.Results), " — "), cols)
		if _, nb := breakerOpenings(r.Results, xs[i]); nb > 0 {
			load.Title.Text += "\n" + strings.TrimPrefix(breakerNote(nb), " · ")
		}
		f.titleColors[row][col] = textShade(VariantColor(slotOf(runs, i)))

		// Load: the offered band, the others' goodput, attempts, goodput.
		load.Y.Min = 0
		load.Y.Tick.Marker = labelTicks{format: humanNumber, n: 3, hide: col > 0}
		if logL {
			logLoad(load, floor)
			load.Y.Tick.Marker = logTicks{format: humanNumber, atMost: true, hide: col > 0}
		}
		zero := make([]float64, len(xs[i]))
		load.Add(&band{xs: xs[i], lo: zero, hi: calls[i].Offered, color: withAlpha(VariantColor(slotOf(runs, i)), 0x30), log: logL, floor: floor})
		for k := range runs {
			if k != i {
				load.Add(&xyLine{xs: xs[k], ys: calls[k].Goodput, color: ghostLine, width: 0.8, log: logL, floor: floor, th: th})
			}
		}
		load.Add(&xyLine{xs: xs[i], ys: calls[i].Attempts, color: VariantColor(slotOf(runs, i)), dash: dotted, width: 1.1, log: logL, floor: floor, th: th})
		load.Add(&xyLine{xs: xs[i], ys: calls[i].Goodput, color: VariantColor(slotOf(runs, i)), width: 1.4, log: logL, floor: floor, th: th})

		if col == 0 {
			load.Y.Label.Text = o.loadLabel()
			if logL {
				load.Y.Label.Text += " (log)"
			}
		}
		rec := r.Results.Summary.Recovery
		if rec.Verdict == results.Recovered && rec.RecoveryS != nil {
			for _, p := range cell {
				p.Add(&vline{x: rec.FaultEndS + *rec.RecoveryS, color: VariantColor(slotOf(runs, i)), dash: longDash, width: 0.8, th: th})
			}
		}
		loads = append(loads, load)
	}
	// Empty cells (an odd number of variants) draw nothing.
	for i := n; i < 2*cols; i++ {
		f.Panels[i/cols][i%cols] = nil
	}
	shareY(loads, 1.06)
	if logL {
		for _, p := range loads {
			p.Y.Min = floor
			p.Y.Max *= 1.2
			niceLogRange(&p.Y)
		}
	}
	// Triggers that are not faults (interventions, cache expiry waves,
	// job bursts): a line across every cell, named in the subtitle.
	marks := capMarks(append(slices.Clone(o.Marks), triggerMarks(runs)...))
	addMarkLines(f.Panels, marks, th)
	if ms := markSummary(marks); ms != "" {
		f.Subtitle += " · dash-dot: " + ms
	}

	f.legend = []legendEntry{
		{label: "offered", color: withAlpha(textColor, 0x30), kind: boxSwatch},
		{label: "attempts", color: textColor, dash: dotted, width: 1.1},
		{label: "goodput", color: textColor, width: 1.4},
		{label: "others' goodput", color: ghostLine, width: 0.8},
	}
	if anyRecovered(runs) {
		f.legend = append(f.legend, legendEntry{label: "recovered", color: textColor, dash: longDash, width: 0.8})
	}
	return f
}

// shareY gives plots one y range, the union of theirs, with headroom on a
// linear axis so that the highest line is not drawn on the frame.
func shareY(ps []*plot.Plot, headroom float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		lo, hi = math.Min(lo, p.Y.Min), math.Max(hi, p.Y.Max)
	}
	for _, p := range ps {
		p.Y.Min, p.Y.Max = lo, hi
		if p.Y.Scale == (plot.LinearScale{}) && hi > 0 && !math.IsInf(hi, 0) {
			p.Y.Max = hi * headroom
		}
	}
}

// faultSummary names the fault windows in words, with when they ran:
// "api: capacity loss 1m–1m15s; users: load spike 1m–1m15s".
func faultSummary(faults []results.FaultWindow) string {
	var parts []string
	for _, fw := range faults {
		when := HumanSeconds(fw.StartS)
		if fw.EndS > fw.StartS {
			when += "–" + HumanSeconds(fw.EndS)
		}
		parts = append(parts, faultLabel(fw)+" "+when)
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("%d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}

// markSummary names the marks in words, with when they happened:
// "users: rate 900/s at 1m30s; db: cache expiry wave at 2m".
func markSummary(marks []Mark) string {
	var parts []string
	for _, m := range marks {
		parts = append(parts, m.Label+" at "+HumanSeconds(m.AtS))
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("%d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}

// textShade darkens c until text in it reads on white (relative
// luminance at most 0.3): Okabe-Ito yellow and sky blue are faint as
// type.
func textShade(c color.Color) color.Color {
	for t := 0.0; t < 1; t += 0.05 {
		d := lerpColor(c, color.Black, t)
		if luminance(d) <= 0.3 {
			return d
		}
	}
	return color.Black
}

// cellTitle wraps a cell's verdict to the about 110/cols characters a
// cell's width holds, keeping a parenthesis on one line: "undecided" over
// "(run too short)".
func cellTitle(note string, cols int) string {
	kept := []byte(note)
	depth := 0
	for i, b := range kept {
		switch {
		case b == '(':
			depth++
		case b == ')':
			depth--
		case b == ' ' && depth > 0:
			kept[i] = 0
		}
	}
	lines := wrapWords(string(kept), vg.Length(110/cols), func(s string) vg.Length { return vg.Length(len(s)) })
	return strings.ReplaceAll(strings.Join(lines, "\n"), "\x00", " ")
}
