package models

import (
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/strategies"
)

// secondary is a fallback that calls a secondary service instead of
// answering itself (fallback.call; Nygard, Release It!, 2nd ed., "Fail
// Fast"; Hystrix's "fallback via network", where the fallback is a
// command of its own): a call whose failure the fallback covers makes one
// call, not retried, on the edge e to the secondary; its success is the
// fallback answer, its failure leaves the call's own failure standing.
// The secondary's latency, failures and load are those of any call edge.
type secondary struct {
	w *World
	e *edge // caller->secondary, with the fallback's timeout
}

// purposeFallback seeds the secondary call of a call.
const purposeFallback = 0x6a09e667f3bcc909

// wireFallbacks gives every edge whose fallback calls a secondary its
// secondary edge, named "caller->secondary" and listed with the other
// edges (after them, so a world without one keeps its order).
func (w *World) wireFallbacks() {
	var from []*edge
	var callers []string
	for _, c := range w.clients {
		from, callers = append(from, c.e), append(callers, c.name)
	}
	for _, e := range w.edges {
		caller, _, _ := strings.Cut(e.name, "->")
		from, callers = append(from, e), append(callers, caller)
	}
	for _, j := range w.jobs {
		from, callers = append(from, j.e), append(callers, j.name)
	}
	for i, e := range from {
		fb := e.policy.Fallback
		to := fb.Secondary()
		if to == "" {
			continue
		}
		name := callers[i] + "->" + to
		se := &edge{
			name:   name,
			policy: config.ClientPolicy{Timeout: fb.Timeout},
			link:   e.link,
			to:     w.byName[to],
			toName: to,
			hash:   hashName(name),
		}
		se.stats.name = name
		w.edges = append(w.edges, se)
		e.alt = &secondary{w: w, e: se}
	}
}

// callSecondary makes call c's fallback call to its secondary, c having
// failed with r; c ends when that call does (callDone). c may have ended
// when it returns.
func (c *call) callSecondary(w *World, r Reason) {
	c.failed = r
	sc := c.e.alt.e.newCall(w, c, with(c.seed, purposeFallback))
	sc.prio = c.prio
	sc.launch(w)
}

// callDone ends call c when its secondary call sc (its owner) ends with
// r: a success is c's fallback answer, a failure leaves c's own.
func (c *call) callDone(_ *call, r Reason) {
	if r == strategies.ReasonOK {
		r = strategies.ReasonFallback
	} else {
		r = c.failed
	}
	c.complete(c.e.alt.w, r)
}
