package strategies

import (
	"fmt"
	"math"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// The leaky bucket, in its two classic readings.
//
// As a meter (policer) it is the Generic Cell Rate Algorithm's virtual
// scheduling form (ITU-T Recommendation I.371, "Traffic control and
// congestion control in B-ISDN", annex: GCRA(T, τ); The ATM Forum, Traffic
// Management Specification 4.0, 1996, §4.4.2): with the emission interval
// T = 1/rate and the tolerance τ, the meter keeps the theoretical arrival
// time TAT of the next request. A request arriving at t_a is conforming
// unless t_a < TAT - τ (it is early by more than the tolerance); a
// conforming request passes and sets TAT = max(TAT, t_a) + T, a
// nonconforming one is rejected and changes nothing. From idle it lets a
// burst of 1 + floor(τ/T) back-to-back requests through, then one per T.
//
// As a queue (shaper) it is the bucket with a hole of Turner, "New
// directions in communications (or which way to the information age?)",
// IEEE Communications Magazine 24(10), 1986, and Tanenbaum, Computer
// Networks (5th ed., 2011, §5.4.2, "Leaky Bucket"): requests pour into a
// bucket that holds at most Capacity of them and leave it at a constant
// rate, one every T, whatever the burstiness of the arrivals; a request
// that finds the bucket full is discarded. Here a request that leaves is
// handed on (to the replica's other arrival strategies, then its workers),
// so the output is smooth: departures at least T apart.

// LeakyBucketMode is how a leaky bucket treats a request it cannot pass at
// once.
type LeakyBucketMode uint8

// Leaky bucket modes.
const (
	// LeakyMeter rejects it (the GCRA policer).
	LeakyMeter LeakyBucketMode = iota
	// LeakyQueue holds it in the bucket until its turn to leave (the
	// shaper), rejecting only when the bucket is full.
	LeakyQueue
)

var leakyModeNames = [...]string{LeakyMeter: "meter", LeakyQueue: "queue"}

// String returns "meter" or "queue".
func (m LeakyBucketMode) String() string {
	if int(m) < len(leakyModeNames) {
		return leakyModeNames[m]
	}
	return fmt.Sprintf("LeakyBucketMode(%d)", uint8(m))
}

// LeakyBucketConfig configures a LeakyBucket.
type LeakyBucketConfig struct {
	Mode LeakyBucketMode
	// Interval is the emission interval T (1/rate): in [1ns, 1h].
	Interval time.Duration
	// Tolerance is the meter's τ, the most a request may be early: in
	// [0, 1h]. Unused by the queue.
	Tolerance time.Duration
	// Capacity is the queue's size, the requests that may wait in the
	// bucket: in [1, 1e9]. Unused by the meter.
	Capacity int
}

// LeakyBucket is a leaky bucket at one replica, as a meter (GCRA) or a
// queue (see above). Its state is one instant: the meter's theoretical
// arrival time TAT, or the queue's departure time of the last request
// admitted. The zero LeakyBucket is not usable; call NewLeakyBucket.
type LeakyBucket struct {
	cfg  LeakyBucketConfig
	tat  sim.Time // meter: the theoretical arrival time of the next request
	last sim.Time // queue: when the last admitted request leaves
	any  bool     // queue: a request has been admitted
}

// NewLeakyBucket validates cfg and returns an empty bucket.
func NewLeakyBucket(cfg LeakyBucketConfig) (*LeakyBucket, error) {
	const s = "leaky bucket"
	if cfg.Mode > LeakyQueue {
		return nil, cfgErr(s, "Mode", "meter or queue", cfg.Mode)
	}
	if cfg.Interval < 1 || cfg.Interval > time.Hour {
		return nil, cfgErr(s, "Interval", "in [1ns, 1h]", cfg.Interval)
	}
	if cfg.Tolerance < 0 || cfg.Tolerance > time.Hour {
		return nil, cfgErr(s, "Tolerance", "in [0, 1h]", cfg.Tolerance)
	}
	if cfg.Mode == LeakyQueue && (cfg.Capacity < 1 || cfg.Capacity > 1e9) {
		return nil, cfgErr(s, "Capacity", "in [1, 1e9]", cfg.Capacity)
	}
	return &LeakyBucket{cfg: cfg}, nil
}

// Conform is the meter: it reports whether a request arriving at now
// conforms to GCRA(T, τ) and, if so, counts it (TAT = max(TAT, now) + T).
// A nonconforming request changes nothing.
func (b *LeakyBucket) Conform(now sim.Time) bool {
	if now < b.tat.Add(-b.cfg.Tolerance) {
		return false
	}
	b.tat = max(b.tat, now).Add(b.cfg.Interval)
	return true
}

// Enter is the queue: a request arriving at now joins the bucket and
// leaves it after wait (zero when the bucket is empty and the last
// departure is at least T ago), or, when Capacity requests are already
// waiting, is refused (ok false) and changes nothing.
func (b *LeakyBucket) Enter(now sim.Time) (wait time.Duration, ok bool) {
	leave := now
	if b.any {
		leave = max(now, b.last.Add(b.cfg.Interval))
	}
	if b.Waiting(now) >= b.cfg.Capacity {
		return 0, false
	}
	b.last, b.any = leave, true
	return leave.Sub(now), true
}

// Waiting returns how many admitted requests are still in the queue at
// now (those whose departure is later than now).
func (b *LeakyBucket) Waiting(now sim.Time) int {
	if !b.any || b.last <= now {
		return 0
	}
	// departures at last, last-T, last-2T, ...: those after now
	ahead := b.last.Sub(now)
	return int((ahead + b.cfg.Interval - 1) / b.cfg.Interval)
}

// Admit is the arrival hook: the meter passes a conforming request and
// rejects the others with rate_limited; the queue holds a request for its
// wait, or rejects it with rate_limited when the bucket is full.
func (b *LeakyBucket) Admit(now sim.Time, _ *Arrival) (Reason, time.Duration) {
	if b.cfg.Mode == LeakyMeter {
		if b.Conform(now) {
			return ReasonOK, 0
		}
		return ReasonRateLimited, 0
	}
	wait, ok := b.Enter(now)
	if !ok {
		return ReasonRateLimited, 0
	}
	return ReasonOK, wait
}

// LeakyBucketSpec is a leaky bucket at each replica of a service
// (services.NAME.leaky_bucket): as a meter, a request early by more than
// the tolerance for the rate is rejected with rate_limited; as a queue,
// requests wait in a bucket of Capacity and go on into the replica at the
// rate, one every 1/Rate, and a request that finds the bucket full is
// rejected with rate_limited.
type LeakyBucketSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Mode is meter (GCRA, ITU-T I.371) or queue (Turner 1986;
	// Tanenbaum, Computer Networks). Empty means meter.
	Mode string `toml:"mode"`
	// Rate is the requests per second that pass (the emission interval is
	// 1/Rate). Required, in [1/3600, 1e9].
	Rate float64 `toml:"rate"`
	// Tolerance is the meter's burst tolerance τ: a burst of
	// 1 + floor(Tolerance x Rate) requests passes from idle. Zero means
	// none (strictly one per 1/Rate); I.371 leaves τ to the traffic
	// contract.
	Tolerance time.Duration `toml:"tolerance"`
	// Capacity is the requests the queue's bucket holds. Zero means one
	// second of Rate (at least 1), as rate_limit's burst; Turner and
	// Tanenbaum leave it to the network.
	Capacity int `toml:"capacity"`
}

// ApplyDefaults sets the keys left out to their defaults.
func (l *LeakyBucketSpec) ApplyDefaults() {
	if l.Mode == "" {
		l.Mode = LeakyMeter.String()
	}
	if l.Mode == LeakyQueue.String() && l.Capacity == 0 && l.Rate > 0 && l.Rate <= 1e9 {
		l.Capacity = max(1, int(math.Ceil(l.Rate)))
	}
}

// Config returns the bucket's configuration; an error is a *FieldError
// naming the key at fault.
func (l *LeakyBucketSpec) Config() (LeakyBucketConfig, error) {
	var cfg LeakyBucketConfig
	switch l.Mode {
	case LeakyMeter.String():
		if l.Capacity != 0 {
			return cfg, &FieldError{Path: "capacity", Msg: "is for mode = \"queue\""}
		}
	case LeakyQueue.String():
		cfg.Mode = LeakyQueue
		if l.Tolerance != 0 {
			return cfg, &FieldError{Path: "tolerance", Msg: "is for mode = \"meter\""}
		}
	default:
		return cfg, &FieldError{Path: "mode", Msg: "must be one of meter, queue, got " + quote(l.Mode)}
	}
	if !(l.Rate >= 1.0/3600 && l.Rate <= 1e9) {
		return cfg, &FieldError{Path: "rate", Msg: fmt.Sprintf("must be in [1/3600, 1e9] requests/s, got %v", l.Rate)}
	}
	cfg.Interval = max(1, time.Duration(math.Round(float64(time.Second)/l.Rate)))
	cfg.Tolerance, cfg.Capacity = l.Tolerance, l.Capacity
	_, err := NewLeakyBucket(cfg)
	return cfg, AsFieldError(err, map[string]string{"Interval": "rate", "Tolerance": "tolerance", "Capacity": "capacity"})
}

// Validate checks every key (after ApplyDefaults).
func (l *LeakyBucketSpec) Validate() error { _, err := l.Config(); return err }

// NewDoor returns the bucket of one replica.
func (l *LeakyBucketSpec) NewDoor(ReplicaEnv) (Door, error) {
	cfg, err := l.Config()
	if err != nil {
		return nil, err
	}
	return NewLeakyBucket(cfg)
}

// Key returns the table's scenario key, "leaky_bucket".
func (*LeakyBucketSpec) Key() string { return "leaky_bucket" }
