package strategies

import (
	"math/rand/v2"
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
// (the failed one included) and failed with reason may try again.
func (p RetryPolicy) ShouldRetry(attempts int, reason Reason) bool {
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
