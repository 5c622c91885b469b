package tui

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/scenarios/session"
)

// The run view's client controls: each turns the clients' knobs into the
// interventions one key press makes, or says why there are none.

// scaleRate multiplies every open client's current rate by f, from now on.
func scaleRate(knobs []session.ClientKnob, f float64) ([]session.Intervention, string) {
	var ivs []session.Intervention
	for _, c := range knobs {
		if !c.Open || c.Rate <= 0 {
			continue
		}
		ivs = append(ivs, session.Intervention{Kind: session.SetRate, Client: c.Name, Rate: roundSig(c.Rate*f, 3)})
	}
	return ivs, "no open-loop client with a rate to change"
}

// scaleTimeout multiplies every client's timeout by f (whole run).
func scaleTimeout(knobs []session.ClientKnob, f float64) ([]session.Intervention, string) {
	var ivs []session.Intervention
	for _, c := range knobs {
		if c.Timeout <= 0 {
			continue
		}
		d := time.Duration(float64(c.Timeout) * f).Round(time.Millisecond)
		ivs = append(ivs, session.Intervention{Kind: session.SetTimeout, Client: c.Name, Timeout: max(d, time.Millisecond)})
	}
	return ivs, "no client has a timeout to change"
}

// addRetries changes every client's retry attempts (retry.attempts) by
// delta, within [1, maxAttempts] (1: no retries), for the whole run.
func addRetries(knobs []session.ClientKnob, delta int) ([]session.Intervention, string) {
	var ivs []session.Intervention
	for _, c := range knobs {
		if !c.HasAttempts {
			continue
		}
		n := max(c.Attempts, 1) // zero means the default: one attempt
		if m := min(max(n+int64(delta), 1), maxAttempts); m != n {
			ivs = append(ivs, session.Intervention{Kind: session.SetRetries, Client: c.Name, Attempts: int(m)})
		}
	}
	return ivs, fmt.Sprintf("no change: a client makes 1 to %d attempts", maxAttempts)
}
