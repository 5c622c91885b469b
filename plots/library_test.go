package plots

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
)

// TestEveryBuiltinPlots draws every figure every built-in scenario supports
// (what `stampede run NAME --out DIR --plots` does), on a reduced run: one
// replication, a tenth of the duration, at most 30 s of virtual time. It
// catches results a figure cannot read (a new series kind, a new summary
// shape) before a user does; that every figure reads at slide and paper size
// (see layoutProblems); and that it renders to the same bytes
// twice in each format.
func TestEveryBuiltinPlots(t *testing.T) {
	names := scenarios.BuiltinNames()
	if len(names) == 0 {
		t.Fatal("no built-in scenarios")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			s, err := scenarios.LoadBuiltin(name)
			if err != nil {
				t.Fatal(err)
			}
			d := min(s.Config.Duration/10, 30*time.Second).Round(time.Millisecond)
			res, err := scenarios.Run(s, scenarios.Options{
				Replications: 1, Series: true,
				Set: []string{fmt.Sprintf("duration=%q", d.String())},
			})
			if err != nil {
				t.Fatal(err)
			}
			set, err := FromBatch(batchOf(t, res), "")
			if err != nil {
				t.Fatal(err)
			}
			figs := set.Available()
			if len(figs) == 0 {
				t.Fatal("no figure available")
			}
			for _, fig := range figs {
				f, err := set.Figure(fig)
				if err != nil {
					t.Fatalf("%s: %v", fig, err)
				}
				for _, size := range []struct {
					name string
					s    Size
				}{{"slide", Slide}, {"paper", Paper}} {
					for _, p := range layoutProblems(f, size.s) {
						t.Errorf("%s at %s size: %s", fig, size.name, p)
					}
				}
				for _, format := range []Format{PNG, SVG, PDF} {
					a, b := renderTwice(t, f, format, Size{W: 400, H: 250, DPI: 96})
					if !bytes.Equal(a, b) {
						t.Errorf("%s.%s: second render differs from the first", fig, format)
					}
				}
			}
		})
	}
}
