package tui

import (
	"math"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/NimbleMarkets/ntcharts/v2/canvas"
	"github.com/NimbleMarkets/ntcharts/v2/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/v2/linechart"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// line is one series of a chart: y over x (NaN breaks the line).
type line struct {
	xs, ys []float64
	style  lipgloss.Style
}

// chartSpec is what a chart shows: lines over time [0, xmax] seconds, the
// fault windows, and a cursor (NaN for none).
type chartSpec struct {
	title   string
	lines   []line
	xmax    float64
	yfmt    func(float64) string
	windows []results.FaultWindow
	cursor  float64
}

// renderChart draws a chart w cells wide and h lines high (title
// included) with ntcharts: axes and labels from linechart, one braille
// grid per line so that each keeps its colour, fault windows as a red
// stretch of the time axis over a shaded background, the cursor as a
// vertical line.
func renderChart(c chartSpec, w, h int) string {
	title := truncate(c.title, w)
	if h < 4 || w < 12 {
		return title
	}
	ch := h - 1
	ymax := 0.0
	for _, l := range c.lines {
		for _, y := range l.ys {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				ymax = math.Max(ymax, y)
			}
		}
	}
	ymax = niceCeil(ymax)
	xmax := c.xmax
	if !(xmax > 0) {
		xmax = 1
	}
	gh := ch - 2 // graph rows: the x axis and its labels take two
	ystep := gh
	if gh >= 6 && gh%2 == 0 {
		ystep = gh / 2
	}
	yfmt := c.yfmt
	if yfmt == nil {
		yfmt = format.ShortNumber
	}
	lc := linechart.New(w, ch, 0, xmax, 0, ymax,
		linechart.WithXYSteps(max(w/6, 8), ystep),
		linechart.WithXLabelFormatter(func(_ int, v float64) string { return fmtAxisTime(v, xmax) }),
		linechart.WithYLabelFormatter(func(_ int, v float64) string { return yfmt(v) }),
		linechart.WithStyles(axisStyle, dim, lipgloss.NewStyle()),
	)
	lc.DrawXYAxisAndLabel()
	gw, gH := lc.GraphWidth(), lc.GraphHeight()
	if gw < 2 || gH < 1 {
		return title
	}
	x0 := lc.Origin().X + 1
	col := func(x float64) int {
		dots := 2*gw - 1
		d := int(math.Round(math.Max(0, math.Min(x/xmax, 1)) * float64(dots)))
		return x0 + d/2
	}
	for _, l := range c.lines {
		g := graph.NewBrailleGrid(gw, gH, 0, xmax, 0, ymax)
		var prev canvas.Point
		have := false
		for i := range l.xs {
			y := l.ys[i]
			if math.IsNaN(y) || math.IsInf(y, 0) {
				have = false
				continue
			}
			p := g.GridPoint(canvas.Float64Point{X: l.xs[i], Y: math.Min(y, ymax)})
			if have {
				for _, q := range graph.GetLinePoints(prev, p) {
					g.Set(q)
				}
			} else {
				g.Set(p)
			}
			prev, have = p, true
		}
		graph.DrawBraillePatterns(&lc.Canvas, canvas.Point{X: x0, Y: 0}, g.BraillePatterns(), l.style)
	}
	axisY := lc.Origin().Y
	timeLabels(&lc, x0, gw, xmax, col)
	for _, win := range c.windows {
		c0, c1 := col(win.StartS), col(win.EndS)
		for x := c0; x <= c1; x++ {
			lc.Canvas.SetCell(canvas.Point{X: x, Y: axisY}, canvas.NewCellWithStyle('━', faultStyle))
			for y := 0; y < axisY; y++ {
				p := canvas.Point{X: x, Y: y}
				if st := lc.Canvas.GetCellStyle(p); st != nil {
					lc.Canvas.SetCellStyle(p, st.Background(faultShade))
				}
			}
		}
	}
	if !math.IsNaN(c.cursor) {
		x := col(c.cursor)
		for y := 0; y < axisY; y++ {
			p := canvas.Point{X: x, Y: y}
			if lc.Canvas.Cell(p).Rune == 0 {
				lc.Canvas.SetCell(p, canvas.NewCellWithStyle('│', cursorLine))
			}
		}
		lc.Canvas.SetCell(canvas.Point{X: x, Y: axisY}, canvas.NewCellWithStyle('┴', cursorLine))
	}
	return title + "\n" + lc.View()
}

// timeLabels replaces linechart's time labels (at whatever value falls
// under every n-th column) with labels at round times.
func timeLabels(lc *linechart.Model, x0, gw int, xmax float64, col func(float64) int) {
	y := lc.Origin().Y + 1
	w := lc.Canvas.Width()
	for x := range w {
		lc.Canvas.SetCell(canvas.Point{X: x, Y: y}, canvas.Cell{})
	}
	labelW := len(fmtAxisTime(xmax, xmax)) + 2
	step := 0.0
	for _, s := range []float64{1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400} {
		if s/xmax*float64(gw) >= float64(labelW) {
			step = s
			break
		}
	}
	if step == 0 {
		step = xmax
	}
	next := 0
	for t := 0.0; t <= xmax+1e-9; t += step {
		l := fmtAxisTime(t, xmax)
		c := col(t)
		if c < next || c+len(l) > w {
			continue
		}
		lc.Canvas.SetStringWithStyle(canvas.Point{X: c, Y: y}, l, dim)
		next = c + len(l) + 1
	}
	_ = x0
}

// niceCeil rounds y up to 1, 2 or 5 times a power of ten (1 for y <= 0).
func niceCeil(y float64) float64 {
	if !(y > 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(y)))
	for _, m := range []float64{1, 2, 5, 10} {
		if y <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// fmtAxisTime labels the time axis: seconds for short runs, m:ss else.
func fmtAxisTime(s, span float64) string {
	if span < 120 {
		return format.TrimFloat(math.Round(s), 0) + "s"
	}
	t := int(math.Round(s))
	if span >= 3*3600 {
		return format.ShortDuration(time.Duration(t) * time.Second)
	}
	return fmtMinSec(t)
}

func fmtMinSec(t int) string {
	m, s := t/60, t%60
	return itoa(m) + ":" + pad2(s)
}

func itoa(i int) string { return format.TrimFloat(float64(i), 0) }

func pad2(i int) string {
	if i < 10 {
		return "0" + itoa(i)
	}
	return itoa(i)
}
