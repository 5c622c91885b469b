package strategies

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// HedgeMode is how a Hedger picks its delay. The zero HedgeMode is
// HedgeFixed.
type HedgeMode uint8

// The hedge modes.
const (
	HedgeFixed      HedgeMode = iota // a fixed delay
	HedgePercentile                  // a percentile of recent latency
)

var hedgeModeNames = [...]string{"fixed", "percentile"}

// String returns "fixed" or "percentile".
func (m HedgeMode) String() string {
	if int(m) < len(hedgeModeNames) {
		return hedgeModeNames[m]
	}
	return fmt.Sprintf("hedgemode(%d)", uint8(m))
}

// ParseHedgeMode returns the HedgeMode named s.
func ParseHedgeMode(s string) (HedgeMode, error) {
	for i, n := range hedgeModeNames {
		if n == s {
			return HedgeMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown hedge mode %q: valid are fixed, percentile", s)
}

// HedgeConfig configures a Hedger.
type HedgeConfig struct {
	// Mode is how the delay is chosen.
	Mode HedgeMode
	// Delay is the hedge delay in fixed mode, and the delay used in
	// percentile mode until MinSamples latencies are known: in [0, 1h] (0
	// sends every copy at once, like gRPC's hedgingDelay "0s").
	Delay time.Duration
	// Percentile is the latency percentile used as the delay in percentile
	// mode: in (0, 100). Unused in fixed mode.
	Percentile float64
	// Window is how much latency history percentile mode keeps: in [1ms,
	// 24h]. Unused in fixed mode.
	Window time.Duration
	// MinSamples is the number of latencies percentile mode needs before it
	// trusts its estimate: in [1, 1e9]. Unused in fixed mode.
	MinSamples int
	// MaxAttempts is the total number of copies, the original included: in
	// [2, 10] (gRPC's hedgingPolicy maxAttempts, capped at 5 by default).
	MaxAttempts int
	// CancelOthers cancels the outstanding copies when the first reply
	// arrives.
	CancelOthers bool
}

// DefaultHedgeConfig returns Dean & Barroso's recommendation (REFERENCES
// §12): hedge once at the 95th-percentile latency and cancel the loser.
// The paper gives no window or sample minimum; those (1 minute, 100
// samples) and the 10 ms starting delay (the delay of the paper's BigTable
// benchmark) are this package's choices.
func DefaultHedgeConfig() HedgeConfig {
	return HedgeConfig{Mode: HedgePercentile, Delay: 10 * time.Millisecond, Percentile: 95,
		Window: time.Minute, MinSamples: 100, MaxAttempts: 2, CancelOthers: true}
}

// Hedger is a hedged-request policy (Dean & Barroso, "The Tail at Scale",
// CACM 56(2), 2013, REFERENCES §12; gRPC hedgingPolicy, gRFC A6, §2): after
// a call has been outstanding for Delay(now) with no reply, send another
// copy, up to MaxAttempts copies in all, one every delay; the first reply
// wins and, if CancelOthers, the rest are cancelled. In percentile mode the
// delay tracks the Percentile of the latencies passed to Observe over about
// the last Window (a fixed-size log-bucket sketch, ±2%; the estimate is
// recomputed at most once per Window/128 of virtual time).
//
// What to Observe: Dean and Barroso hedge "after the first request has
// been outstanding for more than the 95th-percentile expected latency for
// this class of requests", which "limits the additional load to
// approximately 5%": the percentile of the latency a request would have
// without its hedge. So observe every primary copy (a first attempt or a
// retry, never a hedge) exactly once: at its answer, or, when its
// timeout, its deadline or another copy's success ended it first, at the
// time it had been out, a lower bound on its latency. A primary is given
// up for its hedge's success only after the delay, so these lower bounds
// lie above the percentile being estimated and count on the right side
// of it: about 1 - Percentile/100 of the calls are hedged. Observing only
// the attempts that come back leaves out exactly the slow originals that
// lost to their hedge, underestimates the percentile and hedges about 1.3
// times too often. Hedge copies are left out: one is cancelled when its
// original wins, after any time at all, so its lower bound may fall
// below the percentile. (gRPC's hedgingPolicy has a fixed hedgingDelay
// and estimates nothing.) Hedges add load
// exactly when a backend is slow; gate them with a budget (e.g.
// TokenBucketBudget, as gRPC's retryThrottling does). The zero Hedger is
// not usable; call NewHedger.
type Hedger struct {
	cfg      HedgeConfig
	q        float64
	sketch   *latencySketch
	cached   time.Duration
	cachedAt sim.Time // -1 before the first estimate
	refresh  time.Duration
}

// NewHedger validates cfg and returns a Hedger with no history.
func NewHedger(cfg HedgeConfig) (*Hedger, error) {
	const s = "hedge"
	if cfg.Mode > HedgePercentile {
		return nil, cfgErr(s, "Mode", "fixed or percentile", cfg.Mode)
	}
	if cfg.Delay < 0 || cfg.Delay > time.Hour {
		return nil, cfgErr(s, "Delay", "in [0, 1h]", cfg.Delay)
	}
	if cfg.MaxAttempts < 2 || cfg.MaxAttempts > 10 {
		return nil, cfgErr(s, "MaxAttempts", "in [2, 10]", cfg.MaxAttempts)
	}
	h := &Hedger{cfg: cfg}
	if cfg.Mode == HedgePercentile {
		if !(cfg.Percentile > 0 && cfg.Percentile < 100) {
			return nil, cfgErr(s, "Percentile", "in (0, 100)", cfg.Percentile)
		}
		if cfg.Window < time.Millisecond || cfg.Window > 24*time.Hour {
			return nil, cfgErr(s, "Window", "in [1ms, 24h]", cfg.Window)
		}
		if cfg.MinSamples < 1 || cfg.MinSamples > 1e9 {
			return nil, cfgErr(s, "MinSamples", "in [1, 1e9]", cfg.MinSamples)
		}
		h.q = cfg.Percentile / 100
		h.sketch = &latencySketch{half: cfg.Window / 2}
		h.refresh = cfg.Window / 128
		h.cached = cfg.Delay
		h.cachedAt = -1
	}
	return h, nil
}

// Observe records the latency of a primary copy, or the time it had been
// out when it was given up (see Hedger). It does nothing in fixed mode.
func (h *Hedger) Observe(now sim.Time, latency time.Duration) {
	if h.sketch == nil {
		return
	}
	h.sketch.record(now, latency)
}

// Delay returns how long to wait, after the previous copy was sent, before
// sending the next one.
func (h *Hedger) Delay(now sim.Time) time.Duration {
	if h.sketch == nil {
		return h.cfg.Delay
	}
	if h.cachedAt < 0 || now < h.cachedAt || now.Sub(h.cachedAt) >= h.refresh {
		if h.sketch.count(now) >= uint64(h.cfg.MinSamples) {
			h.cached = h.sketch.quantile(now, h.q)
		} else {
			h.cached = h.cfg.Delay
		}
		h.cachedAt = now
	}
	return h.cached
}

// MaxAttempts returns the total number of copies allowed per call.
func (h *Hedger) MaxAttempts() int { return h.cfg.MaxAttempts }

// CancelOthers reports whether outstanding copies are cancelled when the
// first reply arrives.
func (h *Hedger) CancelOthers() bool { return h.cfg.CancelOthers }

// ShouldHedge reports whether another copy may be sent when sent copies are
// already out and none has replied.
func (h *Hedger) ShouldHedge(sent int) bool { return sent < h.cfg.MaxAttempts }

// HedgeSpec is hedged requests (Dean & Barroso, "The Tail at Scale"):
// after a call's copy has been out for the hedge delay with no answer, the
// caller sends another copy, up to MaxAttempts copies; the first answer
// wins. The delay is fixed (Delay) or a percentile of recent attempt
// latencies (Percentile).
type HedgeSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Delay is the fixed hedge delay, or, with Percentile, the delay used
	// until MinSamples latencies are known. Zero means 10ms.
	Delay time.Duration `toml:"delay"`
	// Percentile makes the delay this percentile of the latencies of the
	// edge's attempts over Window, in (0, 100). Zero means fixed Delay if
	// Delay is set, else 95.
	Percentile float64 `toml:"percentile"`
	// Window is the latency history (percentile). Zero means 1m.
	Window time.Duration `toml:"window"`
	// MinSamples is the latencies needed before the percentile is used.
	// Zero means 100.
	MinSamples int `toml:"min_samples"`
	// MaxAttempts is the copies per call, the first included, in [2, 10].
	// Zero means 2.
	MaxAttempts int `toml:"max_attempts"`
	// Cancel cancels the other copies when the call ends: a copy still
	// queued at a service is removed, one not yet arrived is dropped on
	// arrival; one in service runs to the end (wasted work). nil means
	// true.
	Cancel *bool `toml:"cancel"`
}

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (h *HedgeSpec) ApplyDefaults() {
	d := DefaultHedgeConfig()
	if h.Percentile == 0 && h.Delay == 0 {
		h.Percentile = d.Percentile
	}
	if h.Delay == 0 {
		h.Delay = d.Delay
	}
	if h.Percentile > 0 {
		if h.Window == 0 {
			h.Window = d.Window
		}
		setInt(&h.MinSamples, d.MinSamples)
	}
	setInt(&h.MaxAttempts, d.MaxAttempts)
	if h.Cancel == nil {
		h.Cancel = &d.CancelOthers
	}
}

// Config returns the strategy's configuration, checked by building the
// strategy; an error is a *FieldError naming the key at fault.
func (h *HedgeSpec) Config() (HedgeConfig, error) {
	cfg := HedgeConfig{Mode: HedgeFixed, Delay: h.Delay, MaxAttempts: h.MaxAttempts, CancelOthers: h.Cancel == nil || *h.Cancel}
	if h.Percentile != 0 {
		cfg.Mode, cfg.Percentile, cfg.Window, cfg.MinSamples = HedgePercentile, h.Percentile, h.Window, h.MinSamples
	} else if h.Window != 0 || h.MinSamples != 0 {
		return cfg, &FieldError{Path: "window", Msg: "window and min_samples are for a percentile delay (percentile)"}
	}
	_, err := NewHedger(cfg)
	return cfg, AsFieldError(err, map[string]string{"Delay": "delay", "Percentile": "percentile", "Window": "window",
		"MinSamples": "min_samples", "MaxAttempts": "max_attempts"})
}

// Validate checks every key (after ApplyDefaults).
func (h *HedgeSpec) Validate() error { _, err := h.Config(); return err }

// Clone returns a copy of h that shares nothing with it (nil for nil).
func (h *HedgeSpec) Clone() *HedgeSpec {
	if h == nil {
		return nil
	}
	c := *h
	c.Cancel = clonePtr(h.Cancel)
	return &c
}

// Key returns the table's scenario key, "hedge".
func (*HedgeSpec) Key() string { return "hedge" }

// New returns the hedger h configures.
func (h *HedgeSpec) New() (*Hedger, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	return NewHedger(cfg)
}
