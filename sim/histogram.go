package sim

import (
	"fmt"
	"math"
	"math/bits"
	"time"
)

// Bucket layout (log-linear, as in Gil Tene's HdrHistogram): values below
// 2^(histSubBits+1) ns have a bucket each; above, every power-of-two range
// [2^e, 2^(e+1)) is cut into 2^histSubBits equal buckets. A bucket's width is
// then at most 2^-histSubBits of its lower bound, and the bucket's midpoint
// is within half a width, 2^-(histSubBits+1) = 1/128 < 0.8%, of any value in
// it.
const (
	histSubBits = 6
	histSub     = 1 << histSubBits // buckets per power of two
	// histBuckets covers every non-negative int64: the largest index is
	// bucketOf(2^63-1) = 56·64 + 127 = 3711.
	histBuckets = (64 - histSubBits) * histSub
	histWords   = (histBuckets + 63) / 64 // words of the bitmap of non-empty buckets
)

// Histogram records durations, typically latencies, in fixed memory
// (about 30 KB, held in the value itself) and answers quantiles within 1%
// relative error (at most 1/128). Count, Mean, Min and Max are exact. Two
// histograms merge exactly. Recording allocates nothing.
//
// The zero Histogram is empty and ready to use. A Histogram is a plain
// value: assigning it copies it, and == compares contents.
type Histogram struct {
	counts [histBuckets]uint64
	// occ has bit i%64 of word i/64 set when counts[i] > 0, so that the
	// walks (Quantiles, Merge, Buckets) visit only the non-empty buckets:
	// an interval's few hundred latencies spread over a thousand buckets
	occ          [histWords]uint64
	n            uint64
	sumHi, sumLo uint64 // 128-bit sum of the recorded nanoseconds
	min, max     time.Duration
}

// bucketOf returns the index of the bucket that holds v.
func bucketOf(v uint64) int {
	// shift is 0 below 2^7, else Len64(v)-7: then v>>shift is in [64, 128)
	// and index shift·64 + v>>shift numbers the buckets consecutively.
	shift := bits.Len64(v|(2*histSub-1)) - (histSubBits + 1)
	return shift<<histSubBits + int(v>>uint(shift))
}

// bucketRange returns the smallest value of bucket i and its width.
func bucketRange(i int) (lo, width uint64) {
	if i < 2*histSub {
		return uint64(i), 1
	}
	shift := uint(i>>histSubBits) - 1
	return uint64(histSub+i&(histSub-1)) << shift, 1 << shift
}

// Record adds one observation of d nanoseconds. A negative d panics: no
// latency is negative. Record allocates nothing.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		panic(fmt.Sprintf("sim: Histogram.Record(%v): negative duration", d))
	}
	v := uint64(d)
	i := bucketOf(v)
	h.counts[i]++
	h.occ[i>>6] |= 1 << uint(i&63)
	var carry uint64
	h.sumLo, carry = bits.Add64(h.sumLo, v, 0)
	h.sumHi += carry
	if h.n == 0 {
		h.min, h.max = d, d
	} else if d < h.min {
		h.min = d
	} else if d > h.max {
		h.max = d
	}
	h.n++
}

// Count returns the number of observations recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Mean returns the arithmetic mean of the observations, rounded to the
// nearest nanosecond; 0 when empty. The sum is kept in 128 bits, so it is
// exact for any number of observations.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	// The sum is below n·2^63, so sumHi < n and the quotient fits.
	q, r := bits.Div64(h.sumHi, h.sumLo, h.n)
	if r >= h.n-r { // round half up
		q++
	}
	return time.Duration(q)
}

// Min returns the smallest observation, exactly; 0 when empty.
func (h *Histogram) Min() time.Duration { return h.min }

// Max returns the largest observation, exactly; 0 when empty.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the q-quantile of the observations for q in [0, 1]: an
// estimate of the smallest recorded value v such that at least ceil(q·n) of
// the n observations are <= v (Quantile(0) is Min, Quantile(1) is Max, 0.99
// is p99). The smallest and largest ranks give Min and Max exactly; other
// estimates are the midpoint of v's bucket, clamped to [Min, Max], so their
// relative error is at most 1/128 (< 1%), and they are exact below 128ns.
// It returns 0 when empty. q outside [0, 1] (or NaN) panics.
func (h *Histogram) Quantile(q float64) time.Duration {
	if !(q >= 0 && q <= 1) {
		panic(fmt.Sprintf("sim: Histogram.Quantile(%v): q must be in [0, 1]", q))
	}
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	switch {
	case rank <= 1:
		return h.min
	case rank >= h.n:
		return h.max
	}
	last := bucketOf(uint64(h.max))
	var seen uint64
	i := bucketOf(uint64(h.min))
	for ; i < last; i++ {
		seen += h.counts[i]
		if seen >= rank {
			break
		}
	}
	return h.estimate(i)
}

// estimate is the estimate of a quantile that falls in bucket i: the
// bucket's midpoint, clamped to [Min, Max].
func (h *Histogram) estimate(i int) time.Duration {
	lo, w := bucketRange(i)
	return min(max(time.Duration(lo+(w-1)/2), h.min), h.max)
}

// checkQuantiles panics unless qs[k] is in [0, 1] and not below qs[k-1]
// (for the walks that answer several quantiles in one pass).
func checkQuantiles(who string, qs []float64, k int) {
	if q := qs[k]; !(q >= 0 && q <= 1) || (k > 0 && q < qs[k-1]) {
		panic(fmt.Sprintf("sim: Histogram.%s(%v): each q must be in [0, 1], in ascending order", who, qs))
	}
}

// Quantiles sets out[k] to h.Quantile(qs[k]) for every k, in one walk of
// the buckets: qs must be in ascending order and out at least as long.
// It is what a model calls at each interval's end for its p50..p999.
func (h *Histogram) Quantiles(qs []float64, out []time.Duration) {
	out = out[:len(qs)]
	if h.n == 0 {
		clear(out)
		return
	}
	last := bucketOf(uint64(h.max))
	var seen uint64
	i := bucketOf(uint64(h.min))
	wi := i >> 6
	word := h.occ[wi] // no bit below Min's bucket is set
	for k, q := range qs {
		checkQuantiles("Quantiles", qs, k)
		rank := uint64(math.Ceil(q * float64(h.n)))
		switch {
		case rank <= 1:
			out[k] = h.min
			continue
		case rank >= h.n:
			out[k] = h.max
			continue
		}
		// seen counts the buckets before i, the lowest non-empty bucket
		// not passed yet (bit i%64 of word, the bits of occ[wi] left);
		// rank only grows, so the walk goes on from where the previous
		// quantile stopped. The bucket found is the one the walk of
		// every bucket would find: the first whose running count
		// reaches rank, which is non-empty, and at the latest Max's.
		for {
			for word == 0 {
				wi++
				word = h.occ[wi]
			}
			i = wi<<6 + bits.TrailingZeros64(word)
			if i >= last || seen+h.counts[i] >= rank {
				break
			}
			seen += h.counts[i]
			word &= word - 1
		}
		out[k] = h.estimate(i)
	}
}

// Drain is Quantiles(qs, out), then into.Merge(h), then h.Reset(), in
// one walk of h's non-empty buckets: what a model does with an
// interval's histogram at the interval's end. into must not be h.
func (h *Histogram) Drain(qs []float64, out []time.Duration, into *Histogram) {
	out = out[:len(qs)]
	if h.n == 0 {
		clear(out)
		return
	}
	// k is the first quantile not answered yet, want its rank (none once
	// every quantile is answered); those of the smallest and largest
	// ranks are Min and Max
	k, want := h.drainRank(qs, out, 0)
	var seen uint64
	lo, hi := bucketOf(uint64(h.min))>>6, bucketOf(uint64(h.max))>>6
	for wi := lo; wi <= hi; wi++ {
		word := h.occ[wi]
		into.occ[wi] |= word
		h.occ[wi] = 0
		for ; word != 0; word &= word - 1 {
			i := wi<<6 + bits.TrailingZeros64(word)
			c := h.counts[i]
			into.counts[i] += c
			h.counts[i] = 0
			// the first bucket whose running count reaches a rank
			// holds that quantile, as in Quantiles (seen never
			// reaches the rank of none: it is at most h.n)
			for seen += c; seen >= want; {
				out[k] = h.estimate(i)
				k, want = h.drainRank(qs, out, k+1)
			}
		}
	}
	into.addTotals(h)
	h.n, h.sumHi, h.sumLo, h.min, h.max = 0, 0, 0, 0, 0
}

// drainRank answers Drain's quantiles from k on that are h's Min or Max
// and returns the first that is neither and its rank, or len(qs) and
// the rank of none (math.MaxUint64) when none is left.
func (h *Histogram) drainRank(qs []float64, out []time.Duration, k int) (int, uint64) {
	for ; k < len(qs); k++ {
		checkQuantiles("Drain", qs, k)
		rank := uint64(math.Ceil(qs[k] * float64(h.n)))
		switch {
		case rank <= 1:
			out[k] = h.min
		case rank >= h.n:
			out[k] = h.max
		default:
			return k, rank
		}
	}
	return k, math.MaxUint64
}

// Merge adds every observation recorded in o to h, exactly as if they had
// been recorded in h. o is unchanged (h.Merge(h) doubles h).
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	lo, hi := bucketOf(uint64(o.min))>>6, bucketOf(uint64(o.max))>>6
	for wi := lo; wi <= hi; wi++ {
		word := o.occ[wi]
		h.occ[wi] |= word
		for ; word != 0; word &= word - 1 {
			i := wi<<6 + bits.TrailingZeros64(word)
			h.counts[i] += o.counts[i]
		}
	}
	h.addTotals(o)
}

// addTotals adds o's count, sum, min and max to h's (Merge's part beside
// the buckets).
func (h *Histogram) addTotals(o *Histogram) {
	if h.n == 0 {
		h.min, h.max = o.min, o.max
	} else {
		h.min = min(h.min, o.min)
		h.max = max(h.max, o.max)
	}
	var carry uint64
	h.sumLo, carry = bits.Add64(h.sumLo, o.sumLo, 0)
	h.sumHi += o.sumHi + carry
	h.n += o.n
}

// Buckets calls f for each non-empty bucket, in increasing order, with
// the bucket's upper bound (the largest duration it holds, in
// nanoseconds) and the number of observations in it. The number of
// observations at or under each upper bound, the running sum of the
// counts, is exact, so the buckets give the empirical CDF exactly at those
// points; a bucket spans at most 1/64 of its lower bound (1ns below
// 128ns). The last upper bound is at or above Max. Bounds depend only on
// the bucket, so the buckets of two histograms line up for merging.
// Buckets allocates nothing and calls f nothing when h is empty.
func (h *Histogram) Buckets(f func(upper time.Duration, count uint64)) {
	if h.n == 0 {
		return
	}
	lo, hi := bucketOf(uint64(h.min))>>6, bucketOf(uint64(h.max))>>6
	for wi := lo; wi <= hi; wi++ {
		for word := h.occ[wi]; word != 0; word &= word - 1 {
			i := wi<<6 + bits.TrailingZeros64(word)
			lo, w := bucketRange(i)
			f(time.Duration(lo+(w-1)), h.counts[i])
		}
	}
}

// Reset empties h, as if it were the zero Histogram.
func (h *Histogram) Reset() {
	if h.n == 0 {
		return
	}
	lo, hi := bucketOf(uint64(h.min)), bucketOf(uint64(h.max))
	clear(h.counts[lo : hi+1])
	clear(h.occ[lo>>6 : hi>>6+1])
	h.n, h.sumHi, h.sumLo, h.min, h.max = 0, 0, 0, 0, 0
}
