package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// loadDemo loads testdata/demo.toml as the Run view takes it.
func loadDemo(t *testing.T) *scenarios.Scenario {
	t.Helper()
	return loadFile(t, "testdata/demo.toml")
}

func loadFile(t *testing.T, path string) *scenarios.Scenario {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := scenarios.LoadFile(path, b, scenarios.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// driver sends messages to a Model as Bubble Tea would, with a fake wall
// clock for the ticks: no sleeps, no goroutines.
type driver struct {
	t    *testing.T
	m    *Model
	wall time.Time
}

func newDriver(t *testing.T, opts Options, w, h int) *driver {
	t.Helper()
	if opts.FrameEvents == 0 {
		opts.FrameEvents = DefaultFrameEvents // a fixed budget: no wall clock
	}
	d := &driver{t: t, m: New(opts), wall: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	d.m.Init()
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// send delivers msg and returns the command Update gave back.
func (d *driver) send(msg tea.Msg) tea.Cmd {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	return cmd
}

// frames delivers n ticks of the live loop, dt of wall time apart.
func (d *driver) frames(n int, dt time.Duration) {
	d.t.Helper()
	for range n {
		d.wall = d.wall.Add(dt)
		d.send(tickMsg{tag: d.m.tickTag, at: d.wall})
	}
}

// key presses a key given as Bubble Tea spells it ("space", "left", "R").
func (d *driver) key(k string) tea.Cmd {
	d.t.Helper()
	return d.send(press(k))
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// screen returns the view as plain text.
func (d *driver) screen() string {
	return ansi.Strip(d.m.View().Content)
}

// golden compares got with testdata/golden/name.txt (-update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s: view differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// checkSize fails when a view is larger than w x h.
func checkSize(t *testing.T, name, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		t.Errorf("%s: %d lines, more than the %d of the terminal", name, len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", name, i+1, n, w, l)
		}
	}
}

func resize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// TestFallbacksNotFailures: the failures the TUI draws and shows leave
// out the fallback answers, which fallbacksAt counts at every tier.
func TestFallbacksNotFailures(t *testing.T) {
	s := &results.Series{T: results.Values{0},
		Total: results.CallSeries{Failed: map[string]results.Values{"fallback": {1}, "error": {5}}},
		Edges: []results.CallSeries{{Failed: map[string]results.Values{"fallback": {10}}}},
	}
	if got := failedAt(&s.Total, 0); got != 5 {
		t.Errorf("failedAt = %v, want 5 (the errors, not the fallbacks)", got)
	}
	if got, ok := fallbacksAt(s, 0); got != 11 || !ok {
		t.Errorf("fallbacksAt = %v, %v; want 11, true", got, ok)
	}
	if _, ok := fallbacksAt(&results.Series{T: s.T}, 0); ok {
		t.Errorf("fallbacksAt: a run with no fallbacks has some")
	}
}
