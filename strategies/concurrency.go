package strategies

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// ConcurrencyLimit is an adaptive concurrency-limit algorithm in the shape
// of Netflix concurrency-limits' Limit: it is fed one sample per completed
// request and exposes the current limit.
type ConcurrencyLimit interface {
	// OnSample records a request that took rtt, was one of inflight
	// requests in flight when it was admitted (itself included), and was
	// dropped (rejected downstream or timed out) or not.
	OnSample(now sim.Time, rtt time.Duration, inflight int, dropped bool)
	// Limit returns the current concurrency limit.
	Limit() int
}

// AIMDConfig configures an AIMD limit.
type AIMDConfig struct {
	// InitialLimit is the starting limit: in [MinLimit, MaxLimit].
	InitialLimit int
	// MinLimit is the smallest limit: in [1, MaxLimit].
	MinLimit int
	// MaxLimit is the largest limit: in [1, 1e6].
	MaxLimit int
	// BackoffRatio is the factor applied on a drop: in [0.5, 1).
	BackoffRatio float64
	// Timeout is the RTT above which a sample counts as a drop: > 0.
	Timeout time.Duration
}

// DefaultAIMDConfig returns AIMDLimit's defaults (REFERENCES §7): initial
// 20, min 20, max 200, backoff ratio 0.9, timeout 5 s. With min equal to
// initial, the limit never drops below 20 unless configured to.
func DefaultAIMDConfig() AIMDConfig {
	return AIMDConfig{InitialLimit: 20, MinLimit: 20, MaxLimit: 200, BackoffRatio: 0.9, Timeout: 5 * time.Second}
}

// AIMD is Netflix concurrency-limits' AIMDLimit (loss-based; REFERENCES §7):
// per sample, on a drop or an RTT above Timeout, L = floor(L·BackoffRatio);
// otherwise, if inflight·2 >= L, L = L + 1; then L is clamped to [MinLimit,
// MaxLimit]. It reacts only to drops and timeouts, so latency can grow a lot
// before the limit moves. The zero AIMD is not usable; call NewAIMD.
type AIMD struct {
	cfg   AIMDConfig
	limit int
}

func validLimits(s string, initial, minL, maxL int, minField string) error {
	if maxL < 1 || maxL > 1e6 {
		return cfgErr(s, "MaxLimit", "in [1, 1e6]", maxL)
	}
	if minL < 1 || minL > maxL {
		return cfgErr(s, minField, "in [1, MaxLimit]", minL)
	}
	if initial < minL || initial > maxL {
		return cfgErr(s, "InitialLimit", "in ["+minField+", MaxLimit]", initial)
	}
	return nil
}

// NewAIMD validates cfg.
func NewAIMD(cfg AIMDConfig) (*AIMD, error) {
	const s = "aimd"
	if err := validLimits(s, cfg.InitialLimit, cfg.MinLimit, cfg.MaxLimit, "MinLimit"); err != nil {
		return nil, err
	}
	if !(cfg.BackoffRatio >= 0.5 && cfg.BackoffRatio < 1) {
		return nil, cfgErr(s, "BackoffRatio", "in [0.5, 1)", cfg.BackoffRatio)
	}
	if cfg.Timeout <= 0 {
		return nil, cfgErr(s, "Timeout", "> 0", cfg.Timeout)
	}
	return &AIMD{cfg: cfg, limit: cfg.InitialLimit}, nil
}

// OnSample implements ConcurrencyLimit.
func (a *AIMD) OnSample(now sim.Time, rtt time.Duration, inflight int, dropped bool) {
	l := a.limit
	if dropped || rtt > a.cfg.Timeout {
		l = int(float64(l) * a.cfg.BackoffRatio)
	} else if inflight*2 >= l {
		l++
	}
	a.limit = min(a.cfg.MaxLimit, max(a.cfg.MinLimit, l))
}

// Limit implements ConcurrencyLimit.
func (a *AIMD) Limit() int { return a.limit }

// VegasConfig configures a Vegas limit.
type VegasConfig struct {
	// InitialLimit is the starting limit: in [1, MaxConcurrency].
	InitialLimit int
	// MaxConcurrency is the largest limit: in [1, 1e6].
	MaxConcurrency int
	// Smoothing is the weight of each new estimate: in (0, 1].
	Smoothing float64
	// ProbeMultiplier sets how often rtt_noload is re-probed (about every
	// ProbeMultiplier·L·U[0.5,1) samples): in [1, 1e6].
	ProbeMultiplier int
}

// DefaultVegasConfig returns VegasLimit's defaults (REFERENCES §7): initial
// 20, max concurrency 1000, smoothing 1.0, probe multiplier 30. Vegas is
// the library's default algorithm.
func DefaultVegasConfig() VegasConfig {
	return VegasConfig{InitialLimit: 20, MaxConcurrency: 1000, Smoothing: 1.0, ProbeMultiplier: 30}
}

// Vegas is Netflix concurrency-limits' VegasLimit (delay-based, after TCP
// Vegas; REFERENCES §7, checked against VegasLimit.java), with the
// library's default log10 functions, lg(L) = max(1, floor(log10(L))):
// alpha = 3·lg, beta = 6·lg, threshold = lg, increase = L + lg, decrease
// = L − lg. Per sample:
//
//  1. Every ProbeMultiplier·L·jitter samples (jitter ~ U[0.5, 1), redrawn
//     each probe) rtt_noload is reset to this RTT and L is unchanged.
//  2. If rtt_noload is unset or rtt < rtt_noload: rtt_noload = rtt.
//  3. Else queue = ceil(L·(1 − rtt_noload/rtt)); on a drop L' = decrease(L);
//     else if inflight·2 < L, no change (application-limited); else queue
//     <= threshold: L' = L + beta; queue < alpha: L' = increase(L); queue >
//     beta: L' = decrease(L); otherwise no change. Then L' is clamped to [1,
//     MaxConcurrency] and L = (1−Smoothing)·L + Smoothing·L'.
//
// Samples with rtt <= 0 are ignored (the library rejects them). Limit is L
// truncated. The zero Vegas is not usable; call NewVegas.
type Vegas struct {
	cfg        VegasConfig
	r          *rand.Rand
	limit      float64
	rttNoLoad  time.Duration
	probeCount int
	jitter     float64
}

// NewVegas validates cfg; r draws the probe jitter.
func NewVegas(cfg VegasConfig, r *rand.Rand) (*Vegas, error) {
	const s = "vegas"
	if cfg.MaxConcurrency < 1 || cfg.MaxConcurrency > 1e6 {
		return nil, cfgErr(s, "MaxConcurrency", "in [1, 1e6]", cfg.MaxConcurrency)
	}
	if cfg.InitialLimit < 1 || cfg.InitialLimit > cfg.MaxConcurrency {
		return nil, cfgErr(s, "InitialLimit", "in [1, MaxConcurrency]", cfg.InitialLimit)
	}
	if !(cfg.Smoothing > 0 && cfg.Smoothing <= 1) {
		return nil, cfgErr(s, "Smoothing", "in (0, 1]", cfg.Smoothing)
	}
	if cfg.ProbeMultiplier < 1 || cfg.ProbeMultiplier > 1e6 {
		return nil, cfgErr(s, "ProbeMultiplier", "in [1, 1e6]", cfg.ProbeMultiplier)
	}
	if r == nil {
		return nil, cfgErr(s, "r", "a non-nil *rand.Rand", "nil")
	}
	v := &Vegas{cfg: cfg, r: r, limit: float64(cfg.InitialLimit)}
	v.jitter = 0.5 + 0.5*r.Float64()
	return v, nil
}

// log10Int is the library's Log10RootIntFunction: max(1, floor(log10(n))),
// computed on integers so that powers of ten are exact.
func log10Int(n int) int {
	d := 0
	for n >= 10 {
		n /= 10
		d++
	}
	return max(1, d)
}

// OnSample implements ConcurrencyLimit.
func (v *Vegas) OnSample(now sim.Time, rtt time.Duration, inflight int, dropped bool) {
	if rtt <= 0 {
		return
	}
	v.probeCount++
	if v.jitter*float64(v.cfg.ProbeMultiplier)*v.limit <= float64(v.probeCount) {
		v.jitter = 0.5 + 0.5*v.r.Float64()
		v.probeCount = 0
		v.rttNoLoad = rtt
		return
	}
	if v.rttNoLoad == 0 || rtt < v.rttNoLoad {
		v.rttNoLoad = rtt
		return
	}
	l := v.limit
	li := int(l)
	queue := int(math.Ceil(l * (1 - float64(v.rttNoLoad)/float64(rtt))))
	var nl float64
	if dropped {
		nl = l - float64(log10Int(li))
	} else if float64(inflight*2) < l {
		return
	} else {
		lg := log10Int(li)
		alpha, beta, threshold := 3*lg, 6*lg, lg
		switch {
		case queue <= threshold:
			nl = l + float64(beta)
		case queue < alpha:
			nl = l + float64(lg)
		case queue > beta:
			nl = l - float64(lg)
		default:
			return
		}
	}
	nl = max(1, min(float64(v.cfg.MaxConcurrency), nl))
	v.limit = (1-v.cfg.Smoothing)*l + v.cfg.Smoothing*nl
}

// Limit implements ConcurrencyLimit.
func (v *Vegas) Limit() int { return int(v.limit) }

// RTTNoLoad returns Vegas's current estimate of the no-load RTT (0 before
// the first sample).
func (v *Vegas) RTTNoLoad() time.Duration { return v.rttNoLoad }

// Gradient2Config configures a Gradient2 limit.
type Gradient2Config struct {
	// InitialLimit is the starting limit: in [MinLimit, MaxConcurrency].
	InitialLimit int
	// MinLimit is the smallest limit: in [1, MaxConcurrency].
	MinLimit int
	// MaxConcurrency is the largest limit: in [1, 1e6].
	MaxConcurrency int
	// Smoothing is the weight of each new estimate: in (0, 1].
	Smoothing float64
	// QueueSize is the headroom added to the gradient-scaled limit: in [0,
	// 1e6].
	QueueSize int
	// LongWindow is the length, in samples, of the long-term RTT average:
	// in [1, 1e9].
	LongWindow int
	// RTTTolerance is how much the RTT may exceed the long-term average
	// before the limit shrinks: in [1, 100].
	RTTTolerance float64
}

// DefaultGradient2Config returns Gradient2Limit's defaults (REFERENCES §7):
// initial 20, min 20, max 200, smoothing 0.2, queue size 4, long window 600
// samples, RTT tolerance 1.5.
func DefaultGradient2Config() Gradient2Config {
	return Gradient2Config{InitialLimit: 20, MinLimit: 20, MaxConcurrency: 200, Smoothing: 0.2,
		QueueSize: 4, LongWindow: 600, RTTTolerance: 1.5}
}

// Gradient2 is Netflix concurrency-limits' Gradient2Limit (REFERENCES §7,
// checked against Gradient2Limit.java and ExpAvgMeasurement.java). The long
// RTT is the mean of the first 10 samples, then an exponential average with
// factor 2/(LongWindow+1). Per sample, in order:
//
//  1. shortRtt = rtt; update longRtt.
//  2. If longRtt/shortRtt > 2, longRtt ×= 0.95 (recovery after load); the
//     gradient below still uses the value before this decay, as the
//     library does.
//  3. If inflight < L/2, no change (application-limited).
//  4. gradient = clamp(RTTTolerance·longRtt/shortRtt, 0.5, 1).
//  5. newL = L·gradient + QueueSize; L = L·(1−Smoothing) + newL·Smoothing,
//     clamped to [MinLimit, MaxConcurrency].
//
// Drops are not used: they act only through latency. Samples with rtt <= 0
// are ignored. Limit is L truncated. The zero Gradient2 is not usable; call
// NewGradient2.
type Gradient2 struct {
	cfg     Gradient2Config
	limit   float64
	longRtt float64
	sum     float64
	n       int
	factor  float64
}

// NewGradient2 validates cfg.
func NewGradient2(cfg Gradient2Config) (*Gradient2, error) {
	const s = "gradient2"
	if cfg.MaxConcurrency < 1 || cfg.MaxConcurrency > 1e6 {
		return nil, cfgErr(s, "MaxConcurrency", "in [1, 1e6]", cfg.MaxConcurrency)
	}
	if cfg.MinLimit < 1 || cfg.MinLimit > cfg.MaxConcurrency {
		return nil, cfgErr(s, "MinLimit", "in [1, MaxConcurrency]", cfg.MinLimit)
	}
	if cfg.InitialLimit < cfg.MinLimit || cfg.InitialLimit > cfg.MaxConcurrency {
		return nil, cfgErr(s, "InitialLimit", "in [MinLimit, MaxConcurrency]", cfg.InitialLimit)
	}
	if !(cfg.Smoothing > 0 && cfg.Smoothing <= 1) {
		return nil, cfgErr(s, "Smoothing", "in (0, 1]", cfg.Smoothing)
	}
	if cfg.QueueSize < 0 || cfg.QueueSize > 1e6 {
		return nil, cfgErr(s, "QueueSize", "in [0, 1e6]", cfg.QueueSize)
	}
	if cfg.LongWindow < 1 || cfg.LongWindow > 1e9 {
		return nil, cfgErr(s, "LongWindow", "in [1, 1e9]", cfg.LongWindow)
	}
	if !(cfg.RTTTolerance >= 1 && cfg.RTTTolerance <= 100) {
		return nil, cfgErr(s, "RTTTolerance", "in [1, 100]", cfg.RTTTolerance)
	}
	return &Gradient2{cfg: cfg, limit: float64(cfg.InitialLimit), factor: 2 / float64(cfg.LongWindow+1)}, nil
}

// gradient2Warmup is ExpAvgMeasurement's warm-up: the first samples are
// averaged plainly.
const gradient2Warmup = 10

// OnSample implements ConcurrencyLimit.
func (g *Gradient2) OnSample(now sim.Time, rtt time.Duration, inflight int, dropped bool) {
	if rtt <= 0 {
		return
	}
	short := float64(rtt)
	if g.n < gradient2Warmup {
		g.n++
		g.sum += short
		g.longRtt = g.sum / float64(g.n)
	} else {
		g.longRtt = g.longRtt*(1-g.factor) + short*g.factor
	}
	long := g.longRtt
	if long/short > 2 {
		g.longRtt *= 0.95
	}
	if float64(inflight) < g.limit/2 {
		return
	}
	gradient := max(0.5, min(1.0, g.cfg.RTTTolerance*long/short))
	nl := g.limit*gradient + float64(g.cfg.QueueSize)
	nl = g.limit*(1-g.cfg.Smoothing) + nl*g.cfg.Smoothing
	g.limit = max(float64(g.cfg.MinLimit), min(float64(g.cfg.MaxConcurrency), nl))
}

// Limit implements ConcurrencyLimit.
func (g *Gradient2) Limit() int { return int(g.limit) }

// LongRTT returns the long-term RTT average (0 before the first sample).
func (g *Gradient2) LongRTT() time.Duration { return time.Duration(g.longRtt) }

// AdaptiveLimiter admits requests against a ConcurrencyLimit, as Netflix
// concurrency-limits' SimpleLimiter does (REFERENCES §7): a request is
// admitted only if fewer than Limit() are in flight; when it completes,
// the caller reports OnSuccess (an RTT sample), OnDropped (rejected
// downstream or timed out: a sample with dropped = true) or OnIgnore (failed
// before any meaningful RTT: no sample). The inflight value fed to the
// algorithm is the count at admission, this request included. The zero
// AdaptiveLimiter is not usable; call NewAdaptiveLimiter.
type AdaptiveLimiter struct {
	alg      ConcurrencyLimit
	inflight int
}

// NewAdaptiveLimiter returns a limiter with nothing in flight.
func NewAdaptiveLimiter(alg ConcurrencyLimit) (*AdaptiveLimiter, error) {
	if alg == nil {
		return nil, cfgErr("adaptive limiter", "alg", "non-nil", "nil")
	}
	return &AdaptiveLimiter{alg: alg}, nil
}

// TryAcquire admits a request if fewer than Limit() are in flight. It
// returns the in-flight count including this request, to pass back with
// the request's outcome.
func (l *AdaptiveLimiter) TryAcquire() (inflight int, ok bool) {
	if l.inflight >= l.alg.Limit() {
		return 0, false
	}
	l.inflight++
	return l.inflight, true
}

func (l *AdaptiveLimiter) release() {
	if l.inflight <= 0 {
		panic("strategies: AdaptiveLimiter release without a matching TryAcquire")
	}
	l.inflight--
}

// OnSuccess releases a request that completed after rtt; inflight is what
// TryAcquire returned for it.
func (l *AdaptiveLimiter) OnSuccess(now sim.Time, rtt time.Duration, inflight int) {
	l.release()
	l.alg.OnSample(now, rtt, inflight, false)
}

// OnDropped releases a request that was dropped or timed out after rtt.
func (l *AdaptiveLimiter) OnDropped(now sim.Time, rtt time.Duration, inflight int) {
	l.release()
	l.alg.OnSample(now, rtt, inflight, true)
}

// OnIgnore releases a request without feeding a sample.
func (l *AdaptiveLimiter) OnIgnore() { l.release() }

// Limit returns the algorithm's current limit.
func (l *AdaptiveLimiter) Limit() int { return l.alg.Limit() }

// InFlight returns the number of requests admitted and not yet released.
func (l *AdaptiveLimiter) InFlight() int { return l.inflight }

// ConcurrencyLimitSpec is an adaptive concurrency limit at each replica
// of a service (Netflix concurrency-limits): a request is admitted only
// while fewer than the current limit are in the replica (waiting and in
// service), else rejected with concurrency_limited; the limit moves with
// the latency (and, for aimd, the failures) of the requests that leave.
// Kind picks the algorithm; each reads only its own keys.
type ConcurrencyLimitSpec struct {
	// Switch is the table's enabled key: enabled = false turns it off.
	Switch
	// Kind is aimd, vegas or gradient2. Required.
	Kind string `toml:"kind"`
	// Initial is the starting limit. Zero means 20.
	Initial int `toml:"initial"`
	// Min is the smallest limit (aimd, gradient2). Zero means 20.
	Min int `toml:"min"`
	// Max is the largest limit. Zero means 200 (aimd, gradient2) or 1000
	// (vegas).
	Max int `toml:"max"`
	// BackoffRatio multiplies the limit on a failure or a slow request
	// (aimd), in [0.5, 1). Zero means 0.9.
	BackoffRatio float64 `toml:"backoff_ratio"`
	// Timeout is the latency above which a request counts as a failure
	// (aimd). Zero means 5s.
	Timeout time.Duration `toml:"timeout"`
	// Smoothing is the weight of each new estimate (vegas, gradient2), in
	// (0, 1]. Zero means 1 (vegas) or 0.2 (gradient2).
	Smoothing float64 `toml:"smoothing"`
	// ProbeMultiplier sets how often vegas re-probes its no-load latency.
	// Zero means 30.
	ProbeMultiplier int `toml:"probe_multiplier"`
	// QueueSize is gradient2's headroom. nil means 4.
	QueueSize *int `toml:"queue_size"`
	// LongWindow is gradient2's long-term latency average, in samples.
	// Zero means 600.
	LongWindow int `toml:"long_window"`
	// RTTTolerance is how far the latency may exceed its long-term average
	// before gradient2 shrinks the limit, in [1, 100]. Zero means 1.5.
	RTTTolerance float64 `toml:"rtt_tolerance"`
}

// Concurrency limit kinds.
const (
	LimitAIMD      = "aimd"
	LimitVegas     = "vegas"
	LimitGradient2 = "gradient2"
)

// ApplyDefaults sets the keys left out to their defaults (their sources
// are cited on the Default*Config functions and in docs/STRATEGIES.md).
func (cl *ConcurrencyLimitSpec) ApplyDefaults() {
	switch cl.Kind {
	case LimitAIMD:
		d := DefaultAIMDConfig()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Min, d.MinLimit)
		setInt(&cl.Max, d.MaxLimit)
		if cl.BackoffRatio == 0 {
			cl.BackoffRatio = d.BackoffRatio
		}
		if cl.Timeout == 0 {
			cl.Timeout = d.Timeout
		}
	case LimitVegas:
		d := DefaultVegasConfig()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Max, d.MaxConcurrency)
		if cl.Smoothing == 0 {
			cl.Smoothing = d.Smoothing
		}
		setInt(&cl.ProbeMultiplier, d.ProbeMultiplier)
	case LimitGradient2:
		d := DefaultGradient2Config()
		setInt(&cl.Initial, d.InitialLimit)
		setInt(&cl.Min, d.MinLimit)
		setInt(&cl.Max, d.MaxConcurrency)
		if cl.Smoothing == 0 {
			cl.Smoothing = d.Smoothing
		}
		if cl.QueueSize == nil {
			cl.QueueSize = &d.QueueSize
		}
		setInt(&cl.LongWindow, d.LongWindow)
		if cl.RTTTolerance == 0 {
			cl.RTTTolerance = d.RTTTolerance
		}
	}
}

// Algorithm returns the concurrency-limit algorithm cl configures; r
// draws vegas's probe jitter.
func (cl *ConcurrencyLimitSpec) Algorithm(r *rand.Rand) (ConcurrencyLimit, error) {
	keys := map[string]string{"InitialLimit": "initial", "MinLimit": "min", "MaxLimit": "max", "MaxConcurrency": "max",
		"BackoffRatio": "backoff_ratio", "Timeout": "timeout", "Smoothing": "smoothing", "ProbeMultiplier": "probe_multiplier",
		"QueueSize": "queue_size", "LongWindow": "long_window", "RTTTolerance": "rtt_tolerance"}
	switch cl.Kind {
	case LimitAIMD:
		a, err := NewAIMD(AIMDConfig{InitialLimit: cl.Initial, MinLimit: cl.Min, MaxLimit: cl.Max,
			BackoffRatio: cl.BackoffRatio, Timeout: cl.Timeout})
		return a, AsFieldError(err, keys)
	case LimitVegas:
		v, err := NewVegas(VegasConfig{InitialLimit: cl.Initial, MaxConcurrency: cl.Max,
			Smoothing: cl.Smoothing, ProbeMultiplier: cl.ProbeMultiplier}, r)
		return v, AsFieldError(err, keys)
	default:
		q := 0
		if cl.QueueSize != nil {
			q = *cl.QueueSize
		}
		g, err := NewGradient2(Gradient2Config{InitialLimit: cl.Initial, MinLimit: cl.Min,
			MaxConcurrency: cl.Max, Smoothing: cl.Smoothing, QueueSize: q, LongWindow: cl.LongWindow, RTTTolerance: cl.RTTTolerance})
		return g, AsFieldError(err, keys)
	}
}

// Validate checks every key (after ApplyDefaults); an error is a
// *FieldError naming the key at fault.
func (cl *ConcurrencyLimitSpec) Validate() error {
	type key struct {
		name string
		set  bool
	}
	all := []key{{"min", cl.Min != 0}, {"backoff_ratio", cl.BackoffRatio != 0}, {"timeout", cl.Timeout != 0},
		{"smoothing", cl.Smoothing != 0}, {"probe_multiplier", cl.ProbeMultiplier != 0}, {"queue_size", cl.QueueSize != nil},
		{"long_window", cl.LongWindow != 0}, {"rtt_tolerance", cl.RTTTolerance != 0}}
	var own []string
	switch cl.Kind {
	case LimitAIMD:
		own = []string{"min", "backoff_ratio", "timeout"}
	case LimitVegas:
		own = []string{"smoothing", "probe_multiplier"}
	case LimitGradient2:
		own = []string{"min", "smoothing", "queue_size", "long_window", "rtt_tolerance"}
	case "":
		return &FieldError{Path: "kind", Msg: "is required: aimd, vegas or gradient2"}
	default:
		return &FieldError{Path: "kind", Msg: "must be one of aimd, vegas, gradient2, got " + quote(cl.Kind)}
	}
	for _, k := range all {
		if k.set && !slices.Contains(own, k.name) {
			return &FieldError{Path: k.name, Msg: fmt.Sprintf("is not a key of a %s limit (its keys: initial, max, %s)", cl.Kind, strings.Join(own, ", "))}
		}
	}
	_, err := cl.Algorithm(rand.New(rand.NewPCG(0, 0)))
	return err
}

// Clone returns a copy of cl that shares nothing with it (nil for nil).
func (cl *ConcurrencyLimitSpec) Clone() *ConcurrencyLimitSpec {
	if cl == nil {
		return nil
	}
	c := *cl
	c.QueueSize = clonePtr(cl.QueueSize)
	return &c
}

// Key returns the table's scenario key, "concurrency_limit".
func (*ConcurrencyLimitSpec) Key() string { return "concurrency_limit" }
