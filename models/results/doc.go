// Package results holds what runs produce, as plain typed data: one run's
// Results (a Summary, per-interval Series, the fault windows as they acted,
// the recovery Verdict, traces), the live Snapshot of a running world, and
// their encodings (JSON, CSV, the Chrome trace format). It imports only
// sim: the engine (models) fills these types, and scenarios, plots and tui
// read them without knowing the engine.
package results
