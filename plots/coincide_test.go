package plots

import (
	"gonum.org/v1/plot"
	"image/color"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestCoincident: lines within a line's width of each other at nearly
// every point are grouped in drawing order, a missing value matching only
// a missing one; lines apart are not.
func TestCoincident(t *testing.T) {
	a := []float64{0, 100, 200, 300, math.NaN()}
	near := []float64{1, 101, 199, 300, math.NaN()} // within 2% of 300
	apart := []float64{0, 150, 250, 300, math.NaN()}
	gap := []float64{0, 100, 200, math.NaN(), 5}
	ys := [][]float64{a, apart, near, gap, nil, slices.Clone(a)}
	got := coincident(ys, panelSpan(plot.New(), false, ys)) // the lines' own range
	want := [][2]int{{0, 3}, {0, 1}, {1, 3}, {0, 1}, {0, 1}, {2, 3}}
	if kn := places(got); !slices.Equal(kn, want) {
		t.Errorf("coincident = %v, want %v", kn, want)
	}
	for i, s := range got {
		if s.apart != nil {
			t.Errorf("line %d: apart at %v, want nowhere", i, s.apart)
		}
	}
	if o := stripedLast(got); !slices.Equal(o, []int{1, 3, 4, 0, 2, 5}) {
		t.Errorf("drawing order %v: want the striped lines last", o)
	}
}

// TestCoincidentOnPanelRange: closeness is measured against the panel's
// range, not the lines' own spread: two noisy goodputs 5-10 calls/s apart
// at 1.6k, on a panel from 0 that also draws the offered load, lie on
// each other (hedging's base was hidden under its hedged variants); the
// same lines on their own range (1.58k-1.63k) do not.
func TestCoincidentOnPanelRange(t *testing.T) {
	var a, b []float64
	for i := range 60 {
		a = append(a, 1600+float64(i%7)*5)
		b = append(b, 1600+float64(i%7)*5+float64(5+i%3*3))
	}
	p := plot.New()
	p.Y.Min = 0
	sp := panelSpan(p, false, [][]float64{{1790}}, [][]float64{a, b})
	if got := places(coincident([][]float64{a, b}, sp)); got[1] != [2]int{1, 2} {
		t.Errorf("on the panel's range 0-1790: %v, want the two striped", got)
	}
	own := panelSpan(plot.New(), false, [][]float64{a, b})
	if got := coincident([][]float64{a, b}, own); got[1].n != 1 {
		t.Errorf("on their own range: %v, want apart", got)
	}
	// On a log axis from 1 ms to 1 s, p50s at 4.8 and 5.2 ms lie on
	// each other.
	lp := plot.New()
	lp.Y.Min = math.Inf(1)
	ls := panelSpan(lp, true, [][]float64{{0.001, 1}})
	if got := coincident([][]float64{{0.0048, 0.0048}, {0.0052, 0.0052}}, ls); got[1].n != 2 {
		t.Errorf("log panel: %v, want striped", got)
	}
}

// places returns each stripe's (k, n).
func places(st []stripe) [][2]int {
	var out [][2]int
	for _, s := range st {
		out = append(out, [2]int{s.k, s.n})
	}
	return out
}

// TestCoincidentApart: lines striped together are marked apart where
// one leaves the others (a spike of one variant: cache-stampede's base
// at the expiry wave), to be drawn whole there.
func TestCoincidentApart(t *testing.T) {
	flat := make([]float64, 40)
	spike := slices.Clone(flat)
	spike[20] = 1000
	got := coincident([][]float64{spike, flat, slices.Clone(flat)}, span{lo: 0, hi: 1000})
	for i, s := range got {
		if s.n != 3 {
			t.Fatalf("line %d: %v, want all three striped", i, places(got))
		}
		for p := range 40 {
			want := p == 20
			if got := s.apart != nil && s.apart[p]; got != want {
				t.Errorf("line %d point %d: apart %v, want %v", i, p, got, want)
			}
		}
	}
}

// TestStripedPattern: each of n coinciding lines draws every n-th
// repeat of the line's pattern, in its own phase.
func TestStripedPattern(t *testing.T) {
	th := &theme{line: 1}
	for _, c := range []struct {
		dash   dashKind
		k, n   int
		dashes []vg.Length
		offs   vg.Length
	}{
		{solid, 0, 1, nil, 0},
		{solid, 0, 2, []vg.Length{7, 7}, 0},
		{solid, 1, 2, []vg.Length{7, 7}, 7},
		{solid, 2, 3, []vg.Length{7, 14}, 7},
		{dashed, 1, 2, []vg.Length{4, 9}, 6.5},
		{dashDot, 1, 2, []vg.Length{5, 2, 1, 12}, 10},
	} {
		l := &xyLine{dash: c.dash, stripe: stripe{k: c.k, n: c.n}, th: th}
		st := l.striped(l.style())
		if !slices.Equal(st.Dashes, c.dashes) || st.DashOffs != c.offs {
			t.Errorf("%v line %d of %d: dashes %v from %v, want %v from %v", c.dash, c.k, c.n, st.Dashes, st.DashOffs, c.dashes, c.offs)
		}
	}
}

// TestCoincidentLinesStriped: in the time series, a variant whose goodput,
// latency and failures lie on another's (fallback's retries on its base)
// is striped with it, each in its own phase: the first variant's colour
// shows in every panel, where the second used to cover it.
func TestCoincidentLinesStriped(t *testing.T) {
	runs := fakeRuns(120, []storm{
		{name: "base", amplify: 1, recoverAtS: 84, collapse: 0.3},
		{name: "apart", amplify: 3.4, recoverAtS: math.Inf(1), collapse: 0.02},
		{name: "same", amplify: 1, recoverAtS: 84, collapse: 0.3},
	})
	// fakeRuns adds noise by variant: the third's lines are the first's.
	s0, s2 := &runs[0].Results.Series, &runs[2].Results.Series
	s2.Total = s0.Total
	s2.Services = s0.Services
	f, err := Timeseries(runs, TimeseriesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := vgimg.NewWith(vgimg.UseWH(Slide.W, Slide.H), vgimg.UseDPI(Slide.dpi()))
	f.Draw(draw.New(c))
	img := c.Image()
	dpi := float64(Slide.dpi())
	blue := color.NRGBAModel.Convert(VariantColor(0)).(color.NRGBA)
	for k, r := range f.drawn.data {
		// the data area in pixels, without the frame and the recovery
		// line (the base's, covered by the same's)
		x0, x1 := int(float64(r.Min.X)*dpi/72)+2, int(float64(r.Max.X)*dpi/72)-2
		y0 := img.Bounds().Max.Y - int(float64(r.Max.Y)*dpi/72) + 2
		y1 := img.Bounds().Max.Y - int(float64(r.Min.Y)*dpi/72) - 2
		n := 0
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) == blue {
					n++
				}
			}
		}
		if n < 100 {
			t.Errorf("panel %d (%q): %d pixels in the base's colour: its lines are hidden under the same values of another variant", k, f.drawn.plots[k].Y.Label.Text, n)
		}
	}
}

// TestXBands: the stripes of a solid line are bands of x, so that two
// lines of different lengths (noisy ones) stripe without gaps.
func TestXBands(t *testing.T) {
	ln := [][]vg.Point{{{X: 0, Y: 0}, {X: 30, Y: 30}}}
	xs := func(ps [][]vg.Point) [][2]vg.Length {
		var out [][2]vg.Length
		for _, p := range ps {
			out = append(out, [2]vg.Length{p[0].X, p[len(p)-1].X})
			if p[0].X != p[0].Y || p[len(p)-1].X != p[len(p)-1].Y {
				t.Errorf("piece %v left the line y = x", p)
			}
		}
		return out
	}
	if got, want := xs(xBands(ln, 7, 0, 2)), [][2]vg.Length{{0, 7}, {14, 21}, {28, 30}}; !slices.Equal(got, want) {
		t.Errorf("stripe 0 of 2: %v, want %v", got, want)
	}
	if got, want := xs(xBands(ln, 7, 1, 2)), [][2]vg.Length{{7, 14}, {21, 28}}; !slices.Equal(got, want) {
		t.Errorf("stripe 1 of 2: %v, want %v", got, want)
	}
	// right to left, and a vertical step inside a band
	back := [][]vg.Point{{{X: 20, Y: 0}, {X: 10, Y: 0}, {X: 10, Y: 5}, {X: 3, Y: 5}}}
	if got := len(xBands(back, 7, 0, 2)); got != 2 {
		t.Errorf("back: %d pieces in stripe 0, want 2 ([14, 20] and [3, 7])", got)
	}
}
