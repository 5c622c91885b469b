package plots

import (
	"math"

	"gonum.org/v1/plot"
)

// Lines of different variants that lie on each other (a variant whose
// change made no difference: fallback's retries over its base) hide all
// but the last drawn, and the reader takes the hidden one for missing.
// Such lines are drawn striped instead: each takes every n-th repeat of
// the line's pattern (a solid line's: a segment), in its own phase, so
// that together they draw the line as one, solid, dashed or dotted, in
// the colours of all of them in turn, over the panel's other lines (a line
// that meets them only for a while would otherwise cover their
// stripes there).

// stripe says where a line stands among lines that coincide: the k-th
// of n (in drawing order). n < 2: it coincides with none.
type stripe struct {
	k, n int
	// apart marks the points where the line is not within the
	// tolerance of every other line of its group: drawn whole there.
	apart []bool
}

// coincideShare is the share of a line's points that must lie within
// coincideTol of another's for the two to be drawn as one striped line;
// coincideTol is a share of the range of all the lines' values, about
// a line's width on a panel (two variants' failures that differ only by
// noise, 11 of 655 calls/s, lie on each other).
const (
	coincideShare = 0.95
	coincideTol   = 0.02
)

// coincident groups lines (one per variant, in drawing order) whose
// values lie within coincideTol of the panel's range (sp, from
// panelSpan, which holds the lines' values too) at coincideShare of their points, a missing
// value matching only a missing one (on a log axis values compare as
// logarithms, values <= 0 as missing). Each line's stripe says its
// place in its group. The panel's range, not the lines': two noisy
// goodputs 5 calls/s apart under offered load at 1.6k lie on each
// other, however far apart they are next to their own spread.
func coincident(ys [][]float64, sp span) []stripe {
	val := sp.val
	out := make([]stripe, len(ys))
	if !(sp.hi >= sp.lo) {
		return out
	}
	tol := coincideTol * (sp.hi - sp.lo)
	same := func(a, b []float64) bool {
		if len(a) != len(b) || len(a) == 0 {
			return false
		}
		near, drawn := 0, 0
		for i := range a {
			x, y := val(a[i]), val(b[i])
			if math.IsNaN(x) && math.IsNaN(y) {
				continue
			}
			drawn++
			if !math.IsNaN(x) && !math.IsNaN(y) && math.Abs(x-y) <= tol {
				near++
			}
		}
		return drawn > 0 && float64(near) >= coincideShare*float64(drawn)
	}
	group := make([]int, len(ys)) // the first line of each line's group
	for i := range ys {
		group[i] = i
		for j := range i {
			if group[j] == j && ys[j] != nil && same(ys[j], ys[i]) {
				group[i] = j
				break
			}
		}
	}
	size := make([]int, len(ys))
	for i := range ys {
		out[i].k = size[group[i]]
		size[group[i]]++
	}
	for i := range ys {
		out[i].n = size[group[i]]
	}
	for i := range ys {
		if out[i].n < 2 {
			continue
		}
		for j := range ys {
			if j == i || group[j] != group[i] {
				continue
			}
			for p := range ys[i] {
				x, y := val(ys[i][p]), math.NaN()
				if p < len(ys[j]) {
					y = val(ys[j][p])
				}
				if math.IsNaN(x) && math.IsNaN(y) || !math.IsNaN(x) && !math.IsNaN(y) && math.Abs(x-y) <= tol {
					continue
				}
				if out[i].apart == nil {
					out[i].apart = make([]bool, len(ys[i]))
				}
				out[i].apart[p] = true
			}
		}
	}
	return out
}

// each returns get of each item.
func each[T any](items []T, get func(T) []float64) [][]float64 {
	out := make([][]float64, len(items))
	for i, it := range items {
		out[i] = get(it)
	}
	return out
}

// stripedLast returns the lines' indices in drawing order: the lines
// that coincide with none first, in order, then the striped ones.
func stripedLast(st []stripe) []int {
	var out, striped []int
	for i, s := range st {
		if s.n > 1 {
			striped = append(striped, i)
		} else {
			out = append(out, i)
		}
	}
	return append(out, striped...)
}

// addStriped adds line(i) for each of ys's lines (nil: none) to p, the
// lines that coincide striped and drawn last.
func addStriped(p *plot.Plot, ys [][]float64, sp span, line func(i int) *xyLine) {
	st := coincident(ys, sp)
	for _, i := range stripedLast(st) {
		if l := line(i); l != nil {
			l.stripe = st[i]
			p.Add(l)
		}
	}
}

// span is the range of a panel's values, as logarithms on a log axis,
// against which coincident measures how close two lines are.
type span struct {
	log    bool
	lo, hi float64
}

// panelSpan returns the range of p's axis so far (its minimum, 0 on a
// linear panel) and of every series in groups: all the panel will draw.
func panelSpan(p *plot.Plot, log bool, groups ...[][]float64) span {
	sp := span{log: log, lo: math.Inf(1), hi: math.Inf(-1)}
	for _, v := range []float64{p.Y.Min, p.Y.Max} {
		if x := sp.val(v); !math.IsNaN(x) && !math.IsInf(x, 0) {
			sp.lo, sp.hi = math.Min(sp.lo, x), math.Max(sp.hi, x)
		}
	}
	for _, g := range groups {
		for _, s := range g {
			for _, v := range s {
				if x := sp.val(v); !math.IsNaN(x) {
					sp.lo, sp.hi = math.Min(sp.lo, x), math.Max(sp.hi, x)
				}
			}
		}
	}
	return sp
}

// val returns v as the span measures it: its logarithm on a log axis,
// NaN where the axis cannot draw it.
func (sp span) val(v float64) float64 {
	if !finite(v, sp.log) {
		return math.NaN()
	}
	if sp.log {
		return math.Log10(v)
	}
	return v
}
