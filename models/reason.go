package models

import "github.com/stampede-sim/stampede/strategies"

// Reason is the outcome of an attempt or a call: strategies.ReasonOK, or
// why it failed (timeout, queue_full, error, deadline_exceeded, outage,
// abandoned, and the strategies' shed, rate_limited, breaker_open, ...). It
// is a value, not an error: a Go error is for problems with the program or
// its input. Results name reasons by their String form.
type Reason = strategies.Reason

// maxReasons bounds Reason values: strategies.ReasonSet is a 32-bit set,
// so there are at most 32 reasons. Per-reason counters are arrays of this
// size.
const maxReasons = 32
