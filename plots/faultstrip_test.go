package plots

import (
	"slices"
	"testing"

	"gonum.org/v1/plot/vg"

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

// TestWrapWords: lines no wider than the width, words kept whole, a word
// wider than the width alone on its line; a cell's verdict keeps its
// parenthesis on one line.
func TestWrapWords(t *testing.T) {
	w := func(s string) vg.Length { return vg.Length(len(s)) }
	for _, c := range []struct {
		text  string
		width vg.Length
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"a bb ccc dddd", 6, []string{"a bb", "ccc", "dddd"}},
		{"tiny enormousword x", 5, []string{"tiny", "enormousword", "x"}},
	} {
		if got := wrapWords(c.text, c.width, w); !slices.Equal(got, c.want) {
			t.Errorf("wrapWords(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
		}
	}
	if got := cellTitle("undecided (run too short)", 5); got != "undecided\n(run too short)" {
		t.Errorf("cellTitle at 5 columns = %q", got)
	}
	if got := cellTitle("undecided (run too short)", 3); got != "undecided (run too short)" {
		t.Errorf("cellTitle at 3 columns = %q", got)
	}
}
