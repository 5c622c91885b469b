package plots

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// maxEndLabels is the most lines a figure labels at their ends instead of
// in a legend: with more, the labels crowd and a legend reads better.
const maxEndLabels = 4

// endLabel names a line of the figure's one panel where it ends, as
// Brooker's and the AWS backoff post's figures do: the reader's eye is
// already there, and no legend box stands between a colour and its name.
type endLabel struct {
	label string
	color color.Color
	y     float64 // the line's last value, in data units
}

// endLabelsWidth is how wide the column right of the panel must be.
func endLabelsWidth(th theme, labels []endLabel) vg.Length {
	if len(labels) == 0 {
		return 0
	}
	st := th.style(0.85, false)
	var w vg.Length
	for _, l := range labels {
		w = max(w, st.Width(l.label))
	}
	return w + th.base*0.8
}

// drawEndLabels writes each label right of the data area at its line's
// last value, moved apart where they would overlap (in the order of their
// values, so the order on the page is the order of the lines).
func drawEndLabels(c draw.Canvas, th theme, p *plot.Plot, data draw.Canvas, labels []endLabel) {
	_, trY := p.Transforms(&data)
	st := th.style(0.85, false)
	st.YAlign = draw.YCenter
	h := st.Height("Mg") * 1.05
	type placed struct {
		l endLabel
		y vg.Length
	}
	var ps []placed
	for _, l := range labels {
		if math.IsNaN(l.y) || math.IsInf(l.y, 0) {
			continue
		}
		y := trY(l.y)
		y = min(max(y, data.Min.Y+h/2), data.Max.Y-h/2)
		ps = append(ps, placed{l, y})
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
	// Push up from the bottom, then down from the top, so that no two
	// labels overlap and none leaves the data area's height.
	for i := 1; i < len(ps); i++ {
		ps[i].y = max(ps[i].y, ps[i-1].y+h)
	}
	for i := len(ps) - 1; i >= 0; i-- {
		top := data.Max.Y - h/2
		if i < len(ps)-1 {
			top = ps[i+1].y - h
		}
		ps[i].y = min(ps[i].y, top)
	}
	// The line's own last mark sits just left of its name.
	x := data.Max.X + th.base*0.6
	for _, p := range ps {
		lst := st
		lst.Color = textShade(p.l.color)
		c.FillText(lst, vg.Point{X: x, Y: p.y}, p.l.label)
	}
}
