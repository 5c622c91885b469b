package main

import (
	"fmt"
	"strings"

	"github.com/stampede-sim/stampede/scenarios"
)

type listCmd struct{}

func (listCmd) Run(e *env) error {
	bs := scenarios.Builtins()
	width := 0
	for _, b := range bs {
		width = max(width, len(b.Name))
	}
	for _, b := range bs {
		title := b.Title
		if b.Err != nil {
			title = "(does not load: " + strings.SplitN(b.Err.Error(), "\n", 2)[0] + ")"
		}
		fmt.Fprintf(e.stdout, "%-*s  %s\n", width, b.Name, title)
	}
	return nil
}
