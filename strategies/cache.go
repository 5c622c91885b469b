package strategies

import (
	"math/rand/v2"
	"time"
)

// TTLJitterConfig configures a TTLJitter.
type TTLJitterConfig struct {
	// Spread is the relative half-width of the jitter: in [0, 1]. A TTL of
	// T becomes U[T·(1−Spread), T·(1+Spread)).
	Spread float64
}

// DefaultTTLJitterConfig returns a spread of 0.1 (±10%). TTL jitter has no
// section in REFERENCES and no canonical default; this is the package's
// choice.
func DefaultTTLJitterConfig() TTLJitterConfig { return TTLJitterConfig{Spread: 0.1} }

// TTLJitter randomises cache entry lifetimes so that entries filled
// together (e.g. after a cache flush) do not all expire, and all miss,
// together. The zero TTLJitter returns TTLs unchanged.
type TTLJitter struct{ spread float64 }

// NewTTLJitter validates cfg.
func NewTTLJitter(cfg TTLJitterConfig) (TTLJitter, error) {
	if !(cfg.Spread >= 0 && cfg.Spread <= 1) {
		return TTLJitter{}, cfgErr("ttl jitter", "Spread", "in [0, 1]", cfg.Spread)
	}
	return TTLJitter{spread: cfg.Spread}, nil
}

// TTL returns ttl jittered by a draw from r (no draw when Spread is 0).
func (j TTLJitter) TTL(ttl time.Duration, r *rand.Rand) time.Duration {
	if j.spread == 0 || ttl <= 0 {
		return ttl
	}
	lo := float64(ttl) * (1 - j.spread)
	return time.Duration(lo + 2*j.spread*float64(ttl)*r.Float64())
}
