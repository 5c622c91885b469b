package plots

import (
	"bytes"
	"fmt"
	"slices"
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
// twice in each format. The figures are the scenario's own: those it
// declares in [[figures]], and the defaults of the other kinds.
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
			set.Specs = specsOf(s)
			figs := set.Available()
			if len(figs) == 0 {
				t.Fatal("no figure available")
			}
			for _, sp := range set.Specs {
				if !slices.Contains(figs, sp.FileName()) {
					t.Errorf("declared figure %q is not drawn (figures: %v)", sp.FileName(), figs)
				}
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

// specsOf returns the figures s declares, as cmd/stampede passes them.
func specsOf(s *scenarios.Scenario) []Spec {
	var out []Spec
	for _, f := range s.Figures {
		out = append(out, Spec{Name: f.Name, Kind: f.Kind, Title: f.Title, Subtitle: f.Subtitle,
			Variants: f.Variants, Client: f.Client, Service: f.Service, Edge: f.Edge,
			Metric: f.Metric, YLabel: f.YLabel})
	}
	return out
}
