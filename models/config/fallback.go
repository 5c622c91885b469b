package config

import (
	"fmt"
	"time"

	"github.com/stampede-sim/stampede/strategies"
)

// FallbackConfig is a caller's fallback: a call that ends in one of the
// failures On (after its retries) is answered with a degraded answer: its
// caller goes on as after a success, and it is counted apart, under the
// reason fallback (Nygard, Release It!, 2nd ed., "Fail Fast" and its
// fallbacks; Hystrix's getFallback). The answer is the caller's own,
// Latency later, or, with Call, that of a secondary service called
// instead (Hystrix's "fallback via network": the fallback is a command
// of its own, with its own timeout).
type FallbackConfig struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	strategies.Switch
	// On are the failure reasons the fallback answers; empty means every
	// failure.
	On []string `toml:"on"`
	// Latency is how long producing the fallback answer takes, >= 0.
	// Only without Call.
	Latency time.Duration `toml:"latency"`
	// Call names a service or cache to call instead (a stale cache, a
	// static copy, a degraded replica set): one call, not retried, over
	// the same link as the call that failed, on the edge "caller->Call".
	// Its success is the fallback answer; its failure leaves the call's
	// own failure standing. Empty means the caller answers itself.
	Call string `toml:"call"`
	// Timeout is the timeout of the call to Call, >= 0; zero means none.
	// Only with Call.
	Timeout time.Duration `toml:"timeout"`

	// covers is On as a set (every failure when On is empty), made by
	// ApplyDefaults.
	covers strategies.ReasonSet
}

// Covers reports whether f answers a call that failed with r; false for a
// nil f (no fallback).
func (f *FallbackConfig) Covers(r strategies.Reason) bool {
	return f != nil && f.covers.Has(r)
}

// Secondary returns the service or cache f calls instead; "" for a nil f
// or one that answers itself.
func (f *FallbackConfig) Secondary() string {
	if f == nil {
		return ""
	}
	return f.Call
}

// applyDefaults makes the set of reasons f answers.
func (f *FallbackConfig) applyDefaults() {
	if len(f.On) == 0 {
		for _, r := range strategies.Reasons() {
			if r != strategies.ReasonFallback {
				f.covers = f.covers.With(r)
			}
		}
		return
	}
	f.covers, _ = strategies.FailureSet(f.On) // validated
}

// fallback checks the fallback f of the policy at path (nil: none).
func (v *validator) fallback(path string, f *FallbackConfig) {
	if f == nil {
		return
	}
	v.nonNegDur(path+".fallback.latency", f.Latency)
	v.nonNegDur(path+".fallback.timeout", f.Timeout)
	for i, o := range f.On {
		if _, bad := strategies.FailureSet([]string{o}); bad >= 0 {
			v.add(fmt.Sprintf("%s.fallback.on[%d]", path, i), "must be a failure reason (%s), got %q", strategies.FailureNames(), o)
		}
	}
	if f.Call == "" {
		if f.Timeout != 0 {
			v.add(path+".fallback.timeout", "times the call to a secondary service: set fallback.call, or drop the timeout")
		}
		return
	}
	if f.Latency != 0 {
		v.add(path+".fallback.latency", "times the caller's own answer; with fallback.call the answer takes what the call to the secondary takes: drop latency or call")
	}
}

// fallbackCalls checks the secondaries the fallbacks call: a service or a
// cache, not the call's own target, and not one the caller already calls
// (the fallback's edge is "caller->secondary").
func (v *validator) fallbackCalls(c *Config, kinds map[string]string) {
	check := func(path, caller, target string, f *FallbackConfig, calls []string) {
		to := f.Secondary()
		if to == "" {
			return
		}
		p := path + ".fallback.call"
		switch {
		case kinds[to] != "service" && kinds[to] != "cache":
			v.add(p, "%q is not a service or cache (have: %s)", to, namesOf(c, "service", "cache"))
		case to == target:
			v.add(p, "%q is the call's own target: a fallback calls a secondary", to)
		default:
			n := 0
			for _, t := range calls {
				if t == to {
					n++
				}
			}
			if n > 1 {
				v.add(p, "%s already calls %q: the fallback's edge %s->%s would be another's", caller, to, caller, to)
			}
		}
	}
	for i := range c.Services {
		s := &c.Services[i]
		calls := edgesOf(c, s.Name)
		for j := range s.Calls {
			cc := &s.Calls[j]
			check(fmt.Sprintf("%s.calls[%d]", entry("services", i, s.Name), j), s.Name, cc.Target, cc.Fallback, calls)
		}
	}
	for i := range c.Caches {
		ca := &c.Caches[i]
		check(entry("caches", i, ca.Name), ca.Name, ca.Backend, ca.Fallback, edgesOf(c, ca.Name))
	}
	for i := range c.Clients {
		cl := &c.Clients[i]
		check(entry("clients", i, cl.Name), cl.Name, cl.Target, cl.Fallback, edgesOf(c, cl.Name))
	}
	for i := range c.Jobs {
		j := &c.Jobs[i]
		check(entry("jobs", i, j.Name), j.Name, j.Target, j.Fallback, edgesOf(c, j.Name))
	}
}

// edgesOf lists the targets caller's edges lead to: its calls (a
// service's), backend (a cache's) or target (a client's or job's), and
// the secondaries of its fallbacks.
func edgesOf(c *Config, caller string) []string {
	var to []string
	add := func(target string, f *FallbackConfig) {
		to = append(to, target)
		if s := f.Secondary(); s != "" {
			to = append(to, s)
		}
	}
	for i := range c.Services {
		if s := &c.Services[i]; s.Name == caller {
			for j := range s.Calls {
				add(s.Calls[j].Target, s.Calls[j].Fallback)
			}
		}
	}
	for i := range c.Caches {
		if ca := &c.Caches[i]; ca.Name == caller {
			add(ca.Backend, ca.Fallback)
		}
	}
	for i := range c.Clients {
		if cl := &c.Clients[i]; cl.Name == caller {
			add(cl.Target, cl.Fallback)
		}
	}
	for i := range c.Jobs {
		if j := &c.Jobs[i]; j.Name == caller {
			add(j.Target, j.Fallback)
		}
	}
	return to
}

// EdgeNames returns the names of c's call edges ("from->to"), in the
// world's order: the services' calls, the caches' backends, then the
// calls of fallbacks to their secondaries (the clients', the services'
// and caches', the jobs'). A client's or job's own edge is named for it
// and is not among them.
func (c *Config) EdgeNames() []string {
	var names, alt []string
	second := func(caller string, f *FallbackConfig) {
		if s := f.Secondary(); s != "" {
			alt = append(alt, caller+"->"+s)
		}
	}
	for i := range c.Clients {
		second(c.Clients[i].Name, c.Clients[i].Fallback)
	}
	for _, s := range c.Services {
		for _, cc := range s.Calls {
			names = append(names, s.Name+"->"+cc.Target)
			second(s.Name, cc.Fallback)
		}
	}
	for _, ca := range c.Caches {
		names = append(names, ca.Name+"->"+ca.Backend)
		second(ca.Name, ca.Fallback)
	}
	for i := range c.Jobs {
		second(c.Jobs[i].Name, c.Jobs[i].Fallback)
	}
	return append(names, alt...)
}
