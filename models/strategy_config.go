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

// applyDefaults fills the defaults of the strategies p turns on.
func (p *ClientPolicy) applyDefaults() {
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
}
