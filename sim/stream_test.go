package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestStreamExp holds Stream's exponential draws to math/rand/v2's: over
// millions of draws from streams of several seeds, ExpFloat64 and Sample
// give bit for bit what R (a *rand.Rand over the same PCG) gives, and
// leave the stream where R leaves it, the draws that the fast path does
// not take among them.
func TestStreamExp(t *testing.T) {
	n := 4_000_000
	if testing.Short() {
		n = 400_000
	}
	exp := MustParseDist("exp(1ms)")
	slow := 0
	for seed := range uint64(3) {
		x := NewStream(rand.NewPCG(seed, seed^0xda942042e4dd58b5))
		ref := rand.New(rand.NewPCG(seed, seed^0xda942042e4dd58b5))
		for k := range n {
			var got, want float64
			if k%2 == 0 {
				got, want = x.ExpFloat64(), ref.ExpFloat64()
			} else {
				got, want = float64(x.Sample(exp)), float64(exp.Sample(ref))
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("seed %d, draw %d: %v, want %v", seed, k, got, want)
			}
			if x.replay {
				t.Fatalf("seed %d, draw %d: a replayed word left unread", seed, k)
			}
			if k%1000 == 0 {
				// the stream where R's is: the next word the same
				if a, b := x.R.Uint64(), ref.Uint64(); a != b {
					t.Fatalf("seed %d, after draw %d: next word %#x, want %#x", seed, k, a, b)
				}
			}
		}
		slow += countSlow(seed, n)
	}
	if slow < n/200 {
		t.Errorf("%d of %d draws took the slow way: too few to test it", slow, 3*n)
	}
}

// countSlow counts the draws of n from the stream of seed that the
// rectangles do not take.
func countSlow(seed uint64, n int) int {
	p := rand.NewPCG(seed, seed^0xda942042e4dd58b5)
	c := 0
	for range n {
		u := p.Uint64()
		if uint32(u) >= expK[uint8(u>>32)] {
			c++
		}
	}
	return c
}

// TestStreamSampleOthers: a distribution that is not exponential is
// sampled by itself, from R.
func TestStreamSampleOthers(t *testing.T) {
	for _, spec := range []string{"uniform(1ms, 3ms)", "lognormal(20ms, 0.6)", "5ms", "pareto(10ms, 1.2)", "mix(0.999: 100us, 0.001 : 10ms)", "erlang(3, 2ms)"} {
		d := MustParseDist(spec)
		x := NewStream(rand.NewPCG(7, 8))
		ref := rand.New(rand.NewPCG(7, 8))
		for k := range 10_000 {
			if got, want := x.Sample(d), d.Sample(ref); got != want {
				t.Fatalf("%s, draw %d: %v, want %v", spec, k, got, want)
			}
		}
	}
}

// TestZiggurat: the rectangles read off math/rand/v2 are its own at
// their edges (random draws hit an edge once in 2³² words): the last j
// inside rectangle i is taken at once, as float64(j) * expW[i], and the
// first outside draws again. And they are a ziggurat's: each has a width
// (but those that are all slow), and most take almost every j.
func TestZiggurat(t *testing.T) {
	var p probe
	r := rand.New(&p)
	inside := 0
	for i := range 256 {
		if k := uint64(expK[i]); k > 0 {
			first := uint64(i)<<32 | (k - 1)
			p.n, p.first = 0, first
			if got, want := r.ExpFloat64(), float64(k-1)*expW[i]; p.n != 1 || math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("rectangle %d, j = %d: %v in %d words, want %v in 1", i, k-1, got, p.n, want)
			}
		}
		if n := p.draws(r, uint64(i)<<32|uint64(expK[i])); n < 2 {
			t.Errorf("rectangle %d, j = %d: taken at once, want a second word", i, expK[i])
		}
		if expK[i] > 1 && (expW[i] <= 0 || math.IsInf(expW[i], 0)) {
			t.Errorf("rectangle %d: width %v", i, expW[i])
		}
		if expK[i] > 0xf0000000 {
			inside++
		}
	}
	if inside < 200 {
		t.Errorf("%d of 256 rectangles take more than 15/16 of their j: not a ziggurat's", inside)
	}
}
