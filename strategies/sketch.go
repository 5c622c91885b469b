package strategies

import (
	"math"
	"time"

	"github.com/stampede-sim/stampede/sim"
)

// Latency sketch geometry: log-spaced buckets growing by sketchGrowth from
// sketchMin, so a quantile read from a bucket's geometric midpoint is within
// about ±2% of a recorded value. Bucket 0 holds latencies below sketchMin,
// the last bucket everything from about 1000 s up.
const (
	sketchGrowth  = 1.04
	sketchMin     = time.Microsecond
	sketchBuckets = 530 // ceil(ln(1e9)/ln(1.04)) + 2
)

var sketchLogGrowth = math.Log(sketchGrowth)

// latencySketch estimates quantiles of the latencies recorded over roughly
// the last window: two halves of window/2 each, rotated as time passes, so
// a quantile covers between window/2 and window of history. Memory is
// fixed; record allocates nothing.
type latencySketch struct {
	half  time.Duration
	epoch int64 // floor(now/half) of cur
	cur   [sketchBuckets]uint32
	prev  [sketchBuckets]uint32
	n     uint64 // samples in cur+prev
	nCur  uint64
}

func sketchIndex(d time.Duration) int {
	if d < sketchMin {
		return 0
	}
	i := int(math.Log(float64(d)/float64(sketchMin))/sketchLogGrowth) + 1
	return min(i, sketchBuckets-1)
}

// sketchValue is the geometric midpoint of bucket i.
func sketchValue(i int) time.Duration {
	if i == 0 {
		return sketchMin / 2
	}
	return time.Duration(float64(sketchMin) * math.Pow(sketchGrowth, float64(i)-0.5))
}

func (s *latencySketch) rotate(now sim.Time) {
	e := int64(now) / int64(s.half)
	switch {
	case e <= s.epoch:
		return
	case e == s.epoch+1:
		s.prev = s.cur
		s.n = s.nCur
	default:
		s.prev = [sketchBuckets]uint32{}
		s.n = 0
	}
	s.cur = [sketchBuckets]uint32{}
	s.nCur = 0
	s.epoch = e
}

func (s *latencySketch) record(now sim.Time, d time.Duration) {
	s.rotate(now)
	i := sketchIndex(d)
	if s.cur[i] == math.MaxUint32 {
		return // saturated: ~4e9 samples in half a window
	}
	s.cur[i]++
	s.n++
	s.nCur++
}

func (s *latencySketch) count(now sim.Time) uint64 {
	s.rotate(now)
	return s.n
}

// quantile returns the q-quantile (0 < q < 1) of the samples at now; the
// sketch must hold at least one sample.
func (s *latencySketch) quantile(now sim.Time, q float64) time.Duration {
	s.rotate(now)
	rank := uint64(math.Ceil(q * float64(s.n)))
	rank = max(rank, 1)
	var seen uint64
	for i := range s.cur {
		seen += uint64(s.cur[i]) + uint64(s.prev[i])
		if seen >= rank {
			return sketchValue(i)
		}
	}
	return sketchValue(sketchBuckets - 1)
}
