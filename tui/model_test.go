package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
	"github.com/stampede-sim/stampede/scenarios/session"
	"github.com/stampede-sim/stampede/sim"
)

// TestOneTickLoop holds the tick protocol: a tick from a replaced loop is
// dropped without advancing anything, the loop stops when there is no
// work, and a key that makes work starts exactly one new loop.
func TestOneTickLoop(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 80, 24)
	if !d.m.ticking {
		t.Fatal("the run view opened without a tick loop")
	}
	d.frames(10, frame)
	stale := d.m.tickTag
	d.key("space") // pause: the loop keeps going until it sees no work
	if cmd := d.send(tickMsg{tag: d.m.tickTag, at: d.wall.Add(frame)}); cmd != nil {
		t.Fatal("a tick while paused and caught up asked for another tick")
	}
	if d.m.ticking {
		t.Fatal("the loop is still marked alive after it stopped")
	}
	if cmd := d.key("space"); cmd == nil || !d.m.ticking || d.m.tickTag == stale {
		t.Fatalf("resuming did not start a new loop (cmd %v, ticking %v, tag %d -> %d)", cmd != nil, d.m.ticking, stale, d.m.tickTag)
	}
	if cmd := d.key("+"); cmd != nil {
		t.Fatal("a key started a second loop while one was alive")
	}
	now := d.m.run.sess.Now()
	if cmd := d.send(tickMsg{tag: stale, at: d.wall.Add(time.Hour)}); cmd != nil || d.m.run.sess.Now() != now {
		t.Fatal("a tick of the old loop was not dropped")
	}
}

// TestFrameBudget holds that one Update fires at most FrameEvents events,
// however far behind the engine is.
func TestFrameBudget(t *testing.T) {
	const budget = 2000
	d := newDriver(t, Options{Open: loadDemo(t), FrameEvents: budget}, 80, 24)
	for range 4 {
		d.key("+") // max
	}
	events := func() (n uint64) {
		for _, w := range d.m.run.sess.Sessions() {
			n += w.Events()
		}
		return n
	}
	for i := range 50 {
		before := events()
		d.frames(1, frame)
		if got := events() - before; got > budget {
			t.Fatalf("frame %d fired %d events, more than the budget of %d", i, got, budget)
		}
	}
	if d.m.run.sess.Now() == 0 {
		t.Fatal("the clock did not move")
	}
}

// TestSpeeds: the wall time between ticks times the speed is the virtual
// time of a frame; a long gap (a stalled terminal) counts as four frames.
func TestSpeeds(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 80, 24)
	d.key("-") // 1x
	d.frames(1, frame)
	steps := []struct {
		key  string
		wall time.Duration
		want time.Duration
	}{
		{"", frame, frame},
		{"+", frame, 10 * frame},
		{"+", frame, 100 * frame},
		{"-", 10 * time.Second, 10 * 4 * frame},
		{"space", frame, 0},
	}
	for i, s := range steps {
		if s.key != "" {
			d.key(s.key)
		}
		before := d.m.run.sess.Now()
		d.frames(1, s.wall)
		if got := time.Duration(d.m.run.sess.Now() - before); got != s.want {
			t.Errorf("step %d (%q, wall %v): the clock moved %v, want %v", i, s.key, s.wall, got, s.want)
		}
	}
}

// TestInjectKeys: each fault key injects its fault into every variant at
// the same instant, just after the clock, with the magnitude, duration and
// target shown.
func TestInjectKeys(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(10, frame)
	d.key("M") // x4
	d.key("D") // 20s
	cases := []struct {
		key  string
		want config.FaultConfig
	}{
		{"1", config.FaultConfig{Kind: config.FaultLoadSpike, Target: "*", Factor: 4, For: 20 * time.Second}},
		{"2", config.FaultConfig{Kind: config.FaultSlowdown, Target: "api", Factor: 4, For: 20 * time.Second}},
		{"3", config.FaultConfig{Kind: config.FaultPause, Target: "api", For: 20 * time.Second}},
		{"4", config.FaultConfig{Kind: config.FaultOutage, Target: "api", For: 20 * time.Second, Mode: config.FailFast}},
		{"b4", config.FaultConfig{Kind: config.FaultOutage, Target: "api", For: 20 * time.Second, Mode: config.BlackHole}},
	}
	for i, c := range cases {
		d.frames(3, frame)
		now := d.m.run.sess.Now()
		for _, k := range c.key {
			d.key(string(k))
		}
		ivs := d.m.run.sess.Interventions()
		if len(ivs) != i+1 {
			t.Fatalf("key %s: %d interventions, want %d (note: %s)", c.key, len(ivs), i+1, d.m.run.note)
		}
		c.want.At = time.Duration(now + 1)
		if got := ivs[i]; got.Kind != session.Inject || got.Fault != c.want {
			t.Errorf("key %s: recorded %+v, want %+v", c.key, got.Fault, c.want)
		}
		for v, w := range d.m.run.sess.Sessions() {
			fs := w.Config().Faults
			if got := fs[len(fs)-1]; got.At != c.want.At || got.Kind != c.want.Kind {
				t.Errorf("key %s: variant %d has %+v last", c.key, v, got)
			}
		}
		if !strings.Contains(d.screen(), session.DescribeFault(c.want)) {
			t.Errorf("key %s: the view does not show %q", c.key, session.DescribeFault(c.want))
		}
	}
}

// TestKnobKeys: r/R and o/O record schedule points and timeouts and re-run
// the variants, keeping the clock where it was.
func TestKnobKeys(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(20, frame)
	now := d.m.run.sess.Now()
	d.key("space")
	d.key("R")
	if on, _ := d.m.run.sess.Rerunning(); !on {
		t.Fatal("a rate change did not re-run the variants")
	}
	for i := 0; i < 100 && !d.m.run.sess.CaughtUp(); i++ {
		d.frames(1, frame)
	}
	if got := d.m.run.sess.Now(); got != now {
		t.Fatalf("after the re-run the clock is at %v, want %v", got, now)
	}
	d.key("o")
	ivs := d.m.run.sess.Interventions()
	if len(ivs) != 2 || ivs[0].Kind != session.SetRate || ivs[0].Rate != 188 || ivs[0].At != time.Duration(now).Truncate(time.Millisecond) ||
		ivs[1].Kind != session.SetTimeout || ivs[1].Timeout != 100*time.Millisecond {
		t.Fatalf("recorded %+v", ivs)
	}
	for i := 0; i < 100 && !d.m.run.sess.CaughtUp(); i++ {
		d.frames(1, frame)
	}
	cfgs := d.m.run.sess.Configs()
	if got := cfgs[0].Clients[0].Schedule; len(got) != 1 || got[0].Rate != 188 {
		t.Errorf("base schedule %+v", got)
	}
	// the variant's own timeout override wins, as it will in the replay
	if got := cfgs[1].Clients[0].Timeout; got != 50*time.Millisecond {
		t.Errorf("short-timeout's timeout is %v, want its override 50ms", got)
	}
	if got := cfgs[0].Clients[0].Timeout; got != 100*time.Millisecond {
		t.Errorf("base timeout is %v, want 100ms", got)
	}
}

// TestTimeTravel: ←/→ move a cursor over the closed intervals and pause;
// the view shows the state at the cursor; → past the last interval, end,
// or space go back to live.
func TestTimeTravel(t *testing.T) {
	d := newDriver(t, Options{Open: loadDemo(t)}, 120, 40)
	d.frames(40, frame) // 20s: 19 intervals closed
	n := d.m.run.closed()
	d.key("left")
	if d.m.run.cursor != n-2 || !d.m.run.paused {
		t.Fatalf("cursor %d paused %v, want %d and paused", d.m.run.cursor, d.m.run.paused, n-2)
	}
	d.key("H")
	d.key("H")
	if d.m.run.cursor != 0 {
		t.Fatalf("cursor %d after going back 21, want 0", d.m.run.cursor)
	}
	if !strings.Contains(d.screen(), "◀ time travel  0:01.0") {
		t.Errorf("the header does not show the cursor's time:\n%s", d.screen())
	}
	before := d.m.run.sess.Now()
	d.frames(5, frame)
	if d.m.run.sess.Now() != before {
		t.Error("the clock ran while time travelling")
	}
	d.key("L")
	d.key("right")
	if d.m.run.cursor != 11 {
		t.Fatalf("cursor %d, want 11", d.m.run.cursor)
	}
	d.key("end")
	if d.m.run.cursor != -1 {
		t.Fatal("end did not go back to live")
	}
	d.key("home")
	d.key("space")
	if d.m.run.cursor != -1 || d.m.run.paused {
		t.Fatal("space did not go back to live and resume")
	}
}

// TestSaveAndExportCommands runs the commands the keys return: the file
// lands in Options.Dir under a fresh name and the note says so.
func TestSaveAndExportCommands(t *testing.T) {
	dir := t.TempDir()
	d := newDriver(t, Options{Open: loadDemo(t), Dir: dir}, 120, 40)
	d.frames(30, frame)
	d.key("2")
	d.frames(5, frame)
	for i := 1; i <= 2; i++ {
		cmd := d.key("s")
		if cmd == nil {
			t.Fatalf("save returned no command: %s", d.m.run.note)
		}
		d.send(cmd())
		want := filepath.Join(dir, "demo-session-"+string(rune('0'+i))+".toml")
		if !strings.Contains(d.m.run.note, "saved "+want+" · replay it") {
			t.Fatalf("note %q", d.m.run.note)
		}
		b, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := scenarios.Load(want, b); err != nil {
			t.Fatalf("the saved file does not load: %v", err)
		}
	}
	if testing.Short() {
		t.Skip("export draws a PNG")
	}
	cmd := d.key("e")
	if cmd == nil {
		t.Fatalf("export returned no command: %s", d.m.run.note)
	}
	d.send(cmd())
	png := filepath.Join(dir, "demo-1.png")
	b, err := os.ReadFile(png)
	if err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Fatalf("export did not write a PNG (%v); note %q", err, d.m.run.note)
	}
}

// TestGallery: the gallery lists the given file first, enter loads the
// entry in a command, and a scenario that does not load shows its error.
func TestGallery(t *testing.T) {
	d := newDriver(t, Options{Library: testLibrary(t)}, 80, 24)
	if d.m.screen != screenGallery || d.m.ticking {
		t.Fatal("without a scenario the TUI does not open on an idle gallery")
	}
	d.key("down")
	d.send(d.key("enter")())
	if d.m.screen != screenGallery || !strings.Contains(d.screen(), "must be > 0") {
		t.Fatalf("the error is not shown:\n%s", d.screen())
	}
	d.key("up")
	cmd := d.key("enter")
	cmd2 := d.send(cmd())
	if d.m.screen != screenRun || cmd2 == nil || !d.m.ticking {
		t.Fatal("picking the demo did not open a running Run view")
	}
	d.key("esc")
	if d.m.screen != screenGallery || d.m.ticking {
		t.Fatal("esc did not go back to an idle gallery")
	}
	if cmd := d.key("esc"); d.m.screen != screenRun || cmd == nil {
		t.Fatal("esc in the gallery did not go back to the open run")
	}
	if cmd := d.key("q"); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q does not quit")
	}
}

// TestSessionLockstep: worlds advanced with small budgets stay on one
// clock, and a fault injected while one lags lands at the same instant in
// both.
func TestSessionLockstep(t *testing.T) {
	s, err := loadDemo(t).Session()
	if err != nil {
		t.Fatal(err)
	}
	s.SetTarget(sim.Time(5 * time.Second))
	for !s.Step(500) {
		ws := s.Sessions()
		if s.Now() != min(ws[0].Now(), ws[1].Now()) {
			t.Fatal("Now is not the earliest clock")
		}
	}
	if s.Now() != sim.Time(5*time.Second) {
		t.Fatalf("caught up at %v", s.Now())
	}
	s.SetTarget(sim.Time(6 * time.Second))
	s.Step(300) // one world may lag the other now
	ivs, err := s.Apply(session.Pause("api", time.Second))
	if err != nil {
		t.Fatal(err)
	}
	iv := ivs[0]
	far := max(s.Sessions()[0].Now(), s.Sessions()[1].Now())
	if iv.At != time.Duration(far+1) {
		t.Fatalf("injected at %v, want just after the furthest clock %v", iv.At, far)
	}
	for _, w := range s.Sessions() {
		fs := w.Config().Faults
		if fs[len(fs)-1].At != iv.At {
			t.Fatal("the variants got the fault at different times")
		}
	}
}

// TestAdaptiveBudget: with no fixed budget, a frame that used its whole
// budget resizes it towards FrameWork of measured engine time, within the
// bounds; the clock is a fake that says how long the engine took.
func TestAdaptiveBudget(t *testing.T) {
	took := 60 * time.Millisecond
	var now time.Time
	clock := func() time.Time {
		now = now.Add(took) // the engine took this long between two reads
		return now
	}
	m := New(Options{Open: loadDemo(t), Clock: clock})
	r := m.run
	if !r.adaptive || r.budget != DefaultFrameEvents {
		t.Fatalf("budget %d adaptive %v", r.budget, r.adaptive)
	}
	for range 4 {
		r.key(press("+"))
	}
	wall := time.Unix(0, 0)
	r.budget = 20_000
	for i := 0; r.budget == 20_000; i++ {
		if i > 100 || r.sess.Done() {
			t.Fatal("no frame used its whole budget")
		}
		wall = wall.Add(frame)
		r.frame(wall, m.opts)
	}
	// 60ms for 20k events: 10k would take 30ms; halfway there
	if r.budget != 15_000 {
		t.Fatalf("after a slow frame the budget is %d, want 15000", r.budget)
	}
	r.adapt(0)
	if r.budget != (15_000+MaxFrameEvents)/2 {
		t.Fatalf("after an instant frame the budget is %d", r.budget)
	}
}
