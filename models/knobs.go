package models

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

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
	if err := w.faults.schedule(f); err != nil {
		return err
	}
	w.cfg.Faults = append(w.cfg.Faults, f)
	return nil
}

// SetClientRate sets an open or partly-open client's base rate (calls/s,
// or sessions/s) from now on, replacing its schedule; load spikes still
// apply on top. It is a knob for interactive use.
func (w *World) SetClientRate(name string, perSec float64) error {
	c := clientNamed(w.clients, name)
	switch {
	case c == nil:
		return fmt.Errorf("set rate: no client %q (have: %s)", name, clientNames(w.clients))
	case c.cfg.Model == config.Closed:
		return fmt.Errorf("set rate: client %q is closed-loop; set its users instead", name)
	case c.replay != nil:
		return fmt.Errorf("set rate: client %q replays recorded timestamps (%s); its rate is theirs", name, c.cfg.Replay.Timestamps.Path)
	case !(perSec >= 0 && perSec <= 1e9):
		return fmt.Errorf("set rate: rate must be in [0, 1e9] per second, got %v", perSec)
	}
	c.rateChanging()
	c.overridden = true
	c.override = perSec
	now, plan := w.s.Now().Seconds(), c.planned()
	k := 0
	for k < len(plan) && plan[k].start < now {
		k++
	}
	c.plan = append(plan[:k:k], segment{start: now, r0: perSec})
	c.rateChanged()
	return nil
}

// SetClientUsers sets a closed-loop client's number of users from now on.
// New users start at once; removed users (the most recently added first)
// leave at once, abandoning a call in flight.
func (w *World) SetClientUsers(name string, users int) error {
	c := clientNamed(w.clients, name)
	switch {
	case c == nil:
		return fmt.Errorf("set users: no client %q (have: %s)", name, clientNames(w.clients))
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
			old.finishCall(w, strategies.ReasonAbandoned)
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

// clientNamed returns the client of cs named name, or nil.
func clientNamed(cs []*client, name string) *client {
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	return nil
}

// clientNames lists the names of cs, for an error message.
func clientNames(cs []*client) string {
	var ns []string
	for _, c := range cs {
		ns = append(ns, c.name)
	}
	return strings.Join(ns, ", ")
}
