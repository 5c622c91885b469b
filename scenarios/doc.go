// Package scenarios turns scenario files (TOML) into simulations and runs
// them in batch: strict loading, variants, sweeps, replications, claims,
// the built-in library, and the outputs of `stampede run`.
//
// Load, then run, then write:
//
//	s, err := scenarios.Load("retry.toml", src) // or scenarios.LoadBuiltin("retry-storm")
//	if err != nil {
//		// a format.ErrorList: every problem, each at file:line:col with the key path
//	}
//	res, err := scenarios.Run(s, scenarios.Options{Now: time.Now})
//	res.WriteTable(os.Stdout, scenarios.TableOptions{})
//	for _, row := range res.Rows {
//		goodput, _ := row.Number("goodput")
//		p99, _ := row.Number("latency_s.p99")
//		...
//	}
//
// Loading decodes the file with package scenarios/format, by reflection
// over the toml tags of config.Config (the world) and Scenario (how to run
// it), so a field added to models is a key of the format at once;
// docs/SCENARIOS.md documents every key and a test keeps it complete.
// Errors are located in the file by format's index of key positions, and
// models' Validate errors are mapped back to the keys they are about.
//
// A batch is every variant (the base scenario runs as "base") at every
// sweep point, each replicated. Runs go in parallel on a pool of
// goroutines (the only goroutines of the simulator; each run is
// single-threaded and deterministic) and are merged by index, so results
// do not depend on the parallelism. RunShard runs one slice of a batch and
// Merge rebuilds the whole result from the slices, byte for byte.
//
// This package does no I/O of its own: it reads the bytes it is given and
// writes to the writers it is given; the wall clock it needs for
// limits.max_wall comes in through Options.Now.
package scenarios
