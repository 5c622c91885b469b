package tui

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/scenarios"
)

// TestReplayEqualsInteractive drives an interactive run through the Model
// (speeds, pauses, injected faults, a rate change, a timeout change, retry
// attempts, a strategy turned on, time travel), saves it, loads the saved file as `stampede run` does and runs
// every variant: the results must be identical, byte for byte, to the
// interactive worlds'.
func TestReplayEqualsInteractive(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t), FrameEvents: 3000}, 120, 40)
	frame := 50 * time.Millisecond
	do := func(k string) {
		t.Helper()
		d.key(k)
		if d.m.run.noteErr {
			t.Fatalf("key %s: %s", k, d.m.run.note)
		}
	}
	d.frames(20, frame) // 10x: ~10s of virtual time, in bounded slices
	do("1")             // load spike x3 for 10s, now
	d.frames(10, frame)
	do("+") // 100x
	d.frames(1, frame)
	do("R") // arrival rate +25% from now: re-runs from the start
	do("-") // 10x
	d.frames(20, frame)
	// A rate change and a spike at the next instant, while paused: the
	// spike must integrate the pending arrival across the new schedule
	// point, whatever the view read from the worlds in between.
	do("space")
	do("r")
	d.frames(3, frame)
	do("1")
	do("space")
	d.frames(20, frame)
	do("d") // duration 5s
	do("2") // slowdown api x3
	d.frames(2, frame)
	do("space") // pause
	do("3")     // pause api, while paused
	do("left")  // time travel
	do("left")
	do("space") // back to live, resume
	do("O")     // timeouts x2, whole run: re-run
	d.frames(5, frame)
	do("A") // 2 attempts, whole run: re-run
	d.frames(3, frame)
	do("x") // a retry budget (the TUI's default), whole run: re-run
	d.frames(5, frame)
	do("4") // outage
	do("+")
	do("+")
	do("+") // max
	for i := 0; !d.m.run.sess.Done(); i++ {
		if i > 100000 {
			t.Fatal("the run does not end")
		}
		d.frames(1, frame)
	}
	sess := d.m.run.sess
	if got := len(sess.Interventions()); got < 8 {
		t.Fatalf("%d interventions recorded, want at least 8: %v", got, sess.Interventions())
	}
	if c := sess.Configs()[1].Clients[0]; c.Retry.Attempts != 2 || c.Budget == nil {
		t.Fatalf("the short-timeout variant has %d attempts and budget %v, want 2 and the default", c.Retry.Attempts, c.Budget)
	}
	assertReplay(t, d.m.run)
}

// TestReplayStrategies: strategies turned on and off, and retry attempts
// changed, in a scenario whose variants set strategies of their own; the
// status lines read every strategy's state (snapshots between slices)
// all along. The replay equals the interactive run.
func TestReplayStrategies(t *testing.T) {
	d := newDriver(t, Options{Open: loadStrategies(t), FrameEvents: 4000}, 80, 24)
	do := func(k string) {
		t.Helper()
		d.key(k)
		if d.m.run.noteErr {
			t.Fatalf("key %s: %s", k, d.m.run.note)
		}
	}
	d.frames(10, frame)
	do("v") // breaker users
	do("x") // on: every variant but the breaker one gets the breaker variant's
	d.frames(15, frame)
	do("a") // 2 attempts
	do("v")
	do("v") // shed api
	d.frames(5, frame)
	do("x") // on
	do("2") // a slowdown
	d.frames(10, frame)
	do("v")
	do("v")
	do("v") // breaker users
	do("x") // off again
	do("+")
	do("+")
	do("+")
	for i := 0; !d.m.run.sess.Done(); i++ {
		if i > 100000 {
			t.Fatal("the run does not end")
		}
		d.frames(1, frame)
		d.screen()
	}
	sess := d.m.run.sess
	if got := len(sess.Interventions()); got != 5 {
		t.Fatalf("%d interventions, want 5: %v", got, sess.Interventions())
	}
	cfgs := sess.Configs()
	if c := cfgs[0]; c.Clients[0].Breaker != nil || c.Services[0].Shed == nil || c.Clients[0].Retry.Attempts != 2 {
		t.Fatalf("base: breaker %v, shed %v, %d attempts; want none, the shed variant's, 2", c.Clients[0].Breaker, c.Services[0].Shed, c.Clients[0].Retry.Attempts)
	}
	assertReplay(t, d.m.run)
}

// TestReplayWithOverrides: variants whose overrides replace what the
// session changes (all the faults; the timeout) get what the replay will
// give them, so the replay still equals the interactive run.
func TestReplayWithOverrides(t *testing.T) {
	d := newDriver(t, Options{Open: loadFile(t, "testdata/override.toml"), FrameEvents: 5000}, 80, 24)
	d.frames(10, frame)
	d.key("2") // a slowdown: not in "calm"
	d.frames(10, frame)
	d.key("O") // timeouts x2: "patient" keeps its 1s
	d.frames(10, frame)
	d.key("R") // during the ramp of the schedule
	d.frames(10, frame)
	d.key("1")
	for i := 0; !d.m.run.sess.Done(); i++ {
		if i > 10000 {
			t.Fatal("the run does not end")
		}
		d.frames(1, frame)
	}
	sess := d.m.run.sess
	if n := len(sess.Sessions()[1].Config().Faults); n != 0 {
		t.Errorf("the calm variant has %d faults, want none", n)
	}
	if got := sess.Sessions()[2].Config().Clients[0].Timeout; got != time.Second {
		t.Errorf("the patient variant's timeout is %v, want its own 1s", got)
	}
	if got := sess.Sessions()[0].Config().Clients[0].Timeout; got != 200*time.Millisecond {
		t.Errorf("the base timeout is %v, want 200ms", got)
	}
	assertReplay(t, d.m.run)
}

// assertReplay saves the run's session, loads the file as `stampede run` does, runs every
// variant and compares its results with the interactive world's, byte for
// byte.
func assertReplay(t *testing.T, r *runState) {
	t.Helper()
	sess := r.sess
	src, err := SessionTOML(r.scen, sess)
	if err != nil {
		t.Fatal(err)
	}
	if warn, err := checkReplay(r.scen, sess, src, filepath.Join(t.TempDir(), "x-session.toml")); err != nil || warn != "" {
		t.Fatalf("checkReplay: %q, %v", warn, err)
	}
	doc, err := scenarios.Load("session.toml", src)
	if err != nil {
		t.Fatalf("the saved session does not load: %v\n%s", err, src)
	}
	for i, w := range sess.Sessions() {
		name := sess.Names()[i]
		cfg, err := doc.VariantConfig(name)
		if err != nil {
			t.Fatal(err)
		}
		res, stopped, err := scenarios.RunOne(cfg, time.Hour, time.Now)
		if err != nil || stopped != "" {
			t.Fatalf("variant %s: %v %s", name, err, stopped)
		}
		var want, got bytes.Buffer
		if err := res.WriteJSON(&want); err != nil {
			t.Fatal(err)
		}
		live := w.Results()
		live.Traces = nil // the TUI records traces for its waterfall; they observe the run, they are not its results
		if err := live.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("variant %s: the replay's results differ from the interactive run's (calls %d vs %d, goodput %v vs %v)\n%s",
				name, res.Summary.Calls, w.Results().Summary.Calls, res.Summary.Goodput, w.Results().Summary.Goodput, src)
		}
	}
}

// TestSaveDataFiles: a scenario with data files (a replayed rate curve, a
// histogram from a file) saves a session that loads back with them, and a
// save where they cannot be found says so instead of passing for runnable.
func TestSaveDataFiles(t *testing.T) {
	path := filepath.Join("..", "scenarios", "testdata", "good", "recorded.toml")
	d := newDriver(t, Options{Open: loadFile(t, path), FrameEvents: 5000}, 80, 24)
	d.frames(5, frame)
	d.key("2")
	d.frames(5, frame)
	r := d.m.run
	src, err := SessionTOML(r.scen, r.sess)
	if err != nil {
		t.Fatal(err)
	}
	beside := filepath.Join(filepath.Dir(path), "recorded-session-1.toml")
	if warn, err := checkReplay(r.scen, r.sess, src, beside); err != nil || warn != "" {
		t.Errorf("saved beside the scenario: %q, %v; want it to load with its data files", warn, err)
	}
	warn, err := checkReplay(r.scen, r.sess, src, filepath.Join(t.TempDir(), "recorded-session-1.toml"))
	if err != nil || !strings.Contains(warn, "data/checkout") || !strings.Contains(warn, "does not load where it is saved") {
		t.Errorf("saved elsewhere: %q, %v; want a warning naming the data file", warn, err)
	}
}
