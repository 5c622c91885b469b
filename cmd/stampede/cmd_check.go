package main

type checkCmd struct {
	Scenarios []string `arg:"" optional:"" help:"Scenario files or built-in names (default: the whole built-in library)."`
}

func (checkCmd) Run(*env) error { return notBuilt("check") }
