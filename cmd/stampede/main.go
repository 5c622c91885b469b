// Command stampede simulates clients, queues and servers under overload and
// resiliency strategies: live in a terminal UI, as batch runs of TOML
// scenario files, and as charts. See README.md.
package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the collector's target heap growth when GOGC is not set:
// 400% instead of Go's 100%. A batch's live heap is small (each run's
// world, its row's running aggregate: it grows with the work in flight,
// not with the work done), so the default collected several times a
// second per worker, and with --parallel 2 each collection's assists and
// stop-the-world phases stole time from both workers. At 400 the heap
// between collections is at most 5x the live one; GOGC in the
// environment (including GOGC=100 or off) is always honoured.
// docs/PERFORMANCE.md, "Batch parallelism".
const gcPercent = 400

func main() {
	setGCPercent(os.Getenv("GOGC"))
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// setGCPercent sets the collector's target to gcPercent unless gogc, the
// environment's GOGC, is set (the runtime has then applied it already).
func setGCPercent(gogc string) {
	if gogc == "" {
		debug.SetGCPercent(gcPercent)
	}
}
