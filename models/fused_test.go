package models

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// The fused path of plain calls (plain.go) held to the general lifecycle:
// the same world run both ways must give the same results, byte for byte
// (summaries and series), and the same snapshot at the end.

// bothWays builds cfg twice, with plain calls fused and with every call
// on the general lifecycle (GeneralLifecycle), drives each with drive (nil:
// Run), and fails unless their results and snapshots encode the same. It
// returns how many of the fused world's clients, services and edges took
// a fused path or shortcut at the start (World.PlainClients).
func bothWays(t interface {
	Helper()
	Fatalf(string, ...any)
}, cfg config.Config, drive func(w *World)) int {
	t.Helper()
	var out [2]bytes.Buffer
	plain := 0
	for i, general := range []bool{false, true} {
		w, err := Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		if general {
			w.GeneralLifecycle()
		} else {
			plain += w.PlainClients()
		}
		if drive == nil {
			_ = w.Run() // a limit hit is a result like another
		} else {
			drive(w)
		}
		if err := w.Results().WriteJSON(&out[i]); err != nil {
			t.Fatalf("encode: %v", err)
		}
		sn, err := json.Marshal(w.Snapshot())
		if err != nil {
			t.Fatalf("encode snapshot: %v", err)
		}
		out[i].Write(sn)
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		a, b := out[0].String(), out[1].String()
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("fused and general differ at byte %d:\nfused:   %.400s\ngeneral: %.400s", i, a[lo:], b[lo:])
	}
	return plain
}

// TestFusedEqualsGeneral runs the random worlds of TestLifecycleInvariants
// (faults of every kind coming and going, links, timeouts and deadlines
// on some edges and not others) both ways.
func TestFusedEqualsGeneral(t *testing.T) {
	checks := "150"
	if raceEnabled {
		checks = "30"
	}
	pinRapid(t, checks)
	plain := 0
	rapid.Check(t, func(t *rapid.T) {
		plain += bothWays(t, genConfig(t), nil)
	})
	if plain == 0 {
		t.Fatal("no random world had a plain client: the test tests nothing")
	}
}

// TestFusedFeaturesMidRun: plain calls while features come and go during
// the run: a network fault on the client's link (the calls stop being
// plain while it lasts, and calls already out meet it on the way back),
// outages, a slowdown, an error rate, a pause, a lost replica, a client
// restart, gray failures of one replica, the rate knob and an injected
// fault, both ways.
func TestFusedFeaturesMidRun(t *testing.T) {
	cfg := oneService(160, "exp(10ms)", 20*time.Second)
	cfg.Interval = 500 * time.Millisecond
	cfg.Clients[0].Arrival = config.Poisson
	cfg.Services[0].Replicas = 2
	cfg.Services[0].Queue.Order = config.LIFO
	cfg.Services[0].Queue.Limit = config.Limit(3)
	one := 1
	cfg.Faults = []config.FaultConfig{
		{Kind: config.FaultNetwork, Target: "api", At: 2 * time.Second, For: 3 * time.Second, Latency: d("exp(5ms)"), Loss: 0.1},
		{Kind: config.FaultOutage, Target: "api", At: 6 * time.Second, For: time.Second, Mode: config.BlackHole},
		{Kind: config.FaultOutage, Target: "api", At: 8 * time.Second, For: time.Second, Mode: config.FailFast},
		{Kind: config.FaultSlowdown, Target: "api", At: 10 * time.Second, For: time.Second, Factor: 5},
		{Kind: config.FaultErrorRate, Target: "api", At: 12 * time.Second, For: time.Second, Probability: 0.5},
		{Kind: config.FaultClientRestart, Target: "*", At: 13 * time.Second, Calls: 20},
		{Kind: config.FaultPause, Target: "api", At: 1500 * time.Millisecond, For: 300 * time.Millisecond},
		{Kind: config.FaultCapacityLoss, Target: "api", At: 5500 * time.Millisecond, For: time.Second, Replicas: 1},
		// gray failures: one replica only
		{Kind: config.FaultOutage, Target: "api", At: 16 * time.Second, For: time.Second, Mode: config.BlackHole, ReplicasHit: &one},
		{Kind: config.FaultOutage, Target: "api", At: 17500 * time.Millisecond, For: time.Second, Mode: config.FailFast, ReplicasHit: &one},
		{Kind: config.FaultSlowdown, Target: "api", At: 18 * time.Second, For: time.Second, Factor: 4, ReplicasHit: &one},
		{Kind: config.FaultErrorRate, Target: "api", At: 18500 * time.Millisecond, For: time.Second, Probability: 0.3, ReplicasHit: &one},
	}
	drive := func(w *World) {
		w.Advance(sim.Time(3*time.Second), 1<<62)
		if err := w.SetClientRate("c", 120); err != nil {
			t.Fatal(err)
		}
		w.Advance(sim.Time(14*time.Second), 1<<62)
		if err := w.Inject(config.FaultConfig{Kind: config.FaultNetwork, Target: "api", At: 15 * time.Second, For: 2 * time.Second, Latency: d("1ms")}); err != nil {
			t.Fatal(err)
		}
		_ = w.Run()
	}
	if bothWays(t, cfg, drive) != 2 {
		t.Fatal("the client's calls or the service's requests are not plain")
	}
	// a recorder heard from the start makes no call plain
	w, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hooksOf(w)
	if w.PlainClients() != 0 {
		t.Fatal("a client or a service is plain with a recorder listening")
	}
}

// TestRecorderAfterWorkStarted: a recorder that starts listening while
// requests are in service at a service whose ends are fused (plainEnd)
// hears the end of their work too: the ends already scheduled take the
// general steps once the service's ends are no longer plain.
func TestRecorderAfterWorkStarted(t *testing.T) {
	w, err := Build(oneService(50, "exp(100ms)", 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !w.services[0].plainEnd {
		t.Fatal("the service's ends are not fused: the test tests nothing")
	}
	w.Advance(sim.Time(5*time.Second), 1<<62)
	busy := func() int {
		n := 0
		for _, r := range w.services[0].reps {
			n += r.busy
		}
		return n
	}
	atListen := busy()
	if atListen == 0 {
		t.Fatal("nothing in service when the recorder came")
	}
	started, done := 0, 0
	hooksOf(w).onStep = func(_ *attempt, s step) {
		switch s {
		case stepStarted:
			started++
		case stepWorkDone:
			done++
		}
	}
	if w.services[0].plainEnd {
		t.Fatal("a step recorder listens, yet the service's ends stay fused")
	}
	if err := w.Run(); err != nil {
		t.Fatal(err)
	}
	if want := atListen + started - busy(); done != want {
		t.Errorf("heard the end of %d requests' work, want %d (%d in service when the recorder came, %d started after, %d still in service at the end)",
			done, want, atListen, started, busy())
	}
}

// TestDeadlineLateBothWays: a call's deadline that its first attempt's
// timeout precedes is left to the first retry (call.lazyDue) in either
// lifecycle, not only where the edge's retry-only strategy takes its
// shortcut (edgeStrat.bare, which GeneralLifecycle turns off): the
// deadline's timer is then scheduled at the same point of the call both
// ways, so that ties at its instant fall the same way.
func TestDeadlineLateBothWays(t *testing.T) {
	cfg := oneService(1, "1800ms", 12*time.Second)
	cfg.Services[0].Workers = 100
	cfg.Clients[0].Timeout = 1500 * time.Millisecond
	cfg.Clients[0].Deadline = 2 * time.Second
	cfg.Clients[0].Retry = strategies.RetrySpec{Attempts: 3, Backoff: "none"}
	for _, general := range []bool{false, true} {
		w, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if general {
			w.GeneralLifecycle()
		}
		var last *call
		hooksOf(w).onLaunch = func(_ *edge, c *call) { last = c }
		// the call launched at 5s: its first attempt is out until 6.5s
		w.Advance(sim.Time(5200*time.Millisecond), 1<<62)
		if last == nil || last.start != sim.Time(5*time.Second) {
			t.Fatalf("general %v: no call launched at 5s", general)
		}
		c := last
		if !c.lazyDue || c.deadline.Active() {
			t.Fatalf("general %v: the call's deadline was set at launch (lazyDue %v)", general, c.lazyDue)
		}
		// at its first retry the deadline is set
		w.Advance(sim.Time(6600*time.Millisecond), 1<<62)
		if c.lazyDue || c.deadline.When() != sim.Time(7*time.Second) {
			t.Fatalf("general %v: after the first retry the deadline is %v (lazyDue %v), want 7s", general, c.deadline.When(), c.lazyDue)
		}
	}
	bothWays(t, cfg, nil)
	_, r := run(t, cfg)
	wantEq(t, "failed[deadline_exceeded]", r.Summary.Failed["deadline_exceeded"], results.Count(9))
}
