package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
)

type checkCmd struct {
	Scenarios    []string `arg:"" optional:"" name:"scenario" predictor:"scenario" help:"Scenario files or built-in names (default: the whole built-in library)."`
	Parallel     int      `help:"Runs at once (default: every core)." placeholder:"N"`
	Verbose      bool     `short:"v" help:"List the claims that hold too."`
	Force        bool     `help:"Run even a scenario whose runs are estimated to be over the limit on a run's work."`
	Rare         bool     `help:"Also make each scenario's [rare] estimate and check its rare-event claims (thousands of runs each: minutes); without it they are listed as not checked."`
	profileFlags `embed:""`
}

func (c *checkCmd) Run(e *env) error { return c.profiled(func() error { return c.run(e) }) }

func (c *checkCmd) run(e *env) error {
	names := c.Scenarios
	if len(names) == 0 {
		names = scenarios.BuiltinNames()
	}
	failed, broken := 0, 0
	for _, name := range names {
		s, err := loadScenario(name, c.Force)
		if err != nil {
			broken++
			fmt.Fprintln(e.stderr, err)
			continue
		}
		bar := newProgress(e, s.Name)
		res, err := scenarios.Run(s, scenarios.Options{Parallel: c.Parallel, Now: time.Now, Progress: bar.update, Force: c.Force,
			Margin: s.HasMarginClaims(), Rare: c.Rare})
		bar.done()
		if err != nil {
			broken++
			fmt.Fprintf(e.stderr, "%s: %v\n", name, err)
			continue
		}
		bad := res.Failed()
		skipped := 0
		for _, cl := range res.Claims {
			if cl.Skipped {
				skipped++
			}
		}
		switch {
		case len(res.Claims) == 0:
			fmt.Fprintf(e.stdout, "ok   %s (no claims)\n", s.Name)
		case len(bad) == 0:
			verb := "hold"
			if len(res.Claims)-skipped == 1 {
				verb = "holds"
			}
			note := ""
			if skipped > 0 {
				note = fmt.Sprintf(", %d not checked", skipped)
			}
			fmt.Fprintf(e.stdout, "ok   %s (%s %s%s)\n", s.Name, plural(len(res.Claims)-skipped, "claim"), verb, note)
			if skipped > 0 && !c.Verbose {
				for _, cl := range res.Claims {
					if cl.Skipped {
						fmt.Fprintf(e.stdout, "     not checked: %s:%d: %s (%s)\n", cl.File, cl.Pos.Line, cl.Metric, strings.TrimPrefix(cl.Got, "not checked: "))
					}
				}
			}
		default:
			failed++
			fmt.Fprintf(e.stdout, "FAIL %s: %d of %s fail\n", s.Name, len(bad), plural(len(res.Claims), "claim"))
		}
		if len(bad) > 0 || c.Verbose {
			if err := res.WriteClaims(e.stdout, c.Verbose); err != nil {
				return err
			}
		}
		for _, st := range res.Stopped {
			broken++
			fmt.Fprintf(e.stderr, "%s: stopped: %s\n", s.Name, st)
		}
	}
	switch {
	case broken > 0:
		return badInput(fmt.Errorf("%d scenarios could not be checked", broken))
	case failed > 0:
		return &exitError{code: exitClaim, err: fmt.Errorf("claims fail in %d of %s", failed, plural(len(names), "scenario"))}
	}
	return nil
}
