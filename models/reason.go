package models

import "strconv"

// Reason is the outcome of an attempt or a call: OK, or why it failed. It is
// a value, not an error (a Go error is for problems with the program or its
// input). The zero Reason is OK.
type Reason uint8

// Reasons. Those after Abandoned are produced by the strategies (shedding,
// rate limiting, breakers, throttling, concurrency limits, deadline checks
// at dequeue); they are listed here so that every layer counts failures in
// one table.
const (
	OK                 Reason = iota // success
	Timeout                          // the attempt's timeout fired first (counted when it fires)
	DeadlineExceeded                 // the call's deadline passed before any attempt succeeded
	QueueFull                        // the replica's queue was at its limit on arrival
	Error                            // the server answered with an error (its own, or a failed downstream call)
	Outage                           // the service (or replica) was down and answered at once
	Loss                             // a message was lost (reserved: callers only learn by their timeout)
	Abandoned                        // the caller gave up on the call (a client restart)
	Shed                             // a load shedder rejected it
	RateLimited                      // a rate limiter rejected it
	BreakerOpen                      // a circuit breaker rejected it on the client
	Throttled                        // client-side adaptive throttling rejected it
	ConcurrencyLimited               // a concurrency limit (bulkhead, adaptive limit) rejected it
	Expired                          // dropped at dequeue: its deadline had passed

	numReasons
)

// NumReasons is the number of defined Reasons; Reason values are below it.
const NumReasons = int(numReasons)

var reasonNames = [numReasons]string{
	OK:                 "ok",
	Timeout:            "timeout",
	DeadlineExceeded:   "deadline_exceeded",
	QueueFull:          "queue_full",
	Error:              "error",
	Outage:             "outage",
	Loss:               "loss",
	Abandoned:          "abandoned",
	Shed:               "shed",
	RateLimited:        "rate_limited",
	BreakerOpen:        "breaker_open",
	Throttled:          "throttled",
	ConcurrencyLimited: "concurrency_limited",
	Expired:            "expired",
}

// String returns the reason's name as it appears in results ("timeout",
// "queue_full", ...).
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// ParseReason returns the Reason named s, and whether there is one.
func ParseReason(s string) (Reason, bool) {
	for i, n := range reasonNames {
		if n == s {
			return Reason(i), true
		}
	}
	return 0, false
}
