package models

import (
	"errors"
	"fmt"
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

// enabled reports whether the policy retries at all.
func (r *RetryConfig) enabled() bool { return r.Attempts >= 2 }

func (r *RetryConfig) applyDefaults() {
	if !r.enabled() {
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

// policy returns the strategies' retry policy configuration.
func (r *RetryConfig) policy() (strategies.RetryPolicyConfig, error) {
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
		_, err = strategies.NewRatioBudget(b.ratio())
	case BudgetQuota:
		own = []string{"max_tokens", "retry_cost", "timeout_retry_cost", "no_retry_increment", "refund"}
		_, err = strategies.NewRetryQuota(b.quota())
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

func (b *BudgetConfig) ratio() strategies.RatioBudgetConfig {
	c := strategies.RatioBudgetConfig{TTL: b.TTL}
	if b.MinRetriesPerS != nil {
		c.MinRetriesPerSec = *b.MinRetriesPerS
	}
	if b.Percent != nil {
		c.PercentCanRetry = *b.Percent / 100
	}
	return c
}

func (b *BudgetConfig) quota() strategies.RetryQuotaConfig {
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

func (b *BreakerConfig) config() (strategies.CircuitBreakerConfig, error) {
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

func (b *RetryBreakerConfig) config() (strategies.RetryBreakerConfig, error) {
	wt, err := strategies.ParseWindowType(b.Window)
	if err != nil {
		return strategies.RetryBreakerConfig{}, &FieldError{Path: "window", Msg: "must be one of count, time, got " + quote(b.Window)}
	}
	cfg := strategies.RetryBreakerConfig{FailureRateThreshold: b.FailureThreshold, Window: wt, WindowSize: b.Size, MinimumCalls: b.MinCalls}
	_, err = strategies.NewRetryBreaker(cfg)
	return cfg, mapConfigError(err, breakerKeys)
}

// applyDefaults fills the defaults of the strategies p turns on.
func (p *ClientPolicy) applyDefaults() {
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

// clone gives p its own copies of the tables it points to, so that
// ApplyDefaults on a copy of a Config leaves the original alone.
func (p *ClientPolicy) clone() {
	p.Retry.On = slices.Clone(p.Retry.On)
	p.Budget = cloneBudget(p.Budget)
	p.Breaker = clonePtr(p.Breaker)
	p.RetryBreaker = clonePtr(p.RetryBreaker)
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
	} else if p.Retry.enabled() {
		_, err := p.Retry.policy()
		v.strat(path+".retry", err)
	}
	if p.Budget != nil {
		v.strat(path+".budget", p.Budget.validate())
	}
	if p.Breaker != nil {
		_, err := p.Breaker.config()
		v.strat(path+".breaker", err)
	}
	if p.RetryBreaker != nil {
		_, err := p.RetryBreaker.config()
		v.strat(path+".retry_breaker", err)
	}
}
