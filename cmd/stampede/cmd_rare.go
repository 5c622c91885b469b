package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

type rareCmd struct {
	Scenario     string        `arg:"" predictor:"scenario" help:"Scenario file or built-in name, run with no trigger (leave its faults out with --set 'faults=[]'); its [rare] table, if any, gives the flags' defaults."`
	Importance   string        `help:"The gauge read after every event: queue:SERVICE, in_system:SERVICE, in_flight:CLIENT or attempts; required without a [rare] table." placeholder:"KIND:NAME"`
	Target       *float64      `help:"The rare state: the importance reaching X; a pilot places the levels below it (adaptive multilevel splitting's quantiles). Give it or --levels." placeholder:"X"`
	Levels       []float64     `help:"The thresholds instead, increasing, e.g. --levels 10,20,30,40; the rare state is reaching the last." placeholder:"X,..."`
	Pilot        *int          `help:"With --target: trajectories a stage of the pilot that places the levels (default: --effort)." placeholder:"N"`
	Horizon      time.Duration `help:"Length of each run (default: the scenario's duration)." placeholder:"D"`
	Effort       *int          `help:"Trajectories started at each level in each replication (default 100)." placeholder:"N"`
	Replications *int          `help:"Independent splitting estimates; their spread gives the interval (default 10)." placeholder:"N"`
	Brute        int           `help:"Also make N plain runs and count those that reach the last level, for comparison." placeholder:"N"`
	Variant      string        `help:"The variant to run (default: the [rare] table's, each on its own, else base)." placeholder:"NAME"`
	Set          []string      `help:"Override a key of the base scenario (repeatable), as stampede run --set." placeholder:"PATH=VALUE" sep:"none"`
	Seed         *uint64       `help:"Replace the scenario's seed (0 is a seed like any other)." placeholder:"N"`
	JSON         bool          `name:"json" help:"Print the estimate as JSON instead of the table (with a [rare] table of several variants, an array of them)."`
	Parallel     int           `help:"Runs at once (default: every core); the estimate does not depend on it." placeholder:"N"`
	Width        *int          `help:"Break the prose at spaces to fit N columns (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
}

// options are the estimate for one variant: the [rare] table's (with its
// set applied to the scenario), each flag given in its place; changed
// names the flags that make it another estimate than the table's.
func (c *rareCmd) options(s *scenarios.Scenario, variant string) (*scenarios.Scenario, scenarios.RareOptions, []string, error) {
	o := scenarios.RareOptions{Variant: variant}
	if s.Rare != nil {
		var err error
		if s, o, err = s.RareEstimate(variant); err != nil {
			return nil, o, nil, err
		}
	}
	var changed []string
	if c.Importance != "" {
		o.Importance, changed = c.Importance, append(changed, "--importance")
	}
	if c.Target != nil || len(c.Levels) > 0 {
		o.Target, o.Levels, changed = c.Target, c.Levels, append(changed, "--target or --levels")
	}
	for _, f := range []struct {
		flag string
		v    *int
		out  *int
	}{{"--pilot", c.Pilot, &o.Pilot}, {"--effort", c.Effort, &o.Effort}, {"--replications", c.Replications, &o.Replications}} {
		if f.v != nil {
			*f.out, changed = *f.v, append(changed, f.flag)
		}
	}
	if c.Horizon != 0 {
		o.Horizon, changed = c.Horizon, append(changed, "--horizon")
	}
	if len(c.Set) > 0 {
		changed = append(changed, "--set")
	}
	if c.Seed != nil {
		changed = append(changed, "--seed")
	}
	o.Brute, o.Set, o.Seed, o.Parallel = c.Brute, c.Set, c.Seed, c.Parallel
	return s, o, changed, nil
}

func (c *rareCmd) Run(e *env) error {
	s, err := loadScenario(c.Scenario, false)
	if err != nil {
		return badInput(err)
	}
	variants := []string{c.Variant}
	if c.Variant == "" {
		variants = s.RareVariants()
		if len(variants) == 0 {
			variants = []string{scenarios.BaseName}
		}
	}
	defer stopOnSignal(e.stderr)()
	var rs []*results.Rare
	var changed []string
	for _, v := range variants {
		sv, o, ch, err := c.options(s, v)
		if err != nil {
			return badInput(err)
		}
		changed = ch
		r, err := scenarios.EstimateRare(sv, o)
		if err != nil {
			return badInput(err)
		}
		rs = append(rs, r)
	}
	skip := ""
	if len(changed) > 0 {
		skip = strings.Join(changed, ", ") + " made another estimate than the [rare] table's, which the claim is about"
	}
	claims := &scenarios.Result{Claims: scenarios.RareClaims(s, rs, skip)}
	if c.JSON {
		if len(rs) == 1 {
			err = rs[0].WriteJSON(e.stdout)
		} else {
			err = results.WriteRaresJSON(e.stdout, rs)
		}
		if err != nil {
			return err
		}
	} else {
		width, err := tableWidth(e.stdout, c.Width)
		if err != nil {
			return badInput(err)
		}
		for i, r := range rs {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			if err := writeRare(e.stdout, r, width); err != nil {
				return err
			}
		}
		if len(claims.Claims) > 0 {
			held, skipped := 0, 0
			for _, cl := range claims.Claims {
				switch {
				case cl.Skipped:
					skipped++
				case cl.OK:
					held++
				}
			}
			msg := fmt.Sprintf("\nclaims: %d of %d hold", held, len(claims.Claims))
			if skipped > 0 {
				msg += fmt.Sprintf(", %d not checked", skipped)
			}
			fmt.Fprintln(e.stdout, msg)
			if err := claims.WriteClaims(e.stdout, true); err != nil {
				return err
			}
		}
	}
	if bad := claims.Failed(); len(bad) > 0 {
		return &exitError{code: exitClaim, err: fmt.Errorf("%d of %d rare-event claims fail", len(bad), len(claims.Claims))}
	}
	return nil
}

// writeRare prints the stages, the estimate with its interval and
// relative error, the cost, and the brute-force count beside it, laid
// out to width (0: no limit): every column of the stages' table stays
// (each is short), and prose is broken at spaces only.
func writeRare(w io.Writer, r *results.Rare, width int) error {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(results.FitHanging(fmt.Sprintf(format, args...), width, "    ") + "\n")
	}
	last := r.Levels[len(r.Levels)-1]
	line("%s (%s): P(%s reaches %s within %s), fixed-effort splitting, %d trajectories a level x %d replications",
		r.Scenario, r.Variant, r.Importance, num(last), time.Duration(r.HorizonS*float64(time.Second)), r.Effort, r.Replications)
	if pl := r.Pilot; pl != nil {
		line("levels placed by a pilot: %d trajectories a stage, each level the value %s%% of them reached (Cérou and Guyader 2007); %d pilot trajectories, %s events",
			pl.Effort, num(100*pl.Share), pl.Runs, sci(float64(pl.Events)))
	}
	b.WriteString("\n")
	cells := [][]string{{"level", "started", "reached", "share"}}
	for _, st := range r.Stages {
		share := "-"
		if st.Started > 0 {
			share = num(float64(st.Reached) / float64(st.Started))
		}
		cells = append(cells, []string{num(st.Level), strconv.Itoa(st.Started), strconv.Itoa(st.Reached), share})
	}
	text, _, _ := results.TextTable{Cells: cells, Right: []bool{true, true, true, true}}.Layout(width)
	b.WriteString(text + "\n")
	p := fmt.Sprintf("probability: %s (95%%: %s to %s)", sci(r.Probability), sci(r.CILow), sci(r.CIHigh))
	if r.RelativeError != nil {
		p += fmt.Sprintf(", relative error %s%%", num(100**r.RelativeError))
	}
	line("%s", p)
	p = fmt.Sprintf("runs: %d trajectories, %s events with their replays", r.Runs, sci(float64(r.Events)))
	if r.BruteForceRuns != nil {
		p += fmt.Sprintf("; brute force would need %s runs for the same relative error", sci(*r.BruteForceRuns))
	}
	line("%s", p)
	if r.Probability == 0 {
		for _, st := range r.Stages {
			if st.Reached == 0 {
				line("no trajectory reached level %s (the highest seen was %s): add levels below it or raise --effort", num(st.Level), num(st.Highest))
				break
			}
		}
	}
	if bf := r.Brute; bf != nil {
		line("brute force: %d of %d runs reached %s: %s (95%%: %s to %s), %s events",
			bf.Hits, bf.Runs, num(last), sci(bf.Probability), sci(bf.CILow), sci(bf.CIHigh), sci(float64(bf.Events)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sci prints a probability or a count in three significant digits.
func sci(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
