package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/plots"
	"github.com/stampede-sim/stampede/scenarios"
)

type marginCmd struct {
	Scenario             string   `arg:"" predictor:"scenario" help:"Scenario file or built-in name with the trigger (a fault) to search; its [margin] table, if any, gives the flags' defaults."`
	Size                 string   `help:"Set path of the trigger's size, larger being worse (faults.0.factor); required without a [margin] table." placeholder:"PATH"`
	From                 *float64 `help:"A size the system recovers from." placeholder:"X"`
	To                   *float64 `help:"A larger size it does not recover from." placeholder:"X"`
	Duration             string   `help:"Set path of the trigger's duration (faults.0.for), with --for." placeholder:"PATH"`
	For                  []string `help:"The durations to search at, e.g. --for 5s,10s,30s (default: the file's)." placeholder:"D"`
	Variant              []string `help:"The variants to search, each on its own (default: the [margin] table's, else base)." placeholder:"NAME"`
	Set                  []string `help:"Override a key of the base scenario (repeatable), as stampede run --set." placeholder:"PATH=VALUE" sep:"none"`
	Replications         *int     `help:"Runs per probe (default 3); a size is survived when most of them recover." placeholder:"N"`
	BoundaryReplications *int     `name:"boundary-replications" help:"Runs again at each end of the final bracket, for the interval of the probability of recovering there." placeholder:"N"`
	Tolerance            *float64 `help:"Stop when the bracket is narrower than this fraction of its upper end (default 0.05)." placeholder:"F"`
	JSON                 bool     `name:"json" help:"Print the margins, one per variant, as a JSON array instead of the table."`
	Plot                 string   `help:"Draw the boundary against the trigger's duration to FILE (.png, .svg, .pdf), over the stability map when the scenario's sweep has one." placeholder:"FILE"`
	PlotSize             string   `name:"plot-size" default:"slide" help:"The figure's size, as stampede plot --size: slide, paper, or WxH in px (960x540) or with a unit." placeholder:"SIZE"`
	Parallel             int      `help:"Runs at once (default: every core)." placeholder:"N"`
	Width                *int     `help:"Lay the table out in N columns, leaving out the least important columns (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`

	size plots.Size
}

// options are the search for one variant: the [margin] table's, with
// each flag given in its place.
func (c *marginCmd) options(s *scenarios.Scenario, variant string) scenarios.MarginOptions {
	o := s.MarginOptions(variant)
	if c.Size != "" {
		o.Size = c.Size
	}
	if c.From != nil {
		o.From = *c.From
	}
	if c.To != nil {
		o.To = *c.To
	}
	if c.Duration != "" {
		o.Duration = c.Duration
	}
	if len(c.For) > 0 {
		o.Durations = c.For
	}
	if c.Replications != nil {
		o.Replications = c.Replications
	}
	if c.BoundaryReplications != nil {
		o.BoundaryReplications = *c.BoundaryReplications
	}
	if c.Tolerance != nil {
		o.Tolerance = c.Tolerance
	}
	o.Set, o.Parallel, o.Now = c.Set, c.Parallel, time.Now
	return o
}

func (c *marginCmd) Run(e *env) error {
	if c.Plot != "" {
		if _, err := plots.FormatOf(c.Plot); err != nil {
			return badInput(err)
		}
	}
	size, err := plots.ParseSize(c.PlotSize, 0)
	if err != nil {
		return badInput(err)
	}
	s, err := loadScenario(c.Scenario, false)
	if err != nil {
		return badInput(err)
	}
	c.size = size
	if s.Margin == nil && (c.Size == "" || c.From == nil || c.To == nil) {
		return badInput(fmt.Errorf("margin: %s has no [margin] table: give the trigger with --size PATH --from X --to Y (e.g. --size faults.0.factor --from 1.5 --to 6), or declare it in the file (docs/SCENARIOS.md)", s.Name))
	}
	variants := c.Variant
	if len(variants) == 0 {
		variants = s.MarginVariants()
	}
	if len(variants) == 0 {
		variants = []string{scenarios.BaseName}
	}
	defer stopOnSignal(e.stderr)()
	var ms []*results.Margin
	for _, v := range variants {
		m, err := scenarios.SearchMargin(s, c.options(s, v))
		if err != nil {
			return badInput(err)
		}
		ms = append(ms, m)
	}
	claims := &scenarios.Result{Claims: scenarios.MarginClaims(s, ms)}
	if c.JSON {
		if err := results.WriteMarginsJSON(e.stdout, ms); err != nil {
			return err
		}
	} else {
		width, err := tableWidth(e.stdout, c.Width)
		if err != nil {
			return badInput(err)
		}
		for i, m := range ms {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			if err := writeMargin(e.stdout, m, width); err != nil {
				return err
			}
		}
		if len(claims.Claims) > 0 {
			held := 0
			for _, cl := range claims.Claims {
				if cl.OK {
					held++
				}
			}
			fmt.Fprintf(e.stdout, "\nclaims: %d of %d hold\n", held, len(claims.Claims))
			if err := claims.WriteClaims(e.stdout, true); err != nil {
				return err
			}
		}
	}
	if c.Plot != "" {
		if err := c.plot(s, ms); err != nil {
			return err
		}
	}
	if bad := claims.Failed(); len(bad) > 0 {
		return &exitError{code: exitClaim, err: fmt.Errorf("%d of %d margin claims fail", len(bad), len(claims.Claims))}
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
// runs against the grid's, laid out to width (0: no limit): the
// intervals of the probability of recovering are left out first, then
// the probe and run counts.
func writeMargin(w io.Writer, m *results.Margin, width int) error {
	var b strings.Builder
	b.WriteString(results.FitProse(fmt.Sprintf("%s: the margin of %s along %s in [%s, %s] (%d runs per probe, bracket within %s%%)",
		m.Scenario, m.Variant, m.SizePath, num(m.From), num(m.To), m.Replications, num(100*m.Tolerance)), width) + "\n\n")
	cells := [][]string{{"duration", "survived", "recovered", "tipped", "recovered there", "probes", "runs"}}
	for _, p := range m.Points {
		d := p.Duration
		if d == "" {
			d = "(file's)"
		}
		cells = append(cells, []string{d, num(p.Survived), share(p.SurvivedRecovered, p.SurvivedRuns),
			num(p.Tipped), share(p.TippedRecovered, p.TippedRuns), strconv.Itoa(len(p.Probes)), strconv.Itoa(p.Runs)})
	}
	right := []bool{true, true, true, true, true, true, true}
	text, omitted, cut := results.TextTable{Cells: cells, Right: right, Optional: []int{4, 2, 5, 6}, Lists: []bool{false, false, true, false, true}}.Layout(width)
	b.WriteString(text)
	b.WriteString(results.OmittedNote(omitted, cut, width))
	p := m.Points[0]
	dur := ""
	if p.Duration != "" {
		dur = " for a " + p.Duration + " trigger"
	}
	b.WriteString("\n" + results.FitProse(fmt.Sprintf("margin: %s survives %s = %s%s and tips at %s", m.Variant, m.SizePath, num(p.Survived), dur, num(p.Tipped)), width) + "\n")
	b.WriteString(results.FitProse(fmt.Sprintf("runs: %d; a grid over [%s, %s] at the same resolution with %d runs a point: %d (%s%%)",
		m.Runs, num(m.From), num(m.To), m.Replications, m.GridRuns, num(math.Round(1000*float64(m.Runs)/float64(m.GridRuns))/10)), width) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// share prints k of n with the 95% interval of the probability.
func share(k, n int) string {
	lo, hi := results.WilsonCI95(k, n)
	return fmt.Sprintf("%d/%d, 95%%: %s-%s%%", k, n, num(math.Round(100*lo)), num(math.Round(100*hi)))
}

func num(x float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(x, 'g', 4, 64), ".0")
}

// plot draws the margins: over the scenario's stability map when its
// sweep is over the trigger's size and duration (running the sweep for
// the searched variants), else the boundary against the duration, one
// line per variant with its bracket shaded.
func (c *marginCmd) plot(s *scenarios.Scenario, ms []*results.Margin) error {
	m := ms[0]
	if sw := s.Sweep; sw != nil && sw.X != nil && sw.Y != nil && m.DurationPath != "" &&
		(sw.X.Path == m.SizePath && sw.Y.Path == m.DurationPath || sw.Y.Path == m.SizePath && sw.X.Path == m.DurationPath) {
		var names []string
		for _, m := range ms {
			names = append(names, m.Variant)
		}
		res, err := scenarios.Run(s, scenarios.Options{Variants: names, Set: c.Set, Parallel: c.Parallel, Now: time.Now})
		if err != nil {
			return badInput(err)
		}
		b, err := res.Batch()
		if err != nil {
			return err
		}
		set, err := plots.FromBatch(b, "")
		if err != nil || set.Stability == nil {
			return badInput(fmt.Errorf("margin: the stability map of %s: %v", s.Name, err))
		}
		for _, m := range ms {
			bd := plots.StabilityBoundary{Variant: m.Variant, SizeOnX: sw.X.Path == m.SizePath}
			for _, p := range m.Points {
				bd.Points = append(bd.Points, plots.BoundaryPoint{DurationS: p.DurationS, Survived: p.Survived, Tipped: p.Tipped})
			}
			set.Stability.Boundaries = append(set.Stability.Boundaries, bd)
		}
		set.Stability.Subtitle = "the margin found by bisection over the grid's verdicts"
		f, err := set.Figure(plots.FigStability)
		if err != nil {
			return badInput(err)
		}
		return plots.WriteFile(c.Plot, f, c.size)
	}
	f, err := marginFigure(ms)
	if err != nil {
		return badInput(err)
	}
	return plots.WriteFile(c.Plot, f, c.size)
}

// marginFigure draws the boundary against the trigger's duration, one
// line per variant named at its end, the final bracket shaded: what
// stampede margin --plot draws without a stability map, and stampede run
// --plots as margin.png.
func marginFigure(ms []*results.Margin) (*plots.Figure, error) {
	m := ms[0]
	var series []plots.SweepSeries
	for _, m := range ms {
		series = append(series, plots.SweepSeries{Name: m.Variant, Points: marginPoints(m)})
	}
	f, err := plots.Sweep(plots.SweepData{
		Title:    "Margin: the largest trigger each variant recovers from",
		Subtitle: fmt.Sprintf("%s, %s between the largest size survived and the smallest that tipped", m.Scenario, m.SizePath),
		Param:    "trigger duration (" + m.DurationPath + ")", XUnit: plots.Seconds,
		Metric: m.SizePath + " at the boundary",
		Series: series,
	})
	if err != nil {
		return nil, err
	}
	f.Note = "Shaded: the final bracket, from the largest size survived to the smallest that tipped (most runs recovering or not)."
	return f, nil
}
