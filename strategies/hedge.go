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
// Observe the latency of every attempt that completes, so that the
// estimate reflects single attempts, not hedged calls. Hedges add load
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

// Observe records the latency of a completed attempt. It does nothing in
// fixed mode.
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
