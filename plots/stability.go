package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"github.com/stampede-sim/stampede/models/results"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StabilityData is the recovery verdict over a two-parameter sweep: one
// cell per pair of values.
type StabilityData struct {
	// Title and Subtitle head the figure; an empty Title means "Where
	// the system recovers".
	Title, Subtitle string
	// XParam and YParam label the axes: the parameters and their units.
	// Required.
	XParam, YParam string
	// XUnit and YUnit say how the parameter values are written.
	XUnit, YUnit Unit
	// X and Y are the parameter values of the columns (left to right) and
	// rows (bottom to top). Cells are drawn evenly spaced whatever the
	// values, each labelled with its value.
	X, Y []float64
	// Maps holds one grid per variant, drawn side by side in VariantColor
	// order (up to three a row).
	Maps []StabilityGrid
	// Boundaries, if any, are margins drawn over the maps of their
	// variants (stampede margin --plot).
	Boundaries []StabilityBoundary
}

// StabilityGrid is one variant's verdicts over the sweep.
type StabilityGrid struct {
	// Name is the variant's name; it heads the map (when there are
	// several).
	Name string
	// Cells[j][i] is the cell at Y[j], X[i].
	Cells [][]StabilityCell
}

// StabilityCell is the verdict at one point of the sweep, over its
// replications.
type StabilityCell struct {
	// Runs is the number of runs (replications) judged; zero means no
	// data, and the cell is left blank.
	Runs int
	// Recovered is how many of them recovered; -1 means some but not all,
	// how many unknown (a summary that only says the verdicts differed).
	Recovered int
	// RecoveryS is the mean recovery time of those that recovered (s
	// after the last fault ended).
	RecoveryS float64
	// Verdict is the most common verdict of the runs that did not
	// recover (NotRecovered, CollapsedBeforeFault, ...); it colours the
	// cell when none recovered.
	Verdict results.Verdict
}

// CellOf judges one sweep point from its replications' results.
func CellOf(rs ...*results.Results) StabilityCell {
	var c StabilityCell
	counts := map[results.Verdict]int{}
	sum := 0.0
	for _, r := range rs {
		if r == nil {
			continue
		}
		c.Runs++
		rec := r.Summary.Recovery
		if rec.Verdict == results.Recovered && rec.RecoveryS != nil {
			c.Recovered++
			sum += *rec.RecoveryS
			continue
		}
		counts[rec.Verdict]++
	}
	if c.Recovered > 0 {
		c.RecoveryS = sum / float64(c.Recovered)
		c.Verdict = results.Recovered
	}
	best := -1
	for v := results.NoFaults; v <= results.Undecided; v++ {
		if counts[v] > best && counts[v] > 0 {
			best, c.Verdict = counts[v], v
		}
	}
	if c.Recovered == c.Runs && c.Runs > 0 {
		c.Verdict = results.Recovered
	}
	return c
}

// Colours of the stability map: a light-to-dark blue ramp for recovery
// time (darker is slower, closer to trouble), then distinct hues for the
// verdicts (Okabe-Ito vermilion and yellow, greys).
var (
	rampFast    = color.NRGBA{0xDE, 0xEB, 0xF7, 0xff}
	rampSlow    = color.NRGBA{0x08, 0x45, 0x94, 0xff}
	notRecColor = oiVermilion
	mixedColor  = oiYellow
	collapsedC  = color.NRGBA{0x33, 0x33, 0x33, 0xff}
	unknownC    = color.NRGBA{0xCC, 0xCC, 0xCC, 0xff}
)

// cellClass is how a cell is coloured.
type cellClass uint8

const (
	classEmpty cellClass = iota
	classRecovered
	classMixed
	classNotRecovered
	classCollapsed
	classUnknown
)

func classOf(c StabilityCell) cellClass {
	switch {
	case c.Runs == 0:
		return classEmpty
	case c.Recovered == c.Runs:
		return classRecovered
	case c.Recovered > 0 || c.Recovered < 0:
		return classMixed
	case c.Verdict == results.NotRecovered:
		return classNotRecovered
	case c.Verdict == results.CollapsedBeforeFault:
		return classCollapsed
	}
	return classUnknown
}

// StabilityMap draws a heatmap over a two-parameter sweep: blue cells
// recovered (darker took longer, each labelled with its recovery time),
// vermilion cells did not recover (the metastable region), yellow cells
// recovered in some replications only (labelled k/n), dark cells had
// collapsed before the fault, grey cells could not be judged. The legend
// says what each colour means.
func StabilityMap(d StabilityData) (*Figure, error) {
	if d.XParam == "" || d.YParam == "" {
		return nil, errors.New("stability map: XParam and YParam label the axes and are required")
	}
	if len(d.X) == 0 || len(d.Y) == 0 {
		return nil, errors.New("stability map: no parameter values")
	}
	if len(d.Maps) == 0 {
		return nil, errors.New("stability map: no maps")
	}
	for _, m := range d.Maps {
		if len(m.Cells) != len(d.Y) {
			return nil, fmt.Errorf("stability map %q: %d rows of cells for %d Y values", m.Name, len(m.Cells), len(d.Y))
		}
		for j, row := range m.Cells {
			if len(row) != len(d.X) {
				return nil, fmt.Errorf("stability map %q: row %d has %d cells for %d X values", m.Name, j, len(row), len(d.X))
			}
		}
	}
	cols := min(len(d.Maps), 3)
	rows := (len(d.Maps) + cols - 1) / cols
	f := newFigure(rows, cols)
	th := f.th
	f.Title = d.Title
	if f.Title == "" {
		f.Title = "Where the system recovers"
	}
	f.Subtitle = d.Subtitle
	// One colour scale for recovery times across all maps.
	lo, hi := math.Inf(1), math.Inf(-1)
	present := map[cellClass]bool{}
	for _, m := range d.Maps {
		for _, row := range m.Cells {
			for _, c := range row {
				cl := classOf(c)
				present[cl] = true
				if cl == classRecovered {
					lo, hi = math.Min(lo, c.RecoveryS), math.Max(hi, c.RecoveryS)
				}
			}
		}
	}
	drawn := false
	for k := range rows * cols {
		i, j := k/cols, k%cols
		if k >= len(d.Maps) {
			f.Panels[i][j] = nil
			continue
		}
		p := f.Panels[i][j]
		if len(d.Maps) > 1 {
			p.Title.Text = d.Maps[k].Name
		}
		if i == rows-1 || k+cols >= len(d.Maps) {
			p.X.Label.Text = d.XParam
		}
		if j == 0 {
			p.Y.Label.Text = d.YParam
		}
		p.X.Tick.Marker = valueTicks(d.X, d.XUnit)
		p.Y.Tick.Marker = valueTicks(d.Y, d.YUnit)
		p.X.Min, p.X.Max = -0.5, float64(len(d.X))-0.5
		p.Y.Min, p.Y.Max = -0.5, float64(len(d.Y))-0.5
		p.X.Padding, p.Y.Padding = 0, 0
		p.Add(&cellPlot{cells: d.Maps[k].Cells, th: th, lo: lo, hi: hi})
		for _, b := range d.Boundaries {
			if b.Variant == d.Maps[k].Name && len(b.Points) > 0 {
				addBoundary(p, th, b, d.X, d.Y)
				drawn = true
			}
		}
	}
	if drawn {
		f.legend = append(f.legend, legendEntry{label: "margin (bisection), shaded: its bracket", color: boundaryInk, width: 1.6, kind: markSwatch})
		if f.Note == "" {
			f.Note = "Margin: at each duration searched, the shade spans the largest trigger survived to the smallest that tipped."
		}
	}
	if present[classRecovered] {
		f.legend = append(f.legend, legendEntry{label: "recovered, in", kind: rampSwatch,
			color: rampFast, color2: rampSlow, lo: cellSeconds(lo), hi: cellSeconds(hi)})
	}
	if present[classMixed] {
		f.legend = append(f.legend, legendEntry{label: "in some replications (k/n)", kind: boxSwatch, color: mixedColor})
	}
	if present[classNotRecovered] {
		f.legend = append(f.legend, legendEntry{label: "did not recover", kind: boxSwatch, color: notRecColor})
	}
	if present[classCollapsed] {
		f.legend = append(f.legend, legendEntry{label: "collapsed before the fault", kind: boxSwatch, color: collapsedC})
	}
	if present[classUnknown] {
		f.legend = append(f.legend, legendEntry{label: "not judged", kind: boxSwatch, color: unknownC})
	}
	return f, nil
}

// valueTicks labels cell i with vals[i].
func valueTicks(vals []float64, u Unit) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(vals))
	for i, v := range vals {
		ticks[i] = plot.Tick{Value: float64(i), Label: u.format(v, 3)}
	}
	return ticks
}

// cellPlot draws the cells of a stability map.
type cellPlot struct {
	cells  [][]StabilityCell
	lo, hi float64 // range of recovery times of fully recovered cells
	th     *theme
}

func (cp *cellPlot) color(c StabilityCell) color.Color {
	switch classOf(c) {
	case classRecovered:
		t := 0.5
		if cp.hi > cp.lo {
			t = (c.RecoveryS - cp.lo) / (cp.hi - cp.lo)
		}
		return lerpColor(rampFast, rampSlow, t)
	case classMixed:
		return mixedColor
	case classNotRecovered:
		return notRecColor
	case classCollapsed:
		return collapsedC
	case classUnknown:
		return unknownC
	}
	return nil
}

func (cp *cellPlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	st := cp.th.style(0.8, false)
	st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
	gap := cp.th.hair * 2
	for j, row := range cp.cells {
		for i, cell := range row {
			col := cp.color(cell)
			if col == nil {
				continue
			}
			x0, x1 := trX(float64(i)-0.5)+gap, trX(float64(i)+0.5)-gap
			y0, y1 := trY(float64(j)-0.5)+gap, trY(float64(j)+0.5)-gap
			c.FillPolygon(col, rect(x0, y0, x1, y1))
			label := ""
			switch classOf(cell) {
			case classRecovered:
				label = cellSeconds(cell.RecoveryS)
			case classMixed:
				label = fmt.Sprintf("%d/%d", cell.Recovered, cell.Runs)
				if cell.Recovered < 0 {
					label = "some"
				}
			}
			fits := func(l string) bool { return st.Width(l) <= (x1-x0)*0.9 && st.Height(l) <= (y1-y0)*0.9 }
			if label != "" && !fits(label) && classOf(cell) == classRecovered && cell.RecoveryS < 1 {
				label = "<1s" // "330ms" is wider than a cell that holds "4.3s"
			}
			if label == "" || !fits(label) {
				continue
			}
			st.Color = textColor
			if luminance(col) < 0.2 {
				st.Color = color.White
			}
			c.FillText(st, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, label)
		}
	}
}

// luminance is the relative luminance of c in [0, 1] (sRGB, ITU-R BT.709
// weights on gamma-decoded channels), to pick a readable label colour.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// cellSeconds writes a recovery time in two significant digits, zero as
// "0s" (it reads as a time, not a count).
func cellSeconds(s float64) string {
	if s == 0 {
		return "0s"
	}
	return humanSeconds(s, 2)
}
