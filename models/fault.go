package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/models/results"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
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

// schedule resolves a fault's target and schedules its start and end.
func (w *World) schedule(cfg config.FaultConfig) error {
	f := &fault{cfg: cfg}
	switch cfg.Kind {
	case config.FaultSlowdown, config.FaultPause, config.FaultCapacityLoss, config.FaultOutage, config.FaultErrorRate, config.FaultRollingDeploy, config.FaultBadDeploy:
		f.svc, _ = w.byName[cfg.Target].(*service)
	case config.FaultCacheFlush:
		f.ca, _ = w.byName[cfg.Target].(*cache)
	case config.FaultLoadSpike, config.FaultClientRestart:
		for _, c := range w.clients {
			if cfg.Target == "*" || c.name == cfg.Target {
				f.clients = append(f.clients, c)
			}
		}
	case config.FaultNetwork:
		f.links = w.linksOf(cfg.Target)
	}
	// A network fault on a service or cache nobody calls acts on no link:
	// valid, and a no-op.
	if f.svc == nil && f.ca == nil && f.clients == nil && f.links == nil && cfg.Kind != config.FaultNetwork {
		return &config.FieldError{Path: "faults.target", Msg: fmt.Sprintf("%q matches nothing a %s fault can act on", cfg.Target, cfg.Kind)}
	}
	w.faults = append(w.faults, f)
	start := sim.Time(cfg.At)
	w.s.At(start, func(any) { w.startFault(f) }, nil)
	if !cfg.Kind.Instantaneous() {
		w.s.At(start.Add(cfg.For), func(any) { w.endFault(f) }, nil)
	}
	return nil
}

// linksOf returns the links a network fault on target acts on: a client's
// link, every edge "from->to", or every link into a service or cache.
func (w *World) linksOf(target string) []*link {
	var ls []*link
	all := make([]*edge, 0, len(w.clients)+len(w.edges))
	for _, c := range w.clients {
		all = append(all, c.e)
	}
	all = append(all, w.edges...)
	for _, e := range all {
		if e.name == target || e.toName == target {
			ls = append(ls, &e.link)
		}
	}
	return ls
}

func (w *World) startFault(f *fault) {
	cfg := f.cfg
	end := cfg.At
	if !cfg.Kind.Instantaneous() {
		end += cfg.For
	}
	w.windows = append(w.windows, results.FaultWindow{Kind: string(cfg.Kind), Target: cfg.Target, StartS: cfg.At.Seconds(), EndS: end.Seconds()})
	switch cfg.Kind {
	case config.FaultSlowdown, config.FaultPause, config.FaultCapacityLoss, config.FaultOutage, config.FaultErrorRate:
		f.svc.faults = append(f.svc.faults, f)
		f.svc.refresh()
	case config.FaultNetwork:
		for _, l := range f.links {
			l.faults = append(l.faults, f)
		}
	case config.FaultLoadSpike:
		for _, c := range f.clients {
			if c.cfg.Model == config.Closed {
				continue
			}
			c.rateChanging()
			c.spikes = append(c.spikes, f)
			c.rateChanged()
		}
	case config.FaultCacheFlush:
		f.ca.flush()
	case config.FaultRollingDeploy, config.FaultBadDeploy:
		w.startDeploy(f)
	case config.FaultClientRestart:
		for _, c := range f.clients {
			c.restart(cfg.Calls)
		}
	}
}

func remove(fs []*fault, f *fault) []*fault {
	if i := slices.Index(fs, f); i >= 0 {
		return slices.Delete(fs, i, i+1)
	}
	return fs
}

func (w *World) endFault(f *fault) {
	switch f.cfg.Kind {
	case config.FaultSlowdown, config.FaultPause, config.FaultCapacityLoss, config.FaultOutage, config.FaultErrorRate:
		f.svc.faults = remove(f.svc.faults, f)
		f.svc.refresh()
	case config.FaultNetwork:
		for _, l := range f.links {
			l.faults = remove(l.faults, f)
		}
	case config.FaultLoadSpike:
		for _, c := range f.clients {
			if c.cfg.Model == config.Closed {
				continue
			}
			c.rateChanging()
			c.spikes = remove(c.spikes, f)
			c.rateChanged()
		}
	case config.FaultRollingDeploy, config.FaultBadDeploy:
		w.endDeploy(f)
	}
}

// Inject schedules a fault while the world runs (an intervention). f.At is
// an absolute virtual time, not before Now; it is checked like a
// configured fault, then recorded with them, so the run's results and
// recovery verdict account for it and a scenario can replay it.
func (w *World) Inject(f config.FaultConfig) error {
	if w.done {
		return errors.New("inject: the run is over")
	}
	if sim.Time(f.At) < w.s.Now() {
		return &config.FieldError{Path: "at", Msg: fmt.Sprintf("must not be before now (%v), got %v", w.s.Now(), f.At)}
	}
	tmp := w.cfg
	tmp.Faults = []config.FaultConfig{f}
	tmp.ApplyDefaults()
	if err := tmp.ValidateFault(&tmp.Faults[0]); err != nil {
		return err
	}
	f = tmp.Faults[0]
	if err := w.schedule(f); err != nil {
		return err
	}
	w.cfg.Faults = append(w.cfg.Faults, f)
	return nil
}

// SetClientRate sets an open or partly-open client's base rate (calls/s,
// or sessions/s) from now on, replacing its schedule; load spikes still
// apply on top. It is a knob for interactive use.
func (w *World) SetClientRate(name string, perSec float64) error {
	c := w.client(name)
	switch {
	case c == nil:
		return fmt.Errorf("set rate: no client %q (have: %s)", name, w.clientNames())
	case c.cfg.Model == config.Closed:
		return fmt.Errorf("set rate: client %q is closed-loop; set its users instead", name)
	case !(perSec >= 0 && perSec <= 1e9):
		return fmt.Errorf("set rate: rate must be in [0, 1e9] per second, got %v", perSec)
	}
	c.rateChanging()
	c.overridden = true
	c.override = perSec
	c.rateChanged()
	return nil
}

// SetClientUsers sets a closed-loop client's number of users from now on.
// New users start at once; removed users (the most recently added first)
// leave at once, abandoning a call in flight.
func (w *World) SetClientUsers(name string, users int) error {
	c := w.client(name)
	switch {
	case c == nil:
		return fmt.Errorf("set users: no client %q (have: %s)", name, w.clientNames())
	case c.cfg.Model != config.Closed:
		return fmt.Errorf("set users: client %q is not closed-loop; set its rate instead", name)
	case users < 0 || users > 10_000_000:
		return fmt.Errorf("set users: must be in [0, 10000000], got %d", users)
	}
	for len(c.users) > users {
		u := c.users[len(c.users)-1]
		c.users = c.users[:len(c.users)-1]
		u.think.Stop()
		if old := u.call; old != nil {
			u.call = nil
			old.owner = nil
			w.finishCall(old, strategies.ReasonAbandoned)
		}
	}
	for len(c.users) < users {
		u := &user{c: c, idx: c.usersMade}
		c.usersMade++
		c.users = append(c.users, u)
		u.issue()
	}
	return nil
}

func (w *World) client(name string) *client {
	for _, c := range w.clients {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (w *World) clientNames() string {
	var ns []string
	for _, c := range w.clients {
		ns = append(ns, c.name)
	}
	return strings.Join(ns, ", ")
}
