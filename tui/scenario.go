package tui

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios"
)

// Scenario is what the Run view explores: a title, the text that says what
// to look for, and one or more variants run side by side.
type Scenario struct {
	// Name is the built-in name or the file path; Title and About are
	// shown in the gallery.
	Name, Title, About string
	// Variants are run in lockstep, in this order (colour i is variant
	// i). At least one.
	Variants []Variant
	// Doc is the scenario file the variants came from, when there is one:
	// Save writes its variants' overrides and runner limits.
	Doc *scenarios.Scenario
}

// Variant is one configuration of a scenario.
type Variant struct {
	// Name labels the variant ("base", "no retries", ...).
	Name string
	// Config is the variant's world, before interventions.
	Config config.Config
}

// Entry is one scenario in the gallery. Load is called when the user picks
// it (or to show its details); it reads and validates the scenario.
type Entry struct {
	// Name is the built-in name or the file path.
	Name string
	// Title and About are shown in the gallery before loading.
	Title, About string
	// Load returns the scenario. Required.
	Load func() (*Scenario, error)
}

// InterventionKind is what an intervention changes.
type InterventionKind uint8

// Intervention kinds.
const (
	// Inject adds a fault to the timeline (Fault).
	Inject InterventionKind = iota + 1
	// SetRate sets an open or partly-open client's rate from At on: a
	// point of its rate schedule (Client, Rate).
	SetRate
	// SetTimeout sets a client's per-attempt timeout (Client, Timeout).
	// The scenario format has no timeline for it, so it applies to the
	// whole run: the worlds are re-run from the start with it.
	SetTimeout
	// SetRetries sets a client's retry attempts (Client, Attempts), for
	// the whole run like SetTimeout.
	SetRetries
	// SetStrategy turns a strategy on or off (Strategy, On), for the
	// whole run like SetTimeout: the scenario format has no timeline for
	// a strategy's configuration.
	SetStrategy
)

// Intervention is one change made during a run, recorded on the timeline
// so that Save can write it and `stampede run` can replay it.
type Intervention struct {
	Kind InterventionKind
	// At is the virtual time it was made at (for Inject, Fault.At).
	At time.Duration
	// Fault is the fault injected (Inject).
	Fault config.FaultConfig
	// Client names the client a knob acts on (SetRate, SetTimeout,
	// SetRetries).
	Client string
	// Rate is the new rate in calls/s (sessions/s for partly open).
	Rate float64
	// Timeout is the new per-attempt timeout; zero means none.
	Timeout time.Duration
	// Attempts is the new number of attempts per call (1: no retries).
	Attempts int
	// Strategy is the strategy SetStrategy turns on (On) or off.
	Strategy StrategySetting
	On       bool
}

// String describes the intervention for the timeline ("+12.5s slowdown
// api x4 for 10s").
func (iv Intervention) String() string {
	at := fmtClock(iv.At)
	switch iv.Kind {
	case Inject:
		return at + " " + describeFault(iv.Fault)
	case SetRate:
		return fmt.Sprintf("%s rate %s -> %s/s", at, iv.Client, fmtNum(iv.Rate))
	case SetTimeout:
		t := "none"
		if iv.Timeout > 0 {
			t = fmtDur(iv.Timeout)
		}
		return fmt.Sprintf("%s timeout %s -> %s (whole run)", at, iv.Client, t)
	case SetRetries:
		return fmt.Sprintf("%s attempts %s -> %d (whole run)", at, iv.Client, iv.Attempts)
	case SetStrategy:
		return fmt.Sprintf("%s %s %s (whole run)", at, iv.Strategy.Name, onOff(iv.On))
	}
	return at + " ?"
}

// describeFault says what a fault does in a few words.
func describeFault(f config.FaultConfig) string {
	var what string
	switch f.Kind {
	case config.FaultLoadSpike:
		what = fmt.Sprintf("load spike x%s", fmtNum(f.Factor))
		if f.Target != "*" {
			what += " " + f.Target
		}
	case config.FaultSlowdown:
		what = fmt.Sprintf("slowdown %s x%s", f.Target, fmtNum(f.Factor))
	case config.FaultOutage:
		what = "outage " + f.Target
		if f.Mode == config.BlackHole {
			what = "black-hole outage " + f.Target
		}
	default:
		what = string(f.Kind) + " " + f.Target
	}
	if !f.Kind.Instantaneous() {
		what += " for " + fmtDur(f.For)
	}
	return what
}

// FromFile makes the Run view's scenario from a loaded scenario file: the
// base, then each variant in file order.
func FromFile(doc *scenarios.Scenario) (*Scenario, error) {
	s := &Scenario{Name: doc.Name, Title: doc.Title, About: doc.About, Doc: doc}
	names := []string{scenarios.BaseName}
	for _, v := range doc.Variants {
		names = append(names, v.Name)
	}
	for _, n := range names {
		cfg, err := doc.VariantConfig(n)
		if err != nil {
			return nil, err
		}
		s.Variants = append(s.Variants, Variant{Name: n, Config: cfg})
	}
	return s, nil
}

// configs returns each variant's configuration with ivs applied. For a
// scenario file, the interventions change the base and the variants'
// overrides are applied on top, exactly as `stampede run` will do with
// the saved file; otherwise they change each variant.
func (s *Scenario) configs(ivs []Intervention) ([]config.Config, error) {
	out := make([]config.Config, len(s.Variants))
	if s.Doc == nil {
		for i, v := range s.Variants {
			out[i] = applyInterventions(v.Config, ivs)
		}
		return out, nil
	}
	doc := *s.Doc
	doc.Config = applyInterventions(s.Doc.Config, ivs)
	for i, v := range s.Variants {
		cfg, err := doc.VariantConfig(v.Name)
		if err != nil {
			return nil, err
		}
		out[i] = cfg
	}
	return out, nil
}

// applyInterventions returns cfg with ivs applied, in order, sharing no
// slices with cfg.
func applyInterventions(cfg config.Config, ivs []Intervention) config.Config {
	cfg.Clients = slices.Clone(cfg.Clients)
	for i := range cfg.Clients {
		cfg.Clients[i].Schedule = slices.Clone(cfg.Clients[i].Schedule)
	}
	cfg.Faults = slices.Clone(cfg.Faults)
	if slices.ContainsFunc(ivs, func(iv Intervention) bool { return iv.Kind == SetStrategy }) {
		cfg.Services = slices.Clone(cfg.Services)
		for i := range cfg.Services {
			cfg.Services[i].Calls = slices.Clone(cfg.Services[i].Calls)
		}
		cfg.Caches = slices.Clone(cfg.Caches)
	}
	for _, iv := range ivs {
		switch iv.Kind {
		case Inject:
			cfg.Faults = append(cfg.Faults, iv.Fault)
		case SetRate:
			if c := clientIndex(&cfg, iv.Client); c >= 0 {
				cl := &cfg.Clients[c]
				cl.Schedule = setRatePoint(cl.Schedule, config.RatePoint{At: iv.At, Rate: iv.Rate})
			}
		case SetTimeout:
			if c := clientIndex(&cfg, iv.Client); c >= 0 {
				cfg.Clients[c].Timeout = iv.Timeout
			}
		case SetRetries:
			if c := clientIndex(&cfg, iv.Client); c >= 0 {
				setIntAt(&cfg.Clients[c], retryAttemptsPath, int64(iv.Attempts))
			}
		case SetStrategy:
			setStrategy(&cfg, iv.Strategy, iv.On)
		}
	}
	return cfg
}

func clientIndex(cfg *config.Config, name string) int {
	return slices.IndexFunc(cfg.Clients, func(c config.ClientConfig) bool { return c.Name == name })
}

// setRatePoint inserts p into a schedule kept strictly increasing in At,
// replacing a point at the same instant. A point at time 0 sets the rate
// from the start.
func setRatePoint(s []config.RatePoint, p config.RatePoint) []config.RatePoint {
	i, found := slices.BinarySearchFunc(s, p.At, func(q config.RatePoint, at time.Duration) int {
		return cmp.Compare(q.At, at)
	})
	if found {
		s[i] = p
		return s
	}
	return slices.Insert(s, i, p)
}

// rateAt returns the scheduled base rate of an open client at t (calls/s),
// following steps and ramps like the models do.
func rateAt(c *config.ClientConfig, t time.Duration) float64 {
	prevAt, prevRate := time.Duration(0), c.Rate
	for _, p := range c.Schedule {
		if t < p.At {
			if p.Ramp && p.At > prevAt {
				f := float64(t-prevAt) / float64(p.At-prevAt)
				return prevRate + (p.Rate-prevRate)*f
			}
			return prevRate
		}
		prevAt, prevRate = p.At, p.Rate
	}
	return prevRate
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
