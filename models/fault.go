package models

import (
	"fmt"
	"slices"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
)

// fault is one scheduled fault and what it acts on.
type fault struct {
	cfg     config.FaultConfig
	svc     *service
	ca      *cache
	clients []*client
	links   []*link
	deploy  *deployRun // a deploy in progress (deploy.go)
}

// faultActs is what a fault kind acts on: its target resolves to these.
type faultActs uint8

const (
	actsOnService faultActs = iota
	actsOnCache
	actsOnClients // a client, or "*" for every client
	actsOnLinks   // a client's link, an edge "from->to", or every link into a target
)

// faultKind is how the timeline runs one kind of fault: what it acts on,
// and one function that switches it on at its start and off at its end
// (an instantaneous kind is only switched on).
type faultKind struct {
	acts   faultActs
	toggle func(f *fault, on bool)
}

// faultKinds is the table of fault kinds; a kind of config.FaultKind that
// the world can run has a row here.
var faultKinds = map[config.FaultKind]faultKind{
	config.FaultSlowdown:      {actsOnService, toggleService},
	config.FaultPause:         {actsOnService, toggleService},
	config.FaultCapacityLoss:  {actsOnService, toggleService},
	config.FaultOutage:        {actsOnService, toggleService},
	config.FaultErrorRate:     {actsOnService, toggleService},
	config.FaultRollingDeploy: {actsOnService, toggleDeploy},
	config.FaultBadDeploy:     {actsOnService, toggleDeploy},
	config.FaultCacheFlush:    {actsOnCache, func(f *fault, on bool) { f.ca.flush() }},
	config.FaultNetwork:       {actsOnLinks, toggleLinks},
	config.FaultLoadSpike:     {actsOnClients, toggleSpike},
	config.FaultClientRestart: {actsOnClients, func(f *fault, on bool) {
		for _, c := range f.clients {
			c.restart(f.cfg.Calls)
		}
	}},
}

// toggleService adds f to, or removes it from, its service's active faults
// (service.refresh reads them).
func toggleService(f *fault, on bool) {
	f.svc.faults = toggled(f.svc.faults, f, on)
	f.svc.refresh()
}

// toggleLinks adds f to, or removes it from, the active faults of its
// links (draw reads them).
func toggleLinks(f *fault, on bool) {
	for _, l := range f.links {
		l.setFaults(toggled(l.faults, f, on))
	}
}

// toggleSpike adds f to, or removes it from, the spikes on the rate of its
// open and partly-open clients.
func toggleSpike(f *fault, on bool) {
	for _, c := range f.clients {
		if c.cfg.Model == config.Closed {
			continue
		}
		c.rateChanging()
		c.spikes = toggled(c.spikes, f, on)
		c.rateChanged()
	}
}

// toggled returns fs with f appended (on) or removed (off).
func toggled(fs []*fault, f *fault, on bool) []*fault {
	if on {
		return append(fs, f)
	}
	if i := slices.Index(fs, f); i >= 0 {
		return slices.Delete(fs, i, i+1)
	}
	return fs
}

// timeline is the world's faults, configured then injected, in scheduling
// order, and the windows of those that have started, for the results.
type timeline struct {
	w       *World
	faults  []*fault
	windows []results.FaultWindow
}

// schedule resolves a fault's target and schedules its start and end.
func (t *timeline) schedule(cfg config.FaultConfig) error {
	w := t.w
	f := &fault{cfg: cfg}
	kind := faultKinds[cfg.Kind]
	switch kind.acts {
	case actsOnService:
		f.svc, _ = w.byName[cfg.Target].(*service)
	case actsOnCache:
		f.ca, _ = w.byName[cfg.Target].(*cache)
	case actsOnClients:
		for _, c := range w.clients {
			if cfg.Target == "*" || c.name == cfg.Target {
				f.clients = append(f.clients, c)
			}
		}
	case actsOnLinks:
		f.links = t.linksOf(cfg.Target)
	}
	// A network fault on a service or cache nobody calls acts on no link:
	// valid, and a no-op.
	if f.svc == nil && f.ca == nil && f.clients == nil && f.links == nil && kind.acts != actsOnLinks {
		return &config.FieldError{Path: "faults.target", Msg: fmt.Sprintf("%q matches nothing a %s fault can act on", cfg.Target, cfg.Kind)}
	}
	t.faults = append(t.faults, f)
	start := sim.Time(cfg.At)
	w.s.At(start, func(any) { t.start(f) }, nil)
	if !cfg.Kind.Instantaneous() {
		w.s.At(start.Add(cfg.For), func(any) { faultKinds[f.cfg.Kind].toggle(f, false) }, nil)
	}
	return nil
}

// start switches f on and records its window.
func (t *timeline) start(f *fault) {
	cfg := f.cfg
	end := cfg.At
	if !cfg.Kind.Instantaneous() {
		end += cfg.For
	}
	t.windows = append(t.windows, results.FaultWindow{Kind: string(cfg.Kind), Target: cfg.Target, StartS: cfg.At.Seconds(), EndS: end.Seconds()})
	faultKinds[cfg.Kind].toggle(f, true)
}

// linksOf returns the links a network fault on target acts on: a client's
// link, every edge "from->to", or every link into a service or cache.
func (t *timeline) linksOf(target string) []*link {
	var ls []*link
	all := make([]*edge, 0, len(t.w.clients)+len(t.w.edges))
	for _, c := range t.w.clients {
		all = append(all, c.e)
	}
	all = append(all, t.w.edges...)
	for _, e := range all {
		if e.name == target || e.toName == target {
			ls = append(ls, &e.link)
		}
	}
	return ls
}
