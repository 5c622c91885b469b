package main

import (
	"fmt"

	"github.com/stampede-sim/stampede/scenarios"
)

type validateCmd struct {
	Files []string `arg:"" name:"file" predictor:"scenario" help:"Scenario files (or built-in names) to check without running them."`
	Force bool     `help:"Accept a scenario whose runs are estimated to be over the limit on a run's work (as run --force would run it)."`
}

func (c *validateCmd) Run(e *env) error {
	bad := 0
	for _, f := range c.Files {
		s, err := loadScenario(f, c.Force)
		if err != nil {
			bad++
			fmt.Fprintln(e.stderr, err)
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok (%s)\n", f, describeScenario(s))
	}
	if bad > 0 {
		return badInput(fmt.Errorf("%d of %d files are invalid", bad, len(c.Files)))
	}
	return nil
}

// describeScenario summarises what a scenario runs.
func describeScenario(s *scenarios.Scenario) string {
	v, p, r, cl := s.Counts()
	out := plural(v, "variant")
	if p > 1 {
		out += ", " + plural(p, "sweep point")
	}
	out += ", " + plural(r, "replication") + ", " + plural(cl, "claim")
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
