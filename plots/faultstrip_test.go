package plots

import (
	"testing"

	"github.com/stampede-sim/stampede/models/results"
)

// TestFaultLabelFor: a fault window that does not hit every variant drawn
// names the ones it hits, in the colour of the one when it hits one.
func TestFaultLabelFor(t *testing.T) {
	spike := results.FaultWindow{Kind: "load_spike", Target: "shop", StartS: 60, EndS: 90}
	long := results.FaultWindow{Kind: "load_spike", Target: "shop", StartS: 60, EndS: 240}
	run := func(name string, slot int, fws ...results.FaultWindow) Run {
		return Run{Name: name, Slot: slot, Results: &results.Results{Faults: fws}}
	}
	runs := []Run{run("base", 0, spike), run("queue", 1, spike), run("short", 2, spike), run("sustained", 3, long)}
	for _, c := range []struct {
		fw   results.FaultWindow
		runs []Run
		want string
	}{
		{spike, runs, "shop: load spike · all but sustained"},
		{long, runs, "shop: load spike · sustained"},
		{spike, runs[:3], "shop: load spike"},
		{spike, []Run{runs[0], runs[1], runs[3], run("x", 4), run("y", 5)}, "shop: load spike · base, queue"},
		{spike, []Run{runs[0], runs[1], runs[2], run("x", 4), run("y", 5)}, "shop: load spike · 3 variants"},
	} {
		got, col := faultLabelFor(c.fw, c.runs)
		if got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
		if c.want == "shop: load spike · sustained" && col != VariantColor(3) {
			t.Errorf("%q in %v, want sustained's colour", got, col)
		}
	}
}
