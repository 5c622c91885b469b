package strategies

import (
	"math/rand/v2"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// AdaptiveThrottleConfig configures an AdaptiveThrottle.
type AdaptiveThrottleConfig struct {
	// K is the multiplier on accepts: in [1, 100]. Lower throttles more
	// aggressively.
	K float64
	// Window is the length of history kept: in [1ms, 24h].
	Window time.Duration
	// Buckets is the number of buckets the window is kept in: in [1, 10000],
	// and Window/Buckets must be a whole number of nanoseconds >= 1µs.
	Buckets int
	// CountLocalRejects counts requests the throttle itself rejected in
	// requests (the book's reading, see AdaptiveThrottle).
	CountLocalRejects bool
}

// DefaultAdaptiveThrottleConfig returns the SRE book's values (REFERENCES
// §5): K = 2 over the last 2 minutes, kept here in 120 one-second buckets,
// counting locally rejected requests.
func DefaultAdaptiveThrottleConfig() AdaptiveThrottleConfig {
	return AdaptiveThrottleConfig{K: 2, Window: 2 * time.Minute, Buckets: 120, CountLocalRejects: true}
}

// AdaptiveThrottle is client-side adaptive throttling from the Google SRE
// book, chapter 21 "Handling Overload" (REFERENCES §5). Over the last Window
// it counts requests (attempted by the application) and accepts (requests
// the backend accepted) and rejects each new request locally with
// probability
//
//	P_reject = max(0, (requests − K·accepts) / (requests + 1))
//
// so that in steady state about K·accepts requests reach a backend that is
// rejecting.
//
// Whether requests rejected locally count in requests: the book's text was
// not readable here [NV]. Secondary sources say "requests attempted by the
// application layer"; grpc-go's adaptive throttler for RLS
// (balancer/rls/internal/adaptive) does count its own local rejections, and
// the book's intuition (local rejections keep the probability up) needs it.
// CountLocalRejects selects the behaviour; the default counts them.
//
// Call Allow before each request and OnAccept when the backend accepts one
// (any response that is not an overload rejection). Windows are rings of
// fixed buckets. The zero AdaptiveThrottle is not usable; call
// NewAdaptiveThrottle.
type AdaptiveThrottle struct {
	k           float64
	countReject bool
	ring        bucketRing // 0: requests, 1: accepts
}

// NewAdaptiveThrottle validates cfg and returns a throttle with no history.
func NewAdaptiveThrottle(cfg AdaptiveThrottleConfig) (*AdaptiveThrottle, error) {
	const s = "adaptive throttle"
	if !(cfg.K >= 1 && cfg.K <= 100) {
		return nil, cfgErr(s, "K", "in [1, 100]", cfg.K)
	}
	if cfg.Window < time.Millisecond || cfg.Window > 24*time.Hour {
		return nil, cfgErr(s, "Window", "in [1ms, 24h]", cfg.Window)
	}
	if err := validBuckets(s, cfg.Window, cfg.Buckets); err != nil {
		return nil, err
	}
	return &AdaptiveThrottle{k: cfg.K, countReject: cfg.CountLocalRejects, ring: newBucketRing(cfg.Window, cfg.Buckets)}, nil
}

func validBuckets(s string, window time.Duration, buckets int) error {
	if buckets < 1 || buckets > 10000 {
		return cfgErr(s, "Buckets", "in [1, 10000]", buckets)
	}
	if window%time.Duration(buckets) != 0 || window/time.Duration(buckets) < time.Microsecond {
		return cfgErr(s, "Buckets", "a divisor of Window giving buckets of at least 1µs", buckets)
	}
	return nil
}

// Allow decides whether a request may be sent now, drawing from r only when
// the rejection probability is positive, and counts it in requests.
func (t *AdaptiveThrottle) Allow(now sim.Time, r *rand.Rand) bool {
	p := t.RejectProbability(now)
	ok := p <= 0 || r.Float64() >= p
	if ok || t.countReject {
		t.ring.add(now, 0, 1)
	}
	return ok
}

// OnAccept counts one request accepted by the backend.
func (t *AdaptiveThrottle) OnAccept(now sim.Time) { t.ring.add(now, 1, 1) }

// RejectProbability returns P_reject at now.
func (t *AdaptiveThrottle) RejectProbability(now sim.Time) float64 {
	s := t.ring.sum(now)
	req, acc := float64(s[0]), float64(s[1])
	return max(0, (req-t.k*acc)/(req+1))
}

// Requests returns the requests counted in the window at now.
func (t *AdaptiveThrottle) Requests(now sim.Time) int64 { return t.ring.sum(now)[0] }

// Accepts returns the accepts counted in the window at now.
func (t *AdaptiveThrottle) Accepts(now sim.Time) int64 { return t.ring.sum(now)[1] }

// ThrottleSpec is client-side adaptive throttling (Google SRE book,
// "Handling Overload"): over the last Window the client counts the
// requests it attempted and those the backend accepted, and rejects a new
// attempt locally (throttled) with probability
// max(0, (requests - K x accepts) / (requests + 1)).
type ThrottleSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// K is the multiplier on accepts, in [1, 100]. Zero means 2.
	K float64 `toml:"k"`
	// Window is the history kept. Zero means 2m.
	Window time.Duration `toml:"window"`
	// Buckets is the number of buckets the window is kept in (a divisor
	// of Window). Zero means 100.
	Buckets int `toml:"buckets"`
	// CountLocalRejects counts the attempts the throttle rejected in
	// requests (the book's reading). nil means true.
	CountLocalRejects *bool `toml:"count_local_rejects"`
}

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (t *ThrottleSpec) ApplyDefaults() {
	d := DefaultAdaptiveThrottleConfig()
	if t.K == 0 {
		t.K = d.K
	}
	if t.Window == 0 {
		t.Window = d.Window
	}
	setInt(&t.Buckets, 100)
	if t.CountLocalRejects == nil {
		t.CountLocalRejects = &d.CountLocalRejects
	}
}

// Config returns the strategy's configuration, checked by building the
// strategy; an error is a *FieldError naming the key at fault.
func (t *ThrottleSpec) Config() (AdaptiveThrottleConfig, error) {
	cfg := AdaptiveThrottleConfig{K: t.K, Window: t.Window, Buckets: t.Buckets, CountLocalRejects: t.CountLocalRejects == nil || *t.CountLocalRejects}
	_, err := NewAdaptiveThrottle(cfg)
	return cfg, AsFieldError(err, map[string]string{"K": "k", "Window": "window", "Buckets": "buckets"})
}

// Validate checks every key (after ApplyDefaults).
func (t *ThrottleSpec) Validate() error { _, err := t.Config(); return err }

// Clone returns a copy of t that shares nothing with it (nil for nil).
func (t *ThrottleSpec) Clone() *ThrottleSpec {
	if t == nil {
		return nil
	}
	c := *t
	c.CountLocalRejects = clonePtr(t.CountLocalRejects)
	return &c
}

// Key returns the table's scenario key, "throttle".
func (*ThrottleSpec) Key() string { return "throttle" }

// New returns the throttle t configures.
func (t *ThrottleSpec) New() (*AdaptiveThrottle, error) {
	cfg, err := t.Config()
	if err != nil {
		return nil, err
	}
	return NewAdaptiveThrottle(cfg)
}
