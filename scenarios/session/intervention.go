package session

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/scenarios/format"
)

// Kind is what an intervention changes.
type Kind uint8

// Intervention kinds. Inject is a timeline event a running world takes
// from now on; the others are written where the scenario format keeps
// them (a rate schedule point, a client's keys, a strategy's table), so
// a Group re-runs its variants from the start with them.
const (
	// Inject adds a fault to the timeline (Fault).
	Inject Kind = iota + 1
	// SetRate sets an open or partly-open client's rate from At on: a
	// point of its rate schedule (Client, Rate).
	SetRate
	// SetTimeout sets a client's per-attempt timeout (Client, Timeout).
	// The scenario format has no timeline for it, so it applies to the
	// whole run.
	SetTimeout
	// SetRetries sets a client's retry attempts (Client, Attempts), for
	// the whole run like SetTimeout.
	SetRetries
	// SetStrategy turns a strategy on or off (Strategy, On), for the
	// whole run like SetTimeout: the scenario format has no timeline for
	// a strategy's configuration.
	SetStrategy
)

var kindNames = [...]string{Inject: "inject", SetRate: "set rate", SetTimeout: "set timeout",
	SetRetries: "set retries", SetStrategy: "set strategy"}

// String returns the kind's name ("inject", "set rate").
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "intervention kind " + strconv.Itoa(int(k))
}

// Intervention is one change made during a run, recorded so that the
// scenario with it written into its file replays the run.
type Intervention struct {
	Kind Kind
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

// String describes the intervention for a timeline and a saved file's
// comments ("0:12.5 slowdown api x4 for 10s").
func (iv Intervention) String() string {
	at := format.Clock(iv.At)
	switch iv.Kind {
	case Inject:
		return at + " " + DescribeFault(iv.Fault)
	case SetRate:
		return fmt.Sprintf("%s rate %s -> %s/s", at, iv.Client, format.ShortNumber(iv.Rate))
	case SetTimeout:
		t := "none"
		if iv.Timeout > 0 {
			t = format.ShortDuration(iv.Timeout)
		}
		return fmt.Sprintf("%s timeout %s -> %s (whole run)", at, iv.Client, t)
	case SetRetries:
		return fmt.Sprintf("%s attempts %s -> %d (whole run)", at, iv.Client, iv.Attempts)
	case SetStrategy:
		return fmt.Sprintf("%s %s %s (whole run)", at, iv.Strategy.Name, OnOff(iv.On))
	}
	return at + " ?"
}

// Spike is a load spike: every client's arrivals x factor, for d, from
// now (an Inject for Group.Apply).
func Spike(factor float64, d time.Duration) Intervention {
	return fault(config.FaultConfig{Kind: config.FaultLoadSpike, Target: "*", Factor: factor}, d)
}

// Slowdown is service target's service times x factor, for d, from now.
func Slowdown(target string, factor float64, d time.Duration) Intervention {
	return fault(config.FaultConfig{Kind: config.FaultSlowdown, Target: target, Factor: factor}, d)
}

// Pause is service target taking no work (a GC or VM pause), for d, from
// now.
func Pause(target string, d time.Duration) Intervention {
	return fault(config.FaultConfig{Kind: config.FaultPause, Target: target}, d)
}

// Outage is service target down for d from now: failing fast, or
// swallowing requests (blackHole) so that callers wait for their
// timeouts.
func Outage(target string, blackHole bool, d time.Duration) Intervention {
	mode := config.FailFast
	if blackHole {
		mode = config.BlackHole
	}
	return fault(config.FaultConfig{Kind: config.FaultOutage, Target: target, Mode: mode}, d)
}

// fault is the intervention injecting f, lasting d unless its kind is
// instantaneous.
func fault(f config.FaultConfig, d time.Duration) Intervention {
	if !f.Kind.Instantaneous() {
		f.For = d
	}
	return Intervention{Kind: Inject, Fault: f}
}

// DescribeFault says what a fault does in a few words ("slowdown api x4
// for 10s").
func DescribeFault(f config.FaultConfig) string {
	var what string
	switch f.Kind {
	case config.FaultLoadSpike:
		what = fmt.Sprintf("load spike x%s", format.ShortNumber(f.Factor))
		if f.Target != "*" {
			what += " " + f.Target
		}
	case config.FaultSlowdown:
		what = fmt.Sprintf("slowdown %s x%s", f.Target, format.ShortNumber(f.Factor))
	case config.FaultOutage:
		what = "outage " + f.Target
		if f.Mode == config.BlackHole {
			what = "black-hole outage " + f.Target
		}
	default:
		what = string(f.Kind) + " " + f.Target
	}
	if !f.Kind.Instantaneous() {
		what += " for " + format.ShortDuration(f.For)
	}
	return what
}

// OnOff says "on" or "off".
func OnOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// WithInterventions returns cfg with ivs applied in order, written where
// the scenario format keeps them: faults appended, rate changes as
// schedule points, timeouts and attempts as the clients', strategies as
// their tables. The result shares no slice with cfg.
func WithInterventions(cfg config.Config, ivs []Intervention) config.Config {
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

// RateAt returns the scheduled base rate of an open client at t (calls/s),
// following steps and ramps like the models do.
func RateAt(c *config.ClientConfig, t time.Duration) float64 {
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
