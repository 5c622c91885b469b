package main

type showCmd struct {
	Name string `arg:"" help:"Built-in scenario name."`
}

func (showCmd) Run(*env) error { return notBuilt("show") }
