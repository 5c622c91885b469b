package models

import (
	"testing"
	"time"

	"github.com/stampede-sim/stampede/models/config"
)

// TestJobPushFailures: a push that fails does not propagate its changes.
// An outage of the config service from 20s to 30s (fail fast) swallows the
// pushes of that window. Constant work carries the changes again every
// period, so everything propagates once the service is back and nothing is
// lost; event-driven work has no later push for them: they are lost and
// stay unpropagated to the end.
func TestJobPushFailures(t *testing.T) {
	cfg := func(kind config.JobKind) config.Config {
		c := config.Config{Duration: 60 * time.Second, Seed: 7,
			Services: []config.ServiceConfig{{Name: "config", Workers: 4, ServiceTime: d("exp(5ms)")}},
			Jobs:     []config.JobConfig{{Name: "push", Kind: kind, Target: "config", Nodes: 10, Changes: 1}},
			Faults:   []config.FaultConfig{{Kind: config.FaultOutage, Target: "config", At: 20 * time.Second, For: 10 * time.Second}}}
		if kind == config.ConstantWork {
			c.Jobs[0].Every = time.Second
		}
		return c
	}
	_, cw := run(t, cfg(config.ConstantWork))
	_, ed := run(t, cfg(config.EventDriven))
	cws, eds := cw.Summary.Jobs["push"].Strategy, ed.Summary.Jobs["push"].Strategy
	if cws["lost"] != 0 {
		t.Errorf("constant work lost %v changes, want 0: it resends the full state", cws["lost"])
	}
	if p := cws["propagation_p99_s"]; p < 5 {
		t.Errorf("constant work: p99 propagation %vs, want the outage's wait (up to 10s)", p)
	}
	if end := cw.Series.Jobs[0].Strategy["unpropagated"]; end[len(end)-1] > 2 {
		t.Errorf("constant work: %v changes unpropagated at the end, want at most a period's worth", end[len(end)-1])
	}
	if eds["lost"] < 5 {
		t.Errorf("event-driven lost %v changes, want the outage's (about 10)", eds["lost"])
	}
	if end := ed.Series.Jobs[0].Strategy["unpropagated"]; end[len(end)-1] < 5 {
		t.Errorf("event-driven: %v changes unpropagated at the end, want the lost ones to stay", end[len(end)-1])
	}
}
