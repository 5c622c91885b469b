package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The plotters below read their sizes from the figure's theme at draw
// time, so that one figure renders well at any size. They share their
// data slices with the results (no copies) and skip NaN points, leaving a
// gap, where gonum's plotters refuse NaN.

// finite reports whether v can be drawn on an axis (log: also > 0).
func finite(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

// xyLine is a line through (xs[i], ys[i]), broken where a value is
// missing. With step, each value holds until the next x (an interval
// series drawn as the flat value of each interval).
type xyLine struct {
	xs, ys []float64
	color  color.Color
	dash   dashKind
	width  float64 // multiple of theme.line; 0 means 1
	step   bool
	log    bool // the y axis is logarithmic: skip values <= 0
	// floor, on a log axis, is where values under it are drawn (a load
	// panel's 0 at the axis' foot) instead of leaving a gap; 0 means none.
	floor float64
	// stripe, for a line that coincides with others, draws every n-th
	// repeat of its pattern so that each of them shows in turn
	// (coincide.go).
	stripe stripe
	th     *theme
	xEnd   float64 // step: where the last value ends (NaN: at its x)
}

// atFloor returns v, or floor when v is a number under it (floor > 0).
func atFloor(v, floor float64) float64 {
	if floor > 0 && v < floor && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return floor
	}
	return v
}

func (l *xyLine) style() draw.LineStyle {
	w := l.th.line * vg.Length(nonZero(l.width, 1))
	return draw.LineStyle{Color: l.color, Width: w, Dashes: l.dash.dashes(w)}
}

func (l *xyLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := min(len(l.xs), len(l.ys))
	st := l.style()
	if l.stripe.n < 2 {
		l.stroke(c, st, l.polylines(trX, trY, 0, n))
		return
	}
	if len(st.Dashes) == 0 {
		// A solid line's stripes are bands of x, the same for every
		// line: a dash pattern runs along each line's own length, which
		// differs between two noisy lines, and their stripes would
		// drift into gaps and overlaps.
		l.stroke(c, st, xBands(l.polylines(trX, trY, 0, n), l.th.line*7, l.stripe.k, l.stripe.n))
	} else {
		l.stroke(c, l.striped(st), l.polylines(trX, trY, 0, n))
	}
	// Where the line leaves the others it is striped with (a spike of
	// one variant), it is drawn whole, over the stripes.
	for a := 0; a < n; a++ {
		if a >= len(l.stripe.apart) || !l.stripe.apart[a] {
			continue
		}
		b := a
		for b+1 < n && b+1 < len(l.stripe.apart) && l.stripe.apart[b+1] {
			b++
		}
		from, to := max(a-1, 0), min(b+2, n)
		if l.step {
			from, to = a, b+1
		}
		l.stroke(c, st, l.polylines(trX, trY, from, to))
		a = b
	}
}

// polylines returns the line's points from index from to index to (not
// included), broken where a value is missing.
func (l *xyLine) polylines(trX, trY func(float64) vg.Length, from, to int) [][]vg.Point {
	n := min(len(l.xs), len(l.ys))
	var lines [][]vg.Point
	var cur []vg.Point
	flush := func() {
		if len(cur) > 0 {
			lines = append(lines, cur)
			cur = nil
		}
	}
	for i := from; i < to; i++ {
		x, y := l.xs[i], atFloor(l.ys[i], l.floor)
		if !finite(y, l.log) || !finite(x, false) {
			flush()
			continue
		}
		py := trY(y)
		if l.step {
			x1 := l.xEnd
			if i+1 < n {
				x1 = l.xs[i+1]
			}
			if !finite(x1, false) {
				x1 = x
			}
			cur = append(cur, vg.Point{X: trX(x), Y: py}, vg.Point{X: trX(x1), Y: py})
			continue
		}
		cur = append(cur, vg.Point{X: trX(x), Y: py})
	}
	flush()
	for i, ln := range lines {
		lines[i] = thin(ln, l.th.line*0.75)
	}
	return lines
}

// stroke draws lines in st, a dash pattern running on across the pieces
// a long line is cut into.
func (l *xyLine) stroke(c draw.Canvas, st draw.LineStyle, lines [][]vg.Point) {
	if len(st.Dashes) == 0 {
		c.StrokeLines(st, chunks(c.ClipLinesXY(lines...), 96)...)
		return
	}
	// Dashed: each piece starts where the pattern left off.
	period := vg.Length(0)
	for _, d := range st.Dashes {
		period += d
	}
	for _, ln := range c.ClipLinesXY(lines...) {
		offs := st.DashOffs
		for _, piece := range chunks([][]vg.Point{ln}, 96) {
			st.DashOffs = offs
			c.StrokeLines(st, piece)
			for i := 1; i < len(piece); i++ {
				offs += vg.Length(math.Hypot(float64(piece[i].X-piece[i-1].X), float64(piece[i].Y-piece[i-1].Y)))
			}
			offs = vg.Length(math.Mod(float64(offs), float64(period)))
		}
	}
}

// xBands returns the pieces of lines inside every n-th band of x of
// width w, from the k-th: band m holds x in [m w, (m+1) w).
func xBands(lines [][]vg.Point, w vg.Length, k, n int) [][]vg.Point {
	band := func(x vg.Length) int { return int(math.Floor(float64(x / w))) }
	mine := func(m int) bool { return ((m%n)+n)%n == k }
	var out [][]vg.Point
	for _, ln := range lines {
		var cur []vg.Point
		flush := func() {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
		}
		for i, q := range ln {
			if i == 0 {
				if mine(band(q.X)) {
					cur = append(cur, q)
				}
				continue
			}
			p := ln[i-1]
			// cross each band boundary between p and q
			for mp, mq := band(p.X), band(q.X); mp != mq; {
				next := mp + 1
				bx := vg.Length(next) * w
				if mq < mp {
					next = mp - 1
					bx = vg.Length(mp) * w
				}
				t := (bx - p.X) / (q.X - p.X)
				b := vg.Point{X: bx, Y: p.Y + t*(q.Y-p.Y)}
				if mine(mp) {
					cur = append(cur, b)
					flush()
				} else if mine(next) {
					cur = append(cur, b)
				}
				p, mp = b, next
			}
			if mine(band(q.X)) {
				if len(cur) == 0 {
					cur = append(cur, p)
				}
				cur = append(cur, q)
			}
		}
		flush()
	}
	return out
}

// striped returns st for the line's stripe: the k-th of every n repeats
// of its pattern (a solid line's: a segment of 7 line widths), so that
// the n lines that coincide draw one line together.
func (l *xyLine) striped(st draw.LineStyle) draw.LineStyle {
	n := l.stripe.n
	if n < 2 || len(st.Dashes)%2 != 0 {
		return st
	}
	pat := st.Dashes
	if len(pat) == 0 {
		pat = []vg.Length{l.th.line * 7, 0}
	}
	var period vg.Length
	for _, d := range pat {
		period += d
	}
	st.Dashes = append([]vg.Length(nil), pat...)
	st.Dashes[len(pat)-1] += period * vg.Length(n-1)
	st.DashOffs = period * vg.Length((n-l.stripe.k)%n)
	return st
}

// chunks splits long lines into pieces of at most n points that share
// their end points. Raster back ends slow down sharply with the length of
// one path (freetype's rasterizer searches a row's cells linearly), and
// opaque pieces meet without a seam. The dash pattern restarts at each
// piece, which at 96 points in is not visible.
func chunks(lines [][]vg.Point, n int) [][]vg.Point {
	var out [][]vg.Point
	for _, l := range lines {
		for len(l) > n {
			out = append(out, l[:n])
			l = l[n-1:]
		}
		out = append(out, l)
	}
	return out
}

// thin drops points that cannot show at the output size: of each run of
// points within eps of the same x it keeps the first, the lowest, the
// highest and the last, so the drawn envelope is unchanged. A line of an
// hour at 1 s resolution has more points than a slide has pixels.
func thin(pts []vg.Point, eps vg.Length) []vg.Point {
	if len(pts) < 64 || eps <= 0 {
		return pts
	}
	out := pts[:0:0]
	for i := 0; i < len(pts); {
		j := i + 1
		lo, hi := i, i
		for j < len(pts) && pts[j].X-pts[i].X < eps {
			if pts[j].Y < pts[lo].Y {
				lo = j
			}
			if pts[j].Y > pts[hi].Y {
				hi = j
			}
			j++
		}
		last := j - 1
		out = append(out, pts[i])
		a, b := min(lo, hi), max(lo, hi)
		if a != i && a != last {
			out = append(out, pts[a])
		}
		if b != a && b != i && b != last {
			out = append(out, pts[b])
		}
		if last != i {
			out = append(out, pts[last])
		}
		i = j
	}
	return out
}

func (l *xyLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	n := min(len(l.xs), len(l.ys))
	for i := 0; i < n; i++ {
		y := atFloor(l.ys[i], l.floor)
		if !finite(y, l.log) || !finite(l.xs[i], false) {
			continue
		}
		xmin, xmax = math.Min(xmin, l.xs[i]), math.Max(xmax, l.xs[i])
		ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
	}
	if l.step && finite(l.xEnd, false) {
		xmax = math.Max(xmax, l.xEnd)
	}
	return
}

// band fills the area between lo and hi (a confidence band), broken where
// a value is missing.
type band struct {
	xs, lo, hi []float64
	color      color.Color
	log        bool
	floor      float64 // as xyLine's
}

func (b *band) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var top, bot []vg.Point
	flush := func() {
		if len(top) > 1 {
			poly := append([]vg.Point{}, top...)
			for i := len(bot) - 1; i >= 0; i-- {
				poly = append(poly, bot[i])
			}
			c.FillPolygon(b.color, c.ClipPolygonXY(poly))
		}
		top, bot = top[:0], bot[:0]
	}
	for i := range b.xs {
		lo, hi := atFloor(b.lo[i], b.floor), atFloor(b.hi[i], b.floor)
		if !finite(lo, b.log) || !finite(hi, b.log) || !finite(b.xs[i], false) {
			flush()
			continue
		}
		x := trX(b.xs[i])
		top = append(top, vg.Point{X: x, Y: trY(hi)})
		bot = append(bot, vg.Point{X: x, Y: trY(lo)})
	}
	flush()
}

func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range b.xs {
		lo, hi := atFloor(b.lo[i], b.floor), atFloor(b.hi[i], b.floor)
		if !finite(lo, b.log) || !finite(hi, b.log) {
			continue
		}
		xmin, xmax = math.Min(xmin, b.xs[i]), math.Max(xmax, b.xs[i])
		ymin, ymax = math.Min(ymin, lo), math.Max(ymax, hi)
	}
	return
}

// marks draws a marker at each finite point.
type marks struct {
	xs, ys []float64
	color  color.Color
	shape  draw.GlyphDrawer // nil means a filled circle
	size   float64          // radius as a multiple of theme.line
	log    bool
	th     *theme
}

func (m *marks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	st := markStyle(*m.th, m.color, m.shape, m.size)
	for i := range m.xs {
		if finite(m.xs[i], false) && finite(m.ys[i], m.log) {
			c.DrawGlyph(st, vg.Point{X: trX(m.xs[i]), Y: trY(m.ys[i])})
		}
	}
}

// spans shades x windows over the full height of the data area; a window
// of zero width (an instantaneous fault) is drawn as a thin line.
type spans struct {
	x0, x1 []float64
	th     *theme
}

func (s *spans) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for i := range s.x0 {
		a, b := trX(s.x0[i]), trX(s.x1[i])
		if b-a < s.th.hair*2 {
			c.StrokeLine2(draw.LineStyle{Color: faultEdge, Width: s.th.hair * 2}, a, c.Min.Y, a, c.Max.Y)
			continue
		}
		a, b = max(a, c.Min.X), min(b, c.Max.X)
		if b > a {
			c.FillPolygon(faultShade, rect(a, c.Min.Y, b, c.Max.Y))
		}
	}
}

// hline is a horizontal reference line at y (an SLO threshold). It widens
// the y range to include y.
type hline struct {
	y     float64
	color color.Color
	dash  dashKind
	width float64
	th    *theme
}

func (h *hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	if !c.ContainsY(y) {
		return
	}
	w := h.th.line * vg.Length(nonZero(h.width, 1))
	c.StrokeLine2(draw.LineStyle{Color: h.color, Width: w, Dashes: h.dash.dashes(w)}, c.Min.X, y, c.Max.X, y)
}

func (h *hline) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), h.y, h.y
}

// vline is a vertical event line at x (a recovery) over the data area.
type vline struct {
	x     float64
	color color.Color
	dash  dashKind
	width float64
	th    *theme
}

func (v *vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	if !c.ContainsX(x) {
		return
	}
	w := v.th.line * vg.Length(nonZero(v.width, 1))
	c.StrokeLine2(draw.LineStyle{Color: v.color, Width: w, Dashes: v.dash.dashes(w)}, x, c.Min.Y, x, c.Max.Y)
}

// grid draws light lines at the labelled ticks of the axes it is told to
// (labelled as if shown, where a panel hides its labels).
type grid struct {
	x, y bool
	th   *theme
}

func (g *grid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ls := draw.LineStyle{Color: gridColor, Width: g.th.hair}
	if g.y {
		for _, t := range unhidden(p.Y.Tick.Marker).Ticks(p.Y.Min, p.Y.Max) {
			if y := trY(t.Value); t.Label != "" && c.ContainsY(y) {
				c.StrokeLine2(ls, c.Min.X, y, c.Max.X, y)
			}
		}
	}
	if g.x {
		for _, t := range unhidden(p.X.Tick.Marker).Ticks(p.X.Min, p.X.Max) {
			if x := trX(t.Value); c.ContainsX(x) && t.Label != "" {
				c.StrokeLine2(ls, x, c.Min.Y, x, c.Max.Y)
			}
		}
	}
}

// markStyle is the glyph style of a marker: outline shapes get a stroke
// as wide as the data lines, filled ones a radius that matches them.
func markStyle(th theme, c color.Color, shape draw.GlyphDrawer, size float64) draw.GlyphStyle {
	if shape == nil {
		shape = draw.CircleGlyph{}
	}
	return draw.GlyphStyle{Color: c, Radius: th.line * vg.Length(nonZero(size, 2.4)), Shape: shape}
}
