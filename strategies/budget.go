package strategies

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// TokenBucketBudgetConfig configures a TokenBucketBudget (gRPC
// retryThrottling).
type TokenBucketBudgetConfig struct {
	// MaxTokens is the bucket's size and starting count: in (0, 1e6], at
	// most 3 decimal places.
	MaxTokens float64
	// TokenRatio is the tokens each success adds: in (0, MaxTokens], at most
	// 3 decimal places.
	TokenRatio float64
}

// DefaultTokenBucketBudgetConfig returns maxTokens 10, tokenRatio 0.1: the
// example in gRFC A6 (REFERENCES §2), which has no defaults (both fields are
// required there).
func DefaultTokenBucketBudgetConfig() TokenBucketBudgetConfig {
	return TokenBucketBudgetConfig{MaxTokens: 10, TokenRatio: 0.1}
}

// TokenBucketBudget is gRPC's client retry throttling (gRFC A6
// "retryThrottling", REFERENCES §2). The token count starts at MaxTokens and
// stays in [0, MaxTokens]; each failed attempt takes 1 token, each
// successful one adds TokenRatio, and retries (and hedges) are allowed only
// while the count is above MaxTokens/2. The first attempt of a call is
// always sent. Counts are kept in thousandths of a token, as gRPC's 3
// decimal places allow, so arithmetic is exact.
//
// Call OnFailure for every attempt that failed with a retryable reason
// (gRPC counts only retryable or non-fatal statuses), then AllowRetry to
// decide the retry, as grpc-go's throttler does (decrement, then compare).
// The bucket is shared by every method of one server; share one
// TokenBucketBudget per client and target. It has no notion of time. The
// zero TokenBucketBudget never allows a retry.
type TokenBucketBudget struct {
	max, ratio, tokens int64 // thousandths of a token
}

// NewTokenBucketBudget validates cfg and returns a full bucket.
func NewTokenBucketBudget(cfg TokenBucketBudgetConfig) (*TokenBucketBudget, error) {
	const s = "token bucket budget"
	if !(cfg.MaxTokens > 0 && cfg.MaxTokens <= 1e6) || !milliExact(cfg.MaxTokens) {
		return nil, cfgErr(s, "MaxTokens", "in (0, 1e6] with at most 3 decimal places", cfg.MaxTokens)
	}
	if !(cfg.TokenRatio > 0 && cfg.TokenRatio <= cfg.MaxTokens) || !milliExact(cfg.TokenRatio) {
		return nil, cfgErr(s, "TokenRatio", "in (0, MaxTokens] with at most 3 decimal places", cfg.TokenRatio)
	}
	m := int64(math.Round(cfg.MaxTokens * 1000))
	return &TokenBucketBudget{max: m, ratio: int64(math.Round(cfg.TokenRatio * 1000)), tokens: m}, nil
}

func milliExact(x float64) bool {
	m := x * 1000
	return math.Abs(m-math.Round(m)) < 1e-6
}

// OnSuccess adds TokenRatio tokens, up to MaxTokens.
func (b *TokenBucketBudget) OnSuccess() { b.tokens = min(b.max, b.tokens+b.ratio) }

// OnFailure takes one token, down to 0.
func (b *TokenBucketBudget) OnFailure() { b.tokens = max(0, b.tokens-1000) }

// AllowRetry reports whether a retry or hedge may be sent now: the token
// count is above MaxTokens/2.
func (b *TokenBucketBudget) AllowRetry() bool { return 2*b.tokens > b.max }

// Tokens returns the current token count.
func (b *TokenBucketBudget) Tokens() float64 { return float64(b.tokens) / 1000 }

// RatioBudgetConfig configures a RatioBudget (Finagle RetryBudget).
type RatioBudgetConfig struct {
	// TTL is how long deposits count: in [1s, 60s].
	TTL time.Duration
	// MinRetriesPerSec is the reserve of retries per second granted whatever
	// the traffic: in [0, 1e6].
	MinRetriesPerSec int
	// PercentCanRetry is retries allowed per deposit, as a fraction (0.1 =
	// one retry per ten requests, 2.0 = two per request): in [0, 1000].
	PercentCanRetry float64
}

// DefaultRatioBudgetConfig returns Finagle's RetryBudget defaults
// (REFERENCES §3): ttl 10 s, minRetriesPerSec 10, percentCanRetry 0.2.
func DefaultRatioBudgetConfig() RatioBudgetConfig {
	return RatioBudgetConfig{TTL: 10 * time.Second, MinRetriesPerSec: 10, PercentCanRetry: 0.2}
}

// RatioBudget is Finagle's RetryBudget (twitter/finagle RetryBudget.scala
// over twitter/util TokenBucket.newLeakyBucket and WindowedAdder, REFERENCES
// §3): in any window of about TTL, retries are held to about
// PercentCanRetry·requests + MinRetriesPerSec·TTL.
//
// Tokens are integers scaled by 1000. Deposit adds 1000 (0 when
// PercentCanRetry is 0); a retry costs floor(1000/PercentCanRetry) (1 when
// PercentCanRetry is 0); the balance is the windowed sum of deposits and
// withdrawals over the last TTL plus a constant reserve of
// MinRetriesPerSec·floor(TTL in seconds)·cost. TryWithdraw succeeds, and
// records the withdrawal, only if the balance covers the cost. The window
// is Finagle's WindowedAdder reproduced exactly: 10 slices of TTL/10 whose
// boundaries follow the instants of access, the current slice included.
// With both parameters 0 the budget is Finagle's Empty budget and never
// allows a retry.
//
// Call Deposit once per new call (not per retry), TryWithdraw when a
// retryable failure occurs. The window starts at time 0. The zero
// RatioBudget never allows a retry.
type RatioBudget struct {
	deposit, cost, reserve int64
	empty                  bool
	// WindowedAdder(range = TTL, slices = 10): window = TTL/10, n = 9 old
	// slices plus the writer.
	window time.Duration
	writer int64
	buf    [9]int64
	bufSum int64 // the sum of buf, kept by expire
	i      int
	old    sim.Time
}

// NewRatioBudget validates cfg and returns an unused budget.
func NewRatioBudget(cfg RatioBudgetConfig) (*RatioBudget, error) {
	const s = "ratio budget"
	if cfg.TTL < time.Second || cfg.TTL > time.Minute {
		return nil, cfgErr(s, "TTL", "in [1s, 60s]", cfg.TTL)
	}
	if cfg.MinRetriesPerSec < 0 || cfg.MinRetriesPerSec > 1e6 {
		return nil, cfgErr(s, "MinRetriesPerSec", "in [0, 1e6]", cfg.MinRetriesPerSec)
	}
	if !(cfg.PercentCanRetry >= 0 && cfg.PercentCanRetry <= 1000) {
		return nil, cfgErr(s, "PercentCanRetry", "in [0, 1000]", cfg.PercentCanRetry)
	}
	b := &RatioBudget{window: cfg.TTL / 10}
	if cfg.MinRetriesPerSec == 0 && cfg.PercentCanRetry == 0 {
		b.empty = true
		return b, nil
	}
	if cfg.PercentCanRetry == 0 {
		b.deposit, b.cost = 0, 1
	} else {
		b.deposit, b.cost = 1000, int64(1000/cfg.PercentCanRetry)
	}
	b.reserve = int64(cfg.MinRetriesPerSec) * int64(cfg.TTL/time.Second) * b.cost
	return b, nil
}

// expire is WindowedAdder.expired: credit the writer to the current slice,
// move on, and zero the slices skipped since the last access.
func (b *RatioBudget) expire(now sim.Time) {
	if now.Sub(b.old) < b.window {
		return
	}
	const n = len(b.buf)
	b.bufSum += b.writer - b.buf[b.i]
	b.buf[b.i] = b.writer
	b.writer = 0
	b.i = (b.i + 1) % n
	nskip := min(int(now.Sub(b.old)/b.window)-1, n)
	if nskip > 0 {
		r := min(nskip, n-b.i)
		clear(b.buf[b.i : b.i+r])
		clear(b.buf[:nskip-r])
		b.i = (b.i + nskip) % n
		b.bufSum = 0
		for _, v := range b.buf {
			b.bufSum += v
		}
	}
	b.old = now
}

// sum is the windowed sum: the writer and the 9 old slices (their sum
// kept as they change: integers, so the same as adding them up).
func (b *RatioBudget) sum(now sim.Time) int64 {
	b.expire(now)
	return b.writer + b.bufSum
}

// Deposit credits one new call.
func (b *RatioBudget) Deposit(now sim.Time) {
	if b.empty || b.cost == 0 {
		return
	}
	b.expire(now)
	b.writer += b.deposit
}

// DepositBalance is Deposit then Balance, the window moved on once.
func (b *RatioBudget) DepositBalance(now sim.Time) int64 {
	if b.empty || b.cost == 0 {
		return 0
	}
	if now.Sub(b.old) >= b.window {
		b.expire(now)
	}
	b.writer += b.deposit
	return (b.writer + b.bufSum + b.reserve) / b.cost
}

// BalanceAfter is Balance(now) right after TryWithdraw(now) (or Deposit):
// the window has moved on to now already, so it only reads the sum.
func (b *RatioBudget) BalanceAfter() int64 {
	if b.empty || b.cost == 0 {
		return 0
	}
	return (b.writer + b.bufSum + b.reserve) / b.cost
}

// TryWithdraw reports whether a retry may be sent now and, if so, pays for
// it.
func (b *RatioBudget) TryWithdraw(now sim.Time) bool {
	if b.empty || b.cost == 0 {
		return false
	}
	if b.sum(now)+b.reserve < b.cost {
		return false
	}
	b.writer -= b.cost
	return true
}

// Balance returns the number of retries the budget would allow now.
func (b *RatioBudget) Balance(now sim.Time) int64 {
	if b.empty || b.cost == 0 {
		return 0
	}
	return (b.sum(now) + b.reserve) / b.cost
}

// RetryQuotaConfig configures a RetryQuota (AWS SDK standard retry mode's
// quota).
type RetryQuotaConfig struct {
	// MaxTokens is the quota's size and starting count: in (0, 1e9].
	MaxTokens float64
	// RetryCost is what a retry takes: in (0, MaxTokens].
	RetryCost float64
	// TimeoutRetryCost is what a retry after a timeout takes: in (0,
	// MaxTokens].
	TimeoutRetryCost float64
	// NoRetryIncrement is what a call that succeeds on its first attempt
	// adds: in [0, MaxTokens].
	NoRetryIncrement float64
	// RefundOnRetrySuccess returns a retry's cost when that retry succeeds
	// (the AWS SDKs do; Brooker's retry token bucket does not).
	RefundOnRetrySuccess bool
}

// DefaultRetryQuotaConfig returns the AWS SDK standard retry mode's quota
// as in aws-sdk-go-v2 and aws-sdk-js-v3 before the 2026 update (REFERENCES
// §4): 500 tokens, retry cost 5, timeout retry cost 10, +1 per first-attempt
// success, refund on retry success.
func DefaultRetryQuotaConfig() RetryQuotaConfig {
	return RetryQuotaConfig{MaxTokens: 500, RetryCost: 5, TimeoutRetryCost: 10, NoRetryIncrement: 1, RefundOnRetrySuccess: true}
}

// RetryQuota is the AWS SDK "standard" retry mode's retry quota (REFERENCES
// §4; aws-sdk-go-v2 aws/retry/standard.go): a bucket of tokens, starting
// full, that pays for retries. A retry is sent only if the quota holds its
// cost (TimeoutRetryCost after a timeout, else RetryCost), which it takes;
// when a retry succeeds its cost is returned, and a call that succeeds on
// its first attempt adds NoRetryIncrement, up to MaxTokens. The same shape
// with cost 1 and increment 0.1, no refund, is the retry token bucket of
// Brooker, "Fixing retries with token buckets and circuit breakers" (2022).
// It has no notion of time. The zero RetryQuota never allows a retry.
type RetryQuota struct {
	cfg    RetryQuotaConfig
	tokens float64
}

// NewRetryQuota validates cfg and returns a full quota.
func NewRetryQuota(cfg RetryQuotaConfig) (*RetryQuota, error) {
	const s = "retry quota"
	if !(cfg.MaxTokens > 0 && cfg.MaxTokens <= 1e9) {
		return nil, cfgErr(s, "MaxTokens", "in (0, 1e9]", cfg.MaxTokens)
	}
	if !(cfg.RetryCost > 0 && cfg.RetryCost <= cfg.MaxTokens) {
		return nil, cfgErr(s, "RetryCost", "in (0, MaxTokens]", cfg.RetryCost)
	}
	if !(cfg.TimeoutRetryCost > 0 && cfg.TimeoutRetryCost <= cfg.MaxTokens) {
		return nil, cfgErr(s, "TimeoutRetryCost", "in (0, MaxTokens]", cfg.TimeoutRetryCost)
	}
	if !(cfg.NoRetryIncrement >= 0 && cfg.NoRetryIncrement <= cfg.MaxTokens) {
		return nil, cfgErr(s, "NoRetryIncrement", "in [0, MaxTokens]", cfg.NoRetryIncrement)
	}
	return &RetryQuota{cfg: cfg, tokens: cfg.MaxTokens}, nil
}

// AcquireRetry reports whether the quota can pay for a retry after a
// failure with reason (ReasonTimeout costs TimeoutRetryCost) and, if so,
// takes the cost and returns it. Keep the cost with the retry and pass it
// to OnSuccess if the retry succeeds.
func (q *RetryQuota) AcquireRetry(reason Reason) (cost float64, ok bool) {
	cost = q.cfg.RetryCost
	if reason == ReasonTimeout {
		cost = q.cfg.TimeoutRetryCost
	}
	if q.tokens < cost {
		return 0, false
	}
	q.tokens -= cost
	return cost, true
}

// OnSuccess records a successful attempt: cost is what AcquireRetry charged
// for it, 0 for a first attempt. A first attempt adds NoRetryIncrement; a
// retry gets its cost back if RefundOnRetrySuccess.
func (q *RetryQuota) OnSuccess(cost float64) {
	if cost == 0 {
		q.tokens += q.cfg.NoRetryIncrement
	} else if q.cfg.RefundOnRetrySuccess {
		q.tokens += cost
	}
	q.tokens = min(q.tokens, q.cfg.MaxTokens)
}

// Tokens returns the tokens in the quota.
func (q *RetryQuota) Tokens() float64 { return q.tokens }

// BudgetSpec is a retry budget: it caps the retries (and hedges) of all
// the calls on one edge together, whatever each call's own attempts allow.
// Kind picks the style; each kind reads only its own keys.
type BudgetSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
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

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (b *BudgetSpec) ApplyDefaults() {
	switch b.Kind {
	case BudgetTokenBucket:
		d := DefaultTokenBucketBudgetConfig()
		if b.MaxTokens == 0 {
			b.MaxTokens = d.MaxTokens
		}
		if b.TokenRatio == 0 {
			b.TokenRatio = d.TokenRatio
		}
	case BudgetRatio:
		d := DefaultRatioBudgetConfig()
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
		d := DefaultRetryQuotaConfig()
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

// Validate checks b (after ApplyDefaults): its kind, that it sets only
// its kind's keys, and every value, by building the strategy.
func (b *BudgetSpec) Validate() error {
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
		_, err = NewTokenBucketBudget(TokenBucketBudgetConfig{MaxTokens: b.MaxTokens, TokenRatio: b.TokenRatio})
	case BudgetRatio:
		own = []string{"ttl", "min_retries_per_s", "percent"}
		_, err = NewRatioBudget(b.RatioConfig())
	case BudgetQuota:
		own = []string{"max_tokens", "retry_cost", "timeout_retry_cost", "no_retry_increment", "refund"}
		_, err = NewRetryQuota(b.QuotaConfig())
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
	return AsFieldError(err, map[string]string{"MaxTokens": "max_tokens", "TokenRatio": "token_ratio", "TTL": "ttl",
		"MinRetriesPerSec": "min_retries_per_s", "PercentCanRetry": "percent", "RetryCost": "retry_cost",
		"TimeoutRetryCost": "timeout_retry_cost", "NoRetryIncrement": "no_retry_increment"})
}

// RatioConfig returns the ratio budget's configuration.
func (b *BudgetSpec) RatioConfig() RatioBudgetConfig {
	c := RatioBudgetConfig{TTL: b.TTL}
	if b.MinRetriesPerS != nil {
		c.MinRetriesPerSec = *b.MinRetriesPerS
	}
	if b.Percent != nil {
		c.PercentCanRetry = *b.Percent / 100
	}
	return c
}

// QuotaConfig returns the retry quota's configuration.
func (b *BudgetSpec) QuotaConfig() RetryQuotaConfig {
	c := RetryQuotaConfig{MaxTokens: b.MaxTokens, RetryCost: b.RetryCost, TimeoutRetryCost: b.TimeoutRetryCost}
	if b.NoRetryIncrement != nil {
		c.NoRetryIncrement = *b.NoRetryIncrement
	}
	if b.Refund != nil {
		c.RefundOnRetrySuccess = *b.Refund
	}
	return c
}

// Clone returns a copy of b that shares nothing with it (nil for nil).
func (b *BudgetSpec) Clone() *BudgetSpec {
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

// Key returns the table's scenario key, "budget".
func (*BudgetSpec) Key() string { return "budget" }
