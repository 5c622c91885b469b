package plots

import (
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestEndLabels: a sweep of few lines names them at their ends instead of
// in a legend, with the colours of their variants' slots; one with a
// reference line, or too many lines, keeps its legend.
func TestEndLabels(t *testing.T) {
	d := fakeSweep(false)
	d.Diagonal = ""
	d.Series[0].Slot, d.Series[1].Slot, d.Series[2].Slot = 0, 2, 3 // some variants of more
	f, err := Sweep(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.legend) != 0 || len(f.endLabels) != 3 {
		t.Fatalf("legend %d entries, end labels %d: want none and 3", len(f.legend), len(f.endLabels))
	}
	if f.endLabels[1].color != VariantColor(2) || f.endLabels[2].label != d.Series[2].Name {
		t.Errorf("end label 1 in %v, want its slot's colour %v", f.endLabels[1].color, VariantColor(2))
	}
	// Drawn, the panel leaves room for the labels and the legend none.
	c := vgimg.NewWith(vgimg.UseWH(Slide.W, Slide.H), vgimg.UseDPI(96))
	f.Draw(draw.New(c))
	if f.drawn.legendH != 0 {
		t.Errorf("legend drawn %v high, want none", f.drawn.legendH)
	}
	if r := f.drawn.data[0]; r.Max.X > f.drawn.canvas.Max.X-endLabelsWidth(*f.th, f.endLabels) {
		t.Errorf("data area reaches %v: no room for the end labels", r.Max.X)
	}

	d = fakeSweep(false) // with its diagonal: a legend names it
	if f, err = Sweep(d); err != nil || len(f.legend) == 0 || len(f.endLabels) != 0 {
		t.Errorf("with a reference line: legend %d, end labels %d (err %v)", len(f.legend), len(f.endLabels), err)
	}
}
