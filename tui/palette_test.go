package tui

import (
	"image/color"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// TestPaletteDistinct holds the variants' colours apart at every colour
// depth a terminal may have: in truecolor, at 256 colours and at 16 (as
// the terminal's writer downsamples them), no two variants share a colour
// and none takes the grey of the offered-load line.
func TestPaletteDistinct(t *testing.T) {
	if len(variantColors) < 10 {
		t.Fatalf("%d variant colours: metastable-retries has ten variants", len(variantColors))
	}
	grey := greyLine.GetForeground()
	for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI} {
		seen := map[color.Color]int{}
		g := p.Convert(grey)
		for i := range variantColors {
			c := p.Convert(variantColor(i))
			if j, ok := seen[c]; ok {
				t.Errorf("%v: variants %d (%s) and %d (%s) are both %v", p, j, variantColors[j], i, variantColors[i], c)
			}
			seen[c] = i
			if c == g {
				t.Errorf("%v: variant %d (%s) is the offered line's grey %v", p, i, variantColors[i], c)
			}
		}
	}
}

// TestTooSmallReadable: the "too small" message is wrapped to the
// terminal, so that it can be read whole where it is shown at all.
func TestTooSmallReadable(t *testing.T) {
	v := (&runState{}).view(20, 10)
	if got := strings.Join(strings.Fields(v), " "); !strings.Contains(got, "80x24 to see the charts)") {
		t.Errorf("at 20x10 the message is cut:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if ansi.StringWidth(l) > 20 {
			t.Errorf("line wider than 20: %q", l)
		}
	}
}
