package session

import (
	"bytes"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// world is an open client at 50 calls/s on one service with 2 workers,
// for 20 s.
func world() config.Config {
	cfg := config.Config{
		Duration: 20 * time.Second,
		Seed:     7,
		Services: []config.ServiceConfig{{Name: "api", Workers: 2, ServiceTime: sim.MustParseDist("exp(20ms)")}},
		Clients:  []config.ClientConfig{{Name: "users", Target: "api", Rate: 50}},
	}
	cfg.Clients[0].Timeout = 200 * time.Millisecond
	return cfg
}

func resultsJSON(t *testing.T, r *results.Results) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func mustNew(t *testing.T, cfg config.Config) *Session {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAdvanceToInSlices: a session advanced in small slices of events and
// of time, with snapshots taken between them, ends with the results of
// one Run, byte for byte.
func TestAdvanceToInSlices(t *testing.T) {
	want := resultsJSON(t, func() *results.Results { r, _ := mustNew(t, world()).Run(0, nil); return r }())
	s := mustNew(t, world())
	for at := sim.Time(0); !s.Done(); at += sim.Time(700 * time.Millisecond) {
		for !s.AdvanceTo(at, 97) {
			_ = s.Snapshot()
		}
		if !s.Done() && s.Now() != at {
			t.Fatalf("AdvanceTo(%v) reported arrival at %v", at, s.Now())
		}
	}
	if got := resultsJSON(t, s.Results()); got != want {
		t.Error("the results of a run in slices differ from one Run's")
	}
}

// TestApplyIsATimelineEvent: a fault applied while running gives the
// results of the scenario with that fault in its timeline; the other
// kinds and faults in the past are refused.
func TestApplyIsATimelineEvent(t *testing.T) {
	f := config.FaultConfig{Kind: config.FaultSlowdown, Target: "api", Factor: 5, At: 8 * time.Second, For: 3 * time.Second}
	cfg := WithInterventions(world(), []Intervention{{Kind: Inject, At: f.At, Fault: f}})
	want := resultsJSON(t, func() *results.Results { r, _ := mustNew(t, cfg).Run(0, nil); return r }())

	s := mustNew(t, world())
	s.AdvanceTo(sim.Time(5*time.Second), 1<<40)
	if err := s.Apply(Intervention{Kind: SetTimeout, Client: "users", Timeout: time.Second}); err == nil {
		t.Error("a timeout change was applied to a running world")
	}
	past := f
	past.At = time.Second
	if err := s.Apply(Intervention{Kind: Inject, Fault: past}); err == nil {
		t.Error("a fault in the past was applied")
	}
	if err := s.Apply(Intervention{Kind: Inject, At: f.At, Fault: f}); err != nil {
		t.Fatal(err)
	}
	res, stopped := s.Run(0, nil)
	if stopped != "" {
		t.Fatal(stopped)
	}
	if got := resultsJSON(t, res); got != want {
		t.Error("the applied fault's run differs from the run with the fault in its timeline")
	}
}
