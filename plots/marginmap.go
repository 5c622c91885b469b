package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StabilityBoundary is a variant's margin (stampede margin) drawn over
// its stability map: at each duration of the trigger, the bracket from
// the largest size it recovered from to the smallest that tipped it, in
// the parameters' own units. The map's cells are the brute-force grid;
// the boundary is what bisection found between them, so the two should
// agree where they overlap.
type StabilityBoundary struct {
	// Variant names the map the boundary is drawn over.
	Variant string
	// SizeOnX says the size is the map's X parameter and the duration its
	// Y; false means the reverse.
	SizeOnX bool
	// Points are the brackets, one per duration, in increasing duration.
	Points []BoundaryPoint
}

// BoundaryPoint is the bracket at one duration (seconds): the boundary
// is between Survived and Tipped.
type BoundaryPoint struct {
	DurationS, Survived, Tipped float64
}

// boundaryInk is the colour of a boundary over a map: black reads over
// both the blue ramp and the vermilion cells.
var boundaryInk = color.NRGBA{0x11, 0x11, 0x11, 0xff}

// addBoundary draws b over a map panel whose cells are at the indices of
// xs and ys (evenly spaced whatever the values): each value is placed
// between the cells of the values around it, linearly.
func addBoundary(p *plot.Plot, th *theme, b StabilityBoundary, xs, ys []float64) {
	sizes, durs := xs, ys
	if !b.SizeOnX {
		sizes, durs = ys, xs
	}
	var d, lo, hi, mid []float64
	for _, pt := range b.Points {
		d = append(d, cellCoord(durs, pt.DurationS))
		lo = append(lo, cellCoord(sizes, pt.Survived))
		hi = append(hi, cellCoord(sizes, pt.Tipped))
		mid = append(mid, cellCoord(sizes, (pt.Survived+pt.Tipped)/2))
	}
	poly := &polygon{color: withAlpha(boundaryInk, 0x55)}
	for i := range d {
		poly.xs, poly.ys = append(poly.xs, lo[i]), append(poly.ys, d[i])
	}
	for i := len(d) - 1; i >= 0; i-- {
		poly.xs, poly.ys = append(poly.xs, hi[i]), append(poly.ys, d[i])
	}
	lx, ly := mid, d
	if !b.SizeOnX {
		poly.xs, poly.ys = poly.ys, poly.xs
		lx, ly = d, mid
	}
	p.Add(poly)
	p.Add(&xyLine{xs: lx, ys: ly, color: color.White, width: 3.2, th: th})
	p.Add(&xyLine{xs: lx, ys: ly, color: boundaryInk, width: 1.6, th: th})
	p.Add(&marks{xs: lx, ys: ly, color: boundaryInk, size: 1.4, th: th})
}

// cellCoord places value v on an axis whose cells are at the indices of
// vals (increasing): linearly between the two values around it, beyond
// the ends by the nearest segment, within the panel ([-0.5, n-0.5]).
func cellCoord(vals []float64, v float64) float64 {
	n := len(vals)
	if n == 1 {
		return 0
	}
	i := 0
	for i < n-2 && v > vals[i+1] {
		i++
	}
	c := float64(i)
	if w := vals[i+1] - vals[i]; w != 0 {
		c += (v - vals[i]) / w
	}
	return math.Min(math.Max(c, -0.5), float64(n)-0.5)
}

// polygon fills the polygon through (xs[i], ys[i]).
type polygon struct {
	xs, ys []float64
	color  color.Color
}

func (pg *polygon) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	for i := range pg.xs {
		if finite(pg.xs[i], false) && finite(pg.ys[i], false) {
			pts = append(pts, vg.Point{X: trX(pg.xs[i]), Y: trY(pg.ys[i])})
		}
	}
	if len(pts) > 2 {
		c.FillPolygon(pg.color, c.ClipPolygonXY(pts))
	}
}
