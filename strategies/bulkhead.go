package strategies

import (
	"fmt"
	"time"
)

// Admission is a bulkhead's answer to a request for a slot.
type Admission uint8

// The admissions. The zero Admission is Rejected.
const (
	Rejected Admission = iota // fail now (ReasonConcurrencyLimited)
	Admitted                  // go ahead; call Release when done
	Queued                    // wait for a slot; Release hands one over
)

var admissionNames = [...]string{"rejected", "admitted", "queued"}

// String returns "rejected", "admitted" or "queued".
func (a Admission) String() string {
	if int(a) < len(admissionNames) {
		return admissionNames[a]
	}
	return fmt.Sprintf("admission(%d)", uint8(a))
}

// BulkheadConfig configures a Bulkhead.
type BulkheadConfig struct {
	// MaxInFlight is the number of calls allowed at once: in [1, 1e6].
	MaxInFlight int
	// MaxWait is how long a call may wait for a slot: in [0, 1h]. 0 fails
	// fast.
	MaxWait time.Duration
	// MaxWaiting is the number of calls that may wait at once: 0 when
	// MaxWait is 0, else in [1, 1e6].
	MaxWaiting int
}

// DefaultBulkheadConfig returns resilience4j's BulkheadConfig defaults
// (resilience4j-bulkhead BulkheadConfig.java: maxConcurrentCalls 25,
// maxWaitDuration 0, i.e. fail fast; read at the source, not listed in
// REFERENCES). resilience4j does not bound its waiters; with MaxWait 0 no
// call waits.
func DefaultBulkheadConfig() BulkheadConfig {
	return BulkheadConfig{MaxInFlight: 25, MaxWait: 0, MaxWaiting: 0}
}

// Bulkhead is a client-side concurrency limit (resilience4j's semaphore
// Bulkhead; the per-service outstanding-request limit of Maurer, "Fail at
// Scale", REFERENCES §9): at most MaxInFlight calls at once; the rest fail
// fast, or, if MaxWait > 0, wait (at most MaxWaiting of them, at most
// MaxWait each) for a slot.
//
// It only counts: the caller keeps the waiting calls (in arrival order),
// times each out after MaxWait (calling CancelWait), and when Release
// reports a hand-over, starts the oldest waiter, which now holds the slot.
// The zero Bulkhead rejects everything.
type Bulkhead struct {
	cfg      BulkheadConfig
	inFlight int
	waiting  int
}

// NewBulkhead validates cfg and returns an empty bulkhead.
func NewBulkhead(cfg BulkheadConfig) (*Bulkhead, error) {
	const s = "bulkhead"
	if cfg.MaxInFlight < 1 || cfg.MaxInFlight > 1e6 {
		return nil, cfgErr(s, "MaxInFlight", "in [1, 1e6]", cfg.MaxInFlight)
	}
	if cfg.MaxWait < 0 || cfg.MaxWait > time.Hour {
		return nil, cfgErr(s, "MaxWait", "in [0, 1h]", cfg.MaxWait)
	}
	if cfg.MaxWait == 0 && cfg.MaxWaiting != 0 {
		return nil, cfgErr(s, "MaxWaiting", "0 when MaxWait is 0 (fail fast)", cfg.MaxWaiting)
	}
	if cfg.MaxWait > 0 && (cfg.MaxWaiting < 1 || cfg.MaxWaiting > 1e6) {
		return nil, cfgErr(s, "MaxWaiting", "in [1, 1e6] when MaxWait > 0", cfg.MaxWaiting)
	}
	return &Bulkhead{cfg: cfg}, nil
}

// Acquire asks for a slot: Admitted if one is free, Queued if the call may
// wait, else Rejected.
func (b *Bulkhead) Acquire() Admission {
	if b.inFlight < b.cfg.MaxInFlight {
		b.inFlight++
		return Admitted
	}
	if b.waiting < b.cfg.MaxWaiting {
		b.waiting++
		return Queued
	}
	return Rejected
}

// Release frees the slot of a finished call. If a call is waiting, the slot
// passes to it and Release returns true: start the oldest waiter.
func (b *Bulkhead) Release() (handOver bool) {
	if b.inFlight <= 0 {
		panic("strategies: Bulkhead.Release without a matching Acquire")
	}
	if b.waiting > 0 {
		b.waiting--
		return true
	}
	b.inFlight--
	return false
}

// CancelWait removes a waiting call that gave up (its MaxWait or its own
// deadline passed).
func (b *Bulkhead) CancelWait() {
	if b.waiting <= 0 {
		panic("strategies: Bulkhead.CancelWait with no call waiting")
	}
	b.waiting--
}

// InFlight returns the number of calls holding a slot.
func (b *Bulkhead) InFlight() int { return b.inFlight }

// Waiting returns the number of calls waiting for a slot.
func (b *Bulkhead) Waiting() int { return b.waiting }

// MaxWait returns how long a call may wait for a slot.
func (b *Bulkhead) MaxWait() time.Duration { return b.cfg.MaxWait }

// BulkheadSpec is a client-side concurrency limit (resilience4j's
// Bulkhead): at most MaxInFlight calls on the edge at once; a call beyond
// that fails at once with concurrency_limited, or, with MaxWait, waits
// (at most MaxWaiting of them, in order) for a slot and fails if none
// frees up in time.
type BulkheadSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
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

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (b *BulkheadSpec) ApplyDefaults() {
	setInt(&b.MaxInFlight, DefaultBulkheadConfig().MaxInFlight)
	if b.MaxWait > 0 {
		setInt(&b.MaxWaiting, 1_000_000)
	}
}

// Config returns the strategy's configuration, checked by building the
// strategy; an error is a *FieldError naming the key at fault.
func (b *BulkheadSpec) Config() (BulkheadConfig, error) {
	cfg := BulkheadConfig{MaxInFlight: b.MaxInFlight, MaxWait: b.MaxWait, MaxWaiting: b.MaxWaiting}
	_, err := NewBulkhead(cfg)
	return cfg, AsFieldError(err, map[string]string{"MaxInFlight": "max_in_flight", "MaxWait": "max_wait", "MaxWaiting": "max_waiting"})
}

// Validate checks every key (after ApplyDefaults).
func (b *BulkheadSpec) Validate() error { _, err := b.Config(); return err }

// Key returns the table's scenario key, "bulkhead".
func (*BulkheadSpec) Key() string { return "bulkhead" }

// New returns the bulkhead b configures.
func (b *BulkheadSpec) New() (*Bulkhead, error) {
	cfg, err := b.Config()
	if err != nil {
		return nil, err
	}
	return NewBulkhead(cfg)
}
