package main

import (
	"fmt"
)

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	fmt.Fprintln(e.stdout, versionString())
	return nil
}
