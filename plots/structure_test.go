package plots

import (
	"fmt"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// layoutProblems draws f on a canvas of size s and returns what a reader
// would trip over: a panel too short to read (under three lines of body
// text), a legend taking more than a quarter of the figure, labelled
// ticks whose labels overlap, direct labels that overlap or leave their
// place.
func layoutProblems(f *Figure, s Size) []string {
	c := vgimg.NewWith(vgimg.UseWH(s.W, s.H), vgimg.UseDPI(s.dpi()))
	f.Draw(draw.New(c))
	l := f.drawn
	var out []string
	h := l.canvas.Max.Y - l.canvas.Min.Y
	if l.legendH > h/4 {
		out = append(out, fmt.Sprintf("legend %.0f pt of %.0f pt high (more than a quarter)", l.legendH, h))
	}
	if len(l.plots) == 0 {
		out = append(out, "no panel drawn")
	}
	// Direct labels: inside their areas (the panel, or the column right
	// of it), clear of each other, and in place of the legend.
	for k, b := range l.labels {
		if a := l.labelArea[k]; b.Min.X < a.Min.X-0.01 || b.Max.X > a.Max.X+0.01 || b.Min.Y < a.Min.Y-0.01 || b.Max.Y > a.Max.Y+0.01 {
			out = append(out, fmt.Sprintf("direct label %d at %v leaves its area %v", k, b, a))
		}
		for j := range k {
			if overlaps(b, l.labels[j]) {
				out = append(out, fmt.Sprintf("direct labels %d and %d overlap (%v, %v)", j, k, l.labels[j], b))
			}
		}
	}
	if f.labelled && (!l.labelsFit || l.legendH > 0) {
		out = append(out, fmt.Sprintf("direct labels drawn that do not fit (%v) or beside a legend (%.0f pt)", l.labelsFit, l.legendH))
	}
	for k, p := range l.plots {
		r := l.data[k]
		if ph := r.Max.Y - r.Min.Y; ph < 3*l.base {
			out = append(out, fmt.Sprintf("panel %d (%q) %.0f pt high: under three lines of %.1f pt text", k, p.Y.Label.Text, ph, l.base))
		}
		out = append(out, tickOverlaps(k, p, r)...)
	}
	return out
}

// tickOverlaps reports labelled ticks of p (data area r) whose labels
// overlap their neighbours'.
func tickOverlaps(k int, p *plot.Plot, r vg.Rectangle) []string {
	trX, trY := p.Transforms(&draw.Canvas{Rectangle: r})
	type lab struct {
		at   vg.Length
		size vg.Length
		text string
	}
	check := func(axis string, labs []lab) []string {
		sort.Slice(labs, func(i, j int) bool { return labs[i].at < labs[j].at })
		var out []string
		for i := 1; i < len(labs); i++ {
			if gap := labs[i].at - labs[i-1].at; gap < (labs[i].size+labs[i-1].size)/2 {
				out = append(out, fmt.Sprintf("panel %d (%q): %s tick labels %q and %q overlap", k, p.Y.Label.Text, axis, labs[i-1].text, labs[i].text))
			}
		}
		return out
	}
	var xs, ys []lab
	for _, t := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if t.Label != "" && t.Value >= p.X.Min && t.Value <= p.X.Max {
			xs = append(xs, lab{trX(t.Value), p.X.Tick.Label.Width(t.Label), t.Label})
		}
	}
	for _, t := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
		if t.Label != "" && t.Value >= p.Y.Min && t.Value <= p.Y.Max {
			// The ink of a line of text: cap height plus descender, about
			// 0.9 of the font size (Height adds the line gap).
			ys = append(ys, lab{trY(t.Value), p.Y.Tick.Label.Font.Size * 0.9, t.Label})
		}
	}
	return append(check("x", xs), check("y", ys)...)
}
