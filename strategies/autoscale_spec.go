package strategies

import (
	"fmt"
	"time"
)

// AutoscaleSpec is a service's autoscaler (Autoscaler): every Period it
// measures Metric per ready replica over the period, as it stood Lag
// ago, and asks for the count target tracking recommends; replicas asked
// for become ready after Provisioning and serve Warmup slower by
// WarmupFactor; replicas let go retire (finish their work, take no new
// work). Defaults are the Kubernetes HPA's (sync period 15s, tolerance
// 0.1, scale-down stabilisation 300s, scale-up 100% or 4 pods per 15s,
// scale-down 100% per 15s); Provisioning's 30s is a pod's start (image
// pulled, readiness probe passed), not an HPA setting.
type AutoscaleSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Metric is what is tracked: utilization, concurrency or
	// queue_length. Empty means utilization.
	Metric AutoscaleMetric `toml:"metric"`
	// Target is the metric's target per replica (a utilisation in (0, 1]).
	// Required.
	Target float64 `toml:"target"`
	// Min is the fewest replicas. Zero means the service's replicas.
	Min int `toml:"min"`
	// Max is the most replicas. Required.
	Max int `toml:"max"`
	// Period is the metric collection and evaluation period. nil means
	// 15s (--horizontal-pod-autoscaler-sync-period).
	Period *time.Duration `toml:"period"`
	// Lag is how old the metric is when the autoscaler reads it. Zero
	// means none.
	Lag time.Duration `toml:"lag"`
	// Tolerance is the dead band around the target. nil means 0.1.
	Tolerance *float64 `toml:"tolerance"`
	// ScaleUpStabilization is the scale-up stabilisation window. Zero
	// means none (the HPA's default).
	ScaleUpStabilization time.Duration `toml:"scale_up_stabilization"`
	// ScaleDownStabilization is the scale-down stabilisation window. nil
	// means 300s.
	ScaleDownStabilization *time.Duration `toml:"scale_down_stabilization"`
	// ScaleUpPercent and ScaleUpPods: growth allowed per ScaleUpPeriod
	// (the larger wins). nil means 100 and 4.
	ScaleUpPercent *int `toml:"scale_up_percent"`
	ScaleUpPods    *int `toml:"scale_up_pods"`
	// ScaleUpPeriod is the scale-up policies' period. nil means 15s.
	ScaleUpPeriod *time.Duration `toml:"scale_up_period"`
	// ScaleDownPercent: shrinkage allowed per ScaleDownPeriod. nil means
	// 100.
	ScaleDownPercent *int `toml:"scale_down_percent"`
	// ScaleDownPods: shrinkage allowed per ScaleDownPeriod in replicas
	// (the larger of the two wins). Zero means no pods policy.
	ScaleDownPods int `toml:"scale_down_pods"`
	// ScaleDownPeriod is the scale-down policies' period. nil means 15s.
	ScaleDownPeriod *time.Duration `toml:"scale_down_period"`
	// Provisioning is the time from asking for a replica to its being
	// ready. nil means 30s.
	Provisioning *time.Duration `toml:"provisioning"`
	// Warmup is how long a new replica serves slowly. Zero means not at
	// all.
	Warmup time.Duration `toml:"warmup"`
	// WarmupFactor multiplies the service time on a replica warming up.
	// Zero means 2.
	WarmupFactor float64 `toml:"warmup_factor"`
}

// The HPA's defaults (kubernetes.io, "Horizontal Pod Autoscaling":
// default behavior) and the spec's own.
const (
	DefaultAutoscalePeriod       = 15 * time.Second
	DefaultAutoscaleTolerance    = 0.1
	DefaultScaleDownWindow       = 300 * time.Second
	DefaultScaleUpPercent        = 100
	DefaultScaleUpPods           = 4
	DefaultScaleDownPercent      = 100
	DefaultAutoscaleProvisioning = 30 * time.Second
	DefaultWarmupFactor          = 2.0
)

// ApplyDefaults fills the keys left out (Min excepted: the service
// fills it with its replicas).
func (a *AutoscaleSpec) ApplyDefaults() {
	if a.Metric == "" {
		a.Metric = AutoscaleUtilization
	}
	setDur(&a.Period, DefaultAutoscalePeriod)
	if a.Tolerance == nil {
		t := DefaultAutoscaleTolerance
		a.Tolerance = &t
	}
	setDur(&a.ScaleDownStabilization, DefaultScaleDownWindow)
	setIntPtr(&a.ScaleUpPercent, DefaultScaleUpPercent)
	setIntPtr(&a.ScaleUpPods, DefaultScaleUpPods)
	setIntPtr(&a.ScaleDownPercent, DefaultScaleDownPercent)
	setDur(&a.ScaleUpPeriod, DefaultAutoscalePeriod)
	setDur(&a.ScaleDownPeriod, DefaultAutoscalePeriod)
	setDur(&a.Provisioning, DefaultAutoscaleProvisioning)
	if a.WarmupFactor == 0 {
		a.WarmupFactor = DefaultWarmupFactor
	}
}

// setDur sets *p to d when the key is left out.
func setDur(p **time.Duration, d time.Duration) {
	if *p == nil {
		*p = &d
	}
}

// dur returns *p, -1 for nil (left out without ApplyDefaults: invalid).
func dur(p *time.Duration) time.Duration {
	if p == nil {
		return -1
	}
	return *p
}

// Config returns the autoscaler's configuration (after ApplyDefaults).
func (a *AutoscaleSpec) Config() AutoscaleConfig {
	c := AutoscaleConfig{Target: a.Target, Min: a.Min, Max: a.Max, UpWindow: a.ScaleUpStabilization,
		DownPods: a.ScaleDownPods, UpPeriod: dur(a.ScaleUpPeriod), DownPeriod: dur(a.ScaleDownPeriod),
		DownWindow: dur(a.ScaleDownStabilization)}
	c.Tolerance = derefF(a.Tolerance)
	c.UpPercent, c.UpPods, c.DownPercent = deref(a.ScaleUpPercent), deref(a.ScaleUpPods), deref(a.ScaleDownPercent)
	return c
}

func derefF(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// autoscaleKeys maps AutoscaleConfig's fields to the table's keys.
var autoscaleKeys = map[string]string{
	"Target": "target", "Min": "min", "Max": "max", "Tolerance": "tolerance",
	"UpWindow": "scale_up_stabilization", "DownWindow": "scale_down_stabilization",
	"UpPercent": "scale_up_percent", "UpPods": "scale_up_pods", "UpPeriod": "scale_up_period",
	"DownPercent": "scale_down_percent", "DownPods": "scale_down_pods", "DownPeriod": "scale_down_period",
	"Period": "period",
}

// Validate checks every key (after ApplyDefaults and Min set).
func (a *AutoscaleSpec) Validate() error {
	switch a.Metric {
	case AutoscaleUtilization, AutoscaleConcurrency, AutoscaleQueueLength:
	default:
		return &FieldError{Path: "metric", Msg: fmt.Sprintf("must be one of utilization, concurrency, queue_length, got %q", a.Metric)}
	}
	if a.Metric == AutoscaleUtilization && a.Target > 1 {
		return &FieldError{Path: "target", Msg: fmt.Sprintf("must be in (0, 1] for metric utilization (busy workers over workers), got %v", a.Target)}
	}
	if a.Target == 0 {
		return &FieldError{Path: "target", Msg: "is required: the metric's target per replica, such as 0.6 for utilization"}
	}
	if a.Max == 0 {
		return &FieldError{Path: "max", Msg: "is required: the most replicas the autoscaler may ask for"}
	}
	if _, err := NewAutoscaler(a.Config(), dur(a.Period)); err != nil {
		return AsFieldError(err, autoscaleKeys)
	}
	if a.Lag < 0 || a.Lag > time.Hour {
		return &FieldError{Path: "lag", Msg: fmt.Sprintf("must be in [0s, 1h], got %v", a.Lag)}
	}
	if p := dur(a.Provisioning); p < 0 || p > time.Hour {
		return &FieldError{Path: "provisioning", Msg: fmt.Sprintf("must be in [0s, 1h], got %v", p)}
	}
	if a.Warmup < 0 || a.Warmup > time.Hour {
		return &FieldError{Path: "warmup", Msg: fmt.Sprintf("must be in [0s, 1h], got %v", a.Warmup)}
	}
	if !(a.WarmupFactor >= 1 && a.WarmupFactor <= 100) {
		return &FieldError{Path: "warmup_factor", Msg: fmt.Sprintf("must be in [1, 100], got %v", a.WarmupFactor)}
	}
	return nil
}

// Key returns the table's scenario key, "autoscale".
func (*AutoscaleSpec) Key() string { return "autoscale" }

// Clone returns a copy of a that shares nothing with it (nil for nil).
func (a *AutoscaleSpec) Clone() *AutoscaleSpec {
	if a == nil {
		return nil
	}
	c := *a
	c.Enabled = clonePtr(a.Enabled)
	c.Tolerance = clonePtr(a.Tolerance)
	c.ScaleDownStabilization = clonePtr(a.ScaleDownStabilization)
	c.ScaleUpPercent = clonePtr(a.ScaleUpPercent)
	c.ScaleUpPods = clonePtr(a.ScaleUpPods)
	c.ScaleDownPercent = clonePtr(a.ScaleDownPercent)
	c.Provisioning = clonePtr(a.Provisioning)
	c.Period = clonePtr(a.Period)
	c.ScaleUpPeriod = clonePtr(a.ScaleUpPeriod)
	c.ScaleDownPeriod = clonePtr(a.ScaleDownPeriod)
	return &c
}

// New returns the autoscaler a configures.
func (a *AutoscaleSpec) New() (*Autoscaler, error) {
	return NewAutoscaler(a.Config(), dur(a.Period))
}
