package main

import (
	"context"
	"errors"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/stampede-sim/stampede/tui"
)

type tuiCmd struct {
	Scenario string `arg:"" optional:"" predictor:"scenario" help:"Scenario file or built-in name (stampede list); without one, pick from the gallery."`
	Force    bool   `help:"Open even a scenario whose runs are estimated to be over the limit on a run's work."`
}

// Run opens the terminal UI: the gallery, or the Run view on the scenario
// given. Saved sessions and exported charts go to the current directory.
func (c tuiCmd) Run(e *env) error {
	opts := tui.Options{Library: tui.Library()}
	if c.Scenario != "" {
		doc, err := loadScenario(c.Scenario, c.Force)
		if err != nil {
			return badInput(err)
		}
		opts.Open = doc
	}
	if e.stdout != os.Stdout || !term.IsTerminal(os.Stdout.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return badInput(errors.New("the terminal UI needs a terminal; to run a scenario in batch use: stampede run SCENARIO (see stampede --help)"))
	}
	return tui.Run(context.Background(), opts)
}
