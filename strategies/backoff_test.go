package strategies

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

func TestBackoffNoJitter(t *testing.T) {
	cases := []struct {
		cfg  BackoffConfig
		want []time.Duration // after failures 1, 2, 3, ...
	}{
		{BackoffConfig{Kind: BackoffNone}, []time.Duration{0, 0}},
		{BackoffConfig{Kind: BackoffConstant, Base: ms(50)}, []time.Duration{ms(50), ms(50), ms(50)}},
		{BackoffConfig{Kind: BackoffLinear, Base: ms(50), Cap: ms(120)}, []time.Duration{ms(50), ms(100), ms(120), ms(120)}},
		// The AWS simulator's indexing: the first retry waits base·2.
		{BackoffConfig{Kind: BackoffExponential, Base: ms(5), Cap: ms(100), Multiplier: 2},
			[]time.Duration{ms(10), ms(20), ms(40), ms(80), ms(100), ms(100)}},
		{BackoffConfig{Kind: BackoffExponential, Base: ms(100), Cap: ms(1000), Multiplier: 1.5},
			[]time.Duration{ms(150), ms(225), ms(337.5), ms(506.25), ms(759.375), ms(1000)}},
	}
	for _, c := range cases {
		b, err := NewBackoff(c.cfg)
		if err != nil {
			t.Fatalf("%+v: %v", c.cfg, err)
		}
		var st BackoffState
		for i, w := range c.want {
			if got := b.Next(&st, nil); got != w {
				t.Errorf("%v backoff, failure %d: Next = %v, want %v", c.cfg.Kind, i+1, got, w)
			}
		}
		if st.Failures != len(c.want) {
			t.Errorf("%v: Failures = %d, want %d", c.cfg.Kind, st.Failures, len(c.want))
		}
	}
	// A huge failure count must not overflow past the cap.
	b, _ := NewBackoff(BackoffConfig{Kind: BackoffExponential, Base: time.Second, Cap: time.Hour, Multiplier: 2})
	if got := b.Delay(5000, 0, nil); got != time.Hour {
		t.Errorf("Delay(5000) = %v, want the cap", got)
	}
}

// TestBackoffJitterRanges checks each jitter's support and mean against
// its formula over many draws.
func TestBackoffJitterRanges(t *testing.T) {
	r := sim.NewRand(1, "backoff")
	const n = 20000
	base, capD := ms(10), ms(1000)
	expo := func(j Jitter) Backoff {
		b, err := NewBackoff(BackoffConfig{Kind: BackoffExponential, Jitter: j, Base: base, Cap: capD, Multiplier: 2})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	v := ms(80) // expo(3)
	check := func(name string, lo, hi time.Duration, mean float64, draw func() time.Duration) {
		t.Helper()
		var sum float64
		for range n {
			d := draw()
			if d < lo || d >= hi {
				t.Fatalf("%s: draw %v outside [%v, %v)", name, d, lo, hi)
			}
			sum += float64(d)
		}
		got := sum / n
		if got < mean*0.98 || got > mean*1.02 {
			t.Errorf("%s: mean %v, want about %v", name, time.Duration(got), time.Duration(mean))
		}
	}
	full, equal, dec := expo(JitterFull), expo(JitterEqual), expo(JitterDecorrelated)
	check("full", 0, v, float64(v)/2, func() time.Duration { return full.Delay(3, 0, r) })
	check("equal", v/2, v, float64(v)*3/4, func() time.Duration { return equal.Delay(3, 0, r) })
	// Decorrelated: the first sleep is U(base, 3·base); prev = 40ms gives
	// U(base, 120ms).
	check("decorrelated first", base, 3*base, float64(2*base), func() time.Duration { return dec.Delay(1, 0, r) })
	check("decorrelated", base, ms(120), float64(base+ms(120))/2, func() time.Duration { return dec.Delay(7, ms(40), r) })
	// Capped: prev at the cap draws U(base, 3·cap) clamped to cap.
	for range 100 {
		if d := dec.Delay(1, capD, r); d > capD || d < base {
			t.Fatalf("decorrelated at cap: %v", d)
		}
	}
	// Linear with full jitter jitters the linear value.
	lin, _ := NewBackoff(BackoffConfig{Kind: BackoffLinear, Jitter: JitterFull, Base: ms(10), Cap: ms(100)})
	check("linear full", 0, ms(30), float64(ms(15)), func() time.Duration { return lin.Delay(3, 0, r) })
}

func TestBackoffStateDecorrelatedKeepsPrev(t *testing.T) {
	b, _ := NewBackoff(BackoffConfig{Kind: BackoffExponential, Jitter: JitterDecorrelated, Base: ms(5), Cap: ms(2000), Multiplier: 2})
	r := sim.NewRand(2, "dec")
	var st BackoffState
	prev := time.Duration(0)
	for i := range 50 {
		d := b.Next(&st, r)
		hi := 3 * max(prev, ms(5))
		if d < ms(5) || d > min(hi, ms(2000)) {
			t.Fatalf("retry %d: %v outside [5ms, %v]", i+1, d, min(hi, ms(2000)))
		}
		if st.Prev != d {
			t.Fatalf("retry %d: state Prev %v, returned %v", i+1, st.Prev, d)
		}
		prev = d
	}
}

func TestBackoffConfigErrors(t *testing.T) {
	cases := []struct {
		cfg   BackoffConfig
		field string
	}{
		{BackoffConfig{Kind: 9}, "Kind"},
		{BackoffConfig{Jitter: 9}, "Jitter"},
		{BackoffConfig{Kind: BackoffNone, Jitter: JitterFull}, "Jitter"},
		{BackoffConfig{Kind: BackoffConstant, Base: 0}, "Base"},
		{BackoffConfig{Kind: BackoffLinear, Base: ms(10), Cap: ms(5)}, "Cap"},
		{BackoffConfig{Kind: BackoffExponential, Base: ms(10), Cap: ms(50), Multiplier: 0.5}, "Multiplier"},
		{BackoffConfig{Kind: BackoffLinear, Jitter: JitterDecorrelated, Base: ms(10), Cap: ms(50)}, "Jitter"},
	}
	for _, c := range cases {
		_, err := NewBackoff(c.cfg)
		mustErr(t, err, c.field)
	}
	if _, err := NewBackoff(DefaultBackoffConfig()); err != nil {
		t.Errorf("default config: %v", err)
	}
	for _, s := range []string{"none", "constant", "linear", "exponential"} {
		if k, err := ParseBackoffKind(s); err != nil || k.String() != s {
			t.Errorf("ParseBackoffKind(%q) = %v, %v", s, k, err)
		}
	}
	for _, s := range []string{"none", "full", "equal", "decorrelated"} {
		if j, err := ParseJitter(s); err != nil || j.String() != s {
			t.Errorf("ParseJitter(%q) = %v, %v", s, j, err)
		}
	}
	if _, err := ParseJitter("half"); err == nil {
		t.Error("ParseJitter(half) succeeded")
	}
}

func TestRetryPolicy(t *testing.T) {
	p, err := NewRetryPolicy(RetryPolicyConfig{MaxAttempts: 3, Retryable: ReasonSetOf(ReasonTimeout, ReasonShed),
		Backoff: BackoffConfig{Kind: BackoffConstant, Base: ms(100)}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		attempts int
		reason   Reason
		want     bool
	}{
		{1, ReasonTimeout, true},
		{2, ReasonShed, true},
		{3, ReasonTimeout, false}, // the third attempt was the last
		{1, ReasonBreakerOpen, false},
		{1, ReasonOK, false},
	}
	for _, c := range cases {
		if got := p.ShouldRetry(c.attempts, c.reason); got != c.want {
			t.Errorf("ShouldRetry(%d, %v) = %v, want %v", c.attempts, c.reason, got, c.want)
		}
	}
	var st BackoffState
	for i, want := range []bool{true, true, false} {
		wait, retry := p.OnFailure(&st, ReasonTimeout, nil)
		if retry != want || (retry && wait != ms(100)) {
			t.Errorf("failure %d: OnFailure = %v, %v; want retry %v after 100ms", i+1, wait, retry, want)
		}
	}
	_, err = NewRetryPolicy(RetryPolicyConfig{MaxAttempts: 0})
	mustErr(t, err, "MaxAttempts")
	_, err = NewRetryPolicy(RetryPolicyConfig{MaxAttempts: 2, Retryable: ReasonSetOf(ReasonOK)})
	mustErr(t, err, "Retryable")
	_, err = NewRetryPolicy(RetryPolicyConfig{MaxAttempts: 2, Backoff: BackoffConfig{Kind: BackoffConstant}})
	mustErr(t, err, "Base")
	if _, err := NewRetryPolicy(DefaultRetryPolicyConfig()); err != nil {
		t.Errorf("default config: %v", err)
	}
}

func ExampleBackoff() {
	b, err := NewBackoff(BackoffConfig{Kind: BackoffExponential, Jitter: JitterNone,
		Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2})
	if err != nil {
		panic(err)
	}
	var st BackoffState // one per call
	for range 10 {
		fmt.Print(b.Next(&st, nil), " ")
	}
	fmt.Println()
	// Output: 10ms 20ms 40ms 80ms 160ms 320ms 640ms 1.28s 2s 2s
}

func ExampleRetryPolicy() {
	p, _ := NewRetryPolicy(RetryPolicyConfig{MaxAttempts: 3, Retryable: ReasonSetOf(ReasonTimeout),
		Backoff: BackoffConfig{Kind: BackoffLinear, Base: 100 * time.Millisecond, Cap: time.Second}})
	var st BackoffState
	for _, reason := range []Reason{ReasonTimeout, ReasonTimeout, ReasonTimeout} {
		wait, retry := p.OnFailure(&st, reason, nil)
		fmt.Println(reason, retry, wait)
	}
	fmt.Println(p.ShouldRetry(1, ReasonBreakerOpen))
	// Output:
	// timeout true 100ms
	// timeout true 200ms
	// timeout false 0s
	// false
}

// TestBackoffTableIsTheFormula: the exponential delays NewBackoff
// tabulates are min(cap, base·multiplier^n) computed with math.Pow, to the
// bit, inside the table and past it, with and without jitter (the same
// draws), for multipliers that reach the cap at once, late or never.
func TestBackoffTableIsTheFormula(t *testing.T) {
	for _, m := range []float64{1, 1.0001, 1.1, 1.5, 2, math.Pi, 10, 1000} {
		for _, j := range []Jitter{JitterNone, JitterFull, JitterEqual} {
			cfg := BackoffConfig{Kind: BackoffExponential, Jitter: j, Base: 3*time.Millisecond + 7, Cap: 2 * time.Second, Multiplier: m}
			b, err := NewBackoff(cfg)
			if err != nil {
				t.Fatal(err)
			}
			r1, r2 := sim.NewRand(1, "table"), sim.NewRand(1, "table")
			for n := 1; n <= 200; n++ {
				x := float64(cfg.Base) * math.Pow(m, float64(n))
				v := cfg.Cap
				if x < float64(cfg.Cap) {
					v = time.Duration(x)
				}
				switch j {
				case JitterFull:
					v = time.Duration(r2.Int64N(int64(v)))
				case JitterEqual:
					v = v/2 + time.Duration(r2.Int64N(int64(v/2)))
				}
				if got := b.Delay(n, 0, r1); got != v {
					t.Fatalf("multiplier %v, jitter %v, n %d: Delay %v, formula %v", m, j, n, got, v)
				}
			}
		}
	}
}

// TestUniformDurationPCG holds uniformDuration's draw from a PCG to
// rand.Rand's Int64N over millions of draws from one PCG, with bounds of
// every size: small, powers of two, and near 2⁶³, where the rejection
// loop runs most.
func TestUniformDurationPCG(t *testing.T) {
	if !is64 {
		t.Skip("uniformDuration draws from the PCG on 64-bit platforms only")
	}
	p, q := rand.NewPCG(1, 2), rand.NewPCG(1, 2)
	r := rand.New(q)
	bounds := rand.New(rand.NewPCG(3, 4))
	n := 3_000_000
	if testing.Short() {
		n = 300_000
	}
	for i := range n {
		var b uint64
		switch i % 4 {
		case 0:
			b = 1 + bounds.Uint64N(1000)
		case 1:
			b = 1 << bounds.UintN(63)
		case 2:
			b = 1 + bounds.Uint64N(1<<63-1)
		default:
			b = 1<<63 - 1 - bounds.Uint64N(1<<20)
		}
		var lo time.Duration // (lo+b must not overflow)
		if b < 1<<62 {
			lo = time.Duration(i % 3)
		}
		if got, want := uniformDuration(nil, p, lo, lo+time.Duration(b)), lo+time.Duration(r.Int64N(int64(b))); got != want {
			t.Fatalf("draw %d, bound %d: uniformDuration %d, rand.Rand %d", i, b, got, want)
		}
	}
	if p.Uint64() != q.Uint64() {
		t.Fatal("uniformDuration and rand.Rand took different numbers of words")
	}
}

// TestBackoffNextPCG holds NextPCG to Next for every kind and jitter.
func TestBackoffNextPCG(t *testing.T) {
	for _, cfg := range []BackoffConfig{
		{Kind: BackoffConstant, Jitter: JitterFull, Base: 7 * time.Millisecond},
		{Kind: BackoffLinear, Jitter: JitterEqual, Base: 3 * time.Millisecond, Cap: time.Second},
		{Kind: BackoffExponential, Jitter: JitterFull, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
		{Kind: BackoffExponential, Jitter: JitterEqual, Base: time.Millisecond, Cap: time.Minute, Multiplier: 1.5},
		{Kind: BackoffExponential, Jitter: JitterDecorrelated, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
		{Kind: BackoffExponential, Jitter: JitterNone, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
	} {
		b, err := NewBackoff(cfg)
		if err != nil {
			t.Fatal(err)
		}
		p, q := rand.NewPCG(5, 6), rand.NewPCG(5, 6)
		r, rp := rand.New(q), rand.New(p)
		var s1, s2 BackoffState
		for i := range 100_000 {
			if i%70 == 0 {
				s1, s2 = BackoffState{}, BackoffState{}
			}
			if got, want := b.NextPCG(&s2, rp, p), b.Next(&s1, r); got != want {
				t.Fatalf("%+v draw %d: NextPCG %v, Next %v", cfg, i, got, want)
			}
		}
	}
}

// TestBackoffDraws checks Draws against the generator: a backoff that
// does not draw never touches it (a nil generator would panic), one that
// does moves it.
func TestBackoffDraws(t *testing.T) {
	for _, cfg := range []BackoffConfig{
		{Kind: BackoffNone},
		{Kind: BackoffConstant, Base: 7 * time.Millisecond},
		{Kind: BackoffConstant, Jitter: JitterFull, Base: 7 * time.Millisecond},
		{Kind: BackoffLinear, Base: 3 * time.Millisecond, Cap: time.Second},
		{Kind: BackoffLinear, Jitter: JitterEqual, Base: 3 * time.Millisecond, Cap: time.Second},
		{Kind: BackoffExponential, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
		{Kind: BackoffExponential, Jitter: JitterFull, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
		{Kind: BackoffExponential, Jitter: JitterDecorrelated, Base: 5 * time.Millisecond, Cap: 2 * time.Second, Multiplier: 2},
	} {
		b, err := NewBackoff(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Draws() {
			var s BackoffState
			for range 20 {
				b.Next(&s, nil)
				b.NextPCG(&s, nil, nil)
			}
			continue
		}
		p := rand.NewPCG(1, 2)
		var s BackoffState
		b.NextPCG(&s, rand.New(p), p)
		if q := rand.NewPCG(1, 2); p.Uint64() == q.Uint64() {
			t.Errorf("%+v: Draws, but NextPCG drew nothing", cfg)
		}
	}
}
