// Command stampede simulates clients, queues and servers under overload and
// resiliency strategies: live in a terminal UI, as batch runs of TOML
// scenario files, and as charts. See README.md.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
