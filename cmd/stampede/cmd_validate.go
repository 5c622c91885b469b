package main

type validateCmd struct {
	Files []string `arg:"" help:"Scenario files."`
}

func (validateCmd) Run(*env) error { return notBuilt("validate") }
