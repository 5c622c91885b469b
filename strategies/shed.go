package strategies

import (
	"fmt"
	"math"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// QueueLengthShedderConfig configures a QueueLengthShedder.
type QueueLengthShedderConfig struct {
	// MaxQueue is the number of waiting requests at which new ones are
	// shed: in [0, 1e9].
	MaxQueue int
}

// QueueLengthShedder sheds a new request when the queue already holds
// MaxQueue waiting requests (REFERENCES §11, load shedding on a
// queue-length signal [NV]). Unlike the queue's own limit
// (ReasonQueueFull), it can sit below the queue's capacity and answers
// ReasonShed. There is no source default. The zero QueueLengthShedder
// sheds everything.
type QueueLengthShedder struct{ max int }

// NewQueueLengthShedder validates cfg.
func NewQueueLengthShedder(cfg QueueLengthShedderConfig) (QueueLengthShedder, error) {
	if cfg.MaxQueue < 0 || cfg.MaxQueue > 1e9 {
		return QueueLengthShedder{}, cfgErr("queue length shedder", "MaxQueue", "in [0, 1e9]", cfg.MaxQueue)
	}
	return QueueLengthShedder{max: cfg.MaxQueue}, nil
}

// Shed reports whether to shed a request arriving at a queue holding
// queueLen waiting requests.
func (s QueueLengthShedder) Shed(queueLen int) bool { return queueLen >= s.max }

// ConcurrencyShedderConfig configures a ConcurrencyShedder.
type ConcurrencyShedderConfig struct {
	// MaxInFlight is the number of requests in the server (queued and in
	// service) at which new ones are shed: in [1, 1e9].
	MaxInFlight int
}

// ConcurrencyShedder sheds a new request when the server already holds
// MaxInFlight requests, queued or in service (REFERENCES §11: in-flight
// requests above a threshold [NV]). There is no source default. The zero
// ConcurrencyShedder sheds everything.
type ConcurrencyShedder struct{ max int }

// NewConcurrencyShedder validates cfg.
func NewConcurrencyShedder(cfg ConcurrencyShedderConfig) (ConcurrencyShedder, error) {
	if cfg.MaxInFlight < 1 || cfg.MaxInFlight > 1e9 {
		return ConcurrencyShedder{}, cfgErr("concurrency shedder", "MaxInFlight", "in [1, 1e9]", cfg.MaxInFlight)
	}
	return ConcurrencyShedder{max: cfg.MaxInFlight}, nil
}

// Shed reports whether to shed a request arriving while inFlight requests
// are in the server.
func (s ConcurrencyShedder) Shed(inFlight int) bool { return inFlight >= s.max }

// LatencySignal is which queueing-latency measure a LatencyShedder uses.
// The zero LatencySignal is SignalHeadAge.
type LatencySignal uint8

// The latency signals.
const (
	// SignalHeadAge is the age of the oldest waiting request: how long the
	// current queue has made someone wait (a FIFO arrival waits at least
	// about this long).
	SignalHeadAge LatencySignal = iota
	// SignalMeanSojourn is the mean queueing delay of the requests that
	// left the queue in the last Window.
	SignalMeanSojourn
)

var latencySignalNames = [...]string{"head_age", "mean_sojourn"}

// String returns "head_age" or "mean_sojourn".
func (s LatencySignal) String() string {
	if int(s) < len(latencySignalNames) {
		return latencySignalNames[s]
	}
	return fmt.Sprintf("latencysignal(%d)", uint8(s))
}

// ParseLatencySignal returns the LatencySignal named s.
func ParseLatencySignal(s string) (LatencySignal, error) {
	for i, n := range latencySignalNames {
		if n == s {
			return LatencySignal(i), nil
		}
	}
	return 0, fmt.Errorf("unknown latency signal %q: valid are head_age, mean_sojourn", s)
}

// LatencyShedderConfig configures a LatencyShedder.
type LatencyShedderConfig struct {
	// Signal is the latency measure compared with MaxDelay.
	Signal LatencySignal
	// MaxDelay is the queueing delay above which new requests are shed:
	// in [1µs, 1h].
	MaxDelay time.Duration
	// Window is the history SignalMeanSojourn averages over: in [1ms, 1h].
	// Unused by SignalHeadAge.
	Window time.Duration
	// Buckets is the number of buckets Window is kept in (a divisor of
	// Window, buckets >= 1µs): in [1, 10000]. Unused by SignalHeadAge.
	Buckets int
}

// LatencyShedder sheds new requests while queueing latency is above
// MaxDelay (REFERENCES §11: shed when queue delay is above a limit [NV]):
// either the age of the oldest waiting request now, or the mean sojourn of
// the requests dequeued over the last Window (a ring of buckets). There is
// no source default. The zero LatencyShedder is not usable; call
// NewLatencyShedder.
type LatencyShedder struct {
	signal LatencySignal
	max    time.Duration
	ring   bucketRing // 0: sum of sojourns (ns), 1: count
}

// NewLatencyShedder validates cfg.
func NewLatencyShedder(cfg LatencyShedderConfig) (*LatencyShedder, error) {
	const s = "latency shedder"
	if cfg.Signal > SignalMeanSojourn {
		return nil, cfgErr(s, "Signal", "head_age or mean_sojourn", cfg.Signal)
	}
	if cfg.MaxDelay < time.Microsecond || cfg.MaxDelay > time.Hour {
		return nil, cfgErr(s, "MaxDelay", "in [1µs, 1h]", cfg.MaxDelay)
	}
	l := &LatencyShedder{signal: cfg.Signal, max: cfg.MaxDelay}
	if cfg.Signal == SignalMeanSojourn {
		if cfg.Window < time.Millisecond || cfg.Window > time.Hour {
			return nil, cfgErr(s, "Window", "in [1ms, 1h]", cfg.Window)
		}
		if err := validBuckets(s, cfg.Window, cfg.Buckets); err != nil {
			return nil, err
		}
		l.ring = newBucketRing(cfg.Window, cfg.Buckets)
	}
	return l, nil
}

// Observe records the sojourn of a request leaving the queue (used by
// SignalMeanSojourn; a no-op otherwise).
func (l *LatencyShedder) Observe(now sim.Time, sojourn time.Duration) {
	if l.signal != SignalMeanSojourn {
		return
	}
	l.ring.add(now, 0, int64(sojourn))
	l.ring.add(now, 1, 1)
}

// Delay returns the signal at now given the age of the oldest waiting
// request (0 if the queue is empty).
func (l *LatencyShedder) Delay(now sim.Time, headAge time.Duration) time.Duration {
	if l.signal == SignalHeadAge {
		return headAge
	}
	t := l.ring.sum(now)
	if t[1] == 0 {
		return 0
	}
	return time.Duration(t[0] / t[1])
}

// Shed reports whether to shed a request arriving at now.
func (l *LatencyShedder) Shed(now sim.Time, headAge time.Duration) bool {
	return l.Delay(now, headAge) > l.max
}

// Priority is a request's criticality, from the SRE book's "Handling
// Overload" (REFERENCES §5), in increasing order of importance. The zero
// Priority is Sheddable; the book's default for production requests is
// Critical, which callers set explicitly.
type Priority uint8

// The priorities.
const (
	Sheddable     Priority = iota // frequent partial and occasional full unavailability expected
	SheddablePlus                 // partial unavailability expected; batch jobs' default
	Critical                      // production requests' default; user-visible
	CriticalPlus                  // the most important; serious user-visible impact
	NumPriorities = 4             // the number of priority classes
)

var priorityNames = [NumPriorities]string{"sheddable", "sheddable_plus", "critical", "critical_plus"}

// String returns "sheddable", "sheddable_plus", "critical" or
// "critical_plus".
func (p Priority) String() string {
	if p < NumPriorities {
		return priorityNames[p]
	}
	return fmt.Sprintf("priority(%d)", uint8(p))
}

// ParsePriority returns the Priority named s.
func ParsePriority(s string) (Priority, error) {
	for i, n := range priorityNames {
		if n == s {
			return Priority(i), nil
		}
	}
	return 0, fmt.Errorf("unknown priority %q: valid are sheddable, sheddable_plus, critical, critical_plus", s)
}

// PriorityShedderConfig configures a PriorityShedder.
type PriorityShedderConfig struct {
	// Thresholds[p] is the load at or above which requests of priority p
	// are shed: each in (0, +Inf] (+Inf: never), non-decreasing with
	// priority. Load is whatever utilisation signal the caller passes, e.g.
	// (queued + in service) / (workers + queue limit).
	Thresholds [NumPriorities]float64
}

// DefaultPriorityShedderConfig returns thresholds 0.5, 0.7, 0.9 and +Inf
// for sheddable, sheddable_plus, critical and critical_plus. The SRE book
// says only that lower criticalities are shed first; these numbers are this
// package's choice.
func DefaultPriorityShedderConfig() PriorityShedderConfig {
	return PriorityShedderConfig{Thresholds: [NumPriorities]float64{0.5, 0.7, 0.9, math.Inf(1)}}
}

// PriorityShedder sheds lower-priority requests first as load rises (SRE
// book, "Handling Overload": backends shed lower criticality first,
// REFERENCES §5; Vitillo, shed low-priority work first, §11 [NV]): a
// request of priority p is shed when load >= Thresholds[p]. The zero
// PriorityShedder sheds everything whenever load >= 0.
type PriorityShedder struct{ th [NumPriorities]float64 }

// NewPriorityShedder validates cfg.
func NewPriorityShedder(cfg PriorityShedderConfig) (PriorityShedder, error) {
	for p := range NumPriorities {
		t := cfg.Thresholds[p]
		if !(t > 0) || math.IsNaN(t) {
			return PriorityShedder{}, cfgErr("priority shedder", fmt.Sprintf("Thresholds[%s]", Priority(p)), "in (0, +Inf]", t)
		}
		if p > 0 && t < cfg.Thresholds[p-1] {
			return PriorityShedder{}, cfgErr("priority shedder", fmt.Sprintf("Thresholds[%s]", Priority(p)),
				fmt.Sprintf(">= Thresholds[%s] (%v)", Priority(p-1), cfg.Thresholds[p-1]), t)
		}
	}
	return PriorityShedder{th: cfg.Thresholds}, nil
}

// Shed reports whether to shed a request of priority p at load.
func (s PriorityShedder) Shed(load float64, p Priority) bool {
	if p >= NumPriorities {
		p = NumPriorities - 1
	}
	return load >= s.th[p]
}

// Threshold returns the load at which priority p starts being shed.
func (s PriorityShedder) Threshold(p Priority) float64 { return s.th[min(p, NumPriorities-1)] }

// ShedSpec is load shedding at a service: a request arriving at a
// replica is rejected at once with shed when one of the configured
// signals is over its threshold. Set one or more.
type ShedSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// QueueLength sheds when the replica already has this many requests
	// waiting (below the queue's own limit, which answers queue_full).
	// Zero means off; else in [1, 1e9].
	QueueLength int `toml:"queue_length"`
	// Concurrency sheds when the replica already holds this many requests,
	// waiting and in service. Zero means off; else in [1, 1e9].
	Concurrency int `toml:"concurrency"`
	// Latency sheds while the queueing delay is above this. Zero means
	// off; else in [1µs, 1h].
	Latency time.Duration `toml:"latency"`
	// LatencySignal is the queueing delay compared with Latency: head_age
	// (how long the oldest waiting request has waited) or mean_sojourn
	// (the mean wait of the requests dequeued over LatencyWindow). Empty
	// means head_age.
	LatencySignal string `toml:"latency_signal"`
	// LatencyWindow is mean_sojourn's window (10 buckets). Zero means 1s.
	LatencyWindow time.Duration `toml:"latency_window"`
	// Priority sheds by criticality: a request of a class is shed when the
	// replica already holds that class's number of requests (waiting and
	// in service). nil means off.
	Priority *PriorityShed `toml:"priority"`
}

// PriorityShed holds, per criticality (the SRE book's, lowest first), the
// number of requests a replica may hold before it sheds that class. A
// class left out (zero) is shed at the limit of the next more critical
// class set, or never when none above it is set; the values set must not
// decrease with criticality.
type PriorityShed struct {
	Sheddable     int `toml:"sheddable"`
	SheddablePlus int `toml:"sheddable_plus"`
	Critical      int `toml:"critical"`
	CriticalPlus  int `toml:"critical_plus"`
}

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (sh *ShedSpec) ApplyDefaults() {
	if sh.Latency > 0 {
		if sh.LatencySignal == "" {
			sh.LatencySignal = SignalHeadAge.String()
		}
		if sh.LatencySignal == SignalMeanSojourn.String() && sh.LatencyWindow == 0 {
			sh.LatencyWindow = time.Second
		}
	}
}

// Thresholds returns the priority shedder's thresholds: a class left out
// takes the limit of the next more critical class set (it is shed no
// later than that one), and +Inf (never) when none is set above it.
func (p *PriorityShed) Thresholds() [NumPriorities]float64 {
	var th [NumPriorities]float64
	limits := [NumPriorities]int{p.Sheddable, p.SheddablePlus, p.Critical, p.CriticalPlus}
	cur := math.Inf(1)
	for i := NumPriorities - 1; i >= 0; i-- {
		if limits[i] > 0 {
			cur = float64(limits[i])
		}
		th[i] = cur
	}
	return th
}

// Validate checks every key (after ApplyDefaults); an error is a
// *FieldError naming the key at fault.
func (sh *ShedSpec) Validate() error {
	if sh.QueueLength == 0 && sh.Concurrency == 0 && sh.Latency == 0 && sh.Priority == nil {
		return &FieldError{Msg: "sets no signal: give queue_length, concurrency, latency or priority"}
	}
	if sh.QueueLength < 0 || sh.QueueLength > 1e9 {
		return &FieldError{Path: "queue_length", Msg: fmt.Sprintf("must be in [1, 1e9] (0: off), got %d", sh.QueueLength)}
	}
	if sh.Concurrency < 0 || sh.Concurrency > 1e9 {
		return &FieldError{Path: "concurrency", Msg: fmt.Sprintf("must be in [1, 1e9] (0: off), got %d", sh.Concurrency)}
	}
	if sh.Latency != 0 {
		if _, err := sh.LatencyConfig(); err != nil {
			return err
		}
	} else if sh.LatencySignal != "" || sh.LatencyWindow != 0 {
		return &FieldError{Path: "latency", Msg: "is required with latency_signal or latency_window"}
	}
	if p := sh.Priority; p != nil {
		for _, n := range []int{p.Sheddable, p.SheddablePlus, p.Critical, p.CriticalPlus} {
			if n < 0 || n > 1e9 {
				return &FieldError{Path: "priority", Msg: fmt.Sprintf("limits must be in [1, 1e9] (0: as the next more critical class), got %d", n)}
			}
		}
		_, err := NewPriorityShedder(PriorityShedderConfig{Thresholds: p.Thresholds()})
		if err != nil {
			return &FieldError{Path: "priority", Msg: "limits must not decrease from sheddable to critical_plus (a more critical class is shed last): " + err.Error()}
		}
	}
	return nil
}

// LatencyConfig returns the latency shedder's configuration.
func (sh *ShedSpec) LatencyConfig() (LatencyShedderConfig, error) {
	sig, err := ParseLatencySignal(sh.LatencySignal)
	if err != nil {
		return LatencyShedderConfig{}, &FieldError{Path: "latency_signal", Msg: "must be one of head_age, mean_sojourn, got " + quote(sh.LatencySignal)}
	}
	cfg := LatencyShedderConfig{Signal: sig, MaxDelay: sh.Latency, Window: sh.LatencyWindow, Buckets: 10}
	if sig == SignalHeadAge && sh.LatencyWindow != 0 {
		return cfg, &FieldError{Path: "latency_window", Msg: "is for latency_signal = \"mean_sojourn\""}
	}
	_, err = NewLatencyShedder(cfg)
	return cfg, AsFieldError(err, map[string]string{"MaxDelay": "latency", "Window": "latency_window", "Buckets": "latency_window"})
}

// Clone returns a copy of sh that shares nothing with it (nil for nil).
func (sh *ShedSpec) Clone() *ShedSpec {
	if sh == nil {
		return nil
	}
	c := *sh
	c.Priority = clonePtr(sh.Priority)
	return &c
}

// Key returns the table's scenario key, "shed".
func (*ShedSpec) Key() string { return "shed" }
