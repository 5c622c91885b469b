package plots

import (
	"fmt"
	"image/color"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/stampede-sim/stampede/models/results"
)

// breakerOpenings returns the midpoints of the intervals in which a
// circuit breaker of the run (on a client or a downstream edge) opened,
// and how many times breakers opened over the run.
func breakerOpenings(r *results.Results, xs []float64) (at []float64, n int) {
	seen := map[int]bool{}
	scan := func(cs []results.CallSeries) {
		for _, c := range cs {
			for i, v := range c.Strategy["breaker_opened"] {
				if v > 0 && i < len(xs) && !seen[i] {
					seen[i] = true
					at = append(at, xs[i])
				}
			}
		}
	}
	scan(r.Series.Clients)
	scan(r.Series.Edges)
	for _, s := range r.Summary.Clients {
		n += int(s.Strategy["breaker_opened"])
	}
	for _, s := range r.Summary.Edges {
		n += int(s.Strategy["breaker_opened"])
	}
	sort.Float64s(at)
	return at, n
}

// breakerNote is what the legend adds after a variant's recovery note
// when its breakers opened.
func breakerNote(n int) string {
	switch {
	case n <= 0:
		return ""
	case n == 1:
		return " · breaker opened once"
	default:
		return fmt.Sprintf(" · breaker opened %d×", n)
	}
}

// eventMarks draws a small cross in a variant's colour at the bottom of a
// panel at each x: the instants a notable event (a breaker opening)
// happened. Row lifts the marks of the i-th variant so that variants
// opening at the same time stay apart.
type eventMarks struct {
	xs    []float64
	row   int
	color color.Color
	th    *theme
}

func (m *eventMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	r := m.th.base * 0.22
	y := c.Min.Y + r*1.4 + vg.Length(m.row)*r*1.8
	st := draw.GlyphStyle{Color: m.color, Radius: r, Shape: draw.CrossGlyph{}}
	for _, x := range m.xs {
		px := trX(x)
		if c.ContainsX(px) {
			c.DrawGlyph(st, vg.Point{X: px, Y: y})
		}
	}
}
