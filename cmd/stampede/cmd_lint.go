package main

import (
	"fmt"

	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/lint"
)

type lintCmd struct {
	Scenarios []string `arg:"" name:"scenario" predictor:"scenario" help:"Scenario files or built-in names (stampede list)."`
	FailOn    string   `name:"fail-on" default:"error" enum:"info,warning,error,never" help:"Exit 1 when a finding is at least this severe: info, warning, error or never."`
	Variant   []string `sep:"," placeholder:"NAME" help:"Lint these variants (base with their overrides) instead of the base; all lints the base and every variant."`
}

// targets returns the variants of s to lint: base alone by default.
func (c *lintCmd) targets(s *scenarios.Scenario) []string {
	if len(c.Variant) == 0 {
		return []string{scenarios.BaseName}
	}
	for _, v := range c.Variant {
		if v == "all" {
			return append([]string{scenarios.BaseName}, s.VariantNames()...)
		}
	}
	return c.Variant
}

func (c *lintCmd) Run(e *env) error {
	worst, found := lint.Info, false
	for i, name := range c.Scenarios {
		s, err := loadScenario(name, true) // lint runs nothing: a scenario too big to run is still read
		if err != nil {
			return badInput(err)
		}
		for j, v := range c.targets(s) {
			fs, err := lint.Variant(s, v)
			if err != nil {
				return badInput(err)
			}
			if i > 0 || j > 0 {
				fmt.Fprintln(e.stdout)
			}
			for _, f := range fs {
				fmt.Fprintln(e.stdout, f)
			}
			n := lint.Count(fs)
			label := s.File
			if len(c.Variant) > 0 {
				label += " (" + v + ")"
			}
			fmt.Fprintf(e.stdout, "%s: %s, %s, %d info\n", label, plural(n[lint.Error], "error"), plural(n[lint.Warning], "warning"), n[lint.Info])
			if m, ok := lint.Max(fs); ok {
				worst, found = max(worst, m), true
			}
		}
	}
	if c.FailOn == "never" || !found {
		return nil
	}
	limit, err := lint.ParseSeverity(c.FailOn)
	if err != nil {
		return badInput(err)
	}
	if worst >= limit {
		return &exitError{code: exitLint, err: fmt.Errorf("findings of severity %s or more (--fail-on %s)", limit, c.FailOn)}
	}
	return nil
}
