package models

import (
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// testHooks is a recorder for tests: a call launched on an edge, and a
// request starting service with its sampled local work.
type testHooks struct {
	onLaunch func(e *edge, c *call)
	onStart  func(s *service, a *attempt, d time.Duration)
	onStep   func(a *attempt, s step)
}

func (h *testHooks) callStarted(c *call) {
	if h.onLaunch != nil {
		h.onLaunch(c.e, c)
	}
}

func (h *testHooks) attemptStep(a *attempt, s step, _ Reason) {
	if h.onStep != nil {
		h.onStep(a, s)
	}
	if s == stepStarted && h.onStart != nil {
		h.onStart(a.svc, a, a.timer.When().Sub(a.started))
	}
}

func (h *testHooks) callDone(*call, Reason) {}
func (h *testHooks) tick(sim.Time)          {}

// hooksOf returns the test hooks of w, installing them the first time.
func hooksOf(w *World) *testHooks {
	rs, ok := w.rec.start.(recorders)
	if !ok {
		rs = recorders{w.rec.start}
	}
	for _, r := range rs {
		if h, ok := r.(*testHooks); ok {
			return h
		}
	}
	h := &testHooks{}
	w.listen(h, hearStart|hearStep)
	return h
}
