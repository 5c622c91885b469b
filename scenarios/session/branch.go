package session

import "github.com/stampede-sim/stampede/models"

// Branch makes the rest of the session's run draw new random numbers
// from salt, from the state it has reached (models.World.Branch).
func (s *Session) Branch(salt uint64) { s.w.Branch(salt) }

// Probe returns a reader of one gauge of the running world, kind being
// one of models.GaugeKinds (models.World.Probe).
func (s *Session) Probe(kind, name string) (func() float64, error) { return s.w.Probe(kind, name) }

// GaugeKinds lists the kinds Probe accepts (models.GaugeKinds).
var GaugeKinds = models.GaugeKinds
