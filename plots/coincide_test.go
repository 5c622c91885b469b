package plots

import (
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
	got := coincident([][]float64{a, apart, near, gap, nil, slices.Clone(a)}, false)
	want := []stripe{{0, 3}, {0, 1}, {1, 3}, {0, 1}, {0, 1}, {2, 3}}
	if !slices.Equal(got, want) {
		t.Errorf("coincident = %v, want %v", got, want)
	}
	if o := stripedLast(got); !slices.Equal(o, []int{1, 3, 4, 0, 2, 5}) {
		t.Errorf("drawing order %v: want the striped lines last", o)
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
		l := &xyLine{dash: c.dash, stripe: stripe{c.k, c.n}, th: th}
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
