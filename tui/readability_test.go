package tui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/stampede-sim/stampede/sim"
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

// TestSpaceAfterTheEnd: space after the run is over says so, never
// "paused · space resumes" (space cannot resume it).
func TestSpaceAfterTheEnd(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t), FrameEvents: 200_000}, 120, 40)
	for range 4 {
		d.key("+")
	}
	for i := 0; !d.m.run.sess.Done(); i++ {
		if i > 100000 {
			t.Fatal("the run does not end")
		}
		d.frames(1, 50*time.Millisecond)
	}
	d.key("space")
	if n := d.m.run.note; strings.Contains(n, "paused") || !strings.Contains(n, "over") {
		t.Errorf("space after the end: note %q", n)
	}
}

// TestExportTitles: a run changed live is exported under a title that says
// so, with the changes listed.
func TestExportTitles(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(5, 50*time.Millisecond)
	if title, sub := d.m.run.exportTitles(); strings.Contains(title, "changed") || sub != "" {
		t.Errorf("before any change: %q, %q", title, sub)
	}
	d.key("1")
	title, sub := d.m.run.exportTitles()
	if !strings.HasSuffix(title, ", changed live") || !strings.HasPrefix(sub, "Changes: ") || !strings.Contains(sub, "spike") {
		t.Errorf("after a spike: %q, %q", title, sub)
	}
	// The spike is a fault window of the results; a rate change is a mark.
	if marks := d.m.run.exportMarks(); len(marks) != 0 {
		t.Errorf("after a spike: marks %v, want none (the fault window draws it)", marks)
	}
	d.key("R")
	marks := d.m.run.exportMarks()
	if len(marks) != 1 || !strings.HasPrefix(marks[0].Label, "rate ") || marks[0].AtS <= 0 {
		t.Errorf("after a rate change: marks %+v, want one 'rate ...' mark", marks)
	}
}

// TestScrolled: the gallery's about text scrolls a page at a time, stops
// at its end, and says when there is more above or below.
func TestScrolled(t *testing.T) {
	text := make([]string, 10)
	for i := range text {
		text[i] = fmt.Sprint(i)
	}
	from := 0
	got := scrolled(text, &from, 4)
	if len(got) != 4 || got[0] != "0" || !strings.Contains(got[3], "more below") {
		t.Errorf("first page: %q", got)
	}
	from = 100
	got = scrolled(text, &from, 4)
	if from != 6 || got[3] != "9" || !strings.Contains(got[0], "more above") {
		t.Errorf("past the end: from %d, %q", from, got)
	}
	from = 3
	if got := scrolled(text[:3], &from, 4); len(got) != 3 || from != 0 {
		t.Errorf("short text: from %d, %q", from, got)
	}
}

// TestSpeedLabel: the header says the speed asked for while the engine
// keeps up, and the speed achieved when it does not.
func TestSpeedLabel(t *testing.T) {
	r := &runState{speed: 1} // 10x
	if got := r.speedLabel(); got != "10x" {
		t.Errorf("before any frame: %q, want 10x", got)
	}
	for range 20 { // 10 virtual seconds a wall second: keeping up
		r.measure(0, sim.Time(500*time.Millisecond), 50*time.Millisecond)
	}
	if got := r.speedLabel(); got != "10x" {
		t.Errorf("keeping up: %q, want 10x", got)
	}
	for range 40 { // 3 virtual seconds a wall second
		r.measure(0, sim.Time(150*time.Millisecond), 50*time.Millisecond)
	}
	if got := r.speedLabel(); got != "3x of 10x" {
		t.Errorf("falling behind: %q, want 3x of 10x", got)
	}
	r.speed = len(speeds) - 1 // max
	if got := r.speedLabel(); !strings.HasPrefix(got, "max · ") {
		t.Errorf("at max: %q, want max and what it is", got)
	}
}

// TestFocus: f focuses one variant after another, the others' lines
// hidden and their status lines marked, then every variant again; F
// returns to every variant at once.
func TestFocus(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(5, 50*time.Millisecond)
	r := d.m.run
	n := len(r.sess.Names())
	if n < 2 {
		t.Fatalf("the demo has %d variants; the test needs two", n)
	}
	d.key("f")
	if r.focus != 0 || r.hidden(0) || !r.hidden(1) {
		t.Fatalf("after f: focus %d, want 0 with the others hidden", r.focus)
	}
	if scr := d.screen(); !strings.Contains(scr, "□ ") || !strings.Contains(r.note, "the others hidden") {
		t.Errorf("after f: no hidden variant marked, or note %q", r.note)
	}
	for range n {
		d.key("f")
	}
	if r.focus != -1 {
		t.Errorf("after cycling through every variant: focus %d, want -1 (all)", r.focus)
	}
	d.key("f")
	d.key("F")
	if r.focus != -1 || strings.Contains(d.screen(), "□ ") {
		t.Errorf("after F: focus %d, want -1 and no hidden variant", r.focus)
	}
}

// TestSparkline: a sparkline is as wide as asked, scaled to the shared
// top, one interval a cell when there are fewer intervals than cells,
// and blank where there is no value.
func TestSparkline(t *testing.T) {
	nan := math.NaN()
	if got := sparkline([]float64{0, 50, 100, nan}, 3, 6, 100); got != "▁▄█   " {
		t.Errorf("sparkline = %q, want %q", got, "▁▄█   ")
	}
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(i)
	}
	if got := sparkline(v, 99, 4, 100); len([]rune(got)) != 4 || []rune(got)[0] != '▁' || []rune(got)[3] != '▇' {
		t.Errorf("sparkline of a ramp = %q, want 4 rising cells", got)
	}
}
