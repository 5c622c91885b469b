package plots

import (
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Figure is one drawable figure: a title, a legend, and one or more gonum
// plots (panels) aligned so that their data areas line up. Legends and
// keys are drawn outside the data areas, so they never hide data: the
// shared legend in a row under the title, each panel's key in a column to
// the right of it.
//
// A Figure has no size of its own: Draw lays it out for the canvas it is
// given, with type sized for that canvas. The zero value draws an empty
// white page.
type Figure struct {
	// Title heads the figure; empty means none.
	Title string
	// Subtitle is a smaller line under the title; empty means none.
	Subtitle string
	// Note is a line of small print under the panels (how a figure was
	// derived, say); empty means none.
	Note string
	// Panels are the plots, rows of columns. A nil cell is left empty.
	Panels [][]*plot.Plot

	legend []legendEntry
	keys   [][]panelKey // parallel to Panels; may be nil
	// strip draws in a band above the first row of panels (fault labels,
	// event markers), given the band and the top-left panel's data area.
	strip     func(c draw.Canvas, band vg.Rectangle, data draw.Canvas, p *plot.Plot)
	stripRows float64 // height of the band, in lines of body text
	th        *theme  // shared with the figure's plotters; set by Draw
	// titleColors, parallel to Panels, colours panel titles (a variant's
	// cell in small multiples); nil or a nil cell means the text colour.
	titleColors [][]color.Color
	// endLabels name the lines of the top-left panel at their ends, right
	// of it, and inLabels beside points on them inside it, in place of
	// the legend where they fit (see endlabels.go); lines are what the
	// inLabels must not cross.
	endLabels []endLabel
	endShown  []endLabel // endLabels as this Draw sets them (merged or not)
	inLabels  []inLabel
	lines     []polyline
	// labelled is whether this Draw uses the direct labels; endLines
	// is how many lines each end label takes (1, or 2 with its note
	// under its name where one line does not fit).
	labelled bool
	endLines int
	drawn    layout // what the last Draw laid out, for tests
}

// layout is where the last Draw put things: the canvas, the shared
// legend's height and the panels' data areas.
type layout struct {
	canvas  vg.Rectangle
	base    vg.Length // body text size
	legendH vg.Length
	data    []vg.Rectangle // data areas, parallel to plots
	plots   []*plot.Plot
	// labels are the direct labels' boxes, each to stay inside the box
	// of labelArea at its index; labelsFit says whether all fitted.
	labels    []vg.Rectangle
	labelArea []vg.Rectangle
	labelsFit bool
}

// newFigure returns a figure with rows x cols empty panels and a theme
// slot shared with the plotters the figure function adds.
func newFigure(rows, cols int) *Figure {
	f := &Figure{th: &theme{}}
	f.Panels = make([][]*plot.Plot, rows)
	f.keys = make([][]panelKey, rows)
	for i := range f.Panels {
		f.Panels[i] = make([]*plot.Plot, cols)
		f.keys[i] = make([]panelKey, cols)
		for j := range f.Panels[i] {
			f.Panels[i][j] = plot.New()
		}
	}
	return f
}

// swatch is how a legend or key entry shows what it stands for.
type swatch uint8

const (
	lineSwatch  swatch = iota // a line segment in Color and Dash
	boxSwatch                 // a filled square in Color
	shadeSwatch               // a shaded band (fault windows)
	rampSwatch                // a colour ramp from Color to Color2 with end labels
	markSwatch                // a line with a dot (sweep points, CDF quantiles)
)

// legendEntry is one entry of a legend or a key.
type legendEntry struct {
	label  string
	color  color.Color
	color2 color.Color // rampSwatch: the other end
	lo, hi string      // rampSwatch: end labels
	dash   dashKind
	width  float64 // line width as a multiple of theme.line; 0 means 1
	kind   swatch
	shape  draw.GlyphDrawer // markSwatch: the marker (nil: a circle)
}

// panelKey is the key of one panel: a heading and entries.
type panelKey struct {
	heading string
	entries []legendEntry
}

func (k panelKey) empty() bool { return k.heading == "" && len(k.entries) == 0 }

// Draw draws the figure on c, laid out for c's size.
func (f *Figure) Draw(c draw.Canvas) {
	f.labelled = false
	if len(f.endLabels) > 0 || len(f.inLabels) > 0 {
		// Lay the figure out with its direct labels on a canvas that
		// draws nothing: where they all fit, they stand for the legend.
		try := func(labels []endLabel) bool {
			f.labelled, f.endLines, f.endShown = true, 1, labels
			f.draw(draw.Canvas{Canvas: nullCanvas{}, Rectangle: c.Rectangle})
			if !f.drawn.labelsFit && canBreak(labels) {
				// Too wide, or too close together: the notes under
				// the names halve the width.
				f.endLines = 2
				f.draw(draw.Canvas{Canvas: nullCanvas{}, Rectangle: c.Rectangle})
			}
			return f.drawn.labelsFit
		}
		fit := try(f.endLabels)
		if !fit && f.Panels[0][0] != nil {
			// Lines that end together with the same note share a label.
			if m := mergeEndLabels(f.endLabels, f.Panels[0][0].Y); len(m) < len(f.endLabels) {
				fit = try(m)
			}
		}
		f.labelled = fit
	}
	f.draw(c)
}

func (f *Figure) draw(c draw.Canvas) {
	size := c.Size()
	th := themeFor(size.X, size.Y)
	if f.th == nil {
		f.th = &theme{}
	}
	*f.th = th
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())

	area := draw.Crop(c, th.base, -th.base, th.base*0.6, -th.base*0.8)
	top := area.Max.Y

	// Title, subtitle.
	if f.Title != "" {
		st := th.style(1.3, true)
		st.YAlign = draw.YTop
		area.FillText(st, vg.Point{X: area.Min.X, Y: top}, f.Title)
		top -= st.Height(f.Title) + th.pad*0.5
	}
	if f.Subtitle != "" {
		st := th.style(0.9, false)
		st.Color = mutedText
		st.YAlign = draw.YTop
		// wrapped at words to the figure's width: a live session's list
		// of changes, or many faults, make a long one
		for _, line := range wrapWords(f.Subtitle, area.Max.X-area.Min.X, st.Width) {
			area.FillText(st, vg.Point{X: area.Min.X, Y: top}, line)
			top -= st.Height(line)
		}
		top -= th.pad * 0.5
		if len(f.legend) == 0 || f.labelled {
			top -= th.pad * 0.6
		}
	}
	// Shared legend, wrapped over as many rows as it needs.
	f.drawn = layout{canvas: c.Rectangle, base: th.base}
	if len(f.legend) > 0 && !f.labelled {
		top -= th.pad * 0.4
		t0 := top
		top = drawLegendRows(area, th, f.legend, top)
		f.drawn.legendH = t0 - top
		top -= th.pad * 0.6
	}
	bottom := area.Min.Y
	if f.Note != "" {
		st := th.style(0.78, false)
		st.Color = mutedText
		// wrapped like the subtitle, its last line at the foot
		lines := wrapWords(f.Note, area.Max.X-area.Min.X, st.Width)
		for i := len(lines) - 1; i >= 0; i-- {
			area.FillText(st, vg.Point{X: area.Min.X, Y: bottom}, lines[i])
			bottom += st.Height(lines[i])
		}
		bottom += th.pad * 0.6
	}

	// Key column on the right, as wide as the widest key.
	var keyW vg.Length
	for _, row := range f.keys {
		for _, k := range row {
			keyW = max(keyW, keyWidth(th, k))
		}
	}
	// 10% slack: an SVG viewer without Liberation Sans or Arial sets
	// the keys and labels in a wider face.
	var endW vg.Length
	if f.labelled {
		endW = endLabelsWidth(th, f.endShown, f.endLines) * 1.1
	}
	right := area.Max.X - endW
	if keyW > 0 {
		right -= keyW*1.1 + th.base
	}
	if f.strip != nil {
		top -= th.base * vg.Length(f.stripRows) * 1.25
	}
	if len(f.Panels) == 0 || top-bottom < th.base*2 || right-area.Min.X < th.base*4 {
		return
	}
	panels := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: area.Min.X, Y: bottom},
		Max: vg.Point{X: right, Y: top},
	}}
	for i, row := range f.Panels {
		for j, p := range row {
			if p != nil {
				th.apply(p)
				// Fitted below: start from no limit, so that each Draw
				// lays out as the first did, whatever drew before it.
				if lt, ok := p.Y.Tick.Marker.(labelTicks); ok {
					lt.fit = 0
					p.Y.Tick.Marker = lt
				}
				if lt, ok := p.Y.Tick.Marker.(logTicks); ok {
					lt.fit = 0
					p.Y.Tick.Marker = lt
				}
				if tt, ok := p.X.Tick.Marker.(timeTicks); ok {
					tt.fit = 0
					p.X.Tick.Marker = tt
				}
				if i < len(f.titleColors) && j < len(f.titleColors[i]) && f.titleColors[i][j] != nil {
					p.Title.TextStyle = th.style(0.85, true)
					p.Title.TextStyle.XAlign = draw.XCenter
					p.Title.TextStyle.YAlign = draw.YTop
					p.Title.TextStyle.Color = f.titleColors[i][j]
				}
			}
		}
	}
	// Lay out once, fit the number of labelled y ticks to each panel's
	// height, and lay out again with the new labels.
	canvases := alignGrid(f.Panels, panels, th.base*1.2, th.base*0.9)
	for i, row := range f.Panels {
		for j, p := range row {
			if p == nil {
				continue
			}
			h := p.DataCanvas(canvases[i][j]).Size().Y
			if lt, ok := p.Y.Tick.Marker.(labelTicks); ok {
				lt.fit = max(2, int(h/(p.Y.Tick.Label.Height("0")*1.5)))
				p.Y.Tick.Marker = lt
			}
			if lt, ok := p.Y.Tick.Marker.(logTicks); ok {
				lt.fit = max(2, int(h/(p.Y.Tick.Label.Height("0")*1.5)))
				p.Y.Tick.Marker = lt
			}
			// Time labels get a slot as wide as the widest one, plus half.
			if tt, ok := p.X.Tick.Marker.(timeTicks); ok {
				w := p.DataCanvas(canvases[i][j]).Size().X
				slot := vg.Length(0)
				for _, t := range (timeTicks{}).Ticks(p.X.Min, p.X.Max) {
					slot = max(slot, p.X.Tick.Label.Width(t.Label))
				}
				if slot > 0 {
					tt.fit = max(2, int(w/(slot*1.5))+1)
					p.X.Tick.Marker = tt
				}
			}
		}
	}
	canvases = alignGrid(f.Panels, panels, th.base*1.2, th.base*0.9)
	for i, row := range f.Panels {
		for j, p := range row {
			if p == nil {
				continue
			}
			p.Draw(canvases[i][j])
			f.drawn.data = append(f.drawn.data, p.DataCanvas(canvases[i][j]).Rectangle)
			f.drawn.plots = append(f.drawn.plots, p)
			if i < len(f.keys) && j < len(f.keys[i]) && !f.keys[i][j].empty() {
				data := p.DataCanvas(canvases[i][j])
				// Room down to the next row's data area (or the bottom).
				room := data.Max.Y - bottom
				if q := at(f.Panels, i+1, j); q != nil {
					room = data.Max.Y - q.DataCanvas(canvases[i+1][j]).Max.Y - th.base*0.3
				}
				drawKey(c, th, f.keys[i][j], vg.Point{X: right + endW + th.base, Y: data.Max.Y}, room)
			}
		}
	}
	if f.labelled && f.Panels[0][0] != nil {
		p := f.Panels[0][0]
		data := p.DataCanvas(canvases[0][0])
		fit := true
		if len(f.endShown) > 0 {
			boxes, ok := drawEndLabels(c, th, p, data, f.endShown, f.endLines)
			col := vg.Rectangle{Min: vg.Point{X: data.Max.X, Y: data.Min.Y}, Max: vg.Point{X: right + endW, Y: data.Max.Y}}
			fit = ok && endW <= (area.Max.X-area.Min.X)/4
			for _, b := range boxes {
				f.drawn.labels = append(f.drawn.labels, b)
				f.drawn.labelArea = append(f.drawn.labelArea, col)
			}
		}
		if len(f.inLabels) > 0 {
			boxes, ok := drawInLabels(c, th, p, data, f.inLabels, f.lines)
			fit = fit && ok
			for _, b := range boxes {
				f.drawn.labels = append(f.drawn.labels, b)
				f.drawn.labelArea = append(f.drawn.labelArea, data.Rectangle)
			}
		}
		f.drawn.labelsFit = fit
	}
	if f.strip != nil && f.Panels[0][0] != nil {
		p := f.Panels[0][0]
		data := p.DataCanvas(canvases[0][0])
		band := vg.Rectangle{Min: vg.Point{X: data.Min.X, Y: canvases[0][0].Max.Y}, Max: vg.Point{X: data.Max.X, Y: top + th.base*vg.Length(f.stripRows)*1.25}}
		f.strip(c, band, data, p)
	}
}

// drawLegendRows draws entries left to right from y = top downwards and
// returns the y under the last row. Entries that fit on one row flow;
// otherwise they go in a grid of equal columns, so names line up.
func drawLegendRows(c draw.Canvas, th theme, entries []legendEntry, top vg.Length) vg.Length {
	st := th.style(1, false)
	st.YAlign = draw.YCenter
	gap := th.base * 1.4
	avail := c.Max.X - c.Min.X
	total, widest := vg.Length(0), vg.Length(0)
	for i, e := range entries {
		w := entryWidth(th, st, e)
		widest = max(widest, w)
		total += w
		if i > 0 {
			total += gap
		}
	}
	lineH := st.Height("Mg") * 1.35
	y := top - lineH/2
	if total <= avail {
		x := c.Min.X
		for _, e := range entries {
			drawEntry(c, th, st, e, vg.Point{X: x, Y: y})
			x += entryWidth(th, st, e) + gap
		}
		return y - lineH/2
	}
	cols := max(1, int((avail+gap)/(widest+gap)))
	colW := (avail + gap) / vg.Length(cols)
	for i, e := range entries {
		if i > 0 && i%cols == 0 {
			y -= lineH
		}
		drawEntry(c, th, st, e, vg.Point{X: c.Min.X + colW*vg.Length(i%cols), Y: y})
	}
	return y - lineH/2
}

// swatchWidth is the width of an entry's swatch.
func swatchWidth(th theme, e legendEntry) vg.Length {
	switch e.kind {
	case boxSwatch:
		return th.base * 0.8
	case rampSwatch:
		return th.base * 4
	}
	return th.base * 2
}

func entryWidth(th theme, st text.Style, e legendEntry) vg.Length {
	w := swatchWidth(th, e) + th.base*0.4 + st.Width(e.label)
	if e.kind == rampSwatch {
		small := st
		small.Font.Size = st.Font.Size * 0.8
		w += small.Width(e.lo) + small.Width(e.hi) + th.base*0.6
	}
	return w
}

// drawEntry draws one entry with its swatch starting at pt (vertically
// centred on pt.Y).
func drawEntry(c draw.Canvas, th theme, st text.Style, e legendEntry, pt vg.Point) {
	sw := swatchWidth(th, e)
	x := pt.X
	h := th.base * 0.8
	switch e.kind {
	case boxSwatch:
		c.FillPolygon(e.color, rect(x, pt.Y-h/2, x+sw, pt.Y+h/2))
	case shadeSwatch:
		c.FillPolygon(faultShade, rect(x, pt.Y-h/2, x+sw, pt.Y+h/2))
	case rampSwatch:
		// "label lo [ramp] hi": the label reads into the scale.
		c.FillText(st, vg.Point{X: x, Y: pt.Y}, e.label)
		x += st.Width(e.label) + th.base*0.4
		small := st
		small.Font.Size = st.Font.Size * 0.8
		small.Color = mutedText
		c.FillText(small, vg.Point{X: x, Y: pt.Y}, e.lo)
		x += small.Width(e.lo) + th.base*0.3
		const n = 48
		for i := 0; i < n; i++ {
			x0 := x + sw*vg.Length(i)/n
			x1 := x + sw*vg.Length(i+1)/n + th.hair/2 // overlap: no seams
			c.FillPolygon(lerpColor(e.color, e.color2, (float64(i)+0.5)/n), rect(x0, pt.Y-h/2, min(x1, x+sw), pt.Y+h/2))
		}
		x += sw + th.base*0.3
		c.FillText(small, vg.Point{X: x, Y: pt.Y}, e.hi)
		return
	default:
		w := th.line * vg.Length(nonZero(e.width, 1))
		ls := draw.LineStyle{Color: e.color, Width: w, Dashes: e.dash.dashes(w)}
		c.StrokeLine2(ls, x, pt.Y, x+sw, pt.Y)
		if e.kind == markSwatch {
			c.DrawGlyph(markStyle(th, e.color, e.shape, 0), vg.Point{X: x + sw/2, Y: pt.Y})
		}
	}
	c.FillText(st, vg.Point{X: x + sw + th.base*0.4, Y: pt.Y}, e.label)
}

func keyWidth(th theme, k panelKey) vg.Length {
	if k.empty() {
		return 0
	}
	hs := th.style(0.85, true)
	w := hs.Width(k.heading)
	st := th.style(0.8, false)
	for _, e := range k.entries {
		w = max(w, entryWidth(th, st, e))
	}
	return w
}

// drawKey draws a panel's key with its top-left corner at pt, in at most
// room of height: a key taller than that is set smaller and tighter (down
// to 70%), so it does not run into the next panel's.
func drawKey(c draw.Canvas, th theme, k panelKey, pt vg.Point, room vg.Length) {
	scale, spacing := 1.0, 1.25
	for {
		hs := th.style(0.85*scale, true)
		st := th.style(0.8*scale, false)
		h := st.Height("Mg") * vg.Length(spacing) * vg.Length(len(k.entries))
		if k.heading != "" {
			h += hs.Height(k.heading) * 1.15
		}
		if h <= room || scale <= 0.7 {
			break
		}
		if spacing > 1.05 {
			spacing -= 0.05
		} else {
			scale -= 0.05
		}
	}
	y := pt.Y
	if k.heading != "" {
		hs := th.style(0.85*scale, true)
		hs.YAlign = draw.YTop
		c.FillText(hs, vg.Point{X: pt.X, Y: y}, k.heading)
		y -= hs.Height(k.heading) * 1.15
	}
	st := th.style(0.8*scale, false)
	st.YAlign = draw.YCenter
	lineH := st.Height("Mg") * vg.Length(spacing)
	for _, e := range k.entries {
		drawEntry(c, th, st, e, vg.Point{X: pt.X, Y: y - lineH/2})
		y -= lineH
	}
}

func rect(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
}

func nonZero(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// lerpColor mixes a and b: t=0 gives a, t=1 gives b.
func lerpColor(a, b color.Color, t float64) color.Color {
	ca := color.NRGBAModel.Convert(a).(color.NRGBA)
	cb := color.NRGBAModel.Convert(b).(color.NRGBA)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.NRGBA{mix(ca.R, cb.R), mix(ca.G, cb.G), mix(ca.B, cb.B), mix(ca.A, cb.A)}
}

// wrapWords breaks text at spaces into lines no wider than width (as
// measured by w); a word wider than width has a line of its own.
func wrapWords(text string, width vg.Length, w func(string) vg.Length) []string {
	if w(text) <= width {
		return []string{text}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case w(line+" "+word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
