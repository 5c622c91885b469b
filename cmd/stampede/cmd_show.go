package main

import "github.com/stampede-sim/stampede/scenarios"

type showCmd struct {
	Name string `arg:"" predictor:"scenario" help:"Built-in scenario name (stampede list)."`
}

func (c *showCmd) Run(e *env) error {
	src, err := scenarios.BuiltinSource(c.Name)
	if err != nil {
		return badInput(err)
	}
	_, err = e.stdout.Write(src)
	return err
}
