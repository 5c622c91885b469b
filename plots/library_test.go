package plots

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
)

// quickPlots are the built-ins whose figures the default go test ./...
// draws (a few seconds): between them every figure kind, timeseries with
// a fault window, latency, compare, a sweep (congestion-collapse), the
// stability region (stability-map) and figures declared in [[figures]]
// (backoff-and-jitter, cache-stampede, with a cache's series). The rest
// are drawn under STAMPEDE_LONG.
var quickPlots = []string{"mm1", "metastable-retries", "congestion-collapse", "stability-map", "backoff-and-jitter", "cache-stampede"}

// TestEveryBuiltinPlots draws every figure every built-in scenario supports
// (what `stampede run NAME --out DIR --plots` does), on a reduced run: one
// replication, a tenth of the duration, at most 30 s of virtual time. It
// catches results a figure cannot read (a new series kind, a new summary
// shape) before a user does; that every figure reads at slide and paper size
// (see layoutProblems); and that it renders to the same bytes
// twice in each format. The figures are the scenario's own: those it
// declares in [[figures]], and the defaults of the other kinds. By
// default only the built-ins in quickPlots are drawn; with STAMPEDE_LONG
// set (.ci/run sets it) every one is.
func TestEveryBuiltinPlots(t *testing.T) {
	names := scenarios.BuiltinNames()
	if len(names) == 0 {
		t.Fatal("no built-in scenarios")
	}
	for _, name := range quickPlots {
		if !slices.Contains(names, name) {
			t.Errorf("quickPlots names %s, which is not a built-in", name)
		}
	}
	long := os.Getenv("STAMPEDE_LONG") != ""
	drawnBy := map[string][]string{} // figure kind: the built-ins that draw it
	if long {
		// The quick subset must stay representative: every kind of
		// figure some built-in draws, one in quickPlots draws too.
		defer func() {
			for _, kind := range FigureNames {
				if by := drawnBy[kind]; len(by) > 0 && !slices.ContainsFunc(by, func(n string) bool { return slices.Contains(quickPlots, n) }) {
					t.Errorf("no built-in in quickPlots draws a %s figure (%v do): add one", kind, by)
				}
			}
		}()
	}
	for _, name := range names {
		if !long && !slices.Contains(quickPlots, name) {
			continue
		}
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
			for _, fig := range figs {
				kind := fig
				for _, sp := range set.Specs {
					if sp.FileName() == fig {
						kind = sp.Kind
					}
				}
				if by := drawnBy[kind]; len(by) == 0 || by[len(by)-1] != name {
					drawnBy[kind] = append(by, name)
				}
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
