package strategies

import (
	"fmt"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// sample feeds one sample to l and returns the new limit.
func sample(l ConcurrencyLimit, rtt time.Duration, inflight int, dropped bool) func(sim.Time) any {
	return func(now sim.Time) any { l.OnSample(now, rtt, inflight, dropped); return l.Limit() }
}

func TestAIMD(t *testing.T) {
	a, err := NewAIMD(AIMDConfig{InitialLimit: 10, MinLimit: 1, MaxLimit: 12, BackoffRatio: 0.5, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, []step{
		{0, "inflight 5 of 10: grow", sample(a, ms(10), 5, false), 11},
		{0, "inflight 5 of 11: app-limited", sample(a, ms(10), 5, false), 11},
		{0, "inflight 6 of 11: grow", sample(a, ms(10), 6, false), 12},
		{0, "at max", sample(a, ms(10), 6, false), 12},
		{0, "drop: ×0.5", sample(a, ms(10), 6, true), 6},
		{0, "rtt above timeout counts as a drop", sample(a, 2*time.Second, 6, false), 3},
		{0, "drop: floor(1.5)", sample(a, ms(10), 1, true), 1},
		{0, "drop at min", sample(a, ms(10), 1, true), 1},
	})
	_, err = NewAIMD(AIMDConfig{InitialLimit: 10, MinLimit: 1, MaxLimit: 12, BackoffRatio: 1, Timeout: time.Second})
	mustErr(t, err, "BackoffRatio")
	_, err = NewAIMD(AIMDConfig{InitialLimit: 20, MinLimit: 1, MaxLimit: 12, BackoffRatio: 0.9, Timeout: time.Second})
	mustErr(t, err, "InitialLimit")
	_, err = NewAIMD(AIMDConfig{InitialLimit: 1, MinLimit: 0, MaxLimit: 12, BackoffRatio: 0.9, Timeout: time.Second})
	mustErr(t, err, "MinLimit")
	if _, err := NewAIMD(DefaultAIMDConfig()); err != nil {
		t.Error(err)
	}
}

func TestVegas(t *testing.T) {
	r := sim.NewRand(1, "vegas")
	v, err := NewVegas(VegasConfig{InitialLimit: 20, MaxConcurrency: 1000, Smoothing: 1, ProbeMultiplier: 1000}, r)
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, []step{
		{0, "first sample sets rtt_noload", sample(v, ms(10), 20, false), 20},
		{0, "no queue: L + beta(6)", sample(v, ms(10), 20, false), 26},
		{0, "queue ceil(26·0.5)=13 > beta: L − 1", sample(v, ms(20), 26, false), 25},
		{0, "inflight 5 of 25: app-limited", sample(v, ms(20), 5, false), 25},
		{0, "drop: L − 1 even when app-limited", sample(v, ms(20), 5, true), 24},
		{0, "faster sample: new rtt_noload", sample(v, ms(5), 24, false), 24},
		{0, "RTTNoLoad", func(sim.Time) any { return v.RTTNoLoad() }, ms(5)},
		{0, "queue 4 in [alpha 3, beta 6]: unchanged", sample(v, ms(6), 24, false), 24},
		{0, "queue ceil(24·0.95)=23: L − 1", sample(v, ms(100), 24, false), 23},
		{0, "rtt 0 is ignored", sample(v, 0, 24, true), 23},
	})
	// Above 100 the log10 functions step up: beta = 12.
	big, _ := NewVegas(VegasConfig{InitialLimit: 150, MaxConcurrency: 1000, Smoothing: 1, ProbeMultiplier: 1000}, r)
	big.OnSample(0, ms(10), 150, false)
	big.OnSample(0, ms(10), 150, false)
	if got := big.Limit(); got != 162 {
		t.Errorf("Vegas at 150 with no queue: limit %d, want 162", got)
	}
	// Probing: with multiplier 1 and L = 1 every sample re-probes, so
	// rtt_noload follows the RTT up.
	p, _ := NewVegas(VegasConfig{InitialLimit: 1, MaxConcurrency: 10, Smoothing: 1, ProbeMultiplier: 1}, r)
	p.OnSample(0, ms(10), 1, false)
	p.OnSample(0, ms(50), 1, false)
	if got := p.RTTNoLoad(); got != ms(50) {
		t.Errorf("after a probe RTTNoLoad = %v, want 50ms", got)
	}
	if _, err := NewVegas(DefaultVegasConfig(), nil); err == nil {
		t.Error("NewVegas without a *rand.Rand succeeded")
	}
	_, err = NewVegas(VegasConfig{InitialLimit: 20, MaxConcurrency: 1000, Smoothing: 0, ProbeMultiplier: 30}, r)
	mustErr(t, err, "Smoothing")
}

func TestLog10Int(t *testing.T) {
	for _, c := range [][2]int{{0, 1}, {1, 1}, {9, 1}, {10, 1}, {99, 1}, {100, 2}, {999, 2}, {1000, 3}, {12345, 4}} {
		if got := log10Int(c[0]); got != c[1] {
			t.Errorf("log10Int(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}

func TestGradient2(t *testing.T) {
	g, err := NewGradient2(Gradient2Config{InitialLimit: 20, MinLimit: 1, MaxConcurrency: 200, Smoothing: 1,
		QueueSize: 4, LongWindow: 600, RTTTolerance: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, []step{
		{0, "gradient 1: L + 4", sample(g, ms(10), 20, false), 24},
		{0, "long 20ms, 1.5·20/30 = 1: L + 4", sample(g, ms(30), 24, false), 28},
		// long = 100/3 ms; gradient 1.5·33.3/60 = 0.8333: 28·0.8333 + 4.
		{0, "gradient 0.833", sample(g, ms(60), 28, false), 27},
		// long/short = 25.25 > 2: long decays ×0.95 after use.
		{0, "fast sample: gradient 1", sample(g, ms(1), 27, false), 31},
		// In warm-up the long RTT is the plain mean again (the decay is
		// lost, as in ExpAvgMeasurement): 111/5 = 22.2, then 22.2/10 > 2
		// decays it to 21.09.
		{0, "app-limited", sample(g, ms(10), 10, false), 31},
		{0, "LongRTT", func(sim.Time) any { return g.LongRTT() }, ms(21.09)},
		{0, "drops are not used", sample(g, ms(10), 10, true), 31},
	})
	// After warm-up the long RTT is an exponential average with factor
	// 2/(LongWindow+1).
	h, _ := NewGradient2(Gradient2Config{InitialLimit: 20, MinLimit: 20, MaxConcurrency: 200, Smoothing: 0.2,
		QueueSize: 4, LongWindow: 9, RTTTolerance: 1})
	for range 10 {
		h.OnSample(0, ms(10), 0, false)
	}
	h.OnSample(0, ms(20), 0, false) // 10·0.8 + 20·0.2
	if got := h.LongRTT(); got != ms(12) {
		t.Errorf("LongRTT after warm-up = %v, want 12ms", got)
	}
	_, err = NewGradient2(Gradient2Config{InitialLimit: 20, MinLimit: 20, MaxConcurrency: 200, Smoothing: 0.2,
		QueueSize: 4, LongWindow: 600, RTTTolerance: 0.9})
	mustErr(t, err, "RTTTolerance")
	if _, err := NewGradient2(DefaultGradient2Config()); err != nil {
		t.Error(err)
	}
}

func TestAdaptiveLimiter(t *testing.T) {
	a, _ := NewAIMD(AIMDConfig{InitialLimit: 2, MinLimit: 1, MaxLimit: 10, BackoffRatio: 0.5, Timeout: time.Second})
	l, err := NewAdaptiveLimiter(a)
	if err != nil {
		t.Fatal(err)
	}
	type acq struct {
		inflight int
		ok       bool
	}
	try := func(sim.Time) any { n, ok := l.TryAcquire(); return acq{n, ok} }
	runSteps(t, []step{
		{0, "TryAcquire", try, acq{1, true}},
		{0, "TryAcquire", try, acq{2, true}},
		{0, "TryAcquire (at limit 2)", try, acq{0, false}},
		{0, "OnSuccess(inflight 2): limit 3", func(now sim.Time) any { l.OnSuccess(now, ms(5), 2); return l.Limit() }, 3},
		{0, "TryAcquire", try, acq{2, true}},
		{0, "TryAcquire", try, acq{3, true}},
		{0, "OnDropped: limit 1", func(now sim.Time) any { l.OnDropped(now, ms(5), 3); return l.Limit() }, 1},
		{0, "OnIgnore; InFlight", func(sim.Time) any { l.OnIgnore(); return l.InFlight() }, 1},
		{0, "TryAcquire (1 in flight, limit 1)", try, acq{0, false}},
	})
	if _, err := NewAdaptiveLimiter(nil); err == nil {
		t.Error("NewAdaptiveLimiter(nil) succeeded")
	}
}

func ExampleAIMD() {
	a, _ := NewAIMD(DefaultAIMDConfig()) // initial 20, min 20, max 200
	for range 5 {
		a.OnSample(0, 10*time.Millisecond, 20, false)
	}
	fmt.Println(a.Limit())
	a.OnSample(0, 10*time.Millisecond, 20, true)
	fmt.Println(a.Limit())
	// Output:
	// 25
	// 22
}

func ExampleVegas() {
	v, _ := NewVegas(DefaultVegasConfig(), sim.NewRand(1, "vegas"))
	v.OnSample(0, 10*time.Millisecond, 20, false) // sets rtt_noload
	v.OnSample(0, 10*time.Millisecond, 20, false) // no queueing: grow by beta
	fmt.Println(v.Limit(), v.RTTNoLoad())
	v.OnSample(0, 40*time.Millisecond, 26, false) // latency: a queue of 20
	fmt.Println(v.Limit())
	// Output:
	// 26 10ms
	// 25
}

func ExampleGradient2() {
	g, _ := NewGradient2(DefaultGradient2Config())
	for range 50 {
		g.OnSample(0, 10*time.Millisecond, 30, false)
	}
	fmt.Println("steady:", g.Limit()) // grows until 30 in flight is under half the limit
	for range 50 {
		g.OnSample(0, 40*time.Millisecond, 200, false) // latency quadruples
	}
	fmt.Println("under load:", g.Limit(), "long RTT", g.LongRTT().Round(time.Millisecond))
	// Output:
	// steady: 60
	// under load: 20 long RTT 15ms
}

func ExampleAdaptiveLimiter() {
	alg, _ := NewGradient2(DefaultGradient2Config())
	l, _ := NewAdaptiveLimiter(alg)
	inflight, ok := l.TryAcquire() // at admission
	fmt.Println(inflight, ok, l.Limit())
	l.OnSuccess(0, 12*time.Millisecond, inflight) // at completion
	fmt.Println(l.InFlight())
	// Output:
	// 1 true 20
	// 0
}
