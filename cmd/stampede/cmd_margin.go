package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/plots"
	"github.com/stampede-sim/stampede/scenarios"
)

type marginCmd struct {
	Scenario             string   `arg:"" predictor:"scenario" help:"Scenario file or built-in name with the trigger (a fault) to search."`
	Size                 string   `required:"" help:"Set path of the trigger's size, larger being worse (faults.0.factor)." placeholder:"PATH"`
	From                 float64  `required:"" help:"A size the system recovers from." placeholder:"X"`
	To                   float64  `required:"" help:"A larger size it does not recover from." placeholder:"X"`
	Duration             string   `help:"Set path of the trigger's duration (faults.0.for), with --for." placeholder:"PATH"`
	For                  []string `help:"The durations to search at, e.g. --for 5s,10s,30s (default: the file's)." placeholder:"D,..."`
	Variant              string   `help:"The variant to search (default: base)." placeholder:"NAME"`
	Set                  []string `help:"Override a key of the base scenario (repeatable), as stampede run --set." placeholder:"PATH=VALUE" sep:"none"`
	Replications         *int     `help:"Runs per probe (default 3); a size is survived when most of them recover." placeholder:"N"`
	BoundaryReplications int      `name:"boundary-replications" help:"Runs again at each end of the final bracket, for the interval of the probability of recovering there." placeholder:"N"`
	Tolerance            *float64 `help:"Stop when the bracket is narrower than this fraction of its upper end (default 0.05)." placeholder:"F"`
	JSON                 bool     `name:"json" help:"Print the margin as JSON instead of the table."`
	Plot                 string   `help:"Draw the boundary against the trigger's duration to FILE (.png, .svg, .pdf)." placeholder:"FILE"`
	Parallel             int      `help:"Runs at once (default: every core)." placeholder:"N"`
}

func (c *marginCmd) Run(e *env) error {
	if c.Plot != "" {
		if _, err := plots.FormatOf(c.Plot); err != nil {
			return badInput(err)
		}
	}
	s, err := loadScenario(c.Scenario, false)
	if err != nil {
		return badInput(err)
	}
	defer stopOnSignal(e.stderr)()
	m, err := scenarios.SearchMargin(s, scenarios.MarginOptions{
		Size: c.Size, From: c.From, To: c.To, Duration: c.Duration, Durations: c.For, Variant: c.Variant, Set: c.Set,
		Replications: c.Replications, BoundaryReplications: c.BoundaryReplications, Tolerance: c.Tolerance,
		Parallel: c.Parallel, Now: time.Now,
	})
	if err != nil {
		return badInput(err)
	}
	if c.JSON {
		if err := m.WriteJSON(e.stdout); err != nil {
			return err
		}
	} else if err := writeMargin(e.stdout, m); err != nil {
		return err
	}
	if c.Plot != "" {
		f, err := plots.Sweep(plots.SweepData{
			Title:    "Margin: the largest trigger " + m.Variant + " recovers from",
			Subtitle: fmt.Sprintf("%s, %s between the largest size survived and the smallest that tipped", m.Scenario, m.SizePath),
			Param:    "trigger duration (" + m.DurationPath + ")", XUnit: plots.Seconds,
			Metric: m.SizePath + " at the boundary",
			Series: []plots.SweepSeries{{Name: m.Variant, Points: marginPoints(m)}},
		})
		if err != nil {
			return badInput(err)
		}
		f.Note = "Shaded: the final bracket, from the largest size survived to the smallest that tipped (most runs recovering or not)."
		if err := plots.WriteFile(c.Plot, f, plots.Slide); err != nil {
			return badInput(err)
		}
	}
	return nil
}

// marginPoints are the boundary's points for the figure: the middle of
// each bracket, its half-width as the band.
func marginPoints(m *results.Margin) []plots.SweepPoint {
	var out []plots.SweepPoint
	for _, p := range m.Points {
		out = append(out, plots.SweepPoint{X: p.DurationS, Y: (p.Survived + p.Tipped) / 2, CI: (p.Tipped - p.Survived) / 2})
	}
	return out
}

// writeMargin prints the boundary per duration, the headline and the
// runs against the grid's.
func writeMargin(w io.Writer, m *results.Margin) error {
	fmt.Fprintf(w, "%s: the margin of %s along %s in [%s, %s] (%d runs per probe, bracket within %s%%)\n\n",
		m.Scenario, m.Variant, m.SizePath, num(m.From), num(m.To), m.Replications, num(100*m.Tolerance))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "duration\tsurvived\trecovered\ttipped\trecovered\tprobes\truns\t")
	for _, p := range m.Points {
		d := p.Duration
		if d == "" {
			d = "(file's)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t\n", d, num(p.Survived), share(p.SurvivedRecovered, p.SurvivedRuns),
			num(p.Tipped), share(p.TippedRecovered, p.TippedRuns), len(p.Probes), p.Runs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	p := m.Points[0]
	dur := ""
	if p.Duration != "" {
		dur = " for a " + p.Duration + " trigger"
	}
	fmt.Fprintf(w, "\nmargin: %s survives %s = %s%s and tips at %s\n", m.Variant, m.SizePath, num(p.Survived), dur, num(p.Tipped))
	fmt.Fprintf(w, "runs: %d; a grid over [%s, %s] at the same resolution with %d runs a point: %d (%s%%)\n",
		m.Runs, num(m.From), num(m.To), m.Replications, m.GridRuns, num(math.Round(1000*float64(m.Runs)/float64(m.GridRuns))/10))
	return nil
}

// share prints k of n with the 95% interval of the probability.
func share(k, n int) string {
	lo, hi := results.WilsonCI95(k, n)
	return fmt.Sprintf("%d/%d (95%%: %s-%s%%)", k, n, num(math.Round(100*lo)), num(math.Round(100*hi)))
}

func num(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'g', 4, 64), ".0")
}
