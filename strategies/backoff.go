package strategies

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"
)

// BackoffKind is how the un-jittered delay grows with the number of
// failures so far. The zero BackoffKind is BackoffNone.
type BackoffKind uint8

// The backoff kinds.
const (
	BackoffNone        BackoffKind = iota // no wait: 0
	BackoffConstant                       // base
	BackoffLinear                         // min(cap, base·n)
	BackoffExponential                    // min(cap, base·multiplier^n)
)

var backoffKindNames = [...]string{"none", "constant", "linear", "exponential"}

// String returns the kind's name: "none", "constant", "linear" or
// "exponential".
func (k BackoffKind) String() string {
	if int(k) < len(backoffKindNames) {
		return backoffKindNames[k]
	}
	return fmt.Sprintf("backoffkind(%d)", uint8(k))
}

// ParseBackoffKind returns the BackoffKind named s.
func ParseBackoffKind(s string) (BackoffKind, error) {
	for i, n := range backoffKindNames {
		if n == s {
			return BackoffKind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown backoff %q: valid are none, constant, linear, exponential", s)
}

// Jitter is how randomness is applied to the delay, as defined in Brooker,
// "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015). The zero
// Jitter is JitterNone.
type Jitter uint8

// The jitter variants.
const (
	JitterNone         Jitter = iota // v
	JitterFull                       // U(0, v)
	JitterEqual                      // v/2 + U(0, v/2)
	JitterDecorrelated               // min(cap, U(base, 3·prev)), prev starting at base
)

var jitterNames = [...]string{"none", "full", "equal", "decorrelated"}

// String returns the jitter's name: "none", "full", "equal" or
// "decorrelated".
func (j Jitter) String() string {
	if int(j) < len(jitterNames) {
		return jitterNames[j]
	}
	return fmt.Sprintf("jitter(%d)", uint8(j))
}

// ParseJitter returns the Jitter named s.
func ParseJitter(s string) (Jitter, error) {
	for i, n := range jitterNames {
		if n == s {
			return Jitter(i), nil
		}
	}
	return 0, fmt.Errorf("unknown jitter %q: valid are none, full, equal, decorrelated", s)
}

// BackoffConfig configures a Backoff. See NewBackoff for the valid ranges.
type BackoffConfig struct {
	// Kind is how the delay grows with the number of failures.
	Kind BackoffKind
	// Jitter is the randomisation applied to the delay.
	Jitter Jitter
	// Base is the initial delay (the constant delay for BackoffConstant).
	// Unused by BackoffNone.
	Base time.Duration
	// Cap is the maximum delay. Unused by BackoffNone and BackoffConstant.
	Cap time.Duration
	// Multiplier is the growth factor per failure for BackoffExponential
	// (2 in the AWS article; gRPC's backoffMultiplier). Unused by the other
	// kinds.
	Multiplier float64
}

// DefaultBackoffConfig returns exponential backoff with full jitter, base
// 5 ms, cap 2 s and multiplier 2: the setup of the simulator in Brooker's
// "Exponential Backoff And Jitter" (REFERENCES §1), whose article favours
// full jitter. The article gives no other defaults.
func DefaultBackoffConfig() BackoffConfig {
	return BackoffConfig{Kind: BackoffExponential, Jitter: JitterFull, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2}
}

// Backoff computes how long a client waits before its next attempt, exactly
// as in Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
// 2015, and its companion simulator aws-samples/aws-arch-backoff-simulator
// (REFERENCES §1):
//
//	expo(n)       = min(cap, base·2^n)       (2 is Multiplier)
//	full jitter   = U(0, expo(n))
//	equal jitter  = expo(n)/2 + U(0, expo(n)/2)
//	decorrelated  = min(cap, U(base, 3·prev)), prev starting at base
//
// n is the number of failures so far, so the first retry uses n = 1 and
// waits up to 2·base, as the simulator does. Linear backoff is min(cap,
// base·n) and constant backoff is base; full and equal jitter apply to them
// in the same way. gRPC's retry backoff (gRFC A6, REFERENCES §2) is
// exponential with full jitter and base = initialBackoff/multiplier.
//
// A Backoff is an immutable value; per-call state lives in a BackoffState.
// The zero Backoff never waits.
type Backoff struct {
	cfg BackoffConfig
	// exp[n-1] is the un-jittered exponential delay after n failures,
	// min(cap, base·multiplier^n), for n up to the first that reaches
	// the cap (at most maxExpTable): computed once by NewBackoff with the
	// formula Delay uses past the table, so that a retry pays no math.Pow
	// and gets the same value to the bit.
	exp []time.Duration
}

// maxExpTable bounds Backoff.exp: a multiplier near 1 reaches the cap
// late or never.
const maxExpTable = 64

// NewBackoff validates cfg and returns a Backoff. Base must be > 0 for
// every kind but none; Cap must be >= Base for linear and exponential;
// Multiplier must be in [1, 1000] for exponential; decorrelated jitter
// needs kind exponential (it replaces the exponential formula); kind none
// takes jitter none.
func NewBackoff(cfg BackoffConfig) (Backoff, error) {
	const s = "backoff"
	if cfg.Kind > BackoffExponential {
		return Backoff{}, cfgErr(s, "Kind", "none, constant, linear or exponential", cfg.Kind)
	}
	if cfg.Jitter > JitterDecorrelated {
		return Backoff{}, cfgErr(s, "Jitter", "none, full, equal or decorrelated", cfg.Jitter)
	}
	if cfg.Kind == BackoffNone {
		if cfg.Jitter != JitterNone {
			return Backoff{}, cfgErr(s, "Jitter", "none when Kind is none", cfg.Jitter)
		}
		return Backoff{cfg: cfg}, nil
	}
	if cfg.Base <= 0 {
		return Backoff{}, cfgErr(s, "Base", "> 0", cfg.Base)
	}
	if cfg.Kind != BackoffConstant && cfg.Cap < cfg.Base {
		return Backoff{}, cfgErr(s, "Cap", fmt.Sprintf(">= Base (%v)", cfg.Base), cfg.Cap)
	}
	if cfg.Kind == BackoffExponential && !(cfg.Multiplier >= 1 && cfg.Multiplier <= 1000) {
		return Backoff{}, cfgErr(s, "Multiplier", "in [1, 1000]", cfg.Multiplier)
	}
	if cfg.Jitter == JitterDecorrelated && cfg.Kind != BackoffExponential {
		return Backoff{}, cfgErr(s, "Jitter", "none, full or equal unless Kind is exponential (decorrelated replaces the exponential formula)", cfg.Jitter)
	}
	b := Backoff{cfg: cfg}
	if cfg.Kind == BackoffExponential && cfg.Jitter != JitterDecorrelated {
		for n := 1; n <= maxExpTable; n++ {
			v := b.cfg.expo(n)
			b.exp = append(b.exp, v)
			if v == cfg.Cap {
				break
			}
		}
	}
	return b, nil
}

// expo returns min(Cap, Base·Multiplier^n), the exponential delay after
// n failures before jitter.
func (c *BackoffConfig) expo(n int) time.Duration {
	x := float64(c.Base) * math.Pow(c.Multiplier, float64(n))
	if x >= float64(c.Cap) {
		return c.Cap
	}
	return time.Duration(x)
}

// Config returns the configuration b was built from.
func (b Backoff) Config() BackoffConfig { return b.cfg }

// Draws reports whether b's delays draw from a generator: a jitter on a
// backoff that waits. One that does not never touches the generator it is
// given (Delay, Next, NextPCG), so that a caller may skip preparing it.
func (b *Backoff) Draws() bool { return b.cfg.Kind != BackoffNone && b.cfg.Jitter != JitterNone }

// BackoffState is the per-call state of a Backoff: the number of failures
// so far and, for decorrelated jitter, the previous sleep. Keep one per call
// (e.g. in the request struct); the zero BackoffState is a call that has not
// failed yet.
type BackoffState struct {
	Failures int           // failed attempts so far
	Prev     time.Duration // the previous delay returned; 0 before the first
}

// Next records one more failure in s and returns the delay before the next
// attempt. r is used only by the jitter variants.
func (b *Backoff) Next(s *BackoffState, r *rand.Rand) time.Duration {
	s.Failures++
	d := b.Delay(s.Failures, s.Prev, r)
	s.Prev = d
	return d
}

// NextPCG is Next(s, r) for an r that draws from p alone (r is
// rand.New(p)): the same delay, from the same words of p, but drawn from
// p directly, without r's calls through interfaces. r is used instead on
// a 32-bit platform, where rand.Rand draws small bounds another way.
func (b *Backoff) NextPCG(s *BackoffState, r *rand.Rand, p *rand.PCG) time.Duration {
	if !is64 {
		return b.Next(s, r)
	}
	s.Failures++
	d := b.delay(s.Failures, s.Prev, nil, p)
	s.Prev = d
	return d
}

// is64 is whether rand.Rand's bounded draws take the 64-bit path
// (uniformDuration's from a PCG) for every bound.
const is64 = bits.UintSize == 64

// Delay returns the delay before the next attempt after n failures (n >= 1)
// given the previous delay prev (used only by decorrelated jitter, where 0
// means "none yet" and starts at Base). It is a pure function of its
// arguments and r's draws.
func (b *Backoff) Delay(n int, prev time.Duration, r *rand.Rand) time.Duration {
	return b.delay(n, prev, r, nil)
}

// delay is Delay drawing from r, or from p directly when p is not nil
// (NextPCG).
func (b *Backoff) delay(n int, prev time.Duration, r *rand.Rand, p *rand.PCG) time.Duration {
	c := &b.cfg
	var v time.Duration
	switch c.Kind {
	case BackoffNone:
		return 0
	case BackoffConstant:
		v = c.Base
	case BackoffLinear:
		if float64(c.Base)*float64(n) >= float64(c.Cap) {
			v = c.Cap
		} else {
			v = c.Base * time.Duration(n)
		}
	case BackoffExponential:
		if c.Jitter == JitterDecorrelated {
			if prev <= 0 {
				prev = c.Base
			}
			hi := 3 * prev
			if prev > c.Cap { // 3·prev cannot overflow below
				hi = 3 * c.Cap
			}
			return min(c.Cap, uniformDuration(r, p, c.Base, hi))
		}
		if i := uint(n - 1); i < uint(len(b.exp)) {
			v = b.exp[i]
		} else {
			v = c.expo(n)
		}
	}
	switch c.Jitter {
	case JitterFull:
		return uniformDuration(r, p, 0, v)
	case JitterEqual:
		return v/2 + uniformDuration(r, p, 0, v/2)
	}
	return v
}

// uniformDuration draws uniformly from [lo, hi) in whole nanoseconds (lo
// when hi <= lo), from p when it is not nil, else from r. From p, it is
// rand.New(p).Int64N's draw on a 64-bit platform, taking the same words
// from p (math/rand/v2's 64-bit bounded draw: a mask for a power of two,
// else Lemire's multiply and reject), written out here rather than in a
// function of its own, whose call cost about a seventh of a backoff;
// TestUniformDurationPCG holds it to rand.Rand's.
func uniformDuration(r *rand.Rand, p *rand.PCG, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	n := uint64(hi - lo)
	if p == nil {
		return lo + time.Duration(r.Int64N(int64(n)))
	}
	if n&(n-1) == 0 { // a power of two: a mask
		return lo + time.Duration(p.Uint64()&(n-1))
	}
	x, frac := bits.Mul64(p.Uint64(), n)
	if frac < n {
		thresh := -n % n
		for frac < thresh {
			x, frac = bits.Mul64(p.Uint64(), n)
		}
	}
	return lo + time.Duration(x)
}
