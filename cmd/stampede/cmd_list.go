package main

import (
	"strings"

	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/scenarios"
)

type listCmd struct {
	Width *int `help:"Lay the list out in N columns, titles broken at spaces (0: no limit; default: the terminal's width, else $COLUMNS, else no limit)." placeholder:"N"`
}

func (c listCmd) Run(e *env) error {
	width, err := tableWidth(e.stdout, c.Width)
	if err != nil {
		return badInput(err)
	}
	var cells [][]string
	for _, b := range scenarios.Builtins() {
		title := b.Title
		if b.Err != nil {
			title = "(does not load: " + strings.SplitN(b.Err.Error(), "\n", 2)[0] + ")"
		}
		cells = append(cells, []string{b.Name, title})
	}
	text, _, _ := results.TextTable{Cells: cells, Right: make([]bool, 2), Headless: true, WrapLast: true}.Layout(width)
	_, err = e.stdout.Write([]byte(text))
	return err
}
