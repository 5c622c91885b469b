package main

// Subcommands whose issues have not landed yet. Each moves to its own
// cmd_<name>.go file when it is built.

type tuiCmd struct {
	Scenario string `arg:"" optional:"" help:"Scenario file or built-in name."`
}

func (tuiCmd) Run(*env) error { return notBuilt("tui") }

type runCmd struct {
	Scenarios []string `arg:"" help:"Scenario files or built-in names."`
}

func (runCmd) Run(*env) error { return notBuilt("run") }

type plotCmd struct {
	Input string `arg:"" help:"Scenario file, built-in name, or results.json."`
}

func (plotCmd) Run(*env) error { return notBuilt("plot") }

type listCmd struct{}

func (listCmd) Run(*env) error { return notBuilt("list") }

type showCmd struct {
	Name string `arg:"" help:"Built-in scenario name."`
}

func (showCmd) Run(*env) error { return notBuilt("show") }

type validateCmd struct {
	Files []string `arg:"" help:"Scenario files."`
}

func (validateCmd) Run(*env) error { return notBuilt("validate") }

type checkCmd struct {
	Scenarios []string `arg:"" optional:"" help:"Scenario files or built-in names (default: the whole built-in library)."`
}

func (checkCmd) Run(*env) error { return notBuilt("check") }
