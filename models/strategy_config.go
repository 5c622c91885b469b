package models

import (
	"errors"
	"fmt"
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

// applyDefaults fills the defaults of the strategies p turns on.
func (p *ClientPolicy) applyDefaults() {
	p.Retry.applyDefaults()
}

// clientStrategies checks the strategies of the policy at path.
func (v *validator) clientStrategies(path string, p *ClientPolicy) {
	if p.Retry.Attempts < 0 || p.Retry.Attempts > 100 {
		v.add(path+".retry.attempts", "must be in [0, 100] (0 or 1: no retries), got %d", p.Retry.Attempts)
	} else if p.Retry.enabled() {
		_, err := p.Retry.policy()
		v.strat(path+".retry", err)
	}
}
