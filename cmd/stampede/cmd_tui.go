package main

type tuiCmd struct {
	Scenario string `arg:"" optional:"" help:"Scenario file or built-in name."`
}

func (tuiCmd) Run(*env) error { return notBuilt("tui") }
