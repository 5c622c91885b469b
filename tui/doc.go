// Package tui is stampede's terminal user interface: a thin Bubble Tea
// shell over running simulations.
//
// A Gallery lists the built-in scenarios and any file given on the
// command line; picking one opens the Run view over the scenario's
// session (scenarios/session: every variant runs as its own Session, all
// advancing in lockstep on the same virtual clock). The view owns no
// world and reads no configuration type: it moves the session's target
// time, applies interventions to it and draws its snapshots. Keys inject
// faults now (load spike, slowdown, pause,
// outage), turn knobs (arrival rate, timeout, retry attempts, a strategy
// on or off), scrub back and forth through the run's history, save the
// run as a scenario file that `stampede run` replays exactly, and export
// the charts as a PNG. A status line per variant shows its metrics, its
// recovery verdict and its strategies' state (breaker, concurrency limit,
// budget tokens, throttle probability, ...).
//
// The wall clock decides only how much virtual time passes in a frame (and
// how large an event budget keeps a frame short), never what happens: tick
// messages carry the wall time, the engine advances only inside Update and
// in bounded slices (an event budget per frame), and View is a pure
// function of the model. Results never depend on how the run was sliced,
// which is why a saved session replays exactly. Tests drive Update with
// messages and compare View with golden files.
//
//	m := tui.New(tui.Options{Library: entries})
//	_, err := tea.NewProgram(m).Run()
package tui
