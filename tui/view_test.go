package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
)

const frame = 50 * time.Millisecond

// testLibrary is a fixed gallery, so that the goldens do not change when
// the built-in library does.
func testLibrary(t *testing.T) []Entry {
	demo := loadDemo(t)
	return []Entry{
		{Name: "demo", Title: demo.Title, About: demo.About, Load: func() (*scenarios.Scenario, error) { return demo, nil }},
		{Name: "broken", Title: "A scenario that does not load", About: "Picking it shows its error.",
			Load: func() (*scenarios.Scenario, error) {
				return nil, errors.New("builtin/broken.toml:3:1: duration: must be > 0")
			}},
	}
}

// TestGoldenViews compares the views, as plain text, with golden files at
// fixed sizes (go test ./tui -update rewrites them). They depend on the
// simulation's output: a change to the models that moves a number shows
// here too.
func TestGoldenViews(t *testing.T) {
	type step func(d *driver)
	run := func(d *driver) {
		d.frames(50, frame) // 10x: 25s
		d.key("1")
		d.frames(12, frame)
	}
	cases := []struct {
		name string
		w, h int
		open bool
		do   step
	}{
		{"gallery-80x24", 80, 24, false, func(d *driver) {}},
		{"gallery-120x40", 120, 40, false, func(d *driver) { d.key("down") }},
		{"gallery-error-80x24", 80, 24, false, func(d *driver) {
			d.key("down")
			d.send(d.key("enter")())
		}},
		{"run-start-80x24", 80, 24, true, func(d *driver) {}},
		{"run-80x24", 80, 24, true, run},
		{"run-120x40", 120, 40, true, run},
		{"run-queue-chart-120x40", 120, 40, true, func(d *driver) { run(d); d.key("c") }},
		{"run-attempts-chart-120x40", 120, 40, true, func(d *driver) { run(d); d.key("c"); d.key("c") }},
		{"run-focus-120x40", 120, 40, true, func(d *driver) { run(d); d.key("f"); d.key("f") }},
		{"run-compact-80x24", 80, 24, true, func(d *driver) { run(d); d.key("z") }},
		{"time-travel-120x40", 120, 40, true, func(d *driver) {
			run(d)
			for range 8 {
				d.key("left")
			}
		}},
		{"done-120x40", 120, 40, true, func(d *driver) {
			d.frames(60, frame)
			d.key("2")
			d.key("+")
			d.key("+")
			d.key("+")
			d.key("+")
			for i := 0; i < 1000 && !d.m.run.sess.Done(); i++ {
				d.frames(1, frame)
			}
		}},
		{"help-80x24", 80, 24, true, func(d *driver) { run(d); d.key("?") }},
		{"run-100x30", 100, 30, true, run},
		{"run-60x20", 60, 20, true, run},
		{"run-44x14", 44, 14, true, run},
		{"run-30x8", 30, 8, true, run},
		{"too-small-20x5", 20, 5, true, run},
		// testdata/strategies.toml: breaker, budget, throttle, concurrency
		// limit and shedding state in the status lines, live and time
		// travelling
		{"strategies-120x40", 120, 40, true, func(d *driver) { d.frames(30, frame) }},
		{"strategies-80x24", 80, 24, true, func(d *driver) { d.frames(30, frame) }},
		{"strategies-toggled-100x30", 100, 30, true, func(d *driver) {
			d.frames(16, frame)
			d.key("v")
			d.key("x") // the breaker on, for every variant
			d.frames(20, frame)
			d.key("left")
			d.key("left")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Library: testLibrary(t)}
			if c.open {
				opts.Open = loadDemo(t)
			}
			if strings.HasPrefix(c.name, "strategies-") {
				opts.Open = loadStrategies(t)
			}
			d := newDriver(t, opts, c.w, c.h)
			c.do(d)
			got := d.screen()
			checkSize(t, c.name, got, c.w, c.h)
			golden(t, c.name, got)
		})
	}
}

// TestResize renders one model at several sizes in turn: each view fits
// its terminal, and coming back to a size gives the same view.
func TestResize(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(40, frame)
	first := d.screen()
	for _, sz := range [][2]int{{80, 24}, {200, 60}, {50, 16}, {30, 6}, {10, 3}, {120, 40}} {
		d.send(resize(sz[0], sz[1]))
		checkSize(t, fmt.Sprintf("%dx%d", sz[0], sz[1]), d.screen(), sz[0], sz[1])
	}
	if got := d.screen(); got != first {
		t.Errorf("back at 120x40 the view differs:\n%s\n---\n%s", got, first)
	}
}
