package plots

import (
	"cmp"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Direct labels name a figure's lines on the lines themselves, as
// Brooker's and the AWS backoff post's figures do: the reader's eye is
// already there, and no legend box stands between a colour and its name.
// A figure offers them and keeps its legend: Draw lays the labels out
// first and uses them only where every one fits (near its line, clear of
// the others and inside its area); otherwise it draws the legend.

// maxEndLabels is the most lines a figure labels directly instead of in
// a legend: with more, the labels crowd and a legend reads better.
const maxEndLabels = 4

// endLabel names a line of the figure's top-left panel where it ends,
// right of the panel.
type endLabel struct {
	label string
	color color.Color
	y     float64 // where the line ends, in data units
	// names, for a label several lines share, are their names and
	// colours: label is then "a, b — note", each name set in its colour.
	names []namePart
}

// namePart is one line's name in a shared end label.
type namePart struct {
	name  string
	color color.Color
}

// mergeFrac is how close, as a share of the panel's height, lines must
// end to share a label: about a label's height on a panel.
const mergeFrac = 0.12

// mergeEndLabels returns labels with those of lines that end within
// mergeFrac of ax's range of each other and say the same of themselves
// (the note after the name: "did not recover") set as one label at
// their mean end: three variants that collapsed to 0 read "base,
// capacity-drop, slow-backoff — did not recover".
func mergeEndLabels(labels []endLabel, ax plot.Axis) []endLabel {
	span := ax.Max - ax.Min
	if !(span > 0) || math.IsInf(span, 0) {
		return labels
	}
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(labels[a].y, labels[b].y) })
	var out []endLabel
	used := make([]bool, len(labels))
	for _, i := range order {
		if used[i] {
			continue
		}
		used[i] = true
		_, note, _ := strings.Cut(labels[i].label, endLabelSep)
		group := []int{i}
		for _, j := range order {
			_, nj, _ := strings.Cut(labels[j].label, endLabelSep)
			if !used[j] && nj == note && math.Abs(labels[j].y-labels[i].y) <= mergeFrac*span {
				used[j] = true
				group = append(group, j)
			}
		}
		if len(group) == 1 {
			out = append(out, labels[i])
			continue
		}
		slices.Sort(group) // the names in the lines' order
		m := endLabel{color: textColor}
		var names []string
		for _, k := range group {
			n, _, _ := strings.Cut(labels[k].label, endLabelSep)
			m.names = append(m.names, namePart{n, labels[k].color})
			names = append(names, n)
			m.y += labels[k].y / float64(len(group))
		}
		m.label = strings.Join(names, ", ")
		if note != "" {
			m.label += endLabelSep + note
		}
		out = append(out, m)
	}
	return out
}

// endLabelSep is where a long label may break over two lines: the name
// on the first, what the legend says of it ("recovered in 38s") below.
const endLabelSep = " — "

// text is the label set in lines lines (1 or 2): in two, broken after
// the name when it has a note.
func (l endLabel) text(lines int) string {
	if lines < 2 {
		return l.label
	}
	if name, note, ok := strings.Cut(l.label, endLabelSep); ok {
		return name + "\n" + note
	}
	return l.label
}

// canBreak reports whether some label breaks over two lines.
func canBreak(labels []endLabel) bool {
	for _, l := range labels {
		if strings.Contains(l.label, endLabelSep) {
			return true
		}
	}
	return false
}

// endLabelSlack is how far, in label heights, an end label may be moved
// from its line's end to clear another (two lines ending together share
// their place, half a label each way; three move one label): further,
// and it reads as naming another value.
const endLabelSlack = 1.05

// endLabelsWidth is how wide the column right of the panel must be for
// the labels set in lines lines.
func endLabelsWidth(th theme, labels []endLabel, lines int) vg.Length {
	if len(labels) == 0 {
		return 0
	}
	st := th.style(0.85, false)
	var w vg.Length
	for _, l := range labels {
		w = max(w, st.Width(l.text(lines)))
	}
	return w + th.base*0.8
}

// drawEndLabels writes each label, set in lines lines, right of the data
// area at its line's last value, moved apart where they would overlap
// (in the order of their values, so the order on the page is the order
// of the lines). It returns the labels' boxes (in their order) and
// whether they fit: each centred within endLabelSlack lines of its
// line's end and inside the data area's height.
func drawEndLabels(c draw.Canvas, th theme, p *plot.Plot, data draw.Canvas, labels []endLabel, lines int) ([]vg.Rectangle, bool) {
	_, trY := p.Transforms(&data)
	st := th.style(0.85, false)
	st.YAlign = draw.YCenter
	h := st.Height("Mg") * 1.05
	type placed struct {
		l      endLabel
		k      int // index in labels
		y, at0 vg.Length
		h      vg.Length // its height
	}
	var ps []placed
	fit := true
	for k, l := range labels {
		if math.IsNaN(l.y) || math.IsInf(l.y, 0) {
			fit = false
			continue
		}
		// further lines are set a font size apart
		lh := h + st.Font.Size*vg.Length(strings.Count(l.text(lines), "\n"))
		y := trY(l.y)
		y = min(max(y, data.Min.Y+lh/2), data.Max.Y-lh/2)
		ps = append(ps, placed{l, k, y, y, lh})
	}
	slices.SortStableFunc(ps, func(a, b placed) int {
		switch {
		case a.y < b.y:
			return -1
		case a.y > b.y:
			return 1
		}
		return 0
	})
	// Labels that would overlap move apart as a block, centred on their
	// lines' ends, kept inside the data area's height; blocks that then
	// overlap merge, until none do.
	type block struct{ from, n int }
	var bs []block
	for k := range ps {
		bs = append(bs, block{k, 1})
	}
	set := func(b block) (lo, hi vg.Length) {
		var mean, span vg.Length
		for k := b.from; k < b.from+b.n; k++ {
			mean += ps[k].at0
			span += ps[k].h
		}
		mean /= vg.Length(b.n)
		lo = min(max(mean-span/2, data.Min.Y), data.Max.Y-span)
		y := lo
		for k := b.from; k < b.from+b.n; k++ {
			ps[k].y = y + ps[k].h/2
			y += ps[k].h
		}
		return lo, lo + span
	}
	for merged := true; merged; {
		merged = false
		for k := 0; k+1 < len(bs); k++ {
			_, top := set(bs[k])
			if lo, _ := set(bs[k+1]); lo < top-0.01 {
				bs[k].n += bs[k+1].n
				bs = append(bs[:k+1], bs[k+2:]...)
				merged = true
				break
			}
		}
	}
	for _, b := range bs {
		set(b)
	}
	x := data.Max.X + th.base*0.6
	boxes := make([]vg.Rectangle, 0, len(ps))
	slices.SortFunc(ps, func(a, b placed) int { return a.k - b.k }) // boxes in the labels' order
	for _, p := range ps {
		if math.Abs(float64(p.y-p.at0)) > float64(h)*endLabelSlack || p.y-p.h/2 < data.Min.Y-0.01 || p.y+p.h/2 > data.Max.Y+0.01 {
			fit = false
		}
		lst := st
		lst.Color = textShade(p.l.color)
		txt := p.l.text(lines)
		if len(p.l.names) > 0 {
			drawNames(c, lst, vg.Point{X: x, Y: p.y}, p.l, lines)
		} else {
			c.FillText(lst, vg.Point{X: x, Y: p.y}, txt)
		}
		boxes = append(boxes, textBox(lst, vg.Point{X: x, Y: p.y}, txt))
	}
	return boxes, fit
}

// textBox is the box of text set in st at pt (aligned as st says): its
// width by the ink of its widest line, its height cap height plus
// descender and a font size for each further line.
func textBox(st text.Style, pt vg.Point, s string) vg.Rectangle {
	w := st.Width(s)
	h := st.Font.Size * (0.9 + vg.Length(strings.Count(s, "\n")))
	x0 := pt.X + w*vg.Length(st.XAlign)
	y0 := pt.Y + h*vg.Length(st.YAlign)
	return vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + w, Y: y0 + h}}
}

// inLabel names a line inside the panel, beside one of the points it
// may sit by (tried in order, each above and left of the point, below
// and right, left, then right: above a rising curve first).
type inLabel struct {
	label string
	color color.Color
	at    [][2]float64 // candidate points, in data units
	// marked says the points carry markers, which no label may cover.
	marked bool
}

// polyline is a drawn line labels must not cross, in data units.
type polyline struct{ xs, ys []float64 }

// drawInLabels places each label beside the first of its points where it
// stays inside the data area and clear of the lines, the points and the
// labels placed before it, and writes it there. It returns the labels'
// boxes and whether every one found a place.
func drawInLabels(c draw.Canvas, th theme, p *plot.Plot, data draw.Canvas, labels []inLabel, lines []polyline) ([]vg.Rectangle, bool) {
	trX, trY := p.Transforms(&data)
	st := th.style(0.85, false)
	st.YAlign = draw.YCenter
	clear := th.base * 0.2
	gap := th.base * 0.55
	tr := func(x, y float64) (vg.Point, bool) {
		if !finite(x, true) || math.IsNaN(y) || math.IsInf(y, 0) {
			return vg.Point{}, false
		}
		return vg.Point{X: trX(x), Y: trY(y)}, true
	}
	var segs [][2]vg.Point
	for _, l := range lines {
		var prev vg.Point
		ok0 := false
		for i := range l.xs {
			pt, ok := tr(l.xs[i], l.ys[i])
			if ok && ok0 {
				segs = append(segs, [2]vg.Point{prev, pt})
			}
			prev, ok0 = pt, ok
		}
	}
	var dots []vg.Point // every label's candidate points carry markers
	for _, l := range labels {
		if !l.marked {
			continue
		}
		for _, a := range l.at {
			if pt, ok := tr(a[0], a[1]); ok {
				dots = append(dots, pt)
			}
		}
	}
	inside := data.Rectangle
	free := func(r vg.Rectangle, placed []vg.Rectangle) bool {
		if r.Min.X < inside.Min.X || r.Max.X > inside.Max.X || r.Min.Y < inside.Min.Y || r.Max.Y > inside.Max.Y {
			return false
		}
		g := grow(r, clear)
		for _, q := range placed {
			if overlaps(g, q) {
				return false
			}
		}
		for _, d := range dots {
			if overlaps(g, vg.Rectangle{Min: vg.Point{X: d.X - gap/2, Y: d.Y - gap/2}, Max: vg.Point{X: d.X + gap/2, Y: d.Y + gap/2}}) {
				return false
			}
		}
		for _, s := range segs {
			if segmentHits(s[0], s[1], g) {
				return false
			}
		}
		return true
	}
	d := gap * 0.95
	places := []struct {
		x      draw.XAlignment
		y      draw.YAlignment
		dx, dy vg.Length
	}{
		{draw.XRight, draw.YBottom, -d, d}, // above, left
		{draw.XLeft, draw.YTop, d, -d},     // below, right
		{draw.XRight, draw.YCenter, -gap, 0},
		{draw.XLeft, draw.YCenter, gap, 0},
	}
	type spot struct {
		st text.Style
		at vg.Point
		r  vg.Rectangle
	}
	// place puts the labels in the order given, each at the first free
	// spot; it returns the spots by label, or nil when one found none.
	place := func(order []int) []spot {
		spots := make([]spot, len(labels))
		var boxes []vg.Rectangle
		for _, k := range order {
			l := labels[k]
			lst := st
			lst.Color = textShade(l.color)
			found := false
			for _, a := range l.at {
				pt, ok := tr(a[0], a[1])
				if !ok {
					continue
				}
				for _, pl := range places {
					at := vg.Point{X: pt.X + pl.dx, Y: pt.Y + pl.dy}
					lst.XAlign, lst.YAlign = pl.x, pl.y
					if r := textBox(lst, at, l.label); free(r, boxes) {
						spots[k] = spot{lst, at, r}
						boxes = append(boxes, r)
						found = true
						break
					}
				}
				if found {
					break
				}
			}
			if !found {
				return nil
			}
		}
		return spots
	}
	// The labels in their order first; a label placed early can take
	// the only free spot of a later one, so then every other order.
	var spots []spot
	for _, order := range permutations(len(labels)) {
		if spots = place(order); spots != nil {
			break
		}
	}
	if spots == nil {
		return nil, false
	}
	var boxes []vg.Rectangle
	for k, sp := range spots {
		c.FillText(sp.st, sp.at, labels[k].label)
		boxes = append(boxes, sp.r)
	}
	return boxes, true
}

// permutations returns the orders of 0..n-1, the identity first, in
// lexicographic order (n is at most maxEndLabels+1).
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, rest := range permutations(n - 1) {
		// n-1 inserted at every position of each order of 0..n-2.
		for at := len(rest); at >= 0; at-- {
			o := append(append(append([]int(nil), rest[:at]...), n-1), rest[at:]...)
			out = append(out, o)
		}
	}
	slices.SortFunc(out, slices.Compare[[]int])
	return out
}

func grow(r vg.Rectangle, d vg.Length) vg.Rectangle {
	return vg.Rectangle{Min: vg.Point{X: r.Min.X - d, Y: r.Min.Y - d}, Max: vg.Point{X: r.Max.X + d, Y: r.Max.Y + d}}
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// segmentHits reports whether the segment a-b passes through r
// (Liang-Barsky clipping).
func segmentHits(a, b vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// nullCanvas draws nothing: Draw lays a figure out on it first to see
// whether its direct labels fit.
type nullCanvas struct{}

func (nullCanvas) SetLineWidth(vg.Length)                 {}
func (nullCanvas) SetLineDash([]vg.Length, vg.Length)     {}
func (nullCanvas) SetColor(color.Color)                   {}
func (nullCanvas) Rotate(float64)                         {}
func (nullCanvas) Translate(vg.Point)                     {}
func (nullCanvas) Scale(float64, float64)                 {}
func (nullCanvas) Push()                                  {}
func (nullCanvas) Pop()                                   {}
func (nullCanvas) Stroke(vg.Path)                         {}
func (nullCanvas) Fill(vg.Path)                           {}
func (nullCanvas) FillString(font.Face, vg.Point, string) {}
func (nullCanvas) DrawImage(vg.Rectangle, image.Image)    {}

// drawNames writes a shared label at pt (its left end, centred as st
// says): each name in its line's colour, the commas and the note in the
// text colour, the note on a second line when lines is 2.
func drawNames(c draw.Canvas, st text.Style, pt vg.Point, l endLabel, lines int) {
	_, note, _ := strings.Cut(l.label, endLabelSep)
	y := pt.Y
	if lines >= 2 && note != "" {
		y += st.Font.Size / 2
	}
	x := pt.X
	put := func(s string, col color.Color) {
		s2 := st
		s2.Color = col
		c.FillText(s2, vg.Point{X: x, Y: y}, s)
		x += st.Width(s)
	}
	for i, n := range l.names {
		if i > 0 {
			put(", ", textColor)
		}
		put(n.name, textShade(n.color))
	}
	if note == "" {
		return
	}
	if lines >= 2 {
		x, y = pt.X, y-st.Font.Size
		put(note, textColor)
		return
	}
	put(endLabelSep+note, textColor)
}
