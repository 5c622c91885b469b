package sim

import (
	"math/rand/v2"
	"time"
)

// Stream is a PCG random stream with two ways to draw from it: R, the
// *rand.Rand over it, for any draw, and ExpFloat64 and Sample, which draw
// exactly what R would (the same numbers, the same words taken from the
// stream) but take the common exponential draw without R's two calls
// through interfaces (Dist, then rand.Source). An M/M/1 customer makes
// two such draws, its arrival's and its work's (docs/PERFORMANCE.md,
// "Instructions per customer"). A Stream is not safe for concurrent use.
type Stream struct {
	// R draws from the stream like any *rand.Rand.
	R   *rand.Rand
	pcg *rand.PCG
	// the rare draws (about 1.1%) that the ziggurat's rectangles do not
	// take are drawn by slow, a *rand.Rand over this Stream as its
	// source, whose first word is the one the fast path already took
	// (held in u while replay is set), then the PCG's
	u      uint64
	replay bool
	slow   *rand.Rand
}

// NewStream returns a Stream drawing from p (which keeps its state: a
// Stream and every other user of p draw one sequence between them).
func NewStream(p *rand.PCG) *Stream {
	x := &Stream{R: rand.New(p), pcg: p}
	x.slow = rand.New(x)
	return x
}

// Uint64 is the Stream as slow's source: the replayed word, else the
// PCG's next.
func (x *Stream) Uint64() uint64 {
	if x.replay {
		x.replay = false
		return x.u
	}
	return x.pcg.Uint64()
}

// ExpFloat64 returns R.ExpFloat64(): an exponential variate of mean 1.
// The draws that fall in a rectangle of the ziggurat (Marsaglia and
// Tsang 2000, the method math/rand/v2 uses) are taken here, with the
// rectangles' bounds read off math/rand/v2 itself (expK, expW); the
// others go to R's own code, fed the same first word.
func (x *Stream) ExpFloat64() float64 {
	u := x.pcg.Uint64()
	j := uint32(u)
	i := uint8(u >> 32)
	if j < expK[i] {
		return float64(j) * expW[i]
	}
	return x.expSlow(u)
}

// expSlow is ExpFloat64 for a first word u outside its rectangle: R's
// own code, fed u again. It is out of line, so that ExpFloat64 stays
// small enough to inline where the compiler has a profile.
//
//go:noinline
func (x *Stream) expSlow(u uint64) float64 {
	x.u, x.replay = u, true
	return x.slow.ExpFloat64()
}

// Sample returns d.Sample(x.R): an exponential distribution's sample
// drawn through ExpFloat64, any other's by d itself.
func (x *Stream) Sample(d Dist) time.Duration {
	if e, ok := d.(expDist); ok {
		return toDur(e.ns * x.ExpFloat64())
	}
	return d.Sample(x.R)
}

// ExpMean returns the mean of d in ns if d is an exponential distribution
// ("exp(20ms)"), else 0: with it a caller that draws many samples of d
// takes them as Dur(mean * ExpFloat64()), exactly Sample(d)'s, without
// Sample's test of d's type at each draw.
func ExpMean(d Dist) float64 {
	if e, ok := d.(expDist); ok {
		return e.ns
	}
	return 0
}

// Dur returns ns rounded to a Duration, saturating at the largest, as
// the distributions' samples are.
func Dur(ns float64) time.Duration { return toDur(ns) }

// expK and expW are the ziggurat's rectangles as rand.(*Rand).ExpFloat64
// uses them: a first word u of the stream, with j its low 32 bits and i
// the next 8, gives float64(j) * expW[i] when j < expK[i] (j inside
// rectangle i), and a slower draw otherwise. They are not copied from
// the standard library but read off its ExpFloat64 when the package
// starts (readZiggurat), so they cannot drift from it; TestStreamExp
// holds the draws to R's over millions of words.
var expK, expW = readZiggurat()

// readZiggurat finds, for each rectangle i, the least j that ExpFloat64
// does not take at once (it then draws a second word: a binary search on
// j in [0, 2³²)), and the rectangle's width, ExpFloat64's answer to j = 1
// (float64(1) * width, exact) when 1 is inside.
func readZiggurat() (k [256]uint32, w [256]float64) {
	var p probe
	r := rand.New(&p)
	for i := range 256 {
		lo, hi := uint64(0), uint64(1)<<32 // the least j drawing twice is in [lo, hi]
		for lo < hi {
			mid := (lo + hi) / 2
			if p.draws(r, uint64(i)<<32|mid) > 1 {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		// (were even j = 2³²-1 taken at once, k would be 2³²: 2³²-1
		// sends that one j the slow way, which gives the same answer)
		k[i] = uint32(min(lo, 1<<32-1))
		if k[i] > 1 {
			p.n, p.first = 0, uint64(i)<<32|1
			w[i] = r.ExpFloat64()
		}
	}
	return k, w
}

// probe is a rand.Source for readZiggurat: first, then zeros (with
// which every slower draw ends), counting the words taken.
type probe struct {
	first uint64
	n     int
}

func (p *probe) Uint64() uint64 {
	p.n++
	if p.n == 1 {
		return p.first
	}
	return 0
}

// draws returns how many words r.ExpFloat64 takes from p when its first
// is first.
func (p *probe) draws(r *rand.Rand, first uint64) int {
	p.n, p.first = 0, first
	r.ExpFloat64()
	return p.n
}
