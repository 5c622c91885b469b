package plots

import (
	"bytes"
	"testing"
)

// fakeStabilityMargin is fakeStability with a boundary over its map: the
// load (X) a fault of each length (Y) is survived at.
func fakeStabilityMargin() StabilityData {
	d := fakeStability()
	d.Boundaries = []StabilityBoundary{{Variant: d.Maps[0].Name, SizeOnX: true, Points: []BoundaryPoint{
		{DurationS: 5, Survived: 0.9, Tipped: 0.93}, {DurationS: 10, Survived: 0.82, Tipped: 0.86},
		{DurationS: 20, Survived: 0.74, Tipped: 0.78}, {DurationS: 40, Survived: 0.66, Tipped: 0.7},
		{DurationS: 80, Survived: 0.6, Tipped: 0.63},
	}}}
	return d
}

// TestCellCoord: a value is placed between the cells of the values
// around it, linearly, and kept within the panel.
func TestCellCoord(t *testing.T) {
	vals := []float64{0.5, 0.6, 0.7, 0.8, 0.9, 0.95}
	for _, tc := range []struct{ v, want float64 }{
		{0.5, 0}, {0.55, 0.5}, {0.7, 2}, {0.925, 4.5}, {0.95, 5}, {0.975, 5.5}, {2, 5.5}, {0.45, -0.5}, {0, -0.5},
	} {
		if got := cellCoord(vals, tc.v); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("cellCoord(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
	if got := cellCoord([]float64{3}, 7); got != 0 {
		t.Errorf("one value: %v, want 0", got)
	}
}

// TestStabilityBoundaryDrawn: a boundary adds its line and its legend
// entry to the map of its variant only.
func TestStabilityBoundaryDrawn(t *testing.T) {
	render := func(d StabilityData) string {
		f, err := StabilityMap(d)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Render(&buf, SVG, Paper); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	plain, with := render(fakeStability()), render(fakeStabilityMargin())
	if plain == with || !bytes.Contains([]byte(with), []byte("margin (bisection)")) {
		t.Error("the boundary is not drawn, or not in the legend")
	}
	other := fakeStabilityMargin()
	other.Boundaries[0].Variant = "another"
	if render(other) != plain {
		t.Error("a boundary of another variant was drawn")
	}
}
