package strategies

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// RetryPolicyConfig configures a RetryPolicy. See NewRetryPolicy for the
// valid ranges.
type RetryPolicyConfig struct {
	// MaxAttempts is the total number of attempts per call, the first
	// included (gRPC's maxAttempts; 1 means never retry).
	MaxAttempts int
	// Retryable is the set of failure reasons that may be retried.
	Retryable ReasonSet
	// Backoff is the wait before each retry.
	Backoff BackoffConfig
}

// DefaultRetryableReasons are the reasons DefaultRetryPolicyConfig retries:
// the counterparts of what the AWS SDK's standard mode retries by default
// (REFERENCES §4: 5xx such as 503 from shedding or a full queue, throttling
// such as 429, timeouts, connection errors). Not retried by default:
// breaker_open and throttled (the client itself refused; retrying defeats
// it), deadline_exceeded and expired (the call's deadline is gone),
// abandoned (the caller is gone).
var DefaultRetryableReasons = ReasonSetOf(ReasonTimeout, ReasonError, ReasonShed, ReasonRateLimited,
	ReasonQueueFull, ReasonConcurrencyLimited, ReasonDropped, ReasonLoss, ReasonOutage)

// DefaultRetryPolicyConfig returns 3 attempts (the SRE book's per-request
// cap, REFERENCES §5, also the AWS SDK standard mode's max_attempts, §4),
// DefaultRetryableReasons, and DefaultBackoffConfig.
func DefaultRetryPolicyConfig() RetryPolicyConfig {
	return RetryPolicyConfig{MaxAttempts: 3, Retryable: DefaultRetryableReasons, Backoff: DefaultBackoffConfig()}
}

// RetryPolicy decides whether a failed attempt is retried and how long to
// wait first: at most MaxAttempts attempts in all (gRFC A6's maxAttempts,
// REFERENCES §2), only for retryable reasons, with Backoff (§1) between
// attempts. Whether a retry budget or breaker also permits the retry is a
// separate decision (TokenBucketBudget, RatioBudget, RetryQuota,
// RetryBreaker), taken after this one. The zero RetryPolicy never retries.
type RetryPolicy struct {
	max       int
	retryable ReasonSet
	backoff   Backoff
}

// NewRetryPolicy validates cfg: MaxAttempts in [1, 100], Retryable holding
// only failure reasons (not ReasonOK), and a valid Backoff.
func NewRetryPolicy(cfg RetryPolicyConfig) (RetryPolicy, error) {
	const s = "retry policy"
	if cfg.MaxAttempts < 1 || cfg.MaxAttempts > 100 {
		return RetryPolicy{}, cfgErr(s, "MaxAttempts", "in [1, 100]", cfg.MaxAttempts)
	}
	if cfg.Retryable.Has(ReasonOK) || cfg.Retryable>>numReasons != 0 {
		return RetryPolicy{}, cfgErr(s, "Retryable", "a set of failure reasons (not ok)", cfg.Retryable)
	}
	b, err := NewBackoff(cfg.Backoff)
	if err != nil {
		return RetryPolicy{}, err
	}
	return RetryPolicy{max: cfg.MaxAttempts, retryable: cfg.Retryable, backoff: b}, nil
}

// MaxAttempts returns the total number of attempts allowed per call.
func (p RetryPolicy) MaxAttempts() int { return p.max }

// Retryable returns the set of reasons that may be retried.
func (p RetryPolicy) Retryable() ReasonSet { return p.retryable }

// Backoff returns the policy's backoff.
func (p RetryPolicy) Backoff() Backoff { return p.backoff }

// ShouldRetry reports whether a call that has made attempts attempts so far
// (the failed one included) and failed with reason may try again. (A
// pointer receiver: a caller's policy is not copied for the test.)
func (p *RetryPolicy) ShouldRetry(attempts int, reason Reason) bool {
	return attempts < p.max && reason != ReasonOK && p.retryable.Has(reason)
}

// OnFailure is ShouldRetry followed, when it allows a retry, by the
// backoff: it records the failure in s and returns the wait before the
// retry. s.Failures+1 is the attempt count so far.
func (p RetryPolicy) OnFailure(s *BackoffState, reason Reason, r *rand.Rand) (wait time.Duration, retry bool) {
	if !p.ShouldRetry(s.Failures+1, reason) {
		return 0, false
	}
	return p.backoff.Next(s, r), true
}

// RetrySpec is a caller's retry policy on one edge: how many attempts in
// all, which failure reasons are retried, and the backoff between attempts
// (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog 2015;
// REFERENCES §1). The zero value makes one attempt (no retries).
type RetrySpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
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
	// dropped, loss, outage (DefaultRetryableReasons).
	On []string `toml:"on"`
}

// Enabled reports whether the policy retries at all.
func (r *RetrySpec) Enabled() bool { return r.Attempts >= 2 }

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (r *RetrySpec) ApplyDefaults() {
	if !r.Enabled() {
		return
	}
	if len(r.On) == 0 {
		r.On = strings.Split(DefaultRetryableReasons.String(), ",")
	}
	d := DefaultBackoffConfig()
	if r.Backoff == "" {
		r.Backoff = d.Kind.String()
	}
	if r.Backoff == BackoffNone.String() {
		if r.Jitter == "" {
			r.Jitter = JitterNone.String()
		}
		return
	}
	if r.Jitter == "" {
		r.Jitter = d.Jitter.String()
	}
	if r.Base == 0 {
		r.Base = d.Base
	}
	if r.Max == 0 && r.Backoff != BackoffConstant.String() {
		r.Max = max(d.Cap, r.Base)
	}
	if r.Multiplier == 0 && r.Backoff == BackoffExponential.String() {
		r.Multiplier = d.Multiplier
	}
}

// Config returns the retry policy's configuration; an error is a
// *FieldError naming the key at fault.
func (r *RetrySpec) Config() (RetryPolicyConfig, error) {
	kind, err := ParseBackoffKind(r.Backoff)
	if err != nil {
		return RetryPolicyConfig{}, &FieldError{Path: "backoff", Msg: "must be one of none, constant, linear, exponential, got " + quote(r.Backoff)}
	}
	jit, err := ParseJitter(r.Jitter)
	if err != nil {
		return RetryPolicyConfig{}, &FieldError{Path: "jitter", Msg: "must be one of none, full, equal, decorrelated, got " + quote(r.Jitter)}
	}
	on, bad := FailureSet(r.On)
	if bad >= 0 {
		return RetryPolicyConfig{}, &FieldError{Path: fmt.Sprintf("on[%d]", bad),
			Msg: fmt.Sprintf("%q is not a failure reason (valid: %s)", r.On[bad], FailureNames())}
	}
	cfg := RetryPolicyConfig{MaxAttempts: r.Attempts, Retryable: on,
		Backoff: BackoffConfig{Kind: kind, Jitter: jit, Base: r.Base, Cap: r.Max, Multiplier: r.Multiplier}}
	if kind == BackoffConstant && cfg.Backoff.Cap == 0 {
		cfg.Backoff.Cap = r.Base
	}
	_, err = NewRetryPolicy(cfg)
	return cfg, AsFieldError(err, map[string]string{"MaxAttempts": "attempts", "Retryable": "on",
		"Kind": "backoff", "Jitter": "jitter", "Base": "base", "Cap": "max", "Multiplier": "multiplier"})
}

// Validate checks every key (after ApplyDefaults); an error is a
// *FieldError naming the key at fault.
func (r *RetrySpec) Validate() error {
	if r.Attempts < 0 || r.Attempts > 100 {
		return &FieldError{Path: "attempts", Msg: fmt.Sprintf("must be in [0, 100] (0 or 1: no retries), got %d", r.Attempts)}
	}
	if !r.Enabled() {
		return nil
	}
	_, err := r.Config()
	return err
}

// Clone returns a copy of r that shares nothing with it.
func (r *RetrySpec) Clone() *RetrySpec {
	c := *r
	c.On = slices.Clone(r.On)
	return &c
}

// Key returns the table's scenario key, "retry".
func (*RetrySpec) Key() string { return "retry" }
