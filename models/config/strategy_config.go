package config

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/strategies"
)

// The strategies' configuration, as scenario keys. Every strategy is off
// unless configured: retry by retry.attempts >= 2, every other one by the
// presence of its table (a nil pointer is off). Once a strategy is on, its
// keys left out take the defaults ApplyDefaults sets (docs/STRATEGIES.md
// lists them with their sources); Validate then checks every key by
// building the strategy, so that the ranges are those of strategies/.

// RetryConfig is a caller's retry policy on one edge: how many attempts in
// all, which failure reasons are retried, and the backoff between attempts
// (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog 2015;
// REFERENCES §1). The zero value makes one attempt (no retries).
type RetryConfig struct {
	// Attempts is the total number of attempts per call, the first
	// included: 0 or 1 never retries; at most 100.
	Attempts int `toml:"attempts"`
	// Backoff is how the wait grows with the failures so far: none,
	// constant, linear or exponential. Empty means exponential.
	Backoff string `toml:"backoff"`
	// Base is the first wait (constant: every wait). Zero means 5ms.
	Base time.Duration `toml:"base"`
	// Max caps the wait (linear, exponential). Zero means 2s.
	Max time.Duration `toml:"max"`
	// Multiplier is the growth per failure (exponential). Zero means 2.
	Multiplier float64 `toml:"multiplier"`
	// Jitter randomises the wait: none, full, equal or decorrelated
	// (exponential only). Empty means full (none when Backoff is none).
	Jitter string `toml:"jitter"`
	// On lists the failure reasons that are retried. Empty means
	// timeout, error, shed, rate_limited, queue_full, concurrency_limited,
	// dropped, loss, outage (strategies.DefaultRetryableReasons).
	On []string `toml:"on"`
}

// Enabled reports whether the policy retries at all.
func (r *RetryConfig) Enabled() bool { return r.Attempts >= 2 }

func (r *RetryConfig) applyDefaults() {
	if !r.Enabled() {
		return
	}
	if len(r.On) == 0 {
		r.On = strings.Split(strategies.DefaultRetryableReasons.String(), ",")
	}
	d := strategies.DefaultBackoffConfig()
	if r.Backoff == "" {
		r.Backoff = d.Kind.String()
	}
	if r.Backoff == strategies.BackoffNone.String() {
		if r.Jitter == "" {
			r.Jitter = strategies.JitterNone.String()
		}
		return
	}
	if r.Jitter == "" {
		r.Jitter = d.Jitter.String()
	}
	if r.Base == 0 {
		r.Base = d.Base
	}
	if r.Max == 0 && r.Backoff != strategies.BackoffConstant.String() {
		r.Max = max(d.Cap, r.Base)
	}
	if r.Multiplier == 0 && r.Backoff == strategies.BackoffExponential.String() {
		r.Multiplier = d.Multiplier
	}
}

// Policy returns the strategies' retry policy configuration.
func (r *RetryConfig) Policy() (strategies.RetryPolicyConfig, error) {
	kind, err := strategies.ParseBackoffKind(r.Backoff)
	if err != nil {
		return strategies.RetryPolicyConfig{}, &FieldError{Path: "backoff", Msg: "must be one of none, constant, linear, exponential, got " + quote(r.Backoff)}
	}
	jit, err := strategies.ParseJitter(r.Jitter)
	if err != nil {
		return strategies.RetryPolicyConfig{}, &FieldError{Path: "jitter", Msg: "must be one of none, full, equal, decorrelated, got " + quote(r.Jitter)}
	}
	var on strategies.ReasonSet
	for i, name := range r.On {
		rs, err := strategies.ParseReason(name)
		if err != nil || rs == strategies.ReasonOK {
			return strategies.RetryPolicyConfig{}, &FieldError{Path: fmt.Sprintf("on[%d]", i),
				Msg: fmt.Sprintf("%q is not a failure reason (valid: %s)", name, reasonNames())}
		}
		on = on.With(rs)
	}
	cfg := strategies.RetryPolicyConfig{MaxAttempts: r.Attempts, Retryable: on,
		Backoff: strategies.BackoffConfig{Kind: kind, Jitter: jit, Base: r.Base, Cap: r.Max, Multiplier: r.Multiplier}}
	if kind == strategies.BackoffConstant && cfg.Backoff.Cap == 0 {
		cfg.Backoff.Cap = r.Base
	}
	_, err = strategies.NewRetryPolicy(cfg)
	return cfg, mapConfigError(err, map[string]string{"MaxAttempts": "attempts", "Retryable": "on",
		"Kind": "backoff", "Jitter": "jitter", "Base": "base", "Cap": "max", "Multiplier": "multiplier"})
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func reasonNames() string {
	var ns []string
	for _, r := range strategies.Reasons() {
		ns = append(ns, r.String())
	}
	return strings.Join(ns, ", ")
}

// mapConfigError turns a *strategies.ConfigError into a *FieldError whose
// Path is the scenario key of the field (keys maps Go field names to
// keys), relative to the strategy's table; other errors pass through.
func mapConfigError(err error, keys map[string]string) error {
	if err == nil {
		return nil
	}
	var ce *strategies.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	key, ok := keys[ce.Field]
	if !ok {
		key = strings.ToLower(ce.Field)
	}
	return &FieldError{Path: key, Msg: fmt.Sprintf("must be %s, got %v", ce.Valid, ce.Got)}
}

// strat reports err (from a strategy's config) under the table at path.
func (v *validator) strat(path string, err error) {
	if err == nil {
		return
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		p := path
		if fe.Path != "" {
			if strings.HasPrefix(fe.Path, "[") {
				p += fe.Path
			} else {
				p += "." + fe.Path
			}
		}
		v.add(p, "%s", fe.Msg)
		return
	}
	v.add(path, "%v", err)
}

// BudgetConfig is a retry budget: it caps the retries (and hedges) of all
// the calls on one edge together, whatever each call's own attempts allow.
// Kind picks the style; each kind reads only its own keys.
type BudgetConfig struct {
	// Kind is token_bucket (gRPC retryThrottling, gRFC A6), ratio
	// (Finagle's RetryBudget) or quota (the AWS SDKs' retry quota).
	// Required.
	Kind string `toml:"kind"`
	// MaxTokens is the bucket's size and starting count (token_bucket:
	// zero means 10, at most 3 decimals; quota: zero means 500).
	MaxTokens float64 `toml:"max_tokens"`
	// TokenRatio is the tokens each successful attempt adds (token_bucket).
	// Zero means 0.1.
	TokenRatio float64 `toml:"token_ratio"`
	// TTL is how long a call's deposit counts (ratio). Zero means 10s.
	TTL time.Duration `toml:"ttl"`
	// MinRetriesPerS is the reserve of retries per second granted
	// whatever the traffic (ratio). nil means 10.
	MinRetriesPerS *int `toml:"min_retries_per_s"`
	// Percent is the retries allowed per 100 calls (ratio; Finagle's
	// percentCanRetry x 100). nil means 20.
	Percent *float64 `toml:"percent"`
	// RetryCost is what a retry takes from the quota (quota). Zero means 5.
	RetryCost float64 `toml:"retry_cost"`
	// TimeoutRetryCost is what a retry after a timeout takes (quota). Zero
	// means 10.
	TimeoutRetryCost float64 `toml:"timeout_retry_cost"`
	// NoRetryIncrement is what a call that succeeds at its first attempt
	// adds (quota). nil means 1.
	NoRetryIncrement *float64 `toml:"no_retry_increment"`
	// Refund returns a retry's cost when it succeeds (quota). nil means
	// true.
	Refund *bool `toml:"refund"`
}

// Budget kinds.
const (
	BudgetTokenBucket = "token_bucket"
	BudgetRatio       = "ratio"
	BudgetQuota       = "quota"
)

func (b *BudgetConfig) applyDefaults() {
	switch b.Kind {
	case BudgetTokenBucket:
		d := strategies.DefaultTokenBucketBudgetConfig()
		if b.MaxTokens == 0 {
			b.MaxTokens = d.MaxTokens
		}
		if b.TokenRatio == 0 {
			b.TokenRatio = d.TokenRatio
		}
	case BudgetRatio:
		d := strategies.DefaultRatioBudgetConfig()
		if b.TTL == 0 {
			b.TTL = d.TTL
		}
		if b.MinRetriesPerS == nil {
			b.MinRetriesPerS = &d.MinRetriesPerSec
		}
		if b.Percent == nil {
			p := d.PercentCanRetry * 100
			b.Percent = &p
		}
	case BudgetQuota:
		d := strategies.DefaultRetryQuotaConfig()
		if b.MaxTokens == 0 {
			b.MaxTokens = d.MaxTokens
		}
		if b.RetryCost == 0 {
			b.RetryCost = d.RetryCost
		}
		if b.TimeoutRetryCost == 0 {
			b.TimeoutRetryCost = d.TimeoutRetryCost
		}
		if b.NoRetryIncrement == nil {
			b.NoRetryIncrement = &d.NoRetryIncrement
		}
		if b.Refund == nil {
			b.Refund = &d.RefundOnRetrySuccess
		}
	}
}

// validate checks b (after applyDefaults): its kind, that it sets only
// its kind's keys, and every value, by building the strategy.
func (b *BudgetConfig) validate() error {
	type key struct {
		name string
		set  bool
	}
	var own []string
	all := []key{{"max_tokens", b.MaxTokens != 0}, {"token_ratio", b.TokenRatio != 0}, {"ttl", b.TTL != 0},
		{"min_retries_per_s", b.MinRetriesPerS != nil}, {"percent", b.Percent != nil}, {"retry_cost", b.RetryCost != 0},
		{"timeout_retry_cost", b.TimeoutRetryCost != 0}, {"no_retry_increment", b.NoRetryIncrement != nil}, {"refund", b.Refund != nil}}
	var err error
	switch b.Kind {
	case BudgetTokenBucket:
		own = []string{"max_tokens", "token_ratio"}
		_, err = strategies.NewTokenBucketBudget(strategies.TokenBucketBudgetConfig{MaxTokens: b.MaxTokens, TokenRatio: b.TokenRatio})
	case BudgetRatio:
		own = []string{"ttl", "min_retries_per_s", "percent"}
		_, err = strategies.NewRatioBudget(b.Ratio())
	case BudgetQuota:
		own = []string{"max_tokens", "retry_cost", "timeout_retry_cost", "no_retry_increment", "refund"}
		_, err = strategies.NewRetryQuota(b.Quota())
	case "":
		return &FieldError{Path: "kind", Msg: "is required: token_bucket, ratio or quota"}
	default:
		return &FieldError{Path: "kind", Msg: "must be one of token_bucket, ratio, quota, got " + quote(b.Kind)}
	}
	for _, k := range all {
		if k.set && !slices.Contains(own, k.name) {
			return &FieldError{Path: k.name, Msg: fmt.Sprintf("is not a key of a %s budget (its keys: %s)", b.Kind, strings.Join(own, ", "))}
		}
	}
	return mapConfigError(err, map[string]string{"MaxTokens": "max_tokens", "TokenRatio": "token_ratio", "TTL": "ttl",
		"MinRetriesPerSec": "min_retries_per_s", "PercentCanRetry": "percent", "RetryCost": "retry_cost",
		"TimeoutRetryCost": "timeout_retry_cost", "NoRetryIncrement": "no_retry_increment"})
}

// Ratio returns the strategies' ratio budget configuration.
func (b *BudgetConfig) Ratio() strategies.RatioBudgetConfig {
	c := strategies.RatioBudgetConfig{TTL: b.TTL}
	if b.MinRetriesPerS != nil {
		c.MinRetriesPerSec = *b.MinRetriesPerS
	}
	if b.Percent != nil {
		c.PercentCanRetry = *b.Percent / 100
	}
	return c
}

// Quota returns the strategies' retry quota configuration.
func (b *BudgetConfig) Quota() strategies.RetryQuotaConfig {
	c := strategies.RetryQuotaConfig{MaxTokens: b.MaxTokens, RetryCost: b.RetryCost, TimeoutRetryCost: b.TimeoutRetryCost}
	if b.NoRetryIncrement != nil {
		c.NoRetryIncrement = *b.NoRetryIncrement
	}
	if b.Refund != nil {
		c.RefundOnRetrySuccess = *b.Refund
	}
	return c
}

// BreakerConfig is a circuit breaker on an edge, with resilience4j's
// semantics: closed, it records the outcome of every attempt in a sliding
// window and opens when the failure rate (or the slow-call rate) reaches
// its threshold over at least MinCalls; open, it fails attempts at once
// with breaker_open for OpenFor; then it lets Probes trial attempts
// through (half-open), whose outcomes decide between closing and
// reopening.
type BreakerConfig struct {
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

func (b *BreakerConfig) applyDefaults() {
	d := strategies.DefaultCircuitBreakerConfig()
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

// Strategy returns the strategies' circuit breaker configuration.
func (b *BreakerConfig) Strategy() (strategies.CircuitBreakerConfig, error) {
	wt, err := strategies.ParseWindowType(b.Window)
	if err != nil {
		return strategies.CircuitBreakerConfig{}, &FieldError{Path: "window", Msg: "must be one of count, time, got " + quote(b.Window)}
	}
	cfg := strategies.CircuitBreakerConfig{FailureRateThreshold: b.FailureThreshold, SlowCallRateThreshold: b.SlowThreshold,
		SlowCallDuration: b.SlowCall, Window: wt, WindowSize: b.Size, MinimumCalls: b.MinCalls, OpenDuration: b.OpenFor,
		HalfOpenCalls: b.Probes, MaxHalfOpenWait: b.MaxHalfOpen, AutomaticHalfOpen: b.AutoHalfOpen}
	_, err = strategies.NewCircuitBreaker(cfg)
	return cfg, mapConfigError(err, breakerKeys)
}

var breakerKeys = map[string]string{"FailureRateThreshold": "failure_threshold", "SlowCallRateThreshold": "slow_threshold",
	"SlowCallDuration": "slow_call", "Window": "window", "WindowSize": "size", "MinimumCalls": "min_calls",
	"OpenDuration": "open_for", "HalfOpenCalls": "probes", "MaxHalfOpenWait": "max_half_open"}

// RetryBreakerConfig is a breaker that gates only retries (Brooker,
// "Fixing retries with token buckets and circuit breakers"): first
// attempts always go; a retry goes only while the failure rate of the
// edge's recent attempts is below FailureThreshold.
type RetryBreakerConfig struct {
	// FailureThreshold is the failure percentage at or above which retries
	// stop, in (0, 100]. Zero means 10.
	FailureThreshold float64 `toml:"failure_threshold"`
	// Window is count (the last Size attempts) or time (the last Size
	// seconds). Empty means count.
	Window string `toml:"window"`
	// Size is the window's length. Zero means 100.
	Size int `toml:"size"`
	// MinCalls is how many outcomes the window must hold before retries
	// can stop. Zero means 10.
	MinCalls int `toml:"min_calls"`
}

func (b *RetryBreakerConfig) applyDefaults() {
	d := strategies.DefaultRetryBreakerConfig()
	if b.FailureThreshold == 0 {
		b.FailureThreshold = d.FailureRateThreshold
	}
	if b.Window == "" {
		b.Window = d.Window.String()
	}
	if b.Size == 0 {
		b.Size = d.WindowSize
	}
	if b.MinCalls == 0 {
		b.MinCalls = d.MinimumCalls
	}
}

// Strategy returns the strategies' retry breaker configuration.
func (b *RetryBreakerConfig) Strategy() (strategies.RetryBreakerConfig, error) {
	wt, err := strategies.ParseWindowType(b.Window)
	if err != nil {
		return strategies.RetryBreakerConfig{}, &FieldError{Path: "window", Msg: "must be one of count, time, got " + quote(b.Window)}
	}
	cfg := strategies.RetryBreakerConfig{FailureRateThreshold: b.FailureThreshold, Window: wt, WindowSize: b.Size, MinimumCalls: b.MinCalls}
	_, err = strategies.NewRetryBreaker(cfg)
	return cfg, mapConfigError(err, breakerKeys)
}

// ThrottleConfig is client-side adaptive throttling (Google SRE book,
// "Handling Overload"): over the last Window the client counts the
// requests it attempted and those the backend accepted, and rejects a new
// attempt locally (throttled) with probability
// max(0, (requests - K x accepts) / (requests + 1)).
type ThrottleConfig struct {
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

func (t *ThrottleConfig) applyDefaults() {
	d := strategies.DefaultAdaptiveThrottleConfig()
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

// Strategy returns the strategies' adaptive throttle configuration.
func (t *ThrottleConfig) Strategy() (strategies.AdaptiveThrottleConfig, error) {
	cfg := strategies.AdaptiveThrottleConfig{K: t.K, Window: t.Window, Buckets: t.Buckets, CountLocalRejects: t.CountLocalRejects == nil || *t.CountLocalRejects}
	_, err := strategies.NewAdaptiveThrottle(cfg)
	return cfg, mapConfigError(err, map[string]string{"K": "k", "Window": "window", "Buckets": "buckets"})
}

// HedgeConfig is hedged requests (Dean & Barroso, "The Tail at Scale"):
// after a call's copy has been out for the hedge delay with no answer, the
// caller sends another copy, up to MaxAttempts copies; the first answer
// wins. The delay is fixed (Delay) or a percentile of recent attempt
// latencies (Percentile).
type HedgeConfig struct {
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

func (h *HedgeConfig) applyDefaults() {
	d := strategies.DefaultHedgeConfig()
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

// Strategy returns the strategies' hedge configuration.
func (h *HedgeConfig) Strategy() (strategies.HedgeConfig, error) {
	cfg := strategies.HedgeConfig{Mode: strategies.HedgeFixed, Delay: h.Delay, MaxAttempts: h.MaxAttempts, CancelOthers: h.Cancel == nil || *h.Cancel}
	if h.Percentile != 0 {
		cfg.Mode, cfg.Percentile, cfg.Window, cfg.MinSamples = strategies.HedgePercentile, h.Percentile, h.Window, h.MinSamples
	} else if h.Window != 0 || h.MinSamples != 0 {
		return cfg, &FieldError{Path: "window", Msg: "window and min_samples are for a percentile delay (percentile)"}
	}
	_, err := strategies.NewHedger(cfg)
	return cfg, mapConfigError(err, map[string]string{"Delay": "delay", "Percentile": "percentile", "Window": "window",
		"MinSamples": "min_samples", "MaxAttempts": "max_attempts"})
}

// BulkheadConfig is a client-side concurrency limit (resilience4j's
// Bulkhead): at most MaxInFlight calls on the edge at once; a call beyond
// that fails at once with concurrency_limited, or, with MaxWait, waits
// (at most MaxWaiting of them, in order) for a slot and fails if none
// frees up in time.
type BulkheadConfig struct {
	// MaxInFlight is the calls allowed at once, in [1, 1e6]. Zero means
	// 25.
	MaxInFlight int `toml:"max_in_flight"`
	// MaxWait is how long a call may wait for a slot, in [0, 1h]. Zero
	// fails fast.
	MaxWait time.Duration `toml:"max_wait"`
	// MaxWaiting is the calls that may wait at once (with MaxWait), in
	// [1, 1e6]. Zero means 1000000.
	MaxWaiting int `toml:"max_waiting"`
}

func (b *BulkheadConfig) applyDefaults() {
	setInt(&b.MaxInFlight, strategies.DefaultBulkheadConfig().MaxInFlight)
	if b.MaxWait > 0 {
		setInt(&b.MaxWaiting, 1_000_000)
	}
}

// Strategy returns the strategies' bulkhead configuration.
func (b *BulkheadConfig) Strategy() (strategies.BulkheadConfig, error) {
	cfg := strategies.BulkheadConfig{MaxInFlight: b.MaxInFlight, MaxWait: b.MaxWait, MaxWaiting: b.MaxWaiting}
	_, err := strategies.NewBulkhead(cfg)
	return cfg, mapConfigError(err, map[string]string{"MaxInFlight": "max_in_flight", "MaxWait": "max_wait", "MaxWaiting": "max_waiting"})
}

// applyDefaults fills the defaults of the strategies p turns on.
func (p *ClientPolicy) applyDefaults() {
	if p.Throttle != nil {
		p.Throttle.applyDefaults()
	}
	if p.Hedge != nil {
		p.Hedge.applyDefaults()
	}
	if p.Bulkhead != nil {
		p.Bulkhead.applyDefaults()
	}
	if p.Breaker != nil {
		p.Breaker.applyDefaults()
	}
	if p.RetryBreaker != nil {
		p.RetryBreaker.applyDefaults()
	}
	p.Retry.applyDefaults()
	if p.Budget != nil {
		p.Budget.applyDefaults()
	}
}

// Clone gives p its own copies of the tables it points to, so that
// ApplyDefaults on a copy of a Config leaves the original alone.
func (p *ClientPolicy) Clone() {
	p.Retry.On = slices.Clone(p.Retry.On)
	p.Budget = cloneBudget(p.Budget)
	p.Breaker = clonePtr(p.Breaker)
	p.RetryBreaker = clonePtr(p.RetryBreaker)
	if p.Throttle != nil {
		t := *p.Throttle
		t.CountLocalRejects = clonePtr(t.CountLocalRejects)
		p.Throttle = &t
	}
	if p.Hedge != nil {
		h := *p.Hedge
		h.Cancel = clonePtr(h.Cancel)
		p.Hedge = &h
	}
	p.Bulkhead = clonePtr(p.Bulkhead)
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

func cloneBudget(b *BudgetConfig) *BudgetConfig {
	if b == nil {
		return nil
	}
	c := *b
	c.MinRetriesPerS = clonePtr(b.MinRetriesPerS)
	c.Percent = clonePtr(b.Percent)
	c.NoRetryIncrement = clonePtr(b.NoRetryIncrement)
	c.Refund = clonePtr(b.Refund)
	return &c
}

// clientStrategies checks the strategies of the policy at path.
func (v *validator) clientStrategies(path string, p *ClientPolicy) {
	if p.Retry.Attempts < 0 || p.Retry.Attempts > 100 {
		v.add(path+".retry.attempts", "must be in [0, 100] (0 or 1: no retries), got %d", p.Retry.Attempts)
	} else if p.Retry.Enabled() {
		_, err := p.Retry.Policy()
		v.strat(path+".retry", err)
	}
	if p.Budget != nil {
		v.strat(path+".budget", p.Budget.validate())
	}
	if p.Priority != "" {
		if _, err := strategies.ParsePriority(p.Priority); err != nil {
			v.add(path+".priority", "must be one of sheddable, sheddable_plus, critical, critical_plus, got %q", p.Priority)
		}
	}
	if p.Breaker != nil {
		_, err := p.Breaker.Strategy()
		v.strat(path+".breaker", err)
	}
	if p.RetryBreaker != nil {
		_, err := p.RetryBreaker.Strategy()
		v.strat(path+".retry_breaker", err)
	}
	if p.Throttle != nil {
		_, err := p.Throttle.Strategy()
		v.strat(path+".throttle", err)
	}
	if p.Hedge != nil {
		_, err := p.Hedge.Strategy()
		v.strat(path+".hedge", err)
	}
	if p.Bulkhead != nil {
		_, err := p.Bulkhead.Strategy()
		v.strat(path+".bulkhead", err)
	}
}

// ShedConfig is load shedding at a service: a request arriving at a
// replica is rejected at once with shed when one of the configured
// signals is over its threshold. Set one or more.
type ShedConfig struct {
	// QueueLength sheds when the replica already has this many requests
	// waiting (below the queue's own limit, which answers queue_full).
	// Zero means off; else in [1, 1e9].
	QueueLength int `toml:"queue_length"`
	// Concurrency sheds when the replica already holds this many requests,
	// waiting and in service. Zero means off; else in [1, 1e9].
	Concurrency int `toml:"concurrency"`
	// Latency sheds while the queueing delay is above this. Zero means
	// off; else in [1µs, 1h].
	Latency time.Duration `toml:"latency"`
	// LatencySignal is the queueing delay compared with Latency: head_age
	// (how long the oldest waiting request has waited) or mean_sojourn
	// (the mean wait of the requests dequeued over LatencyWindow). Empty
	// means head_age.
	LatencySignal string `toml:"latency_signal"`
	// LatencyWindow is mean_sojourn's window (10 buckets). Zero means 1s.
	LatencyWindow time.Duration `toml:"latency_window"`
	// Priority sheds by criticality: a request of a class is shed when the
	// replica already holds that class's number of requests (waiting and
	// in service). nil means off.
	Priority *PriorityShed `toml:"priority"`
}

// PriorityShed holds, per criticality (the SRE book's, lowest first), the
// number of requests a replica may hold before it sheds that class. A
// class left out (zero) is shed at the limit of the next more critical
// class set, or never when none above it is set; the values set must not
// decrease with criticality.
type PriorityShed struct {
	Sheddable     int `toml:"sheddable"`
	SheddablePlus int `toml:"sheddable_plus"`
	Critical      int `toml:"critical"`
	CriticalPlus  int `toml:"critical_plus"`
}

func (sh *ShedConfig) applyDefaults() {
	if sh.Latency > 0 {
		if sh.LatencySignal == "" {
			sh.LatencySignal = strategies.SignalHeadAge.String()
		}
		if sh.LatencySignal == strategies.SignalMeanSojourn.String() && sh.LatencyWindow == 0 {
			sh.LatencyWindow = time.Second
		}
	}
}

// Thresholds returns the priority shedder's thresholds: a class left out
// takes the limit of the next more critical class set (it is shed no
// later than that one), and +Inf (never) when none is set above it.
func (p *PriorityShed) Thresholds() [strategies.NumPriorities]float64 {
	var th [strategies.NumPriorities]float64
	limits := [strategies.NumPriorities]int{p.Sheddable, p.SheddablePlus, p.Critical, p.CriticalPlus}
	cur := math.Inf(1)
	for i := strategies.NumPriorities - 1; i >= 0; i-- {
		if limits[i] > 0 {
			cur = float64(limits[i])
		}
		th[i] = cur
	}
	return th
}

func (sh *ShedConfig) validate() error {
	if sh.QueueLength == 0 && sh.Concurrency == 0 && sh.Latency == 0 && sh.Priority == nil {
		return &FieldError{Msg: "sets no signal: give queue_length, concurrency, latency or priority"}
	}
	if sh.QueueLength < 0 || sh.QueueLength > 1e9 {
		return &FieldError{Path: "queue_length", Msg: fmt.Sprintf("must be in [1, 1e9] (0: off), got %d", sh.QueueLength)}
	}
	if sh.Concurrency < 0 || sh.Concurrency > 1e9 {
		return &FieldError{Path: "concurrency", Msg: fmt.Sprintf("must be in [1, 1e9] (0: off), got %d", sh.Concurrency)}
	}
	if sh.Latency != 0 {
		if _, err := sh.LatencyShedder(); err != nil {
			return err
		}
	} else if sh.LatencySignal != "" || sh.LatencyWindow != 0 {
		return &FieldError{Path: "latency", Msg: "is required with latency_signal or latency_window"}
	}
	if p := sh.Priority; p != nil {
		for _, n := range []int{p.Sheddable, p.SheddablePlus, p.Critical, p.CriticalPlus} {
			if n < 0 || n > 1e9 {
				return &FieldError{Path: "priority", Msg: fmt.Sprintf("limits must be in [1, 1e9] (0: as the next more critical class), got %d", n)}
			}
		}
		_, err := strategies.NewPriorityShedder(strategies.PriorityShedderConfig{Thresholds: p.Thresholds()})
		if err != nil {
			return &FieldError{Path: "priority", Msg: "limits must not decrease from sheddable to critical_plus (a more critical class is shed last): " + err.Error()}
		}
	}
	return nil
}

// LatencyShedder returns the strategies' latency shedder configuration.
func (sh *ShedConfig) LatencyShedder() (strategies.LatencyShedderConfig, error) {
	sig, err := strategies.ParseLatencySignal(sh.LatencySignal)
	if err != nil {
		return strategies.LatencyShedderConfig{}, &FieldError{Path: "latency_signal", Msg: "must be one of head_age, mean_sojourn, got " + quote(sh.LatencySignal)}
	}
	cfg := strategies.LatencyShedderConfig{Signal: sig, MaxDelay: sh.Latency, Window: sh.LatencyWindow, Buckets: 10}
	if sig == strategies.SignalHeadAge && sh.LatencyWindow != 0 {
		return cfg, &FieldError{Path: "latency_window", Msg: "is for latency_signal = \"mean_sojourn\""}
	}
	_, err = strategies.NewLatencyShedder(cfg)
	return cfg, mapConfigError(err, map[string]string{"MaxDelay": "latency", "Window": "latency_window", "Buckets": "latency_window"})
}

// RateLimitConfig is a rate limiter at each replica of a service: a
// request over the rate is rejected at once with rate_limited. Each
// replica has its own limiter (a fleet of n replicas admits n times the
// rate; see DistributedRateLimitConfig for a shared limit).
type RateLimitConfig struct {
	// Kind is token_bucket (x/time/rate semantics), fixed_window or
	// sliding_window (Cloudflare's estimate). Required.
	Kind string `toml:"kind"`
	// Rate is the requests allowed per second. Required, in (0, 1e9].
	Rate float64 `toml:"rate"`
	// Burst is the token bucket's size (token_bucket). Zero means one
	// second of rate (at least 1).
	Burst int `toml:"burst"`
	// Window is the window's length (fixed_window, sliding_window); the
	// limit per window is Rate x Window (at least 1). Zero means 1s.
	Window time.Duration `toml:"window"`
	// Per is global (one limiter per replica for every caller) or client
	// (one per caller: each client or calling service's edge). Empty
	// means global.
	Per string `toml:"per"`
	// CountRejected counts rejected requests in the window too
	// (fixed_window, sliding_window), so a caller that keeps sending stays
	// limited.
	CountRejected bool `toml:"count_rejected"`
}

// Rate limiter kinds.
const (
	RateTokenBucket   = "token_bucket"
	RateFixedWindow   = "fixed_window"
	RateSlidingWindow = "sliding_window"
)

func (rl *RateLimitConfig) applyDefaults() {
	switch rl.Kind {
	case RateTokenBucket:
		if rl.Burst == 0 && rl.Rate > 0 && rl.Rate <= 1e9 {
			rl.Burst = max(1, int(math.Ceil(rl.Rate)))
		}
	case RateFixedWindow, RateSlidingWindow:
		if rl.Window == 0 {
			rl.Window = time.Second
		}
	}
	if rl.Per == "" {
		rl.Per = "global"
	}
}

// Limiter returns a new limiter for one replica (or one caller).
func (rl *RateLimitConfig) Limiter() (strategies.Allower, error) {
	switch rl.Kind {
	case RateTokenBucket:
		return strategies.NewTokenBucket(strategies.TokenBucketConfig{RatePerSec: rl.Rate, Burst: rl.Burst})
	case RateFixedWindow:
		return strategies.NewFixedWindow(rl.window())
	default:
		return strategies.NewSlidingWindow(rl.window())
	}
}

func (rl *RateLimitConfig) window() strategies.WindowLimiterConfig {
	return strategies.WindowLimiterConfig{Limit: max(1, int(math.Round(rl.Rate*rl.Window.Seconds()))), Window: rl.Window, CountRejected: rl.CountRejected}
}

func (rl *RateLimitConfig) validate() error {
	switch rl.Kind {
	case RateTokenBucket:
		if rl.Window != 0 || rl.CountRejected {
			return &FieldError{Path: "window", Msg: "window and count_rejected are for fixed_window and sliding_window"}
		}
	case RateFixedWindow, RateSlidingWindow:
		if rl.Burst != 0 {
			return &FieldError{Path: "burst", Msg: "is for token_bucket"}
		}
	case "":
		return &FieldError{Path: "kind", Msg: "is required: token_bucket, fixed_window or sliding_window"}
	default:
		return &FieldError{Path: "kind", Msg: "must be one of token_bucket, fixed_window, sliding_window, got " + quote(rl.Kind)}
	}
	if !(rl.Rate > 0 && rl.Rate <= 1e9) {
		return &FieldError{Path: "rate", Msg: fmt.Sprintf("must be in (0, 1e9] requests/s, got %v", rl.Rate)}
	}
	if rl.Per != "global" && rl.Per != "client" {
		return &FieldError{Path: "per", Msg: "must be one of global, client, got " + quote(rl.Per)}
	}
	_, err := rl.Limiter()
	return mapConfigError(err, map[string]string{"RatePerSec": "rate", "Burst": "burst", "Limit": "rate", "Window": "window"})
}

// DistributedRateLimitConfig is a rate limit shared by a service's
// replicas: Limit requests per Window in all, each replica admitting
// against its view of a shared counter that it syncs every SyncInterval
// (its own admissions since the last sync are all it sees of the others'
// progress). The staleness over-admits; the sync interval trades accuracy
// for coordination.
type DistributedRateLimitConfig struct {
	// Limit is the requests allowed per Window across all replicas.
	// Required, in [1, 1e9].
	Limit int `toml:"limit"`
	// Window is the rate window. Zero means 1s.
	Window time.Duration `toml:"window"`
	// SyncInterval is how often each replica syncs with the shared
	// counter. Required, in [1µs, 24h].
	SyncInterval time.Duration `toml:"sync_interval"`
	// Mode is stale_view (admit while the synced global count plus the
	// replica's own unsynced admissions is under Limit) or local_share
	// (each replica keeps to Limit/replicas on its own, no sync). Empty
	// means stale_view.
	Mode string `toml:"mode"`
}

func (d *DistributedRateLimitConfig) applyDefaults() {
	if d.Window == 0 {
		d.Window = time.Second
	}
	if d.Mode == "" {
		d.Mode = strategies.QuotaStaleView.String()
	}
}

// Strategy returns the strategies' shared quota configuration for a
// service of replicas replicas.
func (d *DistributedRateLimitConfig) Strategy(replicas int) (strategies.SharedQuotaConfig, error) {
	mode, err := strategies.ParseQuotaMode(d.Mode)
	if err != nil {
		return strategies.SharedQuotaConfig{}, &FieldError{Path: "mode", Msg: "must be one of stale_view, local_share, got " + quote(d.Mode)}
	}
	cfg := strategies.SharedQuotaConfig{Limit: d.Limit, Window: d.Window, Replicas: replicas, SyncInterval: d.SyncInterval, Mode: mode}
	_, err = strategies.NewSharedQuota(cfg)
	return cfg, mapConfigError(err, map[string]string{"Limit": "limit", "Window": "window", "SyncInterval": "sync_interval", "Replicas": "limit"})
}

// ConcurrencyLimitConfig is an adaptive concurrency limit at each replica
// of a service (Netflix concurrency-limits): a request is admitted only
// while fewer than the current limit are in the replica (waiting and in
// service), else rejected with concurrency_limited; the limit moves with
// the latency (and, for aimd, the failures) of the requests that leave.
// Kind picks the algorithm; each reads only its own keys.
type ConcurrencyLimitConfig struct {
	// Kind is aimd, vegas or gradient2. Required.
	Kind string `toml:"kind"`
	// Initial is the starting limit. Zero means 20.
	Initial int `toml:"initial"`
	// Min is the smallest limit (aimd, gradient2). Zero means 20.
	Min int `toml:"min"`
	// Max is the largest limit. Zero means 200 (aimd, gradient2) or 1000
	// (vegas).
	Max int `toml:"max"`
	// BackoffRatio multiplies the limit on a failure or a slow request
	// (aimd), in [0.5, 1). Zero means 0.9.
	BackoffRatio float64 `toml:"backoff_ratio"`
	// Timeout is the latency above which a request counts as a failure
	// (aimd). Zero means 5s.
	Timeout time.Duration `toml:"timeout"`
	// Smoothing is the weight of each new estimate (vegas, gradient2), in
	// (0, 1]. Zero means 1 (vegas) or 0.2 (gradient2).
	Smoothing float64 `toml:"smoothing"`
	// ProbeMultiplier sets how often vegas re-probes its no-load latency.
	// Zero means 30.
	ProbeMultiplier int `toml:"probe_multiplier"`
	// QueueSize is gradient2's headroom. nil means 4.
	QueueSize *int `toml:"queue_size"`
	// LongWindow is gradient2's long-term latency average, in samples.
	// Zero means 600.
	LongWindow int `toml:"long_window"`
	// RTTTolerance is how far the latency may exceed its long-term average
	// before gradient2 shrinks the limit, in [1, 100]. Zero means 1.5.
	RTTTolerance float64 `toml:"rtt_tolerance"`
}

// Concurrency limit kinds.
const (
	LimitAIMD      = "aimd"
	LimitVegas     = "vegas"
	LimitGradient2 = "gradient2"
)

func (cl *ConcurrencyLimitConfig) applyDefaults() {
	switch cl.Kind {
	case LimitAIMD:
		d := strategies.DefaultAIMDConfig()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Min, d.MinLimit)
		setInt(&cl.Max, d.MaxLimit)
		if cl.BackoffRatio == 0 {
			cl.BackoffRatio = d.BackoffRatio
		}
		if cl.Timeout == 0 {
			cl.Timeout = d.Timeout
		}
	case LimitVegas:
		d := strategies.DefaultVegasConfig()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Max, d.MaxConcurrency)
		if cl.Smoothing == 0 {
			cl.Smoothing = d.Smoothing
		}
		setInt(&cl.ProbeMultiplier, d.ProbeMultiplier)
	case LimitGradient2:
		d := strategies.DefaultGradient2Config()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Min, d.MinLimit)
		setInt(&cl.Max, d.MaxConcurrency)
		if cl.Smoothing == 0 {
			cl.Smoothing = d.Smoothing
		}
		if cl.QueueSize == nil {
			cl.QueueSize = &d.QueueSize
		}
		setInt(&cl.LongWindow, d.LongWindow)
		if cl.RTTTolerance == 0 {
			cl.RTTTolerance = d.RTTTolerance
		}
	}
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

// Algorithm returns the concurrency-limit algorithm cl configures; r
// draws vegas's probe jitter.
func (cl *ConcurrencyLimitConfig) Algorithm(r *rand.Rand) (strategies.ConcurrencyLimit, error) {
	keys := map[string]string{"InitialLimit": "initial", "MinLimit": "min", "MaxLimit": "max", "MaxConcurrency": "max",
		"BackoffRatio": "backoff_ratio", "Timeout": "timeout", "Smoothing": "smoothing", "ProbeMultiplier": "probe_multiplier",
		"QueueSize": "queue_size", "LongWindow": "long_window", "RTTTolerance": "rtt_tolerance"}
	switch cl.Kind {
	case LimitAIMD:
		a, err := strategies.NewAIMD(strategies.AIMDConfig{InitialLimit: cl.Initial, MinLimit: cl.Min, MaxLimit: cl.Max,
			BackoffRatio: cl.BackoffRatio, Timeout: cl.Timeout})
		return a, mapConfigError(err, keys)
	case LimitVegas:
		v, err := strategies.NewVegas(strategies.VegasConfig{InitialLimit: cl.Initial, MaxConcurrency: cl.Max,
			Smoothing: cl.Smoothing, ProbeMultiplier: cl.ProbeMultiplier}, r)
		return v, mapConfigError(err, keys)
	default:
		q := 0
		if cl.QueueSize != nil {
			q = *cl.QueueSize
		}
		g, err := strategies.NewGradient2(strategies.Gradient2Config{InitialLimit: cl.Initial, MinLimit: cl.Min,
			MaxConcurrency: cl.Max, Smoothing: cl.Smoothing, QueueSize: q, LongWindow: cl.LongWindow, RTTTolerance: cl.RTTTolerance})
		return g, mapConfigError(err, keys)
	}
}

func (cl *ConcurrencyLimitConfig) validate() error {
	type key struct {
		name string
		set  bool
	}
	all := []key{{"min", cl.Min != 0}, {"backoff_ratio", cl.BackoffRatio != 0}, {"timeout", cl.Timeout != 0},
		{"smoothing", cl.Smoothing != 0}, {"probe_multiplier", cl.ProbeMultiplier != 0}, {"queue_size", cl.QueueSize != nil},
		{"long_window", cl.LongWindow != 0}, {"rtt_tolerance", cl.RTTTolerance != 0}}
	var own []string
	switch cl.Kind {
	case LimitAIMD:
		own = []string{"min", "backoff_ratio", "timeout"}
	case LimitVegas:
		own = []string{"smoothing", "probe_multiplier"}
	case LimitGradient2:
		own = []string{"min", "smoothing", "queue_size", "long_window", "rtt_tolerance"}
	case "":
		return &FieldError{Path: "kind", Msg: "is required: aimd, vegas or gradient2"}
	default:
		return &FieldError{Path: "kind", Msg: "must be one of aimd, vegas, gradient2, got " + quote(cl.Kind)}
	}
	for _, k := range all {
		if k.set && !slices.Contains(own, k.name) {
			return &FieldError{Path: k.name, Msg: fmt.Sprintf("is not a key of a %s limit (its keys: initial, max, %s)", cl.Kind, strings.Join(own, ", "))}
		}
	}
	_, err := cl.Algorithm(rand.New(rand.NewPCG(0, 0)))
	return err
}

// applyDefaults fills the defaults of the server-side strategies s turns
// on, and of its queue discipline.
func (s *ServiceConfig) applyStrategyDefaults() {
	q := &s.Queue
	switch q.Order {
	case CoDel:
		d := strategies.DefaultCoDelConfig()
		if q.CoDelVariant == "" {
			q.CoDelVariant = CoDelRFC
		}
		if q.Target == 0 {
			q.Target = d.Target
		}
		if q.Interval == 0 {
			q.Interval = d.Interval
		}
	case ControlledDelay:
		d := strategies.DefaultControlledDelayConfig()
		if q.Target == 0 {
			q.Target = d.Short
		}
		if q.Interval == 0 {
			q.Interval = d.Window
		}
	case AdaptiveLIFO:
		if q.LIFOAfter == 0 {
			q.LIFOAfter = strategies.DefaultAdaptiveLIFOConfig().After
		}
	}
	if s.Shed != nil {
		s.Shed.applyDefaults()
	}
	if s.RateLimit != nil {
		s.RateLimit.applyDefaults()
	}
	if s.DistributedRateLimit != nil {
		s.DistributedRateLimit.applyDefaults()
	}
	if s.ConcurrencyLimit != nil {
		s.ConcurrencyLimit.applyDefaults()
	}
}

// CloneStrategies gives s its own copies of its strategy tables.
func (s *ServiceConfig) CloneStrategies() {
	if s.Shed != nil {
		sh := *s.Shed
		sh.Priority = clonePtr(sh.Priority)
		s.Shed = &sh
	}
	s.RateLimit = clonePtr(s.RateLimit)
	s.DistributedRateLimit = clonePtr(s.DistributedRateLimit)
	if s.ConcurrencyLimit != nil {
		cl := *s.ConcurrencyLimit
		cl.QueueSize = clonePtr(cl.QueueSize)
		s.ConcurrencyLimit = &cl
	}
}

// serviceStrategies checks the queue discipline and the server-side
// strategies of the service at path p.
func (v *validator) serviceStrategies(p string, s *ServiceConfig) {
	q := &s.Queue
	switch q.Order {
	case FIFO, LIFO, AdaptiveLIFO, CoDel, ControlledDelay:
	default:
		v.add(p+".queue.order", "must be one of fifo, lifo, adaptive_lifo, codel, controlled_delay, got %q", q.Order)
	}
	if q.Order == CoDel {
		var err error
		switch q.CoDelVariant {
		case CoDelRFC:
			_, err = strategies.NewCoDel(strategies.CoDelConfig{Target: q.Target, Interval: q.Interval, NearlyEmpty: 1})
		case CoDelFolly:
			_, err = strategies.NewFollyCoDel(strategies.FollyCoDelConfig{Target: q.Target, Interval: q.Interval})
		default:
			v.add(p+".queue.codel_variant", "must be one of rfc, folly, got %q", q.CoDelVariant)
		}
		v.strat(p+".queue", mapConfigError(err, map[string]string{"Target": "target", "Interval": "interval"}))
	} else if q.Order == ControlledDelay {
		_, err := strategies.NewControlledDelay(strategies.ControlledDelayConfig{Short: q.Target, Window: q.Interval})
		v.strat(p+".queue", mapConfigError(err, map[string]string{"Short": "target", "Window": "interval"}))
		if q.CoDelVariant != "" {
			v.add(p+".queue.codel_variant", "is for order = \"codel\"")
		}
	} else if q.Target != 0 || q.Interval != 0 || q.CoDelVariant != "" {
		v.add(p+".queue.target", "target, interval and codel_variant are for order = \"codel\" (target and interval also for \"controlled_delay\")")
	}
	if q.Order == AdaptiveLIFO {
		_, err := strategies.NewAdaptiveLIFO(strategies.AdaptiveLIFOConfig{Threshold: q.LIFOThreshold, After: q.LIFOAfter})
		v.strat(p+".queue", mapConfigError(err, map[string]string{"Threshold": "lifo_threshold", "After": "lifo_after"}))
	} else if q.LIFOAfter != 0 || q.LIFOThreshold != 0 {
		v.add(p+".queue.lifo_after", "lifo_after and lifo_threshold are for order = \"adaptive_lifo\"")
	}
	if s.Shed != nil {
		v.strat(p+".shed", s.Shed.validate())
	}
	if s.RateLimit != nil {
		v.strat(p+".rate_limit", s.RateLimit.validate())
	}
	if d := s.DistributedRateLimit; d != nil {
		_, err := d.Strategy(max(1, s.Replicas))
		v.strat(p+".distributed_rate_limit", err)
	}
	if s.ConcurrencyLimit != nil {
		v.strat(p+".concurrency_limit", s.ConcurrencyLimit.validate())
	}
}

// defaultPriority is a client's criticality when it sets none: the SRE
// book's default for production requests.
const defaultPriority = "critical"

// CoDel variants (QueueConfig.CoDelVariant).
const (
	// CoDelRFC is RFC 8289's control law: after Interval above Target,
	// drop, then drop again at Interval/sqrt(count) while above.
	CoDelRFC = "rfc"
	// CoDelFolly is Facebook's server variant (folly Codel.cpp, "Fail at
	// Scale"): an interval whose minimum queueing delay exceeded Target
	// makes the next one overloaded, and while overloaded every request
	// that waited more than 2 x Target is dropped.
	CoDelFolly = "folly"
)

// cacheStrategies checks the strategies of the cache at path p.
func (v *validator) cacheStrategies(p string, ca *CacheConfig) {
	if _, err := strategies.NewTTLJitter(strategies.TTLJitterConfig{Spread: ca.TTLJitter}); err != nil {
		v.add(p+".ttl_jitter", "must be in [0, 1] (a fraction of the ttl), got %v", ca.TTLJitter)
	} else if ca.TTLJitter > 0 && ca.TTL == 0 {
		v.add(p+".ttl_jitter", "needs a ttl (keys that never expire have nothing to jitter)")
	}
	v.nonNegDur(p+".stale_while_revalidate", ca.StaleWhileRevalidate)
	if ca.StaleWhileRevalidate > 0 && ca.TTL == 0 {
		v.add(p+".stale_while_revalidate", "needs a ttl (keys that never expire are never stale)")
	}
}
