package plots

import (
	"strings"
	"testing"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// textCanvas records where each string drawn ends.
type textCanvas struct {
	nullCanvas
	texts []string
	right []vg.Length
}

func (c *textCanvas) FillString(f font.Face, pt vg.Point, s string) {
	c.texts = append(c.texts, s)
	c.right = append(c.right, pt.X+f.Width(s))
}

// TestNoteWraps: a note longer than the figure is wide wraps at words
// inside it instead of running off the right edge.
func TestNoteWraps(t *testing.T) {
	f := newFigure(1, 1)
	f.Title = "A figure"
	f.Note = strings.Repeat("a note that explains what the panels leave out, ", 6) + "end."
	w, h := vg.Length(960)*vg.Inch/96, vg.Length(540)*vg.Inch/96
	c := &textCanvas{}
	f.Draw(draw.Canvas{Canvas: c, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	var note []string
	for i, s := range c.texts {
		if strings.Contains(f.Note, s) && strings.Contains(s, "note") || strings.HasSuffix(s, "end.") {
			note = append(note, s)
			if c.right[i] > w {
				t.Errorf("note line %q ends at %v, beyond the figure's %v", s, c.right[i], w)
			}
		}
	}
	if len(note) < 2 {
		t.Errorf("note drawn as %d line(s), want it wrapped: %q", len(note), note)
	}
}
