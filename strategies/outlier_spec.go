package strategies

import "time"

// OutlierSpec is outlier detection on a caller's load balancer, as Envoy
// defines it (OutlierDetector): hosts (the replicas of the edge's target
// service) with runs of consecutive server errors or gateway failures, or
// a success rate or failure percentage far from the others', are ejected
// from the balancer for a time that grows with each ejection, at most
// max_ejection_percent of them at once (but always one). Keys and defaults
// are Envoy's (config.cluster.v3.OutlierDetection).
type OutlierSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Consecutive5xx: server errors in a row that eject. Zero means 5.
	Consecutive5xx int `toml:"consecutive_5xx"`
	// ConsecutiveGatewayFailure: timeouts in a row that eject. Zero means 5.
	ConsecutiveGatewayFailure int `toml:"consecutive_gateway_failure"`
	// EnforcingConsecutive5xx is the percent chance a consecutive-5xx
	// outlier is ejected. nil means 100.
	EnforcingConsecutive5xx *int `toml:"enforcing_consecutive_5xx"`
	// EnforcingConsecutiveGatewayFailure: likewise for gateway failures.
	// nil means 0 (Envoy's default: counted, not enforced).
	EnforcingConsecutiveGatewayFailure *int `toml:"enforcing_consecutive_gateway_failure"`
	// Interval is the time between sweeps. Zero means 10s.
	Interval time.Duration `toml:"interval"`
	// BaseEjectionTime is the first ejection's length. Zero means 30s.
	BaseEjectionTime time.Duration `toml:"base_ejection_time"`
	// MaxEjectionTime caps an ejection's length. Zero means 300s (or the
	// base ejection time if that is longer).
	MaxEjectionTime time.Duration `toml:"max_ejection_time"`
	// MaxEjectionPercent caps the share of hosts ejected at once (one
	// host always may be). nil means 10.
	MaxEjectionPercent *int `toml:"max_ejection_percent"`
	// SuccessRateMinimumHosts: hosts with enough requests needed for
	// success-rate ejection. Zero means 5.
	SuccessRateMinimumHosts int `toml:"success_rate_minimum_hosts"`
	// SuccessRateRequestVolume: requests a host needs in an interval to
	// count. Zero means 100.
	SuccessRateRequestVolume int `toml:"success_rate_request_volume"`
	// SuccessRateStdevFactor: the threshold is mean - factor/1000 x
	// stdev. Zero means 1900.
	SuccessRateStdevFactor float64 `toml:"success_rate_stdev_factor"`
	// EnforcingSuccessRate: percent chance a success-rate outlier is
	// ejected. nil means 100.
	EnforcingSuccessRate *int `toml:"enforcing_success_rate"`
	// FailurePercentageThreshold: failure percent at or above which a
	// host is an outlier. nil means 85.
	FailurePercentageThreshold *int `toml:"failure_percentage_threshold"`
	// FailurePercentageMinimumHosts. Zero means 5.
	FailurePercentageMinimumHosts int `toml:"failure_percentage_minimum_hosts"`
	// FailurePercentageRequestVolume. Zero means 50.
	FailurePercentageRequestVolume int `toml:"failure_percentage_request_volume"`
	// EnforcingFailurePercentage: percent chance a failure-percentage
	// outlier is ejected. nil means 0 (Envoy's default: off).
	EnforcingFailurePercentage *int `toml:"enforcing_failure_percentage"`
}

func setIntPtr(p **int, v int) {
	if *p == nil {
		*p = &v
	}
}

// ApplyDefaults sets the keys left out to Envoy's defaults
// (DefaultOutlierConfig).
func (o *OutlierSpec) ApplyDefaults() {
	d := DefaultOutlierConfig()
	setInt(&o.Consecutive5xx, d.Consecutive5xx)
	setInt(&o.ConsecutiveGatewayFailure, d.ConsecutiveGatewayFailure)
	setIntPtr(&o.EnforcingConsecutive5xx, d.EnforcingConsecutive5xx)
	setIntPtr(&o.EnforcingConsecutiveGatewayFailure, d.EnforcingConsecutiveGatewayFailure)
	if o.Interval == 0 {
		o.Interval = d.Interval
	}
	if o.BaseEjectionTime == 0 {
		o.BaseEjectionTime = d.BaseEjectionTime
	}
	if o.MaxEjectionTime == 0 {
		o.MaxEjectionTime = max(d.MaxEjectionTime, o.BaseEjectionTime)
	}
	setIntPtr(&o.MaxEjectionPercent, d.MaxEjectionPercent)
	setInt(&o.SuccessRateMinimumHosts, d.SuccessRateMinimumHosts)
	setInt(&o.SuccessRateRequestVolume, d.SuccessRateRequestVolume)
	if o.SuccessRateStdevFactor == 0 {
		o.SuccessRateStdevFactor = d.SuccessRateStdevFactor
	}
	setIntPtr(&o.EnforcingSuccessRate, d.EnforcingSuccessRate)
	setIntPtr(&o.FailurePercentageThreshold, d.FailurePercentageThreshold)
	setInt(&o.FailurePercentageMinimumHosts, d.FailurePercentageMinimumHosts)
	setInt(&o.FailurePercentageRequestVolume, d.FailurePercentageRequestVolume)
	setIntPtr(&o.EnforcingFailurePercentage, d.EnforcingFailurePercentage)
}

func deref(p *int) int {
	if p == nil {
		return -1 // left out without ApplyDefaults: invalid
	}
	return *p
}

// Config returns the detector's configuration, checked by building one
// over a single host; an error is a *FieldError naming the key at fault.
func (o *OutlierSpec) Config() (OutlierConfig, error) {
	cfg := OutlierConfig{
		Consecutive5xx: o.Consecutive5xx, ConsecutiveGatewayFailure: o.ConsecutiveGatewayFailure,
		EnforcingConsecutive5xx:            deref(o.EnforcingConsecutive5xx),
		EnforcingConsecutiveGatewayFailure: deref(o.EnforcingConsecutiveGatewayFailure),
		Interval:                           o.Interval, BaseEjectionTime: o.BaseEjectionTime, MaxEjectionTime: o.MaxEjectionTime,
		MaxEjectionPercent:      deref(o.MaxEjectionPercent),
		SuccessRateMinimumHosts: o.SuccessRateMinimumHosts, SuccessRateRequestVolume: o.SuccessRateRequestVolume,
		SuccessRateStdevFactor: o.SuccessRateStdevFactor, EnforcingSuccessRate: deref(o.EnforcingSuccessRate),
		FailurePercentageThreshold:     deref(o.FailurePercentageThreshold),
		FailurePercentageMinimumHosts:  o.FailurePercentageMinimumHosts,
		FailurePercentageRequestVolume: o.FailurePercentageRequestVolume,
		EnforcingFailurePercentage:     deref(o.EnforcingFailurePercentage),
	}
	_, err := NewOutlierDetector(cfg, 1)
	return cfg, AsFieldError(err, nil)
}

// Validate checks every key (after ApplyDefaults).
func (o *OutlierSpec) Validate() error { _, err := o.Config(); return err }

// Key returns the table's scenario key, "outlier_detection".
func (*OutlierSpec) Key() string { return "outlier_detection" }

// Clone returns a copy of o that shares nothing with it (nil for nil).
func (o *OutlierSpec) Clone() *OutlierSpec {
	if o == nil {
		return nil
	}
	c := *o
	c.Enabled = clonePtr(o.Enabled)
	for _, p := range []**int{&c.EnforcingConsecutive5xx, &c.EnforcingConsecutiveGatewayFailure, &c.MaxEjectionPercent,
		&c.EnforcingSuccessRate, &c.FailurePercentageThreshold, &c.EnforcingFailurePercentage} {
		*p = clonePtr(*p)
	}
	return &c
}

// New returns the detector o configures over n hosts.
func (o *OutlierSpec) New(n int) (*OutlierDetector, error) {
	cfg, err := o.Config()
	if err != nil {
		return nil, err
	}
	return NewOutlierDetector(cfg, n)
}
