package config

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// FieldError is one problem with a Config: Path names the field the way a
// scenario file spells it, with list entries by name where they have one
// ("services[api].workers", "faults[2].factor"), and Msg says what is wrong
// and what would be valid.
type FieldError struct {
	// Path is the key path, e.g. "services[api].queue.limit".
	Path string
	// Msg says what is wrong and what would be valid.
	Msg string
}

// Error returns "path: msg".
func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

// Validate checks a Config after ApplyDefaults and returns nil or every
// problem found, joined (errors.Join of *FieldError, in a fixed order).
func (c *Config) Validate() error {
	v := validator{}
	v.config(c)
	return errors.Join(v.errs...)
}

// ValidateFault checks one fault f, after ApplyDefaults, against the
// services, caches and clients of c (a running world's, for a fault
// injected during the run), with paths under "fault". It returns nil or
// every problem found, joined.
func (c *Config) ValidateFault(f *FaultConfig) error {
	var v validator
	kinds := map[string]string{}
	for _, s := range c.Services {
		kinds[s.Name] = "service"
	}
	for _, ca := range c.Caches {
		kinds[ca.Name] = "cache"
	}
	for _, cl := range c.Clients {
		kinds[cl.Name] = "client"
	}
	v.fault("fault", f, c, kinds)
	return errors.Join(v.errs...)
}

type validator struct {
	errs []error
}

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) positiveDur(path string, d time.Duration) {
	if d <= 0 {
		v.add(path, "must be > 0, got %v", d)
	}
}

func (v *validator) nonNegDur(path string, d time.Duration) {
	if d < 0 {
		v.add(path, "must be >= 0, got %v", d)
	}
}

func (v *validator) prob(path string, p float64, allowOne bool) {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		v.add(path, "must be a probability in [0, 1], got %v", p)
	case p == 1 && !allowOne:
		v.add(path, "must be < 1 (a link that loses everything is an outage), got %v", p)
	}
}

// finiteNonNeg reports whether x is a finite number >= 0, and an error
// if not.
func (v *validator) finiteNonNeg(path string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		v.add(path, "must be a finite number >= 0, got %v", x)
		return false
	}
	return true
}

// validName reports whether s is a usable name: not empty, only letters,
// digits, '_' and '-' (no '.': names appear in dotted paths such as
// "services.api.wait_s.mean").
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		ok := r == '_' || r == '-' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

func entry(list string, i int, name string) string {
	if validName(name) {
		return fmt.Sprintf("%s[%s]", list, name)
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

func (v *validator) config(c *Config) {
	v.cost(c)
	v.positiveDur("duration", c.Duration)
	v.positiveDur("interval", c.Interval)
	if c.Interval > 0 && c.Duration > 0 && c.Duration/c.Interval > 10_000_000 {
		v.add("interval", "gives %d intervals over duration %v; at most 10000000", c.Duration/c.Interval, c.Duration)
	}

	kinds := map[string]string{} // name -> "service" | "cache" | "client"
	name := func(list string, i int, n, kind string) {
		path := fmt.Sprintf("%s[%d].name", list, i)
		if !validName(n) {
			v.add(path, "must be a non-empty name of letters, digits, '_' or '-', got %q", n)
			return
		}
		if prev, dup := kinds[n]; dup {
			v.add(path, "%q is already the name of a %s; names must be unique", n, prev)
			return
		}
		kinds[n] = kind
	}
	for i := range c.Services {
		name("services", i, c.Services[i].Name, "service")
	}
	for i := range c.Caches {
		name("caches", i, c.Caches[i].Name, "cache")
	}
	for i := range c.Clients {
		name("clients", i, c.Clients[i].Name, "client")
	}
	targets := func() string {
		var ts []string
		for _, s := range c.Services {
			ts = append(ts, s.Name)
		}
		for _, ca := range c.Caches {
			ts = append(ts, ca.Name)
		}
		if len(ts) == 0 {
			return "none defined"
		}
		return strings.Join(ts, ", ")
	}
	target := func(path, t string) {
		if k := kinds[t]; k != "service" && k != "cache" {
			v.add(path, "%q is not a service or cache (have: %s)", t, targets())
		}
	}

	for i := range c.Services {
		s := &c.Services[i]
		p := entry("services", i, s.Name)
		if s.Replicas < 1 {
			v.add(p+".replicas", "must be >= 1, got %d", s.Replicas)
		} else if s.Replicas > MaxReplicas {
			v.add(p+".replicas", "must be at most %d, the limit on a service's replicas (each holds its own queue and workers: give each more workers instead), got %d", MaxReplicas, s.Replicas)
		}
		if s.Workers < 1 {
			v.add(p+".workers", "must be >= 1, got %d", s.Workers)
		}
		if s.Queue.Limit != nil && *s.Queue.Limit < 0 {
			v.add(p+".queue.limit", "must be >= 0 (omit it for an unbounded queue), got %d", *s.Queue.Limit)
		}
		v.serviceStrategies(p, s)
		if s.ServiceTime == nil {
			v.add(p+".service_time", "is required (a distribution such as \"exp(20ms)\")")
		}
		switch s.Balancer {
		case RoundRobin, Random, LeastOutstanding, PowerOfTwo, WeightedRoundRobin, RingHash:
		default:
			v.add(p+".balancer", "must be one of round_robin, random, least_outstanding, p2c, weighted_round_robin, ring_hash, got %q", s.Balancer)
		}
		v.balancer(p, s)
		switch s.Fanout {
		case Sequential, Parallel:
		default:
			v.add(p+".fanout", "must be one of sequential, parallel, got %q", s.Fanout)
		}
		v.prob(p+".error_rate", s.ErrorRate, true)
		for j := range s.Calls {
			cc := &s.Calls[j]
			cp := fmt.Sprintf("%s.calls[%d]", p, j)
			target(cp+".target", cc.Target)
			// an edge is named caller->target: two entries would share
			// the name, their results, faults and SLOs
			for k := range j {
				if s.Calls[k].Target == cc.Target {
					v.add(cp+".target", "%q is already called by calls[%d]; one entry per target (count sets several calls per request, probability how often, paths which calls go together)", cc.Target, k)
					break
				}
			}
			if cc.Count < 1 || cc.Count > 1000 {
				v.add(cp+".count", "must be in [1, 1000], got %d", cc.Count)
			}
			if p := cc.Probability; p != nil && !(*p >= 0 && *p <= 1) {
				v.add(cp+".probability", "must be in [0, 1], got %v", *p)
			}
			v.link(cp+".link", &cc.Link)
			v.policy(cp, &cc.ClientPolicy)
			v.outlierOn(cp, &cc.ClientPolicy, cc.Target, kinds)
		}
	}

	for i := range c.Caches {
		ca := &c.Caches[i]
		p := entry("caches", i, ca.Name)
		if kinds[ca.Backend] != "service" {
			v.add(p+".backend", "%q is not a service (have: %s)", ca.Backend, namesOf(c, "service"))
		}
		if ca.Keys < 1 || ca.Keys > MaxCacheKeys {
			v.add(p+".keys", "must be in [1, %d], got %d", MaxCacheKeys, ca.Keys)
		}
		if math.IsNaN(ca.Zipf) || ca.Zipf < 0 || ca.Zipf > 10 {
			v.add(p+".zipf", "must be in [0, 10] (0 is uniform), got %v", ca.Zipf)
		}
		v.nonNegDur(p+".ttl", ca.TTL)
		if ca.Capacity < 1 || ca.Capacity > ca.Keys {
			v.add(p+".capacity", "must be in [1, keys=%d], got %d", ca.Keys, ca.Capacity)
		}
		v.link(p+".link", &ca.Link)
		v.policy(p, &ca.ClientPolicy)
		v.cacheStrategies(p, ca)
	}
	v.fallbackCalls(c, kinds)
	v.cycles(c)

	for i := range c.Clients {
		cl := &c.Clients[i]
		p := entry("clients", i, cl.Name)
		target(p+".target", cl.Target)
		v.link(p+".link", &cl.Link)
		v.policy(p, &cl.ClientPolicy)
		v.outlierOn(p, &cl.ClientPolicy, cl.Target, kinds)
		switch cl.Model {
		case Open, PartlyOpen:
			v.open(p, cl)
		case Closed:
			if cl.Users < 1 || cl.Users > 10_000_000 {
				v.add(p+".users", "must be in [1, 10000000] for a closed client, got %d", cl.Users)
			}
			if cl.Rate != 0 || len(cl.Schedule) > 0 || cl.Burst.Size != 0 {
				v.add(p+".rate", "rate, schedule and burst are for open and partly_open clients; a closed client has users and think")
			}
		default:
			v.add(p+".model", "must be one of open, closed, partly_open, got %q", cl.Model)
		}
		if cl.Model == PartlyOpen {
			if cl.CallsPerSession < 1 || cl.CallsPerSession > 1_000_000 {
				v.add(p+".calls_per_session", "must be in [1, 1000000] for a partly_open client, got %d", cl.CallsPerSession)
			}
		} else if cl.CallsPerSession != 0 {
			v.add(p+".calls_per_session", "is only for partly_open clients")
		}
		if cl.Model != Closed && cl.Users != 0 {
			v.add(p+".users", "is only for closed clients")
		}
		v.replay(p, cl, int64(c.Duration))
	}

	for i := range c.Faults {
		v.fault(fmt.Sprintf("faults[%d]", i), &c.Faults[i], c, kinds)
	}
	v.jobs(c, kinds)

	r := &c.Recovery
	if !(r.Tolerance > 0 && r.Tolerance < 1) {
		v.add("recovery.tolerance", "must be in (0, 1), got %v", r.Tolerance)
	}
	v.positiveDur("recovery.hold", r.Hold)
	if r.Warmup != nil {
		v.nonNegDur("recovery.warmup", *r.Warmup)
	}
	if !(r.Collapse > 0 && r.Collapse < 1) {
		v.add("recovery.collapse", "must be in (0, 1), got %v", r.Collapse)
	}
	if c.Limits.MaxInFlight < 1 {
		v.add("limits.max_in_flight", "must be >= 1, got %d", c.Limits.MaxInFlight)
	}
	v.slos(c)
	v.traces(c)
}

func (v *validator) link(path string, l *LinkConfig) {
	v.prob(path+".loss", l.Loss, false)
}

func (v *validator) policy(path string, p *ClientPolicy) {
	v.nonNegDur(path+".timeout", p.Timeout)
	v.nonNegDur(path+".deadline", p.Deadline)
	v.clientStrategies(path, p)
	v.fallback(path, p.Fallback)
}

// outlierOn checks that a policy with outlier detection calls a service
// (a cache has no replicas to eject).
func (v *validator) outlierOn(p string, cp *ClientPolicy, target string, kinds map[string]string) {
	if cp.Outlier != nil && kinds[target] == "cache" {
		v.add(p+".outlier_detection", "ejects replicas of a service; %q is a cache", target)
	}
}

func (v *validator) open(p string, cl *ClientConfig) {
	switch cl.Arrival {
	case Poisson, Constant:
	default:
		v.add(p+".arrival", "must be one of poisson, constant, got %q", cl.Arrival)
	}
	if v.finiteNonNeg(p+".rate", cl.Rate) && cl.Rate > 1e9 {
		v.add(p+".rate", "must be <= 1e9 per second, got %v", cl.Rate)
	}
	var prev time.Duration = -1
	for j, pt := range cl.Schedule {
		sp := fmt.Sprintf("%s.schedule[%d]", p, j)
		if pt.At <= prev || pt.At < 0 {
			v.add(sp+".at", "must be >= 0 and after the previous point (%v), got %v", max(prev, 0), pt.At)
		}
		if pt.Ramp && pt.At == 0 {
			v.add(sp+".at", "a ramp needs time to ramp over: at must be > 0")
		}
		prev = pt.At
		if v.finiteNonNeg(sp+".rate", pt.Rate) && pt.Rate > 1e9 {
			v.add(sp+".rate", "must be <= 1e9 per second, got %v", pt.Rate)
		}
	}
	b := cl.Burst
	if b.Size < 0 || b.Size > 10_000_000 {
		v.add(p+".burst.size", "must be in [0, 10000000], got %d", b.Size)
	}
	if b.Size > 0 {
		v.positiveDur(p+".burst.every", b.Every)
		v.nonNegDur(p+".burst.start", b.Start)
	}
}

func (v *validator) fault(p string, f *FaultConfig, c *Config, kinds map[string]string) {
	v.nonNegDur(p+".at", f.At)
	switch {
	case f.Kind.Instantaneous():
		v.nonNegDur(p+".for", f.For)
	case f.Kind.isDeploy(): // computed; deploy says what is missing
	default:
		v.positiveDur(p+".for", f.For)
	}
	service := func() {
		if kinds[f.Target] != "service" {
			v.add(p+".target", "%q is not a service (have: %s)", f.Target, namesOf(c, "service"))
		}
	}
	client := func() {
		if f.Target != "*" && kinds[f.Target] != "client" {
			v.add(p+".target", "%q is not a client (have: %s; or \"*\" for all clients)", f.Target, namesOf(c, "client"))
		}
	}
	if f.ReplicasHit != nil {
		v.replicasHit(p, f, c)
	}
	switch f.Kind {
	case FaultSlowdown:
		service()
		if !(f.Factor > 0) || math.IsInf(f.Factor, 0) {
			v.add(p+".factor", "must be > 0 (service time x factor), got %v", f.Factor)
		}
	case FaultPause:
		service()
	case FaultCapacityLoss:
		service()
		if (f.Workers > 0) == (f.Replicas > 0) {
			v.add(p+".workers", "set exactly one of workers (per replica) or replicas, both > 0")
		}
		if f.Workers < 0 {
			v.add(p+".workers", "must be >= 0, got %d", f.Workers)
		}
		if f.Replicas < 0 {
			v.add(p+".replicas", "must be >= 0, got %d", f.Replicas)
		}
	case FaultOutage:
		service()
		if f.Mode != FailFast && f.Mode != BlackHole {
			v.add(p+".mode", "must be one of fail_fast, black_hole, got %q", f.Mode)
		}
	case FaultErrorRate:
		service()
		v.prob(p+".probability", f.Probability, true)
	case FaultNetwork:
		if from, to, ok := strings.Cut(f.Target, "->"); ok {
			if !edgeExists(c, from, to) {
				v.add(p+".target", "%q is not an edge: no service or cache %q calls %q", f.Target, from, to)
			}
		} else if k := kinds[f.Target]; k == "" {
			v.add(p+".target", "%q is not a client, service, cache or \"from->to\" edge (have: %s)", f.Target, namesOf(c, "client", "service", "cache"))
		}
		v.prob(p+".loss", f.Loss, true)
		if f.Latency == nil && f.Loss == 0 {
			v.add(p+".latency", "a network fault needs latency or loss")
		}
	case FaultLoadSpike:
		client()
		if !(f.Factor >= 0) || math.IsInf(f.Factor, 0) {
			v.add(p+".factor", "must be >= 0, got %v", f.Factor)
		}
		v.finiteNonNeg(p+".extra", f.Extra)
		if f.Target != "*" {
			for _, cl := range c.Clients {
				if cl.Name == f.Target && cl.Model == Closed {
					v.add(p+".target", "%q is a closed client; a load spike needs an open or partly_open one", f.Target)
				}
				if cl.Name == f.Target && cl.Replay.Timestamps.Path != "" {
					v.add(p+".target", "%q replays recorded timestamps, which a load spike cannot change; use its replay.scale, or add a second client", f.Target)
				}
			}
		}
	case FaultCacheFlush:
		if kinds[f.Target] != "cache" {
			v.add(p+".target", "%q is not a cache (have: %s)", f.Target, namesOf(c, "cache"))
		}
	case FaultClientRestart:
		client()
		if f.Calls < 0 || f.Calls > 10_000_000 {
			v.add(p+".calls", "must be in [0, 10000000], got %d", f.Calls)
		}
	case FaultRollingDeploy, FaultBadDeploy:
		service()
		v.deploy(p, f, c)
	default:
		v.add(p+".kind", "must be one of slowdown, pause, capacity_loss, outage, error_rate, network, load_spike, cache_flush, client_restart, rolling_deploy, bad_deploy, got %q", f.Kind)
	}
}

// replicasHit checks a gray failure's replicas_hit: a slowdown, error
// rate or outage, on at least one and at most all of its service's
// replicas.
func (v *validator) replicasHit(p string, f *FaultConfig, c *Config) {
	switch f.Kind {
	case FaultSlowdown, FaultErrorRate, FaultOutage:
	default:
		v.add(p+".replicas_hit", "applies to slowdown, error_rate and outage faults only, not %s", f.Kind)
		return
	}
	for i := range c.Services {
		if s := &c.Services[i]; s.Name == f.Target && (*f.ReplicasHit < 1 || *f.ReplicasHit > s.Replicas) {
			v.add(p+".replicas_hit", "must be in [1, replicas=%d] of %q, got %d", s.Replicas, s.Name, *f.ReplicasHit)
		}
	}
}

// namesOf lists the names of c's services, caches and clients of the
// given kinds ("service", "cache", "client"), or says there are none.
func namesOf(c *Config, kinds ...string) string {
	var names []string
	for _, k := range kinds {
		switch k {
		case "service":
			for _, s := range c.Services {
				names = append(names, s.Name)
			}
		case "cache":
			for _, ca := range c.Caches {
				names = append(names, ca.Name)
			}
		case "client":
			for _, cl := range c.Clients {
				names = append(names, cl.Name)
			}
		}
	}
	if len(names) == 0 {
		return "none defined"
	}
	return strings.Join(names, ", ")
}

// edgeExists reports whether from->to names an edge: a service's call,
// a cache's backend, or the call of a fallback to its secondary.
func edgeExists(c *Config, from, to string) bool {
	for _, s := range c.Services {
		if s.Name == from {
			for _, cc := range s.Calls {
				if cc.Target == to || cc.Fallback.Secondary() == to {
					return true
				}
			}
		}
	}
	for _, ca := range c.Caches {
		if ca.Name == from && (ca.Backend == to || ca.Fallback.Secondary() == to) {
			return true
		}
	}
	for _, cl := range c.Clients {
		if cl.Name == from && cl.Fallback.Secondary() == to {
			return true
		}
	}
	for _, j := range c.Jobs {
		if j.Name == from && j.Fallback.Secondary() == to {
			return true
		}
	}
	return false
}

// cycles reports a cycle in the call graph (services and caches): a call
// that leads back to its caller would never finish.
func (v *validator) cycles(c *Config) {
	next := map[string][]string{}
	for _, s := range c.Services {
		for _, cc := range s.Calls {
			next[s.Name] = append(next[s.Name], cc.Target)
			if to := cc.Fallback.Secondary(); to != "" {
				next[s.Name] = append(next[s.Name], to)
			}
		}
	}
	for _, ca := range c.Caches {
		next[ca.Name] = append(next[ca.Name], ca.Backend)
		if to := ca.Fallback.Secondary(); to != "" {
			next[ca.Name] = append(next[ca.Name], to)
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(n string) bool
	visit = func(n string) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range next[n] {
			switch color[m] {
			case grey:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				cyc := append(append([]string{}, stack[i:]...), m)
				v.add("services", "the call graph has a cycle: %s", strings.Join(cyc, " -> "))
				return true
			case white:
				if visit(m) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	var roots []string
	for _, s := range c.Services {
		roots = append(roots, s.Name)
	}
	for _, ca := range c.Caches {
		roots = append(roots, ca.Name)
	}
	for _, r := range roots {
		if color[r] == white && visit(r) {
			return
		}
	}
}
