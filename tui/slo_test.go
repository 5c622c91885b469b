package tui

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

func TestSLOStatus(t *testing.T) {
	s := &results.Series{SLOs: []results.SLOSeries{{
		Name:            "avail",
		BurnRate:        results.Values{math.NaN(), 20},
		BudgetRemaining: results.Values{1, 0.456},
		Alerts:          map[string]results.Values{"page-1h": {0, 1}, "page-6h": {0, 1}, "ticket-3d": {0, 0}},
	}}}
	for _, c := range []struct {
		i      int
		narrow bool
		want   string
	}{
		{0, true, "avail — 100%"},
		{1, true, "avail ⚑ page-1h+1 20x 46%"},
		{1, false, "avail ⚑ page-1h+1 burn 20x 46% left"},
	} {
		if got := ansi.Strip(sloStatus(s, c.i, c.narrow)); got != c.want {
			t.Errorf("interval %d narrow %v: %q, want %q", c.i, c.narrow, got, c.want)
		}
	}
	if got := sloStatus(&results.Series{}, 0, false); got != "" {
		t.Errorf("no SLOs: %q", got)
	}
}

func TestStatusLineShowsFiringAlerts(t *testing.T) {
	doc, err := scenarios.LoadBuiltin("rolling-deploy")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Open: doc}, 140, 40)
	for i := 0; i < 1000 && d.m.run.sess.Now() < 140e9; i++ {
		d.frames(1, 100*time.Millisecond)
	}
	// 20 s into the deploy, without retries the fast page fires (the
	// scenario's claims say so for the whole run).
	var line string
	for _, l := range strings.Split(d.screen(), "\n") {
		if strings.HasPrefix(l, "■ no-retries") {
			line = l
		}
	}
	if !strings.Contains(line, "availability ⚑ page-1h") {
		t.Errorf("the no-retries status line does not show the page firing:\n%s", line)
	}
}

func TestWaterfallOverlay(t *testing.T) {
	doc, err := scenarios.LoadBuiltin("rolling-deploy")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Open: doc}, 120, 30)
	d.key("w")
	if d.m.run.wf != nil || !strings.Contains(d.screen(), "no request trace recorded yet") {
		t.Errorf("w before any call ended: %v\n%s", d.m.run.wf != nil, d.screen())
	}
	for i := 0; i < 1000 && d.m.run.sess.Now() < 140e9; i++ {
		d.frames(1, 100*time.Millisecond)
	}
	d.key("w")
	scr := d.screen()
	checkSize(t, "waterfall", scr, 120, 30)
	if !strings.Contains(scr, "request trace 1/") || !strings.Contains(scr, "api #1") || !strings.Contains(scr, "= network") {
		t.Fatalf("the waterfall does not show a trace:\n%s", scr)
	}
	first := d.m.run.wf.items[0].trace.LatencyS
	d.key("w")
	if !strings.Contains(d.screen(), "request trace 2/") || d.m.run.wf.items[1].trace.LatencyS > first {
		t.Errorf("w does not move to the next (no slower) trace:\n%s", d.screen())
	}
	d.key("x")
	if d.m.run.wf != nil || !strings.Contains(d.screen(), "■ base") {
		t.Errorf("a key other than w does not close the overlay:\n%s", d.screen())
	}
}
