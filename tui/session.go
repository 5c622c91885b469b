package tui

import (
	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/session"
)

// Session is the run of a scenario the Run view drives: its variants in
// lockstep as a session.Group, with the scenario they came from.
type Session struct {
	*session.Group
	scen *Scenario
}

// NewSession builds the sessions of every variant of s at time 0.
func NewSession(s *Scenario) (*Session, error) {
	var names []string
	if s != nil {
		for _, v := range s.Variants {
			names = append(names, v.Name)
		}
	}
	g, err := session.NewGroup(names, s.configs, TUITraces)
	if err != nil {
		return nil, err
	}
	return &Session{Group: g, scen: s}, nil
}

// Scenario returns the scenario being run.
func (s *Session) Scenario() *Scenario { return s.scen }

// Worlds returns the live sessions, one per variant, in variant order.
func (s *Session) Worlds() []*session.Session { return s.Sessions() }

// Intervention is a change made during a run (session.Intervention).
type Intervention = session.Intervention

// StrategySetting is a strategy the knob turns on or off
// (session.StrategySetting).
type StrategySetting = session.StrategySetting

// Intervention kinds (session's).
const (
	Inject      = session.Inject
	SetRate     = session.SetRate
	SetTimeout  = session.SetTimeout
	SetRetries  = session.SetRetries
	SetStrategy = session.SetStrategy
)

// describeFault says what a fault does in a few words.
func describeFault(f config.FaultConfig) string { return session.DescribeFault(f) }

// strategyMenu returns the settings the strategy knob cycles through.
func strategyMenu(s *Scenario) []StrategySetting {
	var names []string
	var cfgs []config.Config
	for _, v := range s.Variants {
		names = append(names, v.Name)
		cfgs = append(cfgs, v.Config)
	}
	return session.StrategyMenu(names, cfgs)
}
