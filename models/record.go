package models

import "github.com/stampede-sim/stampede/sim"

// recorder observes the lifecycle of calls and attempts: the SLOs, the
// request traces and tests listen through it, at four points. A world
// calls at each point only the recorders that hear it (recording); with
// none, a point costs the world one nil check, and the run is the same
// run either way: a recorder reads the world, it never draws from its
// random streams or schedules events.
type recorder interface {
	// callStarted hears that call c was launched (c.start is now).
	callStarted(c *call)
	// attemptStep hears that attempt a reached step s of its life; r is
	// the outcome at stepAnswered (the server's) and stepEnded (the
	// caller's).
	attemptStep(a *attempt, s step, r Reason)
	// callDone hears that call c ended with outcome r, before its owner
	// is told and c is recycled.
	callDone(c *call, r Reason)
	// tick hears that the interval ending at end closed.
	tick(end sim.Time)
}

// step is a point in the life of an attempt.
type step uint8

// Steps of an attempt, in the order they can happen.
const (
	stepSent     step = iota // a left for its target (a.c is its call)
	stepStarted              // a started its local work at a.svc (a.timer ends it)
	stepWorkDone             // a's local work ended
	stepAnswered             // the target answered a with r
	stepEnded                // the caller let go of a with outcome r
	stepReleased             // a is recycled
)

// recorders is several recorders, heard in order.
type recorders []recorder

func (rs recorders) callStarted(c *call) {
	for _, r := range rs {
		r.callStarted(c)
	}
}

func (rs recorders) attemptStep(a *attempt, s step, why Reason) {
	for _, r := range rs {
		r.attemptStep(a, s, why)
	}
}

func (rs recorders) callDone(c *call, why Reason) {
	for _, r := range rs {
		r.callDone(c, why)
	}
}

func (rs recorders) tick(end sim.Time) {
	for _, r := range rs {
		r.tick(end)
	}
}

// hearing is a set of the points of the recorder interface.
type hearing uint8

// Points a recorder can hear.
const (
	hearStart hearing = 1 << iota // callStarted
	hearStep                      // attemptStep
	hearDone                      // callDone
	hearTick                      // tick
)

// recording is the recorders of a world, point by point, so that a point
// calls only those that hear it: directly when one does, through
// recorders when several do; a nil slot costs one nil check.
type recording struct {
	start, step, done, tick recorder
}

// listen adds r, after those already there, to the points in h.
func (rec *recording) listen(r recorder, h hearing) {
	for _, p := range []struct {
		bit  hearing
		slot *recorder
	}{{hearStart, &rec.start}, {hearStep, &rec.step}, {hearDone, &rec.done}, {hearTick, &rec.tick}} {
		if h&p.bit == 0 {
			continue
		}
		switch x := (*p.slot).(type) {
		case nil:
			*p.slot = r
		case recorders:
			*p.slot = append(recorders{}, append(x, r)...)
		default:
			*p.slot = recorders{x, r}
		}
	}
}

// listen adds r to w's recorders at the points in h (recording.listen),
// and decides again which clients' calls are plain: a recorder that
// hears calls or attempts makes none of them plain (plain.go).
func (w *World) listen(r recorder, h hearing) {
	w.rec.listen(r, h)
	w.markPlain()
}
