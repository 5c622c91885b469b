package models

import (
	"fmt"
	"strings"
)

// Branch makes the rest of the run draw new random numbers: every named
// stream is re-keyed from salt (sim.Sim.Branch) and every per-call draw
// from now on, including those of calls already in flight, is seeded with
// salt mixed in. The state reached so far is untouched, so a run replayed
// to the same event and branched with different salts gives independent
// continuations of the same state: the restart step of multilevel
// splitting, done by replay instead of by copying the world. Salt 0 on a
// world never branched changes nothing; a second Branch replaces the
// first's salt.
func (w *World) Branch(salt uint64) {
	w.s.Branch(salt)
	w.salt = splitmix(salt ^ 0x3c6ef372fe94f82b)
}

// Gauge kinds a Probe reads.
const (
	// GaugeQueue is the requests waiting at a service's replicas.
	GaugeQueue = "queue"
	// GaugeInSystem is the attempts at a service, waiting or served.
	GaugeInSystem = "in_system"
	// GaugeInFlight is a client's calls in flight.
	GaugeInFlight = "in_flight"
	// GaugeAttempts is the attempts alive in the whole world (no name).
	GaugeAttempts = "attempts"
)

// GaugeKinds lists the kinds Probe accepts.
var GaugeKinds = []string{GaugeQueue, GaugeInSystem, GaugeInFlight, GaugeAttempts}

// Probe returns a function that reads one gauge of the world now, for an
// importance function read after every event: kind is one of GaugeKinds
// and name the service (queue, in_system) or client (in_flight) it
// reads; attempts takes no name. Reading allocates nothing.
func (w *World) Probe(kind, name string) (func() float64, error) {
	switch kind {
	case GaugeAttempts:
		if name != "" {
			return nil, fmt.Errorf("%s counts the whole world's attempts and takes no name (got %q)", kind, name)
		}
		return func() float64 { return float64(w.inFlight) }, nil
	case GaugeQueue, GaugeInSystem:
		var names []string
		for _, s := range w.services {
			if s.name != name {
				names = append(names, s.name)
				continue
			}
			if kind == GaugeInSystem {
				return func() float64 { return float64(s.m.inSystem.v) }, nil
			}
			return func() float64 {
				n := 0
				for _, r := range s.reps {
					n += r.q.n
				}
				return float64(n)
			}, nil
		}
		return nil, fmt.Errorf("no service named %q (services: %s)", name, strings.Join(names, ", "))
	case GaugeInFlight:
		var names []string
		for _, c := range w.clients {
			if c.name == name {
				st := &c.e.stats
				return func() float64 { return float64(st.inFlight.v) }, nil
			}
			names = append(names, c.name)
		}
		return nil, fmt.Errorf("no client named %q (clients: %s)", name, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("no gauge kind %q: want one of %s", kind, strings.Join(GaugeKinds, ", "))
}
