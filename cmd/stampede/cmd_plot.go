package main

type plotCmd struct {
	Input string `arg:"" help:"Scenario file, built-in name, or results.json."`
}

func (plotCmd) Run(*env) error { return notBuilt("plot") }
