package main

type runCmd struct {
	Scenarios []string `arg:"" help:"Scenario files or built-in names."`
}

func (runCmd) Run(*env) error { return notBuilt("run") }
