package plots

import (
	"image/color"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stampede-sim/stampede/models/results"
)

// The fault strip above a time series' top panel: the fault windows
// labelled in words, and the variants' recoveries.

// collectFaults returns the fault windows of all runs without duplicates,
// in start order (variants usually share one timeline).
func collectFaults(runs []Run) []results.FaultWindow {
	var out []results.FaultWindow
	seen := map[results.FaultWindow]bool{}
	for _, r := range runs {
		for _, fw := range r.Results.Faults {
			if !seen[fw] {
				seen[fw] = true
				out = append(out, fw)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartS < out[j].StartS })
	return out
}

// faultRows is how many label rows the fault strip needs: labels of
// faults that overlap in time go on separate rows. It is an estimate made
// before the layout is known; drawFaultStrip places labels for real.
func faultRows(faults []results.FaultWindow) int {
	rows := 1
	var ends []float64
	for _, fw := range faults {
		placed := false
		for r := range ends {
			if fw.StartS >= ends[r] {
				ends[r] = fw.EndS
				placed = true
				break
			}
		}
		if !placed {
			ends = append(ends, fw.EndS)
		}
	}
	rows = max(rows, len(ends))
	return min(rows, 4)
}

func anyRecovered(runs []Run) bool {
	for _, r := range runs {
		if r.Results.Summary.Recovery.Verdict == results.Recovered && r.Results.Summary.Recovery.RecoveryS != nil {
			return true
		}
	}
	return false
}

// faultLabel names a fault window in words: "api: capacity loss".
func faultLabel(fw results.FaultWindow) string {
	kind := strings.ReplaceAll(fw.Kind, "_", " ")
	if fw.Target == "" {
		return kind
	}
	return fw.Target + ": " + kind
}

// faultHits returns the indices of the runs a fault window hits (the runs
// whose results list it).
func faultHits(fw results.FaultWindow, runs []Run) []int {
	var hit []int
	for i, r := range runs {
		if slices.Contains(r.Results.Faults, fw) {
			hit = append(hit, i)
		}
	}
	return hit
}

// faultLabelFor is faultLabel followed by the variants the window hits
// when it does not hit every run drawn ("shop: load spike · sustained",
// "· base, queue", "· all but sustained", "· 3 variants"), and the colour
// to write it in: the variant's when it hits one.
func faultLabelFor(fw results.FaultWindow, runs []Run) (string, color.Color) {
	label := faultLabel(fw)
	hit := faultHits(fw, runs)
	if len(hit) == 0 || len(hit) == len(runs) {
		return label, mutedText
	}
	names := make([]string, len(hit))
	for k, i := range hit {
		names[k] = runs[i].Name
	}
	if len(names) > 2 {
		if len(runs)-len(hit) == 1 {
			for i := range runs {
				if !slices.Contains(hit, i) {
					return label + " · all but " + runs[i].Name, mutedText
				}
			}
		}
		return label + " · " + strconv.Itoa(len(names)) + " variants", mutedText
	}
	if len(hit) == 1 {
		return label + " · " + names[0], VariantColor(slotOf(runs, hit[0]))
	}
	return label + " · " + strings.Join(names, ", "), mutedText
}

// drawFaultStrip labels the fault windows above the top panel and marks
// each variant's recovery with a small triangle in its colour.
func drawFaultStrip(c draw.Canvas, th theme, band vg.Rectangle, data draw.Canvas, p *plot.Plot, faults []results.FaultWindow, runs []Run) {
	trX, _ := p.Transforms(&data)
	st := th.style(0.8, false)
	st.Color = mutedText
	st.YAlign = draw.YBottom
	lineH := st.Height("Mg") * 1.15
	var rowEnds []vg.Length // right edge of the last label on each row
	for _, fw := range faults {
		x0, x1 := trX(fw.StartS), trX(fw.EndS)
		label, col := faultLabelFor(fw, runs)
		st.Color = col
		w := st.Width(label)
		x := (x0+x1)/2 - w/2 // centred over the window...
		if x1-x0 < w {
			x = x0 // ...or starting at it when the window is narrow
		}
		x = max(x, band.Min.X)
		x = min(x, band.Max.X-w)
		row := -1
		for r, e := range rowEnds {
			if x >= e+th.base*0.5 {
				row = r
				break
			}
		}
		if row < 0 {
			row = len(rowEnds)
			rowEnds = append(rowEnds, 0)
		}
		rowEnds[row] = x + w
		y := band.Min.Y + th.base*0.25 + vg.Length(row)*lineH
		if anyRecovered(runs) {
			y += th.base * 0.6 // the recovery triangles' row
		}
		// A bracket over the window, then the label.
		ls := draw.LineStyle{Color: faultEdge, Width: th.hair * 1.5}
		if x1-x0 >= th.hair*2 && row == 0 {
			c.StrokeLines(ls, []vg.Point{{X: x0, Y: y - th.base*0.2}, {X: x0, Y: y}, {X: x1, Y: y}, {X: x1, Y: y - th.base*0.2}})
		}
		c.FillText(st, vg.Point{X: x, Y: y + th.hair*2}, label)
	}
	// Recovery triangles on the band's bottom edge.
	for i, r := range runs {
		rec := r.Results.Summary.Recovery
		if rec.Verdict != results.Recovered || rec.RecoveryS == nil {
			continue
		}
		x := trX(rec.FaultEndS + *rec.RecoveryS)
		if x < band.Min.X || x > band.Max.X {
			continue
		}
		s := th.base * 0.3
		y := band.Min.Y
		c.FillPolygon(VariantColor(slotOf(runs, i)), []vg.Point{{X: x, Y: y}, {X: x - s, Y: y + s*1.5}, {X: x + s, Y: y + s*1.5}})
	}
}
