package config

import (
	"fmt"
	"time"
)

// JobKind is how a job propagates changes to its nodes.
type JobKind string

// Job kinds (MacCárthaigh, "Reliability, and constant work", AWS Builders'
// Library; REFERENCES §11).
const (
	// ConstantWork pushes the full state to every node every period,
	// whatever changed: Nodes calls per period, always.
	ConstantWork JobKind = "constant_work"
	// EventDriven pushes each change to every node when it happens: Nodes
	// calls per change, so the work follows the changes (and a burst of
	// changes is a burst of work).
	EventDriven JobKind = "event_driven"
)

// JobConfig is a background job that propagates changes (say, of a
// configuration) to Nodes nodes, each push being a call to Target. The
// lesson is the comparison of its two kinds under a burst of changes:
// constant work does the same work every period and its propagation delay
// stays bounded; event-driven work is cheap while little changes and
// floods Target when much does.
type JobConfig struct {
	// Name identifies the job; unique among services, caches, clients
	// and jobs.
	Name string `toml:"name"`
	// Kind is constant_work or event_driven. Required.
	Kind JobKind `toml:"kind"`
	// Target names the service or cache that receives the pushes.
	// Required.
	Target string `toml:"target"`
	// Every is the period of a constant_work job (its first push is at
	// Every). Required for constant_work; not used by event_driven.
	Every time.Duration `toml:"every"`
	// Nodes is the number of nodes each push goes to, in [1, 1e6].
	// Required.
	Nodes int `toml:"nodes"`
	// Changes is the rate of changes (Poisson), changes/s. Zero means
	// none besides the bursts.
	Changes float64 `toml:"changes"`
	// Bursts are changes arriving at one instant.
	Bursts []ChangeBurst `toml:"bursts"`
	// Link is the network between the job and Target.
	Link LinkConfig `toml:"link"`
	// ClientPolicy is the job's policy on its calls (timeout, retry, ...).
	ClientPolicy
}

// ChangeBurst is Changes changes arriving at the same instant At.
type ChangeBurst struct {
	// At is the time of the burst since the start of the run.
	At time.Duration `toml:"at"`
	// Changes is how many changes arrive, in [1, 1e7].
	Changes int `toml:"changes"`
}

// validateJobs checks the jobs of c; kinds holds the names of services,
// caches and clients.
func (v *validator) jobs(c *Config, kinds map[string]string) {
	seen := map[string]bool{}
	for i := range c.Jobs {
		jc := &c.Jobs[i]
		p := entry("jobs", i, jc.Name)
		switch {
		case !validName(jc.Name):
			v.add(fmt.Sprintf("jobs[%d].name", i), "must be a non-empty name of letters, digits, '_' or '-', got %q", jc.Name)
		case kinds[jc.Name] != "":
			v.add(p+".name", "%q is already the name of a %s; names must be unique", jc.Name, kinds[jc.Name])
		case seen[jc.Name]:
			v.add(p+".name", "%q is already the name of a job; names must be unique", jc.Name)
		}
		seen[jc.Name] = true
		if k := kinds[jc.Target]; k != "service" && k != "cache" {
			v.add(p+".target", "%q is not a service or cache (have: %s)", jc.Target, namesOf(c, "service", "cache"))
		}
		switch jc.Kind {
		case ConstantWork:
			v.positiveDur(p+".every", jc.Every)
		case EventDriven:
			if jc.Every != 0 {
				v.add(p+".every", "is for constant_work (an event_driven job pushes each change when it happens)")
			}
		default:
			v.add(p+".kind", "must be one of constant_work, event_driven, got %q", jc.Kind)
		}
		if jc.Nodes < 1 || jc.Nodes > 1_000_000 {
			v.add(p+".nodes", "must be in [1, 1000000], got %d", jc.Nodes)
		}
		if v.finiteNonNeg(p+".changes", jc.Changes) && jc.Changes > 1e6 {
			v.add(p+".changes", "must be <= 1e6 per second, got %v", jc.Changes)
		}
		for k, b := range jc.Bursts {
			bp := fmt.Sprintf("%s.bursts[%d]", p, k)
			v.nonNegDur(bp+".at", b.At)
			if b.Changes < 1 || b.Changes > 10_000_000 {
				v.add(bp+".changes", "must be in [1, 10000000], got %d", b.Changes)
			}
		}
		v.link(p+".link", &jc.Link)
		v.policy(p, &jc.ClientPolicy)
	}
}
