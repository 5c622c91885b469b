package strategies

import (
	"fmt"
	"strings"
)

// Reason is the outcome of an attempt or a call: ReasonOK, or why it
// failed. It is a value, not an error: a failed request is an ordinary
// outcome of a simulation. The zero Reason is ReasonOK (no failure). Models
// use Reason as the failure reason type.
type Reason uint8

// The failure reasons. Their String forms are the names used in scenario
// files and results.
const (
	ReasonOK                 Reason = iota // not a failure: success
	ReasonTimeout                          // the client's per-attempt timeout fired
	ReasonShed                             // a server's load shedder rejected it
	ReasonRateLimited                      // a rate limiter rejected it
	ReasonBreakerOpen                      // the client's circuit breaker rejected it
	ReasonQueueFull                        // the server's queue was at its limit
	ReasonError                            // the server failed it (an injected error)
	ReasonDeadlineExceeded                 // the call's overall deadline passed
	ReasonThrottled                        // client-side adaptive throttling rejected it
	ReasonConcurrencyLimited               // a concurrency limit (bulkhead or adaptive) rejected it
	ReasonDropped                          // an active queue manager (CoDel) dropped it
	ReasonExpired                          // dropped at dequeue because its deadline had passed
	ReasonLoss                             // lost in the network
	ReasonOutage                           // the service (or replica) was down and answered at once
	ReasonAbandoned                        // the caller gave up on the call (e.g. a client restart)
	ReasonReneged                          // it left the server's queue when its patience ran out (queue.patience)
	ReasonFallback                         // it failed, and the caller answered with its fallback instead (a degraded answer)
	numReasons
)

var reasonNames = [numReasons]string{
	ReasonOK:                 "ok",
	ReasonTimeout:            "timeout",
	ReasonShed:               "shed",
	ReasonRateLimited:        "rate_limited",
	ReasonBreakerOpen:        "breaker_open",
	ReasonQueueFull:          "queue_full",
	ReasonError:              "error",
	ReasonDeadlineExceeded:   "deadline_exceeded",
	ReasonThrottled:          "throttled",
	ReasonConcurrencyLimited: "concurrency_limited",
	ReasonDropped:            "dropped",
	ReasonExpired:            "expired",
	ReasonLoss:               "loss",
	ReasonOutage:             "outage",
	ReasonAbandoned:          "abandoned",
	ReasonReneged:            "reneged",
	ReasonFallback:           "fallback",
}

// String returns the reason's name, e.g. "rate_limited".
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Reasons returns every failure reason (ReasonOK excluded) in a fixed
// order.
func Reasons() []Reason {
	out := make([]Reason, 0, numReasons-1)
	for r := ReasonOK + 1; r < numReasons; r++ {
		out = append(out, r)
	}
	return out
}

// ParseReason returns the Reason named s (as printed by String), "ok"
// included.
func ParseReason(s string) (Reason, error) {
	for r := Reason(0); r < numReasons; r++ {
		if reasonNames[r] == s {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown reason %q: valid reasons are %s", s, strings.Join(reasonNames[1:], ", "))
}

// ReasonSet is a set of failure reasons, e.g. the reasons a retry policy
// retries. The zero ReasonSet is empty. It is a bit set: membership tests
// allocate nothing.
type ReasonSet uint32

// ReasonSetOf returns the set holding rs.
func ReasonSetOf(rs ...Reason) ReasonSet {
	var s ReasonSet
	for _, r := range rs {
		s = s.With(r)
	}
	return s
}

// With returns s with r added.
func (s ReasonSet) With(r Reason) ReasonSet { return s | 1<<r }

// Has reports whether r is in s.
func (s ReasonSet) Has(r Reason) bool { return r < numReasons && s&(1<<r) != 0 }

// Len returns the number of reasons in s.
func (s ReasonSet) Len() int {
	n := 0
	for r := Reason(0); r < numReasons; r++ {
		if s.Has(r) {
			n++
		}
	}
	return n
}

// String returns the reasons' names joined by commas in a fixed order, e.g.
// "timeout,shed"; the empty set prints as "".
func (s ReasonSet) String() string {
	var b strings.Builder
	for r := Reason(0); r < numReasons; r++ {
		if s.Has(r) {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(reasonNames[r])
		}
	}
	return b.String()
}

// FailureSet parses names as failure reasons (not ok, and not fallback,
// which is a caller's answer, not a failure to react to) into a set;
// bad is the index of the first name that is none, -1 when all are.
func FailureSet(names []string) (set ReasonSet, bad int) {
	for i, name := range names {
		r, err := ParseReason(name)
		if err != nil || r == ReasonOK || r == ReasonFallback {
			return set, i
		}
		set = set.With(r)
	}
	return set, -1
}

// FailureNames lists the failure reasons FailureSet accepts, for error
// messages.
func FailureNames() string {
	var ns []string
	for _, r := range Reasons() {
		if r != ReasonFallback {
			ns = append(ns, r.String())
		}
	}
	return strings.Join(ns, ", ")
}

// ParseReasonSet parses a comma-separated list of reason names (spaces
// around names are ignored); "" is the empty set.
func ParseReasonSet(s string) (ReasonSet, error) {
	var set ReasonSet
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	for _, f := range strings.Split(s, ",") {
		r, err := ParseReason(strings.TrimSpace(f))
		if err != nil {
			return 0, err
		}
		set = set.With(r)
	}
	return set, nil
}
