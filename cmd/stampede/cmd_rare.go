package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

type rareCmd struct {
	Scenario     string        `arg:"" predictor:"scenario" help:"Scenario file or built-in name, run with no trigger (drop its faults with --set faults=[])."`
	Importance   string        `required:"" help:"The gauge read after every event: queue:SERVICE, in_system:SERVICE, in_flight:CLIENT or attempts." placeholder:"KIND:NAME"`
	Levels       []float64     `required:"" help:"Its thresholds, increasing, e.g. --levels 10,20,30,40; the rare state is reaching the last." placeholder:"X,..."`
	Horizon      time.Duration `help:"Length of each run (default: the scenario's duration)." placeholder:"D"`
	Effort       int           `default:"100" help:"Trajectories started at each level in each replication." placeholder:"N"`
	Replications int           `default:"10" help:"Independent splitting estimates; their spread gives the interval." placeholder:"N"`
	Brute        int           `help:"Also make N plain runs and count those that reach the last level, for comparison." placeholder:"N"`
	Variant      string        `help:"The variant to run (default: base)." placeholder:"NAME"`
	Set          []string      `help:"Override a key of the base scenario (repeatable), as stampede run --set." placeholder:"PATH=VALUE" sep:"none"`
	Seed         *uint64       `help:"Replace the scenario's seed (0 is a seed like any other)." placeholder:"N"`
	JSON         bool          `name:"json" help:"Print the estimate as JSON instead of the table."`
	Parallel     int           `help:"Runs at once (default: every core); the estimate does not depend on it." placeholder:"N"`
}

func (c *rareCmd) Run(e *env) error {
	s, err := loadScenario(c.Scenario, false)
	if err != nil {
		return badInput(err)
	}
	defer stopOnSignal(e.stderr)()
	r, err := scenarios.EstimateRare(s, scenarios.RareOptions{
		Importance: c.Importance, Levels: c.Levels, Horizon: c.Horizon, Effort: c.Effort, Replications: c.Replications,
		Brute: c.Brute, Variant: c.Variant, Set: c.Set, Seed: c.Seed, Parallel: c.Parallel,
	})
	if err != nil {
		return badInput(err)
	}
	if c.JSON {
		return r.WriteJSON(e.stdout)
	}
	return writeRare(e.stdout, r)
}

// writeRare prints the stages, the estimate with its interval and
// relative error, the cost, and the brute-force count beside it.
func writeRare(w io.Writer, r *results.Rare) error {
	last := r.Levels[len(r.Levels)-1]
	fmt.Fprintf(w, "%s (%s): P(%s reaches %s within %s), fixed-effort splitting, %d trajectories a level x %d replications\n\n",
		r.Scenario, r.Variant, r.Importance, num(last), time.Duration(r.HorizonS*float64(time.Second)), r.Effort, r.Replications)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "level\tstarted\treached\tshare\t")
	for _, st := range r.Stages {
		share := "-"
		if st.Started > 0 {
			share = num(float64(st.Reached) / float64(st.Started))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", num(st.Level), st.Started, st.Reached, share)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nprobability: %s (95%%: %s to %s)", sci(r.Probability), sci(r.CILow), sci(r.CIHigh))
	if r.RelativeError != nil {
		fmt.Fprintf(w, ", relative error %s%%", num(100**r.RelativeError))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "runs: %d trajectories, %s events with their replays", r.Runs, sci(float64(r.Events)))
	if r.BruteForceRuns != nil {
		fmt.Fprintf(w, "; brute force would need %s runs for the same relative error", sci(*r.BruteForceRuns))
	}
	fmt.Fprintln(w)
	if r.Probability == 0 {
		for _, st := range r.Stages {
			if st.Reached == 0 {
				fmt.Fprintf(w, "no trajectory reached level %s (the highest seen was %s): add levels below it or raise --effort\n", num(st.Level), num(st.Highest))
				break
			}
		}
	}
	if b := r.Brute; b != nil {
		fmt.Fprintf(w, "brute force: %d of %d runs reached %s: %s (95%%: %s to %s), %s events\n",
			b.Hits, b.Runs, num(last), sci(b.Probability), sci(b.CILow), sci(b.CIHigh), sci(float64(b.Events)))
	}
	return nil
}

// sci prints a probability or a count in three significant digits.
func sci(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
