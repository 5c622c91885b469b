package main

import (
	"fmt"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/lint"
)

type lintCmd struct {
	Scenarios []string `arg:"" name:"scenario" predictor:"scenario" help:"Scenario files or built-in names (stampede list)."`
	FailOn    string   `name:"fail-on" default:"error" enum:"info,warning,error,never" help:"Exit 1 when a finding is at least this severe: info, warning, error or never."`
	Variant   []string `sep:"," placeholder:"NAME" help:"Lint these variants (base with their overrides) instead of the base; all lints the base and every variant."`
	Width     *int     `help:"Break findings at spaces to fit N columns (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
}

// fitFinding is a finding laid out in width columns (0: no limit),
// broken at spaces only: its message, then its fix, each continued on
// indented lines. Without a width it is the finding as it prints.
func fitFinding(f lint.Finding, width int) string {
	if width <= 0 {
		return f.String()
	}
	fix := f.Fix
	f.Fix = ""
	s := results.FitHanging(f.String(), width, "    ")
	if fix != "" {
		s += "\n" + results.FitHanging("    fix: "+fix, width, "         ")
	}
	return s
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
	width, err := tableWidth(e.stdout, c.Width)
	if err != nil {
		return badInput(err)
	}
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
				fmt.Fprintln(e.stdout, fitFinding(f, width))
			}
			n := lint.Count(fs)
			label := s.File
			if len(c.Variant) > 0 {
				label += " (" + v + ")"
			}
			fmt.Fprintln(e.stdout, results.FitHanging(fmt.Sprintf("%s: %s, %s, %d info", label, plural(n[lint.Error], "error"), plural(n[lint.Warning], "warning"), n[lint.Info]), width, "    "))
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
