package strategies

import (
	"fmt"
	"math"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Order is the order in which a queue serves its waiting requests. The
// zero Order is FIFO.
type Order uint8

// The orders.
const (
	FIFO Order = iota // oldest first
	LIFO              // newest first
)

// String returns "fifo" or "lifo".
func (o Order) String() string {
	switch o {
	case FIFO:
		return "fifo"
	case LIFO:
		return "lifo"
	}
	return fmt.Sprintf("order(%d)", uint8(o))
}

// Expired reports whether a request whose deadline is deadline should be
// dropped at now rather than served: the time left, now to deadline, is at
// most margin (0 drops exactly the requests whose deadline has arrived; a
// margin such as the expected service time also drops those that cannot
// finish in time). sim.Never as deadline never expires. This is the
// drop-expired-at-dequeue check (REFERENCES §11: drop requests whose time
// in the queue already exceeds their client's deadline).
func Expired(now, deadline sim.Time, margin time.Duration) bool {
	if deadline == sim.Never {
		return false
	}
	return deadline.Sub(now) <= margin
}

// CoDelConfig configures a CoDel.
type CoDelConfig struct {
	// Target is the acceptable standing queueing delay: in [1µs, 1h].
	Target time.Duration
	// Interval is how long the delay must stay above Target before CoDel
	// drops, and the base of its control law: in (Target, 24h].
	Interval time.Duration
	// NearlyEmpty is the RFC's MAXPACKET test in requests: a dequeue that
	// leaves at most this many requests waiting never counts as above
	// target, so CoDel does not starve the workers: in [0, 1e6].
	NearlyEmpty int
}

// DefaultCoDelConfig returns RFC 8289's TARGET 5 ms and INTERVAL 100 ms
// (REFERENCES §9), with NearlyEmpty 1: one request standing in for one MTU.
func DefaultCoDelConfig() CoDelConfig {
	return CoDelConfig{Target: 5 * time.Millisecond, Interval: 100 * time.Millisecond, NearlyEmpty: 1}
}

// codelPending is what the next OnDequeue continues after a drop.
type codelPending uint8

const (
	codelNone       codelPending = iota
	codelAfterEnter              // the RFC delivers the packet after the entry drop
	codelAfterDrop               // the RFC's while loop re-evaluates the next packet
)

// CoDel is Controlled Delay active queue management, following the
// pseudocode of RFC 8289 (Nichols, Jacobson, McGregor, Iyengar, 2018,
// REFERENCES §9) with requests for packets: at dequeue it looks at the
// head's sojourn time (now − enqueue time) and, once the sojourn has stayed
// at or above Target for at least Interval, drops; while dropping, the time
// between drops shrinks as Interval/sqrt(count).
//
// The RFC's dequeue() may drop several packets in one call. Here each head
// is one OnDequeue call: when it returns true, drop that request and call
// OnDequeue again at the same now for the next head, or OnEmpty(now) if
// none is left. Also call OnEmpty whenever a worker finds the queue empty.
// Calling OnDequeue at a later instant right after a drop, without OnEmpty,
// is a programming error and panics. The zero CoDel is not usable; call
// NewCoDel.
type CoDel struct {
	cfg            CoDelConfig
	firstAboveTime sim.Time // 0: not above target
	dropNext       sim.Time
	count          int
	lastCount      int
	dropping       bool
	pending        codelPending
	pendingAt      sim.Time
	drops          uint64
}

// NewCoDel validates cfg and returns a CoDel in the non-dropping state.
func NewCoDel(cfg CoDelConfig) (*CoDel, error) {
	const s = "codel"
	if cfg.Target < time.Microsecond || cfg.Target > time.Hour {
		return nil, cfgErr(s, "Target", "in [1µs, 1h]", cfg.Target)
	}
	if cfg.Interval <= cfg.Target || cfg.Interval > 24*time.Hour {
		return nil, cfgErr(s, "Interval", fmt.Sprintf("in (Target (%v), 24h]", cfg.Target), cfg.Interval)
	}
	if cfg.NearlyEmpty < 0 || cfg.NearlyEmpty > 1e6 {
		return nil, cfgErr(s, "NearlyEmpty", "in [0, 1e6]", cfg.NearlyEmpty)
	}
	return &CoDel{cfg: cfg}, nil
}

// okToDrop is the RFC's dodequeue estimator for one dequeued request.
func (c *CoDel) okToDrop(now sim.Time, sojourn time.Duration, remaining int) bool {
	if sojourn < c.cfg.Target || remaining <= c.cfg.NearlyEmpty {
		c.firstAboveTime = 0
		return false
	}
	if c.firstAboveTime == 0 {
		c.firstAboveTime = now.Add(c.cfg.Interval) // > 0, as now >= 0
		return false
	}
	return now >= c.firstAboveTime
}

func (c *CoDel) controlLaw(t sim.Time) sim.Time {
	return t.Add(time.Duration(float64(c.cfg.Interval) / math.Sqrt(float64(c.count))))
}

// OnDequeue is called with the request just taken from the head of the
// queue, its sojourn time, and the number of requests still waiting behind
// it. It reports whether to drop it (ReasonDropped).
func (c *CoDel) OnDequeue(now sim.Time, sojourn time.Duration, remaining int) (drop bool) {
	if c.pending != codelNone && now != c.pendingAt {
		panic(fmt.Sprintf("strategies: CoDel.OnDequeue at %v after a drop at %v without OnEmpty", now, c.pendingAt))
	}
	ok := c.okToDrop(now, sojourn, remaining)
	switch c.pending {
	case codelAfterEnter:
		c.pending = codelNone
		return false
	case codelAfterDrop:
		c.pending = codelNone
		if !ok {
			c.dropping = false
			return false
		}
		c.dropNext = c.controlLaw(c.dropNext)
		return c.loopDrop(now)
	}
	if c.dropping {
		if !ok {
			c.dropping = false
			return false
		}
		return c.loopDrop(now)
	}
	if !ok {
		return false
	}
	// Enter the dropping state: drop this one, deliver the next.
	c.dropping = true
	delta := c.count - c.lastCount
	c.count = 1
	if delta > 1 && now.Sub(c.dropNext) < 16*c.cfg.Interval {
		c.count = delta
	}
	c.dropNext = c.controlLaw(now)
	c.lastCount = c.count
	c.pending, c.pendingAt = codelAfterEnter, now
	c.drops++
	return true
}

// loopDrop is one turn of the RFC's "while (now >= drop_next && dropping)".
func (c *CoDel) loopDrop(now sim.Time) bool {
	if now < c.dropNext {
		return false
	}
	c.count++
	c.pending, c.pendingAt = codelAfterDrop, now
	c.drops++
	return true
}

// OnEmpty records that a dequeue found the queue empty: CoDel forgets the
// time above target and leaves the dropping state.
func (c *CoDel) OnEmpty(now sim.Time) {
	c.firstAboveTime = 0
	c.dropping = false
	c.pending = codelNone
}

// Dropping reports whether CoDel is in its dropping state.
func (c *CoDel) Dropping() bool { return c.dropping }

// Count returns the RFC's count: drops since entering the dropping state
// (carried over from the previous episode when it re-enters soon after).
func (c *CoDel) Count() int { return c.count }

// Drops returns the total number of requests CoDel has dropped.
func (c *CoDel) Drops() uint64 { return c.drops }

// FollyCoDelConfig configures a FollyCoDel.
type FollyCoDelConfig struct {
	// Target is the target queueing delay: in [1µs, 1h]. Requests are
	// dropped above twice this (the slough timeout) while overloaded.
	Target time.Duration
	// Interval is how often the overload state is re-evaluated: in
	// (Target, 24h].
	Interval time.Duration
}

// DefaultFollyCoDelConfig returns folly's defaults (REFERENCES §9): interval
// 100 ms, target 5 ms.
func DefaultFollyCoDelConfig() FollyCoDelConfig {
	return FollyCoDelConfig{Target: 5 * time.Millisecond, Interval: 100 * time.Millisecond}
}

// FollyCoDel is Facebook's server-side CoDel variant
// (facebook/folly folly/executors/Codel.cpp, REFERENCES §9; described in
// Maurer, "Fail at Scale", ACM Queue 2015): at the end of each interval the
// server is overloaded if the minimum queueing delay seen in it exceeded
// Target; while overloaded, any request that queued longer than 2·Target
// (the slough timeout) is dropped instead of the RFC's control law. The
// first request of each interval is never dropped. Intervals start at time
// 0 and end at the first dequeue after they have run for Interval. The
// zero FollyCoDel is not usable; call NewFollyCoDel.
type FollyCoDel struct {
	cfg          FollyCoDelConfig
	minDelay     time.Duration
	intervalTime sim.Time
	resetDelay   bool
	overloaded   bool
	drops        uint64
}

// NewFollyCoDel validates cfg and returns a FollyCoDel that is not
// overloaded.
func NewFollyCoDel(cfg FollyCoDelConfig) (*FollyCoDel, error) {
	const s = "folly codel"
	if cfg.Target < time.Microsecond || cfg.Target > time.Hour {
		return nil, cfgErr(s, "Target", "in [1µs, 1h]", cfg.Target)
	}
	if cfg.Interval <= cfg.Target || cfg.Interval > 24*time.Hour {
		return nil, cfgErr(s, "Interval", fmt.Sprintf("in (Target (%v), 24h]", cfg.Target), cfg.Interval)
	}
	return &FollyCoDel{cfg: cfg, resetDelay: true}, nil
}

// OnDequeue is called with the queueing delay of a request leaving the
// queue; it reports whether to drop it (ReasonDropped).
func (c *FollyCoDel) OnDequeue(now sim.Time, delay time.Duration) (drop bool) {
	if now > c.intervalTime && !c.resetDelay {
		c.resetDelay = true
		c.intervalTime = now.Add(c.cfg.Interval)
		c.overloaded = c.minDelay > c.cfg.Target
	}
	if c.resetDelay {
		c.resetDelay = false
		c.minDelay = delay
		return false
	}
	if delay < c.minDelay {
		c.minDelay = delay
	}
	if c.overloaded && delay > 2*c.cfg.Target {
		c.drops++
		return true
	}
	return false
}

// Overloaded reports whether the last finished interval was overloaded.
func (c *FollyCoDel) Overloaded() bool { return c.overloaded }

// Load returns folly's load figure, min(100, 100·minDelay/(2·Target)).
func (c *FollyCoDel) Load() int {
	return int(min(100, 100*c.minDelay/(2*c.cfg.Target)))
}

// Drops returns the total number of requests dropped.
func (c *FollyCoDel) Drops() uint64 { return c.drops }

// standingQueue tracks how long a queue has held more than threshold
// requests without a break.
type standingQueue struct {
	threshold int
	above     bool
	since     sim.Time
}

func (q *standingQueue) observe(now sim.Time, n int) {
	switch {
	case n <= q.threshold:
		q.above = false
	case !q.above:
		q.above, q.since = true, now
	}
}

func (q *standingQueue) standing(now sim.Time, d time.Duration) bool {
	return q.above && now.Sub(q.since) >= d
}

// AdaptiveLIFOConfig configures an AdaptiveLIFO.
type AdaptiveLIFOConfig struct {
	// Threshold is the queue length that counts as "empty": the queue is
	// building while it holds more than this: in [0, 1e6].
	Threshold int
	// After is how long the queue must have been building before service
	// switches to LIFO: in [0, 1h].
	After time.Duration
}

// DefaultAdaptiveLIFOConfig returns LIFO once the queue has not been empty
// for 100 ms: the N of "Fail at Scale"'s controlled-delay test (REFERENCES
// §9, [S]), which is how the article detects the standing queue in which
// it switches to LIFO. The article gives no separate parameter.
func DefaultAdaptiveLIFOConfig() AdaptiveLIFOConfig {
	return AdaptiveLIFOConfig{Threshold: 0, After: 100 * time.Millisecond}
}

// AdaptiveLIFO is Facebook's adaptive LIFO (Maurer, "Fail at Scale", ACM
// Queue 13(8), 2015, REFERENCES §9, [S]): serve FIFO normally, and LIFO
// once a queue has formed, so that the newest requests, whose clients are
// most likely still waiting, go first while short timeouts expire the old
// ones. Here a queue has formed when it has held more than Threshold
// requests continuously for at least After.
//
// Report every change of queue length with Observe (after each enqueue and
// dequeue), and ask Order at each dequeue. The zero AdaptiveLIFO serves
// LIFO as soon as the queue is non-empty.
type AdaptiveLIFO struct {
	after time.Duration
	q     standingQueue
}

// NewAdaptiveLIFO validates cfg and returns an AdaptiveLIFO for an empty
// queue.
func NewAdaptiveLIFO(cfg AdaptiveLIFOConfig) (*AdaptiveLIFO, error) {
	const s = "adaptive lifo"
	if cfg.Threshold < 0 || cfg.Threshold > 1e6 {
		return nil, cfgErr(s, "Threshold", "in [0, 1e6]", cfg.Threshold)
	}
	if cfg.After < 0 || cfg.After > time.Hour {
		return nil, cfgErr(s, "After", "in [0, 1h]", cfg.After)
	}
	return &AdaptiveLIFO{after: cfg.After, q: standingQueue{threshold: cfg.Threshold}}, nil
}

// Observe records that the queue holds queueLen waiting requests at now.
func (a *AdaptiveLIFO) Observe(now sim.Time, queueLen int) { a.q.observe(now, queueLen) }

// Order records queueLen (as Observe) and returns the order to serve in.
func (a *AdaptiveLIFO) Order(now sim.Time, queueLen int) Order {
	a.q.observe(now, queueLen)
	if a.q.standing(now, a.after) {
		return LIFO
	}
	return FIFO
}

// ControlledDelayConfig configures a ControlledDelay.
type ControlledDelayConfig struct {
	// Short is M, the longest wait while a queue is standing: in [1µs, 1h].
	Short time.Duration
	// Window is N, both the look-back for an empty queue and the longest
	// wait otherwise: in [Short, 1h].
	Window time.Duration
}

// DefaultControlledDelayConfig returns M = 5 ms, N = 100 ms, the values
// "Fail at Scale" reports working well (REFERENCES §9, [S]).
func DefaultControlledDelayConfig() ControlledDelayConfig {
	return ControlledDelayConfig{Short: 5 * time.Millisecond, Window: 100 * time.Millisecond}
}

// ControlledDelay is the controlled-delay queue timeout of Maurer, "Fail at
// Scale" (ACM Queue 2015, REFERENCES §9, [S: the exact pseudocode was not
// re-read]): when a request is enqueued, if the queue has not been empty at
// any point in the last N, a standing queue exists and the request may
// wait at most M; otherwise it may wait up to N.
//
// Report every change of queue length with Observe and ask MaxWait when a
// request is enqueued; the caller drops it (ReasonExpired) if it is still
// queued after that. The zero ControlledDelay returns a zero MaxWait.
type ControlledDelay struct {
	cfg ControlledDelayConfig
	q   standingQueue
}

// NewControlledDelay validates cfg and returns a ControlledDelay for an
// empty queue.
func NewControlledDelay(cfg ControlledDelayConfig) (*ControlledDelay, error) {
	const s = "controlled delay"
	if cfg.Short < time.Microsecond || cfg.Short > time.Hour {
		return nil, cfgErr(s, "Short", "in [1µs, 1h]", cfg.Short)
	}
	if cfg.Window < cfg.Short || cfg.Window > time.Hour {
		return nil, cfgErr(s, "Window", fmt.Sprintf("in [Short (%v), 1h]", cfg.Short), cfg.Window)
	}
	return &ControlledDelay{cfg: cfg}, nil
}

// Observe records that the queue holds queueLen waiting requests at now.
func (c *ControlledDelay) Observe(now sim.Time, queueLen int) { c.q.observe(now, queueLen) }

// MaxWait returns how long a request enqueued at now may wait.
func (c *ControlledDelay) MaxWait(now sim.Time) time.Duration {
	if c.q.standing(now, c.cfg.Window) {
		return c.cfg.Short
	}
	return c.cfg.Window
}
