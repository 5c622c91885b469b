package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// alignGrid lays plots out in area so that their data areas line up: the
// same width in every column, the same height in every row, edges shared
// along rows and columns, whatever the widths of their tick labels.
//
// plot.Align does this too, but assumes that a plot's margins do not
// change with its size; gonum pads the data area so that the outermost
// tick labels fit, which does depend on the size, so in short panels
// plot.Align's rows came out of unequal heights (one twice another). Here
// each plot's margins are measured on its current canvas and the layout
// is recomputed until they settle.
func alignGrid(plots [][]*plot.Plot, area draw.Canvas, padX, padY vg.Length) [][]draw.Canvas {
	rows := len(plots)
	cols := 0
	for _, r := range plots {
		cols = max(cols, len(r))
	}
	cs := make([][]draw.Canvas, rows)
	type margins struct{ l, r, b, t vg.Length }
	m := make([][]margins, rows)
	for i := range cs {
		cs[i] = make([]draw.Canvas, cols)
		m[i] = make([]margins, cols)
	}
	// Start from equal tiles.
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: padX, PadY: padY}
	for i := range rows {
		for j := range cols {
			cs[i][j] = tiles.At(area, j, i)
		}
	}
	for iter := 0; iter < 4; iter++ {
		// Measure each plot's margins on its canvas.
		for i := range rows {
			for j := range cols {
				p := at(plots, i, j)
				if p == nil {
					m[i][j] = margins{}
					continue
				}
				c := cs[i][j]
				d := p.DataCanvas(c)
				m[i][j] = margins{l: d.Min.X - c.Min.X, r: c.Max.X - d.Max.X, b: d.Min.Y - c.Min.Y, t: c.Max.Y - d.Max.Y}
			}
		}
		colL, colR := make([]vg.Length, cols), make([]vg.Length, cols)
		rowT, rowB := make([]vg.Length, rows), make([]vg.Length, rows)
		var sumX, sumY vg.Length
		for j := range cols {
			for i := range rows {
				colL[j] = max(colL[j], m[i][j].l)
				colR[j] = max(colR[j], m[i][j].r)
			}
			sumX += colL[j] + colR[j]
		}
		for i := range rows {
			for j := range cols {
				rowT[i] = max(rowT[i], m[i][j].t)
				rowB[i] = max(rowB[i], m[i][j].b)
			}
			sumY += rowT[i] + rowB[i]
		}
		dw := (area.Max.X - area.Min.X - sumX - padX*vg.Length(cols-1)) / vg.Length(cols)
		dh := (area.Max.Y - area.Min.Y - sumY - padY*vg.Length(rows-1)) / vg.Length(rows)
		dw, dh = max(dw, 1), max(dh, 1)
		moved := vg.Length(0)
		y := area.Max.Y
		for i := range rows {
			top := y - rowT[i]
			bot := top - dh
			x := area.Min.X
			for j := range cols {
				left := x + colL[j]
				right := left + dw
				nc := area
				nc.Rectangle = vg.Rectangle{
					Min: vg.Point{X: left - m[i][j].l, Y: bot - m[i][j].b},
					Max: vg.Point{X: right + m[i][j].r, Y: top + m[i][j].t},
				}
				moved = max(moved, vg.Length(math.Abs(float64(nc.Min.X-cs[i][j].Min.X))), vg.Length(math.Abs(float64(nc.Max.Y-cs[i][j].Max.Y))),
					vg.Length(math.Abs(float64(nc.Max.X-cs[i][j].Max.X))), vg.Length(math.Abs(float64(nc.Min.Y-cs[i][j].Min.Y))))
				cs[i][j] = nc
				x = right + colR[j] + padX
			}
			y = bot - rowB[i] - padY
		}
		if moved < 0.01 {
			break
		}
	}
	return cs
}

func at(plots [][]*plot.Plot, i, j int) *plot.Plot {
	if i < len(plots) && j < len(plots[i]) {
		return plots[i][j]
	}
	return nil
}
