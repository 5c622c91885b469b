package strategies

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// OutlierConfig configures an OutlierDetector. Percentages are whole
// percent in [0, 100]; an enforcing percentage is the probability that a
// host found to be an outlier by that test is ejected.
type OutlierConfig struct {
	Consecutive5xx                     int // in [1, 1e6]
	ConsecutiveGatewayFailure          int // in [1, 1e6]
	EnforcingConsecutive5xx            int
	EnforcingConsecutiveGatewayFailure int
	Interval                           time.Duration // between sweeps, in [1ms, 1h]
	BaseEjectionTime                   time.Duration // in [1ms, 24h]
	MaxEjectionTime                    time.Duration // >= BaseEjectionTime, <= 24h
	MaxEjectionPercent                 int
	SuccessRateMinimumHosts            int     // in [1, 1e6]
	SuccessRateRequestVolume           int     // in [1, 1e9]
	SuccessRateStdevFactor             float64 // in [0, 1e6], per thousand: 1900 is 1.9
	EnforcingSuccessRate               int
	FailurePercentageThreshold         int
	FailurePercentageMinimumHosts      int // in [1, 1e6]
	FailurePercentageRequestVolume     int // in [1, 1e9]
	EnforcingFailurePercentage         int
}

// DefaultOutlierConfig returns Envoy's defaults (config.cluster.v3
// OutlierDetection, envoyproxy.io/docs/envoy/latest/api-v3/config/
// cluster/v3/outlier_detection.proto): 5 consecutive 5xx
// (enforced 100%), 5 consecutive gateway failures (enforced 0%), a 10 s
// interval, 30 s base ejection time, at most 300 s, at most 10% of the
// hosts ejected, success-rate ejection over at least 5 hosts with 100
// requests each in the interval at mean - 1.9 stdev (enforced 100%), and
// failure-percentage ejection at 85% over at least 5 hosts with 50
// requests each (enforced 0%).
func DefaultOutlierConfig() OutlierConfig {
	return OutlierConfig{
		Consecutive5xx: 5, ConsecutiveGatewayFailure: 5,
		EnforcingConsecutive5xx: 100, EnforcingConsecutiveGatewayFailure: 0,
		Interval: 10 * time.Second, BaseEjectionTime: 30 * time.Second, MaxEjectionTime: 300 * time.Second,
		MaxEjectionPercent:      10,
		SuccessRateMinimumHosts: 5, SuccessRateRequestVolume: 100, SuccessRateStdevFactor: 1900, EnforcingSuccessRate: 100,
		FailurePercentageThreshold: 85, FailurePercentageMinimumHosts: 5, FailurePercentageRequestVolume: 50, EnforcingFailurePercentage: 0,
	}
}

// OutlierResult is what a caller learned from one request to a host.
type OutlierResult uint8

// The results an OutlierDetector counts.
const (
	// OutlierSuccess is an answer that is not a server error.
	OutlierSuccess OutlierResult = iota
	// Outlier5xx is a server error answer (HTTP 500, 503).
	Outlier5xx
	// OutlierGatewayFailure is a gateway failure: in stampede, the
	// caller's timeout, which Envoy's router turns into a 504 and counts
	// both as a 5xx and as a gateway failure (split_external_local_origin
	// _errors false, Envoy's default).
	OutlierGatewayFailure
)

// outlierHost is one host's state in an OutlierDetector.
type outlierHost struct {
	cons5xx, consGw int
	ok, fail        int64 // in the current interval
	ejected         bool
	until           sim.Time // when an ejected host may come back, at a sweep
	times           int      // times ejected: the ejection time's multiplier
}

// OutlierDetector is Envoy's outlier detection (passive health checking)
// on one caller's load balancer over n hosts (envoyproxy.io, "Outlier
// detection" in the architecture overview, and the OutlierDetection
// proto):
//
//   - consecutive 5xx: a host's Consecutive5xx-th server error in a row
//     (a success resets the count) ejects it, inline, with probability
//     EnforcingConsecutive5xx%; consecutive gateway failures likewise;
//   - every Interval a sweep returns the hosts whose ejection time has
//     passed, then runs success-rate ejection: over the hosts with at
//     least SuccessRateRequestVolume requests in the interval, if there
//     are at least SuccessRateMinimumHosts of them, a host whose success
//     rate is below mean - SuccessRateStdevFactor/1000 x stdev is ejected
//     with probability EnforcingSuccessRate%; and failure-percentage
//     ejection: a host with at least FailurePercentageRequestVolume
//     requests (among at least FailurePercentageMinimumHosts such hosts)
//     failing FailurePercentageThreshold% or more is ejected with
//     probability EnforcingFailurePercentage%. Then the interval's counts
//     start again;
//   - an outlier is ejected if no host is ejected (at least one always
//     may be), or if with it the ejected hosts stay within
//     MaxEjectionPercent of all;
//   - a host is ejected for BaseEjectionTime times the number of times it
//     has been ejected, at most max(BaseEjectionTime, MaxEjectionTime),
//     and comes back at the first sweep after that. (Envoy since 1.18 also
//     lowers the multiplier after healthy intervals; not modelled here.)
//
// Draws come from the rng passed in, only for an enforcing percentage
// strictly between 0 and 100. The zero OutlierDetector is not usable;
// call NewOutlierDetector.
type OutlierDetector struct {
	cfg       OutlierConfig
	hosts     []outlierHost
	ejected   int   // hosts ejected now
	live      int   // hosts in the cluster (SetHosts); 0 means len(hosts)
	ejections int64 // ejections so far
	rates     []float64
}

// NewOutlierDetector validates cfg and returns a detector over n hosts
// (n in [1, 1e6]), none ejected.
func NewOutlierDetector(cfg OutlierConfig, n int) (*OutlierDetector, error) {
	const s = "outlier detection"
	pct := func(f string, v int) error {
		if v < 0 || v > 100 {
			return cfgErr(s, f, "a percentage in [0, 100]", v)
		}
		return nil
	}
	count := func(f string, v, hi int) error {
		if v < 1 || v > hi {
			return cfgErr(s, f, "in [1, "+strconv.Itoa(hi)+"]", v)
		}
		return nil
	}
	for _, err := range []error{
		count("consecutive_5xx", cfg.Consecutive5xx, 1e6),
		count("consecutive_gateway_failure", cfg.ConsecutiveGatewayFailure, 1e6),
		pct("enforcing_consecutive_5xx", cfg.EnforcingConsecutive5xx),
		pct("enforcing_consecutive_gateway_failure", cfg.EnforcingConsecutiveGatewayFailure),
		pct("max_ejection_percent", cfg.MaxEjectionPercent),
		count("success_rate_minimum_hosts", cfg.SuccessRateMinimumHosts, 1e6),
		count("success_rate_request_volume", cfg.SuccessRateRequestVolume, 1e9),
		pct("enforcing_success_rate", cfg.EnforcingSuccessRate),
		pct("failure_percentage_threshold", cfg.FailurePercentageThreshold),
		count("failure_percentage_minimum_hosts", cfg.FailurePercentageMinimumHosts, 1e6),
		count("failure_percentage_request_volume", cfg.FailurePercentageRequestVolume, 1e9),
		pct("enforcing_failure_percentage", cfg.EnforcingFailurePercentage),
	} {
		if err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.Interval < time.Millisecond || cfg.Interval > time.Hour:
		return nil, cfgErr(s, "interval", "in [1ms, 1h]", cfg.Interval)
	case cfg.BaseEjectionTime < time.Millisecond || cfg.BaseEjectionTime > 24*time.Hour:
		return nil, cfgErr(s, "base_ejection_time", "in [1ms, 24h]", cfg.BaseEjectionTime)
	case cfg.MaxEjectionTime < cfg.BaseEjectionTime || cfg.MaxEjectionTime > 24*time.Hour:
		return nil, cfgErr(s, "max_ejection_time", "in [base_ejection_time, 24h]", cfg.MaxEjectionTime)
	case !(cfg.SuccessRateStdevFactor >= 0 && cfg.SuccessRateStdevFactor <= 1e6):
		return nil, cfgErr(s, "success_rate_stdev_factor", "in [0, 1e6] (per thousand)", cfg.SuccessRateStdevFactor)
	case n < 1 || n > 1e6:
		return nil, cfgErr(s, "hosts", "in [1, 1e6]", n)
	}
	return &OutlierDetector{cfg: cfg, hosts: make([]outlierHost, n), rates: make([]float64, 0, n)}, nil
}

// Report counts result r of a request to host i at now, and ejects the
// host inline when it makes its consecutive-5xx (or gateway-failure) run
// long enough. It reports whether it ejected the host. Results for a host
// already ejected (answers to requests sent before) are counted in its
// interval but eject nothing.
func (d *OutlierDetector) Report(now sim.Time, i int, r OutlierResult, rng *rand.Rand) bool {
	h := &d.hosts[i]
	if r == OutlierSuccess {
		h.ok++
		h.cons5xx, h.consGw = 0, 0
		return false
	}
	h.fail++
	h.cons5xx++
	if r == OutlierGatewayFailure {
		h.consGw++
	} else {
		h.consGw = 0
	}
	if h.ejected {
		return false
	}
	if h.cons5xx >= d.cfg.Consecutive5xx {
		h.cons5xx, h.consGw = 0, 0
		return d.eject(now, i, d.cfg.EnforcingConsecutive5xx, rng)
	}
	if h.consGw >= d.cfg.ConsecutiveGatewayFailure {
		h.cons5xx, h.consGw = 0, 0
		return d.eject(now, i, d.cfg.EnforcingConsecutiveGatewayFailure, rng)
	}
	return false
}

// eject ejects host i with probability enforcing% if the cap allows.
func (d *OutlierDetector) eject(now sim.Time, i, enforcing int, rng *rand.Rand) bool {
	if enforcing <= 0 || (enforcing < 100 && rng.IntN(100) >= enforcing) {
		return false
	}
	if !d.mayEject() {
		return false
	}
	h := &d.hosts[i]
	h.ejected = true
	h.times++
	t := d.cfg.BaseEjectionTime * time.Duration(h.times)
	if t > d.cfg.MaxEjectionTime || t < 0 {
		t = d.cfg.MaxEjectionTime
	}
	h.until = now.Add(t)
	d.ejected++
	d.ejections++
	return true
}

// mayEject reports whether one more host may be ejected: always when none
// is, else when the ejected hosts with it stay within MaxEjectionPercent.
func (d *OutlierDetector) mayEject() bool {
	n := len(d.hosts)
	if d.live > 0 {
		n = d.live
	}
	return d.ejected == 0 || 100*(d.ejected+1) <= d.cfg.MaxEjectionPercent*n
}

// Sweep is the interval timer: it returns the hosts whose ejection time
// has passed, runs success-rate and failure-percentage ejection on the
// interval's counts, and starts a new interval. It returns how many hosts
// it ejected.
func (d *OutlierDetector) Sweep(now sim.Time, rng *rand.Rand) int {
	for i := range d.hosts {
		if h := &d.hosts[i]; h.ejected && now >= h.until {
			h.ejected = false
			d.ejected--
		}
	}
	n := d.successRate(now, rng) + d.failurePercentage(now, rng)
	for i := range d.hosts {
		d.hosts[i].ok, d.hosts[i].fail = 0, 0
	}
	return n
}

// SuccessRateThreshold returns the success-rate ejection threshold, in
// percent, over the interval's counts so far: mean - factor/1000 x stdev
// (population) of the success rates of the hosts not ejected with enough
// requests, and whether there are enough such hosts to have one.
func (d *OutlierDetector) SuccessRateThreshold() (float64, bool) {
	d.rates = d.rates[:0]
	for i := range d.hosts {
		h := &d.hosts[i]
		if v := h.ok + h.fail; !h.ejected && v >= int64(d.cfg.SuccessRateRequestVolume) {
			d.rates = append(d.rates, 100*float64(h.ok)/float64(v))
		}
	}
	if len(d.rates) < d.cfg.SuccessRateMinimumHosts {
		return 0, false
	}
	var sum float64
	for _, r := range d.rates {
		sum += r
	}
	mean := sum / float64(len(d.rates))
	var ss float64
	for _, r := range d.rates {
		ss += (r - mean) * (r - mean)
	}
	stdev := math.Sqrt(ss / float64(len(d.rates)))
	return mean - d.cfg.SuccessRateStdevFactor/1000*stdev, true
}

func (d *OutlierDetector) successRate(now sim.Time, rng *rand.Rand) int {
	th, ok := d.SuccessRateThreshold()
	if !ok {
		return 0
	}
	n := 0
	for i := range d.hosts {
		h := &d.hosts[i]
		v := h.ok + h.fail
		if h.ejected || v < int64(d.cfg.SuccessRateRequestVolume) {
			continue
		}
		if 100*float64(h.ok)/float64(v) < th && d.eject(now, i, d.cfg.EnforcingSuccessRate, rng) {
			n++
		}
	}
	return n
}

func (d *OutlierDetector) failurePercentage(now sim.Time, rng *rand.Rand) int {
	vol := int64(d.cfg.FailurePercentageRequestVolume)
	hosts := 0
	for i := range d.hosts {
		if h := &d.hosts[i]; !h.ejected && h.ok+h.fail >= vol {
			hosts++
		}
	}
	if hosts < d.cfg.FailurePercentageMinimumHosts {
		return 0
	}
	n := 0
	for i := range d.hosts {
		h := &d.hosts[i]
		v := h.ok + h.fail
		if h.ejected || v < vol {
			continue
		}
		if 100*h.fail >= int64(d.cfg.FailurePercentageThreshold)*v && d.eject(now, i, d.cfg.EnforcingFailurePercentage, rng) {
			n++
		}
	}
	return n
}

// Ejected reports whether host i is ejected (out of the balancer).
func (d *OutlierDetector) Ejected(i int) bool { return d.hosts[i].ejected }

// EjectedHosts returns how many hosts are ejected now.
func (d *OutlierDetector) EjectedHosts() int { return d.ejected }

// Ejections returns how many ejections there have been.
func (d *OutlierDetector) Ejections() int64 { return d.ejections }

// EjectedUntil returns when ejected host i may come back (at the first
// sweep at or after it); meaningless for a host not ejected.
func (d *OutlierDetector) EjectedUntil(i int) sim.Time { return d.hosts[i].until }

// SetHosts sets the number of hosts in the cluster, for
// MaxEjectionPercent, when fewer than the detector's hosts are in it (an
// autoscaled service: the detector spans its most replicas). Zero or
// less means every host.
func (d *OutlierDetector) SetHosts(n int) { d.live = n }

// Hosts returns the number of hosts.
func (d *OutlierDetector) Hosts() int { return len(d.hosts) }

// Interval returns the time between sweeps.
func (d *OutlierDetector) Interval() time.Duration { return d.cfg.Interval }
