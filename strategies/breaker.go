package strategies

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// BreakerState is a circuit breaker's state. The zero BreakerState is
// Closed.
type BreakerState uint8

// The circuit breaker states (resilience4j's CLOSED, OPEN, HALF_OPEN).
const (
	Closed   BreakerState = iota // calls flow; outcomes are recorded
	Open                         // calls are rejected
	HalfOpen                     // a fixed number of trial calls flow
)

var breakerStateNames = [...]string{"closed", "open", "half_open"}

// String returns "closed", "open" or "half_open".
func (s BreakerState) String() string {
	if int(s) < len(breakerStateNames) {
		return breakerStateNames[s]
	}
	return fmt.Sprintf("breakerstate(%d)", uint8(s))
}

// WindowType is how a breaker's sliding window is measured. The zero
// WindowType is CountWindow.
type WindowType uint8

// The window types (resilience4j's SlidingWindowType).
const (
	CountWindow WindowType = iota // the last WindowSize calls
	TimeWindow                    // the last WindowSize seconds, one bucket per second
)

var windowTypeNames = [...]string{"count", "time"}

// String returns "count" or "time".
func (w WindowType) String() string {
	if int(w) < len(windowTypeNames) {
		return windowTypeNames[w]
	}
	return fmt.Sprintf("windowtype(%d)", uint8(w))
}

// ParseWindowType returns the WindowType named s ("count" or "time").
func ParseWindowType(s string) (WindowType, error) {
	for i, n := range windowTypeNames {
		if n == s {
			return WindowType(i), nil
		}
	}
	return 0, fmt.Errorf("unknown window type %q: valid are count, time", s)
}

// CircuitBreakerConfig configures a CircuitBreaker. Field names follow
// resilience4j's CircuitBreakerConfig.
type CircuitBreakerConfig struct {
	// FailureRateThreshold is the failure percentage at or above which the
	// breaker opens: in (0, 100].
	FailureRateThreshold float64
	// SlowCallRateThreshold is the slow-call percentage at or above which
	// the breaker opens: in (0, 100].
	SlowCallRateThreshold float64
	// SlowCallDuration is the latency above which a call is slow: > 0.
	SlowCallDuration time.Duration
	// Window is how the closed-state window is measured.
	Window WindowType
	// WindowSize is the window's length in calls (CountWindow) or in
	// seconds (TimeWindow): in [1, 100000].
	WindowSize int
	// MinimumCalls is the number of calls the window must hold before rates
	// are computed: in [1, 1e9]. For CountWindow it is clamped to WindowSize,
	// as in resilience4j.
	MinimumCalls int
	// OpenDuration is how long the breaker stays open: >= 1ms.
	OpenDuration time.Duration
	// HalfOpenCalls is the number of trial calls let through when half-open:
	// in [1, 1e6].
	HalfOpenCalls int
	// MaxHalfOpenWait is how long the breaker may stay half-open before it
	// reopens: >= 0, where 0 waits until every trial call has completed.
	MaxHalfOpenWait time.Duration
	// AutomaticHalfOpen makes the breaker half-open exactly when
	// OpenDuration has passed (resilience4j uses a timer for this); when
	// false it becomes half-open at the first Allow after that.
	AutomaticHalfOpen bool
}

// DefaultCircuitBreakerConfig returns resilience4j's CircuitBreakerConfig
// defaults (REFERENCES §6): failure rate 50%, slow-call rate 100% with slow
// above 60 s, count-based window of 100 calls, minimum 100 calls, open for
// 60 s, 10 half-open calls, no half-open limit, lazy half-open transition.
func DefaultCircuitBreakerConfig() CircuitBreakerConfig {
	return CircuitBreakerConfig{
		FailureRateThreshold:  50,
		SlowCallRateThreshold: 100,
		SlowCallDuration:      60 * time.Second,
		Window:                CountWindow,
		WindowSize:            100,
		MinimumCalls:          100,
		OpenDuration:          60 * time.Second,
		HalfOpenCalls:         10,
		MaxHalfOpenWait:       0,
		AutomaticHalfOpen:     false,
	}
}

// HystrixCircuitBreakerConfig returns Hystrix's defaults (REFERENCES §6,
// from HystrixCommandProperties, [S]) in this breaker's terms: a 10 s
// time-based window (10 buckets of 1 s), at least 20 requests, 50% errors,
// open for 5 s, then one trial request. Hystrix has no slow-call rate
// (slowness counts through its 1 s execution timeout, which the caller
// reports as a failure), so the slow-call threshold is set so it can never
// trip on its own: 100% of calls slower than 1000 hours. Hystrix's 500 ms
// health-snapshot delay is not modelled.
func HystrixCircuitBreakerConfig() CircuitBreakerConfig {
	return CircuitBreakerConfig{
		FailureRateThreshold:  50,
		SlowCallRateThreshold: 100,
		SlowCallDuration:      1000 * time.Hour,
		Window:                TimeWindow,
		WindowSize:            10,
		MinimumCalls:          20,
		OpenDuration:          5 * time.Second,
		HalfOpenCalls:         1,
		MaxHalfOpenWait:       0,
		AutomaticHalfOpen:     false,
	}
}

func validateRateWindow(s string, threshold float64, w WindowType, size, minCalls int) error {
	if !(threshold > 0 && threshold <= 100) {
		return cfgErr(s, "FailureRateThreshold", "in (0, 100]", threshold)
	}
	if w > TimeWindow {
		return cfgErr(s, "Window", "count or time", w)
	}
	if size < 1 || size > 100000 {
		return cfgErr(s, "WindowSize", "in [1, 100000]", size)
	}
	if minCalls < 1 || minCalls > 1e9 {
		return cfgErr(s, "MinimumCalls", "in [1, 1e9]", minCalls)
	}
	return nil
}

// CircuitBreaker is a client-side circuit breaker with resilience4j's
// semantics (resilience4j CircuitBreakerStateMachine and
// CircuitBreakerConfig, REFERENCES §6).
//
// Closed: every call is allowed and its outcome recorded in a sliding
// window (the last WindowSize calls, or the last WindowSize seconds). Once
// the window holds at least MinimumCalls calls, the breaker opens when the
// failure rate (failed/total·100) reaches FailureRateThreshold or the
// slow-call rate (calls slower than SlowCallDuration) reaches
// SlowCallRateThreshold. Rates are checked after each recorded outcome.
//
// Open: every call is rejected for OpenDuration; outcomes of calls allowed
// earlier are ignored. Then the breaker is half-open (at the first Allow
// after OpenDuration, or exactly then if AutomaticHalfOpen).
//
// Half-open: exactly HalfOpenCalls calls are allowed. Once that many
// outcomes have been recorded, the rates over them alone decide: at or above
// a threshold the breaker reopens, otherwise it closes with an empty
// window. If MaxHalfOpenWait > 0 and it passes first, the breaker reopens.
// As in resilience4j, an outcome is recorded in whatever state the breaker
// is in when it arrives, so a late outcome of a call allowed while closed
// counts as a trial.
//
// Call Allow before sending; if it returns true, call exactly one of
// OnSuccess or OnFailure when the attempt ends (a timeout is a failure).
// The zero CircuitBreaker is not usable; call NewCircuitBreaker.
type CircuitBreaker struct {
	cfg       CircuitBreakerConfig
	minCalls  int
	state     BreakerState
	since     sim.Time // when the current state was entered
	window    outcomeWindow
	permits   int // half-open: trial calls still to allow
	halfCalls int // half-open: outcomes recorded
	halfFails int
	halfSlows int
	opened    uint64 // transitions to Open, for metrics
}

// NewCircuitBreaker validates cfg and returns a closed breaker.
func NewCircuitBreaker(cfg CircuitBreakerConfig) (*CircuitBreaker, error) {
	const s = "circuit breaker"
	if err := validateRateWindow(s, cfg.FailureRateThreshold, cfg.Window, cfg.WindowSize, cfg.MinimumCalls); err != nil {
		return nil, err
	}
	if !(cfg.SlowCallRateThreshold > 0 && cfg.SlowCallRateThreshold <= 100) {
		return nil, cfgErr(s, "SlowCallRateThreshold", "in (0, 100]", cfg.SlowCallRateThreshold)
	}
	if cfg.SlowCallDuration <= 0 {
		return nil, cfgErr(s, "SlowCallDuration", "> 0", cfg.SlowCallDuration)
	}
	if cfg.OpenDuration < time.Millisecond {
		return nil, cfgErr(s, "OpenDuration", ">= 1ms", cfg.OpenDuration)
	}
	if cfg.HalfOpenCalls < 1 || cfg.HalfOpenCalls > 1e6 {
		return nil, cfgErr(s, "HalfOpenCalls", "in [1, 1e6]", cfg.HalfOpenCalls)
	}
	if cfg.MaxHalfOpenWait < 0 {
		return nil, cfgErr(s, "MaxHalfOpenWait", ">= 0", cfg.MaxHalfOpenWait)
	}
	b := &CircuitBreaker{cfg: cfg, minCalls: cfg.MinimumCalls, window: newOutcomeWindow(cfg.Window, cfg.WindowSize)}
	if cfg.Window == CountWindow {
		b.minCalls = min(b.minCalls, cfg.WindowSize)
	}
	return b, nil
}

// tick applies the time-driven transitions due at now. fromAllow is true
// when called from Allow, which performs the open -> half-open transition
// even when it is not automatic.
func (b *CircuitBreaker) tick(now sim.Time, fromAllow bool) {
	auto := b.cfg.AutomaticHalfOpen
	wait := b.cfg.MaxHalfOpenWait
	if auto && wait > 0 && b.state == Open {
		// Unattended, the breaker cycles open -> half-open -> open every
		// OpenDuration + MaxHalfOpenWait: skip whole cycles at once.
		cycle := b.cfg.OpenDuration + wait
		if k := now.Sub(b.since) / cycle; k > 0 {
			b.since = b.since.Add(k * cycle)
			b.opened += uint64(k)
		}
	}
	for {
		switch b.state {
		case Open:
			if !(fromAllow || auto) || now.Sub(b.since) < b.cfg.OpenDuration {
				return
			}
			at := now
			if auto {
				at = b.since.Add(b.cfg.OpenDuration)
			}
			b.toHalfOpen(at)
		case HalfOpen:
			if wait == 0 || now.Sub(b.since) < wait {
				return
			}
			b.toOpen(b.since.Add(wait))
		default:
			return
		}
	}
}

func (b *CircuitBreaker) toOpen(at sim.Time) {
	b.state, b.since = Open, at
	b.opened++
}

func (b *CircuitBreaker) toHalfOpen(at sim.Time) {
	b.state, b.since = HalfOpen, at
	b.permits = b.cfg.HalfOpenCalls
	b.halfCalls, b.halfFails, b.halfSlows = 0, 0, 0
}

func (b *CircuitBreaker) toClosed(at sim.Time) {
	b.state, b.since = Closed, at
	b.window.reset()
}

// Allow reports whether a call may be sent now (resilience4j's
// tryAcquirePermission). In half-open it uses up one trial permit.
func (b *CircuitBreaker) Allow(now sim.Time) bool {
	b.tick(now, true)
	switch b.state {
	case Closed:
		return true
	case HalfOpen:
		if b.permits > 0 {
			b.permits--
			return true
		}
	}
	return false
}

// OnSuccess records a successful call that took latency.
func (b *CircuitBreaker) OnSuccess(now sim.Time, latency time.Duration) {
	b.record(now, b.flags(false, latency))
}

// OnFailure records a failed call that took latency (for a timeout, the
// timeout).
func (b *CircuitBreaker) OnFailure(now sim.Time, latency time.Duration) {
	b.record(now, b.flags(true, latency))
}

func (b *CircuitBreaker) flags(failed bool, latency time.Duration) uint8 {
	var f uint8
	if failed {
		f |= outcomeFailed
	}
	if latency > b.cfg.SlowCallDuration {
		f |= outcomeSlow
	}
	return f
}

func (b *CircuitBreaker) record(now sim.Time, f uint8) {
	b.tick(now, false)
	switch b.state {
	case Closed:
		b.window.record(now, f)
		calls, fails, slows := b.window.snapshot(now)
		if calls >= b.minCalls && b.exceeded(calls, fails, slows) {
			b.toOpen(now)
		}
	case HalfOpen:
		b.halfCalls++
		b.halfFails += int(f & outcomeFailed)
		b.halfSlows += int(f&outcomeSlow) >> 1
		if b.halfCalls >= b.cfg.HalfOpenCalls {
			if b.exceeded(b.halfCalls, b.halfFails, b.halfSlows) {
				b.toOpen(now)
			} else {
				b.toClosed(now)
			}
		}
	}
}

func (b *CircuitBreaker) exceeded(calls, fails, slows int) bool {
	return float64(fails)*100/float64(calls) >= b.cfg.FailureRateThreshold ||
		float64(slows)*100/float64(calls) >= b.cfg.SlowCallRateThreshold
}

// State returns the breaker's state at now. It applies the open ->
// half-open transition only if AutomaticHalfOpen, so a lazy breaker reports
// Open until the next Allow, as resilience4j does.
func (b *CircuitBreaker) State(now sim.Time) BreakerState {
	b.tick(now, false)
	return b.state
}

// FailureRate returns the failure percentage over the current window (the
// trial calls when half-open), or -1 while fewer than the minimum number of
// calls have been recorded (resilience4j's convention).
func (b *CircuitBreaker) FailureRate(now sim.Time) float64 {
	calls, fails, _ := b.counts(now)
	if calls == 0 || (b.state != HalfOpen && calls < b.minCalls) {
		return -1
	}
	return float64(fails) * 100 / float64(calls)
}

// SlowCallRate is FailureRate for slow calls.
func (b *CircuitBreaker) SlowCallRate(now sim.Time) float64 {
	calls, _, slows := b.counts(now)
	if calls == 0 || (b.state != HalfOpen && calls < b.minCalls) {
		return -1
	}
	return float64(slows) * 100 / float64(calls)
}

func (b *CircuitBreaker) counts(now sim.Time) (calls, fails, slows int) {
	b.tick(now, false)
	if b.state == HalfOpen {
		return b.halfCalls, b.halfFails, b.halfSlows
	}
	return b.window.snapshot(now)
}

// Opened returns how many times the breaker has opened.
func (b *CircuitBreaker) Opened() uint64 { return b.opened }

// BreakerSpec is a circuit breaker on an edge, with resilience4j's
// semantics: closed, it records the outcome of every attempt in a sliding
// window and opens when the failure rate (or the slow-call rate) reaches
// its threshold over at least MinCalls; open, it fails attempts at once
// with breaker_open for OpenFor; then it lets Probes trial attempts
// through (half-open), whose outcomes decide between closing and
// reopening.
type BreakerSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Window is how the closed-state window is measured: count (the last
	// Size attempts) or time (the last Size seconds). Empty means count.
	Window string `toml:"window"`
	// Size is the window's length in attempts (count) or seconds (time).
	// Zero means 100.
	Size int `toml:"size"`
	// MinCalls is how many outcomes the window must hold before the
	// breaker can open. Zero means 100 (clamped to Size for count).
	MinCalls int `toml:"min_calls"`
	// FailureThreshold is the failure percentage at or above which the
	// breaker opens, in (0, 100]. Zero means 50.
	FailureThreshold float64 `toml:"failure_threshold"`
	// SlowThreshold is the slow-call percentage at or above which it
	// opens, in (0, 100]. Zero means 100.
	SlowThreshold float64 `toml:"slow_threshold"`
	// SlowCall is the latency above which an attempt counts as slow. Zero
	// means 60s.
	SlowCall time.Duration `toml:"slow_call"`
	// OpenFor is how long the breaker stays open. Zero means 60s.
	OpenFor time.Duration `toml:"open_for"`
	// Probes is the number of trial attempts let through half-open. Zero
	// means 10.
	Probes int `toml:"probes"`
	// MaxHalfOpen reopens a breaker whose probes have not all answered
	// after this long. Zero means wait for them.
	MaxHalfOpen time.Duration `toml:"max_half_open"`
	// AutoHalfOpen makes the breaker half-open exactly OpenFor after it
	// opened; otherwise at the first attempt after that (resilience4j's
	// default).
	AutoHalfOpen bool `toml:"auto_half_open"`
}

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (b *BreakerSpec) ApplyDefaults() {
	d := DefaultCircuitBreakerConfig()
	if b.Window == "" {
		b.Window = d.Window.String()
	}
	if b.Size == 0 {
		b.Size = d.WindowSize
	}
	if b.MinCalls == 0 {
		b.MinCalls = d.MinimumCalls
	}
	if b.FailureThreshold == 0 {
		b.FailureThreshold = d.FailureRateThreshold
	}
	if b.SlowThreshold == 0 {
		b.SlowThreshold = d.SlowCallRateThreshold
	}
	if b.SlowCall == 0 {
		b.SlowCall = d.SlowCallDuration
	}
	if b.OpenFor == 0 {
		b.OpenFor = d.OpenDuration
	}
	if b.Probes == 0 {
		b.Probes = d.HalfOpenCalls
	}
}

// Config returns the strategy's configuration, checked by building the
// strategy; an error is a *FieldError naming the key at fault.
func (b *BreakerSpec) Config() (CircuitBreakerConfig, error) {
	wt, err := ParseWindowType(b.Window)
	if err != nil {
		return CircuitBreakerConfig{}, &FieldError{Path: "window", Msg: "must be one of count, time, got " + quote(b.Window)}
	}
	cfg := CircuitBreakerConfig{FailureRateThreshold: b.FailureThreshold, SlowCallRateThreshold: b.SlowThreshold,
		SlowCallDuration: b.SlowCall, Window: wt, WindowSize: b.Size, MinimumCalls: b.MinCalls, OpenDuration: b.OpenFor,
		HalfOpenCalls: b.Probes, MaxHalfOpenWait: b.MaxHalfOpen, AutomaticHalfOpen: b.AutoHalfOpen}
	_, err = NewCircuitBreaker(cfg)
	return cfg, AsFieldError(err, breakerKeys)
}

var breakerKeys = map[string]string{"FailureRateThreshold": "failure_threshold", "SlowCallRateThreshold": "slow_threshold",
	"SlowCallDuration": "slow_call", "Window": "window", "WindowSize": "size", "MinimumCalls": "min_calls",
	"OpenDuration": "open_for", "HalfOpenCalls": "probes", "MaxHalfOpenWait": "max_half_open"}

// Validate checks every key (after ApplyDefaults).
func (b *BreakerSpec) Validate() error { _, err := b.Config(); return err }

// Key returns the table's scenario key, "breaker".
func (*BreakerSpec) Key() string { return "breaker" }

// New returns the breaker b configures.
func (b *BreakerSpec) New() (*CircuitBreaker, error) {
	cfg, err := b.Config()
	if err != nil {
		return nil, err
	}
	return NewCircuitBreaker(cfg)
}
