package models

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/models/config"
	"github.com/stampede-sim/stampede/sim"
	"github.com/stampede-sim/stampede/strategies"
)

// client is a running ClientConfig.
type client struct {
	w        *World
	cfg      *config.ClientConfig
	name     string
	e        *edge
	arrivals *sim.Stream // "client/NAME/arrivals"
	seedBase uint64      // per-call seeds derive from it and the call's index
	n        uint64      // calls (open) or sessions (partly open) so far

	// rate function: base(t) x factor + extra, base from the schedule
	// segments or, once set at run time, the override
	segs       []segment
	seg        int // segment cursor (time only moves forward)
	override   float64
	overridden bool
	// plan is the rate as scheduled then as set by the knob, each
	// override from its time (the recovery judge's); nil: segs alone
	plan          []segment
	spikes        []*fault
	factor, extra float64
	rate          float64 // if steady (cacheRate)

	// the pending arrival: it happens when the rate integrated from `from`
	// reaches `need`
	need            float64
	from            sim.Time
	next            sim.Timer
	poisson, steady bool
	burst           sim.Timer
	replay          *replayCursor // recorded timestamps, if the client replays them

	// plain: the client's calls meet no client-side feature but maybe
	// the link's, so that they go as solo attempts (plain.go); soloPrio
	// is their priority
	plain     bool
	soloPrio  uint8
	soloSvc   *service // the edge's target if a service, or nil (sendSolo's)
	users     []*user
	usersMade uint64     // users ever created: a new user's index, so its calls get fresh seeds
	sessions  []*session // live sessions
	sessFree  []*session
}

// segment is a piece of the rate schedule from start (s): rate r0 at start,
// changing by slope per second, until the next segment.
type segment struct {
	start, r0, slope float64
}

// newClient builds client idx of w's configuration; its edge takes the
// memory of spare if not nil (BuildReusing).
func newClient(w *World, cfg *config.ClientConfig, idx int, spare *edge) *client {
	c := &client{
		w:        w,
		cfg:      cfg,
		name:     cfg.Name,
		arrivals: w.s.Stream("client/" + cfg.Name + "/arrivals"),
		seedBase: sim.NewRand(w.cfg.Seed, "client/"+cfg.Name+"/calls").Uint64(),
		factor:   1,
		poisson:  cfg.Arrival == config.Poisson,
	}
	c.e = spare
	if c.e == nil {
		c.e = new(edge)
	} else {
		*c.e = edge{}
	}
	c.e.name = cfg.Name
	c.e.policy = cfg.ClientPolicy
	c.e.link = newLink(cfg.Link)
	c.e.to = w.byName[cfg.Target]
	c.e.toName = cfg.Target
	c.e.stats.name = cfg.Name
	switch {
	case cfg.Replay.Timestamps.Path != "":
		c.replay = newReplayCursor(&cfg.Replay)
		c.segs = []segment{{}}
		return c
	case cfg.Replay.RateCurve.Path != "":
		c.segs = curveSegments(&cfg.Replay, w.end)
		return c
	}
	prevAt, prevRate := 0.0, cfg.Rate
	for _, p := range cfg.Schedule {
		at := p.At.Seconds()
		if at > prevAt {
			sg := segment{start: prevAt, r0: prevRate}
			if p.Ramp {
				sg.slope = (p.Rate - prevRate) / (at - prevAt)
			}
			c.segs = append(c.segs, sg)
		}
		prevAt, prevRate = at, p.Rate
	}
	c.segs = append(c.segs, segment{start: prevAt, r0: prevRate})
	return c
}

// begin schedules the client's first events at time 0.
func (c *client) begin() {
	w := c.w
	switch c.cfg.Model {
	case config.Closed:
		for i := range c.cfg.Users {
			u := &user{c: c, idx: uint64(i)}
			c.usersMade++
			c.users = append(c.users, u)
			u.think = w.s.Schedule(c.thinkTime(seq(c.seedBase^purposeFirstThink, uint64(i))), w.hUserIssue, u)
		}
		return
	}
	if c.replay != nil {
		c.scheduleReplay()
	} else {
		c.from, c.need = 0, c.draw()
		c.cacheRate()
		c.scheduleNext()
	}
	if b := c.cfg.Burst; b.Size > 0 {
		c.burst = w.s.Schedule(b.Start, w.hBurst, c)
	}
}

// draw returns the integrated rate to the next arrival: Exp(1) (poisson)
// or 1 (constant).
func (c *client) draw() float64 {
	if c.poisson {
		return c.arrivals.ExpFloat64()
	}
	return 1
}

// base returns the scheduled (or overridden) rate of segment k at t (s).
func (c *client) rateAt(k int, t float64) (r0, slope float64) {
	if c.overridden {
		return c.override, 0
	}
	s := &c.segs[k]
	return s.r0 + s.slope*(t-s.start), s.slope
}

// segEnd returns the end (s) of segment k.
func (c *client) segEnd(k int) float64 {
	if c.overridden || k+1 >= len(c.segs) {
		return math.Inf(1)
	}
	return c.segs[k+1].start
}

// advanceSeg moves the segment cursor to the segment holding t.
func (c *client) advanceSeg(t float64) {
	for !c.overridden && c.seg+1 < len(c.segs) && c.segs[c.seg+1].start <= t {
		c.seg++
	}
}

// rateNowAt returns the effective rate at t (s) without moving the
// segment cursor (which must stay at the pending arrival's start).
func (c *client) rateNowAt(t float64) float64 {
	k := c.seg
	for !c.overridden && k+1 < len(c.segs) && c.segs[k+1].start <= t {
		k++
	}
	r0, _ := c.rateAt(k, t)
	return c.factor*r0 + c.extra
}

// integrate returns the integral of the effective rate over [t0, t1] (s).
func (c *client) integrate(t0, t1 float64) float64 {
	c.advanceSeg(t0)
	total := 0.0
	for k := c.seg; t0 < t1; k++ {
		b := math.Min(c.segEnd(k), t1)
		r0, slope := c.rateAt(k, t0)
		l := b - t0
		total += math.Max(0, c.factor*(r0*l+slope*l*l/2)+c.extra*l)
		t0 = b
	}
	return total
}

// solve returns the time t >= t0 (s) at which the effective rate
// integrated from t0 reaches h, or +Inf if it never does.
func (c *client) solve(t0, h float64) float64 {
	if h <= 0 {
		return t0
	}
	c.advanceSeg(t0)
	for k := c.seg; ; k++ {
		b := c.segEnd(k)
		r0b, slopeb := c.rateAt(k, t0)
		r0 := c.factor*r0b + c.extra
		s := c.factor * slopeb
		if math.IsInf(b, 1) {
			if r0 <= 0 {
				return math.Inf(1)
			}
			return t0 + h/r0
		}
		l := b - t0
		if in := r0*l + s*l*l/2; in >= h {
			// s x^2/2 + r0 x = h, in the numerically stable form.
			disc := math.Max(0, r0*r0+2*s*h)
			return t0 + 2*h/(r0+math.Sqrt(disc))
		} else if in > 0 {
			h -= in
		}
		t0 = b
	}
}

// scheduleNext schedules the pending arrival.
func (c *client) scheduleNext() {
	w := c.w
	var at sim.Time
	if r := c.rate; r > 0 {
		// constant rate (steady, the rate cached): the common case
		t := float64(c.from) + c.need/r*1e9
		if t >= float64(w.end) {
			return
		}
		at = sim.Time(t)
		goto due // at is not before from, now (onClientArrival, rateChanging)
	} else if c.steady {
		return // a constant rate of zero or less: no arrival
	} else {
		// a rate that changes with time (solve and At inline here)
		t := c.solve(c.from.Seconds(), c.need)
		if t >= c.w.end.Seconds() {
			return
		}
		at = sim.Time(math.Round(t * 1e9))
	}
	// (these lines stay where the profile has them)
	at = max(at, w.s.Now())
due:
	if at >= w.end {
		return
	}
	c.next = w.s.At(at, w.hClientArrival, c)
}

func (c *client) rateNow() float64 {
	if c.overridden {
		return c.override
	}
	return c.segs[0].r0
}

// rateChanging must be called just before the rate function changes: it
// keeps the progress made towards the pending arrival.
func (c *client) rateChanging() {
	if c.replay != nil {
		return // recorded timestamps play as they are
	}
	now := c.w.s.Now()
	c.next.Stop()
	c.next = sim.Timer{}
	if now > c.from {
		c.need = math.Max(0, c.need-c.integrate(c.from.Seconds(), now.Seconds()))
		c.from = now
	}
}

// rateChanged reschedules the pending arrival under the new rate function.
func (c *client) rateChanged() {
	if c.replay != nil {
		return
	}
	c.factor, c.extra = 1, 0
	for _, f := range c.spikes {
		c.factor *= f.cfg.Factor
		c.extra += f.cfg.Extra
	}
	c.cacheRate()
	c.scheduleNext()
}

// onClientArrival is the handler of a client's next arrival (arg is the
// client): it issues the arrival due now and schedules the next one. It is
// a function, not a closure calling a method, so that the simulator calls
// it with no frame in between. A plain call's arrival is arrival's, whose
// frame costs less than the calls (draw's, sendSolo's) that its lines,
// known to the profile, inline; the others' stay here, with no frame more.
//
// A client that replays recorded timestamps has a handler of its own,
// onReplayArrival (replay.go), which scheduleReplay gives its arrivals, so
// that this one does not test for it: it is the handler of the arrivals
// that scheduleNext schedules, of a rate function's client.
//
// c.next, the timer that fired, is left as it is: its event no longer
// pending, Stop (rateChanging's) does nothing to it, and scheduleNext
// replaces it unless the run has no next arrival.
func onClientArrival(arg any) {
	c := arg.(*client)
	if c.plain && !c.e.link.drawn {
		c.arrival() // (draw and scheduleNext do not change either)
		return
	}
	c.from = c.w.s.Now()
	c.need = c.draw()
	c.scheduleNext()
	c.unit()
}

// arrival is onClientArrival's for a plain call (c.plain, and no link to
// draw), in a method of the name the committed profile (default.pgo) knows.
func (c *client) arrival() {
	// Its lines stand where the profile has those of the client's former
	// arrival method, at the same offsets from the function's first line,
	// so that the profile's hot calls in it, draw's and sendSolo's, are
	// inlined here as they were there (a function unknown to the profile,
	// such as onClientArrival, inlines only its smallest calls). These
	// seven lines hold the offsets: do not add or remove any.
	//
	c.from = c.w.s.Now()
	c.need = c.draw()
	// (scheduleNext, a line lower than there, is called: At inlines in it)
	c.scheduleNext()
	// unit's plain call, without unit's frame
	c.n++
	c.sendSolo(seq(c.seedBase, c.n))
}

// burstNow issues a burst and schedules the next one.
func (c *client) burstNow() {
	for range c.cfg.Burst.Size {
		c.unit()
	}
	c.burst = c.w.s.Schedule(c.cfg.Burst.Every, c.w.hBurst, c)
}

// unit issues one call (open) or starts one session (partly open).
func (c *client) unit() {
	c.n++
	if c.cfg.Model == config.PartlyOpen {
		c.startSession()
		return
	}
	// an open client does not wait for its calls: they have no owner
	if c.plain && !c.e.link.drawn {
		c.sendSolo(seq(c.seedBase, c.n)) // plain.go
		return
	}
	call := c.e.newCall(c.w, nil, seq(c.seedBase, c.n))
	call.launch(c.w)
}

// thinkTime samples a think time from the stream seeded with seed.
func (c *client) thinkTime(seed uint64) time.Duration {
	if c.cfg.Think == nil {
		return 0
	}
	return c.cfg.Think.Sample(c.w.rngFor(with(seed, purposeThink)))
}

// user is one user of a closed-loop client: call, wait, think, repeat.
type user struct {
	c     *client
	idx   uint64
	n     uint64 // calls so far
	call  *call
	think sim.Timer
}

// wake ends u's think time: u issues its next call.
func (u *user) wake() {
	u.think = sim.Timer{}
	u.issue()
}

func (u *user) issue() {
	c := u.c
	u.n++
	u.call = c.e.newCall(c.w, u, seq(seq(c.seedBase, u.idx), u.n))
	u.call.launch(c.w)
}

func (u *user) callDone(call *call, _ Reason) {
	u.call = nil
	c := u.c
	// Even a zero think time goes through the event queue, so a loop that
	// fails at once cannot recurse, and a stalled clock is caught.
	u.think = c.w.s.Schedule(c.thinkTime(call.seed), c.w.hUserIssue, u)
}

// session is one session of a partly-open client: k calls with think
// time between them.
type session struct {
	c     *client
	idx   uint64
	slot  int // index in c.sessions
	n     uint64
	left  int
	call  *call
	think sim.Timer
}

func (c *client) startSession() {
	var s *session
	if n := len(c.sessFree); n > 0 {
		s = c.sessFree[n-1]
		c.sessFree = c.sessFree[:n-1]
	} else {
		s = &session{c: c}
	}
	s.idx = c.n
	s.n = 0
	s.left = c.cfg.CallsPerSession
	s.slot = len(c.sessions)
	c.sessions = append(c.sessions, s)
	s.issue()
}

func (s *session) issue() {
	c := s.c
	s.n++
	s.call = c.e.newCall(c.w, s, seq(seq(c.seedBase^purposeSession, s.idx), s.n))
	s.call.launch(c.w)
}

// wake ends s's think time: s issues its next call.
func (s *session) wake() {
	s.think = sim.Timer{}
	s.issue()
}

func (s *session) callDone(call *call, _ Reason) {
	s.call = nil
	s.left--
	c := s.c
	if s.left <= 0 {
		last := len(c.sessions) - 1
		moved := c.sessions[last]
		c.sessions[s.slot] = moved
		moved.slot = s.slot
		c.sessions[last] = nil
		c.sessions = c.sessions[:last]
		c.sessFree = append(c.sessFree, s)
		return
	}
	s.think = c.w.s.Schedule(c.thinkTime(call.seed), c.w.hSessionIssue, s)
}

// restart makes every user and live session issue now, abandoning calls
// in flight, and an open client issue calls calls at once.
func (c *client) restart(calls int) {
	w := c.w
	switch c.cfg.Model {
	case config.Closed:
		for _, u := range c.users {
			u.think.Stop()
			u.think = sim.Timer{}
			if old := u.call; old != nil {
				u.call = nil
				old.owner = nil
				old.finishCall(w, strategies.ReasonAbandoned)
			}
			u.issue()
		}
	case config.PartlyOpen:
		for _, s := range append([]*session(nil), c.sessions...) {
			s.think.Stop()
			s.think = sim.Timer{}
			if old := s.call; old != nil {
				s.call = nil
				old.owner = nil
				old.finishCall(w, strategies.ReasonAbandoned)
			}
			s.issue()
		}
	default:
		for range calls {
			c.unit()
		}
	}
}

// cacheRate sets steady (the rate function is constant: overridden, or
// one segment) and, if so, rate, its value, for scheduleNext. begin and
// rateChanged call it, as the rate function is set or changes.
func (c *client) cacheRate() {
	c.steady = c.overridden || len(c.segs) == 1
	c.rate = 0
	if c.steady {
		c.rate = c.factor*c.rateNow() + c.extra
	}
}
